"""Pin, edit and merge places in a real browser, in projector mode at 1920×1080, with no internet."""

from __future__ import annotations

import geopandas as gpd
import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard import _map_frame, _open, _settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _click_district(page, area_id: str) -> None:
    from data.sample import paths

    districts = gpd.read_file(paths().districts).to_crs(4326)
    point = districts.set_index("area_id").loc[area_id].geometry.representative_point()
    frame = next(f for f in page.frames if f != page.main_frame and "folium" in f.url)
    frame.wait_for_function("() => window.map && window.map.getZoom() > 0", timeout=60_000)
    xy = frame.evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
                        " return [p.x, p.y]; }", [point.y, point.x])
    iframe = page.locator("iframe[title*='streamlit_folium']").first
    iframe.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = iframe.bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])


def _pin(page, area_id: str, name: str) -> None:
    _click_district(page, area_id)
    page.wait_for_selector(f"h3:has-text('{name}')", timeout=60_000)
    _settle(page)
    page.get_by_label("Ditt namn").fill("Anna Andersson")
    page.get_by_role("button", name="Fäst").click()
    page.wait_for_selector("text=Fäst i problembilden som", timeout=60_000)
    _settle(page)


@pytest.mark.viewport(1920, 1080)
def test_pin_edit_and_merge_in_projector_mode(page, samsyn_url, external_requests, screenshot):
    _open(page, samsyn_url, query="?projektor=1&fran=2025-01-01&till=2025-12-31")
    page.get_by_role("link", name="Karta").first.click()
    page.wait_for_selector("h1:has-text('Karta')")
    _map_frame(page)
    _settle(page)
    _pin(page, "B02", "Norrbacka")
    screenshot(page, "projector_pinned")
    _pin(page, "B03", "Sörby")

    page.get_by_role("link", name="Problembild").first.click()
    page.wait_for_selector("h1:has-text('Problembild')")
    _settle(page)
    _map_frame(page)
    page.get_by_label("Ditt namn (för ändringsloggen)").fill("Bertil Berg")
    page.keyboard.press("Tab")
    _settle(page)
    page.get_by_label("Anteckningar").first.fill("Ny belysning vid gångtunneln")
    page.get_by_role("button", name="Spara ändringar").click()
    page.wait_for_selector("text=Ändringarna är sparade", timeout=60_000)
    _settle(page)

    expander = page.locator("[data-testid='stExpander']").filter(has_text="Slå ihop platser")
    expander.locator("summary").click()
    merge = expander.locator("[data-testid='stMultiSelect']")
    merge.wait_for()
    for label in ("Norrbacka", "Sörby"):
        box = merge.locator("input").first
        box.click()
        box.press_sequentially(label, delay=30)  # type to filter the options, then take the match
        page.wait_for_timeout(300)
        box.press("Enter")
        expect(merge).to_contain_text(label, timeout=15_000)
    page.keyboard.press("Escape")
    expander.get_by_label("Rubrik för den sammanslagna platsen").fill("Norra bostadsområdena")
    expander.get_by_role("button", name="Slå ihop", exact=True).click()
    try:
        page.wait_for_selector("text=Platserna är sammanslagna", timeout=60_000)
    finally:
        screenshot(page, "problem_picture_merge_attempt", full_page=True)
    _settle(page)
    screenshot(page, "problem_picture_merged", full_page=True)
    assert external_requests == [], external_requests
