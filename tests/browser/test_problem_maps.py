"""Problembild's map in a real browser at 1920×1080: opened on the places, each a filled outline with its title.

The server runs on its own empty data directory, so the map shows exactly the demo picture a first
start loads (the other browser tests pin more places into the session's shared server).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import geopandas as gpd
import pytest
import shapely

from tests.browser.conftest import free_port, running_server
from tests.browser.waits import expect_visible, go_to, map_drawn, open_app, settled
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE = REPO / "data" / "sample"
JOINT = "#D55E00"  # Okabe–Ito vermilion: the joint picture (dashboard.components.maps.PICTURE_COLOURS)


@pytest.fixture(scope="module")
def first_start_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``samsyn serve`` on an empty data directory: the sample and its demo picture, nothing pinned since."""
    home = tmp_path_factory.mktemp("samsyn-problem-maps")
    port = free_port()
    command = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--data", str(home / "userdata")]
    with running_server(command, port, home / "serve.log", env={"SAMSYN_CONFIG": ""}, cwd=home) as url:
        yield url


def _demo_places() -> list[tuple[str, shapely.Geometry]]:
    picture = json.loads((SAMPLE / "problembild.json").read_text(encoding="utf-8"))
    places = []
    for hotspot in picture["hotspots"]:
        geometry = hotspot.get("geometry") or hotspot.get("geometry_wkt")
        shape = shapely.from_wkt(geometry) if isinstance(geometry, str) else shapely.geometry.shape(geometry)
        places.append((hotspot["title"], shape))
    return places


def _joint_titles() -> list[str]:
    picture = json.loads((SAMPLE / "problembild.json").read_text(encoding="utf-8"))
    return [h["title"] for h in picture["hotspots"] if h.get("picture", "gemensam") == "gemensam"]


@pytest.mark.viewport(1920, 1080)
def test_problembild_opens_on_its_places_drawn_filled_with_their_titles(page, first_start_url, external_requests,
                                                                         screenshot):
    open_app(page, first_start_url, "?fran=2025-01-01&till=2025-12-31", what="Översikt on a first start")
    go_to(page, "Problembild")
    frame = map_drawn(page, what="the Problembild map with the demo's places")
    settled(page, what="Problembild with its map")
    screenshot(page, "problem_maps_first_start")

    # Opened on the places, not on the town: closer than the zoom that fits every district.
    west, south, east, north = gpd.read_file(SAMPLE / "districts.geojson").total_bounds
    town_zoom = frame.evaluate("(b) => window.map.getBoundsZoom([[b[1], b[0]], [b[3], b[2]]])",
                               [west, south, east, north])
    zoom = frame.evaluate("() => window.map.getZoom()")
    assert zoom >= town_zoom + 1, (zoom, town_zoom)
    # …and every joint place is inside the view.
    view = frame.evaluate("() => { const b = window.map.getBounds(); "
                          "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    titles = _joint_titles()
    for title, shape in _demo_places():
        if title in titles:
            w, s, e, n = shape.bounds
            assert view[0] <= w and view[1] <= s and e <= view[2] and n <= view[3], (title, view, shape.bounds)

    # Each place is a filled outline in the joint picture's colour, and carries its number and title.
    filled = frame.locator(f"path.leaflet-interactive[fill='{JOINT}']")
    assert filled.count() >= len(titles)
    assert float(filled.first.get_attribute("fill-opacity")) >= 0.3
    for title in titles:
        expect_visible(frame.locator(".samsyn-label").filter(has_text=title).first,
                       f"the label of {title!r} on the map")
    assert external_requests == [], external_requests


@pytest.mark.viewport(1920, 1080)
def test_the_upload_texts_are_swedish(page, first_start_url, external_requests, screenshot):
    open_app(page, first_start_url, what="Översikt on a first start")
    go_to(page, "Data")
    zone = expect_visible(page.locator("[data-testid='stFileUploaderDropzone']").first, "the file uploader")
    zone.scroll_into_view_if_needed()
    settled(page, what="the Data page")
    screenshot(page, "data_uploader_swedish")
    instructions = zone.locator("[data-testid='stFileUploaderDropzoneInstructions']")
    assert instructions.evaluate("e => getComputedStyle(e, '::after').content") == '"Högst 200 MB per fil"'
    assert not instructions.locator("span").first.is_visible()  # Streamlit's "200MB per file • CSV, …"
    label = zone.locator("button [data-testid='stMarkdownContainer']")
    assert label.evaluate("e => getComputedStyle(e, '::after').content") == '"Välj fil"'
    assert not label.locator("p").is_visible()  # Streamlit's "Upload"
    assert external_requests == [], external_requests


@pytest.mark.viewport(1920, 1080)
def test_problembild_in_english_words_its_map(page, first_start_url, external_requests, screenshot):
    open_app(page, first_start_url, "?lang=en&fran=2025-01-01&till=2025-12-31", what="Overview in English")
    go_to(page, "Problem picture")
    frame = map_drawn(page, what="the problem picture's map in English")
    settled(page, what="the problem picture in English")
    screenshot(page, "problem_maps_english")
    legend = frame.locator(".leaflet-bottom.leaflet-left").filter(has_text="The police's own").first
    expect_visible(legend, "the map's legend in English")
    for words in ("The police's own", "The kommun's own", "Joint"):
        expect_visible(legend.get_by_text(words, exact=True), f"{words!r} in the legend")
    assert "Problem picture" in legend.inner_text() and "Problembild" not in legend.inner_text()
    assert external_requests == [], external_requests
