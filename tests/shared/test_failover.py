"""Faults on the shared installation, in Chromium through nginx: a process killed, PostgreSQL stopped mid-save.

Three Samsyn processes behind nginx on one PostgreSQL (tests/shared/conftest.py). Signed in through
the real identity provider, as an office would be.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from store.problem_store import open_store
from tests.browser.conftest import save_screenshot
from tests.browser.waits import (
    ELEMENT_SECONDS,
    FIRST_LOAD_SECONDS,
    RUN_SECONDS,
    click_map,
    expect_visible,
    go_to,
    map_drawn,
    next_run,
    wait_for_run,
)
from workspace.demo import DEMO_USER

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOT_SAVED = "Sparades inte – databasen svarade inte. Försök igen."
# The frontend's own record of its connection: every value stApp's data-test-connection-state takes.
_WATCH_CONNECTION = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__samsynStates = [app.dataset.testConnectionState];
    new MutationObserver(() => window.__samsynStates.push(app.dataset.testConnectionState))
        .observe(app, {attributes: true, attributeFilter: ['data-test-connection-state']});
    return app.dataset.testConnectionState;
}"""
_RECONNECTED = """(connected) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const seen = window.__samsynStates || [];
    return seen.some(s => s !== connected) && app && app.dataset.testConnectionState === connected;
}"""

# A selectbox of the page shows ``#N title`` as its chosen value.
_CHOSEN_PLACE = r"""(title) => [...document.querySelectorAll('[data-testid="stSelectbox"]')].some(box => {
    const shown = box.innerText + ' ' + [...box.querySelectorAll('input')].map(i => i.value).join(' ');
    return /#\d+ /.test(shown) && shown.includes(title);
})"""


@contextmanager
def signed_in(browser, site, login: str, *, route: str | None = None) -> Iterator:
    """A new browser context signed in as ``login`` through nginx; ``route`` presets nginx's sticky cookie."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="sv-SE",
                                  timezone_id="Europe/Stockholm")
    if route is not None:
        context.add_cookies([{"name": "samsyn_process", "value": route, "url": site.url}])
    page = context.new_page()
    page.set_default_timeout(ELEMENT_SECONDS * 1000)
    page.set_default_navigation_timeout(FIRST_LOAD_SECONDS * 1000)
    try:
        page.goto(f"{site.url}/", wait_until="domcontentloaded")
        wait_for_run(page, after=0, what="the sign-in page", timeout=FIRST_LOAD_SECONDS)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(lambda url: "/interaction/" in url)
        page.locator("input[name='login']").fill(login)
        page.locator("input[name='password']").fill("ett-losenord")
        page.get_by_role("button", name="Sign-in").click()
        expect_visible(page.get_by_role("button", name="Continue"), "the provider's consent step")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(lambda url: url.startswith(site.url) and "oauth2callback" not in url)
        wait_for_run(page, after=0, what=f"the dashboard after {login} signed in", timeout=FIRST_LOAD_SECONDS)
        name = site.accounts[login]["name"]
        expect_visible(page.get_by_text(f"Inloggad som {name}"), f"{name} signed in")
        yield page
    finally:
        context.close()


def district_point(area_id: str) -> tuple[float, float]:
    """A point inside a sample district, as (lat, lon) in WGS84, for a click on the map."""
    import geopandas as gpd

    from data.sample import paths

    point = gpd.read_file(paths().districts).to_crs(4326).set_index("area_id").loc[area_id].geometry
    return point.representative_point().y, point.representative_point().x


def _route(page) -> str:
    """The value of nginx's sticky cookie in the page's browser: the number of its process."""
    return next(c["value"] for c in page.context.cookies() if c["name"] == "samsyn_process")


def _route_to_another_process(avoid: int) -> str:
    """nginx's sticky cookie for a process other than ``avoid`` (an index)."""
    return str((avoid + 1) % 3 + 1)


def _pin(page, area_id: str, name: str) -> None:
    """Click a district on Karta's map and pin it (signed in: the change log names the identity)."""
    try:
        with next_run(page, f"{name}'s pin form after a click on the map"):
            click_map(page, *district_point(area_id), what=f"{name} ({area_id})")
    finally:
        save_screenshot(page, f"shared-pin-{area_id}")
    expect_visible(page.locator("h3").filter(has_text=name).first, f"{name}'s heading beside the map")
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="Fäst"))
    try:
        with next_run(page, f"the confirmation that {name} is pinned"):
            form.get_by_role("button", name="Fäst").click()
        expect_visible(page.get_by_text(re.compile(rf"Fäst i problembilden som #\d+ {name}")),
                       f"the confirmation that {name} is pinned")
    finally:
        save_screenshot(page, f"shared-pinned-{area_id}", full_page=True)


def _hotspots_when_back(site) -> list[tuple[str, str]]:
    """The rows as PostgreSQL holds them, read after starting it for a moment (then stopped again)."""
    site.start_postgres()
    try:
        return _hotspots(site)
    finally:
        site.stop_postgres()


def _hotspots(site) -> list[tuple[str, str]]:
    """The places people pinned here (not the demo picture a new store starts with)."""
    with open_store(site.database_url) as store:
        return [(h.title, h.created_by) for h in store.list_hotspots() if h.created_by != DEMO_USER]


def test_a_killed_process_loses_nothing_and_the_other_sessions_keep_working(browser, shared_site):
    site = shared_site
    with signed_in(browser, site, "per") as per:
        go_to(per, "Karta")
        map_drawn(per, what="Per's Karta map")
        _pin(per, "B02", "Norrbacka")
        assert _hotspots(site) == [("Norrbacka", "Per Persson (per.persson@polisen.example.se)")]
        served = site.process_serving({"samsyn_process": _route(per)})

        # Anna works on another process at the same time.
        with signed_in(browser, site, "anna", route=_route_to_another_process(served)) as anna:
            anna_process = site.process_serving({"samsyn_process": _route(anna)})
            assert anna_process != served
            anna_port, anna_popen = site.processes[anna_process]

            connected = per.evaluate(_WATCH_CONNECTION)
            site.kill(served)
            # Per's tab loses its WebSocket and finds a process again through nginx, by itself.
            per.wait_for_function(_RECONNECTED, arg=connected, timeout=RUN_SECONDS * 1000, polling=100)

            # Anna's session was never touched: same process, and the next page runs.
            go_to(anna, "Tid")
            assert site.processes[anna_process] == (anna_port, anna_popen) and anna_popen.poll() is None
            assert site.process_serving({"samsyn_process": _route(anna)}) == anna_process

        # Per reloads: still signed in (the sign-in cookie is the same on every process) and the
        # pinned place is there, from PostgreSQL.
        per.reload(wait_until="domcontentloaded")
        wait_for_run(per, after=0, what="Per's page after the reload", timeout=FIRST_LOAD_SECONDS)
        expect_visible(per.get_by_text("Inloggad som Per Persson"), "Per still signed in after the reload")
        go_to(per, "Problembild")
        # The place chooser offers the pinned place (beside the demo picture's places) and opens it.
        chooser = per.locator("[data-testid='stSelectbox']").filter(has_text="Arbeta med platsen")
        box = chooser.locator("input").first
        box.click()
        box.press_sequentially("Norrbacka", delay=20)
        option = per.get_by_role("listbox").get_by_role("option").filter(has_text="Norrbacka").first
        expect_visible(option, "Norrbacka among the places Problembild offers")
        with next_run(per, "Problembild after choosing Norrbacka"):
            option.click()
        per.wait_for_function(_CHOSEN_PLACE, arg="Norrbacka", timeout=ELEMENT_SECONDS * 1000, polling=100)
        # And pinning again works.
        go_to(per, "Karta")
        map_drawn(per, what="Per's Karta map after the crash")
        _pin(per, "B03", "Sörby")
    assert [title for title, _ in _hotspots(site)] == ["Norrbacka", "Sörby"]
    site.wait_restarted(served)  # the launcher started the killed process again


def test_postgresql_stopped_mid_save_says_not_saved_and_the_retry_saves_once(browser, shared_site):
    site = shared_site
    before = [title for title, _ in _hotspots(site)]
    with signed_in(browser, site, "per") as per:
        go_to(per, "Karta")
        map_drawn(per, what="Per's Karta map")
        with next_run(per, "Östra Strand's pin form after a click on the map"):
            click_map(per, *district_point("B01"), what="Östra Strand (B01)")
        form = per.locator("[data-testid='stForm']").filter(has=per.get_by_role("button", name="Fäst"))
        expect_visible(form, "the pin form for Östra Strand")

        site.stop_postgres()
        try:
            with next_run(per, "the page's answer to a save while the database is down"):
                form.get_by_role("button", name="Fäst").click()
            # The save's own words (the roles read before the database stopped still hold, so the save
            # is tried); never a confirmation.
            expect_visible(per.locator("[data-testid='stAlertContentError']").filter(has_text=NOT_SAVED).first,
                           "the message that the place was not saved")
            assert per.get_by_text(re.compile(r"Fäst i problembilden som #\d+")).count() == 0
            assert [title for title, _ in _hotspots_when_back(site)] == before
        finally:
            site.start_postgres()

        # Save again, once the database is back: the page from the start, as a person would.
        per.reload(wait_until="domcontentloaded")
        wait_for_run(per, after=0, what="Karta after the database came back", timeout=FIRST_LOAD_SECONDS)
        map_drawn(per, what="Per's Karta map after the database came back")
        _pin(per, "B01", "Östra Strand")
    titles = [title for title, _ in _hotspots(site)]
    # Exactly one row more (the click may land on a named place in Östra Strand, e.g. its school).
    assert titles[:-1] == before and titles[-1].startswith("Östra Strand")
