"""Styrgrupp: one screen per measure for the steering group — read-only, paged with ← →, printable.

Each screen says what was done, the goal's traffic light (drawn, with its word), one plain sentence
with its uncertainty (the report's own WDD sentences), the trend per quarter with the measure's start
marked, the process and production goals' progress and the survey's change in the area. Every number
is shown through the session's view of the dataset the measure is counted on, as on Uppföljning.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.survey import survey_change
from core import formatting
from dashboard.components.charts import trend_chart
from dashboard.components.disclosure import level_badge, masked_series
from dashboard.components.errors import end_page
from dashboard.components.safe_text import clean_text
from dashboard.components.safe_text import escape_markdown as md
from dashboard.components.steering import (
    PRINT_CSS,
    arrow_keys_script,
    light_html,
    shown_picture,
    survey_change_lines,
    touched_districts,
)
from dashboard.i18n import english, t
from dashboard.loaders import current_view, frames_for, problem_store
from reports.report import (
    Mask,
    evaluate_goal,
    followup_parts,
    masked_goal,
    plan_from_followup,
    run_followup,
)
from reports.words import term, tr

active = st.session_state["active"]
lang = "en" if english() else "sv"
store = problem_store()

st.markdown(PRINT_CSS, unsafe_allow_html=True)
st.title(t("Styrgrupp"))
hotspots, measures, goals, view_of = shown_picture(store, active)
if not measures:
    st.info(t("Inga åtgärder är beslutade ännu. Lägg till åtgärder och mål på sidan Problembild."))
    end_page()

PREVIOUS, NEXT = t("Föregående"), t("Nästa")


def _step(delta: int) -> None:
    st.session_state["steering_index"] = min(max(st.session_state.get("steering_index", 0) + delta, 0),
                                             len(measures) - 1)


def _print(on: bool) -> None:
    st.session_state["steering_print"] = on
    st.session_state["steering_print_now"] = on


def _measure(measure, number: int) -> None:
    """One measure's screen."""
    # A marker before each measure: in print, every measure after the first starts on a new page.
    st.html(f'<div class="samsyn-measure" data-measure="{number}"></div>')
    plans = store.list_followups(measure.id)
    counted, attached = frames_for(plans[0] if plans else measure, hotspots, active=active)
    view = current_view(counted.dataset)
    st.html(f'<div class="samsyn-measure-title" role="heading" aria-level="2">{clean_text(measure.title)}</div>')
    if not view.visible:
        st.info(t("Uppföljningen räknas på ett dataset som inte delas med dig."))
        return
    when = (formatting.date_span(measure.start, measure.end, lang=lang) if measure.start and measure.end else
            t("från {start}").format(start=formatting.short_date(measure.start, lang=lang)) if measure.start else "")
    facts = [t("Åtgärd {number} av {count}").format(number=number, count=len(measures)),
             term(measure.kind, lang).capitalize(), term(measure.status, lang), when]
    st.caption(" · ".join(md(fact) for fact in facts if fact))
    level_badge(view)
    if attached is not None:
        st.caption(attached)
    incidents = counted.incidents
    data_end = incidents["occurred_from"].max().date()
    outcome = None
    if plans:
        # The steering group reads quarters at every level: the public flag here sets only the trend's period;
        # every number shown is masked below with the session's own view.
        outcome = run_followup(plan_from_followup(plans[0]), measures={m.id: m for m in measures},
                               hotspots=hotspots, goals=goals, incidents=incidents, data_end=data_end,
                               public=Mask.of(view, public=True), lang=lang)
    outcomes = {measure.id: outcome} if outcome is not None else {}
    linked = [g for g in goals if g.measure_id == measure.id or g.hotspot_id in measure.hotspot_ids]
    statuses = [masked_goal(evaluate_goal(g, incidents=incidents, hotspots=hotspots, outcomes=outcomes,
                                          data_end=data_end, lang=lang), view, lang=lang) for g in linked]
    effect = [s for s in statuses if s.goal.kind == "effektmål"]
    progress = [s for s in statuses if s.goal.kind != "effektmål"]

    left, right = st.columns([5, 6], gap="large")
    with left:
        # The light first: it is what the room looks for; then the one sentence and its uncertainty.
        if effect:
            st.html(light_html(effect[0].status, lang))
            st.markdown(f"**{md(effect[0].goal.description, limit=None)}**")
        if outcome is not None and outcome.result is not None:
            parts = followup_parts(outcome, view, lang=lang)
            if parts:
                st.markdown(f"<div class='samsyn-big'>{parts['target']}</div>", unsafe_allow_html=True)
                st.markdown(f"<div class='samsyn-uncertainty'>{parts['local']}</div>", unsafe_allow_html=True)
            else:
                st.info(t("Antalen är för få för att visas på den här visningsnivån (visas som ”..”)."))
        elif outcome is not None:
            st.markdown(f"<div class='samsyn-big'>{md(outcome.message)}</div>", unsafe_allow_html=True)
        elif effect:
            st.markdown(f"<div class='samsyn-big'>{effect[0].sentence}</div>", unsafe_allow_html=True)
        else:
            st.markdown(f"<div class='samsyn-big'>{tr('Ingen effektuppföljning är planerad ännu.', lang)}</div>",
                        unsafe_allow_html=True)
        if measure.description.strip():
            st.subheader(t("Vad som gjorts"))
            st.markdown(f"<div class='samsyn-big'>{md(measure.description, limit=None)}</div>",
                        unsafe_allow_html=True)
        if progress:
            st.subheader(t("Genomförande"))
        for status in progress:
            goal = status.goal
            if goal.planned:
                unit = f" {goal.unit}" if goal.unit else ""
                done = tr("{done} av {planned}{unit}", lang).format(
                    done=formatting.count(goal.done or 0, lang=lang),
                    planned=formatting.count(goal.planned, lang=lang), unit=unit)
                st.markdown(f"<div class='samsyn-progress'>{md(goal.description, limit=None)}: {md(done)}</div>",
                            unsafe_allow_html=True)
                st.progress(min(1.0, (goal.done or 0) / goal.planned))
            else:
                st.markdown(f"<div class='samsyn-progress'>{md(goal.description, limit=None)}</div>",
                            unsafe_allow_html=True)
            st.html(light_html(status.status, lang, size=40))
    with right:
        if outcome is not None and outcome.result is not None and outcome.series:
            series = pd.concat([frame.assign(serie=name) for name, frame in outcome.series.items()])
            drawn = series.assign(count=masked_series(series["count"], view))
            fig = trend_chart(drawn, x="period_start", y="count", color="serie", projector=True,
                              title=t("Händelser per kvartal"), marker_date=pd.Timestamp(measure.start),
                              marker_label=t("Åtgärden startar"))
            fig.update_layout(height=480)  # beside the text, within one 1080-pixel screen
            st.plotly_chart(fig, width="stretch", theme=None, key=f"steering-trend-{measure.id}",
                            config={"displayModeBar": False})
        _survey(measure)


def _survey(measure) -> None:
    """The survey's change in the districts the measure's places touch: a verdict and its interval per question."""
    places = [hotspots[i] for i in measure.hotspot_ids if i in hotspots]
    if active.survey is None or active.districts is None or not places:
        return
    touched = touched_districts(active.districts, places)
    years = sorted(active.survey["year"].unique())
    if len(years) < 2 or not touched:
        return
    change = survey_change(active.survey[active.survey["area_id"].isin(touched)], int(years[-2]), int(years[-1]))
    names = dict(zip(active.districts["area_id"], active.districts["name"], strict=False))
    st.subheader(t("Trygghet i området {first}–{last}").format(first=int(years[-2]), last=int(years[-1])))
    st.markdown("\n".join(f"- {md(line, limit=None)}" for line in survey_change_lines(change, names, lang=lang, brief=True)))


if st.session_state.get("steering_print"):
    # Every measure, one per printed page; the browser's print dialog opens once.
    st.button(t("Tillbaka till visningen"), on_click=_print, args=(False,), key="steering_back")
    st.html('<div class="samsyn-steering"></div>')
    for position, item in enumerate(measures, start=1):
        _measure(item, position)
    if st.session_state.pop("steering_print_now", False):
        # Our own constant script, no user text in it.
        st.html("<script>setTimeout(() => window.print(), 800);</script>", unsafe_allow_javascript=True)
    end_page()

index = min(st.session_state.get("steering_index", 0), len(measures) - 1)
st.session_state["steering_index"] = index
st.html('<div class="samsyn-steering"></div>')
cols = st.columns([1, 1, 1, 4], vertical_alignment="center")
cols[0].button(PREVIOUS, on_click=_step, args=(-1,), disabled=index == 0, key="steering_previous",
               icon=":material/arrow_back:")
cols[1].button(NEXT, on_click=_step, args=(1,), disabled=index == len(measures) - 1, key="steering_next",
               icon=":material/arrow_forward:")
cols[2].button(t("Skriv ut"), on_click=_print, args=(True,), key="steering_print_button", icon=":material/print:")
cols[3].html(f'<p class="samsyn-no-print" style="color:#555;margin:0">{t("Bläddra med piltangenterna ← →.")}</p>')
st.html(arrow_keys_script("steering_previous", "steering_next"), unsafe_allow_javascript=True)
_measure(measures[index], index + 1)
