"""Arbetsmöte: start on Översikt, one button through the six steps, each on its page with its step bar."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components.pinning import LAST_PIN
from tests.dashboard.apptest import app

# The handbook's session as the room sees it: (page title, step bar's current step, the room's question).
EXPECTED = [
    ("Översikt", "1. Lägesbild", "Hur ser läget ut? Gå igenom antal, förändring och trygghet i området."),
    ("Karta", "2. Vad sticker ut", "Vilka platser och tider sticker ut? Klicka på kartan."),
    ("Karta", "3. Fäst platser",
     "Vilka platser tar vi med i den gemensamma problembilden? Klicka på en hot spot och fäst den."),
    ("Problembild", "4. Orsaker", "Varför händer det just här? Tänk på platsen, de utsatta och gärningspersonerna."),
    ("Problembild", "5. Åtgärder och mål", "Vad gör vi, vem gör det – och vilket mål visar att det har fungerat?"),
    ("Uppföljning", "6. Plan för uppföljning",
     "Hur och när följer vi upp? Välj jämförelseområde och perioder för rapporten till styrgruppen."),
]
NEXT_LABELS = ["Nästa: Vad sticker ut →", "Nästa: Fäst platser →", "Nästa: Orsaker →", "Nästa: Åtgärder och mål →",
               "Nästa: Plan för uppföljning →"]


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "userdata").mkdir()
    return tmp_path / "userdata"


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _bar(at: AppTest) -> tuple[list[str], str, str] | None:
    """The step bar as read: every step's text, the highlighted one, the question; None without a bar."""
    bars = [h.proto.body for h in at.get("html") if 'class="samsyn-workshop"' in h.proto.body]
    if not bars:
        return None
    assert len(bars) == 1
    steps = re.findall(r'<li class="samsyn-workshop-step (\w+)"[^>]*>([^<]*)</li>', bars[0])
    current = [text for state, text in steps if state == "current"]
    assert len(current) == 1, steps
    prompt = re.search(r'<p class="samsyn-workshop-prompt"[^>]*>([^<]*)</p>', bars[0]).group(1)
    return [text for _, text in steps], current[0], prompt


def _button(at: AppTest, label: str, key: str | None = None):
    matches = [b for b in at.button if b.label == label and (key is None or b.key == key)]
    assert len(matches) == 1, [(b.label, b.key) for b in at.button]
    return matches[0]


def _title(at: AppTest) -> str:
    return at.title[0].value


def test_start_on_oversikt_and_next_five_times_through_every_step(data_dir):
    at = app(fran="2025-01-01", till="2025-12-31")
    _run(at)
    assert _bar(at) is None  # no workshop yet: no step bar
    _button(at, "Starta arbetsmöte", "workshop-start-page").click()  # on Översikt (the sidebar has one too)
    _run(at)
    steps, current, prompt = _bar(at)
    assert steps == ["1. Lägesbild", "2. Vad sticker ut", "3. Fäst platser", "4. Orsaker", "5. Åtgärder och mål",
                     "6. Plan för uppföljning"]
    assert (_title(at), current, prompt) == EXPECTED[0]
    assert not [b for b in at.button if b.label == "← Tillbaka"]  # nothing before the first step

    for step, label in enumerate(NEXT_LABELS, start=1):
        _button(at, label).click()
        _run(at)
        _, current, prompt = _bar(at)
        assert (_title(at), current, prompt) == EXPECTED[step]
        # The sidebar's filters go along to every page (a page change from the script clears widget state).
        assert at.session_state["f_period"] == (date(2025, 1, 1), date(2025, 12, 31))
        if step == 1:
            # "Vad sticker ut": the hot cells on their own, the density surface off; and the way to the hours.
            assert next(w for w in at.toggle if w.key == "map_density").value is False
            assert [link.label for link in at.get("page_link")
                    if getattr(link.proto, "label", "") == "Veckodag × timme på sidan Tid"]
    # The last step has no "Nästa", only the way back and the end.
    assert not [b for b in at.button if b.label.startswith("Nästa")]
    _button(at, "← Tillbaka").click()
    _run(at)
    assert (_title(at), _bar(at)[1]) == ("Problembild", "5. Åtgärder och mål")

    _button(at, "Avsluta arbetsmötet", "workshop-end").click()
    _run(at)
    assert _bar(at) is None and _title(at) == "Problembild"  # the page stays, the bar goes


def test_causes_open_on_the_place_just_pinned(data_dir):
    at = app(fran="2025-01-01", till="2025-12-31")
    _run(at)
    at.switch_page("pages/problem.py")
    _run(at)
    chosen = next(s for s in at.selectbox if s.key == "problem_choice")
    # The demo picture has several places; the room has just pinned (as Karta leaves it) the last in the list.
    assert len(chosen.options) >= 2
    last = chosen.options[-1]
    last_id = int(re.match(r"#(\d+) ", last).group(1))
    at.session_state[LAST_PIN] = {"id": last_id, "version": 1, "title": last}
    _button(at, "Starta arbetsmöte", "workshop-start-sidebar").click()  # from Problembild: starts on Översikt
    _run(at)
    assert (_title(at), _bar(at)[1]) == ("Översikt", "1. Lägesbild")
    for label in NEXT_LABELS[:3]:
        _button(at, label).click()
        _run(at)
    assert (_title(at), _bar(at)[1]) == ("Problembild", "4. Orsaker")
    assert next(s for s in at.selectbox if s.key == "problem_choice").value == last_id
    assert at.session_state["problem_tabs"] == "Orsaksanalys"


def test_english_step_bar(data_dir):
    at = app(lang="en")
    _run(at)
    _button(at, "Start workshop", "workshop-start-page").click()
    _run(at)
    steps, current, prompt = _bar(at)
    assert steps == ["1. Situation", "2. What stands out", "3. Pin places", "4. Causes", "5. Measures and goals",
                     "6. Follow-up plan"]
    assert (_title(at), current) == ("Overview", "1. Situation")
    assert prompt == "What is the situation? Go through the numbers, the change and how safe people feel in the area."
    # Not clicked here: AppTest formats Karta's selectboxes outside the session, in Swedish.
    _button(at, "Next: What stands out →")
    _button(at, "End the workshop", "workshop-end-sidebar").click()
    _run(at)
    assert _bar(at) is None


def test_every_step_has_its_english_name_and_question():
    from dashboard.components.workshop import STEPS
    from dashboard.i18n import ENGLISH

    assert [s.name for s in STEPS] == [e[1].split(". ", 1)[1] for e in EXPECTED]
    assert all(s.name in ENGLISH and s.prompt in ENGLISH for s in STEPS)


def test_the_steering_group_is_offered_no_workshop(data_dir):
    from tests.dashboard.test_sign_in import AUTH

    at = app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "name": "Bo Lind", "email": "bo@kommun.example.se", "samsyn_roles": "styrgrupp"}
    _run(at)
    assert _title(at) == "Översikt"
    assert not [b for b in at.button if b.label == "Starta arbetsmöte"]
