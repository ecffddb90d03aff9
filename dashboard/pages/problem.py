"""Problembild: every pinned place on one map and in a list, then and now; causes, measures, goals.

Each place is shown through the session's view of the dataset it was pinned on
(``dashboard.loaders.current_view``): a place on a dataset not shared with the viewer is not
listed, and below the owner's level its counts of 1–2 are ".." and a place with fewer than k
incidents says so instead of its numbers.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from analysis.clusters import place_title
from analysis.filters import within_geometry
from analysis.hotspots import hotspots as find_hotspots
from analysis.problem_numbers import PLACE_BUFFER_M, busiest_text, place_numbers
from analysis.snapshot import snapshot_numbers
from core import formatting
from core.config import load_config
from core.disclosure import HIDDEN
from dashboard.auth import session_roles
from dashboard.components import problem_forms as forms
from dashboard.components.disclosure import level_badge, shown_places
from dashboard.components.exports import csv_download
from dashboard.components.maps import HOTSPOT_LABELS, bounds_wgs84, build_problem_map, data_extent
from dashboard.components.pinning import pin_form
from dashboard.components.problem_map import places_bounds
from dashboard.components.robustness import place_robustness_cached, robustness_note
from dashboard.components.safe_text import clean_text
from dashboard.components.safe_text import escape_markdown as md
from dashboard.components.tables import Column, show_table
from dashboard.filters import apply_filters, current_filters
from dashboard.i18n import english, lang, t
from dashboard.loaders import current_view, frames_for, problem_store, workspace
from geo.crs import frame_crs
from reports.report import TOO_FEW
from store.access import ADMIN
from store.picture_file import masked_snapshot
from workspace.demo import reset as reset_demo

active = st.session_state["active"]
filters = current_filters()
projector = st.session_state.get("projector", False)
crs = frame_crs(active.incidents)  # no CRS: a Swedish error, never SWEREF 99 TM
store = problem_store()

st.title(t("Problembild"))
level_badge(current_view())
user = forms.who()
forms.flash()

show = st.segmented_control(t("Visa"), ["gemensam", "sida", "alla"], default="gemensam", key="problem_show",
                            format_func=lambda v: {"gemensam": t("Gemensam problembild"),
                                                   "sida": t("Polisens och kommunens egna, sida vid sida"),
                                                   "alla": t("Alla")}[v]) or "gemensam"
every_pin = store.list_hotspots()


def _view_of(item):
    """The session's view of the dataset a place (measure, goal) belongs to; the active one's when that is gone."""
    dataset = workspace().dataset_of(item, every_pin)
    return current_view(dataset if dataset is not None else active.dataset)


# Places on a dataset not shared with this viewer are not on the page at all.
pinned = [h for h in every_pin if _view_of(h).visible]
shown = [h for h in pinned if show == "alla" or (show == "gemensam" and h.picture == "gemensam")
         or (show == "sida" and h.picture in ("polis", "kommun"))]
all_categories = sorted(map(str, active.incidents["category"].dropna().unique()))


def _frame(items) -> gpd.GeoDataFrame:
    rows = [{"id": h.id, "title": h.title, "picture": h.picture, "status": h.status,
             "geometry": shapely.from_wkt(h.geometry_wkt)} for h in items]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=crs) if rows else gpd.GeoDataFrame(
        {"id": [], "title": [], "picture": [], "status": []}, geometry=[], crs=crs)


def _table(items) -> pd.DataFrame:
    # "Nu" is analysis.problem_numbers.place_numbers, the function the report and the goals call too.
    lang = "en" if english() else "sv"
    rows = []
    controlled = False
    for h in items:
        # A place counts in the dataset it was pinned on (issue 8), also when another one is active.
        now = place_numbers(frames_for(h, pinned, active=active)[0].incidents, h, filters.start, filters.end)
        then = snapshot_numbers(h.snapshot)
        period = then["period"]
        view = _view_of(h)
        then_count = None if then["count"] is None else int(then["count"])
        change = None if now.change is None else round(100 * now.change)
        verdict, busiest = forms.verdict_text(now.verdict), busiest_text(now.busiest, lang=lang)
        now_count: object = now.count
        if view.controlled:
            controlled = True
            too_few = TOO_FEW[lang].format(k=view.rules.min_place)
            if then_count is not None:
                then_count = too_few if not view.place_shown(then_count) else view.masked(then_count)
            if not view.place_shown(now.count):
                now_count, change, verdict, busiest = too_few, HIDDEN, HIDDEN, HIDDEN
            elif view.hides(now.count) or view.hides(now.count_previous_year):
                # The change and the busiest hour would give last year's small count back.
                now_count, change, verdict, busiest = view.masked(now.count), HIDDEN, HIDDEN, HIDDEN
        rows.append({
            "#": h.id, t("Plats"): h.title, t("Problembild"): t(forms.PICTURE_LABELS[h.picture]),
            t("Organisation"): h.organisation, t("Prioritet"): h.priority, t("Status"): h.status,
            t("Räknas"): forms.counted_text(h),
            t("Då (vid fästning)"): then_count,
            t("Period då"): formatting.date_span(*period, lang=lang) if isinstance(period, tuple) else period,
            t("Nu"): now_count, t("Mot året innan (%)"): change,
            t("Bedömning"): verdict, t("Flest händelser nu"): busiest,
            t("Fäst av"): h.created_by,
        })
    table = pd.DataFrame(rows)
    if controlled:  # text throughout the count columns (numbers mixed with ".." would not make one column)
        for column in (t("Då (vid fästning)"), t("Nu"), t("Mot året innan (%)")):
            table[column] = table[column].map(lambda v: "" if v is None or v != v else str(v)).astype(object)
    return table


def _show_table(table: pd.DataFrame) -> None:
    """The places' table in the reader's words and number format (the CSV keeps :func:`_table`'s plain values)."""
    columns = {"#": "#", t("Plats"): "Plats", t("Problembild"): "Problembild",
               t("Organisation"): Column("Organisation", "term"), t("Prioritet"): Column("Prioritet", "number"),
               t("Status"): Column("Status", "term"), t("Räknas"): "Räknas",
               t("Då (vid fästning)"): Column("Då (vid fästning)", "count"), t("Period då"): "Period då",
               t("Nu"): Column("Nu", "count"), t("Mot året innan (%)"): Column("Mot året innan", "change"),
               t("Bedömning"): "Bedömning", t("Flest händelser nu"): "Flest händelser nu", t("Fäst av"): "Fäst av"}
    if projector:
        # On the projector the room reads which place, where it stands and what it holds now; the counting
        # rule, the earlier period and who pinned it stay in the CSV and on the desk, so nothing is cut off.
        room = (t("Plats"), t("Status"), t("Nu"), t("Mot året innan (%)"), t("Bedömning"))
        columns = {key: value for key, value in columns.items() if key == "#" or key in room}
    show_table(table, columns)


# Without district or background layers (incidents only) the incidents themselves frame the map.
town = bounds_wgs84(data_extent(active.districts, active.background, incidents=active.incidents, crs=crs), crs)


def _bounds(items) -> tuple[float, float, float, float]:
    """Where a map opens: on its places with a margin around them; on the whole town when it has none."""
    return places_bounds(_frame(items), crs) or town


selected = st.session_state.get("problem_selected")

if show == "sida":
    columns = st.columns(2)
    for column, picture in zip(columns, ("polis", "kommun"), strict=True):
        with column:
            own = [h for h in shown if h.picture == picture]
            st.subheader(t(forms.PICTURE_LABELS[picture]))
            st_folium(build_problem_map(_frame(own), _bounds(own), background=active.background_geojson(), crs=crs,
                                        config=load_config()),
                      height=420, use_container_width=True, returned_objects=[], key=f"problem-map-{picture}")
            table = _table(own)
            if not table.empty:
                _show_table(table)
else:
    map_column, list_column = st.columns([3, 2])
    with map_column:
        result = st_folium(build_problem_map(_frame(shown), _bounds(shown), background=active.background_geojson(),
                                             districts=active.districts, crs=crs, selected=selected,
                                             config=load_config()),
                           height=680 if projector else 560, use_container_width=True,
                           returned_objects=["last_active_drawing"], key="problem-map")
        clicked = (result or {}).get("last_active_drawing") or {}
        if clicked.get("properties", {}).get("samsyn_kind") == "hotspot":
            st.session_state["problem_selected"] = selected = int(clicked["properties"]["samsyn_id"])
    with list_column:
        table = _table(shown)
        if table.empty:
            st.info(t("Inga platser är fästa ännu. Fäst platser från Kartan, eller från förslagen nedan."))
        else:
            _show_table(table)
            csv_download(table, "problembild", key="csv-problem")
        st.caption(t("Så räknas en plats: händelserna inom ytan (kanten räknas med); en punkt eller gata räknas "
                     "med {m} m åt varje håll; platsens brottstyper, veckodagar och timmar (efter tidsfönstrets "
                     "start). Nu gäller perioden i sidofältet; rapporten räknar på samma sätt.").format(
            m=formatting.number(PLACE_BUFFER_M)))

if shown:
    labels = {h.id: clean_text(f"#{h.id} {h.title}") for h in shown}
    ids = list(labels)
    chosen = st.selectbox(t("Arbeta med platsen"), ids, format_func=labels.get,
                          index=ids.index(selected) if selected in ids else 0, key="problem_choice")
    st.session_state["problem_selected"] = chosen
    hotspot = store.get_hotspot(chosen)
    if (attached := frames_for(hotspot, pinned, active=active)[1]) is not None:
        st.info(attached)
    # A key keeps the open tab over the rerun after a save (the tabs jumped back to the first one).
    edit_tab, cause_tab, history_tab = st.tabs([t("Ändra"), t("Orsaksanalys"), t("Historik")], key="problem_tabs",
                                               on_change="rerun")
    with edit_tab:
        snapshot = hotspot.snapshot
        if snapshot:
            # What the room saw, as this viewer may see it (counts of 1–2 and small places hidden).
            seen = masked_snapshot(snapshot, _view_of(hotspot))
            st.caption(t("Vid fästningen") + f" ({hotspot.created_at[:16].replace('T', ' ')}, {md(hotspot.created_by)}): "
                       + (seen["hidden"] if isinstance(seen, dict) and "hidden" in seen
                          else forms.snapshot_text(seen)))
        # How stable the place is as a hot spot in the sidebar's period, counted as "Nu" (the report says the same).
        frames = frames_for(hotspot, pinned, active=active)[0]
        robustness_note(place_robustness_cached(frames.incidents, hotspot, filters.start, filters.end,
                                                dataset=frames.dataset, districts=frames.districts),
                        view=_view_of(hotspot),
                        count=place_numbers(frames.incidents, hotspot, filters.start, filters.end).count,
                        download_key=f"csv-robustness-{hotspot.id}")
        forms.edit_hotspot(hotspot, all_categories, user=user)
        forms.archive_hotspot(hotspot, user=user)
    with cause_tab:
        forms.causes(hotspot, user=user)
    with history_tab:
        forms.history("hotspot", hotspot.id)
    if len(shown) >= 2:
        with st.expander(t("Slå ihop platser")):
            forms.merge_hotspots(shown, user=user)

st.subheader(t("Åtgärder och mål"))
shown_ids = {h.id for h in pinned}
hidden_ids = {h.id for h in every_pin} - shown_ids
measures = [m for m in store.list_measures() if not (m.hotspot_ids and set(m.hotspot_ids) <= hidden_ids)]
goals = [g for g in store.list_goals() if g.hotspot_id not in hidden_ids]
if measures or st.session_state.get("_undo", "").startswith("measure-"):
    st.markdown(f"**{t('Åtgärder')}**")
    forms.measures_list(measures, pinned, user=user)
if goals or st.session_state.get("_undo", "").startswith("goal-"):
    st.markdown(f"**{t('Mål')}**")
    forms.goals_list(goals, pinned, measures, all_categories, user=user)
# Only the chosen form is drawn (tabs would compute every one, the Gi* suggestions included, on each rerun).
section = st.segmented_control(
    t("Lägg till"), ["measure", "goal", "suggest"], default="measure", key="problem_section",
    format_func=lambda v: {"measure": t("Ny åtgärd"), "goal": t("Nytt mål"), "suggest": t("Förslag från data")}[v])
if section == "measure":
    forms.add_measure(pinned, user=user)
elif section == "goal":
    forms.add_goal(pinned, measures, all_categories, user=user)
elif section == "suggest":
    # The table of top micro-places: the strongest Gi* cells for the current filters, ready to pin.
    view = apply_filters(active.incidents, filters)
    if len(view):
        cells = find_hotspots(view, cell=100, extent=active.districts)
        top = cells[cells["class"].astype(str).isin(["hot99", "hot95"])].sort_values("gi_z", ascending=False)
        # A grid cell is a micro-place: below the owner's level one with fewer than k incidents is not listed.
        top = shown_places(top, current_view()).head(10)
        # A cell is named by what is there ("Stortorget – våld kvällar och nätter"), never by its grid key.
        titles = {row.cell_id: place_title(row.geometry, within_geometry(view, row.geometry), places=active.places,
                                           districts=active.districts, lang=lang(),
                                           fallback=t("Ruta med många händelser"))
                  for row in top.itertuples()}
        labels = {cell_id: f"{number}. {title}" for number, (cell_id, title) in enumerate(titles.items(), 1)}
        show_table(top.assign(place=top["cell_id"].map(labels), strength=top["class"].astype(str).map(HOTSPOT_LABELS)),
                   {"place": "Ruta (100 m)", "count": Column("Antal", "count"), "gi_z": Column("Gi* (z)", "number", 1),
                    "strength": Column("Hot spot", "term")})
        if len(top):
            cell_id = st.selectbox(t("Fäst rutan"), top["cell_id"].tolist(), key="suggest_cell", format_func=labels.get)
            geometry = top.set_index("cell_id").loc[cell_id].geometry
            all_filtered = apply_filters(active.incidents, filters, period=False)
            pin_form(key=f"suggest-{cell_id}", title=titles[cell_id], geometry=geometry, source_kind="table",
                     source_id=cell_id, period_incidents=within_geometry(view, geometry),
                     all_incidents=within_geometry(all_filtered, geometry), filters=filters, crs=crs)

if ADMIN in session_roles():
    # The administrator (and the one user of a workstation) can put the demo picture back as it shipped.
    with st.popover(t("Återställ exempelbilden"), icon=":material/restart_alt:"):
        st.caption(t("Exempeldatats (Exempelstad) platser, orsaker, åtgärder, mål och uppföljningar arkiveras – "
                     "inget raderas – och handbokens exempelbild läses in på nytt. Andra dataset rörs inte."))
        if st.checkbox(t("Ja, återställ exempelbilden"), key="confirm-demo-reset") and st.button(
                t("Återställ"), key="demo-reset", type="primary"):
            done: dict = {}

            def _reset() -> None:
                done["result"] = reset_demo(store, user=user)
                st.session_state["_flash"] = ("top", done["result"].sentence("en" if english() else "sv"))

            forms.save(_reset, user=user, success=None)
