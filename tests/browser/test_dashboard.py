"""The real dashboard in headless Chromium with no internet: every page, map clicks, URL filters,
projector mode and an upload. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from analysis.filters import filter_incidents
from geo.dataset import read_incidents

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {"Översikt": "Översikt", "Karta": "Karta", "Tid": "Tid", "Trygghet": "Trygghet", "Data": "Data"}


def _settle(page, timeout: float = 90_000) -> None:
    """Wait until Streamlit has finished running the script (no run indicator for 1.5 s in a row)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        """() => {
            const running = document.querySelector('[data-testid="stStatusWidget"]')
                || document.querySelectorAll('[data-testid="stSkeleton"]').length > 0;
            const now = Date.now();
            if (running) { window.__samsynIdleSince = null; return false; }
            window.__samsynIdleSince = window.__samsynIdleSince || now;
            return now - window.__samsynIdleSince > 1500;
        }""",
        timeout=timeout,
        polling=250,
    )


def _open(page, base_url: str, name: str | None = None, query: str = "") -> None:
    page.goto(f"{base_url}/{query}", wait_until="domcontentloaded")
    _settle(page)
    if name and name != "Översikt":
        page.get_by_role("link", name=name).first.click()
        page.wait_for_selector(f"h1:has-text('{name}')", timeout=60_000)
        _settle(page)


def _map_frame(page):
    page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=90_000)
    frame = page.frame_locator("iframe[title*='streamlit_folium']").first
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    return frame


def _sample():
    from data.sample import paths

    return read_incidents(paths().incidents)


def test_a_shared_link_opens_its_page_on_a_fresh_server(page, samsyn_url):
    """The first visit after the server starts, straight to a page address (a bookmark or shared link)."""
    page.goto(f"{samsyn_url}/tid?fran=2025-01-01&till=2025-06-30&kat=Klotter", wait_until="domcontentloaded")
    page.wait_for_selector("h1:has-text('Tid')", timeout=90_000)
    _settle(page)
    assert page.get_by_text("Page not found").count() == 0
    assert "kat=Klotter" in page.url


def test_every_page_opens_offline(page, samsyn_url, external_requests, screenshot):
    for name, heading in PAGES.items():
        _open(page, samsyn_url, name)
        assert page.locator("h1").first.inner_text().strip() == heading
        assert page.locator("[data-testid='stException']").count() == 0, f"{name} shows an exception"
        if name == "Karta":
            frame = _map_frame(page)
            frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
        screenshot(page, f"page_{name.lower().replace('ö', 'o')}", full_page=True)
    assert external_requests == [], external_requests


def test_clicking_a_district_shows_its_heatmap(page, samsyn_url, screenshot):
    _open(page, samsyn_url, "Karta")
    _map_frame(page)
    map_frame = next(f for f in page.frames if "streamlit_folium" in (f.name or "") or f.url.find("folium") >= 0
                     and f != page.main_frame)
    map_frame.wait_for_function("() => window.map && window.map.getZoom() > 0", timeout=60_000)
    # Click the middle of Norrbacka (B02), away from the centre's hot spot cells and places.
    import geopandas as gpd

    from data.sample import paths

    districts = gpd.read_file(paths().districts).to_crs(4326)
    point = districts.set_index("area_id").loc["B02"].geometry.representative_point()
    xy = map_frame.evaluate(
        "([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [point.y, point.x],
    )
    box = page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    page.wait_for_selector("h3:has-text('Norrbacka')", timeout=60_000)
    _settle(page)
    detail = page.locator("[data-testid='stPlotlyChart']")
    assert detail.count() >= 2, "the district's heatmap and trend are missing"
    screenshot(page, "map_district_clicked")


def test_filter_from_the_url_changes_the_headline(page, samsyn_url):
    _open(page, samsyn_url, query="?fran=2025-01-01&till=2025-12-31&kat=Klotter")
    expected = len(filter_incidents(_sample(), categories=["Klotter"], start="2025-01-01", end="2025-12-31"))
    value = page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert int(re.sub(r"\D", "", value)) == expected
    assert "kat=Klotter" in page.url


@pytest.mark.viewport(1920, 1080)
def test_projector_mode_at_1920x1080(page, samsyn_url, screenshot):
    _open(page, samsyn_url, query="?projektor=1&fran=2025-01-01&till=2025-12-31")
    # The sidebar starts collapsed: the page uses the whole width of the screen.
    sidebar_right = page.locator("[data-testid='stSidebar']").evaluate("e => e.getBoundingClientRect().right")
    assert sidebar_right <= 10, f"sidebar open in projector mode (right edge at {sidebar_right}px)"
    size = page.locator("[data-testid='stMetricValue']").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 44, f"headline figures too small for a projector: {size}px"
    screenshot(page, "projector_overview")
    page.get_by_role("link", name="Tid").first.click()
    page.wait_for_selector("h1:has-text('Tid')")
    _settle(page)
    tick = page.locator(".js-plotly-plot .xtick text").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert tick >= 18, f"axis labels too small for a projector: {tick}px"
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
    _open(page, samsyn_url, "Data")
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(upload))
    page.wait_for_selector("text=De första raderna i filen", timeout=60_000)
    _settle(page)
    page.get_by_label("Namn på nytt dataset").fill("Polisens export mars")
    page.get_by_role("button", name="Kontrollera").click()
    page.wait_for_selector("text=Filen går att läsa in", timeout=60_000)
    report = page.locator("[data-testid='stCode']").first.inner_text()
    assert "Fritext" in report and "tas bort" in report
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector("text=Sparat i datasetet", timeout=60_000)
    screenshot(page, "data_upload_saved", full_page=True)
    # Stored in the data directory, not only in the session: a new session lists it.
    _open(page, samsyn_url, "Data")
    assert page.get_by_text("Polisens export mars").count() >= 1
