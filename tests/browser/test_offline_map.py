"""The map works in Chromium with the internet cut off, and ``samsyn serve`` starts."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.waits import (
    ELEMENT_SECONDS,
    FIRST_LOAD_SECONDS,
    go_to,
    map_drawn,
    open_app,
    wait_for_assets,
)

pytestmark = pytest.mark.browser


def test_map_initialises_without_internet(page, offline_map_url, external_requests, page_errors, screenshot):
    # The test app writes no run marker: wait for the map itself.
    page.goto(offline_map_url, wait_until="domcontentloaded", timeout=FIRST_LOAD_SECONDS * 1000)
    frame = map_drawn(page, what="the test app's map", timeout=FIRST_LOAD_SECONDS)

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
    expect(frame.locator(".marker-cluster").first, "the marker cluster icon").to_be_attached(
        timeout=ELEMENT_SECONDS * 1000)
    assert frame.locator(".leaflet-draw-toolbar").count() >= 1
    assert frame.locator("a.leaflet-draw-draw-polygon").get_attribute("title") == "Rita ett område"
    assert frame.locator("a.leaflet-draw-draw-polyline").count() == 0  # areas only
    assert frame.locator(".leaflet-control-scale").count() == 1
    expect(frame.locator(".legend svg, svg#legend, .legend").first, "the colour scale legend").to_be_attached(
        timeout=ELEMENT_SECONDS * 1000)
    # Font Awesome / Glyphicons fonts load from the server: their stylesheets applied.
    # A font loads when first used, so check() alone races the page (it failed on a busy machine): load it
    # (the promise settles when the file has come from Samsyn's server, or failed) and then check it.
    assert frame.evaluate("""async () => {
        await document.fonts.load('12px "Glyphicons Halflings"');
        return document.fonts.check('12px "Glyphicons Halflings"');
    }""") is True
    assert frame.locator("link[href*='/app/static/vendor/leaflet@1.9.3/leaflet.css']").count() == 1

    # Late requests (fonts, marker images) are made once the map's document has laid them out.
    wait_for_assets(frame, what="the test app's map")
    wait_for_assets(page, what="the test app's page")
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
        with urllib.request.urlopen(f"{offline_map_url}/app/static/vendor/{path}", timeout=60) as response:
            assert response.status == 200
            assert content_type in response.headers["Content-Type"], (path, response.headers["Content-Type"])


@pytest.mark.slow
def test_samsyn_serve_answers_and_serves_vendored_files(samsyn_url):
    with urllib.request.urlopen(f"{samsyn_url}/_stcore/health", timeout=60) as response:
        assert response.read().strip() == b"ok"
    # started from another folder: static serving still on (flag, not only .streamlit/config.toml)
    with urllib.request.urlopen(f"{samsyn_url}/app/static/vendor/leaflet@1.9.3/leaflet.js", timeout=60) as response:
        assert response.status == 200


@pytest.mark.slow
def test_dashboard_map_page_works_offline(page, samsyn_url, external_requests, screenshot):
    """The real dashboard (``samsyn serve``, Exempelstad sample): the map page draws with no internet."""
    # Open the start page and follow the menu: Streamlit shows an English "Page not found"
    # modal over a deep link opened first (streamlit/streamlit#8860, #9992).
    open_app(page, samsyn_url)
    go_to(page, "Karta")
    frame = map_drawn(page, what="the Karta map")
    assert frame.evaluate("() => typeof window.L === 'object' && L.version") == "1.9.3"
    wait_for_assets(frame, what="the Karta map")
    screenshot(page, "dashboard_map_offline")
    hint = ""
    if any("materialsymbols" in request for request in external_requests):
        hint = (" — st.set_page_config(page_icon=':material/…:') makes Streamlit fetch the favicon from "
                "fonts.gstatic.com; use an emoji or a local image file as page_icon (st.Page icons are fine)")
    assert external_requests == [], f"the dashboard tried to leave the machine: {external_requests}{hint}"
