"""The role table in the problem store (SQLite and PostgreSQL): rows, the change log, admin only."""

from __future__ import annotations

import pytest

from store.access import AccessDenied, RoleGuardedStore
from store.backends import PostgresBackend, SQLiteBackend
from store.problem_store import ProblemStore, open_store
from store.roles import RoleEntry

ADMIN = "Eva Admin (eva@kommun.example.se)"


def test_a_new_database_has_the_empty_role_table(store):
    assert store.schema_version() == 6
    assert store.list_roles() == []
    assert store.role_for("anna@kommun.example.se", "sub-123") is None


def test_setting_a_persons_roles_stores_them_and_logs_the_change(store):
    entry = store.set_role(" Anna.Andersson@Kommun.example.se ", roles=["styrgrupp", "kommunanalytiker"],
                           organisation=" Kommunen ", name="Anna  Andersson", user=ADMIN)
    # E-mail in lower case, the roles in the table's order, the organisation as an id, one space in the name.
    assert (entry.identity, entry.roles, entry.organisation, entry.name, entry.changed_by) == (
        "anna.andersson@kommun.example.se", ("kommunanalytiker", "styrgrupp"), "kommunen", "Anna Andersson", ADMIN)
    assert store.list_roles() == [entry]
    assert store.role_for("sub-999", "ANNA.ANDERSSON@kommun.example.se") == entry
    [log] = store.audit_log("role")
    assert (log.user, log.entity, log.entity_id, log.action) == (ADMIN, "role", entry.id, "create")
    assert log.changes == {"identity": [None, "anna.andersson@kommun.example.se"], "name": [None, "Anna Andersson"],
                           "organisation": [None, "kommunen"], "roles": [None, ["kommunanalytiker", "styrgrupp"]]}


def test_changing_a_row_logs_only_what_changed_and_saving_it_again_logs_nothing(store):
    first = store.set_role("anna@kommun.example.se", roles="kommunanalytiker", name="Anna", user=ADMIN)
    changed = store.set_role("anna@kommun.example.se", roles="styrgrupp", name="Anna", user="Bo Berg")
    assert changed.id == first.id and changed.roles == ("styrgrupp",) and changed.organisation is None
    assert changed.changed_by == "Bo Berg"
    again = store.set_role("anna@kommun.example.se", roles=["styrgrupp"], name="Anna", user="Bo Berg")
    assert again == changed
    log = store.audit_log("role", first.id)
    assert [entry.action for entry in log] == ["create", "update"]
    assert log[1].changes == {"roles": [["kommunanalytiker"], ["styrgrupp"]]}
    assert len(store.list_roles()) == 1


def test_removing_a_row_logs_what_it_was(store):
    entry = store.set_role("sub-42", roles=["polisanalytiker"], organisation="polisen", name="Per", user=ADMIN)
    removed = store.remove_role("sub-42", user=ADMIN)
    assert removed == entry and store.list_roles() == [] and store.role_for("sub-42") is None
    last = store.audit_log("role")[-1]
    assert (last.action, last.entity_id) == ("delete", entry.id)
    assert last.changes == {"identity": ["sub-42", None], "name": ["Per", None], "organisation": ["polisen", None],
                            "roles": [["polisanalytiker"], None]}
    with pytest.raises(LookupError, match="^Rolltabellen har ingen rad för 'sub-42'.$"):
        store.remove_role("sub-42", user=ADMIN)


def test_a_row_with_no_roles_is_kept_as_a_deliberate_no_access(store):
    entry = store.set_role("cilla@skolan.example.se", roles=[], user=ADMIN)
    assert store.role_for("cilla@skolan.example.se") == RoleEntry(
        "cilla@skolan.example.se", "", None, (), ADMIN, entry.changed_at, entry.id)


@pytest.mark.parametrize(("identity", "roles", "message"), [
    ("", ["styrgrupp"], "Ange personens identitet"),
    ("anna andersson", ["styrgrupp"], "innehåller mellanslag"),
    ("anna@x.se", ["chef", "styrgrupp"], "^Okänd roll 'chef'; välj bland: polisanalytiker, kommunanalytiker, "
                                         "deltagare, styrgrupp, administratör.$"),
])
def test_bad_rows_are_refused_in_swedish_and_nothing_is_written(store, identity, roles, message):
    with pytest.raises(ValueError, match=message):
        store.set_role(identity, roles=roles, user=ADMIN)
    assert store.list_roles() == [] and store.audit_log("role") == []


@pytest.mark.parametrize("roles", [{"kommunanalytiker"}, {"polisanalytiker"}, {"deltagare"}, {"styrgrupp"}, set()])
def test_only_the_administrator_may_change_the_role_table_even_when_the_call_is_forced(store, roles):
    entry = store.set_role("anna@kommun.example.se", roles=["kommunanalytiker"], user=ADMIN)
    guarded = RoleGuardedStore(store, roles)
    shown = ", ".join(sorted(roles)) or "ingen roll"
    refusal = (f"Din roll ({shown}) får inte ändra rolltabellen; bara administratören får det. "
               "Ingenting ändrades.")
    with pytest.raises(AccessDenied) as raised:
        guarded.set_role("anna@kommun.example.se", roles=["administratör"], user="Anna")
    assert str(raised.value) == refusal
    with pytest.raises(AccessDenied):
        guarded.remove_role("anna@kommun.example.se", user="Anna")
    # Reading is allowed; the row and the log are as they were.
    assert guarded.list_roles() == [entry] and len(store.audit_log("role")) == 1
    admin = RoleGuardedStore(store, {"administratör"})
    assert admin.set_role("anna@kommun.example.se", roles=["styrgrupp"], user=ADMIN).roles == ("styrgrupp",)


def test_an_existing_version_4_database_gets_the_empty_role_table_and_keeps_its_places(store_url):
    from store.model import Hotspot

    old = PostgresBackend(store_url) if store_url.startswith("postgresql") else SQLiteBackend(store_url)
    assert old.migrate(target=4) == 4
    spot = ProblemStore(old).add_hotspot(Hotspot(title="Torget", geometry_wkt="POINT (1 2)"), user="Anna")
    with old.transaction(write=False) as tx, pytest.raises(Exception):  # noqa: B017, PT011 (no table yet)
        tx.query("SELECT * FROM roles")
    old.close()
    with open_store(store_url) as store:
        assert store.schema_version() == 6
        assert store.list_roles() == [] and store.get_hotspot(spot.id).title == "Torget"
        assert store.integrity_check() == []
        with store._backend.transaction(write=False) as tx:
            row = tx.one("SELECT description FROM schema_version WHERE version = 5")
        assert row["description"] == "role table: a person's roles and organisation, set by an administrator"


LAST = ("'eva@kommun.example.se' är den enda administratören i rolltabellen, och utan administratör kan ingen "
        "ändra roller eller delning. Ge först någon annan rollen administratör. Ingenting ändrades.")
OWN = "Du kan inte ta bort din egen administratörsroll; be en annan administratör göra det. Ingenting ändrades."


@pytest.mark.parametrize("change", ["remove", "demote", "shut out"])
def test_the_last_administrator_row_keeps_its_role_and_nothing_is_logged(store, change):
    eva = store.set_role("eva@kommun.example.se", roles=["administratör"], user=ADMIN)
    store.set_role("anna@kommun.example.se", roles=["kommunanalytiker"], user=ADMIN)
    with pytest.raises(ValueError) as raised:
        if change == "remove":
            store.remove_role("Eva@Kommun.example.se", user="Bo Berg")
        else:
            store.set_role("eva@kommun.example.se", roles="styrgrupp" if change == "demote" else "", user="Bo Berg")
    assert str(raised.value) == LAST
    assert store.role_for("eva@kommun.example.se") == eva
    assert [e.action for e in store.audit_log("role")] == ["create", "create"]
    # With a second administrator in the table, the first may go.
    store.set_role("bo@polisen.example.se", roles=["polisanalytiker", "administratör"], user=ADMIN)
    assert store.set_role("eva@kommun.example.se", roles="styrgrupp", user="Bo Berg").roles == ("styrgrupp",)
    with pytest.raises(ValueError, match="^'bo@polisen.example.se' är den enda administratören"):
        store.remove_role("bo@polisen.example.se", user="Bo Berg")


def test_an_administrator_cannot_take_away_their_own_administrator_role(store):
    store.set_role("eva@kommun.example.se", roles=["administratör"], user=ADMIN)
    store.set_role("sub-bo", roles=["administratör"], user=ADMIN)
    # Eva is signed in with her sub and her e-mail; the row names her e-mail.
    eva = RoleGuardedStore(store, {"administratör"}, ["sub-eva", "Eva@Kommun.example.se"])
    with pytest.raises(ValueError) as removed:
        eva.remove_role("eva@kommun.example.se", user=ADMIN)
    with pytest.raises(ValueError) as demoted:
        eva.set_role("eva@kommun.example.se", roles=["kommunanalytiker"], user=ADMIN)
    assert str(removed.value) == str(demoted.value) == OWN
    assert len(store.audit_log("role")) == 2
    # She may change the rest of her own row, and take the role from the other administrator.
    assert eva.set_role("eva@kommun.example.se", roles=["administratör", "styrgrupp"], name="Eva",
                        user=ADMIN).roles == ("styrgrupp", "administratör")
    assert eva.remove_role("sub-bo", user=ADMIN).identity == "sub-bo"
    assert [e.identity for e in store.list_roles()] == ["eva@kommun.example.se"]


def test_an_administrator_by_the_providers_claim_cannot_shut_themselves_out_with_a_first_row(store):
    # Olle has no row: his provider's claim makes him the administrator. A row for him would decide instead.
    olle = RoleGuardedStore(store, {"administratör"}, ["sub-olle", "olle@polisen.example.se"])
    with pytest.raises(ValueError) as raised:
        olle.set_role("sub-olle", roles=["polisanalytiker"], user="Olle")
    assert str(raised.value) == OWN and store.list_roles() == []
    assert olle.set_role("olle@polisen.example.se", roles=["polisanalytiker", "administratör"],
                         user="Olle").roles == ("polisanalytiker", "administratör")
