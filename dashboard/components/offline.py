"""Make folium maps load their JavaScript and CSS from Samsyn's own server.

folium, its plugins, branca's colormap legend and streamlit-folium all point
the browser at CDNs. Samsyn runs in municipal and police networks that are
often offline, so every such URL is rewritten to a file vendored under
``dashboard/static/vendor/`` (fetched by ``scripts/vendor-assets.sh``), which
Streamlit serves at ``/app/static/vendor/…`` when
``server.enableStaticServing`` is on.

Call :func:`make_offline` once before building maps; :func:`base_map` in
``dashboard.components.basemap`` already does.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import branca.colormap
import folium
import folium.elements
import folium.folium
import folium.plugins
from branca.element import JavascriptLink

_LOG = logging.getLogger(__name__)

#: Folder holding the vendored files; Streamlit serves ``dashboard/static``.
VENDOR_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor"

#: URL prefix of the vendored files inside Streamlit (static serving).
DEFAULT_BASE_URL = "/app/static/vendor"

#: Every CDN URL that folium 0.20, its plugins, branca and streamlit-folium
#: reference for the features Samsyn uses, and the vendored file replacing it
#: (relative to ``VENDOR_DIR``).
VENDORED: dict[str, str] = {
    # folium.Map
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet@1.9.3/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet@1.9.3/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery@3.7.1/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js": "jquery@3.7.1/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        "bootstrap@5.2.2/bootstrap.bundle.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css":
        "bootstrap@5.2.2/bootstrap.min.css",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css":
        "bootstrap-glyphicons@3.4.1/bootstrap-glyphicons.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        "fontawesome-free@6.2.0/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "leaflet.awesome-markers@2.0.5/leaflet.awesome-markers.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "leaflet.awesome-markers@2.0.5/leaflet.awesome-markers.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css":
        "folium/leaflet.awesome.rotate.min.css",
    # folium.plugins
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js":
        "folium/leaflet_heat.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        "leaflet.markercluster@1.1.0/leaflet.markercluster.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css":
        "leaflet.markercluster@1.1.0/MarkerCluster.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        "leaflet.markercluster@1.1.0/MarkerCluster.Default.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.js":
        "leaflet-draw@1.0.2/leaflet.draw.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.css":
        "leaflet-draw@1.0.2/leaflet.draw.css",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js":
        "leaflet.fullscreen@3.0.0/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css":
        "leaflet.fullscreen@3.0.0/Control.FullScreen.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js":
        "leaflet-minimap@3.6.1/Control.MiniMap.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css":
        "leaflet-minimap@3.6.1/Control.MiniMap.min.css",
    # branca's colormap legend; streamlit-folium adds both for any colormap
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": "d3@3.5.5/d3.min.js",
    "https://d3js.org/d3.v4.min.js": "d3@4.13.0/d3.min.js",
}

#: Our own script, loaded right after Leaflet: sets the default marker icon folder.
ICON_PATH_SCRIPT = "samsyn/leaflet-icon-path.js"
_LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"

_BRANCA_D3 = "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"

# CDN lists as folium shipped them, keyed by (class, attribute), so that
# make_offline can be called again (with another base URL) without compounding.
_ORIGINAL_LINKS: dict[tuple[type, str], list[tuple[str, str]]] = {}


def default_base_url() -> str:
    """URL prefix of the vendored files, honouring Streamlit's ``server.baseUrlPath``.

    Behind a reverse proxy that serves Samsyn under ``/samsyn/``, the files are
    at ``/samsyn/app/static/vendor``.
    """
    prefix = ""
    try:
        from streamlit import config as st_config

        prefix = (st_config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:  # outside a configured Streamlit the default applies
        prefix = ""
    return f"/{prefix}{DEFAULT_BASE_URL}" if prefix else DEFAULT_BASE_URL


def local_urls(base_url: str | None = None) -> dict[str, str]:
    """Map each known CDN URL to its vendored URL under ``base_url``."""
    base = (base_url if base_url is not None else default_base_url()).rstrip("/")
    return {cdn: f"{base}/{relative}" for cdn, relative in VENDORED.items()}


def make_offline(base_url: str | None = None) -> dict[str, str]:
    """Point folium, its plugins, branca and streamlit-folium at the vendored files.

    Idempotent: calling it again (with the same or another ``base_url``) starts
    from folium's original lists. Returns the CDN-to-local mapping in use.

    Parameters
    ----------
    base_url
        URL prefix under which ``dashboard/static/vendor`` is served; default
        ``/app/static/vendor`` (Streamlit static serving), with Streamlit's
        ``server.baseUrlPath`` in front when one is configured.
    """
    mapping = local_urls(base_url)
    for cls in _classes_with_links():
        for attribute in ("default_js", "default_css"):
            if attribute not in vars(cls):
                continue
            original = _ORIGINAL_LINKS.setdefault((cls, attribute), list(vars(cls)[attribute]))
            links = [(name, mapping.get(url, url)) for name, url in original]
            if cls is folium.Map and attribute == "default_js":
                links = _with_icon_path(links, mapping)
            setattr(cls, attribute, links)
    # folium.Map's lists are these module-level lists; keep them in step.
    folium.folium._default_js[:] = folium.Map.default_js
    folium.folium._default_css[:] = folium.Map.default_css
    _patch_branca(mapping[_BRANCA_D3])
    _patch_streamlit_folium(mapping)
    return mapping


def _with_icon_path(links: list[tuple[str, str]], mapping: dict[str, str]) -> list[tuple[str, str]]:
    """Insert the icon-path script after Leaflet (Leaflet 1.9.3 misses "/images/" otherwise)."""
    leaflet = mapping[_LEAFLET_JS]
    script = leaflet.rsplit("/", 2)[0] + "/" + ICON_PATH_SCRIPT
    result: list[tuple[str, str]] = []
    for name, url in links:
        result.append((name, url))
        if url == leaflet:
            result.append(("samsyn_leaflet_icon_path", script))
    return result


def external_links(links: Iterable[str]) -> list[str]:
    """Return the links that would leave the machine (absolute http(s) or protocol-relative)."""
    return [url for url in links if url.startswith(("http://", "https://", "//"))]


def _classes_with_links() -> list[type]:
    """Every loaded folium/branca element class (folium.plugins imported) that declares CDN links."""
    found: list[type] = []
    stack: list[type] = [folium.elements.JSCSSMixin]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def _patch_branca(d3_url: str) -> None:
    """Make branca's colormap legend load d3 from ``d3_url`` (branca hard-codes the CDN)."""
    cls = branca.colormap.ColorMap
    original = getattr(cls.render, "_samsyn_original", cls.render)

    @functools.wraps(original)
    def render(self: branca.colormap.ColorMap, **kwargs: Any) -> None:
        original(self, **kwargs)
        self.get_root().header.add_child(JavascriptLink(d3_url), name="d3")

    render._samsyn_original = original  # type: ignore[attr-defined]
    cls.render = render  # type: ignore[method-assign]


def _patch_streamlit_folium(mapping: dict[str, str]) -> None:
    """Rewrite the script/style links streamlit-folium hands its iframe.

    ``st_folium`` strips the ``<script src>``/``<link>`` tags from the map's
    header and instead passes ``js_links``/``css_links`` (collected from the
    elements' ``default_js``/``default_css``, plus two hard-coded d3 CDN URLs
    when a colormap is present) to its component, which loads them in order.
    The component function is a module global looked up at call time, so it
    can be wrapped.
    """
    try:
        import streamlit_folium
    except ImportError:  # pragma: no cover - streamlit-folium is a dependency
        return
    original: Callable[..., Any] = getattr(
        streamlit_folium._component_func, "_samsyn_original", streamlit_folium._component_func
    )

    def component(*args: Any, **kwargs: Any) -> Any:
        for key in ("js_links", "css_links"):
            if kwargs.get(key):
                kwargs[key] = _rewrite(kwargs[key], mapping)
        return original(*args, **kwargs)

    component._samsyn_original = original  # type: ignore[attr-defined]
    streamlit_folium._component_func = component


def _rewrite(links: Iterable[str], mapping: dict[str, str]) -> list[str]:
    rewritten = list(dict.fromkeys(mapping.get(url, url) for url in links))
    remaining = external_links(rewritten)
    if remaining:
        _LOG.warning("Map resources not vendored, the browser will try to fetch them: %s", remaining)
    return rewritten
