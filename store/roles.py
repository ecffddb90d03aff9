"""The role table: a person's roles and organisation, as an administrator set them in Samsyn.

When the table has a row for the signed-in identity, that row decides the person's roles and
organisation; otherwise the identity provider's claims (``samsyn_roles``, ``samsyn_org``) do
(``dashboard.auth.session_viewer``). A row with no roles at all is a deliberate "no access":
it overrides whatever the provider claims, until the row is removed.

The rows live in the problem-picture store (table ``roles``, schema version 5) and every change is
written to the store's change log in the same transaction (entity ``role``, the row's id), like a
change of the problem picture. Only an administrator may change the table: ``store.access`` refuses
:meth:`~store.problem_store.ProblemStore.set_role` and ``remove_role`` for everyone else. The table
keeps an administrator: a change that takes the role from the last row holding it, or from the person
making the change, is refused (:class:`AdministratorKeptError`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from core.disclosure import normalise_organisation
from store.access import ADMIN, ROLES
from store.backends import Tx

ENTITY = "role"
FIELDS = ("identity", "name", "organisation", "roles")


@dataclass(frozen=True)
class RoleEntry:
    """One row of the role table.

    Attributes
    ----------
    identity
        The provider's ``sub`` or the person's e-mail (e-mail addresses in lower case).
    name
        The person's name as the administrator wrote it (for the table; the change log uses the
        provider's name).
    organisation
        The organisation id (``polisen``, ``kommunen`` …), or None when the roles imply it.
    roles
        Samsyn roles, in the order of :data:`store.access.ROLES`; empty means no access.
    changed_by, changed_at
        Who changed the row last, and when (ISO 8601 with the UTC offset).
    """

    identity: str
    name: str
    organisation: str | None
    roles: tuple[str, ...]
    changed_by: str = ""
    changed_at: str = ""
    id: int | None = None


def normalise_identity(identity: object) -> str:
    """An identity as stored: trimmed; an e-mail address in lower case (``Anna@X.se`` → ``anna@x.se``).

    >>> normalise_identity("  Anna.Andersson@Kommun.example.se ")
    'anna.andersson@kommun.example.se'
    >>> normalise_identity("a1b2-C3")
    'a1b2-C3'
    """
    text = identity.strip() if isinstance(identity, str) else ""
    if not text:
        raise ValueError("Ange personens identitet: e-postadressen eller id:t (sub) hos inloggningstjänsten.")
    if any(ch.isspace() for ch in text):
        raise ValueError(f"Identiteten '{text}' innehåller mellanslag; ange en e-postadress eller ett id.")
    return text.lower() if "@" in text else text


def check_roles(roles: Iterable[object] | str) -> tuple[str, ...]:
    """The roles in the order of :data:`store.access.ROLES`; a Swedish ``ValueError`` for an unknown one.

    >>> check_roles("styrgrupp, kommunanalytiker")
    ('kommunanalytiker', 'styrgrupp')
    """
    items = roles.replace(",", " ").split() if isinstance(roles, str) else list(roles)
    wanted = {str(item).strip().lower() for item in items if str(item).strip()}
    unknown = sorted(wanted - set(ROLES))
    if unknown:
        raise ValueError(f"Okänd roll {', '.join(repr(u) for u in unknown)}; välj bland: {', '.join(ROLES)}.")
    return tuple(role for role in ROLES if role in wanted)


def _entry(row: dict[str, Any]) -> RoleEntry:
    return RoleEntry(row["identity"], row["name"], row["organisation"] or None, tuple(json.loads(row["roles"])),
                     row["changed_by"], row["changed_at"], int(row["id"]))


def list_entries(tx: Tx) -> list[RoleEntry]:
    """Every row, by identity."""
    return [_entry(row) for row in tx.query("SELECT * FROM roles ORDER BY identity")]


def find(tx: Tx, identities: Iterable[object]) -> RoleEntry | None:
    """The row of the first of ``identities`` (``sub``, e-mail …) that has one."""
    for identity in identities:
        try:
            key = normalise_identity(identity)
        except ValueError:
            continue
        row = tx.one("SELECT * FROM roles WHERE identity = ?", (key,))
        if row is not None:
            return _entry(row)
    return None


class RoleNotFoundError(LookupError, ValueError):
    """The role table has no row for that identity (also a ``ValueError``: pages and the CLI show it)."""


class AdministratorKeptError(ValueError):
    """The change would leave the role table without an administrator, or take away the changer's own."""


def _keep_administrators(tx: Tx, key: str, current: RoleEntry | None, after: tuple[str, ...] | None,
                         actor: Iterable[object]) -> None:
    """Refuse a change of row ``key`` (``current``, None when new) to ``after`` (None: removed) that takes
    an administrator away from the last administrator row, or from the person making it (``actor``:
    their identities; only an administrator reaches the role table, so the actor is one).

    Every row is read locked, so two administrators demoting each other at once cannot both pass.
    """
    if after is not None and ADMIN in after:
        return
    mine = set()
    for identity in actor:
        try:
            mine.add(normalise_identity(identity))
        except ValueError:
            continue
    # A first row for oneself decides one's roles too: without the role it would take it away.
    if key in mine and (current is None or ADMIN in current.roles):
        raise AdministratorKeptError(
            "Du kan inte ta bort din egen administratörsroll; be en annan administratör göra det. "
            "Ingenting ändrades.")
    if current is None or ADMIN not in current.roles:
        return
    others = [row for row in tx.query(f"SELECT id, roles FROM roles ORDER BY id{tx.for_update}")
              if row["id"] != current.id and ADMIN in json.loads(row["roles"])]
    if not others:
        raise AdministratorKeptError(
            f"'{current.identity}' är den enda administratören i rolltabellen, och utan administratör kan ingen "
            "ändra roller eller delning. Ge först någon annan rollen administratör. Ingenting ändrades.")


Audit = Callable[[Tx, str, str, str, int, str, dict[str, Any], Any], None]


def _values(entry: RoleEntry | None) -> dict[str, Any]:
    if entry is None:
        return dict.fromkeys(FIELDS)
    return {"identity": entry.identity, "name": entry.name, "organisation": entry.organisation,
            "roles": list(entry.roles)}


def set_entry(tx: Tx, audit: Audit, now: str, user: str, identity: object, *, roles: Iterable[object] | str,
              organisation: object = None, name: object = "", actor: Iterable[object] = ()) -> RoleEntry:
    """Add or change one person's row and log what changed; returns the row as stored.

    :class:`AdministratorKeptError` when the change takes the administrator role from the last
    administrator row, or from the person making it (``actor``: their identities, ``sub`` and e-mail).
    """
    key = normalise_identity(identity)
    checked = check_roles(roles)
    org = normalise_organisation(organisation) if isinstance(organisation, str) and organisation.strip() else None
    display = " ".join(name.split()) if isinstance(name, str) else ""
    row = tx.one(f"SELECT * FROM roles WHERE identity = ?{tx.for_update}", (key,))
    current = _entry(row) if row is not None else None
    _keep_administrators(tx, key, current, checked, actor)
    new = RoleEntry(key, display, org, checked, user, now)
    before, after = _values(current), _values(new)
    changes = {name_: [before[name_], after[name_]] for name_ in FIELDS if before[name_] != after[name_]}
    if current is None:
        new_id = tx.insert(
            "INSERT INTO roles (identity, name, organisation, roles, changed_by, changed_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (key, display, org or "", json.dumps(list(checked), ensure_ascii=False), user, now))
        audit(tx, now, user, ENTITY, new_id, "create", changes, None)
        return RoleEntry(key, display, org, checked, user, now, new_id)
    if not changes:
        return current  # nothing to log: the same roles saved again
    tx.run("UPDATE roles SET name = ?, organisation = ?, roles = ?, changed_by = ?, changed_at = ? WHERE id = ?",
           (display, org or "", json.dumps(list(checked), ensure_ascii=False), user, now, current.id))
    audit(tx, now, user, ENTITY, current.id, "update", changes, None)
    return RoleEntry(key, display, org, checked, user, now, current.id)


def remove_entry(tx: Tx, audit: Audit, now: str, user: str, identity: object,
                 actor: Iterable[object] = ()) -> RoleEntry:
    """Remove one person's row (their claims decide again) and log it.

    :class:`RoleNotFoundError` when there is none; :class:`AdministratorKeptError` when it is the last
    administrator row or the row of the person removing it (``actor``) and holds the administrator role.
    """
    key = normalise_identity(identity)
    row = tx.one(f"SELECT * FROM roles WHERE identity = ?{tx.for_update}", (key,))
    if row is None:
        raise RoleNotFoundError(f"Rolltabellen har ingen rad för '{key}'.")
    current = _entry(row)
    _keep_administrators(tx, key, current, None, actor)
    tx.run("DELETE FROM roles WHERE id = ?", (current.id,))
    audit(tx, now, user, ENTITY, current.id, "delete",
          {name_: [value, None] for name_, value in _values(current).items() if value not in (None, "", [])}, None)
    return current
