"""Pinning a hot-spot cluster on Karta in projector mode, in headless Chromium: click, pin, see, undo.

Screenshots at 1920×1080 go to test-artifacts/screenshots/ (map_cluster_*.png).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pyproj import Transformer

from tests.browser.waits import (
    ELEMENT_SECONDS,
    expect_visible,
    map_drawn,
    next_run,
    open_app,
    settled,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The centre of a hot cell in the sample town's centre in 2025, 120 m from every named place (so the
# click reaches the cell, not a place drawn above it).
CELL_CENTRE = (590_150.0, 6_544_650.0)
PINNED = "path[stroke-dasharray='10 6']"  # the pinned layer's outlines (dashboard.components.maps.pinned_layer)
PINNED_LABELS = """() => Object.values(window.map._layers)
    .filter(l => l.feature && l.feature.properties && l.feature.properties.samsyn_kind === 'pinned')
    .map(l => l.feature.properties.label)"""


def _click_at(page, frame, lat: float, lon: float) -> None:
    """Click a WGS84 position of the map where it is on the screen, without scrolling first.

    At 1920×1080 the projector's map reaches below the screen; Playwright's own click scrolls the map
    into view and the page is still moving when the button comes up, which Leaflet takes for a drag.
    """
    x, y = frame.evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
                          " return [p.x, p.y]; }", [lat, lon])
    box = frame.locator(".leaflet-container").first.bounding_box()
    assert box is not None and 0 <= box["y"] + y <= page.viewport_size["height"], (box, x, y)
    page.mouse.click(box["x"] + x, box["y"] + y)


@pytest.mark.viewport(1920, 1080)
def test_pin_a_cluster_see_it_and_undo_it_in_projector_mode(page, samsyn_url, screenshot):
    open_app(page, samsyn_url, "karta?projektor=1&fran=2025-01-01&till=2025-12-31", what="Karta in projector mode")
    frame = map_drawn(page, what="the Karta map")
    before = frame.locator(PINNED).count()  # a fresh store may hold the sample's own places
    lon, lat = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True).transform(*CELL_CENTRE)
    # Zoomed in as the moderator would (no animation, so nothing moves under the mouse): a cell is 40 px.
    frame.evaluate("([lat, lon]) => window.map.setView([lat, lon], 15, {animate: false})", [lat, lon])
    with next_run(page, "the cluster offered beside the map", text="Fäst hela klustret"):
        _click_at(page, frame, lat, lon)
    option = expect_visible(page.get_by_text(re.compile(r"^Fäst hela klustret \(\d+ rutor, [\d\u00a0 ]+ händelser\)$")),
                            "the offer to pin the whole cluster")
    assert page.get_by_text("Fäst bara rutan").count() == 1
    # The clicked cluster is outlined in the map's strong blue.
    expect_visible(frame.locator("path[stroke='#0072B2']").first, "the outline of the clicked cluster")
    title_box = page.get_by_label("Rubrik")
    title = title_box.input_value()
    assert title and "Ruta" not in title and "100m_" not in title, title
    settled(page, what="Karta with the cluster offered")
    screenshot(page, "map_cluster_clicked")
    cells = int(re.search(r"\((\d+) rutor", option.inner_text()).group(1))
    assert cells > 1

    with next_run(page, "the confirmation of the pin", text="Fäst i problembilden som"):
        page.get_by_role("button", name="Fäst", exact=True).click()
    expect(frame.locator(PINNED), f"Waited {ELEMENT_SECONDS:.0f} s for the new place in the pinned layer").to_have_count(
        before + 1, timeout=ELEMENT_SECONDS * 1000)
    labels = frame.evaluate(PINNED_LABELS)
    assert any(label.endswith(" " + title) for label in labels), labels
    expect_visible(page.get_by_text(f"Redan fäst som ‘{title}’", exact=False).first,
                   "the clicked cell said to be pinned already")
    undo = expect_visible(page.get_by_role("button", name="Ångra fästningen"), "the undo button beside the form")
    settled(page, what="Karta with the cluster pinned")
    screenshot(page, "map_cluster_pinned_form")  # the confirmation and the undo button where "Fäst" was
    page.locator("h1").first.scroll_into_view_if_needed()
    expect_visible(frame.locator(PINNED).last, "the pinned layer after scrolling back to the map")
    settled(page, what="the map scrolled back into view")
    screenshot(page, "map_cluster_pinned")  # the map with the new place in the pinned layer

    with next_run(page, "the confirmation of the undo", text="Fästningen är ångrad"):
        undo.click()
    expect(frame.locator(PINNED), f"Waited {ELEMENT_SECONDS:.0f} s for the undone place to leave the map").to_have_count(
        before, timeout=ELEMENT_SECONDS * 1000)
    assert not any(label.endswith(" " + title) for label in frame.evaluate(PINNED_LABELS))
    assert page.get_by_role("button", name="Ångra fästningen").count() == 0
    settled(page, what="Karta after the undo")
    screenshot(page, "map_cluster_undone_form")
    page.locator("h1").first.scroll_into_view_if_needed()
    settled(page, what="the map scrolled back into view")
    screenshot(page, "map_cluster_undone")
