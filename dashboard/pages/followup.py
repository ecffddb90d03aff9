"""Uppföljning: for the steering group — did the measures work, and how sure can we be?

The numbers are shown through the session's view of the dataset the measure is counted on
(``dashboard.loaders.current_view``): below the owner's level WDD counts of 1–2 are "..", with the
estimates and sentences that would give them back, goals on places with fewer than k incidents
say so, and the report and the places' files are made for the same view.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from analysis.survey import survey_change
from core import formatting
from core.config import load_config
from core.disclosure import HIDDEN
from dashboard.components import problem_forms as forms
from dashboard.components.charts import trend_chart
from dashboard.components.disclosure import level_badge, masked_long, masked_series
from dashboard.components.errors import end_page
from dashboard.components.exports import show_figure
from dashboard.components.maps import build_problem_map
from dashboard.components.projector import show_dataframe
from dashboard.components.safe_text import clean_text
from dashboard.components.safe_text import escape_markdown as md
from dashboard.components.steering import (
    chosen_layer,
    clicked_area,
    comparison_areas,
    light_html,
    opening_bounds,
    saved_area_id,
    shown_picture,
    survey_change_lines,
    touched_districts,
)
from dashboard.i18n import english, fmt_int, t
from dashboard.loaders import current_view, frames_for, problem_store
from geo.crs import frame_crs
from reports.export import export_hotspots
from reports.report import (
    LIGHT_RULE_EN,
    LIGHT_RULE_SV,
    ProblemPicture,
    Source,
    build_report,
    evaluate_goal,
    followup_parts,
    masked_goal,
    plan_from_followup,
    ring_hidden,
    run_followup,
    write_docx,
    write_html,
)
from reports.words import term
from store.model import Followup

active = st.session_state["active"]
projector = st.session_state.get("projector", False)
crs = frame_crs(active.incidents)  # no CRS: a Swedish error, never SWEREF 99 TM
store = problem_store()
incidents = active.incidents
data_end = incidents["occurred_from"].max().date()

lang = "en" if english() else "sv"

st.title(t("Uppföljning"))
# Places (and their measures and goals) on a dataset not shared with this viewer are not shown at all.
hotspots, measures, goals, _view_of = shown_picture(store, active)
if not measures:
    st.info(t("Inga åtgärder är beslutade ännu. Lägg till åtgärder och mål på sidan Problembild."))
    end_page()

user = forms.who()
forms.flash()
labels = {m.id: clean_text(f"#{m.id} {m.title}") for m in measures}
measure_id = st.selectbox(t("Åtgärd"), list(labels), format_func=labels.get, key="followup_measure")
measure = next(m for m in measures if m.id == measure_id)
places = [hotspots[i] for i in measure.hotspot_ids if i in hotspots]
# The store's fixed values in the reader's language (the report's terms); the parties' own text as written.
st.markdown(f"**{md(measure.title)}** · {md(term(measure.kind, lang))} · {md(term(measure.organisation, lang))} "
            f"{md(measure.responsible)} · {measure.start or '?'} – {measure.end or t('pågår')} · "
            f"*{md(term(measure.status, lang))}*  \n"
            f"{md(measure.description, limit=None)}")

plans = store.list_followups(measure_id)
# The measure is counted on the dataset its follow-up (else its place) was made on, not just the active one.
counted, attached = frames_for(plans[0] if plans else measure, hotspots, active=active)
view = current_view(counted.dataset)
level_badge(view)
if not view.visible:  # the follow-up was planned on a dataset this viewer is not shown
    st.info(t("Uppföljningen räknas på ett dataset som inte delas med dig."))
    end_page()
if attached is not None:
    st.info(attached)
counted_incidents = counted.incidents
data_end = counted_incidents["occurred_from"].max().date()
# --- choose the target, the control area on the map or in the list, and the periods -------------
# Not in a collapsed expander: a map drawn while hidden opens blank at world zoom.
st.subheader(t("Jämförelseområde och perioder"))
if active.districts is None:
    st.warning(t("Datasetet har inget områdeslager att välja jämförelseområde ur. Lägg till ett områdeslager "
                 "på sidan Data."))
else:
    districts = active.districts
    saved_plan = plans[0] if plans else None
    areas = comparison_areas(districts, saved_plan, saved_label=t("{name} (sparat område)"))
    names = dict(zip(areas["area_id"], areas["name"], strict=False))
    ids = list(names)
    saved_id = saved_area_id(areas, saved_plan)
    choice_key = f"followup_control_{measure.id}"
    if choice_key not in st.session_state or st.session_state[choice_key] not in ids:
        # A new session opens on the saved choice (a new plan on the last district, as before).
        st.session_state[choice_key] = saved_id if saved_id is not None else ids[-1]
    target = shapely.union_all([shapely.from_wkt(h.geometry_wkt) for h in places]) if places else None
    frame = gpd.GeoDataFrame([{"id": h.id, "title": h.title, "picture": h.picture, "status": h.status,
                               "geometry": shapely.from_wkt(h.geometry_wkt)} for h in places],
                             geometry="geometry", crs=crs) if places else gpd.GeoDataFrame(
        {"id": [], "title": [], "picture": [], "status": []}, geometry=[], crs=crs)
    st.caption(t("Klicka på ett område på kartan för att välja det som jämförelseområde: likt målområdet, "
                 "utan åtgärden och inte granne med det."))
    map_key = f"followup-map-{measure.id}"
    # A click is read from the map's state before the map is drawn, so this very run draws the area it chose.
    click = clicked_area(st.session_state.get(map_key), st.session_state.get(f"followup_click_{measure.id}"))
    if click is not None:
        # A click counts once: st_folium keeps returning the last one, which must not undo a choice in the list.
        st.session_state[f"followup_click_{measure.id}"] = click[1]
        if click[0] in ids:
            st.session_state[choice_key] = click[0]
    # The map opens fitted to the target and the saved area (the same map on every run until the follow-up is
    # saved again, so st_folium keeps it and the first click counts); the chosen area is a layer st_folium
    # swaps on the map it has.
    st_folium(build_problem_map(frame, opening_bounds(target, areas, saved_id, crs), districts=None,
                                background=active.background_geojson(), crs=crs, config=load_config(),
                                control_areas=districts),
              height=460, use_container_width=True, returned_objects=["last_active_drawing", "last_object_clicked"],
              feature_group_to_add=chosen_layer(areas, st.session_state[choice_key], crs, name=t("Jämförelseområde")),
              key=map_key)
    control = st.selectbox(t("Jämförelseområde"), ids, format_func=lambda a: names.get(a, a), key=choice_key)
    changed = saved_id is not None and control != saved_id
    if saved_plan is not None:
        st.caption(t("Sparat jämförelseområde: {name}").format(name=md(names.get(saved_id, saved_plan.control_name)
                                                                        if saved_id else saved_plan.control_name)))
    if changed:
        st.warning(t("Jämförelseområdet ändras från {old} till {new} – spara för att ändra.").format(
            old=md(names[saved_id]), new=md(names[control])))
    with st.form(f"followup-plan-{measure.id}"):
        confirmed = st.checkbox(t("Ja, byt jämförelseområde från {old} till {new}").format(
            old=md(names[saved_id]), new=md(names[control]))) if changed else True
        cols = st.columns(3)
        saved_ring = saved_plan.displacement_m if saved_plan is not None else 200.0
        ring = cols[0].number_input(t("Område runt omkring (m) för undanträngning"), min_value=0,
                                    value=int(saved_ring or 0), step=50)
        start = pd.Timestamp(measure.start) if measure.start else pd.Timestamp(data_end)
        before_default = ((start - pd.DateOffset(years=1)).date(), (start - pd.Timedelta(days=1)).date())
        after_default = (start.date(), data_end)
        if saved_plan is not None and saved_plan.before_start and saved_plan.before_end:
            before_default = (date.fromisoformat(saved_plan.before_start), date.fromisoformat(saved_plan.before_end))
        if saved_plan is not None and saved_plan.after_start and saved_plan.after_end:
            after_default = (date.fromisoformat(saved_plan.after_start), date.fromisoformat(saved_plan.after_end))
        before = cols[1].date_input(t("Före"), value=before_default, format="YYYY-MM-DD")
        after = cols[2].date_input(t("Efter"), value=after_default, format="YYYY-MM-DD")
        saved = st.form_submit_button(t("Spara uppföljningen"), type="primary")
    if saved and not confirmed:
        st.error(t("Kryssa i att jämförelseområdet ska bytas, eller välj {old} igen.").format(old=md(names[saved_id])))
    elif saved:
        control_geometry = areas.set_index("area_id").loc[control].geometry
        # The saved area unchanged keeps its own geometry and name, exactly as stored.
        keep = saved_plan is not None and control == saved_id
        plan = Followup(measure_id=measure.id,
                        control_wkt=saved_plan.control_wkt if keep else shapely.to_wkt(control_geometry,
                                                                                       rounding_precision=1),
                        control_name=saved_plan.control_name if keep else names.get(control, control),
                        hotspot_id=places[0].id if places else None, displacement_m=float(ring) or None,
                        before_start=before[0].isoformat() if len(before) == 2 else "",
                        before_end=before[1].isoformat() if len(before) == 2 else "",
                        after_start=after[0].isoformat() if len(after) == 2 else "",
                        after_end=after[1].isoformat() if len(after) == 2 else "", created_by=user,
                        dataset_id=counted.dataset.id)
        if plans:
            forms.save(lambda: store.update_followup(plans[0].id, {
                k: getattr(plan, k) for k in ("control_wkt", "control_name", "hotspot_id", "displacement_m",
                                              "before_start", "before_end", "after_start", "after_end")},
                expected_version=plans[0].version, user=user), user=user, success=t("Uppföljningen är sparad."))
        else:
            forms.save(lambda: store.add_followup(plan, user=user), user=user,
                        success=t("Uppföljningen är sparad."))

# --- the result ---------------------------------------------------------------------------------
outcomes = {}
if plans:
    outcome = run_followup(plan_from_followup(plans[0]), measures={m.id: m for m in measures}, hotspots=hotspots,
                            goals=goals, incidents=counted_incidents, data_end=data_end, public=view, lang=lang)
    if outcome is not None:
        outcomes[measure.id] = outcome
        if outcome.result is None:
            st.warning(outcome.message)
        else:
            result = outcome.result
            st.subheader(t("Effekt"))
            # The parts of the test apart (target, comparison, ring, total), each saying only what it supports;
            # below the owner's level none that would give a count of 1–2 back (as in the report).
            parts = followup_parts(outcome, view, lang=lang)
            estimates_shown = bool(parts) and not ring_hidden(result, view)
            if parts:
                st.markdown(f"### {parts['target']}")
                st.markdown("\n".join(f"- {text}" for key, text in parts.items() if key != "target"))
            else:
                st.info(t("Antalen är för få för att visas på den här visningsnivån (visas som ”..”)."))
            rows = [(t("Målområdet"), result.target), (plans[0].control_name or t("Jämförelseområdet"), result.control)]
            if result.displacement is not None:
                rows.append((t("Området runt omkring"), result.displacement))
                if not result.shared_control and result.displacement_control is not None:
                    rows.append((t("Kontroll för området runt omkring"), result.displacement_control))
            if view.controlled:  # text throughout, so ".." and the numbers make one column
                counts = pd.DataFrame([{t("Område"): name,
                                        t("Före"): view.count(c.before, formatting.count(c.before, lang=lang)),
                                        t("Efter"): view.count(c.after, formatting.count(c.after, lang=lang))}
                                       for name, c in rows])
            else:
                counts = pd.DataFrame([{t("Område"): name, t("Före"): formatting.count(c.before, lang=lang),
                                        t("Efter"): formatting.count(c.after, lang=lang)} for name, c in rows])
            decimals = 0 if result.time_weights == (1.0, 1.0) else 1
            cols = st.columns([2, 1, 1, 1])
            show_dataframe(counts, hide_index=True, width="stretch", container=cols[0])
            cols[1].metric(t("Skattad effekt (WDD)"), formatting.number(result.est_total, decimals, lang=lang)
                           if estimates_shown else HIDDEN)
            cols[2].metric(t("95 % konfidensintervall"), " – ".join(
                formatting.number(v, decimals, lang=lang) for v in result.ci95) if estimates_shown else HIDDEN)
            cols[3].metric("p", formatting.p_value(result.p, lang=lang).removeprefix("p = ").removeprefix("p ")
                           if estimates_shown else HIDDEN)
            for note in outcome.notes + result.notes(lang):
                st.caption(note)
            series = pd.concat([frame.assign(serie=name) for name, frame in outcome.series.items()])
            # Below the owner's level the periods are quarters, and a quarter with 1–2 is a gap, not a height.
            drawn = series.assign(count=masked_series(series["count"], view))
            fig = trend_chart(drawn, x="period_start", y="count", color="serie", projector=projector,
                              title=t("Händelser per kvartal" if view.controlled else "Händelser per månad"),
                              marker_date=pd.Timestamp(measure.start), marker_label=t("Åtgärden startar"))
            show_figure(fig, f"uppfoljning-{measure.id}", data=masked_long(series[["serie", "period", "count"]].astype(
                {"period": "string"}), view, "count"), key="followup-trend")

# --- goals as traffic lights ----------------------------------------------------------------------
st.subheader(t("Mål"))
st.caption(LIGHT_RULE_EN if lang == "en" else LIGHT_RULE_SV)
linked = [g for g in goals if g.measure_id == measure.id or (g.hotspot_id in measure.hotspot_ids)]
if not linked:
    st.caption(t("Inga mål är kopplade till åtgärden."))
for goal in linked:
    status = masked_goal(evaluate_goal(goal, incidents=counted_incidents, hotspots=hotspots, outcomes=outcomes,
                                       data_end=data_end, lang=lang), view, lang=lang)
    cols = st.columns([3, 9])
    with cols[0]:
        # Drawn, with its word: an emoji light needs a font the machine may lack, and colour alone is not enough.
        st.html(light_html(status.status, lang, size=44))
    cols[1].markdown(f"**{md(t(goal.kind).capitalize())}: {md(goal.description, limit=None)}**  \n{status.sentence}")
    if goal.kind != "effektmål" and goal.planned:
        cols[1].progress(min(1.0, (goal.done or 0) / goal.planned),
                         text=f"{fmt_int(goal.done or 0)} / {fmt_int(goal.planned)} {goal.unit}")
    if goal.kind != "effektmål":
        # Produktion and process are reported by the parties themselves as the work goes on.
        with cols[1].form(f"goal-done-{goal.id}", border=False):
            inner = st.columns([1, 1, 2])
            planned = inner[0].number_input(t("Planerat"), min_value=0.0, value=goal.planned)
            done = inner[1].number_input(t("Utfört"), min_value=0.0, value=goal.done)
            if inner[2].form_submit_button(t("Spara utfört")):
                forms.save(lambda g=goal, p=planned, d=done: store.update_goal(
                    g.id, {"planned": p, "done": d}, expected_version=g.version, user=user),
                    user=user, success=t("Målet är sparat."))

# --- the survey in the area ---------------------------------------------------------------------
if active.survey is not None and active.districts is not None and places:
    st.subheader(t("Trygghet i området"))
    touched = touched_districts(active.districts, places)
    years = sorted(active.survey["year"].unique())
    if len(years) >= 2 and touched:
        change = survey_change(active.survey[active.survey["area_id"].isin(touched)], int(years[-2]), int(years[-1]))
        names = dict(zip(active.districts["area_id"], active.districts["name"], strict=False))
        # The verdict of the survey's own test and its interval per question, not a table of raw shares.
        st.caption(f"{years[-2]} → {years[-1]}")
        st.markdown("\n".join(f"- {md(line, limit=None)}"
                               for line in survey_change_lines(change, names, lang=lang, brief=True)))

# --- export ---------------------------------------------------------------------------------------
st.subheader(t("Rapport till styrgruppen"))
audience = st.radio(t("Mottagare"), ["internal", "public"], horizontal=True,
                    format_func=lambda a: {"internal": t("Parterna (intern)"),
                                           "public": t("Allmänheten (små tal döljs, fritext bara om delbar)")}[a])
if st.button(t("Skapa rapport"), icon=":material/description:"):
    picture = ProblemPicture(hotspots=list(hotspots.values()), causes=store.list_causes(), measures=measures,
                             goals=goals, followups=[plan_from_followup(f) for f in store.list_followups()],
                             place_name=active.dataset.name, is_sample=active.dataset.builtin)
    with st.spinner(t("Skapar rapporten …")):
        def source_of(item):
            # Each place, goal and follow-up on the dataset it was made on, as on this page, and shown
            # through this session's view of that dataset.
            frames, notice = frames_for(item, hotspots, active=active)
            return Source(frames.incidents, frames.districts, frames.background, notice or "", _view_of(item))

        report = build_report(picture, incidents, districts=active.districts, background=active.background,
                              survey=active.survey, audience=audience, lang=lang, source_of=source_of,
                              view=current_view())
        folder = Path(tempfile.mkdtemp(prefix="samsyn-report-"))
        write_docx(report, folder / "problembild.docx")
        write_html(report, folder / "problembild.html")
        export_hotspots(list(hotspots.values()), folder / "platser.gpkg", crs=crs, view_of=_view_of)
        export_hotspots(list(hotspots.values()), folder / "platser.csv", crs=crs, view_of=_view_of)
    st.session_state["report_files"] = {p.name: p.read_bytes() for p in folder.iterdir()}
files = st.session_state.get("report_files", {})
if files:
    stamp = date.today().isoformat()
    cols = st.columns(4)
    for column, (name, mime) in zip(cols, [
        ("problembild.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("problembild.html", "text/html"), ("platser.gpkg", "application/geopackage+sqlite3"),
        ("platser.csv", "text/csv")], strict=True):
        column.download_button(name, files[name], file_name=f"{stamp}-{name}", mime=mime, key=f"dl-{name}")
