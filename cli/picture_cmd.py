"""Subcommand ``picture``: the problem picture as a JSON file (export, import, merge).

``samsyn picture export --out problembild.json`` writes every hotspot, cause, measure, goal and
follow-up of the configured store (the one the dashboard uses) to a versioned JSON file;
``samsyn picture import problembild.json`` reads one into it — refused when the store already
holds a picture, unless ``--merge`` asks to add to it. ``--for kommunen|polisen|styrgrupp`` writes
the file for the other party: only what that party may see (docs/picture-format.md, "Secrecy"). This is how the police and the kommun bring
their own pictures to the joint one across installations, and how a picture is backed up or moved.
The format: docs/picture-format.md.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import InputError
from workspace import DEFAULT_STORE_NAME

if TYPE_CHECKING:
    from workspace import Workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``samsyn picture export``, ``samsyn picture import`` and ``samsyn picture demo``."""
    parser = subparsers.add_parser(
        "picture",
        help="problembilden som fil: exportera och importera (JSON)",
        description=(
            "Problembilden som fil: exportera hela problembilden (platser, orsaker, åtgärder, mål och "
            "uppföljningar) till en JSON-fil, eller importera en sådan fil, t.ex. polisens eller "
            "kommunens egna förberedelser till den gemensamma problembilden. Formatet beskrivs i "
            "docs/picture-format.md."
        ),
    )
    actions = parser.add_subparsers(dest="picture_action", metavar="ÅTGÄRD", required=True)

    export = actions.add_parser(
        "export",
        help="skriv problembilden till en JSON-fil",
        description="Skriv hela problembilden i databasen, även arkiverade poster, till en JSON-fil.",
    )
    export.add_argument("--out", required=True, metavar="FIL.json", help="utfil (.json)")
    export.add_argument("--dataset", metavar="ID",
                        help="datasetet problembilden hör till, skrivs i filen (standard: det som valts, "
                             "annars Exempelstad)")
    export.add_argument("--for", dest="recipient", choices=("kommunen", "polisen", "styrgrupp"),
                        help="gör filen för den andra parten: bara platser och uppföljningar i dataset som delas "
                             "med den, bara orsakstexter och åtgärdsbeskrivningar markerade som delbara, inga "
                             "anteckningar, antal 1–2 som .. på den partens nivå (standard: hela "
                             "problembilden, ofiltrerad)")
    _store_arguments(export)
    export.set_defaults(handler=run_export)

    load = actions.add_parser(
        "import",
        help="läs in en problembild från en JSON-fil",
        description=(
            "Läs in en problembild från en JSON-fil. Hela filen kontrolleras först; innehåller den fel "
            "skrivs ingenting. Utan --merge måste problembilden i databasen vara tom."
        ),
    )
    load.add_argument("file", metavar="FIL.json", help="problembildsfilen")
    load.add_argument("--merge", action="store_true",
                      help="lägg till filens innehåll i en problembild som inte är tom (allt får nya id; "
                           "samma fil två gånger ger två kopior)")
    load.add_argument("--user", metavar="NAMN",
                      help="vem som importerar, skrivs i ändringsloggen (standard: inloggad användare)")
    load.add_argument("--crs", metavar="EPSG",
                      help="spara geometrierna i detta arbetskoordinatsystem i stället för filens, t.ex. EPSG:3011")
    load.add_argument("--dataset", metavar="ID",
                      help="koppla platser och uppföljningar till detta dataset i stället för filens")
    _store_arguments(load)
    load.set_defaults(handler=run_import)

    demo = actions.add_parser(
        "demo",
        help="läs in exempelbilden (Exempelstad) i en ny databas, eller återställ den",
        description=(
            "Läs in exempelbilden: handbokens exempel från Exempelstad (platserna, orsakerna, åtgärderna vid "
            "Stortorget och fritidsgården J, mål av alla tre slagen och uppföljningen mot Östra Strand). Utan "
            "--reset bara i en tom databas; med --reset arkiveras exempeldatats platser, orsaker, åtgärder, "
            "mål och uppföljningar (inget raderas) och exempelbilden läses in på nytt. Andra dataset rörs inte."
        ),
    )
    demo.add_argument("--reset", action="store_true",
                      help="arkivera exempeldatats problembild och läs in exempelbilden på nytt")
    demo.add_argument("--user", metavar="NAMN",
                      help="vem som gör det, skrivs i ändringsloggen (standard: inloggad användare)")
    _store_arguments(demo)
    demo.set_defaults(handler=run_demo)


def _store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="SÖKVÄG_ELLER_URL",
                        help="problembildens databas (standard: [database] url i samsyn.toml, annars "
                             f"<datakatalog>/{DEFAULT_STORE_NAME})")
    parser.add_argument("--data", metavar="KATALOG",
                        help="datakatalog (standard: SAMSYN_DATA, [data] directory i samsyn.toml, annars ./userdata)")
    parser.add_argument("--config", metavar="FIL",
                        help="konfigurationsfil (standard: $SAMSYN_CONFIG eller ./samsyn.toml)")


def _workspace(args: argparse.Namespace) -> Workspace:
    """The same configuration, data directory and store the dashboard opens, unless --config/--data/--db."""
    from workspace import Workspace

    return Workspace.open(args.config, data_dir=args.data, database_url=args.db)


def run_export(args: argparse.Namespace) -> int:
    """Write the picture to ``--out``; 0 on success, 2 on bad input."""
    from store.picture_file import write_picture

    out = Path(args.out)
    if out.suffix.lower() != ".json":
        raise InputError("Utfilen måste sluta på .json.", path=out)
    workspace = _workspace(args)
    dataset = workspace.find_dataset(args.dataset) if args.dataset else workspace.default_dataset()
    crs = workspace.working_crs(dataset)
    recipient = _recipient(workspace, args.recipient) if args.recipient else None
    with workspace.store() as store:
        try:
            document = write_picture(store, out, dataset=dataset, crs=crs, recipient=recipient)
        except InputError:
            raise
        except ValueError as error:  # the database went away
            raise InputError(str(error)) from error
    counts = {name: len(document[name]) for name in ("hotspots", "causes", "measures", "goals", "followups")}
    made_for = f"; filtrerad för {args.recipient}" if args.recipient else ""
    print(f"Skrev {out} ({_counted(counts)}; dataset {dataset.id}, formatversion {document['version']}{made_for}).",
          file=sys.stdout)
    return 0


RECIPIENT_LABELS = {
    "kommunen": "kommunens analytiker",
    "polisen": "polisens analytiker",
    "styrgrupp": "styrgruppen",
}


def _recipient(workspace: Workspace, party: str):
    """The :class:`store.picture_file.Recipient` for ``party``: its view of each dataset of the data directory."""
    from reports.levels import party_view
    from store.picture_file import Recipient

    datasets = {d.id: d for d in workspace.datasets()}
    rules = workspace.config.disclosure
    hidden_to = rules.min_count - 1
    small = "1" if hidden_to == 1 else f"1–{hidden_to}"

    def view_of(dataset_id: str):
        from core.disclosure import View

        dataset = datasets.get(dataset_id)
        if dataset is None:  # gone from the data directory: nobody can say it was shared
            return View(False, False, "egen", rules)
        return party_view(party, dataset.owner, dataset.sharing, rules)

    label = (f"Gjord för {RECIPIENT_LABELS[party]}: bara platser och uppföljningar i dataset som delas med dem, "
             f"bara orsakstexter och åtgärdsbeskrivningar som är markerade som delbara, inga anteckningar; "
             f"under ägarens nivå visas antal {small} som ”..” och platser med färre än {rules.min_place} "
             "händelser utan siffror.")
    return Recipient(party, view_of, label)


def run_import(args: argparse.Namespace) -> int:
    """Read ``FILE`` into the store; 0 on success, 2 on a bad file or a non-empty store without --merge."""
    from store.picture_file import import_picture, read_picture

    source = Path(args.file)
    document = read_picture(source)  # the whole file is checked before the store is even opened
    user = (args.user or getpass.getuser()).strip()
    workspace = _workspace(args)
    # Attach only to a dataset that exists here (by id or name).
    dataset_id = workspace.find_dataset(args.dataset).id if args.dataset else None
    with workspace.store() as store:
        try:
            summary = import_picture(store, document, user=user, merge=args.merge, source=source,
                                     crs=args.crs, dataset_id=dataset_id)
        except InputError:
            raise
        except ValueError as error:  # the database went away mid-import: rolled back
            raise InputError(f"Importen avbröts och ingenting sparades: {error}", path=source) from error
        where = re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", store.url)  # never print a password
    what = summary.sentence() if summary.counts else "inga poster (filen är tom)"
    print(f"Importerade {what} från {source.name} till {where}.", file=sys.stdout)
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """Load the demo picture (``--reset``: archive the sample's picture first); 0 on success, 2 if refused."""
    from workspace.demo import load, reset

    user = (args.user or getpass.getuser()).strip()
    workspace = _workspace(args)
    with workspace.store() as store:
        try:
            result = reset(store, user=user) if args.reset else load(store, user=user)
        except InputError:
            raise
        except ValueError as error:  # the database went away
            raise InputError(f"Ingenting sparades: {error}") from error
    print(result.sentence(), file=sys.stdout)
    return 0


def _counted(counts: dict[str, int]) -> str:
    names = {"hotspots": ("plats", "platser"), "causes": ("orsak", "orsaker"), "measures": ("åtgärd", "åtgärder"),
             "goals": ("mål", "mål"), "followups": ("uppföljning", "uppföljningar")}
    parts = [f"{n} {names[k][0] if n == 1 else names[k][1]}" for k, n in counts.items()]
    return ", ".join(parts[:-1]) + " och " + parts[-1]
