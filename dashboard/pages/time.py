"""Tid: when things happen — weekday × hour (aoristic), month × hour, and the monthly trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.aoristic import hour_profile, month_hour, weekday_hour
from analysis.change import counts_over_time, previous_year_period
from core.formatting import period_label
from dashboard.components.charts import bar_profile, month_hour_heatmap, trend_chart, weekday_hour_heatmap
from dashboard.components.disclosure import (
    count_text,
    level_badge,
    masked_frame,
    masked_matrix,
    masked_profile,
    masked_series,
)
from dashboard.components.errors import end_page
from dashboard.components.exports import show_figure
from dashboard.components.near_repeat import near_repeat_section
from dashboard.filters import apply_filters, current_filters
from dashboard.i18n import english, lang, t, weekday_names
from dashboard.loaders import current_view

MONTHS_SV = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

active = st.session_state["active"]
filters = current_filters()
projector = st.session_state.get("projector", False)
view = apply_filters(active.incidents, filters)
all_dates = apply_filters(active.incidents, filters, period=False)
disclosure = current_view()


def _trend(frame: pd.DataFrame, title: str):
    """The monthly trend chart and its CSV; a hidden month is a gap in the line and ".." in the CSV."""
    shown = frame.assign(count=masked_series(frame["count"], disclosure))
    fig = trend_chart(shown, x="period_start", y="count", color="serie", projector=projector, title=title)
    data = masked_frame(frame[["serie", "period", "count"]].astype({"period": "string"}), disclosure, ["count"])
    show_figure(fig, "trend-manad", data=data, key="trend")


st.title(t("Tid"))
level_badge(disclosure)
if view.empty:
    st.warning(t("Inga händelser matchar filtren."))
    if all_dates.empty:
        st.info(t("Inte heller på något annat datum: ändra kategorier, källor, områden, veckodagar eller timmar."))
        end_page()
    # Only the period empties the view: the trend over every date shows where the data is.
    first, last = all_dates["occurred_from"].min(), all_dates["occurred_from"].max()
    st.info(t("Perioden {period} har inga händelser med de här filtren. Trenden visar alla datum ({span}) "
              "med de övriga filtren.").format(period=period_label(filters.start, filters.end, lang=lang()),
                                               span=period_label(first, last, lang=lang())))
    _trend(counts_over_time(all_dates, freq="M").assign(serie=t("Alla datum")), t("Händelser per månad"))
    end_page()

heat = weekday_hour(view)
left, right = st.columns([4, 1])
with left:
    # A hidden cell is drawn in the lowest colour class with ".." in it: its colour must not give it away.
    values, texts = masked_matrix(heat.matrix, disclosure)
    fig = weekday_hour_heatmap(values, weekday_names=weekday_names(), projector=projector,
                               title=t("Veckodag × timme (aoristisk viktning)"), value_label=t("Händelser"),
                               texts=texts)
    show_figure(fig, "veckodag-timme", data=masked_frame(heat.long(), disclosure, ["weight"]), key="weekday-hour")
with right:
    st.metric(t("Med känd tid"), count_text(disclosure, heat.known))
    st.metric(t("Okänd tid"), count_text(disclosure, heat.unknown),
              help=t("Händelser med tidsfönster längre än 24 timmar ingår inte i diagrammet."))
    stacked = heat.matrix.stack()
    peak = stacked.idxmax()
    if not disclosure.hides(stacked.max()):  # a top that is itself hidden would point at its cell
        st.markdown(f"{t('Toppen')}: **{weekday_names()[peak[0] - 1]} {t('kl.')} {peak[1]:02d}**")
    st.caption(t("En händelse med tidsfönster (t.ex. inbrott 08–17) fördelas jämnt över timmarna i fönstret."))

# Hour of day for a chosen set of weekdays, e.g. the weekend nights a workshop asks about.
names = weekday_names()
chosen_days = st.pills(t("Timprofil för veckodagarna"), list(range(1, 8)), selection_mode="multi", default=[5, 6],
                       format_func=lambda d: names[d - 1], key="time_profile_days") or [5, 6]
profile = hour_profile(view, chosen_days)
weights, texts = masked_profile(profile.weights, disclosure)
fig = bar_profile(weights, projector=projector, texts=texts,
                  title=t("Händelser per timme") + ": " + ", ".join(names[d - 1] for d in sorted(chosen_days)))
profile_data = profile.weights.rename_axis("hour").reset_index()
show_figure(fig, "timprofil", data=masked_frame(profile_data, disclosure, [profile_data.columns[-1]]),
            key="hour-profile")

months = month_hour(view)
values, texts = masked_matrix(months.matrix, disclosure)
fig = month_hour_heatmap(values, month_names=MONTHS_EN if english() else MONTHS_SV, projector=projector,
                         title=t("Månad × timme"), texts=texts)
show_figure(fig, "manad-timme", data=masked_frame(months.long(), disclosure, ["weight"]), key="month-hour")

near_repeat_section(view, disclosure, projector=projector)

# The monthly trend beside the same months a year earlier, as the handbook compares.
current = counts_over_time(all_dates, freq="M", start=filters.start, end=filters.end)
prev_start, prev_end = previous_year_period(filters.start, filters.end)
previous = counts_over_time(all_dates, freq="M", start=prev_start, end=prev_end)
trend = pd.concat([
    current.assign(serie=t("Vald period")),
    previous.assign(serie=t("Samma period året innan"),
                    period_start=previous["period_start"] + pd.DateOffset(years=1)),
])
_trend(trend, t("Händelser per månad"))
