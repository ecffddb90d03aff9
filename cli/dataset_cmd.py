"""``samsyn dataset add|list|use|share``: datasets in the data directory from the command line.

The same importer and the same dataset store as the Data page, so a scheduled job can load each
month's export::

    samsyn dataset add "Polisens export maj 2025" --incidents maj.csv --districts stadsdelar.geojson --use

Every file is read and checked before anything is written; when one fails nothing is left behind
(no half-made dataset), the message names the file, and the exit code is 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.errors import InputError, worded

# The groups of `samsyn import` whose flags `dataset add` takes too, for the incident file.
IMPORT_GROUPS = ("läsning", "position och koordinatsystem", "tid", "innehåll", "kontroll och anonymisering")
INCIDENT_OPTIONS = ("x", "y", "lat", "lon", "crs", "work_crs", "datetime", "date", "time", "hour", "minute", "year",
                    "month", "day", "window_from", "window_to", "date_format", "category", "category_value",
                    "category_map", "id", "source", "source_value", "place_type", "sheet", "header_row", "layer",
                    "delimiter",
                    "encoding", "skip_invalid", "salt", "snap", "snap_to", "snap_max")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``samsyn dataset`` with ``add``, ``list`` and ``use``."""
    parser = subparsers.add_parser(
        "dataset",
        help="lägg till, lista och välj dataset i datamappen",
        description="Dataset i datamappen (samma som på sidan Data): lägg till ett från filer, lista dem, "
                    "välj standarddataset för kommandoraden och nya sessioner i instrumentpanelen.",
    )
    actions = parser.add_subparsers(dest="dataset_command", metavar="ÅTGÄRD", required=True)

    add = actions.add_parser(
        "add", help="läs in filer som ett nytt dataset",
        description="Läser in händelser (och områden, platser, trygghetsmätning) genom samma import som "
                    "`samsyn import` och sidan Data, och sparar dem som ett nytt dataset i datamappen. "
                    "Flaggorna för händelsefilen är desamma som för `samsyn import`.")
    add.add_argument("name", metavar="NAMN", help="datasetets namn, t.ex. 'Polisens export maj 2025'")
    add.add_argument("--incidents", required=True, metavar="FIL", help="händelser (CSV, Excel, GeoJSON …)")
    add.add_argument("--districts", metavar="FIL", help="områdeslager (stadsdelar, DeSO …)")
    add.add_argument("--places", metavar="FIL", help="namngivna platser (mikroplatser)")
    add.add_argument("--survey", metavar="FIL", help="trygghetsmätning")
    add.add_argument("--use", action="store_true", help="gör det nya datasetet till standard (som `dataset use`)")
    add.add_argument("--rejected", metavar="FIL.csv",
                     help="med --skip-invalid: skriv de avvisade raderna med orsak hit (utanför datamappen; de "
                          "sparas aldrig i datasetet)")
    _add_sharing(add, default_sharing="egen")
    _add_common(add)
    _copy_import_flags(add)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="lista dataseten", description="Listar dataseten i datamappen; "
                                 "standarddatasetet är markerat med *.")
    _add_common(listing)
    listing.set_defaults(handler=run_list)

    use = actions.add_parser(
        "use", help="välj standarddataset",
        description="Väljer datasetet som kommandoraden (t.ex. `samsyn report`) använder och som nya "
                    "sessioner i instrumentpanelen öppnar. Den som redan har Samsyn öppet behåller sitt val.")
    use.add_argument("dataset", metavar="NAMN_ELLER_ID", help="datasetets id eller namn")
    _add_common(use)
    use.set_defaults(handler=run_use)

    share = actions.add_parser(
        "share", help="ändra ägare och delningsnivå",
        description="Ändrar vilken organisation som äger datasetet och vilka som ser det: egen (bara ägarens "
                    "analytiker), gemensam (båda parternas analytiker och workshopen, med röjandekontroll), "
                    "styrgrupp (även styrgruppen och allmänheten, bara sammanställningar). Se docs/access.md.")
    share.add_argument("dataset", metavar="NAMN_ELLER_ID", help="datasetets id eller namn")
    _add_sharing(share, default_sharing=None)
    _add_common(share)
    share.add_argument("--user", metavar="NAMN",
                       help="vem som gör ändringen i ändringsloggen (standard: inloggningsnamnet)")
    share.set_defaults(handler=run_share)

    show = actions.add_parser(
        "show", help="visa ett dataset, dess ändringar av ägare och delning och dess importrapport",
        description="Visar datasetets namn, innehåll, ägare och delning (med ändringsloggens ändringar: vem, när, "
                    "från → till), och importrapporten som sparades när "
                    "filerna lästes in (antal rader, kolumner, datumformat, koordinatsystem, avvisade rader per "
                    "orsak). Rapporten innehåller inga värden ur filen.")
    show.add_argument("dataset", metavar="NAMN_ELLER_ID", help="datasetets id eller namn")
    _add_common(show)
    show.set_defaults(handler=run_show)


def _add_sharing(parser: argparse.ArgumentParser, *, default_sharing: str | None) -> None:
    # Checked by the handler, not by argparse's choices, so a bad value gets a Swedish message and exit 2.
    parser.add_argument("--owner", metavar="ORGANISATION",
                        help="ägarorganisationen: polisen, kommunen eller en annan organisations id")
    parser.add_argument("--sharing", metavar="NIVÅ", default=default_sharing,
                        help="egen, gemensam eller styrgrupp" + (f" (standard: {default_sharing})"
                                                                 if default_sharing else ""))


def _checked_sharing(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """``--owner`` as an organisation id and ``--sharing`` as a level, or an InputError before anything is read."""
    from core.disclosure import check_sharing, normalise_organisation

    owner = None
    if args.owner is not None:
        if not args.owner.strip():
            raise InputError("--owner behöver en organisation, t.ex. polisen eller kommunen.")
        owner = normalise_organisation(args.owner)
    sharing = args.sharing
    if sharing is not None:
        try:
            check_sharing(sharing.strip().lower())
        except ValueError as error:
            raise InputError(f"--sharing: {error}") from None
        sharing = sharing.strip().lower()
    return owner, sharing


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="KATALOG",
                        help="datamappen (standard: SAMSYN_DATA, [data] directory i samsyn.toml, annars ./userdata)")
    parser.add_argument("--config", metavar="FIL", help="konfigurationsfil (standard: $SAMSYN_CONFIG eller ./samsyn.toml)")


def _copy_import_flags(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` the incident flags of ``samsyn import`` (one definition, so they cannot drift)."""
    from cli import import_cmd

    scratch = argparse.ArgumentParser(add_help=False)
    import_cmd.register(scratch.add_subparsers())
    template = scratch._subparsers._group_actions[0].choices["import"]
    for group in template._action_groups:
        if group.title in IMPORT_GROUPS:
            target = parser.add_argument_group(f"händelsefilen: {group.title}")
            for action in group._group_actions:
                target._add_action(action)


def _workspace(args: argparse.Namespace):
    from workspace import Workspace

    return Workspace.open(args.config, data_dir=args.data)


def run_add(args: argparse.Namespace) -> int:
    """Read and check every file, then write the dataset; nothing is left behind on failure."""
    from geo.areas import read_areas_report, write_areas
    from geo.crs import crs_name
    from geo.dataset import write_incidents
    from geo.importer import ImportOptions, import_incidents
    from geo.survey import read_survey_report, write_survey
    from store.datasets import create_dataset, discard_dataset, save_role

    space = _workspace(args)
    name = args.name.strip()
    if not name:
        raise InputError("Datasetet behöver ett namn.")
    owner, sharing = _checked_sharing(args)
    for flag in ("incidents", "districts", "places", "survey"):
        value = getattr(args, flag)
        if value is not None and not Path(value).is_file():
            raise InputError(f"Filen för --{flag} finns inte.", path=value)
    rejected_file = Path(args.rejected) if getattr(args, "rejected", None) else None
    # The data directory holds only what passed the importer: the rejected rows go elsewhere or nowhere.
    if rejected_file is not None and rejected_file.resolve().is_relative_to(Path(space.data_dir).resolve()):
        raise InputError("De avvisade raderna sparas inte i datamappen; ange en fil utanför den med --rejected.",
                         path=rejected_file)

    # Everything is read in memory first: a bad file stops here, before the data directory is touched.
    options = ImportOptions(**{option: getattr(args, option) for option in INCIDENT_OPTIONS})
    from cli.import_cmd import stage_printer
    from store.import_report import write_import_report

    print_stage = stage_printer(Path(args.incidents))
    imported = import_incidents(Path(args.incidents), options, progress=print_stage)
    crs = imported.frame.attrs["crs"]
    layers = {}
    for role in ("districts", "places"):
        if getattr(args, role):
            layers[role] = read_areas_report(Path(getattr(args, role)), work_crs=crs)
    survey = read_survey_report(Path(args.survey)) if args.survey else None

    print_stage("write")
    dataset = create_dataset(space.data_dir, name, crs=crs, owner=owner, sharing=sharing)
    try:
        write_import_report(dataset.directory, "incidents", imported.report.to_dict())
        dataset = save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(imported.frame, p), crs=crs)
        for role, (frame, _report) in layers.items():
            dataset = save_role(dataset, role, ".gpkg", lambda p, f=frame: write_areas(f, p))
        if survey is not None:
            dataset = save_role(dataset, "survey", ".csv", lambda p: write_survey(survey[0], p))
        if rejected_file is not None and imported.rejected is not None and len(imported.rejected):
            from cli.common import write_atomically

            write_atomically(rejected_file, lambda tmp: imported.rejected.to_csv(tmp, index=False, sep=";",
                                                                                 encoding="utf-8-sig"))
        if args.use:
            space.set_default(dataset.id)
    except BaseException:
        discard_dataset(dataset)  # no half-made dataset: a later run with the same name gets the same id
        raise

    lines = [*imported.report.lines()]
    for role, (frame, report) in layers.items():
        label = "Områden" if role == "districts" else "Platser"
        lines.append(f"{label}: {len(frame)} ur {Path(getattr(args, role)).name} "
                     f"({crs_name(report.crs_found)} – {report.crs_how})")
        lines += [f"  - {worded(warning)}" for warning in report.warnings]
    if survey is not None:
        lines.append(f"Trygghetsmätning: {len(survey[0])} rader ur {Path(args.survey).name}")
        lines += [f"  - {worded(warning)}" for warning in survey[1].warnings]
    if imported.report.rows_rejected and rejected_file is not None:
        lines.append(f"Avvisade rader med orsak: {rejected_file}")
    elif imported.report.rows_rejected:
        lines.append("De avvisade raderna sparades inte; ange --rejected FIL.csv för att få dem med orsak.")
    lines.append(f"Skapade datasetet {dataset.id} ({dataset.name}) i {space.data_dir} med "
                 f"{imported.report.rows_written} händelser, arbets-koordinatsystem {crs_name(crs)}.")
    lines.append(_sharing_sentence(dataset))
    if args.use:
        lines.append(f"{dataset.id} är nu standarddataset.")
    print("\n".join(lines))
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print the datasets, the default one marked with ``*``."""
    space = _workspace(args)
    default = space.default_dataset().id
    from core.disclosure import SHARING_NAMES

    rows = [("", "ID", "NAMN", "SKAPAD", "ÄGARE", "DELNING", "LAGER", "KOORDINATSYSTEM")]
    for dataset in space.datasets():
        try:
            crs = space.working_crs(dataset)
        except InputError as error:
            crs = f"fel: {error.reason}"
        rows.append(("*" if dataset.id == default else "", dataset.id, dataset.name,
                     dataset.created[:16].replace("T", " ") if dataset.created else "inbyggt",
                     dataset.owner or "–", SHARING_NAMES["sv"][dataset.sharing],
                     ", ".join(role for role in ("incidents", "districts", "places", "streets", "background",
                                                 "survey") if dataset.path(role)) or "inga", crs))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    print(f"\n* standard (kommandoraden och nya sessioner). Datamapp: {space.data_dir}", file=sys.stdout)
    return 0


def run_use(args: argparse.Namespace) -> int:
    """Make a dataset the default."""
    space = _workspace(args)
    dataset = space.set_default(args.dataset)
    print(f"Standarddataset: {dataset.id} ({dataset.name}). Nya sessioner i instrumentpanelen och "
          "kommandoraden använder det; öppna sessioner behåller sitt val.")
    return 0


def _sharing_sentence(dataset) -> str:
    from core.disclosure import SHARING_NAMES

    owner = f"ägs av {dataset.owner}" if dataset.owner else \
        "har ingen ägare (syns bara på en arbetsstation tills en ägare anges med `samsyn dataset share`)"
    return f"Datasetet {dataset.id} {owner} och delas {SHARING_NAMES['sv'][dataset.sharing]}."


def run_share(args: argparse.Namespace) -> int:
    """Change a dataset's owner and/or sharing level as the operator (``Viewer.local()``)."""
    from core.disclosure import Viewer

    owner, sharing = _checked_sharing(args)
    if owner is None and sharing is None:
        raise InputError("Ange --sharing egen|gemensam|styrgrupp och/eller --owner ORGANISATION.")
    space = _workspace(args)
    dataset = space.find_dataset(args.dataset)
    changed = space.set_sharing(dataset.id, viewer=Viewer.local(), owner=owner, sharing=sharing, user=args.user)
    print(_sharing_sentence(changed))
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one dataset: name, contents, owner and sharing, and its stored import report."""
    from geo.importer import stored_report_lines
    from store.import_report import read_import_reports

    space = _workspace(args)
    dataset = space.find_dataset(args.dataset)
    roles = [role for role in ("incidents", "districts", "places", "streets", "background", "survey")
             if dataset.path(role)]
    lines = [f"{dataset.name} ({dataset.id})",
             f"Skapat: {dataset.created[:16].replace('T', ' ') if dataset.created else 'inbyggt'}",
             f"Innehåll: {', '.join(roles) or 'inga filer'}", _sharing_sentence(dataset)]
    history = [] if dataset.builtin else space.sharing_log(dataset.id)
    lines.append("Ändringar av ägare och delning:" if history else
                 "Ändringar av ägare och delning: inga sedan datasetet skapades.")
    lines += [f"  {change.sentence()}" for change in history]
    reports = {} if dataset.builtin else read_import_reports(dataset.directory)
    if not reports:
        lines.append("Importrapport: ingen sparad (datasetet lästes in innan rapporterna sparades, eller är "
                     "exempeldatan).")
    for role, report in reports.items():
        lines += ["", f"Importrapport – {role}:", *(f"  {line}" for line in stored_report_lines(role, report))]
    print("\n".join(lines))
    return 0
