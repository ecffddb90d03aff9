"""Roles are enforced in the store: a write the role does not allow is refused and changes nothing."""

from __future__ import annotations

import pytest

from store.access import AccessDenied, RoleGuardedStore, parse_roles, read_only
from store.model import Cause, Hotspot
from store.problem_store import open_store


@pytest.fixture()
def store(tmp_path):
    with open_store(tmp_path / "problembild.db") as opened:
        yield opened


def _spot(store):
    return store.add_hotspot(Hotspot(title="Stortorget", geometry_wkt="POINT (1 2)"), user="Anna (polisen)")


def test_styrgrupp_is_refused_every_write_and_nothing_changes(store):
    spot = _spot(store)
    board = RoleGuardedStore(store, {"styrgrupp"})
    with pytest.raises(AccessDenied, match=r"^Din roll \(styrgrupp\) får inte ändra problembilden"):
        board.update_hotspot(spot.id, {"status": "prioriterad"}, expected_version=1, user="Bo (styrgrupp)")
    with pytest.raises(AccessDenied):
        board.add_hotspot(Hotspot(title="Ny", geometry_wkt="POINT (3 4)"), user="Bo (styrgrupp)")
    with pytest.raises(AccessDenied):
        board.archive_hotspot(spot.id, expected_version=1, user="Bo (styrgrupp)")
    with pytest.raises(AccessDenied):
        board.add_cause(Cause(spot.id, "situationell", "närliggande", "Mörkt"), user="Bo (styrgrupp)")
    # Reading is allowed, and the store is as it was: one place, version 1, one audit entry.
    assert [h.title for h in board.list_hotspots()] == ["Stortorget"]
    assert store.get_hotspot(spot.id).version == 1 and store.get_hotspot(spot.id).status == spot.status
    assert len(store.audit_log()) == 1 and store.list_causes(spot.id) == []


def test_deltagare_may_pin_a_suggestion_but_not_edit(store):
    spot = _spot(store)
    workshop = RoleGuardedStore(store, ["deltagare"])
    added = workshop.add_hotspot(Hotspot(title="Busstorget", geometry_wkt="POINT (3 4)"), user="Cilla (skolan)")
    assert store.get_hotspot(added.id).title == "Busstorget"
    with pytest.raises(AccessDenied):
        workshop.update_hotspot(spot.id, {"notes": "x"}, expected_version=1, user="Cilla (skolan)")
    assert store.get_hotspot(spot.id).notes == spot.notes


def test_analysts_write_but_only_the_administrator_purges(store):
    spot = _spot(store)
    analyst = RoleGuardedStore(store, {"kommunanalytiker"})
    assert analyst.update_hotspot(spot.id, {"status": "prioriterad"}, expected_version=1, user="Bo").version == 2
    with pytest.raises(AccessDenied):
        analyst.purge("hotspot", spot.id, user="Bo", confirm="Stortorget")
    assert store.get_hotspot(spot.id).status == "prioriterad"


def test_roles_from_the_claim_and_who_is_read_only():
    assert parse_roles(["Polisanalytiker", "styrgrupp", "chef"]) == {"polisanalytiker", "styrgrupp"}
    assert parse_roles("deltagare,styrgrupp") == {"deltagare", "styrgrupp"}
    assert parse_roles(None) == frozenset() and parse_roles(7) == frozenset()
    assert read_only({"styrgrupp"}) and read_only(set())
    assert not read_only({"deltagare"}) and not read_only({"administratör"})
