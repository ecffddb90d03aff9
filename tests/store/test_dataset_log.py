"""A dataset's owner and sharing changes in the store's change log (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from store.access import AccessDenied, RoleGuardedStore

EVA, OLLE = "Eva Admin (eva@kommun.example.se)", "Olle (polisen)"


def test_each_change_is_logged_with_who_and_from_to_per_dataset(store):
    first = store.log_dataset_change("polisens-export", {"sharing": ["egen", "gemensam"]}, user=EVA)
    store.log_dataset_change("kommunens-klotter", {"owner": [None, "kommunen"]}, user=OLLE)
    store.log_dataset_change("polisens-export", {"owner": ["polisen", "kommunen"], "sharing": ["gemensam", "egen"]},
                             user=f"  {OLLE} ")
    log = store.dataset_log("polisens-export")
    assert [(e.user, e.action, e.changes) for e in log] == [
        (EVA, "share", {"sharing": ["egen", "gemensam"]}),
        (OLLE, "share", {"owner": ["polisen", "kommunen"], "sharing": ["gemensam", "egen"]})]
    assert log[0] == first and log[0].at <= log[1].at
    assert [e.changes for e in store.dataset_log("kommunens-klotter")] == [{"owner": [None, "kommunen"]}]
    assert store.dataset_log("finns-inte") == []
    assert len(store.audit_log("dataset")) == 3 and store.integrity_check() == []


def test_a_write_that_fails_logs_nothing(store):
    def broken() -> None:
        raise OSError("Disken är full")

    with pytest.raises(OSError, match="Disken är full"):
        store.log_dataset_change("polisens-export", {"sharing": ["egen", "gemensam"]}, user=EVA, write=broken)
    assert store.dataset_log("polisens-export") == [] and store.audit_log("dataset") == []


def test_a_change_needs_a_user_and_something_changed(store):
    with pytest.raises(ValueError, match="^Ange vem som gör ändringen"):
        store.log_dataset_change("polisens-export", {"sharing": ["egen", "gemensam"]}, user=" ")
    with pytest.raises(ValueError, match="^Ingen ändring av ägare eller delning"):
        store.log_dataset_change("polisens-export", {}, user=EVA)
    assert store.audit_log("dataset") == []


@pytest.mark.parametrize("roles", [{"deltagare"}, {"styrgrupp"}, set()])
def test_only_analysts_and_administrators_may_log_a_sharing_change(store, roles):
    with pytest.raises(AccessDenied):
        RoleGuardedStore(store, roles).log_dataset_change("polisens-export", {"sharing": ["egen", "gemensam"]},
                                                          user=EVA)
    RoleGuardedStore(store, {"polisanalytiker"}).log_dataset_change(
        "polisens-export", {"sharing": ["egen", "gemensam"]}, user=OLLE)
    assert [e.user for e in store.dataset_log("polisens-export")] == [OLLE]
