"""Trygghet: survey indicators by district and year with intervals, change, and trygghet vs brott."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.aggregate import summary_by_area
from analysis.smoothing import small_population, with_eb_rate
from analysis.survey import assessment_text, survey_change, survey_table, survey_vs_rates
from dashboard.components.charts import interval_chart, quadrant_chart
from dashboard.components.disclosure import hidden_mask, level_badge
from dashboard.components.errors import end_page
from dashboard.components.exports import csv_download, show_figure
from dashboard.components.rates import EB_AXIS, eb_caption
from dashboard.components.tables import Column, show_table
from dashboard.filters import apply_filters, current_filters
from dashboard.i18n import fmt_int, lang, t
from dashboard.loaders import current_view

active = st.session_state["active"]
filters = current_filters()
projector = st.session_state.get("projector", False)
disclosure = current_view()

st.title(t("Trygghet"))
level_badge(disclosure)
if active.survey is None or active.survey.empty:
    st.info(t("Ingen trygghetsmätning är inläst. Lägg till en trygghetsmätning på sidan Data."))
    end_page()

table = survey_table(active.survey)
names = {} if active.districts is None else dict(zip(active.districts["area_id"], active.districts["name"],
                                                      strict=False))
table["område"] = table["area_id"].map(names).fillna(table["area_id"])
if filters.districts:
    table = table[table["area_id"].isin(filters.districts)]
labels = table.drop_duplicates("indicator").set_index("indicator")["label"].to_dict()
indicators = list(labels)
default = indicators.index("andel_otrygga_ute_sent") if "andel_otrygga_ute_sent" in indicators else 0
indicator = st.selectbox(t("Fråga"), indicators, index=default, format_func=lambda i: labels.get(i, i),
                         key="survey_indicator")
chosen = table[table["indicator"] == indicator].copy()
unit = chosen["unit"].iloc[0]
direction = chosen["direction"].iloc[0]
if unit == "share":
    for column in ("value", "ci_low", "ci_high"):
        chosen[column] = chosen[column] * 100
x_title = t("Andel (%)") if unit == "share" else t("Index 0–6 (0 = inget problem, 6 = alarmerande)")
better = t("lägre är bättre") if direction == "lower_better" else t("högre är bättre")
chosen["etikett"] = chosen["område"] + chosen["uncertain"].map({True: f" ({t('osäkert')})", False: ""})
fig = interval_chart(chosen, label="etikett", value="value", low="ci_low", high="ci_high", group="year",
                     projector=projector, title=f"{labels.get(indicator, indicator)} – {better}",
                     x_title=x_title)
show_figure(fig, f"trygghet-{indicator}",
            data=chosen[["area_id", "område", "year", "value", "ci_low", "ci_high", "n", "uncertain"]],
            key="survey-intervals")
st.caption(t("Linjerna visar 95 % konfidensintervall (Wilson för andelar). Osäkert = färre än 30 svar eller "
             "okänt antal svar."))

years = sorted(table["year"].unique())
if len(years) > 1:
    st.subheader(t("Förändring mellan år"))
    cols = st.columns(2)
    year_a = cols[0].selectbox(t("Från år"), years, index=len(years) - 2, key="survey_year_a")
    year_b = cols[1].selectbox(t("Till år"), years, index=len(years) - 1, key="survey_year_b")
    change = survey_change(table, int(year_a), int(year_b))
    change = change[change["indicator"] == indicator]
    change.insert(1, "område", change["area_id"].map(names).fillna(change["area_id"]))
    shown = change[["område", "value_a", "value_b", "change", "p_value", "assessment", "uncertain"]].assign(
        assessment=[assessment_text(a, lang=lang()) for a in change["assessment"]])
    # Shares read as per cent and their change in percentage points; an index (0–6) with one decimal.
    value = Column(str(year_a), "share", 1) if unit == "share" else Column(str(year_a), "number", 1)
    shown = shown.assign(change=shown["change"] * 100 if unit == "share" else shown["change"])
    show_table(shown, {"område": "Område", "value_a": value, "value_b": Column(str(year_b), value.kind, 1),
                       "change": Column("Förändring (procentenheter)" if unit == "share" else "Förändring",
                                        "number", 1),
                       "p_value": Column("p", "p"), "assessment": "Bedömning", "uncertain": Column("Osäkert", "yesno")})
    csv_download(change, f"trygghet-forandring-{indicator}", key="csv-survey-change")

st.subheader(t("Trygghet och anmälda brott"))
if active.districts is None:
    st.info(t("Jämförelsen med anmälda brott per område behöver ett områdeslager. Lägg till ett områdeslager på "
              "sidan Data."))
else:
    year = st.selectbox(t("År"), years, index=len(years) - 1, key="survey_quadrant_year")
    # Rates for the chosen survey year, with the other filters as chosen.
    view = apply_filters(active.incidents, filters, period=False)
    view = view[view["occurred_from"].dt.year == int(year)]
    rates = summary_by_area(view, active.districts, assignment=view["district"].cat.codes.to_numpy())
    # Few inhabitants somewhere: the split uses the empirical-Bayes rate, and says so (components/rates.py).
    rates = with_eb_rate(rates)
    smoothed = small_population(rates["population"])
    rate_column = "rate_eb_per_1000" if smoothed else "rate_per_1000"
    # Survey results are not incident counts, but the rate beside them is: a rate from a hidden count
    # gives the count back with the population, so such an area is left out of the chart and its CSV.
    hidden = hidden_mask(rates["count"].to_numpy(), disclosure)
    rates.loc[hidden, ["rate_per_1000", "rate_eb_per_1000"]] = float("nan")
    quadrant = survey_vs_rates(table, rates, indicator, int(year), rate=rate_column)
    if unit == "share":
        quadrant["value"] = quadrant["value"] * 100
    fig = quadrant_chart(quadrant, x=rate_column, y="value", label="name",
                         x_title=t(EB_AXIS if smoothed else "Händelser per 1 000 invånare") + f" ({year})",
                         y_title=labels.get(indicator, indicator), projector=projector,
                         title=t("Trygghet mot anmälda brott per område"))
    show_figure(fig, f"kvadrant-{indicator}-{year}", data=pd.DataFrame(quadrant), key="survey-quadrant")
    st.caption(t("Linjerna delar vid medianerna. Uppe till höger: hög otrygghet och många brott."))
    if smoothed:
        eb_caption()
    if hidden.any():
        st.caption(t("Områden som inte visas på den här visningsnivån, för att de har för få händelser (antalet "
                     "kan räknas fram ur invånartalet): {n}.").format(n=fmt_int(hidden.sum())))
