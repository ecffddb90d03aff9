"""Migration 4: hotspots and follow-ups record the dataset they were made on (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from store.backends import PostgresBackend, SQLiteBackend
from store.model import Followup, Goal, Hotspot, Measure
from store.problem_store import ProblemStore, open_store
from tests.store._legacy import before_dataset_ids
from workspace import Workspace

ANNA = "Anna (polisen)"
SQUARE = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"
RIGHT = "POLYGON ((10 0, 20 0, 20 10, 10 10, 10 0))"
CONTROL = "POLYGON ((100 0, 130 0, 130 30, 100 30, 100 0))"


def _backend(url: str):
    return PostgresBackend(url) if url.startswith("postgresql") else SQLiteBackend(url)


def test_rows_from_version_3_belong_to_the_sample(store_url):
    old = _backend(store_url)
    assert old.migrate(target=3) == 3
    with before_dataset_ids():
        v3 = ProblemStore(old)
        spot = v3.add_hotspot(Hotspot(title="Stortorget", geometry_wkt=SQUARE), user=ANNA)
        measure = v3.add_measure(Measure(title="Belysning", hotspot_ids=[spot.id]), user=ANNA)
        plan = v3.add_followup(Followup(measure_id=measure.id, control_wkt=CONTROL, hotspot_id=spot.id),
                               user=ANNA)
    old.close()

    with open_store(store_url) as store:
        assert store.schema_version() == 6
        assert store.get_hotspot(spot.id).dataset_id == "exempelstad"
        assert store.get_followup(plan.id).dataset_id == "exempelstad"
        assert store.get_hotspot(spot.id).title == "Stortorget"  # nothing else changed
        assert store.integrity_check() == []
        with store._backend.transaction(write=False) as tx:
            row = tx.one("SELECT description FROM schema_version WHERE version = 4")
        assert "dataset" in row["description"]


def test_new_rows_keep_the_dataset_they_were_made_on(store):
    spot = store.add_hotspot(Hotspot(title="Stortorget", geometry_wkt=SQUARE, dataset_id="polisens-export-maj"),
                             user=ANNA)
    measure = store.add_measure(Measure(title="Belysning", hotspot_ids=[spot.id]), user=ANNA)
    plan = store.add_followup(Followup(measure_id=measure.id, control_wkt=CONTROL, hotspot_id=spot.id,
                                       dataset_id="polisens-export-maj"), user=ANNA)
    assert store.get_hotspot(spot.id).dataset_id == "polisens-export-maj"
    assert store.list_followups()[0].dataset_id == "polisens-export-maj"
    assert store.audit_log("hotspot", spot.id)[0].changes["dataset_id"] == [None, "polisens-export-maj"]
    assert plan.dataset_id == "polisens-export-maj"


def test_a_hotspot_needs_a_dataset(store):
    with pytest.raises(ValueError, match="Ange vilket dataset platsen fästes i."):
        store.add_hotspot(Hotspot(title="Stortorget", geometry_wkt=SQUARE, dataset_id=" "), user=ANNA)


def test_places_pinned_on_different_datasets_are_not_merged(store):
    april = store.add_hotspot(Hotspot(title="Torget", geometry_wkt=SQUARE, dataset_id="april"), user=ANNA)
    may = store.add_hotspot(Hotspot(title="Torget", geometry_wkt=RIGHT, dataset_id="maj"), user=ANNA)
    with pytest.raises(ValueError, match=r"Platserna är fästa i olika dataset \(april, maj\)"):
        store.merge_hotspots([april.id, may.id], title="Torget", user=ANNA)
    same = store.add_hotspot(Hotspot(title="Torget öst", geometry_wkt=RIGHT, dataset_id="april"), user=ANNA)
    merged = store.merge_hotspots([april.id, same.id], title="Torget", user=ANNA)
    assert merged.dataset_id == "april"


def test_measures_and_goals_follow_their_hotspot(tmp_path):
    workspace = Workspace.open(data_dir=tmp_path / "data", env={})
    with workspace.store() as store:
        april = store.add_hotspot(Hotspot(title="Torget", geometry_wkt=SQUARE, dataset_id="april"), user=ANNA)
        measure = store.add_measure(Measure(title="Belysning", hotspot_ids=[april.id]), user=ANNA)
        goal = store.add_goal(Goal(kind="effektmål", description="Färre rån", hotspot_id=april.id), user=ANNA)
        loose = store.add_goal(Goal(kind="processmål", description="Möten"), user=ANNA)
        hotspots = store.list_hotspots()
    assert workspace.dataset_id_of(measure, hotspots) == "april"
    assert workspace.dataset_id_of(goal, hotspots) == "april"
    assert workspace.dataset_id_of(loose, hotspots) == "exempelstad"
    # "april" is not in the data directory: the dataset is gone, so there is nothing to open.
    assert workspace.dataset_of(goal, hotspots) is None
    assert workspace.dataset_of(loose, hotspots).name.startswith("Exempelstad")
