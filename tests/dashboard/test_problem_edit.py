"""Problembild: the demo picture on first start; edit, archive (with undo) and history of causes and goals."""

from __future__ import annotations

from datetime import date

import pytest

from store.model import Cause, Goal, Hotspot, Measure
from store.problem_store import open_store
from tests.dashboard.apptest import open_page

SQUARE = "POLYGON ((589380 6544720, 590380 6544670, 590400 6545080, 589360 6545420, 589380 6544720))"


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "userdata"


@pytest.fixture()
def picture(data_dir):
    """A store made before the dashboard ran (so no demo): one place, a cause, a measure, an effect goal."""
    data_dir.mkdir()
    store = open_store(data_dir / "problembild.db")
    place = store.add_hotspot(Hotspot("Stortorget", SQUARE, categories=["Misshandel utomhus"]), user="Anna")
    cause = store.add_cause(Cause(place.id, "situationell", "närliggande", "Trängsel vid taxikön"), user="Anna")
    measure = store.add_measure(Measure("Ordningsvakter", start="2025-03-01", hotspot_ids=[place.id]), user="Anna")
    goal = store.add_goal(Goal("effektmål", "Minska misshandel med 20 %", hotspot_id=place.id, measure_id=measure.id,
                               categories=["Misshandel utomhus"], target_change=-0.2), user="Anna")
    return {"store": store, "place": place, "cause": cause, "measure": measure, "goal": goal}


def _named(widgets, label):
    return next(w for w in widgets if w.label == label)


def _run(at):
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _page(**query):
    at = open_page("problem.py", **query)
    at.text_input(key="who_name").input("Bertil")
    return _run(at)


def _in_form(at, kind: str, form: str):
    """The widgets of one kind inside the form with id ``form``."""
    return [w for w in getattr(at, kind) if w.proto.form_id == form]


def _submit(at, form: str, label: str):
    next(b for b in at.button if b.proto.form_id == form and b.label == label).click()
    return _run(at)


def _flat(node) -> list:
    """Every element under ``node`` in the order the page draws them."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [leaf for key in sorted(children) for leaf in _flat(children[key])]


def _texts(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_first_start_shows_the_demo_on_problembild_and_uppfoljning(data_dir):
    at = open_page("problem.py")
    assert (data_dir / "problembild.db").exists()
    table = at.dataframe[0].value
    # The joint picture by default: the two places the handbook's example shares.
    assert table["Plats"].tolist() == ["Stortorget – krogstråket", "Fritidsgården J – torsdagsdiscot"]
    text = _texts(at)
    for title in ("Kamera, belysning och ordningsvakter vid Stortorget",
                  "Fler vuxna på torsdagsdiscot på fritidsgården J",
                  "Misshandel utomhus vid Stortorget ska minska med 20 % jämfört med samma period året innan",
                  "Krogtillsyn vid krogarna F, G och H vid 12 tillfällen under perioden"):
        assert title in text
    assert "Överservering på krog F, ibland också till minderåriga." in text  # the first place's causes
    at.switch_page("pages/followup.py")
    _run(at)
    shown = _texts(at).replace("\xa0", " ")
    assert "**Kamera, belysning och ordningsvakter vid Stortorget**" in shown
    assert _named(at.selectbox, "Jämförelseområde").value == "B01"  # the demo's saved comparison area
    assert "I målområdet minskade misshandel utomhus från 530 till 397 händelser (−25 %)." in shown


def test_edit_a_goal_then_archive_it_and_undo(picture):
    store, goal = picture["store"], picture["goal"]
    at = _page()
    assert "**Effektmål**: Minska misshandel med 20 %" in _texts(at)
    at.button(key=f"edit-goal-{goal.id}").click()
    _run(at)
    form = f"form-goal-{goal.id}-effektmål"
    _named(_in_form(at, "text_input", form), "Mål").input("Minska misshandel med 30 %")
    _named(_in_form(at, "number_input", form), "Mål (förändring i %)").set_value(-30.0)
    _submit(at, form, "Spara ändringar")
    saved = store.get_goal(goal.id)
    assert (saved.description, saved.target_change, saved.version) == ("Minska misshandel med 30 %", -0.3, 2)
    assert [s.value for s in at.success] == ["Målet är ändrat."]
    text = _texts(at)
    assert "**Effektmål**: Minska misshandel med 30 % · Misshandel utomhus · mål −30\xa0%" in text
    # The history, who and when and what changed, in words.
    history = at.dataframe[-1].value
    assert history["Vem"].tolist() == ["Anna", "Bertil"] and history["Vad"].tolist() == ["skapad", "ändrad"]
    assert history["Ändrat"].iloc[1] == "beskrivning; målförändring: −20\xa0% → −30\xa0%"
    assert history["När"].iloc[1] == f"{date.today().isoformat()} {saved.updated_at[11:16]}"

    at.checkbox(key=f"confirm-archive-goal-{goal.id}").check()
    _run(at)
    at.button(key=f"archive-goal-{goal.id}").click()
    _run(at)
    assert store.get_goal(goal.id).archived and store.list_goals() == []
    assert any(w.value.startswith("Målet är arkiverat:") and "Minska misshandel med 30 %" in w.value
               for w in at.warning)
    at.button(key=f"undo-goal-{goal.id}").click()
    _run(at)
    assert store.get_goal(goal.id).archived is False
    assert [s.value for s in at.success] == ["Målet är tillbaka."]
    assert [e.action for e in store.audit_log("goal", goal.id)] == ["create", "update", "archive", "restore"]


def test_edit_and_archive_a_cause(picture):
    store, cause = picture["store"], picture["cause"]
    at = _page()
    at.button(key=f"edit-cause-{cause.id}").click()
    _run(at)
    form = f"form-cause-{cause.id}"
    _named(_in_form(at, "text_area", form), "Hypotes").input("Trängsel vid taxikön när krogarna stänger")
    _named(_in_form(at, "selectbox", form), "Perspektiv").set_value("brottsoffer")
    _submit(at, form, "Spara ändringar")
    saved = store.get_cause(cause.id)
    assert (saved.text, saved.perspective) == ("Trängsel vid taxikön när krogarna stänger", "brottsoffer")
    text = _texts(at)
    assert "**Brottsoffer**\n*Närliggande orsak*: Trängsel vid taxikön när krogarna stänger" in text
    assert "**Situationell**" not in text  # its only cause moved to the victim's perspective
    at.checkbox(key=f"confirm-archive-cause-{cause.id}").check()
    _run(at)
    at.button(key=f"archive-cause-{cause.id}").click()
    _run(at)
    assert store.list_causes(picture["place"].id) == [] and store.get_cause(cause.id).archived
    assert any(w.value.startswith("Orsaken är arkiverad:") for w in at.warning)
    assert store.audit_log("cause", cause.id)[-1].user == "Bertil"


def test_a_cause_added_is_confirmed_below_its_button(picture):
    store, place = picture["store"], picture["place"]
    at = _page()
    form = f"form-new-cause-{place.id}"
    _named(_in_form(at, "text_area", form), "Hypotes").input("Mörkt i gränden bakom krogen")
    _submit(at, form, "Lägg till orsak")
    assert [c.text for c in store.list_causes(place.id)][-1] == "Mörkt i gränden bakom krogen"
    [success] = at.success
    assert success.value == "Orsaken är sparad."
    # Right below the form's button in the page's order, not at the top of the page.
    order = _flat(at.main)
    button = next(b for b in at.button if b.label == "Lägg till orsak")
    assert button.proto.form_id != form  # a fresh, empty form for the next cause
    assert order.index(button) < order.index(success) < order.index(next(
        h for h in at.subheader if h.value == "Åtgärder och mål"))


def test_a_half_entered_range_is_refused_and_nothing_saved(picture):
    store = picture["store"]
    at = _page()
    next(w for w in at.get("button_group") if w.label == "Lägg till").set_value("goal")
    _run(at)
    form = "form-new-goal-effektmål"
    _named(_in_form(at, "text_input", form), "Mål").input("Minska misshandel vid torget")
    _named(_in_form(at, "date_input", form), "Basperiod").set_value((date(2024, 3, 1),))
    _submit(at, form, "Lägg till mål")
    assert [e.value for e in at.error] == ["Välj både start- och slutdatum"]
    assert [g.id for g in store.list_goals()] == [picture["goal"].id]  # only the fixture's goal
    # Both dates: saved with its baseline.
    _named(_in_form(at, "date_input", form), "Basperiod").set_value((date(2024, 3, 1), date(2024, 12, 31)))
    _submit(at, form, "Lägg till mål")
    new = store.list_goals()[-1]
    assert (new.description, new.baseline_start, new.baseline_end) == (
        "Minska misshandel vid torget", "2024-03-01", "2024-12-31")
    assert [s.value for s in at.success] == ["Målet är sparat."]


@pytest.mark.parametrize(("kind", "shown", "hidden"), [
    ("effektmål", {"Brottstyper", "Basperiod", "Mål (förändring i %)", "Uppföljningsperiod (valfritt)"},
     {"Planerat", "Utfört", "Enhet"}),
    ("processmål", {"Planerat", "Utfört", "Enhet"},
     {"Brottstyper", "Basperiod", "Mål (förändring i %)", "Uppföljningsperiod (valfritt)"}),
    ("produktionsmål", {"Planerat", "Utfört", "Enhet"},
     {"Brottstyper", "Basperiod", "Mål (förändring i %)", "Uppföljningsperiod (valfritt)"}),
])
def test_the_goal_form_shows_only_its_kinds_fields(picture, kind, shown, hidden):
    at = _page()
    next(w for w in at.get("button_group") if w.label == "Lägg till").set_value("goal")
    _run(at)
    at.selectbox(key="kind-new-goal").set_value(kind)
    _run(at)
    form = f"form-new-goal-{kind}"
    labels = {w.label for name in ("text_input", "number_input", "date_input", "multiselect", "selectbox")
              for w in _in_form(at, name, form)}
    assert shown <= labels and not hidden & labels
    assert {"Mål", "Plats", "Åtgärd"} <= labels


def test_history_in_english(picture):
    store, goal = picture["store"], picture["goal"]
    store.update_goal(goal.id, {"target_change": -0.25}, expected_version=1, user="Cecilia")
    at = open_page("problem.py", lang="en")  # reading only: no name typed
    history = at.dataframe[-1].value
    assert history.columns.tolist() == ["When", "Who", "What", "Changed"]
    assert history["What"].tolist() == ["created", "changed"]
    assert history["Changed"].iloc[1] == "target change: -20% → -25%"  # English writes a hyphen-minus


def test_reset_the_demo_from_the_page(data_dir):
    at = open_page("problem.py")
    store = open_store(data_dir / "problembild.db")
    first = store.list_goals()[0]
    store.update_goal(first.id, {"description": "Ändrat"}, expected_version=first.version, user="Anna")
    _named(at.text_input, "Ditt namn (för ändringsloggen)").input("Eva")
    _run(at)
    at.checkbox(key="confirm-demo-reset").check()
    _run(at)
    at.button(key="demo-reset").click()
    _run(at)
    assert [s.value for s in at.success] == [
        "Exempelbilden är inläst: 4 platser, 8 orsaker, 5 åtgärder, 5 mål och 1 uppföljning. 23 tidigare poster "
        "i exempeldatat arkiverades."]
    assert store.list_goals()[0].description.startswith("Misshandel utomhus vid Stortorget")
    assert store.get_goal(first.id).archived
    assert store.audit_log("goal", first.id)[-1].user == "Eva"


def test_edit_a_measure_and_archive_it(picture):
    store, measure = picture["store"], picture["measure"]
    at = _page()
    assert "**Ordningsvakter** · situationell · kommun · från 1 mars 2025 · planerad · Platser: \\#1 Stortorget" \
        in _texts(at)
    at.button(key=f"edit-measure-{measure.id}").click()
    _run(at)
    form = f"form-measure-{measure.id}"
    _named(_in_form(at, "selectbox", form), "Status").set_value("pågår")
    _named(_in_form(at, "text_input", form), "Ansvarig person/funktion").input("Kommunpolisen")
    _submit(at, form, "Spara ändringar")
    saved = store.get_measure(measure.id)
    assert (saved.status, saved.responsible, saved.hotspot_ids) == ("pågår", "Kommunpolisen", [picture["place"].id])
    assert "**Ordningsvakter** · situationell · kommun – Kommunpolisen · från 1 mars 2025 · pågår" in _texts(at)
    at.checkbox(key=f"confirm-archive-measure-{measure.id}").check()
    _run(at)
    at.button(key=f"archive-measure-{measure.id}").click()
    _run(at)
    assert store.list_measures() == [] and store.get_measure(measure.id).archived
    assert any(w.value.startswith("Åtgärden är arkiverad:") for w in at.warning)


def test_a_measure_marked_shareable_on_the_form_is_stored_so_and_can_be_unmarked(picture):
    store, measure = picture["store"], picture["measure"]
    at = _page()
    at.button(key=f"edit-measure-{measure.id}").click()
    _run(at)
    form = f"form-measure-{measure.id}"
    box = _named(_in_form(at, "checkbox", form), "Får delas med den andra parten")
    assert box.value is False  # a measure made before the mark stays in the room
    box.check()
    _named(_in_form(at, "text_area", form), "Beskrivning").input("Två ordningsvakter fredag och lördag 22–03")
    _submit(at, form, "Spara ändringar")
    saved = store.get_measure(measure.id)
    assert (saved.shareable, saved.description) == (True, "Två ordningsvakter fredag och lördag 22–03")
    assert store.audit_log("measure", measure.id)[-1].changes["shareable"] == [False, True]
    at.button(key=f"edit-measure-{measure.id}").click()
    _run(at)
    box = _named(_in_form(at, "checkbox", form), "Får delas med den andra parten")
    assert box.value is True
    box.uncheck()
    _submit(at, form, "Spara ändringar")
    assert store.get_measure(measure.id).shareable is False
