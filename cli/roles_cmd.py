"""``samsyn roles list|set|remove``: the role table of the workspace's problem-picture store.

A row decides a signed-in person's roles and organisation; without one, the identity provider's
claims do (see docs/access.md). The command line runs as the operator of the installation, who is
the administrator::

    samsyn roles set anna.andersson@kommun.example.se --roles kommunanalytiker --org kommunen
    samsyn roles list
    samsyn roles remove anna.andersson@kommun.example.se

Every change is written to the store's change log under ``--user`` (default: the login name).
"""

from __future__ import annotations

import argparse

from core.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``samsyn roles`` with ``list``, ``set`` and ``remove``."""
    parser = subparsers.add_parser(
        "roles", help="rolltabellen: vem har vilka roller och vilken organisation",
        description="Rolltabellen i problembildens databas. En rad bestämmer en inloggad persons roller och "
                    "organisation; utan rad gäller det inloggningstjänsten anger (samsyn_roles, samsyn_org).")
    actions = parser.add_subparsers(dest="roles_command", metavar="ÅTGÄRD", required=True)

    listing = actions.add_parser("list", help="lista rolltabellen", description="Listar rolltabellens rader.")
    _add_common(listing)
    listing.set_defaults(handler=run_list)

    put = actions.add_parser(
        "set", help="ge en person roller och organisation",
        description="Lägger till eller ändrar en persons rad. Roller: polisanalytiker, kommunanalytiker, "
                    "deltagare, styrgrupp, administratör. --roles '' (inga roller) stänger personen ute.")
    put.add_argument("identity", metavar="IDENTITET", help="e-postadressen eller id:t (sub) hos inloggningstjänsten")
    put.add_argument("--roles", required=True, metavar="ROLLER", help="roller, kommaseparerade: t.ex. kommunanalytiker,deltagare")
    put.add_argument("--org", metavar="ORGANISATION", help="organisationen, t.ex. polisen eller kommunen "
                     "(utan: den som analytikerrollen anger)")
    put.add_argument("--name", metavar="NAMN", default="", help="personens namn (för tabellen)")
    _add_common(put)
    put.set_defaults(handler=run_set)

    remove = actions.add_parser("remove", help="ta bort en persons rad",
                                description="Tar bort en persons rad; sedan gäller inloggningstjänstens uppgifter.")
    remove.add_argument("identity", metavar="IDENTITET", help="e-postadressen eller id:t (sub)")
    _add_common(remove)
    remove.set_defaults(handler=run_remove)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="KATALOG",
                        help="datamappen (standard: SAMSYN_DATA, [data] directory i samsyn.toml, annars ./userdata)")
    parser.add_argument("--db", metavar="URL", help="databasen (standard: [database] url, annars SQLite i datamappen)")
    parser.add_argument("--config", metavar="FIL", help="konfigurationsfil (standard: $SAMSYN_CONFIG eller ./samsyn.toml)")
    parser.add_argument("--user", metavar="NAMN", help="vem som gör ändringen i ändringsloggen (standard: inloggningsnamnet)")


def _store(args: argparse.Namespace):
    """The workspace's store, guarded for the operator (the administrator), as the dashboard's is for its user."""
    from core.disclosure import Viewer
    from store.access import RoleGuardedStore
    from workspace import Workspace

    space = Workspace.open(args.config, data_dir=args.data, database_url=args.db)
    space.data_dir.mkdir(parents=True, exist_ok=True)
    return RoleGuardedStore(space.store(), Viewer.local().roles)


def _user(args: argparse.Namespace) -> str:
    import getpass

    return (args.user or getpass.getuser()).strip()


def _line(entry) -> str:
    roles = ", ".join(entry.roles) or "inga roller (utestängd)"
    return f"{entry.identity}: {roles}; organisation {entry.organisation or 'enligt rollen'}"


def run_list(args: argparse.Namespace) -> int:
    """Print the role table."""
    store = _store(args)
    try:
        entries = store.list_roles()
    finally:
        store.close()
    if not entries:
        print("Rolltabellen är tom: alla har de roller inloggningstjänsten anger.")
        return 0
    rows = [("IDENTITET", "NAMN", "ORGANISATION", "ROLLER", "ÄNDRAD AV", "ÄNDRAD")]
    rows += [(e.identity, e.name or "–", e.organisation or "–", ",".join(e.roles) or "–", e.changed_by,
              e.changed_at[:16].replace("T", " ")) for e in entries]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    return 0


def run_set(args: argparse.Namespace) -> int:
    """Add or change a person's row."""
    store = _store(args)
    try:
        entry = store.set_role(args.identity, roles=args.roles, organisation=args.org, name=args.name,
                               user=_user(args))
    except ValueError as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    print(f"Sparat i rolltabellen: {_line(entry)}. Det gäller från personens nästa klick i Samsyn.")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    """Remove a person's row."""
    store = _store(args)
    try:
        entry = store.remove_role(args.identity, user=_user(args))
    except ValueError as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    print(f"Raden för {entry.identity} är borttagen; nu gäller det inloggningstjänsten anger.")
    return 0
