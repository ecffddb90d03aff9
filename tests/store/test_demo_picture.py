"""The demo problem picture: shipped with the sample, loaded on the first start into a new store only."""

from __future__ import annotations

import json

import pytest

from exempelstad.demo_picture import DEMO_FILE, build_document, dumps_demo
from store.model import Hotspot
from store.problem_store import open_store
from workspace import Workspace
from workspace.demo import reset

PLACES = ["Stortorget – krogstråket", "Fritidsgården J – torsdagsdiscot", "Busstorget – nattbussarna",
          "Parkeringsplats N – infartsparkeringen"]
MEASURES = ["Kamera, belysning och ordningsvakter vid Stortorget",
            "Ansvarsfull alkoholservering och krogtillsyn vid krogarna F, G och H",
            "Fler och utspridda nattbussar från Busstorget", "Fler vuxna på torsdagsdiscot på fritidsgården J",
            "Riktad spaning mot spritförsäljning på parkeringsplats N"]
GOAL_KINDS = ["effektmål", "produktionsmål", "processmål", "produktionsmål", "effektmål"]


@pytest.fixture()
def workspace(tmp_path, monkeypatch):
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return Workspace.open(data_dir=tmp_path / "userdata")


def _first_start(workspace):
    """What the dashboard does when it opens its store (dashboard.services.shared_store)."""
    store = open_store(workspace.store_url)
    workspace.first_start(store)
    return store


def _active(store):
    return {"hotspot": store.list_hotspots(), "cause": store.list_causes(), "measure": store.list_measures(),
            "goal": store.list_goals(), "followup": store.list_followups()}


def test_the_shipped_file_is_what_the_generator_writes():
    assert DEMO_FILE.read_text(encoding="utf-8") == dumps_demo(build_document())


def test_a_new_store_gets_the_demo_picture(workspace):
    store = _first_start(workspace)
    rows = _active(store)
    assert [h.title for h in rows["hotspot"]] == PLACES
    assert {h.dataset_id for h in rows["hotspot"]} == {"exempelstad"}
    assert [h.picture for h in rows["hotspot"]] == ["gemensam", "gemensam", "kommun", "polis"]
    assert len(rows["cause"]) == 8
    torget = rows["hotspot"][0]
    assert [c.text for c in store.list_causes(torget.id)][0] == (
        "Överservering på krog F, ibland också till minderåriga.")
    assert [m.title for m in rows["measure"]] == MEASURES
    assert rows["measure"][0].start == "2025-03-01" and rows["measure"][0].hotspot_ids == [torget.id]
    assert [g.kind for g in rows["goal"]] == GOAL_KINDS
    effect = rows["goal"][0]
    assert (effect.hotspot_id, effect.target_change, effect.categories) == (torget.id, -0.2, ["Misshandel utomhus"])
    assert (rows["goal"][1].planned, rows["goal"][1].done, rows["goal"][1].unit) == (12, 9, "tillsynsbesök")
    [followup] = rows["followup"]
    assert followup.control_name == "Östra Strand (B01)" and followup.hotspot_id == torget.id
    assert (followup.before_start, followup.before_end) == ("2024-03-01", "2024-12-31")
    assert (followup.after_start, followup.after_end) == ("2025-03-01", "2025-12-31")
    assert {e.action for e in store.audit_log()} == {"import"}
    # One name for the demo's author: the file's rows and the log of the first start say the same.
    assert {h.created_by for h in rows["hotspot"]} == {"Exempelbilden (Samsyn)"}
    assert {e.user for e in store.audit_log()} == {"Exempelbilden (Samsyn)"}


def test_a_second_start_does_not_load_it_again(workspace):
    _first_start(workspace)
    again = _first_start(workspace)
    assert len(again.list_hotspots()) == 4 and len(again.list_causes()) == 8 and len(again.list_goals()) == 5


def test_an_existing_store_is_never_touched(workspace):
    with open_store(workspace.store_url) as store:  # the user's store, made before the dashboard first ran
        store.add_hotspot(Hotspot("Min plats", "POINT (589700 6545100)"), user="Anna")
    store = _first_start(workspace)
    assert [h.title for h in store.list_hotspots()] == ["Min plats"]
    assert store.list_goals() == [] and store.list_followups() == []


def test_a_store_the_user_emptied_stays_empty(workspace):
    store = _first_start(workspace)
    for hotspot in store.list_hotspots():
        store.archive_hotspot(hotspot.id, expected_version=hotspot.version, user="Anna")
    assert _first_start(workspace).list_hotspots() == []


def test_a_data_directory_on_the_users_own_data_starts_empty(workspace):
    from data.sample import paths
    from geo.dataset import read_incidents, write_incidents
    from store.datasets import create_dataset, save_role

    own = create_dataset(workspace.data_dir, "Polisens export")
    save_role(own, "incidents", ".parquet", lambda p: write_incidents(read_incidents(paths().incidents).head(10), p))
    workspace.set_default(own.id)
    store = _first_start(workspace)
    assert store.created and store.list_hotspots() == [] and store.audit_log() == []


def test_reset_archives_the_samples_picture_and_loads_it_again(workspace):
    store = _first_start(workspace)
    goal = store.list_goals()[0]
    store.update_goal(goal.id, {"description": "Ändrat av Anna"}, expected_version=goal.version, user="Anna")
    own = store.add_hotspot(Hotspot("Polisens egen plats", "POINT (1 2)", dataset_id="polisens-export"),
                            user="Anna")
    result = reset(store, user="Eva Admin")
    # 4 places + 8 causes + 5 measures + 5 goals + 1 follow-up of the sample were archived, nothing deleted.
    assert result.archived == 23
    assert result.sentence() == ("Exempelbilden är inläst: 4 platser, 8 orsaker, 5 åtgärder, 5 mål och "
                                 "1 uppföljning. 23 tidigare poster i exempeldatat arkiverades.")
    assert [h.title for h in store.list_hotspots() if h.dataset_id == "exempelstad"] == PLACES
    assert store.list_goals()[0].description.startswith("Misshandel utomhus vid Stortorget ska minska med 20 %")
    assert store.get_goal(goal.id).archived and store.get_goal(goal.id).description == "Ändrat av Anna"
    assert store.get_hotspot(own.id).archived is False  # another dataset is left as it is
    assert len(store.list_hotspots(include_archived=True)) == 9


def test_cli_demo_loads_once_and_resets(run_cli, tmp_path):
    data = tmp_path / "userdata"
    first = run_cli("picture", "demo", "--data", data, "--user", "Eva")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "Exempelbilden är inläst: 4 platser, 8 orsaker, 5 åtgärder, 5 mål och 1 uppföljning."
    second = run_cli("picture", "demo", "--data", data, "--user", "Eva")
    assert second.returncode == 2 and "inte tom" in second.stderr and "--reset" in second.stderr
    assert len(open_store(data / "problembild.db").list_hotspots(include_archived=True)) == 4
    third = run_cli("picture", "demo", "--reset", "--data", data, "--user", "Eva")
    assert third.returncode == 0, third.stderr
    assert "23 tidigare poster i exempeldatat arkiverades" in third.stdout


def test_the_effect_goal_at_stortorget_shows_what_the_sample_planted(run_cli, tmp_path):
    data = tmp_path / "userdata"
    assert run_cli("picture", "demo", "--data", data, "--user", "Eva").returncode == 0
    done = run_cli("report", "--data", data, "--out", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    goal = report["goals"][0]
    # The sample's planted intervention: 530 → 397 over equal periods, 397/530 − 1 = −0,2509, target −20 %.
    assert (goal["baseline"]["count"], goal["followup"]["count"]) == (530, 397)
    assert goal["change"] == pytest.approx(-0.2509, abs=1e-4) and goal["status"] == "grön"
    [followup] = report["followups"]
    assert followup["sentences"][0].replace("\xa0", " ") == (
        "I målområdet minskade misshandel utomhus från 530 till 397 händelser (−25 %).")
    assert (followup["counts"]["control"]["before"], followup["counts"]["control"]["after"]) == (99, 99)
