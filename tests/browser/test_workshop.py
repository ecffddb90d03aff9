"""The workshop flow in projector mode in headless Chromium: six steps with one button, a screenshot per step;
and after "Fäst" the confirmation where the eye is.

Screenshots at 1920×1080 go to test-artifacts/screenshots/ (workshop_step_*.png, workshop_pinned.png).
"""

from __future__ import annotations

import pytest
from pyproj import Transformer

from tests.browser.test_map_pinning import CELL_CENTRE, _click_at
from tests.browser.waits import expect_visible, map_drawn, next_run, open_app, settled

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# (page heading, the highlighted step, the room's question, the button to the next step)
STEPS = [
    ("Översikt", "1. Lägesbild", "Hur ser läget ut? Gå igenom antal, förändring och trygghet i området.",
     "Nästa: Vad sticker ut →"),
    ("Karta", "2. Vad sticker ut", "Vilka platser och tider sticker ut? Klicka på kartan.", "Nästa: Fäst platser →"),
    ("Karta", "3. Fäst platser",
     "Vilka platser tar vi med i den gemensamma problembilden? Klicka på en hot spot och fäst den.", "Nästa: Orsaker →"),
    ("Problembild", "4. Orsaker", "Varför händer det just här? Tänk på platsen, de utsatta och gärningspersonerna.",
     "Nästa: Åtgärder och mål →"),
    ("Problembild", "5. Åtgärder och mål", "Vad gör vi, vem gör det – och vilket mål visar att det har fungerat?",
     "Nästa: Plan för uppföljning →"),
    ("Uppföljning", "6. Plan för uppföljning",
     "Hur och när följer vi upp? Välj jämförelseområde och perioder för rapporten till styrgruppen.", None),
]


def _px(locator) -> float:
    return float(locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


@pytest.mark.viewport(1920, 1080)
def test_the_workshop_through_six_steps_in_projector_mode(page, samsyn_url, screenshot):
    open_app(page, samsyn_url, "?projektor=1&fran=2025-01-01&till=2025-12-31", what="Översikt in projector mode")
    with next_run(page, "the first step of the workshop", text=STEPS[0][2]):
        page.get_by_role("button", name="Starta arbetsmöte").click()
    for number, (heading, current, prompt, next_label) in enumerate(STEPS, start=1):
        expect_visible(page.locator("h1").filter(has_text=heading).first, f"the heading of step {number}")
        highlighted = page.locator(".samsyn-workshop-step.current")
        assert highlighted.count() == 1 and highlighted.inner_text() == current
        assert page.locator(".samsyn-workshop-step").count() == 6
        question = page.locator(".samsyn-workshop-prompt")
        assert question.inner_text() == prompt
        # Readable from the back of the room: every step at least 20 px, the question larger still.
        assert min(_px(step) for step in page.locator(".samsyn-workshop-step").all()) >= 20
        assert _px(question) >= 30
        # The bar is at the top of the page, on the screen without scrolling.
        box = page.locator(".samsyn-workshop").bounding_box()
        assert box is not None and 0 <= box["y"] < 400, box
        assert "projektor=1" in page.url  # the page change kept the address (projector mode, the period)
        if heading == "Karta":
            map_drawn(page, what=f"the Karta map of step {number}")
        if current == "4. Orsaker":
            # Problembild opens on its causes tab (the place's cause analysis), not on the first tab.
            tab = expect_visible(page.get_by_role("tab", name="Orsaksanalys"), "Problembild's causes tab")
            assert tab.get_attribute("aria-selected") == "true"
        settled(page, what=f"step {number} of the workshop")
        screenshot(page, f"workshop_step_{number}")
        if next_label is None:
            break
        with next_run(page, f"step {number + 1} of the workshop", text=STEPS[number][2]):
            page.get_by_role("button", name=next_label).click()
    assert page.get_by_role("button", name="Nästa", exact=False).count() == 0
    with next_run(page, "the page without the workshop"):
        page.get_by_role("button", name="Avsluta arbetsmötet").first.click()
    assert page.locator(".samsyn-workshop").count() == 0
    expect_visible(page.locator("h1").filter(has_text="Uppföljning").first, "Uppföljning after the workshop ended")


@pytest.mark.viewport(1920, 1080)
def test_after_fast_the_confirmation_is_on_the_screen(page, samsyn_url, screenshot):
    open_app(page, samsyn_url, "karta?fran=2025-01-01&till=2025-12-31", what="Karta")
    frame = map_drawn(page, what="the Karta map")
    lon, lat = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True).transform(*CELL_CENTRE)
    frame.evaluate("([lat, lon]) => window.map.setView([lat, lon], 15, {animate: false})", [lat, lon])
    with next_run(page, "the pin form beside the map", text="Fäst i problembilden"):
        _click_at(page, frame, lat, lon)
    button = page.get_by_role("button", name="Fäst", exact=True)
    button.scroll_into_view_if_needed()  # the moderator scrolls down to the form and presses "Fäst"
    settled(page, what="Karta with the pin form")
    with next_run(page, "the confirmation of the pin", text="Fäst i problembilden som"):
        button.click()
    confirmation = expect_visible(page.get_by_text("Fäst i problembilden som", exact=False).first,
                                  "the confirmation of the pin")
    # The confirmation is brought to the screen (the page reran and drew the map anew above it).
    page.wait_for_function(
        "() => { const e = [...document.querySelectorAll('[data-testid=\"stAlertContentSuccess\"]')]"
        ".find(a => a.innerText.includes('Fäst i problembilden som')); if (!e) return false;"
        " const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }",
        timeout=30_000, polling=100)
    box = confirmation.bounding_box()
    assert box is not None and 0 <= box["y"] <= 1080 - box["height"], box
    expect_visible(page.get_by_role("button", name="Ångra fästningen"), "the undo button beside the form")
    settled(page, what="Karta with the pin confirmed")
    screenshot(page, "workshop_pinned")


@pytest.mark.viewport(1920, 1080)
def test_the_time_slider_plays_the_months_in_projector_mode(page, samsyn_url, screenshot):
    open_app(page, samsyn_url, "karta?projektor=1&fran=2025-01-01&till=2025-12-31", what="Karta in projector mode")
    with next_run(page, "the time slider under the map"):
        page.get_by_text("Tidsreglage: se mönstret månad för månad").click()
    film = expect_visible(page.locator(".js-plotly-plot").filter(has=page.locator(".slider-container")).first,
                          "the time slider's film")
    title = film.locator(".gtitle")
    assert title.text_content() == "jan. 2025"
    labels = film.locator(".slider-label").all_text_contents()
    # Plotly labels every month that fits (every other one at this width), in order.
    months = ["jan. 2025", "feb. 2025", "mars 2025", "apr. 2025", "maj 2025", "juni 2025", "juli 2025", "aug. 2025",
              "sep. 2025", "okt. 2025", "nov. 2025", "dec. 2025"]
    assert labels[0] == "jan. 2025" and len(labels) >= 6 and labels == [m for m in months if m in labels], labels
    film.scroll_into_view_if_needed()
    # Projector mode: the slider's month labels and the buttons as large as the rest of the text.
    assert min(_px(label) for label in film.locator(".slider-label").all()) >= 20
    film.locator(".updatemenu-button").first.click()  # ▶ Spela: the months move in the browser, no rerun
    page.wait_for_function("(e) => e.querySelector('.gtitle').textContent === 'apr. 2025'",
                           arg=film.element_handle(), timeout=30_000, polling=50)
    film.locator(".updatemenu-button").nth(1).click()  # ⏸ Pausa
    settled(page, what="the time slider paused")
    screenshot(page, "time_slider_playing")
