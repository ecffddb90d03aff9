"""Follow-ups (uppföljning) in the problem store, on SQLite and on PostgreSQL, and in `samsyn report`."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document

from data.sample import paths
from geo.dataset import read_areas
from reports.report import FollowupPlan, plan_from_followup
from store.backends import PostgresBackend, SQLiteBackend
from store.model import Followup, Goal, Hotspot, Measure
from store.problem_store import ConflictError, NotFoundError, ProblemStore, open_store
from store.schema import LATEST_VERSION
from tests.store._legacy import before_dataset_ids

REPO = Path(__file__).resolve().parents[2]
ANNA, BO = "Anna (polisen)", "Bo (kommunen)"
SQUARE = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"
RIGHT = "POLYGON ((10 0, 20 0, 20 10, 10 10, 10 0))"
CONTROL = "POLYGON ((100 0, 130 0, 130 30, 100 30, 100 0))"
CONTROL_2 = "POLYGON ((200 0, 230 0, 230 30, 200 30, 200 0))"
BOWTIE = "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))"


@pytest.fixture()
def measure(store: ProblemStore) -> Measure:
    """An active hotspot with a measure linked to it."""
    spot = store.add_hotspot(Hotspot(title="Österby torg", geometry_wkt=SQUARE), user=ANNA)
    return store.add_measure(Measure(title="Belysning", start="2025-03-01", hotspot_ids=[spot.id]), user=BO)


def plan_for(measure_id: int, **kw) -> Followup:
    return Followup(measure_id=measure_id, control_wkt=kw.pop("control_wkt", CONTROL), **kw)


def _backend(url: str):
    return PostgresBackend(url) if url.startswith("postgresql") else SQLiteBackend(url)


# -- CRUD ----------------------------------------------------------------------------------------


def test_followup_round_trips_every_field(store, measure):
    given = Followup(
        measure_id=measure.id,
        control_wkt=f" {CONTROL} ",
        control_name="  Jämförelseområde Östra Strand (B01) ",
        hotspot_id=measure.hotspot_ids[0],
        displacement_m=150,
        categories=["Misshandel utomhus", " Rån ", "Misshandel utomhus"],
        before_start="2024-03-01",
        before_end="2024-12-31",
        after_start="2025-03-01",
        after_end="2025-12-31",
        archived=True,  # ignored: a new row is active, version 1, with its own id
        id=99,
        version=7,
    )
    saved = store.add_followup(given, user=ANNA)
    assert saved.id is not None and saved.id != 99 and saved.version == 1 and not saved.archived
    assert saved.created_by == ANNA and saved.created_at == saved.updated_at
    assert saved.control_wkt == CONTROL and saved.control_name == "Jämförelseområde Östra Strand (B01)"
    assert saved.displacement_m == 150.0 and isinstance(saved.displacement_m, float)
    assert saved.categories == ["Misshandel utomhus", "Rån"]
    assert store.get_followup(saved.id) == saved

    defaults = store.add_followup(plan_for(measure.id, displacement_m=None), user=BO)
    assert defaults.hotspot_id is None and defaults.displacement_m is None and defaults.categories == []
    assert (defaults.before_start, defaults.before_end, defaults.after_start, defaults.after_end) == ("",) * 4
    assert store.get_followup(defaults.id) == defaults


def test_list_update_archive_and_restore(store, measure):
    other = store.add_measure(Measure(title="Ordningsvakter"), user=BO)
    a = store.add_followup(plan_for(measure.id), user=ANNA)
    b = store.add_followup(plan_for(other.id), user=ANNA)
    assert store.list_followups() == [a, b]
    assert store.list_followups(measure.id) == [a]
    assert store.list_followups(measure_id=other.id) == [b]

    updated = store.update_followup(
        a.id, {"displacement_m": 300, "before_start": "2024-01-01", "before_end": "2024-06-30"},
        expected_version=1, user=BO,
    )
    assert updated.version == 2 and updated.displacement_m == 300.0 and updated.before_end == "2024-06-30"
    assert store.get_followup(a.id) == updated
    same = store.update_followup(a.id, {"displacement_m": 300.0}, expected_version=2, user=BO)
    assert same.version == 2  # nothing changed, nothing written

    archived = store.archive_followup(a.id, expected_version=2, user=BO)
    assert archived.archived and archived.version == 3
    assert store.list_followups() == [b]
    assert store.list_followups(measure.id) == []
    assert [f.id for f in store.list_followups(include_archived=True)] == [a.id, b.id]
    assert store.get_followup(a.id).archived  # archived rows stay readable

    back = store.restore("followup", a.id, expected_version=3, user=ANNA)
    assert not back.archived and back.version == 4
    assert [f.id for f in store.list_followups()] == [a.id, b.id]

    with pytest.raises(ValueError, match="'archived' kan inte ändras här"):
        store.update_followup(a.id, {"archived": True}, expected_version=4, user=BO)
    with pytest.raises(NotFoundError, match="Det finns ingen uppföljning med id 999"):
        store.get_followup(999)


def test_audit_log_records_every_change(store, measure):
    f = store.add_followup(plan_for(measure.id), user=ANNA)
    store.update_followup(f.id, {"control_name": "Västra", "after_start": "2025-03-01",
                                 "after_end": "2025-12-31"}, expected_version=1, user=BO)  # fmt: skip
    store.archive_followup(f.id, expected_version=2, user=BO)
    store.restore("followup", f.id, expected_version=3, user=ANNA)
    log = store.audit_log("followup", f.id)
    assert [e.action for e in log] == ["create", "update", "archive", "restore"]
    assert [e.user for e in log] == [ANNA, BO, BO, ANNA]
    assert [e.version for e in log] == [1, 2, 3, 4]
    assert log[0].changes["measure_id"] == [None, measure.id]
    assert log[0].changes["control_wkt"] == [None, CONTROL]
    assert log[0].changes["displacement_m"] == [None, 200.0]
    assert log[1].changes == {
        "control_name": ["", "Västra"],
        "after_start": ["", "2025-03-01"],
        "after_end": ["", "2025-12-31"],
    }
    assert log[2].changes == {"archived": [False, True]}
    assert [e.entity for e in store.audit_log("followup")] == ["followup"] * 4


def test_stale_version_raises_conflict(store, measure):
    f = store.add_followup(plan_for(measure.id), user=ANNA)
    store.update_followup(f.id, {"displacement_m": 100, "control_wkt": CONTROL_2},
                          expected_version=1, user=ANNA)  # fmt: skip
    with pytest.raises(ConflictError) as caught:
        store.update_followup(f.id, {"control_name": "Mitt namn"}, expected_version=1, user=BO)
    message = str(caught.value)
    assert message.startswith("Uppföljningen har ändrats av Anna (polisen) kl. ")
    assert "undanträngningsavstånd (m) '200.0' → '100.0'" in message
    assert "jämförelseområde" in message and "POLYGON" not in message  # geometry named, not quoted
    assert message.endswith("Läs in den igen och gör din ändring på nytt.")
    assert caught.value.current.version == 2 and caught.value.changed_by == [ANNA]
    assert store.get_followup(f.id).control_name == ""  # never a silent overwrite
    with pytest.raises(ConflictError):
        store.archive_followup(f.id, expected_version=1, user=BO)
    assert not store.get_followup(f.id).archived


# -- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"control_wkt": ""}, "behöver ett jämförelseområde"),
        ({"control_wkt": "POLYGON ((0 0, 1"}, "Jämförelseområdet går inte att läsa"),
        ({"control_wkt": "POINT (1 2)"}, "ska vara en yta \\(polygon\\), inte Point"),
        ({"control_wkt": "POLYGON EMPTY"}, "Jämförelseområdet är tomt"),
        ({"control_wkt": BOWTIE}, "Jämförelseområdet är ogiltigt \\(Self-intersection"),
        ({"displacement_m": -5}, "0 meter eller mer"),
        ({"displacement_m": float("inf")}, "0 meter eller mer"),
        ({"displacement_m": "200"}, "Undanträngningsavståndet ska vara ett tal"),
        ({"categories": "Rån"}, "Brottskategorier ska vara en lista"),
        ({"before_start": "2024-13-01", "before_end": "2024-12-31"}, "Förperiodens start '2024-13-01' är inget datum"),
        ({"before_start": "2024-01-01"}, "Förperioden: ange både start- och slutdatum"),
        ({"after_end": "2025-12-31"}, "Efterperioden: ange både start- och slutdatum"),
        ({"after_start": "2025-06-01", "after_end": "2025-03-01"},
         "Efterperioden: slutdatum 2025-03-01 ligger före startdatum 2025-06-01"),
        ({"measure_id": None}, "Välj vilken åtgärd uppföljningen gäller"),
        ({"measure_id": "1"}, "Id för åtgärd ska vara ett heltal"),
        ({"measure_id": 999}, "Det finns ingen åtgärd med id 999"),
        ({"hotspot_id": 999}, "Det finns ingen plats med id 999"),
    ],
)
def test_invalid_followups_raise_swedish_errors(store, measure, changes, message):
    with pytest.raises(ValueError, match=message):
        store.add_followup(replace(plan_for(measure.id), **changes), user=ANNA)
    f = store.add_followup(plan_for(measure.id), user=ANNA)
    with pytest.raises(ValueError, match=message):
        store.update_followup(f.id, changes, expected_version=1, user=ANNA)
    assert store.get_followup(f.id) == f


def test_target_hotspot_must_be_active(store, measure):
    spot = store.add_hotspot(Hotspot(title="Gången", geometry_wkt=RIGHT), user=ANNA)
    f = store.add_followup(plan_for(measure.id, hotspot_id=spot.id), user=ANNA)
    store.archive_hotspot(spot.id, expected_version=1, user=ANNA)
    with pytest.raises(ValueError, match=f"Plats {spot.id} är arkiverad"):
        store.add_followup(plan_for(measure.id, hotspot_id=spot.id), user=ANNA)
    # a follow-up already pointing there can still be edited in other fields
    assert store.update_followup(f.id, {"control_name": "B01"}, expected_version=1, user=BO).version == 2
    with pytest.raises(ValueError, match="Ange vem som gör ändringen"):
        store.add_followup(plan_for(measure.id), user=" ")
    with pytest.raises(TypeError):
        store.add_followup(Goal(kind="effektmål", description="fel typ"), user=ANNA)


# -- merge, purge, integrity ---------------------------------------------------------------------


def test_merging_hotspots_moves_their_followups(store):
    a = store.add_hotspot(Hotspot(title="Torget", geometry_wkt=SQUARE), user=ANNA)
    b = store.add_hotspot(Hotspot(title="Gången", geometry_wkt=RIGHT), user=ANNA)
    c = store.add_hotspot(Hotspot(title="Parken", geometry_wkt=CONTROL), user=ANNA)
    m = store.add_measure(Measure(title="Vakter", hotspot_ids=[a.id, b.id]), user=BO)
    on_a = store.add_followup(plan_for(m.id, hotspot_id=a.id), user=ANNA)
    on_b = store.add_followup(plan_for(m.id, hotspot_id=b.id), user=ANNA)
    on_b = store.archive_followup(on_b.id, expected_version=1, user=ANNA)
    on_c = store.add_followup(plan_for(m.id, hotspot_id=c.id), user=ANNA)
    no_target = store.add_followup(plan_for(m.id), user=ANNA)

    merged = store.merge_hotspots([a.id, b.id], title="Torget och gången", user="Cia (kommunen)")
    moved = store.get_followup(on_a.id)
    assert moved.hotspot_id == merged.id and moved.version == 2
    assert store.get_followup(on_b.id).hotspot_id == merged.id  # archived ones move too
    assert store.get_followup(on_b.id).archived
    assert store.get_followup(on_c.id) == on_c
    assert store.get_followup(no_target.id) == no_target
    entry = store.audit_log("followup", on_a.id)[-1]
    assert entry.user == "Cia (kommunen)" and entry.changes == {"hotspot_id": [a.id, merged.id]}
    assert store.integrity_check() == []


def test_purge_followup_and_the_rows_it_points_to(store, measure):
    f = store.add_followup(plan_for(measure.id, hotspot_id=measure.hotspot_ids[0]), user=ANNA)
    store.archive_measure(measure.id, expected_version=1, user=BO)
    with pytest.raises(ValueError, match="Åtgärden har fortfarande 1 uppföljningar"):
        store.purge("measure", measure.id, user=BO, confirm="RADERA")
    hid = measure.hotspot_ids[0]
    store.archive_hotspot(hid, expected_version=1, user=ANNA)
    with pytest.raises(ValueError, match="Platsen har fortfarande 1 uppföljningar"):
        store.purge("hotspot", hid, user=ANNA, confirm="RADERA")
    with pytest.raises(ValueError, match="Bara arkiverade poster kan raderas"):
        store.purge("followup", f.id, user=ANNA, confirm="RADERA")

    store.archive_followup(f.id, expected_version=1, user=ANNA)
    store.purge("followup", f.id, user=ANNA, confirm="RADERA")
    with pytest.raises(NotFoundError):
        store.get_followup(f.id)
    log = store.audit_log("followup", f.id)
    assert [e.action for e in log] == ["create", "archive", "purge"]
    assert all(old is None and new is None for e in log for old, new in e.changes.values())
    store.purge("measure", measure.id, user=BO, confirm="RADERA")
    store.purge("hotspot", hid, user=ANNA, confirm="RADERA")
    assert store.integrity_check() == []


def test_integrity_check_finds_followups_of_missing_rows(tmp_path):
    path = tmp_path / "trasig.db"
    store = open_store(path)
    h = store.add_hotspot(Hotspot(title="Torget", geometry_wkt=SQUARE), user=ANNA)
    m = store.add_measure(Measure(title="Vakter"), user=BO)
    f = store.add_followup(plan_for(m.id, hotspot_id=h.id), user=ANNA)
    conn = sqlite3.connect(path)  # foreign keys are off on a bare connection
    conn.execute("DELETE FROM measures")
    conn.execute("DELETE FROM hotspots")
    conn.commit()
    conn.close()
    problems = store.integrity_check()
    assert f"Uppföljning {f.id} hör till en åtgärd som inte finns." in problems
    assert f"Uppföljning {f.id} hör till en plats som inte finns." in problems
    assert any("followups" in p for p in problems)  # SQLite's own foreign_key_check


# -- migration -----------------------------------------------------------------------------------


def test_opening_a_version_2_database_adds_followups(store_url):
    old = _backend(store_url)
    assert old.migrate(target=2) == 2 and old.schema_version() == 2
    v2 = ProblemStore(old)
    with before_dataset_ids():
        spot = v2.add_hotspot(Hotspot(title="Från version 2", geometry_wkt=SQUARE), user=ANNA)
        m = v2.add_measure(Measure(title="Belysning", hotspot_ids=[spot.id]), user=BO)
        goal = v2.add_goal(Goal(kind="effektmål", description="Färre rån", measure_id=m.id), user=BO)
    with old.transaction(write=False) as tx, pytest.raises(Exception):  # noqa: B017, PT011 (no table yet)
        tx.query("SELECT * FROM followups")
    old.close()

    assert LATEST_VERSION == 6  # 5: the role table; 6: measures shareable, the dataset change log
    store = open_store(store_url)
    try:
        assert store.schema_version() == 6
        assert store.get_hotspot(spot.id) == spot and store.get_measure(m.id) == m
        assert store.list_goals() == [goal]
        f = store.add_followup(plan_for(m.id, hotspot_id=spot.id), user=ANNA)
        assert store.list_followups(m.id) == [f]
        assert store.integrity_check() == []
    finally:
        store.close()
    again = open_store(store_url)  # idempotent
    try:
        assert again.list_followups() == [f]
        with again._backend.transaction(write=False) as tx:
            rows = tx.query("SELECT version, description FROM schema_version ORDER BY version")
        assert [r["version"] for r in rows] == [1, 2, 3, 4, 5, 6]
        assert "follow-ups" in rows[2]["description"]
    finally:
        again.close()


# -- report --------------------------------------------------------------------------------------


def test_plan_from_followup_converts_periods():
    f = Followup(4, CONTROL, control_name="B01", hotspot_id=2, displacement_m=None, categories=["Rån"],
                 after_start="2025-03-01", after_end="2025-12-31")  # fmt: skip
    plan = plan_from_followup(f)
    assert plan == FollowupPlan(4, CONTROL, hotspot_id=2, displacement_m=None, before=None,
                                after=("2025-03-01", "2025-12-31"), categories=["Rån"], control_name="B01",
                                dataset_id="exempelstad")  # fmt: skip
    plan.categories.append("Klotter")
    assert f.categories == ["Rån"]  # the plan does not share the follow-up's list


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]  # tables follow all paragraphs
    for table in document.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


def test_cli_report_runs_the_stored_followups(store_url, tmp_path):
    p = paths()
    truth = json.loads(p.truth.read_text(encoding="utf-8"))
    intervention = truth["intervention"]
    districts = read_areas(p.districts)
    b01 = districts.loc[districts["area_id"] == "B01", "geometry"].iloc[0].wkt
    with open_store(store_url) as store:
        spot = store.add_hotspot(Hotspot(title="Stortorget och krogarna", geometry_wkt=intervention["target_polygon_wkt"],
                                         categories=[intervention["category"]]), user=ANNA)  # fmt: skip
        title = "Kamera, belysning och ordningsvakter vid Stortorget"
        m = store.add_measure(Measure(title=title, start=intervention["date"], status="pågår",
                                      hotspot_ids=[spot.id]), user=ANNA)  # fmt: skip
        store.add_followup(Followup(m.id, b01, control_name="Jämförelseområde Östra Strand (B01)",
                                    categories=[intervention["category"]], before_start=intervention["before"][0],
                                    before_end=intervention["before"][1]), user=ANNA)  # fmt: skip
        gone = store.add_followup(Followup(m.id, b01, control_name="Arkiverat jämförelseområde"), user=ANNA)
        store.archive_followup(gone.id, expected_version=1, user=ANNA)

    env = {**os.environ, "PYTHONPATH": str(REPO), "SAMSYN_DATA": str(tmp_path / "data")}
    out = tmp_path / "problembild.docx"
    command = [sys.executable, "-m", "cli", "report", "--out", str(out), "--db", store_url,
               "--data", str(tmp_path / "data")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "1 uppföljning;" in done.stdout
    text = _docx_text(out)
    section = text[text.index("\nUppföljning\n"):]
    assert "Ingen effektuppföljning är planerad ännu." not in section
    assert f"\n{title}\n" in section  # the WDD section of the measure
    assert "Skattad effekt (WDD)" in section
    assert "Östra Strand (B01)" in section
    assert "Arkiverat jämförelseområde" not in text

    # --followup still adds a plan on top of the stored one
    flagged = [str(tmp_path / "med-flagga.docx") if part == str(out) else part for part in command]
    flagged += ["--followup", f"{m.id}:B01:100"]
    done = subprocess.run(flagged, capture_output=True, text=True, env=env, cwd=REPO, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "2 uppföljningar;" in done.stdout

