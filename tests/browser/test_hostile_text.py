"""Hostile text in a real browser: no script from a name or a title runs, and nothing breaks the layout.

A data directory is prepared with a dataset whose name, district names, pinned titles, notes, causes
and measures are hostile strings; every payload would set ``top.__xss`` (the page) or ``__xss`` (the
map's iframe) if it ran. Hovering a district shows its tooltip; the Problembild page shows the places.
Screenshots: test-artifacts/screenshots/hostile_*.png.
"""

from __future__ import annotations

import sys

import geopandas as gpd
import pytest

from tests.browser.conftest import free_port, running_server
from tests.browser.test_dashboard import district_point
from tests.browser.waits import expect_visible, go_to, map_drawn, open_app, settled

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SET = "top.__xss=1;window.__xss=1"
IMG = f'<img src=x onerror="{SET}">'
SCRIPT = f"<script>{SET}</script>"
SVG = f'"><svg onload="{SET}">'
MD_LINK = f"[Klicka här](javascript:{SET})"
JS_URL = f"javascript:{SET}"
LONG = "Mycketlångtitel " * 625  # 10,000 characters
CONTROL = "Kontroll\x00\x07\x1b[31m\x7ftecken"
RTL = "\u202eretsöV\u202c väg\u200f"
HOSTILE_NAMES = [IMG, SCRIPT, SVG, MD_LINK, LONG, CONTROL, RTL]
HOSTILE_CATEGORY = f"Bedrägeri {IMG} {MD_LINK}"
# Outer districts of the sample (few hot spot cells over them), in the order of the sample file.
HOSTILE_DISTRICTS = ["A03", "A04", "A05", "B02", "B03", "B04", "B05"]


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    from data.sample import paths
    from geo.areas import write_areas
    from geo.dataset import read_incidents, write_incidents
    from store.datasets import create_dataset, save_role, set_default
    from store.model import Cause, Measure
    from store.problem_store import open_store

    home = tmp_path_factory.mktemp("samsyn-hostile")
    data_dir = home / "userdata"
    sample = paths()
    districts = gpd.read_file(sample.districts)
    districts.loc[districts["area_id"].isin(HOSTILE_DISTRICTS), "name"] = HOSTILE_NAMES
    dataset = create_dataset(data_dir, f"{SCRIPT} {MD_LINK} Polisens export", crs="EPSG:3006")
    # The most common category renamed: a hostile string on Översikt's metrics, in the charts and filters.
    incidents = read_incidents(sample.incidents)
    incidents["category"] = incidents["category"].astype(str).replace("Bedrägeri", HOSTILE_CATEGORY)
    dataset = save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(incidents, p))
    dataset = save_role(dataset, "districts", ".gpkg", lambda p: write_areas(districts, p))
    set_default(data_dir, dataset.id)

    from store.model import Hotspot

    store = open_store(data_dir / "problembild.db")
    shapes = districts.set_index("area_id").geometry
    titles = [IMG, LONG, MD_LINK]
    for number, (area_id, title) in enumerate(zip(["A01", "A02", "A03"], titles, strict=True), start=1):
        spot = store.add_hotspot(Hotspot(title, shapes[area_id].wkt, crs="EPSG:3006", source_kind="district",
                                         source_id=area_id, categories=["Klotter"], notes=SCRIPT + SVG,
                                         status="prioriterad", dataset_id=dataset.id), user=SVG)
        store.add_cause(Cause(spot.id, "situationell", "närliggande", f"{MD_LINK} {IMG} {CONTROL}",
                              shareable=True), user="Anna")
        if number == 1:
            store.add_measure(Measure(SCRIPT + " kameror", description=JS_URL, responsible=IMG,
                                      hotspot_ids=[spot.id], start="2025-03-01"), user="Anna")
    port = free_port()
    command = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--data", str(data_dir)]
    with running_server(command, port, home / "serve.log", env={"SAMSYN_CONFIG": ""}, cwd=home) as url:
        yield url


def _xss(page) -> list[str]:
    """Frames of the page in which a payload ran (``__xss`` set)."""
    return [frame.url for frame in page.frames if frame.evaluate("() => window.__xss !== undefined")]


def _no_javascript_links(page) -> None:
    for frame in page.frames:
        assert frame.locator("a[href^='javascript:' i]").count() == 0, f"a javascript: link in {frame.url}"


def _fits(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is wider than the window: {width}"


def test_hovering_a_hostile_district_runs_nothing(page, hostile_url, page_errors, screenshot):
    open_app(page, hostile_url)
    assert _xss(page) == []
    go_to(page, "Karta")
    frame = map_drawn(page, what="the Karta map with hostile district names")
    # Hover the inside of each district with a hostile name, as a person pointing at the map does.
    box = frame.locator(".leaflet-container").first.bounding_box()  # in the page's coordinates
    tooltips = []
    for area_id in HOSTILE_DISTRICTS:
        lat, lon = district_point(area_id)
        x, y = frame.evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
                              " return [p.x, p.y]; }", [lat, lon])
        page.mouse.move(box["x"] + x, box["y"] + y)
        tooltip = frame.locator(".leaflet-tooltip").last
        try:
            tooltip.wait_for(state="visible", timeout=3000)
        except Exception:  # a hot spot cell or a place above the district: its own tooltip or none
            continue
        tooltips.append(tooltip.inner_text())
        size = tooltip.bounding_box()
        # Neither wider than the map allows nor squeezed to a letter a line at the map's edge.
        assert size is not None and 120 <= size["width"] <= 420, f"a tooltip {size} wide: {tooltips[-1]!r}"
    shown = "\n".join(tooltips)
    # The names arrive as the characters themselves: shown, not run.
    assert any(text in shown for text in (IMG, SCRIPT, MD_LINK, "Mycketlångtitel Mycketlångtitel")), tooltips
    assert "\u202e" not in shown and "\x00" not in shown  # no override: a name cannot read backwards
    if "väg" in shown:
        assert "retsöV väg" in shown
    if "Mycketlångtitel" in shown:
        assert "…" in shown and len(max(tooltips, key=len)) < 400  # the 10,000 characters cut
    screenshot(page, "hostile_map_tooltip")
    assert _xss(page) == [], "a payload ran on the Karta page"
    _no_javascript_links(page)
    _fits(page)


def test_the_problem_picture_with_hostile_titles_runs_nothing_and_keeps_its_layout(page, hostile_url, screenshot):
    open_app(page, hostile_url)
    go_to(page, "Problembild")
    frame = map_drawn(page, what="the Problembild map with hostile titles")
    for index in range(frame.locator("path.leaflet-interactive").count()):
        try:
            frame.locator("path.leaflet-interactive").nth(index).hover(timeout=3000, force=True)
        except Exception:
            continue
    expect_visible(page.locator("[data-testid='stDataFrame']").first, "the table of pinned places")
    # The table (a canvas grid) holds the title as text: its accessible cell says the characters.
    cells = page.locator("td[role='gridcell']").filter(has_text="[Klicka här](javascript:")
    assert cells.count() >= 1, "the Markdown-link title is not in the table as text"
    settled(page, what="Problembild with hostile titles")
    screenshot(page, "hostile_problem_picture", full_page=True)
    assert _xss(page) == [], "a payload ran on the Problembild page"
    _no_javascript_links(page)
    _fits(page)
    # The 10,000-character title is cut, not laid out whole: no element of the page is taller than a screen.
    tallest = page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=stMarkdownContainer], "
                            "[data-testid=stCaptionContainer], [data-testid=stSelectbox]')].map(e => e.offsetHeight))")
    assert tallest < 1080, f"an element {tallest} px tall"


def test_the_followup_page_shows_a_hostile_measure_as_text(page, hostile_url, screenshot):
    open_app(page, hostile_url)
    go_to(page, "Uppföljning")
    # The measure's title and responsible are shown in Markdown: as the characters, with no HTML made.
    expect_visible(page.locator("[data-testid='stMarkdownContainer']").filter(has_text=SCRIPT + " kameror").first,
                   "the hostile measure title shown as text")
    assert page.locator("[data-testid='stMarkdownContainer']").filter(has_text=IMG).count() >= 1
    assert page.locator("[data-testid='stMain'] img[src='x']").count() == 0
    settled(page, what="Uppföljning with a hostile measure")
    screenshot(page, "hostile_followup", full_page=True)
    assert _xss(page) == [], "a payload ran on the Uppföljning page"
    _no_javascript_links(page)
    _fits(page)


# Trygghet on a dataset without a survey ends early (end_page) and must still write the run marker.
@pytest.mark.parametrize(("name", "path"), [("Översikt", ""), ("Tid", "tid"), ("Trygghet", "trygghet"),
                                            ("Data", "data")])
def test_pages_with_a_hostile_category_and_dataset_name_run_nothing(page, hostile_url, name, path, screenshot):
    open_app(page, hostile_url, path, what=name)
    expect_visible(page.locator("h1").filter(has_text=name).first, f"the heading of {name}")
    settled(page, what=name)
    screenshot(page, f"hostile_{name.lower().replace('ö', 'o')}", full_page=True)
    assert _xss(page) == [], f"a payload ran on {name}"
    assert page.locator("[data-testid='stMain'] img[src='x']").count() == 0
    _no_javascript_links(page)
    _fits(page)
