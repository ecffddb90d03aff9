"""Karta: districts, hotspots, density, places and the town's own layers; click for details."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st
from pyproj import Transformer
from streamlit_folium import st_folium

from analysis.aggregate import summary_by_area
from analysis.aoristic import weekday_hour
from analysis.change import counts_over_time, same_period_last_year
from analysis.clusters import cluster_of, hotspot_clusters, place_title
from analysis.density import bandwidth_rule, density_surface, place_points
from analysis.filters import within_geometry
from analysis.hotspots import hotspots
from analysis.overview import not_places_text
from analysis.problem_numbers import PLACE_BUFFER_M
from core.config import load_config
from core.disclosure import HIDDEN
from dashboard.components.basemap import add_draw
from dashboard.components.charts import trend_chart, weekday_hour_heatmap
from dashboard.components.disclosure import (
    change_hidden,
    change_summary,
    controlled_density,
    count_text,
    density_bandwidth,
    hidden_mask,
    level_badge,
    masked_frame,
    masked_matrix,
    masked_series,
    shown_places,
)
from dashboard.components.emerging_layer import emerging_controls, emerging_panel
from dashboard.components.errors import end_page
from dashboard.components.exports import csv_download, show_figure
from dashboard.components.maps import (
    MAX_POINTS,
    POINTS_MIN_ZOOM,
    MapLayers,
    bounds_wgs84,
    build_map,
    data_extent,
    highlight_layer,
    pinned_layer,
)
from dashboard.components.pinning import LAST_PIN, pin_flash, pin_form, remember_pin, undo_last_pin
from dashboard.components.projector import details_panel
from dashboard.components.rates import smooth_map_rates
from dashboard.components.safe_text import escape_markdown as md
from dashboard.components.tables import Column, show_table
from dashboard.components.time_slider import time_slider
from dashboard.filters import apply_filters, current_filters
from dashboard.i18n import change_delta, english, fmt_area_value, fmt_int, lang, t, weekday_names
from dashboard.loaders import current_view, problem_store, workspace
from geo.categories import PROTECTED
from geo.crs import frame_crs
from geo.microplaces import place_counts
from geo.stacked import exact_mask, precision_counts
from store.backends import StoreUnavailableError

# A drawn line is a street segment and a place without a radius a point: both get the one buffer every
# count of a pinned place uses (analysis.problem_numbers), so the panel and the pinned place agree.
STREET_BUFFER_M = PLACE_BUFFER_M

METRICS = {
    "count": "Antal händelser",
    "rate": "Händelser per 1 000 invånare",
    "change": "Förändring mot samma period året innan (%)",
}

active = st.session_state["active"]
filters = current_filters()
projector = st.session_state.get("projector", False)
crs = frame_crs(active.incidents)  # no CRS: a Swedish error, never SWEREF 99 TM
view = apply_filters(active.incidents, filters)
all_dates = apply_filters(active.incidents, filters, period=False)  # for comparisons with last year
disclosure = current_view()

st.title(t("Karta"))
level_badge(disclosure)
controls = st.columns([2, 1, 1, 1, 1])
metric = controls[0].selectbox(t("Områden färgas efter"), list(METRICS), format_func=lambda k: t(METRICS[k]),
                               key="map_metric", disabled=active.districts is None)
cell = controls[1].selectbox(t("Rutstorlek för hot spots"), [50, 100, 200], index=1, key="map_cell",
                             format_func=lambda c: f"{c} m")
# On by default; the workshop's "Vad sticker ut" turns it off so the hot cells show (components/workshop.py).
st.session_state.setdefault("map_density", True)
show_density = controls[2].toggle(t("Täthetsyta"), key="map_density")
show_survey = controls[3].toggle(t("Trygghetslager"), value=False, key="map_survey")
show_pinned = controls[4].toggle(t("Fästa platser"), value=True, key="map_pinned",
                                 help=t("Platserna som redan är fästa i problembilden, med sin rubrik."))
# Emerging hot spots: a toggle and a step of their own, computed (cached) only when on.
emerging = emerging_controls(view, cell=float(cell), view=disclosure, crs=crs, period=(filters.start, filters.end),
                             districts=active.districts)
# What is missing is said once, with where to add it; the rest of the map still works without it.
if active.districts is None:
    st.info(t("Datasetet har inget områdeslager. Lägg till ett områdeslager på sidan Data för att se antal, "
              "invånartal och förändring per område."))
if show_survey and active.survey is None:
    st.info(t("Ingen trygghetsmätning är inläst. Lägg till en trygghetsmätning på sidan Data."))
if view.empty:
    st.warning(t("Inga händelser matchar filtren."))

# Districts: counts, rates and change for the filtered view.
district_frame = None
if active.districts is not None:
    summary = summary_by_area(view, active.districts, assignment=view["district"].cat.codes.to_numpy())
    changes = same_period_last_year(all_dates, filters.start, filters.end,
                                    by="district").set_index("district")
    district_frame = active.districts[["area_id", "name", "geometry"]].copy()
    district_frame["count"] = district_frame["area_id"].map(summary["count"]).fillna(0).astype(int)
    district_frame["rate"] = district_frame["area_id"].map(summary["rate_per_1000"])
    district_frame["change"] = district_frame["area_id"].map(changes["change_pct"])
    before = district_frame["area_id"].map(changes["before"]).fillna(0).to_numpy()
    district_frame["value"] = district_frame[metric].astype(float)
    district_frame["label"] = [fmt_area_value(v, metric) for v in district_frame["value"]]
    smooth_map_rates(district_frame, summary, metric)  # small districts: the empirical-Bayes rate, said so
    # A hidden count hides its rate and its change too (population and last year give it back); such a
    # district is drawn without fill, so its colour says nothing either.
    hidden = hidden_mask(district_frame["count"].to_numpy(), disclosure)
    if metric == "change":
        hidden = hidden | hidden_mask(before, disclosure)
    district_frame.loc[hidden, "value"] = np.nan
    district_frame.loc[hidden, "label"] = HIDDEN
    district_before = before

hot = None
if len(view):
    study_area = active.districts if active.districts is not None else None
    cells = hotspots(view, cell=cell, extent=study_area)
    # Gi* is computed on every cell; below the owner's level a cell is drawn only with min_place incidents.
    hot = shown_places(cells[cells["class"].astype(str) != "none"], disclosure)
# Touching hot cells are one place to the room: offered as one cluster (below the owner's level only
# clusters of shown cells, and only with min_place incidents).
clusters = None
if hot is not None and len(hot):
    clusters = hotspot_clusters(hot)
    clusters = clusters[[disclosure.place_shown(n) for n in clusters["incidents"]]]
density = None
if show_density and exact_mask(view).any():  # positions that are places (geo.stacked)
    bounds = active.districts.total_bounds if active.districts is not None else None
    x, y, _ = place_points(view)  # a kommun's centroid is no peak (geo.stacked)
    density = density_surface(x, y, cell=25, extent=bounds, crs=crs,
                              bandwidth=density_bandwidth(disclosure, bandwidth_rule(x, y))
                              if disclosure.controlled else None)
    density = controlled_density(density, disclosure)
places = active.places
if places is not None and disclosure.controlled:
    # A named place with fewer than min_place incidents in the view is not drawn on its own.
    counted = place_counts(view, places)["count"]
    places = places[places["area_id"].map(counted).fillna(0).to_numpy() >= disclosure.rules.min_place]

survey_frame, survey_label, survey_percent = None, "", False
if show_survey and active.survey is not None and active.districts is not None:
    latest = active.survey[active.survey["indicator"] == "andel_otrygga_ute_sent"]
    if latest.empty:
        latest = active.survey[active.survey["indicator"] == active.survey["indicator"].iloc[0]]
    latest = latest[latest["year"] == latest["year"].max()]
    survey_label = f"{latest['label'].iloc[0]} ({latest['year'].iloc[0]})"
    survey_frame = active.districts[["area_id", "name", "geometry"]].merge(latest[["area_id", "value"]],
                                                                           on="area_id", how="left")
    survey_percent = "unit" in latest and bool((latest["unit"].astype("string") == "share").all())
    if survey_percent:  # shares are read as percent on the map, "38,2 %"
        survey_frame["value"] = survey_frame["value"] * 100

# Individual points only for categories that are not protected, and only a readable number.
# Below the owner's level no individual point at all (core.disclosure).
open_mask = ~view["category"].isin(PROTECTED).to_numpy() & exact_mask(view)
points = view.loc[open_mask, ["x", "y", "category", "occurred_from"]] \
    if disclosure.points_allowed and open_mask.sum() <= MAX_POINTS else None

# Pinned places of datasets this viewer may see, in the working CRS: drawn on the map, and asked
# "is this already pinned?" when something is clicked.
try:
    every_pin = problem_store().list_hotspots()
except StoreUnavailableError:
    # The map and its numbers do not need the database; only the pinned layer does. Say so and go on,
    # so a pin made now is tried and answers for itself ("Sparades inte …").
    every_pin = []
    st.warning(t("De fästa platserna kan inte visas: databasen svarar inte just nu."))
pinned_rows = []
for pin in every_pin:
    if not current_view(workspace().dataset_of(pin, every_pin) or active.dataset).visible:
        continue
    shape = gpd.GeoSeries([shapely.from_wkt(pin.geometry_wkt)], crs=pin.crs or crs)
    pinned_rows.append({"id": pin.id, "title": pin.title, "geometry": shape.to_crs(crs).iloc[0]})
pinned = gpd.GeoDataFrame(pinned_rows, geometry="geometry", crs=crs) if pinned_rows else None

SEEN = "_map_seen_click"  # the last click taken as a selection: a map drawn anew gives it back once more


def _take_click(clicked: dict | None) -> bool:
    """Make what the user clicked or drew the selection; True when the selection changed."""
    if not clicked or clicked == st.session_state.get(SEEN):
        return False
    st.session_state[SEEN] = clicked
    before = st.session_state.get("map_selected")
    props = clicked.get("properties") or {}
    if props.get("samsyn_kind") == "pinned":
        # The outline of a pinned place: say what it is, keep what is selected.
        st.session_state["map_pinned_clicked"] = str(props.get("samsyn_id"))
        return False
    if props.get("samsyn_kind"):
        st.session_state["map_selected"] = {"kind": props["samsyn_kind"], "id": props["samsyn_id"]}
    elif clicked.get("geometry"):
        # A shape the user drew (Draw toolbar): a polygon, or a line for a street segment.
        drawn = shapely.geometry.shape(clicked["geometry"])
        drawn = shapely.transform(drawn, lambda xy: np.column_stack(
            Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(xy[:, 0], xy[:, 1])))
        if drawn.geom_type in ("LineString", "MultiLineString"):
            drawn = drawn.buffer(STREET_BUFFER_M)
        wkt = shapely.to_wkt(drawn, rounding_precision=1)
        if (before or {}).get("wkt") != wkt:
            st.session_state["map_selected"] = {"kind": "drawn", "id": "ritad", "wkt": wkt}
    changed = st.session_state.get("map_selected") != before
    if changed:
        # "Ångra fästningen" belongs to the place just pinned, not to the next one clicked.
        st.session_state.pop(LAST_PIN, None)
        st.session_state.pop("map_pinned_clicked", None)
    return changed


# The map's last click, as the component's callback left it before this run: the outline of what was
# clicked goes onto the map in this very run (st_folium hands the click back only after drawing).
_take_click((st.session_state.get("karta") or {}).get("last_active_drawing"))
selected = st.session_state.get("map_selected")
if selected and selected.get("kind") in ("district", "place"):
    # A selection kept from another dataset (or one whose layer is gone) would point at nothing.
    layer = active.districts if selected["kind"] == "district" else places
    if layer is None or selected["id"] not in set(layer["area_id"].astype(str)):
        st.session_state["map_selected"] = selected = None

# A hot cell in a hot cluster: the whole cluster or only the cell (the radio below; read here so that
# the map outlines what will be pinned).
cluster = None
if selected and selected["kind"] == "cell" and clusters is not None:
    cluster = cluster_of(clusters, selected["id"])
    if cluster is not None and (cluster["sign"] != "hot" or cluster["cells"] < 2):
        cluster = None
scope_key = f"map_scope-{selected['id']}" if cluster is not None else None
whole_cluster = cluster is not None and st.session_state.get(scope_key, "cluster") == "cluster"


def _selection(selected: dict) -> tuple[str, shapely.Geometry, float | None]:
    """Fallback title, geometry (working CRS) and population of what the user clicked or drew."""
    kind, key = selected["kind"], selected["id"]
    if kind == "district" and active.districts is not None:
        row = active.districts.set_index("area_id").loc[key]
        return row["name"], row.geometry, row.get("population")
    if kind == "place" and active.places is not None:
        place = active.places.set_index("area_id").loc[key]
        geometry = place.geometry
        if geometry.geom_type == "Point":
            radius = place.get("radius_m")
            geometry = geometry.buffer(float(radius) if pd.notna(radius) else PLACE_BUFFER_M)
        return place["name"], geometry, None
    if kind == "drawn":
        return t("Ritat område"), shapely.from_wkt(selected["wkt"]), None
    if whole_cluster:
        return t("Hot spot"), cluster.geometry, None
    size = float(key.split("m_")[0])
    x0 = float(key.split("_E")[1].split("_N")[0])
    y0 = float(key.split("_N")[1])
    return t("Hot spot"), shapely.box(x0, y0, x0 + size, y0 + size), None


fallback_title, geometry, population = _selection(selected) if selected else (None, None, None)

layers = MapLayers(
    districts=district_frame, district_metric=t(METRICS[metric]), district_diverging=metric == "change",
    hot_cells=None if hot is None else masked_frame(hot, disclosure, ["count"]),  # the tooltips' counts
    density=density, places=places, background=active.background_geojson(), points=points,
    survey=survey_frame, survey_label=survey_label, survey_percent=survey_percent, crs=crs,
    selected=selected["id"] if selected and selected.get("kind") == "district" else None,
)
bounds_work = data_extent(active.districts, active.background, incidents=active.incidents, crs=crs)
if bounds_work is None:
    st.info(t("Datasetet har inga händelser med position att visa på kartan. Läs in en händelsefil på sidan Data."))
    end_page()
folium_map = build_map(layers, bounds_wgs84(bounds_work, crs), load_config())
if emerging is not None:
    emerging.add_to(folium_map)
add_draw(folium_map, language="en" if english() else "sv",
         draw_options={"polyline": {"shapeOptions": {"color": "#D55E00", "weight": 5}},
                       "polygon": {"shapeOptions": {"color": "#D55E00"}}, "rectangle": {"shapeOptions": {"color": "#D55E00"}},
                       "circle": False, "marker": False, "circlemarker": False})
# The pinned places and the outline of what was clicked change with every click: added to the drawn
# map in the browser (st_folium's feature groups), so the map keeps its zoom instead of reloading.
overlays = []
if show_pinned and pinned is not None:
    overlays.append(pinned_layer(pinned, crs, label=t("Fäst plats"), name=t("Fästa platser")))
if selected and selected["kind"] != "district" and geometry is not None:
    overlays.append(highlight_layer(geometry, crs, name=t("Vald plats")))

map_column, detail_column = st.columns([3, 2]) if not projector else st.columns([2, 1])
with map_column:
    # In projector mode the map fits a 1920×1080 screen below the controls: a map that runs off the
    # screen lost the clicks on its shapes in Chromium (the click reached Leaflet, not streamlit-folium).
    result = st_folium(folium_map, height=700 if projector else 620, use_container_width=True,
                       returned_objects=["last_active_drawing"], key="karta", feature_group_to_add=overlays or None)
    if not disclosure.points_allowed:
        st.caption(t("Enskilda händelser visas inte på den här visningsnivån."))
    else:
        note = t("Enskilda händelser visas först vid inzoomning (nivå {zoom}+) och aldrig för skyddade kategorier.")
        if points is None:
            note += " " + t("Just nu är de för många – avgränsa med filtren.")
        st.caption(note.format(zoom=POINTS_MIN_ZOOM))
    if "position_precision" in view:
        # Positions that are not places (centroids, none) are left out of hot spots, density, places and points.
        not_places = not_places_text(precision_counts(view["position_precision"].astype("object")), lang=lang())
        if not_places:
            st.caption(not_places)
    emerging_panel(emerging)
    # The months as a film, with the same filters; cells only, never incidents (components/time_slider.py).
    time_slider(view, districts=active.districts, view=disclosure, cell=float(cell), period=(filters.start, filters.end),
                projector=projector)

if _take_click((result or {}).get("last_active_drawing")):
    st.rerun()  # a click the callback did not hand over first: draw the page for the new selection


def _already_pinned(geometry: shapely.Geometry) -> list[tuple[int, str]]:
    """Pinned places that hold at least half of ``geometry`` (a cell inside a pinned cluster, the same place)."""
    if pinned is None or not geometry.area > 0:
        return []
    share = pinned.geometry.intersection(geometry).area / geometry.area
    return [(int(i), str(title)) for i, title in zip(pinned.loc[share >= 0.5, "id"], pinned.loc[share >= 0.5, "title"],
                                                     strict=True)]


# Projector mode: the details in a panel as high as the map, scrolled on its own and opened at its end,
# where "Fäst" is (dashboard.components.projector.details_panel).
with detail_column, details_panel(projector):
    if st.session_state.get("map_pinned_clicked") and pinned is not None:
        hit = pinned[pinned["id"].astype(str) == st.session_state["map_pinned_clicked"]]
        if len(hit):
            st.info(t("Redan fäst som ‘{title}’ (#{id}). Ändra den på sidan Problembild.").format(
                title=md(hit["title"].iloc[0]), id=int(hit["id"].iloc[0])))
    if not selected:
        pin_flash()
        st.info(t("Klicka på ett område, en ruta eller en plats – eller rita ett område – för att se dess "
                  "siffror, trend och veckodag × timme och fästa det i problembilden."))
    else:
        key = selected["id"]
        if selected["kind"] == "district":
            subset, subset_all = view[view["district"] == key], all_dates[all_dates["district"] == key]
        else:
            subset, subset_all = within_geometry(view, geometry), within_geometry(all_dates, geometry)
        shown = selected["kind"] == "district" or disclosure.place_shown(len(subset))
        if selected["kind"] == "district":
            title = fallback_title
        else:
            # Where, what and when, as the room would say it (never a cell's id); below the owner's level a
            # place too small to show gets no words about its incidents either.
            own_place = active.places[active.places["area_id"].astype(str) == key] \
                if selected["kind"] == "place" else active.places
            title = place_title(geometry, subset if shown else subset.iloc[:0], places=own_place,
                                districts=active.districts, lang=lang(), fallback=fallback_title)
        st.subheader(md(title))
        if cluster is not None:
            cluster_label = t("Fäst hela klustret ({cells} rutor, {incidents} händelser)").format(
                cells=fmt_int(cluster["cells"]),
                incidents=disclosure.count(cluster["incidents"], fmt_int(cluster["incidents"])))
            st.radio(t("Vad ska fästas?"), ["cluster", "cell"], key=scope_key, horizontal=True,
                     format_func=lambda v: cluster_label if v == "cluster" else t("Fäst bara rutan"))
        for pin_id, pin_title in _already_pinned(geometry) if selected["kind"] != "district" else []:
            st.warning(t("Redan fäst som ‘{title}’ (#{id}).").format(title=md(pin_title), id=pin_id),
                       icon=":material/push_pin:")
        # A place, a cell or a drawn area is a micro-place: below the owner's level its numbers are shown
        # only with min_place incidents, as on the map (a district is an area, its counts are dotted).
        if not shown:
            st.info(t("Platsen har färre än {k} händelser med filtren och visas inte var för sig på den här "
                      "visningsnivån.").format(k=disclosure.rules.min_place))
        else:
            change = same_period_last_year(subset_all, filters.start, filters.end, lang=lang()).iloc[0]
            st.metric(t("Händelser"), count_text(disclosure, change["after"]),
                      **({"delta": None} if change_hidden(disclosure, change) else change_delta(change)))
            st.caption(change_summary(disclosure, change))
            # Two numbers for one place: say which is which, so the room does not read them as a contradiction.
            st.caption(t("Räknat med filtren i sidopanelen; den fästa platsen räknas med sina egna brottstyper, "
                         "veckodagar och timmar (se nedan)."))
            if len(subset):
                heat = weekday_hour(subset)
                values, texts = masked_matrix(heat.matrix, disclosure)
                fig = weekday_hour_heatmap(values, weekday_names=weekday_names(), projector=projector,
                                           title=t("Veckodag × timme"), value_label=t("Händelser"), texts=texts)
                fig.update_layout(height=360 if not projector else 460)
                show_figure(fig, f"heatmap-{key}", data=masked_frame(heat.long(), disclosure, ["weight"]),
                            key="detail-heat")
                trend = counts_over_time(subset_all, freq="M")
                fig = trend_chart(trend.assign(count=masked_series(trend["count"], disclosure)), x="period_start",
                                  y="count", projector=projector, title=t("Per månad"))
                fig.update_layout(height=300)
                show_figure(fig, f"trend-{key}", data=masked_frame(trend.astype({"period": "string"}), disclosure,
                                                                   ["count"]), key="detail-trend")
                top = subset["category"].astype(str).value_counts().head(8).rename_axis(t("Kategori"))
                show_table(masked_frame(top.reset_index(name=t("Antal")), disclosure, [t("Antal")]),
                           {t("Kategori"): Column("Kategori", "category"), t("Antal"): Column("Antal", "count")})
        # Right above the form: the confirmation of the pin just made and the way back.
        pin_flash()
        if undo_last_pin():
            st.rerun()
        saved = pin_form(key=f"cluster-{key}" if whole_cluster else f"{selected['kind']}-{key}", title=title,
                         geometry=geometry, source_kind=selected["kind"],
                         source_id=",".join(cluster["cell_ids"]) if whole_cluster else key,
                         period_incidents=subset, all_incidents=subset_all, filters=filters, crs=crs,
                         population=population if population and pd.notna(population) else None)
        if saved is not None:
            remember_pin(saved)
            st.rerun()  # the new place on the map, "Ångra fästningen" beside the form

with map_column:
    # A picture of the map for slides and reports: the same view drawn with matplotlib on the server.
    if st.button(t("Skapa kartbild (PNG)"), icon=":material/image:", key="map_png"):
        from reports.figures import map_png

        outlines = []
        if selected:
            outlines = [(title, geometry)]
        # Below the owner's level the picture's grid cells follow the map's: none with fewer than min_place.
        st.session_state["map_png_bytes"] = map_png(
            bounds=bounds_work, districts=active.districts, background=active.background, incidents=view,
            cell=float(cell), outlines=outlines, title=f"{active.dataset.name}: {filters.start} – {filters.end}",
            min_count=1 if disclosure.full else disclosure.rules.min_place)
    if st.session_state.get("map_png_bytes"):
        st.download_button(t("Ladda ner kartbild"), st.session_state["map_png_bytes"], file_name="karta.png",
                           mime="image/png", icon=":material/download:", key="map_png_download")

if district_frame is not None or (hot is not None and len(hot)):
    with st.expander(t("Siffrorna bakom kartan")):
        if district_frame is not None:
            table = pd.DataFrame(district_frame.drop(columns="geometry")).assign(before=district_before)
            table = masked_frame(table, disclosure, ["count"],
                                 derived={"rate": ["count"], "change": ["count", "before"],
                                          "value": ["count", "before"] if metric == "change" else ["count"]},
                                 decimals={"rate": 2, "change": 1, "value": 2}).drop(columns="before")
            show_table(table, {"area_id": "Kod", "name": "Område", "count": Column("Antal", "count"),
                               "rate": Column("per 1 000 inv.", "number", 1),
                               "change": Column("Mot året innan", "change", 1)})
            csv_download(table, "karta-omraden", key="csv-map-districts")
        if hot is not None and len(hot):
            hot_table = masked_frame(pd.DataFrame(hot.drop(columns="geometry")), disclosure, ["count"])
            csv_download(hot_table, "karta-hotspots", key="csv-map-hot")
