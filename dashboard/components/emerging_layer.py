"""Karta's emerging-hot-spot layer: classified cells, a legend with the plain Swedish reading, downloads.

The numbers come from :func:`analysis.emerging.emerging_hotspots`, cached per filtered data (a filter
change pays about half a second on a million incidents, bench/bench_emerging.py). Only cells with a
pattern are drawn; below the data owner's level only cells with ``min_place`` incidents over the
period (as the map's hot cells), and the downloads leave the other cells out as well.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st

from analysis.emerging import (
    PATTERN_LABELS,
    PATTERN_READINGS_EN,
    PATTERNS,
    emerging_hotspots,
    steps_text,
    summary_text,
)
from core.disclosure import View
from dashboard.components.disclosure import masked_frame, shown_places
from dashboard.components.maps import LEGEND_BOX, TextTooltip, _Legend, _wgs84
from dashboard.i18n import lang, t

if TYPE_CHECKING:
    from analysis.emerging import EmergingResult

# Okabe–Ito hues: warm (vermillion, orange, reddish purple, yellow) for hot, cool (blue, sky blue,
# bluish green) for cold; darker for the growing and new ones, lighter for the fading and former.
EMERGING_COLOURS: dict[str, str] = {
    "intensifying_hot": "#8C2D04", "new_hot": "#D55E00", "consecutive_hot": "#E69F00",
    "persistent_hot": "#CC79A7", "sporadic_hot": "#F0E442", "oscillating_hot": "#F5C98B",
    "diminishing_hot": "#F4A582", "historical_hot": "#E7C6DB",
    "intensifying_cold": "#003C5F", "new_cold": "#0072B2", "consecutive_cold": "#56B4E9",
    "persistent_cold": "#009E73", "sporadic_cold": "#7FCDBB", "oscillating_cold": "#B7DDF2",
    "diminishing_cold": "#92C5DE", "historical_cold": "#BFE3D6",
}
"""Fill colour of each pattern; ``none`` is not drawn."""

# Faded and former hot/cold spots get a dashed outline, so they read apart from live ones in grey print too.
_DASHED = {"diminishing_hot", "historical_hot", "diminishing_cold", "historical_cold"}
STEP_CHOICES = ("month", "quarter", "week")
STEP_NAMES = {"month": "Månad", "quarter": "Kvartal", "week": "Vecka"}


def _label(pattern: str, language: str) -> str:
    return PATTERN_LABELS[pattern][0 if language == "sv" else 1]


def _reading(pattern: str, language: str) -> str:
    return PATTERN_LABELS[pattern][2] if language == "sv" else PATTERN_READINGS_EN[pattern]


@st.cache_data(show_spinner=False, max_entries=8)
def cached_emerging(incidents: pd.DataFrame, crs: str, cell: float, step: str, start: str | None, end: str | None,
                    extent_wkt: str | None):
    """:func:`emerging_hotspots` of the filtered incidents, cached on their content and the settings."""
    frame = incidents.copy()
    frame.attrs["crs"] = crs  # the cache's copy of a frame keeps no attrs
    extent = gpd.GeoDataFrame(geometry=[shapely.from_wkt(extent_wkt)], crs=crs) if extent_wkt else None
    return emerging_hotspots(frame, cell=cell, step=step, start=start, end=end, extent=extent)


def emerging_result(incidents: pd.DataFrame, *, cell: float, step: str, crs: str,
                    period: tuple[object, object] = (None, None), districts: gpd.GeoDataFrame | None = None):
    """The result for the map's filtered incidents, or a Swedish ``ValueError`` message (too short a period …)."""
    columns = [c for c in ("x", "y", "occurred_from", "occurred_to", "position_precision") if c in incidents]
    extent_wkt = None
    if districts is not None and len(districts):
        extent_wkt = shapely.to_wkt(shapely.union_all(np.asarray(districts.to_crs(crs).geometry.values)),
                                    rounding_precision=2)
    start, end = (None if v is None else str(v) for v in period)
    return cached_emerging(incidents[columns], crs, float(cell), step, start, end, extent_wkt)


@dataclass
class EmergingLayer:
    """What Karta draws and shows for emerging hot spots."""

    result: EmergingResult
    drawn: gpd.GeoDataFrame  # the cells with a pattern the viewer may see
    export: pd.DataFrame  # every cell the viewer may see, counts masked
    view: View
    language: str

    def add_to(self, folium_map: folium.Map) -> None:
        """Add the cells and the legend to the map."""
        # The tooltip's counts as the viewer may read them (whole incidents; ".." where hidden).
        whole = self.drawn["count"].round(0).astype(int)
        counts = masked_frame(pd.DataFrame({"count": whole}), self.view, ["count"])["count"]
        emerging_group(self.drawn, self.result.step, self.result.n_steps, self.result.cells.crs.to_string(),
                       language=self.language, counts=counts.astype(str)).add_to(folium_map)
        _Legend(legend_html(self.drawn["pattern"], language=self.language), position="bottomright").add_to(folium_map)


def emerging_group(cells: gpd.GeoDataFrame, step: str, n_steps: int, crs: str, *, language: str = "sv",
                   counts: pd.Series | None = None) -> folium.FeatureGroup:
    """A folium FeatureGroup of classified cells: colour by pattern, tooltip with class and hot steps."""
    frame = _wgs84(cells, crs, tolerance=0)
    frame["klass"] = [_label(p, language) for p in frame["pattern"]]
    frame["lasning"] = [_reading(p, language) for p in frame["pattern"]]
    frame["steg"] = [steps_text(int(h), int(c), int(n_steps), step, lang=language)
                     for h, c in zip(frame["n_hot_steps"], frame["n_cold_steps"], strict=True)]
    frame["antal"] = counts.to_numpy() if counts is not None else frame["count"].round(0).astype(int).astype(str)
    # A click selects the cell as a click on a hot cell does (the page's details panel and "Fäst").
    frame["samsyn_kind"] = "cell"
    frame["samsyn_id"] = frame["cell_id"].astype(str)
    group = folium.FeatureGroup(name=t("Framväxande hot spots"), show=True)
    folium.GeoJson(
        frame[["cell_id", "pattern", "klass", "lasning", "steg", "antal", "samsyn_kind", "samsyn_id", "geometry"]],
        style_function=lambda f: {
            "fillColor": EMERGING_COLOURS.get(f["properties"]["pattern"], "#ffffff"), "fillOpacity": 0.8,
            "color": "#333", "weight": 1.2 if f["properties"]["pattern"] in _DASHED else 0.6,
            "dashArray": "4 3" if f["properties"]["pattern"] in _DASHED else None},
        # TextTooltip sets every value as text, never as HTML.
        tooltip=TextTooltip(["klass", "steg", "lasning", "antal"],
                            [t("Mönster"), t("Tidssteg"), t("Läsning"), t("Händelser")]),
        name=t("Framväxande hot spots"),
    ).add_to(group)
    return group


def legend_rows(patterns: pd.Series, *, language: str = "sv") -> list[tuple[str, str, str, int]]:
    """(pattern, label, plain reading, number of cells) for every pattern on the map, in PATTERNS order."""
    counts = pd.Series(patterns).value_counts()
    return [(p, _label(p, language), _reading(p, language), int(counts[p]))
            for p in PATTERNS if p != "none" and counts.get(p, 0)]


def legend_html(patterns: pd.Series, *, language: str = "sv") -> str:
    """The map legend: a swatch, the class and its plain reading for each pattern drawn."""
    rows = "".join(
        f'<div style="max-width:26em"><span style="display:inline-block;width:1em;height:1em;'
        f'background:{EMERGING_COLOURS[p]};border:1px {"dashed" if p in _DASHED else "solid"} #333;'
        f'margin-right:6px;vertical-align:middle"></span><b>{html.escape(label)}</b>: {html.escape(reading)}</div>'
        for p, label, reading, _ in legend_rows(patterns, language=language)
    )
    title = html.escape(t("Framväxande hot spots"))
    return f'<div style="{LEGEND_BOX}"><b>{title}</b>{rows}</div>'


def emerging_controls(incidents: pd.DataFrame, *, cell: float, view: View, crs: str,
                      period: tuple[object, object] = (None, None),
                      districts: gpd.GeoDataFrame | None = None) -> EmergingLayer | None:
    """The toggle "Framväxande hot spots" and the step choice; the layer when the toggle is on."""
    left, right = st.columns([1, 1])
    on = left.toggle(t("Framväxande hot spots"), value=False, key="map_emerging",
                     help=t("Nya, växande, ihållande och avtagande hot spots: Gi* per ruta och tidssteg med "
                            "Mann–Kendall-trend, som ArcGIS Emerging Hot Spot Analysis."))
    step = right.selectbox(t("Tidssteg"), STEP_CHOICES, key="map_emerging_step", disabled=not on,
                           format_func=lambda s: t(STEP_NAMES[s]))
    if not on or incidents.empty:
        return None
    try:
        result = emerging_result(incidents, cell=cell, step=step, crs=crs, period=period, districts=districts)
    except ValueError as error:
        st.info(str(error))
        return None
    visible = shown_places(result.cells, view)
    drawn = visible[visible["pattern"] != "none"]
    columns = ["cell_id", "pattern", "label", "label_en", "reading", "mk_tau", "mk_z", "mk_p", "n_hot_steps",
               "n_cold_steps", "n_steps", "count", "last_z", "last_p"]
    export = masked_frame(pd.DataFrame(visible[columns]).assign(count=visible["count"].round(1)), view, ["count"])
    return EmergingLayer(result, drawn, export, view, lang())


def emerging_panel(layer: EmergingLayer | None) -> None:
    """Below the map: the summary sentence, the legend as text, and CSV/GeoJSON downloads."""
    if layer is None:
        return
    language = layer.language
    st.markdown(f"**{t('Framväxande hot spots')}** – {summary_text(layer.result, lang=language)}")
    if not layer.view.full:
        st.caption(t("Platser med färre än {k} händelser visas inte på den här visningsnivån.").format(
            k=layer.view.rules.min_place))
    rows = legend_rows(layer.drawn["pattern"], language=language)
    if rows:
        st.markdown("\n".join(f"- **{label}** ({count}): {reading}" for _, label, reading, count in rows))
    else:
        st.caption(t("Inga rutor att visa med ett mönster."))
    left, right = st.columns(2)
    left.download_button(t("Ladda ner CSV"), layer.export.to_csv(index=False).encode("utf-8-sig"),
                         file_name="framvaxande-hotspots.csv", mime="text/csv", key="emerging_csv",
                         icon=":material/download:")
    shapes = gpd.GeoDataFrame(layer.export, geometry=layer.result.cells.set_index("cell_id").loc[
        layer.export["cell_id"], "geometry"].to_numpy(), crs=layer.result.cells.crs).to_crs("EPSG:4326")
    right.download_button(t("Ladda ner GeoJSON"), json.dumps(json.loads(shapes.to_json()), ensure_ascii=False),
                          file_name="framvaxande-hotspots.geojson", mime="application/geo+json",
                          key="emerging_geojson", icon=":material/download:")
