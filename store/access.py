"""Who may change the problem picture: roles, checked on every write of the store.

The dashboard hands each session a :class:`RoleGuardedStore` for the roles of the person signed in,
so a write the role does not allow is refused here, on the server, whatever the browser sent (a
button forced visible, a replayed request): the store behind it is never called.

Roles (issue "Sign-in and roles"):

========================  ===========================================================
``administratör``         everything (datasets, the role table, the whole problem picture)
``polisanalytiker``       the problem picture: pin, edit, merge, archive, causes, measures, goals, follow-ups
``kommunanalytiker``      the same
``deltagare``             the workshop: view, and pin suggestions (new places only)
``styrgrupp``             read-only: Översikt, Uppföljning and the reports
========================  ===========================================================

The role table (``store.roles``) is the administrator's alone: ``set_role`` and ``remove_role`` are
refused here for everyone else, and made as the signed-in identities, so the role table refuses an
administrator who takes away their own administrator role (and a change that leaves it without one). Who may create, add files to, archive and share a dataset is decided
by :func:`dataset_refusal`, which ``workspace.Workspace``'s guarded dataset methods ask first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.disclosure import Viewer

ADMIN = "administratör"
ROLES = ("polisanalytiker", "kommunanalytiker", "deltagare", "styrgrupp", ADMIN)
ANALYSTS = frozenset({"polisanalytiker", "kommunanalytiker", ADMIN})

# Every ProblemStore method that changes something; anything else on the store only reads.
WRITES = frozenset({
    "add_hotspot", "update_hotspot", "archive_hotspot", "merge_hotspots",
    "add_cause", "update_cause", "archive_cause",
    "add_measure", "update_measure", "archive_measure", "link_measure",
    "add_goal", "update_goal", "archive_goal",
    "add_followup", "update_followup", "archive_followup",
    "restore", "purge", "import_transaction",
    "set_role", "remove_role", "log_dataset_change",
})
# Who has which role is the administrator's alone (store.roles).
ROLE_TABLE_WRITES = frozenset({"set_role", "remove_role"})
ADMIN_ONLY = frozenset({"purge", "import_transaction"}) | ROLE_TABLE_WRITES
# The workshop may suggest a place; deciding on it (editing, causes, measures) is the analysts'.
PARTICIPANT_WRITES = frozenset({"add_hotspot"})


class AccessDenied(PermissionError, ValueError):
    """The signed-in person's role does not allow this change; the message is for them (Swedish).

    Also a ``ValueError``, so the forms that show a refused save with ``st.error`` show this one too.
    """


def parse_roles(claim: object) -> frozenset[str]:
    """The known Samsyn roles in an identity provider's claim (a list, or text separated by spaces or commas).

    >>> sorted(parse_roles("styrgrupp, Deltagare okänd"))
    ['deltagare', 'styrgrupp']
    """
    if isinstance(claim, str):
        items: Iterable[Any] = claim.replace(",", " ").split()
    elif isinstance(claim, list | tuple | set | frozenset):
        items = claim
    else:
        return frozenset()
    return frozenset(str(item).strip().lower() for item in items if str(item).strip().lower() in ROLES)


def may_write(roles: Iterable[str], method: str) -> bool:
    """True when one of ``roles`` allows the store method ``method`` (reads are always allowed)."""
    roles = frozenset(roles)
    if method not in WRITES:
        return True
    if ADMIN in roles:
        return True
    if method in ADMIN_ONLY:
        return False
    return bool(roles & ANALYSTS) or ("deltagare" in roles and method in PARTICIPANT_WRITES)


def read_only(roles: Iterable[str]) -> bool:
    """True when ``roles`` allow no change at all (styrgrupp, or no known role)."""
    return not any(may_write(roles, method) for method in WRITES)


class RoleGuardedStore:
    """A problem-picture store that refuses the writes ``roles`` do not allow, before the store runs.

    Parameters
    ----------
    store
        The :class:`~store.problem_store.ProblemStore` (or anything with its methods).
    roles
        The roles of the person the writes are done for.
    identities
        That person's identities the role table may name (the provider's ``sub``, the e-mail): a change
        of the role table is made as them, so they cannot take away their own administrator role.
    """

    def __init__(self, store: Any, roles: Iterable[str], identities: Iterable[str] = ()) -> None:
        self._store = store
        self.roles = frozenset(roles)
        self.identities = tuple(identities)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        if name in ROLE_TABLE_WRITES and may_write(self.roles, name):
            def as_actor(*args: Any, **kwargs: Any) -> Any:
                kwargs.setdefault("actor", self.identities)
                return attribute(*args, **kwargs)
            return as_actor
        if name in WRITES and not may_write(self.roles, name):
            def refused(*args: Any, **kwargs: Any) -> Any:
                shown = ", ".join(sorted(self.roles)) or "ingen roll"
                if name in ROLE_TABLE_WRITES:
                    raise AccessDenied(f"Din roll ({shown}) får inte ändra rolltabellen; bara administratören "
                                       "får det. Ingenting ändrades.")
                raise AccessDenied(
                    f"Din roll ({shown}) får inte ändra problembilden på det här sättet; ändringen sparades "
                    "inte. Be en analytiker eller administratören om hjälp."
                )
            return refused
        return attribute


# -- datasets ----------------------------------------------------------------------------------------
# Who may do what to a dataset in the data directory. The dashboard reaches the dataset functions of
# ``store.datasets`` only through ``workspace.Workspace``'s guarded methods, which ask here first.

CREATE, ADD_FILE, ARCHIVE, SHARE = "create", "add_file", "archive", "share"
DATASET_ACTIONS = (CREATE, ADD_FILE, ARCHIVE, SHARE)
_DATASET_VERBS = {ADD_FILE: "lägga till filer i", ARCHIVE: "ta bort", SHARE: "ändra ägare eller delning för"}


def dataset_refusal(viewer: Viewer, action: str, owner: str | None = None, *,
                    new_owner: str | None = None) -> str | None:
    """Why ``viewer`` may not do ``action`` to a dataset owned by ``owner`` (Swedish), or None when they may.

    - ``create``: analysts and administrators; a new dataset is owned by the creator's organisation
      (an administrator may name another, ``new_owner``).
    - ``add_file``, ``archive``, ``share``: administrators, and analysts of the owner organisation.
    - The workstation's one user and the CLI's operator (:meth:`Viewer.local`) may do everything.

    >>> from core.disclosure import Viewer
    >>> dataset_refusal(Viewer(frozenset({"polisanalytiker"}), "polisen"), "archive", "polisen") is None
    True
    >>> dataset_refusal(Viewer(frozenset({"kommunanalytiker"}), "kommunen"), "archive", "polisen")
    'Bara administratören och analytiker i organisationen som äger datasetet får ta bort det. Ingenting ändrades.'
    """
    if action not in DATASET_ACTIONS:
        raise ValueError(f"Okänd åtgärd för dataset: {action!r}.")
    if viewer.workstation:
        return None
    shown = ", ".join(sorted(viewer.roles)) or "ingen roll"
    admin = ADMIN in viewer.roles
    if action == CREATE:
        if not (viewer.roles & ANALYSTS):
            return (f"Din roll ({shown}) får inte skapa dataset; det får analytiker och administratören. "
                    "Ingenting sparades.")
        if admin:
            return None
        if viewer.organisation is None:
            return ("Din organisation är okänd, så ett nytt dataset skulle inte ha någon ägare. Be "
                    "administratören ange din organisation i rolltabellen. Ingenting sparades.")
        if new_owner is not None and new_owner != viewer.organisation:
            return "Ett nytt dataset ägs av din egen organisation; bara administratören kan ange en annan. " \
                   "Ingenting sparades."
        return None
    if admin or (viewer.is_analyst and owner is not None and viewer.organisation == owner):
        return None
    return (f"Bara administratören och analytiker i organisationen som äger datasetet får {_DATASET_VERBS[action]} "
            "det. Ingenting ändrades.")


def check_dataset_action(viewer: Viewer, action: str, owner: str | None = None, *,
                         new_owner: str | None = None) -> None:
    """Raise :class:`AccessDenied` with :func:`dataset_refusal`'s message when ``viewer`` may not."""
    refusal = dataset_refusal(viewer, action, owner, new_owner=new_owner)
    if refusal is not None:
        raise AccessDenied(refusal)
