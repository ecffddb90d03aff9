"""Every operation of the problem store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
import shapely

from store.backends import PostgresBackend, SQLiteBackend
from store.model import Cause, Goal, Hotspot, Measure
from store.problem_store import (
    AuditEntry,
    ConflictError,
    NotFoundError,
    ProblemStore,
    open_store,
)
from store.schema import LATEST_VERSION
from tests.store._legacy import before_dataset_ids

ANNA, BO = "Anna (polisen)", "Bo (kommunen)"
SQUARE = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"
RIGHT = "POLYGON ((10 0, 20 0, 20 10, 10 10, 10 0))"


def spot(title: str = "Österby torg", **kw) -> Hotspot:
    return Hotspot(title=title, geometry_wkt=kw.pop("geometry_wkt", SQUARE), **kw)


def cause_for(hotspot_id: int, **kw) -> Cause:
    return Cause(hotspot_id=hotspot_id, perspective="situationell", proximity="närliggande",
                 text=kw.pop("text", "Mörk gångväg"), **kw)  # fmt: skip


# -- hotspots ------------------------------------------------------------------------------------


def test_hotspot_round_trips_every_field(store):
    given = Hotspot(
        title="Österby torg",
        geometry_wkt=SQUARE,
        crs="EPSG:3010",
        source_kind="cell",
        source_id="c-12-40",
        categories=["Klotter", "Skadegörelse på motorfordon"],
        weekdays=[6, 5, 5],
        hours=[23, 22],
        organisation="polis",
        picture="polis",
        priority=1,
        status="prioriterad",
        notes="Ungdomar samlas vid kiosken.\nÅäö “citat”",
        snapshot={
            "count": np.int64(41),
            "rate": np.float64(3.5),
            "trend": np.array([1, 2]),
            "change": float("nan"),
            "filters": {"år": 2024, "från": pd.Timestamp("2024-01-01")},
        },
    )
    saved = store.add_hotspot(given, user=ANNA)
    assert saved.id is not None and saved.version == 1
    assert saved.created_by == ANNA and saved.created_at == saved.updated_at
    assert datetime.fromisoformat(saved.created_at).utcoffset() is not None  # local time with offset
    assert saved.weekdays == [5, 6] and saved.hours == [22, 23]
    assert saved.snapshot == {
        "count": 41,
        "rate": 3.5,
        "trend": [1, 2],
        "change": None,
        "filters": {"år": 2024, "från": "2024-01-01T00:00:00"},
    }
    loaded = store.get_hotspot(saved.id)
    assert loaded == saved
    for name in ("title", "geometry_wkt", "crs", "source_kind", "source_id", "categories", "organisation",
                 "picture", "priority", "status", "notes"):  # fmt: skip
        assert getattr(loaded, name) == getattr(given, name)
    assert loaded.archived is False and loaded.merged_into is None
    same = store.update_hotspot(saved.id, {"snapshot": loaded.snapshot}, expected_version=1, user=ANNA)
    assert same.version == 1  # nothing changed, nothing written


def test_list_hotspots_filters_picture_and_archived(store):
    a = store.add_hotspot(spot("A", picture="polis"), user=ANNA)
    b = store.add_hotspot(spot("B", picture="kommun"), user=BO)
    c = store.add_hotspot(spot("C"), user=BO)
    assert [h.title for h in store.list_hotspots()] == ["A", "B", "C"]
    assert [h.id for h in store.list_hotspots(picture="polis")] == [a.id]
    archived = store.archive_hotspot(b.id, expected_version=b.version, user=BO)
    assert archived.archived and archived.version == 2
    assert [h.id for h in store.list_hotspots()] == [a.id, c.id]
    assert [h.id for h in store.list_hotspots(include_archived=True)] == [a.id, b.id, c.id]
    assert store.get_hotspot(b.id).archived  # archived rows stay readable
    with pytest.raises(ValueError, match="Problembild 'x' finns inte"):
        store.list_hotspots(picture="x")


def test_update_bumps_version_and_logs_old_and_new(store):
    saved = store.add_hotspot(spot(), user=ANNA)
    updated = store.update_hotspot(
        saved.id, {"status": "prioriterad", "notes": "Belysning saknas"}, expected_version=1, user=BO
    )
    assert updated.version == 2 and updated.status == "prioriterad"
    assert store.get_hotspot(saved.id) == updated
    log = store.audit_log("hotspot", saved.id)
    assert [e.action for e in log] == ["create", "update"]
    assert all(isinstance(e, AuditEntry) for e in log)
    assert log[0].user == ANNA and log[0].changes["title"] == [None, "Österby torg"]
    assert log[1].user == BO and log[1].version == 2
    assert log[1].changes == {"status": ["förslag", "prioriterad"], "notes": ["", "Belysning saknas"]}
    # an update that changes nothing writes nothing
    same = store.update_hotspot(saved.id, {"status": "prioriterad"}, expected_version=2, user=BO)
    assert same.version == 2 and len(store.audit_log("hotspot", saved.id)) == 2


def test_stale_version_raises_conflict_naming_what_changed_and_by_whom(store):
    saved = store.add_hotspot(spot(), user=ANNA)
    store.update_hotspot(
        saved.id, {"status": "prioriterad", "notes": "Ny text"}, expected_version=1, user=ANNA
    )
    with pytest.raises(ConflictError) as caught:
        store.update_hotspot(saved.id, {"priority": 1}, expected_version=1, user=BO)
    error = caught.value
    message = str(error)
    assert message.startswith("Platsen har ändrats av Anna (polisen) kl. ")
    assert "sedan du öppnade den: status 'förslag' → 'prioriterad', anteckningar." in message
    assert message.endswith("Läs in den igen och gör din ändring på nytt.")
    assert isinstance(error, ValueError)
    assert error.fields == ["status", "notes"] and error.changed_by == [ANNA]
    assert error.current.version == 2 and error.current.priority == 2
    assert store.get_hotspot(saved.id).priority == 2  # never a silent overwrite
    with pytest.raises(ConflictError, match="status 'förslag' → 'prioriterad'"):
        store.archive_hotspot(saved.id, expected_version=1, user=BO)
    store.archive_hotspot(saved.id, expected_version=2, user=BO)
    with pytest.raises(ConflictError, match="av Bo \\(kommunen\\) kl. .*arkiverad 'nej' → 'ja'"):
        store.update_hotspot(saved.id, {"notes": "sent"}, expected_version=2, user=ANNA)


def test_conflict_names_several_users_and_other_entities(store):
    h = store.add_hotspot(spot(), user=ANNA)
    goal = store.add_goal(Goal(kind="processmål", description="Fler vandringar", hotspot_id=h.id), user=ANNA)
    store.update_goal(goal.id, {"planned": 4}, expected_version=1, user=ANNA)
    store.update_goal(goal.id, {"done": 1}, expected_version=2, user=BO)
    with pytest.raises(ConflictError) as caught:
        store.update_goal(goal.id, {"unit": "st"}, expected_version=1, user="Cia")
    assert str(caught.value).startswith("Målet har ändrats av Anna (polisen) och Bo (kommunen)")
    assert "planerat '–' → '4.0'" in str(caught.value) and "utfört '–' → '1.0'" in str(caught.value)
    assert "sedan du öppnade det" in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"status": "klar"},
            "Status 'klar' finns inte; välj bland: förslag, prioriterad, åtgärdad, avslutad.",
        ),
        ({"organisation": "skolan"}, "Organisation 'skolan' finns inte"),
        ({"title": "  "}, "Platsen behöver en titel."),
        ({"geometry_wkt": "POLYGON ((0 0, 1"}, "Geometrin går inte att läsa"),
        ({"geometry_wkt": "POINT EMPTY"}, "Geometrin är tom."),
        ({"weekdays": [0]}, "Veckodagar anges som tal 1–7"),
        ({"hours": [24]}, "Timmar anges som tal 0–23"),
        ({"priority": 5}, "Prioritet '5' finns inte"),
        ({"id": 7}, "Fältet 'id' kan inte ändras här"),
        ({"archived": True}, "Fältet 'archived' kan inte ändras här"),
    ],
)
def test_invalid_hotspot_changes_raise_swedish_errors(store, changes, message):
    saved = store.add_hotspot(spot(), user=ANNA)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        store.update_hotspot(saved.id, changes, expected_version=1, user=ANNA)
    assert store.get_hotspot(saved.id) == saved


def test_invalid_new_rows_and_missing_rows(store):
    with pytest.raises(ValueError, match="Platsen behöver en titel"):
        store.add_hotspot(spot(""), user=ANNA)
    with pytest.raises(ValueError, match="ogiltig WKT"):
        store.add_hotspot(spot(geometry_wkt="inte wkt"), user=ANNA)
    with pytest.raises(ValueError, match="Ange vem som gör ändringen"):
        store.add_hotspot(spot(), user=" ")
    h = store.add_hotspot(spot(), user=ANNA)
    with pytest.raises(ValueError, match="Perspektiv 'polis' finns inte"):
        store.add_cause(
            Cause(hotspot_id=h.id, perspective="polis", proximity="avlägsen", text="x"), user=ANNA
        )
    with pytest.raises(ValueError, match="Närhet 'nära' finns inte"):
        store.add_cause(
            Cause(hotspot_id=h.id, perspective="brottsoffer", proximity="nära", text="x"), user=ANNA
        )
    with pytest.raises(ValueError, match="Orsaken behöver en text"):
        store.add_cause(cause_for(h.id, text=""), user=ANNA)
    with pytest.raises(NotFoundError, match="Det finns ingen plats med id 999"):
        store.add_cause(cause_for(999), user=ANNA)
    with pytest.raises(ValueError, match="Typ av åtgärd 'hård' finns inte"):
        store.add_measure(Measure(title="Kameror", kind="hård"), user=ANNA)
    with pytest.raises(ValueError, match="Startdatum '2025-13-01' är inget datum"):
        store.add_measure(Measure(title="Kameror", start="2025-13-01"), user=ANNA)
    with pytest.raises(ValueError, match="slutdatum 2025-01-01 ligger före startdatum 2025-06-01"):
        store.add_measure(Measure(title="Kameror", start="2025-06-01", end="2025-01-01"), user=ANNA)
    with pytest.raises(ValueError, match="Måltyp 'resultatmål' finns inte"):
        store.add_goal(Goal(kind="resultatmål", description="x"), user=ANNA)
    with pytest.raises(ValueError, match="Målförändringen ska vara ett tal"):
        store.add_goal(Goal(kind="effektmål", description="x", target_change="mycket"), user=ANNA)
    with pytest.raises(NotFoundError):
        store.get_hotspot(12345)
    with pytest.raises(ValueError, match="Det finns ingen åtgärd med id 5"):
        store.update_measure(5, {"title": "x"}, expected_version=1, user=ANNA)
    assert store.list_causes() == [] and store.list_measures() == [] and store.list_goals() == []


# -- causes, measures, goals ---------------------------------------------------------------------


def test_causes_crud(store):
    a = store.add_hotspot(spot("A"), user=ANNA)
    b = store.add_hotspot(spot("B"), user=ANNA)
    c1 = store.add_cause(cause_for(a.id, shareable=True), user=BO)
    c2 = store.add_cause(Cause(hotspot_id=b.id, perspective="gärningsperson", proximity="avlägsen",
                               text="Ingen fritidsgård"), user=BO)  # fmt: skip
    assert store.get_cause(c1.id) == c1 and c1.shareable is True and c1.version == 1
    assert store.list_causes(a.id) == [c1] and store.list_causes() == [c1, c2]
    moved = store.update_cause(
        c1.id, {"hotspot_id": b.id, "text": "Buskar skymmer"}, expected_version=1, user=ANNA
    )
    assert moved.hotspot_id == b.id and store.list_causes(b.id) == [moved, c2]
    gone = store.archive_cause(c2.id, expected_version=1, user=ANNA)
    assert gone.archived and store.list_causes(b.id) == [moved]
    assert store.list_causes(b.id, include_archived=True) == [moved, gone]
    store.archive_hotspot(a.id, expected_version=1, user=ANNA)
    with pytest.raises(ValueError, match=f"Plats {a.id} är arkiverad"):
        store.add_cause(cause_for(a.id), user=ANNA)
    assert [e.action for e in store.audit_log("cause", c1.id)] == ["create", "update"]


def test_measures_and_links(store):
    a = store.add_hotspot(spot("A"), user=ANNA)
    b = store.add_hotspot(spot("B"), user=ANNA)
    c = store.add_hotspot(spot("C"), user=ANNA)
    given = Measure(title="Belysning på gångvägen", description="Byt armaturer", organisation="kommun",
                    responsible="Tekniska förvaltningen", kind="situationell", start="2025-03-01",
                    end="2025-06-30", status="pågår", hotspot_ids=[b.id, a.id])  # fmt: skip
    m = store.add_measure(given, user=BO)
    assert m.hotspot_ids == [a.id, b.id] and m.version == 1
    assert store.get_measure(m.id) == m
    assert [x.id for x in store.list_measures(hotspot_id=b.id)] == [m.id]
    assert store.list_measures(hotspot_id=c.id) == []

    linked = store.link_measure(m.id, [c.id], user=ANNA)
    assert linked.hotspot_ids == [a.id, b.id, c.id] and linked.version == 2
    assert store.link_measure(m.id, [c.id], user=ANNA) == linked  # linking again changes nothing
    only_c = store.link_measure(m.id, [c.id], user=ANNA, replace_links=True, expected_version=2)
    assert only_c.hotspot_ids == [c.id] and store.list_measures(hotspot_id=a.id) == []
    with pytest.raises(ConflictError, match="platser"):
        store.link_measure(m.id, [a.id], user=BO, expected_version=2)
    entry = store.audit_log("measure", m.id)[-1]
    assert entry.action == "link" and entry.changes == {"hotspot_ids": [[a.id, b.id, c.id], [c.id]]}

    updated = store.update_measure(m.id, {"status": "genomförd", "hotspot_ids": [a.id]}, expected_version=3,
                                   user=BO)  # fmt: skip
    assert updated.hotspot_ids == [a.id] and store.get_measure(m.id) == updated
    store.archive_hotspot(b.id, expected_version=1, user=ANNA)
    with pytest.raises(ValueError, match=f"Plats {b.id} är arkiverad"):
        store.link_measure(m.id, [b.id], user=ANNA)
    archived = store.archive_measure(m.id, expected_version=4, user=BO)
    assert store.list_measures() == [] and store.list_measures(include_archived=True) == [archived]


def test_goals_crud(store):
    h = store.add_hotspot(spot(), user=ANNA)
    m = store.add_measure(Measure(title="Väktare", hotspot_ids=[h.id]), user=BO)
    effect = Goal(kind="effektmål", description="20 % färre skadegörelsebrott", hotspot_id=h.id,
                  categories=["Skadegörelse", "Klotter"], baseline_start="2024-01-01", baseline_end="2024-06-30",
                  followup_start="2025-01-01", followup_end="2025-06-30", target_change=-0.2)  # fmt: skip
    g1 = store.add_goal(effect, user=ANNA)
    g2 = store.add_goal(Goal(kind="produktionsmål", description="Väktarpass", measure_id=m.id, planned=40,
                             unit="pass"), user=BO)  # fmt: skip
    assert store.get_goal(g1.id) == g1 and g1.target_change == pytest.approx(-0.2)
    assert g2.planned == 40.0 and g2.done is None
    assert store.list_goals(hotspot_id=h.id) == [g1]
    assert store.list_goals(measure_id=m.id) == [g2]
    assert store.list_goals() == [g1, g2]
    done = store.update_goal(g2.id, {"done": 12}, expected_version=1, user=BO)
    assert done.done == 12.0 and store.get_goal(g2.id).done == 12.0
    store.archive_goal(g1.id, expected_version=1, user=ANNA)
    assert store.list_goals() == [done]
    with pytest.raises(NotFoundError, match="Det finns ingen åtgärd med id 77"):
        store.add_goal(Goal(kind="processmål", description="x", measure_id=77), user=ANNA)


# -- merge ---------------------------------------------------------------------------------------


def test_merge_hotspots(store):
    a = store.add_hotspot(spot("Torget", categories=["Klotter"], weekdays=[5], hours=[22], notes="Kiosken",
                               priority=2, snapshot={"count": 10}), user=ANNA)  # fmt: skip
    b = store.add_hotspot(spot("Gången", geometry_wkt=RIGHT, categories=["Cykelstöld", "Klotter"],
                               weekdays=[6], hours=[23, 22], priority=1, status="prioriterad",
                               snapshot={"count": 5}), user=BO)  # fmt: skip
    cause = store.add_cause(cause_for(a.id), user=ANNA)
    goal = store.add_goal(Goal(kind="effektmål", description="Färre klotter", hotspot_id=b.id), user=ANNA)
    m = store.add_measure(Measure(title="Städning", hotspot_ids=[a.id, b.id]), user=BO)

    merged = store.merge_hotspots([a.id, b.id], title="Torget och gången", user="Cia (kommunen)")
    assert merged.id not in (a.id, b.id) and merged.version == 1 and not merged.archived
    geometry = shapely.from_wkt(merged.geometry_wkt)
    assert geometry.area == pytest.approx(200.0)
    assert geometry.equals(shapely.box(0, 0, 20, 10))
    assert merged.categories == ["Klotter", "Cykelstöld"]
    assert merged.weekdays == [5, 6] and merged.hours == [22, 23]
    assert merged.notes == "Torget: Kiosken" and merged.priority == 1 and merged.status == "förslag"
    assert merged.snapshot == {
        "merged_from": [
            {"id": a.id, "title": "Torget", "snapshot": {"count": 10}},
            {"id": b.id, "title": "Gången", "snapshot": {"count": 5}},
        ]
    }
    assert store.get_hotspot(merged.id) == merged
    for original in (a, b):
        now = store.get_hotspot(original.id)
        assert now.archived and now.merged_into == merged.id and now.version == 2
    assert [h.id for h in store.list_hotspots()] == [merged.id]
    assert store.get_cause(cause.id).hotspot_id == merged.id
    assert store.get_goal(goal.id).hotspot_id == merged.id
    assert store.get_measure(m.id).hotspot_ids == [merged.id]
    entry = store.audit_log("hotspot", merged.id)[0]
    assert entry.action == "merge" and entry.changes["merged_from"] == [None, [a.id, b.id]]
    assert store.audit_log("hotspot", a.id)[-1].changes == {
        "merged_into": [None, merged.id],
        "archived": [False, True],
    }
    assert store.integrity_check() == []

    with pytest.raises(ValueError, match=f"Plats {a.id} har slagits ihop med plats {merged.id}"):
        store.merge_hotspots([a.id, merged.id], title="Igen", user=ANNA)
    with pytest.raises(ValueError, match="Välj minst två platser"):
        store.merge_hotspots([merged.id, merged.id], title="Ensam", user=ANNA)
    other = store.add_hotspot(spot("Annan zon", crs="EPSG:3010"), user=ANNA)
    with pytest.raises(ValueError, match="olika koordinatsystem"):
        store.merge_hotspots([merged.id, other.id], title="Blandat", user=ANNA)
    with pytest.raises(ConflictError):
        store.merge_hotspots([merged.id, other.id], title="x", user=ANNA, expected_versions={other.id: 7})
    with pytest.raises(ValueError, match="kan inte återställas"):
        store.restore("hotspot", a.id, expected_version=2, user=ANNA)


# -- archive, restore, purge ---------------------------------------------------------------------


def test_restore_brings_an_archived_row_back(store):
    h = store.add_hotspot(spot(), user=ANNA)
    store.archive_hotspot(h.id, expected_version=1, user=ANNA)
    back = store.restore("hotspot", h.id, expected_version=2, user=BO)
    assert not back.archived and back.version == 3
    assert [e.action for e in store.audit_log("hotspot", h.id)] == ["create", "archive", "restore"]


def test_purge_only_archived_and_only_with_confirmation(store):
    h = store.add_hotspot(spot(notes="Namn som inte ska sparas"), user=ANNA)
    cause = store.add_cause(cause_for(h.id), user=ANNA)
    m = store.add_measure(Measure(title="Vakt", hotspot_ids=[h.id]), user=BO)

    with pytest.raises(ValueError, match="Bara arkiverade poster kan raderas"):
        store.purge("hotspot", h.id, user=ANNA, confirm="RADERA")
    store.archive_hotspot(h.id, expected_version=1, user=ANNA)
    for confirm in ("", "radera", "ja"):
        with pytest.raises(ValueError, match="Skriv RADERA för att bekräfta"):
            store.purge("hotspot", h.id, user=ANNA, confirm=confirm)
    with pytest.raises(ValueError, match="Platsen har fortfarande 1 orsaker"):
        store.purge("hotspot", h.id, user=ANNA, confirm="RADERA")
    with pytest.raises(ValueError, match="Okänd posttyp 'plats'"):
        store.purge("plats", h.id, user=ANNA, confirm="RADERA")
    assert store.get_hotspot(h.id).archived  # nothing destroyed so far

    store.archive_cause(cause.id, expected_version=1, user=ANNA)
    store.purge("cause", cause.id, user=ANNA, confirm="RADERA")
    store.purge("hotspot", h.id, user=ANNA, confirm="RADERA")
    with pytest.raises(NotFoundError):
        store.get_hotspot(h.id)
    assert store.get_measure(m.id).hotspot_ids == []
    log = store.audit_log("hotspot", h.id)
    assert [e.action for e in log] == ["create", "archive", "purge"]
    assert log[-1].user == ANNA
    assert all(old is None and new is None for e in log for old, new in e.changes.values())
    assert "notes" in log[0].changes  # which fields were set stays; their values do not
    assert store.audit_log("measure", m.id)[-1].changes == {"hotspot_ids": [[h.id], []]}
    assert store.integrity_check() == []


def test_ids_are_never_reused_after_a_purge(store):
    first = store.add_hotspot(spot("A"), user=ANNA)
    store.archive_hotspot(first.id, expected_version=1, user=ANNA)
    store.purge("hotspot", first.id, user=ANNA, confirm="RADERA")
    assert store.add_hotspot(spot("B"), user=ANNA).id > first.id  # the audit log keeps pointing right


# -- schema, integrity ---------------------------------------------------------------------------


def _backend(url: str):
    return PostgresBackend(url) if url.startswith("postgresql") else SQLiteBackend(url)


def test_opening_an_older_database_migrates_it(store_url):
    old = _backend(store_url)
    assert old.migrate(target=1) == 1 and old.schema_version() == 1
    with before_dataset_ids():
        kept = ProblemStore(old).add_hotspot(spot("Från version 1"), user=ANNA)  # v1 already has hotspots
    old.close()

    store = open_store(store_url)
    assert store.schema_version() == LATEST_VERSION
    assert store.get_hotspot(kept.id) == kept
    goal = store.add_goal(Goal(kind="effektmål", description="Ny tabell", hotspot_id=kept.id), user=ANNA)
    assert store.list_goals(hotspot_id=kept.id) == [goal]
    assert store.integrity_check() == []
    store.close()
    again = open_store(store_url)  # idempotent
    assert again.schema_version() == LATEST_VERSION and again.list_goals() == [goal]
    with _backend(store_url).transaction() as tx:
        versions = [r["version"] for r in tx.query("SELECT version FROM schema_version ORDER BY version")]
        tx.run("INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'framtid', 'x')")
    assert versions == list(range(1, LATEST_VERSION + 1))
    with pytest.raises(ValueError, match=f"nyare|känner bara till version {LATEST_VERSION}"):
        open_store(store_url)
    again.close()


def test_integrity_check_is_clean_on_a_fresh_store(store):
    assert store.integrity_check() == []


def test_integrity_check_finds_broken_links_in_sqlite(tmp_path):
    path = tmp_path / "trasig.db"
    store = open_store(path)
    h = store.add_hotspot(spot(), user=ANNA)
    store.add_cause(cause_for(h.id), user=ANNA)
    conn = sqlite3.connect(path)  # foreign keys are off on a bare connection
    conn.execute("DELETE FROM hotspots")
    conn.commit()
    conn.close()
    problems = store.integrity_check()
    assert any("causes" in p for p in problems)
    assert "Orsak 1 hör till en plats som inte finns." in problems


def test_sqlite_settings(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'sub' / 'p.db'}")
    assert store.url == f"sqlite:///{tmp_path / 'sub' / 'p.db'}"
    conn = sqlite3.connect(tmp_path / "sub" / "p.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with store._backend.transaction(write=False) as tx:
        assert tx.one("PRAGMA foreign_keys")["foreign_keys"] == 1
        assert tx.one("PRAGMA synchronous")["synchronous"] == 2  # FULL
        assert tx.one("PRAGMA busy_timeout")["timeout"] >= 1000
    for bad in (":memory:", "mysql://x/y"):
        with pytest.raises(ValueError):
            open_store(bad)
    (tmp_path / "text.db").write_text("inte en databas " * 100)
    with pytest.raises(ValueError, match="ingen Samsyn-databas"):
        open_store(tmp_path / "text.db")
