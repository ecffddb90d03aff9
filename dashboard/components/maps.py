"""Folium map builders for the Karta page: layers the user toggles, legends, offline.

Every feature a user can click carries ``samsyn_kind`` ("district", "cell", "place") and
``samsyn_id`` in its properties; streamlit-folium returns the clicked feature as
``last_active_drawing``, and the page shows that feature's own numbers beside the map.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import branca.colormap as cm
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.template import Template as FoliumTemplate  # knows folium's ``tojavascript`` filter
from jinja2 import Template
from PIL import Image
from pyproj import Transformer

from analysis.density import DensityRaster
from core import formatting
from core.errors import InputError
from dashboard.components.basemap import base_map
from dashboard.components.problem_map import label_text, place_shapes

WGS84 = "EPSG:4326"
POINTS_MIN_ZOOM = 16
MAX_POINTS = 3000

# Colour-blind-safe: viridis for counts and rates, a blue–red diverging scale for change and Gi*.
SEQUENTIAL = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]
DIVERGING = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]
HOTSPOT_COLOURS = {
    "hot99": "#b2182b", "hot95": "#ef8a62", "hot90": "#fddbc7",
    "cold90": "#d1e5f0", "cold95": "#67a9cf", "cold99": "#2166ac",
}
HOTSPOT_LABELS = {
    "hot99": "Hot spot, 99 %", "hot95": "Hot spot, 95 %", "hot90": "Hot spot, 90 %",
    "cold90": "Cold spot, 90 %", "cold95": "Cold spot, 95 %", "cold99": "Cold spot, 99 %",
}
BACKGROUND_STYLE = {
    "water": {"fillColor": "#a6cee3", "color": "#7fb2d6", "weight": 1, "fillOpacity": 0.9},
    "park": {"fillColor": "#cfe8c4", "color": "#a9d39a", "weight": 1, "fillOpacity": 0.9},
    "square": {"fillColor": "#e8e1d5", "color": "#bfb6a6", "weight": 1, "fillOpacity": 0.9},
    "building_block": {"fillColor": "#dcdcdc", "color": "#c4c4c4", "weight": 0.5, "fillOpacity": 0.8},
    "street": {"color": "#9a9a9a", "weight": 2, "opacity": 0.9},
    "railway": {"color": "#555555", "weight": 3, "dashArray": "6 4", "opacity": 0.9},
}


@dataclass(frozen=True)
class MapLayers:
    """What the Karta page asks the map to show (None = leave the layer out)."""

    districts: gpd.GeoDataFrame | None = None  # area_id, name, value, label columns
    district_metric: str = "Antal"
    district_diverging: bool = False
    hot_cells: gpd.GeoDataFrame | None = None  # cell_id, count, gi_z, class
    density: DensityRaster | None = None
    places: gpd.GeoDataFrame | None = None
    background: gpd.GeoDataFrame | dict | None = None  # a frame, or background_geojson(...) cached by the page
    points: pd.DataFrame | None = None  # x, y, category, occurred_from (never protected categories)
    survey: gpd.GeoDataFrame | None = None  # area_id, name, value
    survey_label: str = ""
    survey_percent: bool = False  # the survey's values are shares in percent (38.2 for 38,2 %)
    crs: str | None = None  # the working CRS of every layer; build_map refuses None (never SWEREF 99 TM by default)
    selected: str | None = None


def data_extent(*layers: gpd.GeoDataFrame | None, incidents: pd.DataFrame | None = None, crs: str,
                pad_m: float = 250.0) -> tuple[float, float, float, float] | None:
    """Bounds in the working CRS of the first non-empty layer, else of the incidents' positions.

    A dataset with incidents only (the police's export alone) has no district or background
    layer to frame the map; the incidents' own box, widened by ``pad_m`` so that one point or
    one street still gives a readable view, frames it instead. None when there is nothing.

    Examples
    --------
    >>> points = pd.DataFrame({"x": [674_000.0, 674_100.0], "y": [6_580_000.0, 6_580_050.0]})
    >>> data_extent(None, incidents=points, crs="EPSG:3006", pad_m=100)
    (673900.0, 6579900.0, 674200.0, 6580150.0)
    """
    for layer in layers:
        if layer is not None and len(layer):
            if layer.crs is not None and crs and not layer.crs.equals(crs):
                layer = layer.to_crs(crs)
            return tuple(float(v) for v in layer.total_bounds)
    if incidents is None or not len(incidents):
        return None
    x, y = incidents["x"].to_numpy(dtype=float), incidents["y"].to_numpy(dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    if not keep.any():
        return None
    x, y = x[keep], y[keep]
    return (float(x.min()) - pad_m, float(y.min()) - pad_m, float(x.max()) + pad_m, float(y.max()) + pad_m)


def bounds_wgs84(bounds: tuple[float, float, float, float], crs: str) -> tuple[float, float, float, float]:
    """Bounds in the working CRS as WGS 84 ``(west, south, east, north)`` for the map."""
    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
    return tuple(float(v) for v in transformer.transform_bounds(*bounds))


def _wgs84(frame: gpd.GeoDataFrame, crs: str, tolerance: float = 1.0) -> gpd.GeoDataFrame:
    if frame.crs is None:
        frame = frame.set_crs(crs)
    frame = frame.copy()
    frame["geometry"] = frame.geometry.simplify(tolerance, preserve_topology=True)
    return frame.to_crs(WGS84)


def _session_lang() -> str:
    from dashboard.i18n import lang

    return lang()


def _colormap(values: pd.Series, *, diverging: bool, caption: str) -> cm.LinearColormap:
    finite = values[np.isfinite(values.astype(float))]
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    if diverging:
        bound = max(abs(low), abs(high), 1e-9)
        low, high = -bound, bound
        colours = DIVERGING
    else:
        colours = SEQUENTIAL
    if high <= low:
        high = low + 1
    return cm.LinearColormap(colours, vmin=low, vmax=high, caption=caption)


# Leaflet tooltips never wrap (white-space: nowrap): a long name would run off the map. Wrapping
# alone lets a tooltip near the map's edge shrink to one letter a line, so it keeps its natural
# width up to the maximum.
TOOLTIP_STYLE = "width:max-content;max-width:380px;white-space:normal;overflow-wrap:anywhere;"
TOOLTIP_MAX_CHARS = 300


class TextTooltip(folium.GeoJsonTooltip):
    """folium's GeoJsonTooltip (same table, same look), but every text is set with ``textContent``.

    folium builds the tooltip as an HTML string and assigns it to ``innerHTML``, so an area or place
    named ``<img src=x onerror=…>`` — from a user's file or a pinned title — would run script in every
    colleague's browser. Here the names and values are data: never parsed as HTML, without control
    characters or bidirectional overrides, cut with an ellipsis after ``TOOLTIP_MAX_CHARS``
    characters so a 10,000-character title cannot cover the map.
    """

    _template = FoliumTemplate("""
    {% macro script(this, kwargs) %}
    {{ this._parent.get_name() }}.bindTooltip(function(layer) {
        var fields = {{ this.fields | tojson }}, aliases = {{ this.aliases | tojson }};
        var limit = {{ this.max_chars | tojson }};
        function text(value) {
            if (value === null || value === undefined) { return ''; }
            var s = (typeof value === 'object') ? JSON.stringify(value) : String(value);
            // Control characters and bidirectional overrides: a name must not read backwards.
            s = s.replace(/[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff]/g, '');
            return s.length > limit ? s.slice(0, limit - 1) + '\u2026' : s;
        }
        var div = L.DomUtil.create('div'), table = L.DomUtil.create('table', '', div);
        fields.forEach(function(field, i) {
            var row = L.DomUtil.create('tr', '', table);
            {% if this.labels %}L.DomUtil.create('th', '', row).textContent = text(aliases[i]);{% endif %}
            L.DomUtil.create('td', '', row).textContent = text(layer.feature.properties[field]);
        });
        return div;
    }, {{ this.tooltip_options | tojavascript }});
    {% endmacro %}
    """)

    def __init__(self, fields: list[str], aliases: list[str]) -> None:
        super().__init__(fields, aliases=aliases, style=TOOLTIP_STYLE)
        self.max_chars = TOOLTIP_MAX_CHARS


def _districts_layer(layers: MapLayers) -> tuple[folium.FeatureGroup, cm.LinearColormap]:
    frame = _wgs84(layers.districts, layers.crs)
    colormap = _colormap(frame["value"], diverging=layers.district_diverging, caption=layers.district_metric)
    frame["samsyn_kind"] = "district"
    frame["samsyn_id"] = frame["area_id"].astype(str)
    selected = layers.selected

    def style(feature: dict) -> dict:
        value = feature["properties"].get("value")
        fill = colormap(value) if value is not None and np.isfinite(value) else "#ffffff"
        chosen = feature["properties"]["samsyn_id"] == selected
        return {"fillColor": fill, "color": "#000" if chosen else "#333", "weight": 4 if chosen else 1.5,
                "fillOpacity": 0.35}

    group = folium.FeatureGroup(name=_words("Områden"), show=True)
    folium.GeoJson(
        frame[["area_id", "name", "value", "label", "samsyn_kind", "samsyn_id", "geometry"]],
        style_function=style,
        highlight_function=lambda _: {"weight": 4, "color": "#000"},
        tooltip=TextTooltip(["name", "label"], [_words("Område"), layers.district_metric]),
        name="Områden",
    ).add_to(group)
    return group, colormap


def _hot_layer(layers: MapLayers) -> folium.FeatureGroup:
    frame = _wgs84(layers.hot_cells, layers.crs, tolerance=0)
    frame["samsyn_kind"] = "cell"
    frame["samsyn_id"] = frame["cell_id"].astype(str)
    frame["klass"] = frame["class"].astype(str).map(HOTSPOT_LABELS).map(_words)
    # Tooltip numbers in the reader's format ("4,67", "1 204"); a masked count stays "..".
    language = _session_lang()
    frame["gi_z"] = [formatting.number(float(z), 2, lang=language) for z in frame["gi_z"]]
    frame["count"] = [c if isinstance(c, str) else formatting.number(float(c), 0, lang=language)
                      for c in frame["count"]]
    group = folium.FeatureGroup(name=_words("Hot spots (Gi*)"), show=True)
    folium.GeoJson(
        frame[["cell_id", "count", "gi_z", "class", "klass", "samsyn_kind", "samsyn_id", "geometry"]],
        style_function=lambda f: {"fillColor": HOTSPOT_COLOURS.get(f["properties"]["class"], "#fff"),
                                  "color": "#444", "weight": 0.5, "fillOpacity": 0.75},
        tooltip=TextTooltip(["klass", "count", "gi_z"], [_words("Klass"), _words("Händelser"), "Gi* z"]),
        name="Hot spots",
    ).add_to(group)
    return group


def density_png(raster: DensityRaster, crs: str) -> tuple[str, list[list[float]]]:
    """Warp a density raster onto a Web Mercator grid and colour it; return a PNG data URL and its bounds.

    Leaflet draws image overlays in Web Mercator: resampling (nearest neighbour) keeps the surface
    where it belongs instead of stretching the SWEREF 99 raster's corners.
    """
    xmin, ymin, xmax, ymax = raster.extent
    to_merc = Transformer.from_crs(crs, "EPSG:3857", always_xy=True)
    from_merc = Transformer.from_crs("EPSG:3857", crs, always_xy=True)
    to_wgs = Transformer.from_crs("EPSG:3857", WGS84, always_xy=True)
    mx, my = to_merc.transform([xmin, xmax, xmin, xmax], [ymin, ymin, ymax, ymax])
    west, east, south, north = min(mx), max(mx), min(my), max(my)
    ny, nx = raster.values.shape
    gx, gy = np.meshgrid(np.linspace(west, east, nx), np.linspace(north, south, ny))
    sx, sy = from_merc.transform(gx, gy)
    col = np.floor((sx - xmin) / raster.cell).astype(int)
    row = np.floor((ymax - sy) / raster.cell).astype(int)
    inside = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)
    values = np.zeros_like(gx)
    values[inside] = raster.values[row[inside], col[inside]]
    top = np.quantile(values[values > 0], 0.995) if (values > 0).any() else 1.0
    scaled = np.clip(values / top, 0, 1)
    ramp = np.array([[255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38]], dtype=float)
    position = scaled * (len(ramp) - 1)
    low = np.floor(position).astype(int).clip(0, len(ramp) - 2)
    frac = (position - low)[..., None]
    rgb = ramp[low] * (1 - frac) + ramp[low + 1] * frac
    alpha = np.where(scaled > 0.05, 60 + 170 * scaled, 0)
    image = Image.fromarray(np.dstack([rgb, alpha]).astype(np.uint8), mode="RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # speed over a few kB: it is redrawn on every filter
    (w_lon, e_lon), (s_lat, n_lat) = to_wgs.transform([west, east], [south, north])
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return url, [[s_lat, w_lon], [n_lat, e_lon]]


def _places_layer(layers: MapLayers) -> folium.FeatureGroup:
    frame = layers.places.copy()
    if frame.crs is None:
        frame = frame.set_crs(layers.crs)
    # Points with a radius are drawn as the circle they count within.
    radius = frame.get("radius_m", pd.Series(np.nan, index=frame.index)).fillna(50.0)
    is_point = frame.geom_type.eq("Point")
    frame.loc[is_point, "geometry"] = frame.loc[is_point].geometry.buffer(radius[is_point], quad_segs=8)
    frame = frame.to_crs(WGS84)
    frame["samsyn_kind"] = "place"
    frame["samsyn_id"] = frame["area_id"].astype(str)
    frame["kind"] = frame.get("kind", "plats")
    group = folium.FeatureGroup(name=_words("Namngivna platser"), show=True)
    folium.GeoJson(
        frame[["area_id", "name", "kind", "samsyn_kind", "samsyn_id", "geometry"]],
        style_function=lambda _: {"fillColor": "#cc79a7", "color": "#7b2c5f", "weight": 2, "fillOpacity": 0.15,
                                  "dashArray": "4 3"},
        highlight_function=lambda _: {"weight": 4},
        tooltip=TextTooltip(["name", "kind"], [_words("Plats"), _words("Typ")]),
        name="Platser",
    ).add_to(group)
    return group


def background_geojson(background: gpd.GeoDataFrame, crs: str) -> dict:
    """The town's background layers as a GeoJSON dict in WGS 84, drawing order first (cache it)."""
    frame = _wgs84(background, crs, tolerance=1.0)
    frame["layer"] = frame["layer"].astype(str)
    order = {"water": 0, "park": 1, "square": 2, "building_block": 3, "street": 4, "railway": 5}
    frame = frame.sort_values("layer", key=lambda s: s.map(order).fillna(9))
    return frame[["layer", "geometry"]].__geo_interface__


class _BackgroundLayer(MacroElement):
    """The town's background drawn by one Leaflet style function in the browser.

    folium's GeoJson would evaluate a Python style function for each of the ~1,500 streets and
    blocks and ship a style table with every feature id; this keeps the page small and fast.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data|tojson }}, {
            interactive: false,
            style: function(feature) {
                var styles = {{ this.styles|tojson }};
                return styles[feature.properties.layer] || {color: "#999", weight: 1};
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: dict) -> None:
        super().__init__()
        self._name = "BackgroundLayer"
        self.data = data
        self.styles = BACKGROUND_STYLE


def _background_layer(layers: MapLayers) -> folium.FeatureGroup:
    data = layers.background if isinstance(layers.background, dict) else background_geojson(layers.background,
                                                                                           layers.crs)
    group = folium.FeatureGroup(name=_words("Bakgrund (orten)"), show=True, control=True)
    _BackgroundLayer(data).add_to(group)
    return group


def _points_layer(m: folium.Map, layers: MapLayers) -> None:
    points = layers.points
    transformer = Transformer.from_crs(layers.crs, WGS84, always_xy=True)
    lon, lat = transformer.transform(points["x"].to_numpy(), points["y"].to_numpy())
    frame = gpd.GeoDataFrame(
        {"kategori": points["category"].astype(str).map(_category).to_numpy(),
         "tid": points["occurred_from"].dt.strftime("%Y-%m-%d %H:%M").to_numpy()},
        geometry=gpd.points_from_xy(lon, lat), crs=WGS84,
    )
    group = folium.FeatureGroup(name=f"Enskilda händelser (zoom {POINTS_MIN_ZOOM}+)", show=False, control=False)
    folium.GeoJson(
        frame,
        marker=folium.CircleMarker(radius=5, fill=True, fill_opacity=0.9, weight=1, color="#000",
                                   fill_color="#0072B2"),
        tooltip=TextTooltip(["kategori", "tid"], [_words("Kategori"), _words("Tid")]),
        name="Händelser",
    ).add_to(group)
    group.add_to(m)
    _ZoomToggle(group, POINTS_MIN_ZOOM).add_to(m)


class _ZoomToggle(MacroElement):
    """Show a layer only at or above a zoom level (points read as places, not as a cloud)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }}, layer = {{ this.layer.get_name() }};
            function toggle() {
                if (map.getZoom() >= {{ this.min_zoom }}) { if (!map.hasLayer(layer)) map.addLayer(layer); }
                else if (map.hasLayer(layer)) { map.removeLayer(layer); }
            }
            map.on('zoomend', toggle); toggle();
        })();
        {% endmacro %}
    """)

    def __init__(self, layer: folium.FeatureGroup, min_zoom: int) -> None:
        super().__init__()
        self._name = "ZoomToggle"
        self.layer = layer
        self.min_zoom = min_zoom


def _survey_layer(layers: MapLayers) -> tuple[folium.FeatureGroup, cm.LinearColormap]:
    frame = _wgs84(layers.survey, layers.crs)
    colormap = _colormap(frame["value"], diverging=False, caption=layers.survey_label)
    # The tooltip reads "38,2 %", never the stored 0.3819.
    suffix = "\u00a0%" if layers.survey_percent else ""
    frame["value_text"] = ["" if pd.isna(v) else formatting.number(float(v), 1, lang=_session_lang()) + suffix
                           for v in frame["value"]]
    group = folium.FeatureGroup(name=_words("Trygghetsmätning"), show=False)
    folium.GeoJson(
        frame[["area_id", "name", "value", "value_text", "geometry"]],
        style_function=lambda f: {"fillColor": colormap(f["properties"]["value"])
                                  if f["properties"]["value"] is not None else "#fff",
                                  "color": "#333", "weight": 1, "fillOpacity": 0.6},
        tooltip=TextTooltip(["name", "value_text"], [_words("Område"), layers.survey_label]),
        name="Trygghet",
    ).add_to(group)
    return group, colormap


class _Legend(MacroElement):
    """A Leaflet control holding legend HTML (a child of the map, so streamlit-folium renders it)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: '{{ this.position }}'});
            legend.onAdd = function() {
                var div = L.DomUtil.create('div', 'samsyn-legend'); div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, html: str, position: str = "bottomleft") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.position = position


# The box every Samsyn legend is drawn in; projector mode enlarges its text (projector.map_css).
LEGEND_BOX = "background:#fff;padding:8px 10px;border:1px solid #888;border-radius:4px;font:14px/1.5 sans-serif;"


def _legend_hotspots() -> _Legend:
    rows = "".join(
        f'<div><span style="display:inline-block;width:1em;height:1em;background:{colour};'
        f'border:1px solid #444;margin-right:6px;vertical-align:middle"></span>{_words(HOTSPOT_LABELS[name])}</div>'
        for name, colour in HOTSPOT_COLOURS.items()
    )
    # Hot spots in the first column, cold spots in the second: half the height; bottom right, clear of the
    # zoom, full-screen and drawing buttons on the left, which a projector's 22 px map leaves little room.
    return _Legend(f'<div style="{LEGEND_BOX}"><b>Gi* (FDR)</b><div style="display:grid;grid-auto-flow:column;'
                   f'grid-template-rows:repeat(3, auto);column-gap:1em">{rows}</div></div>', position="bottomright")


def _tick_decimals(low: float, high: float) -> int:
    span = abs(high - low)
    return 0 if span >= 10 else 1 if span >= 1 else 2


def colour_bar_html(colormap: cm.LinearColormap, caption: str, *, lang: str = "sv", ticks: int = 5) -> str:
    """A colour bar as HTML: the scale as a CSS gradient, ``ticks`` values in the reader's language.

    branca's own legend is an SVG with fixed 10 px text and English thousands ("2,912"); this one
    is text that projector mode can enlarge, with Swedish thousands ("2 912"). ``caption`` is escaped.

    Examples
    --------
    >>> bar = colour_bar_html(cm.LinearColormap(["#fde725", "#440154"], vmin=69, vmax=2912), "Antal", ticks=2)
    >>> [tick.split("<")[0] for tick in bar.split('class="samsyn-tick">')[1:]]
    ['69', '2\xa0912']
    """
    low, high = float(colormap.vmin), float(colormap.vmax)
    stops = ", ".join(f"{colormap.rgb_hex_str(low + (high - low) * i / 10)} {i * 10}%" for i in range(11))
    decimals = _tick_decimals(low, high)
    values = np.linspace(low, high, ticks)
    labels = "".join(f'<span class="samsyn-tick">{formatting.number(float(v), decimals, lang=lang)}</span>'
                     for v in values)
    return (f'<div class="samsyn-colourbar" style="{LEGEND_BOX}min-width:16em;">'
            f'<div style="font-weight:bold">{html.escape(caption)}</div>'
            f'<div style="height:1em;margin:4px 0;border:1px solid #444;background:linear-gradient(to right, {stops})">'
            f'</div><div style="display:flex;justify-content:space-between;gap:0.6em">{labels}</div></div>')


def build_map(layers: MapLayers, bounds_wgs84: tuple[float, float, float, float], config=None, *,
              lang: str | None = None, projector: bool | None = None) -> folium.Map:
    """Build the Karta page's map with the requested layers, legends and a layer switcher.

    ``lang`` (the colour bar's numbers) and ``projector`` (text sizes) default to the session's.

    Raises
    ------
    InputError
        When ``layers.crs`` is None: drawing the layers as SWEREF 99 TM could put them in another town.
    """
    if not layers.crs:
        raise InputError("Kartans lager saknar koordinatsystem; läs in händelserna igen på sidan Data.")
    m = base_map(bounds_wgs84, config, projector=projector)
    # No browser focus box around a clicked polygon: the selected district gets its own outline.
    m.get_root().header.add_child(Element("<style>.leaflet-interactive:focus{outline:none;}</style>"),
                                  name="samsyn_map_style")
    if layers.background is not None and len(layers.background):  # frame rows or GeoJSON keys
        _background_layer(layers).add_to(m)
    if layers.survey is not None and len(layers.survey):
        group, colormap = _survey_layer(layers)
        group.add_to(m)
    if layers.districts is not None and len(layers.districts):
        group, colormap = _districts_layer(layers)
        group.add_to(m)
        _Legend(colour_bar_html(colormap, layers.district_metric, lang=lang or _session_lang()),
                position="topright").add_to(m)
    if layers.density is not None:
        url, image_bounds = density_png(layers.density, layers.crs)
        group = folium.FeatureGroup(name=_words("Täthet (kärnskattning)"), show=True)
        folium.raster_layers.ImageOverlay(url, bounds=image_bounds, opacity=0.85, interactive=False,
                                          name="Täthet").add_to(group)
        group.add_to(m)
    if layers.hot_cells is not None and len(layers.hot_cells):
        _hot_layer(layers).add_to(m)
        _legend_hotspots().add_to(m)
    if layers.places is not None and len(layers.places):
        _places_layer(layers).add_to(m)
    if layers.points is not None and len(layers.points):
        _points_layer(m, layers)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


PICTURE_COLOURS = {"polis": "#0072B2", "kommun": "#E69F00", "gemensam": "#D55E00"}


def _words(text: str) -> str:
    # The map's words in the session's language (imported late: the builders are tested without a session too).
    from dashboard.i18n import t

    return t(text)


def _category(name: str) -> str:
    from dashboard.i18n import lang
    from geo.categories import display_name

    return display_name(name, lang=lang())


def build_problem_map(hotspots: gpd.GeoDataFrame, bounds_wgs84: tuple[float, float, float, float], *,
                      background: dict | None = None, districts: gpd.GeoDataFrame | None = None,
                      crs: str, selected: int | None = None, config=None,
                      control_areas: gpd.GeoDataFrame | None = None,
                      projector: bool | None = None) -> folium.Map:
    """The pinned hotspots on one map, coloured by whose picture they belong to, numbered, clickable.

    ``hotspots`` has ``id``, ``title``, ``picture``, ``status`` and geometry in ``crs``.
    ``control_areas`` (districts with ``area_id`` and ``name``) are drawn clickable, so a
    jämförelseområde can be chosen on the map.
    """
    m = base_map(bounds_wgs84, config, projector=projector)
    m.get_root().header.add_child(Element("<style>.leaflet-interactive:focus{outline:none;}</style>"),
                                  name="samsyn_map_style")
    # A place's label (a DivIcon at its north edge) stands centred above that point.
    m.get_root().header.add_child(Element("<style>.leaflet-marker-icon.empty>div{transform:translate(-50%,"
                                          "calc(-100% - 4px));}</style>"), name="samsyn_place_labels")
    if background:
        group = folium.FeatureGroup(name=_words("Bakgrund (orten)"), show=True)
        _BackgroundLayer(background).add_to(group)
        group.add_to(m)
    if districts is not None and len(districts):
        frame = _wgs84(districts, crs)
        folium.GeoJson(frame[["name", "geometry"]], name="Områden", interactive=False,
                       style_function=lambda _: {"fill": False, "color": "#555", "weight": 1.5,
                                                 "dashArray": "4 4"}).add_to(m)
    if control_areas is not None and len(control_areas):
        frame = _wgs84(control_areas, crs)
        frame["samsyn_kind"] = "district"
        frame["samsyn_id"] = frame["area_id"].astype(str)
        folium.GeoJson(
            frame[["area_id", "name", "samsyn_kind", "samsyn_id", "geometry"]], name="Områden",
            style_function=lambda _: {"fillColor": "#56B4E9", "fillOpacity": 0.08, "color": "#333", "weight": 1.5},
            highlight_function=lambda _: {"fillOpacity": 0.35, "weight": 3},
            tooltip=TextTooltip(["name"], [_words("Område")]),
        ).add_to(m)
    if len(hotspots):
        # Each place as the area it counts, a cluster's cells as one outline (never a grid of cell edges).
        frame = _wgs84(place_shapes(hotspots.set_crs(crs, allow_override=True)), crs, tolerance=0.5)
        frame["status"] = frame["status"].astype(str).map(_words)
        frame["samsyn_kind"] = "hotspot"
        frame["samsyn_id"] = frame["id"].astype(str)
        frame["label"] = "#" + frame["id"].astype(str) + " " + frame["title"]
        folium.GeoJson(
            frame[["id", "label", "picture", "status", "samsyn_kind", "samsyn_id", "geometry"]],
            name=_words("Fästa platser"),
            style_function=lambda f: {
                "fillColor": PICTURE_COLOURS.get(f["properties"]["picture"], "#999"),
                "color": "#000" if str(f["properties"]["id"]) == str(selected) else
                PICTURE_COLOURS.get(f["properties"]["picture"], "#999"),
                "weight": 6 if str(f["properties"]["id"]) == str(selected) else 3.5, "opacity": 1,
                "fillOpacity": 0.45 if str(f["properties"]["id"]) == str(selected) else 0.35},
            highlight_function=lambda _: {"weight": 6},
            tooltip=TextTooltip(["label", "status"], [_words("Plats"), _words("Status")]),
        ).add_to(m)
        for _, row in frame.iterrows():
            # The title sits just above the place (north edge, centred), so it never covers a small place.
            west, _, east, north = row.geometry.bounds
            point = shapely.Point((west + east) / 2, north)
            folium.Marker(
                [point.y, point.x],
                icon=folium.DivIcon(html=f'<div class="samsyn-label" style="font:bold 15px sans-serif;color:#000;'
                                         f'background:#fff;border:2px solid {PICTURE_COLOURS.get(row["picture"], "#999")};'
                                         f'border-radius:12px;padding:1px 6px;white-space:nowrap;'
                                         f'display:inline-block">{label_text(row["id"], row["title"])}</div>'),
                interactive=False,
            ).add_to(m)
    rows = "".join(
        f'<div><span style="display:inline-block;width:1em;height:1em;background:{colour};opacity:.8;'
        f'margin-right:6px;vertical-align:middle"></span>{label}</div>'
        for label, colour in ((_words("Polisens egen"), PICTURE_COLOURS["polis"]), (_words("Kommunens egen"),
                              PICTURE_COLOURS["kommun"]), (_words("Gemensam"), PICTURE_COLOURS["gemensam"])))
    _Legend(f'<div style="{LEGEND_BOX}"><b>{_words("Problembild")}</b>{rows}</div>').add_to(m)
    return m


# What was clicked: a strong blue line on a white halo, readable over red hot spots and the viridis districts.
HIGHLIGHT_COLOUR = "#0072B2"
PINNED_COLOUR = "#000000"


def highlight_layer(geometry, crs: str, name: str = "Vald plats") -> folium.FeatureGroup:
    """The clicked cell, cluster or place outlined (not clickable, so the cells beneath stay clickable).

    Given to ``st_folium(feature_group_to_add=…)``: the map is updated in the browser, not drawn
    anew, so the room keeps its zoom when it clicks.
    """
    frame = _wgs84(gpd.GeoDataFrame(geometry=[geometry], crs=crs), crs, tolerance=0)
    group = folium.FeatureGroup(name=name, show=True, control=False)
    for weight, colour in ((10, "#ffffff"), (5, HIGHLIGHT_COLOUR)):
        folium.GeoJson(frame[["geometry"]], interactive=False,
                       style_function=lambda _, w=weight, c=colour: {"fill": False, "color": c, "weight": w,
                                                                     "opacity": 1}).add_to(group)
    return group


def pinned_layer(pinned: gpd.GeoDataFrame, crs: str, *, label: str = "Fäst plats",
                 name: str = "Fästa platser") -> folium.FeatureGroup:
    """The places already in the problem picture as outlines with their titles, so nobody pins twice.

    ``pinned`` has ``id``, ``title`` and geometry in ``crs``. Only the outline catches the mouse
    (no fill): a click inside still reaches the hot-spot cell beneath. Titles are a user's text and
    go through :class:`TextTooltip` (never parsed as HTML).
    """
    frame = _wgs84(pinned.set_crs(crs, allow_override=True), crs, tolerance=0.5)
    frame["samsyn_kind"] = "pinned"
    frame["samsyn_id"] = frame["id"].astype(str)
    frame["label"] = "#" + frame["id"].astype(str) + " " + frame["title"].astype(str)
    group = folium.FeatureGroup(name=name, show=True, control=False)
    folium.GeoJson(
        frame[["id", "label", "samsyn_kind", "samsyn_id", "geometry"]],
        style_function=lambda _: {"fill": False, "color": PINNED_COLOUR, "weight": 4, "dashArray": "10 6",
                                  "opacity": 0.95},
        highlight_function=lambda _: {"weight": 7},
        tooltip=TextTooltip(["label"], [label]),
        name=name,
    ).add_to(group)
    return group
