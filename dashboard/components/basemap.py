"""Build folium maps the Samsyn way: offline resources, configured basemap, scale bar.

Pages build every map with :func:`base_map` and add their layers to it::

    from dashboard.components.basemap import base_map
    m = base_map(districts.to_crs(4326).total_bounds)
    folium.GeoJson(...).add_to(m)
    st_folium(m, height=600, returned_objects=[])
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import folium
import folium.plugins
from branca.element import Element, MacroElement
from jinja2 import Template

from core.config import AppConfig, BasemapConfig, load_config
from dashboard.components import template_cache
from dashboard.components.offline import make_offline
from dashboard.components.projector import active as projector_active
from dashboard.components.projector import map_css

# Light, neutral background instead of Leaflet's grey, so that areas and
# points stay readable on a projector when there is no basemap.
MIN_ZOOM = 3
_NO_BASEMAP_STYLE = "<style>.leaflet-container{background:#f7f7f4;}</style>"


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (folium's ``control_scale`` adds miles too)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.control.scale({imperial: false, maxWidth: 200}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


# Leaflet.draw's texts (L.drawLocal) in Swedish and, for the English switch, its defaults.
DRAW_TEXTS: dict[str, dict[str, Any]] = {
    "sv": {
        "draw": {
            "toolbar": {
                "actions": {"title": "Avbryt ritandet", "text": "Avbryt"},
                "finish": {"title": "Avsluta ritandet", "text": "Klar"},
                "undo": {"title": "Ta bort senast ritade punkt", "text": "Ta bort senaste punkt"},
                "buttons": {"polyline": "Rita en linje", "polygon": "Rita ett område", "rectangle": "Rita en rektangel",
                            "circle": "Rita en cirkel", "marker": "Sätt ut en markör",
                            "circlemarker": "Sätt ut en punkt"},
            },
            "handlers": {
                "circle": {"tooltip": {"start": "Klicka och dra för att rita en cirkel."}, "radius": "Radie"},
                "circlemarker": {"tooltip": {"start": "Klicka i kartan för att sätta ut en punkt."}},
                "marker": {"tooltip": {"start": "Klicka i kartan för att sätta ut en markör."}},
                "polygon": {"tooltip": {"start": "Klicka för att börja rita området.",
                                        "cont": "Klicka för att fortsätta rita området.",
                                        "end": "Klicka på första punkten för att stänga området."}},
                "polyline": {"error": "<strong>Fel:</strong> kanterna får inte korsa varandra!",
                             "tooltip": {"start": "Klicka för att börja rita linjen.",
                                         "cont": "Klicka för att fortsätta rita linjen.",
                                         "end": "Klicka på sista punkten för att avsluta linjen."}},
                "rectangle": {"tooltip": {"start": "Klicka och dra för att rita en rektangel."}},
                "simpleshape": {"tooltip": {"end": "Släpp musknappen för att avsluta."}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {"save": {"title": "Spara ändringarna", "text": "Spara"},
                            "cancel": {"title": "Avbryt redigeringen och släng ändringarna", "text": "Avbryt"},
                            "clearAll": {"title": "Ta bort alla ritade former", "text": "Ta bort alla"}},
                "buttons": {"edit": "Redigera former", "editDisabled": "Inga former att redigera",
                            "remove": "Ta bort former", "removeDisabled": "Inga former att ta bort"},
            },
            "handlers": {
                "edit": {"tooltip": {"text": "Dra i handtagen eller markörerna för att ändra formen.",
                                     "subtext": "Klicka på Avbryt för att ångra."}},
                "remove": {"tooltip": {"text": "Klicka på en form för att ta bort den."}},
            },
        },
    },
    "en": {
        "draw": {
            "toolbar": {
                "actions": {"title": "Cancel drawing", "text": "Cancel"},
                "finish": {"title": "Finish drawing", "text": "Finish"},
                "undo": {"title": "Delete last point drawn", "text": "Delete last point"},
                "buttons": {"polyline": "Draw a polyline", "polygon": "Draw a polygon",
                            "rectangle": "Draw a rectangle", "circle": "Draw a circle", "marker": "Draw a marker",
                            "circlemarker": "Draw a circlemarker"},
            },
            "handlers": {
                "circle": {"tooltip": {"start": "Click and drag to draw circle."}, "radius": "Radius"},
                "circlemarker": {"tooltip": {"start": "Click map to place circle marker."}},
                "marker": {"tooltip": {"start": "Click map to place marker."}},
                "polygon": {"tooltip": {"start": "Click to start drawing shape.",
                                        "cont": "Click to continue drawing shape.",
                                        "end": "Click first point to close this shape."}},
                "polyline": {"error": "<strong>Error:</strong> shape edges cannot cross!",
                             "tooltip": {"start": "Click to start drawing line.",
                                         "cont": "Click to continue drawing line.",
                                         "end": "Click last point to finish line."}},
                "rectangle": {"tooltip": {"start": "Click and drag to draw rectangle."}},
                "simpleshape": {"tooltip": {"end": "Release mouse to finish drawing."}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {"save": {"title": "Save changes", "text": "Save"},
                            "cancel": {"title": "Cancel editing, discards all changes", "text": "Cancel"},
                            "clearAll": {"title": "Clear all layers", "text": "Clear All"}},
                "buttons": {"edit": "Edit layers", "editDisabled": "No layers to edit",
                            "remove": "Delete layers", "removeDisabled": "No layers to delete"},
            },
            "handlers": {
                "edit": {"tooltip": {"text": "Drag handles or markers to edit features.",
                                     "subtext": "Click cancel to undo changes."}},
                "remove": {"tooltip": {"text": "Click on a feature to remove."}},
            },
        },
    },
}

# Polygons and rectangles: what a user outlines (an area of a measure, a comparison area).
AREA_DRAW_OPTIONS: dict[str, Any] = {
    "polyline": False, "circle": False, "circlemarker": False, "marker": False,
    "polygon": {"allowIntersection": False, "showArea": False},
    "rectangle": {"showArea": False},
}


class DrawTexts(MacroElement):
    """Set Leaflet.draw's toolbar and tooltip texts; must come before the Draw control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            if (window.L && L.drawLocal) { L.drawLocal = {{ this.texts }}; }
        {% endmacro %}
        """
    )

    def __init__(self, language: str = "sv") -> None:
        super().__init__()
        self._name = "DrawTexts"
        self.texts = json.dumps(DRAW_TEXTS[language], ensure_ascii=False)


def add_draw(m: folium.Map, *, language: str = "sv", **draw_kwargs: Any) -> folium.plugins.Draw:
    """Add the drawing toolbar (polygons and rectangles unless ``draw_options`` says otherwise).

    Texts are Swedish (``language="en"`` for the English switch). Drawn shapes
    come back from ``st_folium(..., returned_objects=["all_drawings"])``.
    """
    if language not in DRAW_TEXTS:
        raise ValueError(f"Okänt språk för ritverktyget: {language!r} (sv eller en).")
    DrawTexts(language).add_to(m)
    draw_kwargs.setdefault("draw_options", AREA_DRAW_OPTIONS)
    draw_kwargs.setdefault("show_geometry_on_click", False)
    draw_kwargs.setdefault("export", False)
    draw = folium.plugins.Draw(**draw_kwargs)
    draw.add_to(m)
    return draw


def add_basemap(m: folium.Map, config: AppConfig | BasemapConfig | None = None) -> folium.TileLayer | None:
    """Add the configured tile layer to ``m``; return it, or None when no basemap is configured."""
    basemap = _basemap(config)
    if basemap.tiles is None:
        return None
    layer = folium.TileLayer(
        tiles=basemap.tiles,
        attr=basemap.attribution,
        name="Bakgrundskarta",
        max_zoom=basemap.max_zoom,
        overlay=False,
        control=True,
    )
    layer.add_to(m)
    return layer


def base_map(
    bounds: Sequence[float],
    config: AppConfig | BasemapConfig | None = None,
    *,
    height: str | int = "100%",
    projector: bool | None = None,
    lang: str | None = None,
) -> folium.Map:
    """Return an empty map fitted to ``bounds``, ready for layers.

    The map loads its scripts from Samsyn's server (:func:`make_offline`), has
    no tiles unless ``[basemap]`` in ``samsyn.toml`` names a tile server, a max
    zoom (MarkerCluster needs one when there are no tiles) and a metric scale bar.

    Parameters
    ----------
    bounds
        ``(min_lon, min_lat, max_lon, max_lat)`` in WGS 84, e.g.
        ``gdf.to_crs(4326).total_bounds``.
    config
        The app configuration or only its basemap part; read from
        ``samsyn.toml`` when omitted.
    height
        Height of the map element inside its page or iframe.
    projector
        Projector mode: every legend, control and tooltip text at least 20 px, and the map as high
        as its iframe (which projector mode sizes from the screen). None: the session's mode.
    lang
        The language of the full-screen button's texts ("sv", "en"); None: the session's.

    Raises
    ------
    ValueError
        If ``bounds`` are not four finite WGS 84 coordinates (Swedish message).
    """
    west, south, east, north = _check_bounds(bounds)
    basemap = _basemap(config)
    template_cache.install()
    make_offline()
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        tiles=None,
        zoom_start=12,
        # Fractional zoom lets a town fill the map instead of jumping a whole level short.
        zoomSnap=0.25,
        zoomDelta=0.5,
        control_scale=False,  # MetricScale below: Swedish users need no miles
        height=height,
        # folium hands min_zoom/max_zoom only to its own tile layer; with
        # tiles=None the Leaflet map itself needs them (MarkerCluster fails without).
        maxZoom=basemap.max_zoom,
        minZoom=MIN_ZOOM,
    )
    if basemap.tiles is None:
        m.get_root().header.add_child(Element(_NO_BASEMAP_STYLE), name="samsyn_no_basemap")
    if projector is None:
        projector = projector_active()
    if projector:
        m.get_root().header.add_child(Element(map_css(True)), name="samsyn_projector")
    MetricScale().add_to(m)
    # Full screen for the room: the map alone on the projector, Esc gives the page back.
    texts = FULLSCREEN_TEXTS.get(lang or _session_lang(), FULLSCREEN_TEXTS["sv"])
    folium.plugins.Fullscreen(position="topleft", title=texts[0], title_cancel=texts[1],
                              force_separate_button=True).add_to(m)
    add_basemap(m, basemap)
    m.fit_bounds([[south, west], [north, east]])
    return m


FULLSCREEN_TEXTS = {"sv": ("Visa kartan i helskärm", "Lämna helskärm"), "en": ("Full screen", "Exit full screen")}


def _session_lang() -> str:
    from dashboard.i18n import lang

    return lang()


def _basemap(config: AppConfig | BasemapConfig | None) -> BasemapConfig:
    if config is None:
        config = load_config()
    return config.basemap if isinstance(config, AppConfig) else config


def _check_bounds(bounds: Sequence[float]) -> tuple[float, float, float, float]:
    try:
        values = tuple(float(v) for v in bounds)
    except (TypeError, ValueError) as error:
        raise ValueError("Kartans utbredning måste vara fyra tal: min_lon, min_lat, max_lon, max_lat.") from error
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ValueError("Kartans utbredning måste vara fyra ändliga tal: min_lon, min_lat, max_lon, max_lat.")
    west, south, east, north = values
    if any(abs(v) > 180 for v in (west, east)) or any(abs(v) > 90 for v in (south, north)):
        raise ValueError(
            "Kartans utbredning ska anges i WGS 84 (grader longitud/latitud); värdena ser ut att vara "
            "i ett projicerat system som SWEREF 99 TM — omvandla först, t.ex. med .to_crs(4326)."
        )
    if west > east or south > north:
        raise ValueError("Kartans utbredning är omvänd: min måste vara mindre än eller lika med max.")
    return west, south, east, north
