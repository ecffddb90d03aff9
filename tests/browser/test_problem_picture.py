"""Pin, edit and merge places in a real browser, in projector mode at 1920×1080, with no internet."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_dashboard import district_point
from tests.browser.waits import (
    choose_options,
    click_map,
    expect_visible,
    go_to,
    map_drawn,
    next_run,
    open_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _pin(page, area_id: str, name: str) -> None:
    """Click a district on the Karta map and pin it into the joint problem picture."""
    with next_run(page, f"{name}'s numbers and pin form after a click on {name} in the map"):
        click_map(page, *district_point(area_id), what=f"{name} ({area_id})")
    expect_visible(page.locator("h3").filter(has_text=name).first, f"{name}'s heading beside the map")
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="Fäst"))
    form.get_by_label("Ditt namn").fill("Anna Andersson")  # in a form: typing starts no run
    with next_run(page, f"the confirmation that {name} is pinned"):
        form.get_by_role("button", name="Fäst").click()
    expect_visible(page.get_by_text(re.compile(rf"Fäst i problembilden som #\d+ {name}\.")),
                   f"the confirmation that {name} is pinned")


@pytest.mark.viewport(1920, 1080)
def test_pin_edit_and_merge_in_projector_mode(page, samsyn_url, external_requests, screenshot):
    open_app(page, samsyn_url, "?projektor=1&fran=2025-01-01&till=2025-12-31", what="Översikt in projector mode")
    go_to(page, "Karta")
    map_drawn(page, what="the Karta map")
    _pin(page, "B02", "Norrbacka")
    screenshot(page, "projector_pinned")
    _pin(page, "B03", "Sörby")

    go_to(page, "Problembild")
    map_drawn(page, what="the Problembild map")
    with next_run(page, "the page after the name for the change log was entered"):
        page.get_by_label("Ditt namn (för ändringsloggen)").fill("Bertil Berg")
        page.keyboard.press("Tab")  # a text input outside a form sends its value when it loses focus
    page.get_by_label("Anteckningar").first.fill("Ny belysning vid gångtunneln")
    # The save reruns the page (st.rerun) and only the second run shows the confirmation.
    with next_run(page, "the confirmation that the changes are saved", text="Ändringarna är sparade"):
        page.get_by_role("button", name="Spara ändringar").click()

    expander = page.locator("[data-testid='stExpander']").filter(has_text="Slå ihop platser")
    expander.locator("summary").click()
    merge = expect_visible(expander.locator("[data-testid='stMultiSelect']"), "the merge multiselect")
    choose_options(page, merge, ["Norrbacka", "Sörby"], what="the merge multiselect")
    expander.get_by_label("Rubrik för den sammanslagna platsen").fill("Norra bostadsområdena")
    try:
        with next_run(page, "the confirmation that the places are merged", text="Platserna är sammanslagna"):
            expander.get_by_role("button", name="Slå ihop", exact=True).click()
    finally:
        screenshot(page, "problem_picture_merge_attempt", full_page=True)
    # Streamlit scrolls its own main area, so show the confirmation at the top of the page in the picture.
    page.get_by_text("Platserna är sammanslagna").first.scroll_into_view_if_needed()
    screenshot(page, "problem_picture_merged")
    assert external_requests == [], external_requests
