"""The real dashboard in headless Chromium with no internet: every page, map clicks, URL filters,
projector mode and an upload. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from analysis.filters import filter_incidents
from geo.dataset import read_incidents
from tests.browser.waits import (
    click_map,
    expect_visible,
    go_to,
    map_drawn,
    next_run,
    open_app,
    wait_for_assets,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {"Översikt": "Översikt", "Karta": "Karta", "Tid": "Tid", "Trygghet": "Trygghet", "Data": "Data"}


def district_point(area_id: str) -> tuple[float, float]:
    """A point inside a sample district, as (lat, lon) in WGS84."""
    import geopandas as gpd

    from data.sample import paths

    districts = gpd.read_file(paths().districts).to_crs(4326)
    point = districts.set_index("area_id").loc[area_id].geometry.representative_point()
    return point.y, point.x


def _sample():
    from data.sample import paths

    return read_incidents(paths().incidents)


def test_a_shared_link_opens_its_page_on_a_fresh_server(page, samsyn_url):
    """The first visit after the server starts, straight to a page address (a bookmark or shared link)."""
    open_app(page, samsyn_url, "tid?fran=2025-01-01&till=2025-06-30&kat=Klotter", what="a shared link to Tid")
    expect_visible(page.locator("h1").filter(has_text="Tid").first, "the heading of Tid opened by its address")
    assert page.get_by_text("Page not found").count() == 0
    assert "kat=Klotter" in page.url


def test_every_page_opens_offline(page, samsyn_url, external_requests, screenshot):
    for name, heading in PAGES.items():
        open_app(page, samsyn_url)
        if name != "Översikt":
            go_to(page, name)
        assert page.locator("h1").first.inner_text().strip() == heading
        assert page.locator("[data-testid='stException']").count() == 0, f"{name} shows an exception"
        if name == "Karta":
            wait_for_assets(map_drawn(page, what="the Karta map"), what="the Karta map")
        screenshot(page, f"page_{name.lower().replace('ö', 'o')}", full_page=True)
    assert external_requests == [], external_requests


def test_clicking_a_district_shows_its_heatmap(page, samsyn_url, screenshot):
    open_app(page, samsyn_url)
    go_to(page, "Karta")
    map_drawn(page, what="the Karta map")
    # Click the middle of Norrbacka (B02), away from the centre's hot spot cells and places.
    with next_run(page, "Norrbacka's numbers after a click on it in the map"):
        click_map(page, *district_point("B02"), what="Norrbacka (B02)")
    expect_visible(page.locator("h3").filter(has_text="Norrbacka").first, "Norrbacka's heading beside the map")
    detail = page.locator("[data-testid='stPlotlyChart']")
    expect_visible(detail.nth(1), "Norrbacka's heatmap and trend (two charts)")
    screenshot(page, "map_district_clicked")


def test_filter_from_the_url_changes_the_headline(page, samsyn_url):
    open_app(page, samsyn_url, "?fran=2025-01-01&till=2025-12-31&kat=Klotter", what="Översikt filtered by its address")
    expected = len(filter_incidents(_sample(), categories=["Klotter"], start="2025-01-01", end="2025-12-31"))
    value = page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert int(re.sub(r"\D", "", value)) == expected
    assert "kat=Klotter" in page.url


@pytest.mark.viewport(1920, 1080)
def test_projector_mode_at_1920x1080(page, samsyn_url, screenshot):
    open_app(page, samsyn_url, "?projektor=1&fran=2025-01-01&till=2025-12-31", what="Översikt in projector mode")
    # The sidebar starts collapsed: the page uses the whole width of the screen.
    sidebar_right = page.locator("[data-testid='stSidebar']").evaluate("e => e.getBoundingClientRect().right")
    assert sidebar_right <= 10, f"sidebar open in projector mode (right edge at {sidebar_right}px)"
    size = page.locator("[data-testid='stMetricValue']").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 44, f"headline figures too small for a projector: {size}px"
    screenshot(page, "projector_overview")
    go_to(page, "Tid")
    # Plotly draws its axes after the run, in the browser.
    tick = expect_visible(page.locator(".js-plotly-plot .xtick text").first, "the x-axis labels of Tid's first chart")
    size = tick.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 18, f"axis labels too small for a projector: {size}px"
    screenshot(page, "projector_time")


def test_upload_through_the_data_page(page, samsyn_url, tmp_path, screenshot):
    upload = tmp_path / "polisens_export.csv"
    upload.write_text(
        "Ärendenummer;Brottstyp;Datum;Klockslag;Latitud;Longitud;Fritext\n"
        "5000-K1-25;Misshandel;2025-03-01;22:10;59,3101;17,6402;Bråk utanför krogen\n"
        "5000-K2-25;Klotter;2025-03-02;03:05;59,3105;17,6410;Tags på vägg\n"
        "5000-K3-25;Cykelstöld;2025-03-03;14:45;59,3110;17,6420;Låst cykel\n",
        encoding="utf-8",
    )
    open_app(page, samsyn_url)
    go_to(page, "Data")
    with next_run(page, "the columns of the uploaded file", text="Kolumner i filen"):
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(upload))
    page.get_by_label("Namn på nytt dataset").fill("Polisens export mars")  # in a form: no run
    with next_run(page, "the check of the uploaded file", text="Filen går att läsa in"):
        page.get_by_role("button", name="Kontrollera").click()
    report = page.locator("[data-testid='stCode']").first.inner_text()
    assert "Fritext" in report and "tas bort" in report
    with next_run(page, "the confirmation that the upload is saved", text="Sparat i datasetet"):
        page.get_by_role("button", name="Spara", exact=True).click()
    screenshot(page, "data_upload_saved", full_page=True)
    # Stored in the data directory, not only in the session: a new session lists it.
    open_app(page, samsyn_url)
    go_to(page, "Data")
    datasets = page.locator("[data-testid='stTable']")
    expect_visible(datasets.filter(has_text="Polisens export mars"), "the new dataset in the list of datasets")
