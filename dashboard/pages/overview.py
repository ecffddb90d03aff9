"""Översikt: the period's headline against the same period last year, what stands out, the data."""

from __future__ import annotations

import streamlit as st

from analysis.aggregate import summary_by_area
from analysis.change import same_period_last_year
from analysis.overview import data_quality_text, standout_districts, standout_text
from analysis.smoothing import SMALL_POPULATION
from analysis.survey import change_headline, change_sentence, survey_change
from dashboard.components.disclosure import (
    change_hidden,
    change_summary,
    count_text,
    level_badge,
    masked_frame,
    shown_places,
)
from dashboard.components.exports import csv_download
from dashboard.components.pattern_change import pattern_change
from dashboard.components.safe_text import escape_markdown as md
from dashboard.components.tables import Column, show_table
from dashboard.filters import apply_filters, current_filters
from dashboard.i18n import change_delta, fmt_int, lang, t
from dashboard.loaders import current_view
from geo.categories import display_name
from geo.microplaces import place_counts

active = st.session_state["active"]
filters = current_filters()
incidents = active.incidents
all_dates = apply_filters(incidents, filters, period=False)
view = apply_filters(incidents, filters)
disclosure = current_view()
SMALL_LEFT_OUT = ("{names}: färre än {n} invånare, så nivån per invånare räknas inte som skäl att sticka ut "
                  "(med så få boende säger talet mer om hur få som bor där än om platsen).")


def _metric(column, label: str, row, against: str | None = None) -> None:
    """A count and its change against last year; a hidden count hides the change too (it would give it back)."""
    delta = {"delta": None} if change_hidden(disclosure, row) else change_delta(row, against)
    column.metric(label, count_text(disclosure, row["after"]), **delta)


st.title(t("Översikt"))
level_badge(disclosure)
if active.dataset.builtin:
    st.caption(f"{md(active.dataset.name)}. {t('Fiktiva exempeldata')}.")
if view.empty:
    # The zeros below are true, but without this a workshop reads them as "nothing happened".
    st.warning(t("Inga händelser matchar filtren."))

# Headline: the period against the same period a year earlier, tested as Poisson counts.
headline = same_period_last_year(all_dates, filters.start, filters.end, lang=lang()).iloc[0]
by_category = same_period_last_year(all_dates, filters.start, filters.end, by="category", lang=lang()).sort_values(
    "after", ascending=False)

columns = st.columns(4)
_metric(columns[0], t("Händelser"), headline, headline["previous_period"])
for column, (_, row) in zip(columns[1:], by_category.head(3).iterrows(), strict=False):
    _metric(column, md(display_name(row["category"], lang=lang())), row)
st.markdown(f"**{change_summary(disclosure, headline)}**")

st.subheader(t("Vad som sticker ut"))
left, right = st.columns(2)
with left:
    st.markdown(f"#### {t('Områden')}")
    if active.districts is None:
        st.info(t("Datasetet har inget områdeslager. Lägg till ett områdeslager på sidan Data för att se "
                  "antal, invånartal och förändring per område."))
    else:
        codes = view["district"].cat.codes.to_numpy()
        summary = summary_by_area(view, active.districts, assignment=codes)
        changes = same_period_last_year(all_dates, filters.start, filters.end,
                                        by="district", area_names=dict(zip(active.districts["area_id"],
                                                                           active.districts["name"], strict=False)),
                                        lang=lang())
        standout = standout_districts(changes, summary, lang=lang())
        for _, row in standout.iterrows():
            if disclosure.hides(row["count"]) or change_hidden(disclosure, row):
                # A rate or a change beside a hidden count gives the count back: only the name and why.
                text = f"{count_text(disclosure, row['count'])} {t('händelser')}"
            else:
                text = standout_text(row["count"], row["rate_per_1000"], row["change_pct"],
                                     headline["previous_period"], lang=lang())
            st.markdown(f"- **{md(row['name'])}** – {text} · *{row['reason']}*")
        if standout.attrs.get("small_left_out"):
            st.caption(t(SMALL_LEFT_OUT).format(names=", ".join(md(n) for n in standout.attrs["small_left_out"]),
                                                n=fmt_int(SMALL_POPULATION)))
        table = summary.reset_index()[["area_id", "name", "population", "count", "rate_per_1000"]]
        table["rate_per_1000"] = table["rate_per_1000"].round(1)
        shown = masked_frame(table, disclosure, ["count"], derived=["rate_per_1000"])
        show_table(shown, {"area_id": "Kod", "name": "Område", "population": Column("Invånare", "number"),
                           "count": Column("Antal", "count"), "rate_per_1000": Column("per 1 000 inv.", "number", 1)})
        csv_download(masked_frame(table, disclosure, ["count"], derived=["rate_per_1000"]), "omraden",
                     key="csv-overview-districts")
with right:
    st.markdown(f"#### {t('Mikroplatser')}")
    if active.places is None:
        st.info(t("Datasetet har inga namngivna platser. Lägg till ett lager med namngivna platser på sidan Data."))
    elif not view.empty:  # an empty view is said once, in the warning at the top
        places = place_counts(view, active.places).sort_values("count", ascending=False)
        # Below the owner's level a place with fewer than min_place incidents is not listed on its own.
        top = shown_places(places, disclosure).head(8).reset_index()[["area_id", "name", "count"]]
        st.caption(t("Namngivna platser med flest händelser"))
        if disclosure.controlled and len(top) < min(8, len(places)):
            st.caption(t("Platser med färre än {k} händelser visas inte på den här visningsnivån.").format(
                k=disclosure.rules.min_place))
        show_table(masked_frame(top, disclosure, ["count"]), {"name": "Plats", "count": Column("Antal", "count")})
        csv_download(masked_frame(top, disclosure, ["count"]), "mikroplatser", key="csv-overview-places")

if active.districts is not None:
    # Did the pattern change, or only the total? The S-index against the comparison period.
    pattern_change(all_dates, active.districts, filters.start, filters.end, disclosure)

st.subheader(t("Trygghet i korthet"))
if active.survey is None or active.survey.empty:
    st.info(t("Ingen trygghetsmätning är inläst. Lägg till en trygghetsmätning på sidan Data."))
else:
    years = sorted(active.survey["year"].unique())
    latest = years[-1]
    survey = active.survey
    if filters.districts:
        survey = survey[survey["area_id"].isin(filters.districts)]
    if len(years) > 1:
        change = survey_change(survey, years[-2], latest)
        worse = change[change["assessment"].eq("sämre")]
        st.markdown(change_headline(change, lang=lang()))
        if len(worse):
            names = dict(zip(active.districts["area_id"], active.districts["name"], strict=False)) \
                if active.districts is not None else {}
            for _, row in worse.head(5).iterrows():
                name = names.get(row["area_id"])
                st.markdown(f"- {change_sentence(row, md(name) if name else name, lang=lang())}")

st.subheader(t("Inläst data"))
quality = active.data_quality()
st.markdown(data_quality_text(quality, districts=active.districts is not None, lang=lang(), hides=disclosure.hides))
sources = quality.by_source.rename_axis(t("Källa")).reset_index(name=t("Antal"))
show_table(masked_frame(sources, disclosure, [t("Antal")]), {t("Källa"): Column("Källa", "term"), t("Antal"): Column("Antal", "count")})
