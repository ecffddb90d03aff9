"""The map works in Chromium with the internet cut off, and ``samsyn serve`` starts."""

from __future__ import annotations

import urllib.request

import pytest

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _map_frame(page):
    handle = page.wait_for_selector(MAP_FRAME, state="attached", timeout=60_000)
    frame = handle.content_frame()
    assert frame is not None, "the st_folium iframe has no document"
    return frame


def test_map_initialises_without_internet(page, offline_map_url, external_requests, page_errors, screenshot):
    page.goto(offline_map_url, wait_until="domcontentloaded")
    frame = _map_frame(page)
    frame.wait_for_selector(".leaflet-container", timeout=60_000)
    frame.wait_for_selector("path.leaflet-interactive", timeout=30_000)

    libraries = frame.evaluate(
        """() => ({
            leaflet: typeof window.L === 'object' ? L.version : null,
            jquery: typeof window.jQuery === 'function' ? jQuery.fn.jquery : null,
            d3: typeof window.d3 === 'object' ? d3.version : null,
            cluster: typeof L.markerClusterGroup,
            heat: typeof L.heatLayer,
            draw: typeof L.Control.Draw,
            fullscreen: typeof L.Control.FullScreen,
            awesome: typeof L.AwesomeMarkers,
        })"""
    )
    assert libraries["leaflet"] == "1.9.3"
    assert libraries["jquery"] == "3.7.1"
    assert libraries["d3"] is not None
    assert {libraries[k] for k in ("cluster", "heat", "draw", "fullscreen")} == {"function"}
    assert libraries["awesome"] == "object"

    # Both districts drawn as vector paths; heat map canvas, cluster icon, draw toolbar, legend.
    assert frame.locator("path.leaflet-interactive").count() >= 2
    assert frame.locator("canvas.leaflet-heatmap-layer").count() == 1
    frame.wait_for_selector(".marker-cluster", timeout=10_000)
    assert frame.locator(".leaflet-draw-toolbar").count() >= 1
    assert frame.locator("a.leaflet-draw-draw-polygon").get_attribute("title") == "Rita ett område"
    assert frame.locator("a.leaflet-draw-draw-polyline").count() == 0  # areas only
    assert frame.locator(".leaflet-control-scale").count() == 1
    frame.wait_for_selector(".legend svg, svg#legend, .legend", state="attached", timeout=10_000)
    # Font Awesome / Glyphicons fonts load from the server: their stylesheets applied.
    assert frame.evaluate("() => document.fonts.check('12px \"Glyphicons Halflings\"')") is True
    assert frame.locator("link[href*='/app/static/vendor/leaflet@1.9.3/leaflet.css']").count() == 1

    page.wait_for_timeout(1_000)  # let late requests (fonts, images) happen
    screenshot(page, "offline_map")
    assert external_requests == [], f"the page tried to leave the machine: {external_requests}"
    # e.g. "L is not defined", "Map has no maxZoom specified", a 404 for a marker icon
    assert page_errors == [], page_errors


def test_vendored_files_have_browser_content_types(offline_map_url):
    expected = {
        "leaflet@1.9.3/leaflet.js": "javascript",
        "leaflet@1.9.3/leaflet.css": "text/css",
        "fontawesome-free@6.2.0/webfonts/fa-solid-900.woff2": "font/woff2",
        "leaflet-draw@1.0.2/images/spritesheet.svg": "image/svg+xml",
    }
    for path, content_type in expected.items():
        with urllib.request.urlopen(f"{offline_map_url}/app/static/vendor/{path}", timeout=10) as response:
            assert response.status == 200
            assert content_type in response.headers["Content-Type"], (path, response.headers["Content-Type"])


@pytest.mark.slow
def test_samsyn_serve_answers_and_serves_vendored_files(samsyn_url):
    with urllib.request.urlopen(f"{samsyn_url}/_stcore/health", timeout=10) as response:
        assert response.read().strip() == b"ok"
    # started from another folder: static serving still on (flag, not only .streamlit/config.toml)
    with urllib.request.urlopen(f"{samsyn_url}/app/static/vendor/leaflet@1.9.3/leaflet.js", timeout=10) as response:
        assert response.status == 200


@pytest.mark.slow
def test_dashboard_map_page_works_offline(page, samsyn_url, external_requests, screenshot):
    """The real dashboard (``samsyn serve``, Exempelstad sample): the map page draws with no internet."""
    # Open the start page and follow the menu: Streamlit shows an English "Page not found"
    # modal over a deep link opened first (streamlit/streamlit#8860, #9992).
    page.goto(samsyn_url, wait_until="domcontentloaded")
    page.get_by_role("link", name="Karta").first.click(timeout=60_000)
    frame = _map_frame(page)
    frame.wait_for_selector(".leaflet-container", timeout=60_000)
    frame.wait_for_selector("path.leaflet-interactive", timeout=60_000)
    assert frame.evaluate("() => typeof window.L === 'object' && L.version") == "1.9.3"
    page.wait_for_timeout(1_000)
    screenshot(page, "dashboard_map_offline")
    hint = ""
    if any("materialsymbols" in request for request in external_requests):
        hint = (" — st.set_page_config(page_icon=':material/…:') makes Streamlit fetch the favicon from "
                "fonts.gstatic.com; use an emoji or a local image file as page_icon (st.Page icons are fine)")
    assert external_requests == [], f"the dashboard tried to leave the machine: {external_requests}{hint}"
