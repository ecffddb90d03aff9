"""A kommunanalytiker signed in through the real provider sees the police's sample below its owner's level.

The sample is owned by the police and shared at ``styrgrupp``; Kerstin (kommunanalytiker, organisation
kommunen) signs in through tests/idp's own form. On Karta and Tid the page says which level it is at,
and the small counts read ".." where a person sees them: a district's tooltip and the heatmap's cells.

Hand-worked from data/sample (see tests/dashboard/test_disclosure_pages.py): school burglaries in 2025
number 2 in Östra Strand (B01); Sörby's (B03) four have at most 1.0 in any weekday × hour cell.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.test_dashboard import district_point
from tests.browser.waits import ELEMENT_SECONDS, expect_visible, map_drawn, open_app, wait_for_run
from tests.identity import fill_provider_form, signed_in_samsyn

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KERSTIN = {"sub": "kerstin", "name": "Kerstin Holm", "email": "kerstin.holm@kommun.example.se",
           "samsyn_roles": ["kommunanalytiker"], "samsyn_org": "kommunen"}
BADGE = "Visningsnivå: styrgrupp/offentlig – antal 1–2 visas som ”..”"
SCHOOL = "kat=Inbrott+i+skola"


@pytest.fixture(scope="module")
def kerstins_samsyn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Samsyn with sign-in against the test provider, whose one account is Kerstin; yields the base URL."""
    home = tmp_path_factory.mktemp("samsyn-disclosure")
    with signed_in_samsyn(home, {"kerstin": KERSTIN}) as url:
        yield url


def _sign_in(page, base_url: str) -> None:
    open_app(page, base_url, what="the sign-in page")
    page.get_by_role("button", name="Logga in").click()
    fill_provider_form(page, base_url, "kerstin")
    wait_for_run(page, after=0, what="the dashboard after sign-in")
    expect_visible(page.get_by_text("Inloggad som Kerstin Holm"), "Kerstin's name in the sidebar")


def test_kerstin_sees_the_level_and_dots_on_karta_and_tid(page, kerstins_samsyn, screenshot):
    _sign_in(page, kerstins_samsyn)

    # Karta: the badge, no points, and Östra Strand's 2 school burglaries read ".." in its tooltip.
    open_app(page, kerstins_samsyn, f"karta?{SCHOOL}", what="Karta for school burglaries")
    expect_visible(page.get_by_text(BADGE), "the view level under Karta's title")
    expect_visible(page.get_by_text("Enskilda händelser visas inte på den här visningsnivån."), "the no-points note")
    frame = map_drawn(page, what="the Karta map for Kerstin")
    box = frame.locator(".leaflet-container").first.bounding_box()
    lat, lon = district_point("B01")
    x, y = frame.evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
                          " return [p.x, p.y]; }", [lat, lon])
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = frame.locator(".leaflet-tooltip").last
    tooltip.wait_for(state="visible", timeout=ELEMENT_SECONDS * 1000)
    assert "Östra Strand" in tooltip.inner_text() and ".." in tooltip.inner_text(), tooltip.inner_text()
    screenshot(page, "disclosure-karta")

    # Tid for Sörby: the badge, and the weekday × hour cells written ".." (every cell is below 3).
    open_app(page, kerstins_samsyn, f"tid?{SCHOOL}&omr=B03", what="Tid for Sörby's school burglaries")
    expect_visible(page.get_by_text(BADGE), "the view level under Tid's title")
    heatmap = page.locator(".js-plotly-plot").first
    expect_visible(heatmap, "the weekday × hour heatmap")
    cells = heatmap.locator("g.text-annotation, text").filter(has_text="..")
    assert cells.count() >= 2, f"{cells.count()} cells written '..'"
    screenshot(page, "disclosure-tid")
