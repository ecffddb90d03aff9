"""Uppföljning opens on the saved comparison area and never changes it silently (AppTest, the sample)."""

from __future__ import annotations

import json

import pytest
import shapely

from store.model import Followup, Goal, Hotspot, Measure
from store.problem_store import open_store
from tests.dashboard.apptest import open_page


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "userdata").mkdir()
    return open_store(tmp_path / "userdata" / "problembild.db")


@pytest.fixture()
def districts():
    from data.sample import paths
    from geo.dataset import read_areas

    return read_areas(paths().districts).set_index("area_id")


@pytest.fixture()
def planned(store, districts):
    """The planted intervention at Stortorget with its follow-up against the planted comparison district."""
    from data.sample import paths

    intervention = json.loads(paths().truth.read_text(encoding="utf-8"))["intervention"]
    target = store.add_hotspot(Hotspot(title="Stortorget", geometry_wkt=intervention["target_polygon_wkt"],
                                       categories=["Misshandel utomhus"], created_by="Anna"), user="Anna")
    measure = store.add_measure(Measure(title="Kameror", start=intervention["date"], hotspot_ids=[target.id]),
                                user="Anna")
    store.add_goal(Goal(kind="effektmål", description="−20 %", hotspot_id=target.id, measure_id=measure.id,
                        categories=["Misshandel utomhus"], target_change=-0.2), user="Anna")
    control_id = intervention["control_district_id"]
    plan = store.add_followup(Followup(measure.id, districts.geometry[control_id].wkt, hotspot_id=target.id,
                                       displacement_m=None, before_start=intervention["before"][0],
                                       before_end=intervention["before"][1], after_start=intervention["after"][0],
                                       after_end=intervention["after"][1],
                                       control_name=districts.loc[control_id, "name"]), user="Anna")
    return measure, plan, control_id


def _named(widgets, label):
    return next(w for w in widgets if w.label == label)


def _save(at):
    next(b for b in at.button if b.label == "Spara uppföljningen").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_a_new_session_opens_on_the_saved_comparison_area_and_saving_keeps_it(store, planned, districts):
    measure, plan, control_id = planned
    # The district the page would offer without a saved plan (the layer's last) is another one.
    assert list(districts.index)[-1] != control_id
    at = open_page("followup.py")
    assert _named(at.selectbox, "Jämförelseområde").value == control_id
    name = districts.loc[control_id, "name"]
    assert f"Sparat jämförelseområde: {name}" in [c.value for c in at.caption]
    assert not at.warning
    _named(at.text_input, "Ditt namn (för ändringsloggen)").input("Styrgruppen")
    _save(at)
    assert [m.value for m in at.success] == ["Uppföljningen är sparad."]
    stored = store.list_followups(measure.id)[0]
    # Saved with nothing changed: the same area, name and periods, so the store did not even write a new version.
    assert (stored.control_wkt, stored.control_name, stored.version) == (plan.control_wkt, name, plan.version)
    assert (stored.before_start, stored.after_end, stored.displacement_m) == (plan.before_start, plan.after_end,
                                                                              None)
    assert _named(at.selectbox, "Jämförelseområde").value == control_id


def test_a_changed_comparison_area_is_said_and_saved_only_when_confirmed(store, planned, districts):
    measure, plan, control_id = planned
    other = next(a for a in districts.index if a != control_id)
    old, new = districts.loc[control_id, "name"], districts.loc[other, "name"]
    at = open_page("followup.py")
    _named(at.text_input, "Ditt namn (för ändringsloggen)").input("Styrgruppen")
    _named(at.selectbox, "Jämförelseområde").set_value(other).run()
    assert [w.value for w in at.warning] == [f"Jämförelseområdet ändras från {old} till {new} – spara för att "
                                             "ändra."]
    _save(at)
    assert [e.value for e in at.error] == [f"Kryssa i att jämförelseområdet ska bytas, eller välj {old} igen."]
    assert store.list_followups(measure.id)[0].control_name == old  # nothing changed
    _named(at.checkbox, f"Ja, byt jämförelseområde från {old} till {new}").check()
    _save(at)
    stored = store.list_followups(measure.id)[0]
    assert stored.control_name == new
    assert shapely.from_wkt(stored.control_wkt).equals_exact(districts.geometry[other], tolerance=0.1)


def test_a_saved_area_that_is_no_district_stays_the_choice(store, planned, districts):
    measure, plan, _control_id = planned
    drawn = shapely.Point(districts.geometry.iloc[0].centroid).buffer(300)
    store.update_followup(plan.id, {"control_wkt": drawn.wkt, "control_name": "Egen yta"},
                          expected_version=plan.version, user="Anna")
    at = open_page("followup.py")
    box = _named(at.selectbox, "Jämförelseområde")
    assert box.value == "__saved__" and "Egen yta (sparat område)" in box.options
