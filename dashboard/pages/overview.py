"""Översikt: the period's headline against the same period last year, what stands out, the data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.aggregate import summary_by_area
from analysis.change import same_period_last_year
from analysis.overview import standout_districts
from analysis.survey import survey_change
from dashboard.components.exports import csv_download
from dashboard.filters import apply_filters, current_filters
from dashboard.i18n import fmt_int, t
from geo.microplaces import place_counts

active = st.session_state["active"]
filters = current_filters()
incidents = active.incidents
all_dates = apply_filters(incidents, filters, period=False)
view = apply_filters(incidents, filters)

st.title(t("Översikt"))
if active.dataset.builtin:
    st.caption(f"{active.dataset.name}. {t('Fiktiva exempeldata')}.")

# Headline: the period against the same period a year earlier, tested as Poisson counts.
headline = same_period_last_year(all_dates, filters.start, filters.end).iloc[0]
by_category = same_period_last_year(all_dates, filters.start, filters.end, by="category").sort_values(
    "after", ascending=False)

columns = st.columns(4)
columns[0].metric(t("Händelser"), fmt_int(headline["after"]),
                  delta=f"{headline['change_pct']:+.0f} % mot {headline['previous_period']}"
                  if headline["before"] else None, delta_color="inverse")
for column, (_, row) in zip(columns[1:], by_category.head(3).iterrows(), strict=False):
    delta = f"{row['change_pct']:+.0f} %" if row["before"] else None
    column.metric(str(row["category"]), fmt_int(row["after"]), delta=delta, delta_color="inverse")
st.markdown(f"**{headline['summary_sv']}**")

st.subheader(t("Vad som sticker ut"))
left, right = st.columns(2)
with left:
    st.markdown(f"#### {t('Områden')}")
    if active.districts is None:
        st.info("Datasetet har inget områdeslager.")
    else:
        codes = view["district"].cat.codes.to_numpy()
        summary = summary_by_area(view, active.districts, assignment=codes)
        changes = same_period_last_year(all_dates, filters.start, filters.end,
                                        by="district", area_names=dict(zip(active.districts["area_id"],
                                                                           active.districts["name"], strict=False)))
        standout = standout_districts(changes, summary)
        for _, row in standout.iterrows():
            rate = row["rate_per_1000"]
            rate_text = f" ({rate:.0f} {t('per 1 000 inv.')})" if pd.notna(rate) else ""
            change_text = f", {row['change_pct']:+.0f} % mot {headline['previous_period']}" if pd.notna(
                row["change_pct"]) else ""
            st.markdown(f"- **{row['name']}** – {fmt_int(row['count'])} händelser{rate_text}{change_text} · "
                        f"*{row['reason']}*")
        table = summary.reset_index()[["area_id", "name", "population", "count", "rate_per_1000"]]
        st.dataframe(table.rename(columns={"name": t("Område"), "count": t("Antal"),
                                           "rate_per_1000": t("per 1 000 inv.")}),
                     hide_index=True, width="stretch",
                     column_config={t("per 1 000 inv."): st.column_config.NumberColumn(format="%.1f")})
        csv_download(table, "omraden", key="csv-overview-districts")
with right:
    st.markdown(f"#### {t('Mikroplatser')}")
    if active.places is not None and len(view):
        places = place_counts(view, active.places).sort_values("count", ascending=False)
        top = places.head(8).reset_index()[["area_id", "name", "count"]]
        st.caption(t("Namngivna platser med flest händelser"))
        st.dataframe(top.rename(columns={"name": t("Plats"), "count": t("Antal")}), hide_index=True,
                     width="stretch")
        csv_download(top, "mikroplatser", key="csv-overview-places")
    else:
        st.info("Datasetet har inga namngivna platser.")

st.subheader(t("Trygghet i korthet"))
if active.survey is None or active.survey.empty:
    st.info("Ingen trygghetsmätning är inläst.")
else:
    years = sorted(active.survey["year"].unique())
    latest = years[-1]
    survey = active.survey
    if filters.districts:
        survey = survey[survey["area_id"].isin(filters.districts)]
    if len(years) > 1:
        change = survey_change(survey, years[-2], latest)
        worse = change[change["assessment"].eq("sämre")]
        better = change[change["assessment"].eq("bättre")]
        st.markdown(f"Mellan {years[-2]} och {latest}: **{len(better)}** resultat blev säkert bättre och "
                    f"**{len(worse)}** säkert sämre (av {len(change)} jämförda område × fråga).")
        if len(worse):
            names = dict(zip(active.districts["area_id"], active.districts["name"], strict=False)) \
                if active.districts is not None else {}
            for _, row in worse.head(5).iterrows():
                st.markdown(f"- {names.get(row['area_id'], row['area_id'])}: {row['label']} "
                            f"({row['value_a']:.2f} → {row['value_b']:.2f})")

st.subheader(t("Inläst data"))
quality = active.data_quality()
first = quality.first.date() if quality.first is not None else "–"
last = quality.last.date() if quality.last is not None else "–"
st.markdown(
    f"**{fmt_int(quality.n_incidents)}** händelser {first} – {last}. "
    f"{fmt_int(quality.with_window)} har ett tidsfönster (viktas aoristiskt); "
    f"**{fmt_int(quality.unknown_time)}** har okänd tid (fönster över 24 h) och ingår inte i tidsanalyserna; "
    f"**{fmt_int(quality.no_place)}** ligger utanför alla områden."
)
sources = quality.by_source.rename_axis(t("Källa")).reset_index(name=t("Antal"))
st.dataframe(sources, hide_index=True)
