"""The steering group's view in a real browser at 1920×1080 in projector mode: paged with the arrow keys, printed.

The dashboard runs with a data directory of its own whose problem picture the test writes before the
server starts (two measures on the Exempelstad sample), so it depends on no other test and on no demo
picture.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator

import pytest

from tests.browser.conftest import free_port, running_server
from tests.browser.waits import click_map, expect_visible, map_drawn, next_run, open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST, SECOND = "Kameror och ordningsvakter på Stortorget", "Trygghetsvandringar i Norrbacka"


@pytest.fixture(scope="module")
def steering_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``samsyn serve`` on a data directory whose store holds two measures, one with its WDD follow-up."""
    from data.sample import paths
    from geo.dataset import read_areas
    from store.model import Followup, Goal, Hotspot, Measure
    from store.problem_store import open_store

    home = tmp_path_factory.mktemp("samsyn-steering")
    (home / "userdata").mkdir()
    intervention = json.loads(paths().truth.read_text(encoding="utf-8"))["intervention"]
    districts = read_areas(paths().districts).set_index("area_id")
    store = open_store(home / "userdata" / "problembild.db")
    target = store.add_hotspot(Hotspot(title="Stortorget", geometry_wkt=intervention["target_polygon_wkt"],
                                       categories=["Misshandel utomhus"], created_by="Anna"), user="Anna")
    cameras = store.add_measure(Measure(title=FIRST, description="Kameror och två ordningsvakter fredag och "
                                        "lördag kväll.", start=intervention["date"], status="pågår",
                                        hotspot_ids=[target.id]), user="Anna")
    store.add_goal(Goal(kind="effektmål", description="20 % färre misshandelsfall utomhus", hotspot_id=target.id,
                        measure_id=cameras.id, categories=["Misshandel utomhus"], target_change=-0.2), user="Anna")
    control = intervention["control_district_id"]
    store.add_followup(Followup(cameras.id, districts.geometry[control].wkt, hotspot_id=target.id,
                                displacement_m=None, before_start=intervention["before"][0],
                                before_end=intervention["before"][1], after_start=intervention["after"][0],
                                after_end=intervention["after"][1], control_name=districts.loc[control, "name"]),
                       user="Anna")
    norrbacka = store.add_hotspot(Hotspot(title="Norrbacka", geometry_wkt=districts.geometry["B02"].wkt,
                                          categories=["Skadegörelse"], created_by="Anna"), user="Anna")
    walks = store.add_measure(Measure(title=SECOND, start="2025-03-01", status="pågår",
                                      hotspot_ids=[norrbacka.id]), user="Anna")
    store.add_goal(Goal(kind="produktionsmål", description="Trygghetsvandringar", measure_id=walks.id, planned=4,
                        done=3, unit="vandringar"), user="Anna")
    port = free_port()
    command = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--data", str(home / "userdata")]
    with running_server(command, port, home / "serve.log", env={"SAMSYN_CONFIG": ""}, cwd=home) as url:
        yield url


def _chosen(combobox) -> str:
    """What a Streamlit selectbox shows as chosen (its input's value, or its text)."""
    try:
        return combobox.input_value(timeout=5000).strip()
    except Exception:  # not an input in this Streamlit version: the shown text
        return combobox.inner_text(timeout=5000).strip()


def _title(page, text: str):
    return page.locator(".samsyn-measure-title").filter(has_text=text)


@pytest.mark.viewport(1920, 1080)
def test_page_through_the_steering_view_with_the_keyboard(page, steering_url, external_requests, screenshot):
    open_app(page, steering_url, "styrgrupp?projektor=1", what="Styrgrupp in projector mode")
    expect_visible(_title(page, FIRST), "the first measure's title")
    expect_visible(page.locator(".samsyn-light-word").filter(has_text="Grönt – målet nås"), "the drawn green light")
    expect_visible(page.get_by_text("I målområdet minskade misshandel utomhus från 530 till 397 händelser"),
                   "the target area's sentence")
    # Big type for a room: the measure's title and the light's word as a police chief reads them on a projector.
    sizes = page.evaluate("""() => ({
        title: parseFloat(getComputedStyle(document.querySelector('.samsyn-measure-title')).fontSize),
        light: parseFloat(getComputedStyle(document.querySelector('.samsyn-light-word')).fontSize),
        sentence: parseFloat(getComputedStyle(document.querySelector('.samsyn-big')).fontSize)})""")
    assert sizes["title"] >= 40 and sizes["light"] >= 28 and sizes["sentence"] >= 28, sizes
    screenshot(page, "steering_first_measure")

    _title(page, FIRST).click()  # focus on the page, not in a field
    with next_run(page, "the second measure after ArrowRight"):
        page.keyboard.press("ArrowRight")
    expect_visible(_title(page, SECOND), "the second measure's title after ArrowRight")
    expect_visible(page.get_by_text("Trygghetsvandringar: 3 av 4 vandringar"), "the production goal's progress")
    screenshot(page, "steering_second_measure")

    with next_run(page, "the first measure again after ArrowLeft"):
        page.keyboard.press("ArrowLeft")
    expect_visible(_title(page, FIRST), "the first measure's title after ArrowLeft")

    # "Skriv ut": every measure, each from a new printed page, without the sidebar and the buttons. The browser's
    # print dialog is replaced by a no-op here; the printing itself is Chromium's PDF of the same print media.
    page.evaluate("() => { window.print = () => { window.__samsynPrinted = true; }; }")
    with next_run(page, "every measure for printing"):
        page.locator(".st-key-steering_print_button button").click()
    expect_visible(_title(page, SECOND), "the second measure on the print view")
    expect_visible(_title(page, FIRST), "the first measure on the print view")
    page.emulate_media(media="print")
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator(".st-key-steering_back").is_visible()
    breaks = page.evaluate("""() => [...document.querySelectorAll('.samsyn-measure')].map(marker =>
        getComputedStyle(marker.closest('[data-testid="stElementContainer"]')).breakBefore)""")
    assert breaks == ["auto", "page"], breaks
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 2, pages
    screenshot(page, "steering_print_media")
    page.emulate_media(media="screen")
    assert external_requests == [], external_requests


@pytest.mark.viewport(1920, 1080)
def test_followup_opens_on_the_saved_area_and_the_first_click_chooses(page, steering_url, external_requests,
                                                                    screenshot):
    import geopandas as gpd
    import shapely

    from data.sample import paths

    intervention = json.loads(paths().truth.read_text(encoding="utf-8"))["intervention"]
    districts = gpd.read_file(paths().districts).to_crs(4326).set_index("area_id")
    saved = districts.loc[intervention["control_district_id"], "name"]
    open_app(page, steering_url, "uppfoljning", what="Uppföljning")
    frame = map_drawn(page, what="the comparison map")
    box = expect_visible(page.get_by_role("combobox", name="Jämförelseområde", exact=True),
                         "the list of comparison areas")
    assert _chosen(box) == saved
    # Zoomed to the target and the saved area, not the world: both in view, and the view a few kilometres across.
    west, south, east, north = frame.evaluate(
        "() => { const b = window.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    view = shapely.box(west, south, east, north)
    assert (north - south) < 0.1 and view.contains(districts.geometry[intervention["control_district_id"]])
    # The saved area is drawn: the chosen-area layer's thick dashed outline.
    drawn = expect_visible(frame.locator("path[stroke-dasharray='12 6']").first, "the saved comparison area drawn")
    saved_outline = drawn.get_attribute("d")
    screenshot(page, "followup_saved_area")

    target = gpd.GeoSeries([shapely.from_wkt(intervention["target_polygon_wkt"])], crs="EPSG:3006").to_crs(4326)[0]
    assert view.contains(target)
    # The first click on another district (inside the view, outside the target) chooses it.
    other_id, point = next((area_id, geometry.representative_point()) for area_id, geometry in
                           districts.geometry.items()
                           if area_id != intervention["control_district_id"]
                           and view.contains(geometry.representative_point())
                           and not target.buffer(0.002).contains(geometry.representative_point()))
    other = districts.loc[other_id, "name"]
    scrolled = """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
        .map(e => e.scrollTop), window.scrollY)"""
    with next_run(page, f"{other} chosen by a click on the map"):
        click_map(page, point.y, point.x, what=other)
        before = page.evaluate(scrolled)  # after Playwright scrolled the map into view for the click
    expect_visible(page.get_by_text(f"Jämförelseområdet ändras från {saved} till {other} – spara för att ändra."),
                   "the notice that the comparison area changes")
    assert _chosen(box) == other  # one click was enough
    assert abs(page.evaluate(scrolled) - before) < 5  # and the page did not jump
    # … and drawn instead of the saved one.
    expect_visible(frame.locator(f"path[stroke-dasharray='12 6']:not([d='{saved_outline}'])").first,
                   f"{other} drawn as the chosen comparison area")
    assert frame.locator(f"path[stroke-dasharray='12 6'][d='{saved_outline}']").count() == 0
    screenshot(page, "followup_area_changed")
    assert external_requests == [], external_requests
