"""Tid: when things happen — weekday × hour (aoristic), month × hour, and the monthly trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.aoristic import hour_profile, month_hour, weekday_hour
from analysis.change import counts_over_time, previous_year_period
from core.formatting import period_label
from dashboard.components.charts import bar_profile, month_hour_heatmap, trend_chart, weekday_hour_heatmap
from dashboard.components.errors import end_page
from dashboard.components.exports import show_figure
from dashboard.filters import apply_filters, current_filters
from dashboard.i18n import english, fmt_int, lang, t, weekday_names

MONTHS_SV = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

active = st.session_state["active"]
filters = current_filters()
projector = st.session_state.get("projector", False)
view = apply_filters(active.incidents, filters)
all_dates = apply_filters(active.incidents, filters, period=False)

st.title(t("Tid"))
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
    trend = counts_over_time(all_dates, freq="M").assign(serie=t("Alla datum"))
    fig = trend_chart(trend, x="period_start", y="count", color="serie", projector=projector,
                      title=t("Händelser per månad"))
    show_figure(fig, "trend-manad", data=trend[["serie", "period", "count"]].astype({"period": "string"}),
                key="trend")
    end_page()

heat = weekday_hour(view)
left, right = st.columns([4, 1])
with left:
    fig = weekday_hour_heatmap(heat.matrix, weekday_names=weekday_names(), projector=projector,
                               title=t("Veckodag × timme (aoristisk viktning)"), value_label=t("Händelser"))
    show_figure(fig, "veckodag-timme", data=heat.long(), key="weekday-hour")
with right:
    st.metric(t("Med känd tid"), fmt_int(heat.known))
    st.metric(t("Okänd tid"), fmt_int(heat.unknown),
              help=t("Händelser med tidsfönster längre än 24 timmar ingår inte i diagrammet."))
    peak = heat.matrix.stack().idxmax()
    st.markdown(f"{t('Toppen')}: **{weekday_names()[peak[0] - 1]} {t('kl.')} {peak[1]:02d}**")
    st.caption(t("En händelse med tidsfönster (t.ex. inbrott 08–17) fördelas jämnt över timmarna i fönstret."))

# Hour of day for a chosen set of weekdays, e.g. the weekend nights a workshop asks about.
names = weekday_names()
chosen_days = st.pills(t("Timprofil för veckodagarna"), list(range(1, 8)), selection_mode="multi", default=[5, 6],
                       format_func=lambda d: names[d - 1], key="time_profile_days") or [5, 6]
profile = hour_profile(view, chosen_days)
fig = bar_profile(profile.weights, projector=projector,
                  title=t("Händelser per timme") + ": " + ", ".join(names[d - 1] for d in sorted(chosen_days)))
show_figure(fig, "timprofil", data=profile.weights.rename_axis("hour").reset_index(), key="hour-profile")

months = month_hour(view)
fig = month_hour_heatmap(months.matrix, month_names=MONTHS_EN if english() else MONTHS_SV, projector=projector,
                         title=t("Månad × timme"))
show_figure(fig, "manad-timme", data=months.long(), key="month-hour")

# The monthly trend beside the same months a year earlier, as the handbook compares.
current = counts_over_time(all_dates, freq="M", start=filters.start, end=filters.end)
prev_start, prev_end = previous_year_period(filters.start, filters.end)
previous = counts_over_time(all_dates, freq="M", start=prev_start, end=prev_end)
trend = pd.concat([
    current.assign(serie=t("Vald period")),
    previous.assign(serie=t("Samma period året innan"),
                    period_start=previous["period_start"] + pd.DateOffset(years=1)),
])
fig = trend_chart(trend, x="period_start", y="count", color="serie", projector=projector,
                  title=t("Händelser per månad"))
show_figure(fig, "trend-manad", data=trend[["serie", "period", "count"]].astype({"period": "string"}),
            key="trend")
