"""Edit and archive a goal of the demo picture in a real browser at 1920×1080, with undo, and no internet."""

from __future__ import annotations

import pytest

from tests.browser.waits import expect_visible, go_to, map_drawn, next_run, open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GOAL = "Krogtillsyn vid krogarna F, G och H vid 12 tillfällen under perioden"


@pytest.mark.viewport(1920, 1080)
def test_edit_and_archive_a_goal(page, samsyn_url, external_requests, screenshot):
    # The server started on an empty data directory: its first start loaded the demo picture.
    open_app(page, samsyn_url, "?fran=2025-01-01&till=2025-12-31", what="Översikt")
    go_to(page, "Problembild")
    with next_run(page, "the page after the name for the change log was entered"):
        page.get_by_label("Ditt namn (för ändringsloggen)").fill("Bertil Berg")
        page.keyboard.press("Tab")  # a text input outside a form sends its value when it loses focus

    map_drawn(page, what="the Problembild map with the demo's places")
    screenshot(page, "problem_demo_first_start")
    row = page.locator("[class*='st-key-row-goal-']").filter(has_text=GOAL)
    expect_visible(row, "the demo's production goal in the list of goals")
    expect_visible(row.get_by_text("9 av 12 tillsynsbesök"), "the goal's progress, 9 of 12 inspections")
    with next_run(page, "the goal's edit form, opened in its own row"):
        row.get_by_role("button", name="Ändra").click()
    form = expect_visible(row.locator("[data-testid='stForm']"), "the edit form inside the goal's row")
    # A production goal's form has its own fields only: no offence types, periods or target change.
    assert form.get_by_label("Basperiod").count() == 0 and form.get_by_label("Brottstyper").count() == 0
    done = form.get_by_label("Utfört")
    done.fill("10")
    with next_run(page, "the confirmation below the goal", text="Målet är ändrat."):
        form.get_by_role("button", name="Spara ändringar").click()
    expect_visible(row.get_by_text("Målet är ändrat."), "the confirmation inside the goal's own row")
    expect_visible(row.get_by_text("10 av 12 tillsynsbesök"), "the goal's new progress, 10 of 12")
    screenshot(page, "problem_goal_edited")

    with next_run(page, "the archive confirmation in the popover"):
        row.get_by_role("button", name="Arkivera").click()
        popover = expect_visible(page.locator("[data-testid='stPopoverBody']").filter(has_text="Ja, arkivera"),
                                 "the archive popover")
        popover.get_by_text("Ja, arkivera").click()
    with next_run(page, "the archived goal with Ångra in its place", text="Målet är arkiverat:"):
        page.locator("[data-testid='stPopoverBody']").get_by_role("button", name="Arkivera").click()
    archived = page.locator("[class*='st-key-row-goal-']").filter(has_text="Målet är arkiverat:")
    expect_visible(archived.get_by_text(GOAL), "the archived goal's text in its own row")
    undo = expect_visible(archived.get_by_role("button", name="Ångra"), "Ångra beside the archived goal")
    archived.scroll_into_view_if_needed()
    screenshot(page, "problem_goal_archived")

    with next_run(page, "the goal back in the list", text="Målet är tillbaka."):
        undo.click()
    back = page.locator("[class*='st-key-row-goal-']").filter(has_text=GOAL)
    expect_visible(back.get_by_role("button", name="Ändra"), "the goal back with its Ändra button")
    expect_visible(back.get_by_text("10 av 12 tillsynsbesök"), "the goal back with its edited progress")
    assert external_requests == [], external_requests


@pytest.mark.viewport(1920, 1080)
def test_a_cause_is_added_without_leaving_its_tab(page, samsyn_url, external_requests, screenshot):
    open_app(page, samsyn_url, "?fran=2025-01-01&till=2025-12-31", what="Översikt")
    go_to(page, "Problembild")
    with next_run(page, "the page after the name for the change log was entered"):
        page.get_by_label("Ditt namn (för ändringsloggen)").fill("Bertil Berg")
        page.keyboard.press("Tab")
    with next_run(page, "the cause analysis tab"):
        page.get_by_role("tab", name="Orsaksanalys").click()
    tab = page.get_by_role("tabpanel")
    expect_visible(tab.get_by_text("Överservering på krog F, ibland också till minderåriga."),
                   "the demo's first cause at Stortorget")
    form = tab.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="Lägg till orsak"))
    form.get_by_label("Hypotes").fill("Mörkt i gränden bakom krog H")
    with next_run(page, "the confirmation below the button", text="Orsaken är sparad."):
        form.get_by_role("button", name="Lägg till orsak").click()
    # The tab stays open, the new cause is in its list and the confirmation is right below the form.
    panel = page.get_by_role("tabpanel")
    confirmation = expect_visible(panel.get_by_text("Orsaken är sparad."), "the confirmation inside the tab")
    assert page.get_by_role("tab", name="Orsaksanalys").get_attribute("aria-selected") == "true"
    expect_visible(panel.get_by_text("Mörkt i gränden bakom krog H"), "the new cause in the tab's list")
    button = panel.get_by_role("button", name="Lägg till orsak").bounding_box()
    below = confirmation.bounding_box()
    assert button and below and 0 < below["y"] - button["y"] < 150, (button, below)
    confirmation.scroll_into_view_if_needed()
    screenshot(page, "problem_cause_added")
    assert external_requests == [], external_requests
