"""Roles and sharing in Chromium, signed in through the real OpenID Connect provider with two accounts.

A kommunanalytiker sees the sample (owned by the police, shared "styrgrupp") below the owner's level
and a police dataset shared "egen" not at all — not even its name through an address. The
administrator gives her the police analyst role and organisation in the role table on the
Administration page; at her next run the police dataset opens for her at the owner's level.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from data.sample import paths
from geo.dataset import read_incidents, write_incidents
from store.datasets import create_dataset, save_role
from tests.browser.conftest import _is_local
from tests.browser.waits import (
    ELEMENT_SECONDS,
    choose_options,
    expect_visible,
    next_run,
    open_app,
    wait_for_run,
)
from tests.identity import fill_provider_form, signed_in_samsyn

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECRET = "Polisens spaning Norra torget"
SAMPLE = "Exempelstad (fiktiv ort, exempeldata)"
ACCOUNTS = {
    "karin": {"sub": "karin-1", "name": "Karin Kommun", "email": "karin@kommun.example.se",
              "samsyn_roles": ["kommunanalytiker"], "samsyn_org": "kommunen"},
    "eva": {"sub": "eva-1", "name": "Eva Admin", "email": "eva@kommun.example.se",
            "samsyn_roles": ["administratör"], "samsyn_org": "kommunen"},
}


@pytest.fixture(scope="module")
def samsyn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Samsyn with sign-in against the provider and a police dataset shared 'egen'; yields (URL, dataset id)."""
    home = tmp_path_factory.mktemp("samsyn-roles")
    dataset = create_dataset(home / "userdata", SECRET, owner="polisen", sharing="egen")
    incidents = read_incidents(paths().incidents).head(300)
    save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(incidents, p))
    with signed_in_samsyn(home, ACCOUNTS) as url:
        yield url, dataset.id


def _sign_in(page, base_url: str, login: str, path: str = "") -> None:
    """Sign in as ``login`` through the provider's own form and consent step."""
    open_app(page, base_url, path, what="the sign-in page")
    page.get_by_role("button", name="Logga in").click()
    fill_provider_form(page, base_url, login)
    wait_for_run(page, after=0, what=f"the dashboard after {login} signed in")


@pytest.fixture()
def second_page(browser, external_requests):
    """A second person's browser (its own cookies), with requests off this machine aborted too."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="sv-SE",
                                  timezone_id="Europe/Stockholm")

    def guard(route) -> None:
        if _is_local(route.request.url):
            route.continue_()
        else:
            external_requests.append(f"{route.request.method} {route.request.url}")
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(ELEMENT_SECONDS * 1000)
    try:
        yield page
    finally:
        context.close()


def test_the_kommun_sees_the_sample_controlled_and_the_police_dataset_after_the_admin_changes_her_role(
        page, second_page, samsyn, external_requests, screenshot):
    base_url, police_id = samsyn
    main = page.locator("[data-testid='stMain']")
    sidebar = page.locator("[data-testid='stSidebar']")

    # Karin (kommunanalytiker) asks for the police's own dataset by its address: not shared with her.
    _sign_in(page, base_url, "karin")
    expect_visible(sidebar.get_by_text("Inloggad som Karin Kommun"), "Karin's name in the sidebar")
    # The provider sends the browser back to the start page; the shared link is opened after sign-in.
    open_app(page, base_url, f"?dataset={police_id}", what="a link to the police dataset")
    expect_visible(page.get_by_text(f"Datasetet finns inte eller delas inte med dig; visar {SAMPLE}."),
                   "the notice that the dataset is not shared")
    expect_visible(sidebar.get_by_text(f"Aktivt dataset: {SAMPLE}"), "the sample as the active dataset")
    # The sample is the police's, shared to the steering group: Karin sees it below the owner's level.
    expect_visible(main.get_by_text("Visningsnivå: styrgrupp/offentlig").first, "the view level of the sample")
    assert SECRET not in page.content()
    assert page.get_by_role("link", name="Administration").count() == 0
    screenshot(page, "roles-kommun-before")

    # Eva (administratör) gives Karin the police analyst role in the role table.
    _sign_in(second_page, base_url, "eva")
    with next_run(second_page, "the Administration page"):
        second_page.get_by_role("link", name="Administration").first.click()
    admin = second_page.locator("[data-testid='stMain']")
    expect_visible(admin.locator("h1").filter(has_text="Administration"), "the Administration heading")
    admin.get_by_label("Identitet (e-post eller id hos inloggningstjänsten)").fill("Karin@Kommun.example.se")
    admin.get_by_label("Namn", exact=True).fill("Karin Kommun")
    choose_options(second_page, admin.locator("[data-testid='stMultiSelect']").filter(has_text="Roller").first,
                   ["polisanalytiker"], what="the roles")
    admin.get_by_label("Organisation (t.ex. polisen eller kommunen; tomt = enligt rollen)").fill("polisen")
    saved = ("Sparat: karin@kommun.example.se har polisanalytiker, organisation polisen. Det gäller från "
             "personens nästa klick.")
    with next_run(second_page, "the role saved", text=saved):
        admin.get_by_role("button", name="Spara roller").click()
    expect_visible(admin.get_by_text(saved), "the confirmation of the saved role")
    screenshot(second_page, "roles-admin-saved")

    # Karin's next run (the same signed-in session, the address of the police dataset): hers now, in full.
    open_app(page, base_url, f"?dataset={police_id}", what="Karin's next run")
    expect_visible(sidebar.get_by_text(f"Aktivt dataset: {SECRET}"), "the police dataset as the active one")
    expect_visible(main.get_by_text("Visningsnivå: egen").first, "the owner's own view level")
    assert page.get_by_text("delas inte med dig").count() == 0
    screenshot(page, "roles-kommun-after")
    assert [r for r in external_requests if "//fonts.googleapis.com/" not in r and "//fonts.gstatic.com/" not in r] == []
