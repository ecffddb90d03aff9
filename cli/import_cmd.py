"""``samsyn import``: read a user's file, check and anonymise it, write Samsyn's dataset."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import atomic_output
from core.errors import InputError, worded

INCIDENT_OUTPUTS = (".parquet", ".geoparquet", ".gpkg")
AREA_OUTPUTS = (".gpkg", ".parquet", ".geoparquet", ".geojson", ".json")
SURVEY_OUTPUTS = (".csv", ".parquet")


def register(subparsers) -> None:
    """Register the ``import`` subcommand."""
    parser = subparsers.add_parser(
        "import",
        help="importera en fil (incidenter, områden eller trygghetsmätning)",
        description=(
            "Läser CSV/TSV (även .gz), kalkylblad (Excel .xlsx/.xls/.xlsb, .ods), GeoJSON, GeoPackage, Shapefile "
            "(även zippad) eller Parquet, kontrollerar varje rad, "
            "tar bort allt som inte hör till datamodellen (fritext, namn, adresser) och skriver Samsyns dataset. "
            "Kolumner känns igen på vanliga svenska och engelska namn; ange dem med flaggorna nedan vid behov."
        ),
    )
    parser.add_argument("src", metavar="KÄLLA", help="filen som ska importeras")
    parser.add_argument("--out", required=True, metavar="MÅL",
                        help="utfil: .parquet (GeoParquet) eller .gpkg; för områden även .geojson; för "
                             "trygghetsmätning .csv eller .parquet")
    parser.add_argument("--kind", choices=("incidents", "areas", "survey"), default="incidents",
                        help="vad filen innehåller (standard: incidents)")
    read = parser.add_argument_group("läsning")
    read.add_argument("--sheet", metavar="BLAD",
                      help="blad i ett kalkylblad (.xlsx, .xls, .xlsb, .ods), namn eller nummer från 1 "
                           "(standard: det första synliga)")
    read.add_argument("--header-row", type=int, metavar="RAD",
                      help="radnumret där rubrikerna står, från 1 (standard: hittas; titelrader ovanför hoppas över)")
    read.add_argument("--layer", metavar="LAGER",
                      help="lager i en GeoPackage eller shapefil i en zip-fil (behövs när filen har flera)")
    read.add_argument("--delimiter", metavar="TECKEN", help="avgränsare i CSV (standard: gissas)")
    read.add_argument("--encoding", metavar="KODNING", help="teckenkodning i CSV (standard: gissas)")

    place = parser.add_argument_group("position och koordinatsystem")
    place.add_argument("--x", metavar="KOLUMN", help="kolumn med x (östlig koordinat)")
    place.add_argument("--y", metavar="KOLUMN", help="kolumn med y (nordlig koordinat)")
    place.add_argument("--lat", metavar="KOLUMN", help="kolumn med latitud (WGS84)")
    place.add_argument("--lon", metavar="KOLUMN", help="kolumn med longitud (WGS84)")
    place.add_argument("--crs", metavar="EPSG:…", help="filens koordinatsystem, t.ex. EPSG:3006, EPSG:3008, EPSG:3021")
    place.add_argument("--work-crs", metavar="EPSG:…",
                       help="arbets-koordinatsystem, projicerat i meter (standard: EPSG:3006 SWEREF 99 TM)")

    time = parser.add_argument_group("tid")
    time.add_argument("--datetime", metavar="KOLUMN", help="kolumn med datum och tid")
    time.add_argument("--date", metavar="KOLUMN", help="kolumn med datum")
    time.add_argument("--time", metavar="KOLUMN", help="kolumn med klockslag")
    time.add_argument("--hour", metavar="KOLUMN", help="kolumn med timme")
    time.add_argument("--minute", metavar="KOLUMN", help="kolumn med minut")
    time.add_argument("--year", metavar="KOLUMN", help="kolumn med år")
    time.add_argument("--month", metavar="KOLUMN", help="kolumn med månad")
    time.add_argument("--day", metavar="KOLUMN", help="kolumn med dag")
    time.add_argument("--from", dest="window_from", metavar="KOLUMN",
                      help="brottstidpunkt från (en kolumn, eller 'DATUMKOLUMN,TIDKOLUMN')")
    time.add_argument("--to", dest="window_to", metavar="KOLUMN",
                      help="brottstidpunkt till (en kolumn, eller 'DATUMKOLUMN,TIDKOLUMN')")
    time.add_argument("--date-format", metavar="FORMAT",
                      help="datumformat (strftime) för alla datumkolumner, t.ex. \"%%d/%%m/%%Y %%H:%%M\" "
                           "(dag/månad/år) eller \"%%m/%%d/%%Y\" (månad/dag/år); behövs när datumen kan läsas "
                           "åt båda hållen")

    what = parser.add_argument_group("innehåll")
    what.add_argument("--category", metavar="KOLUMN", help="kolumn med brottstyp/kategori")
    what.add_argument("--category-value", metavar="NAMN", help="samma kategori för hela filen")
    what.add_argument("--category-map", metavar="FIL.csv",
                      help="CSV med två kolumner: namn i filen, projektets kategori")
    what.add_argument("--id", metavar="KOLUMN", help="kolumn med id/ärendenummer (sparas bara som nycklad hash)")
    what.add_argument("--source", metavar="KOLUMN", help="kolumn med källa")
    what.add_argument("--source-value", metavar="KÄLLA", help="samma källa för hela filen, t.ex. polis eller kommun")
    what.add_argument("--place-type", metavar="KOLUMN", help="kolumn med platstyp (utomhus/inomhus)")

    safety = parser.add_argument_group("kontroll och anonymisering")
    safety.add_argument("--skip-invalid", action="store_true",
                        help="behåll giltiga rader; ogiltiga skrivs till MÅL.rejected.csv med orsak")
    safety.add_argument("--salt", metavar="TEXT",
                        help="nyckel för id-hashen (annars SAMSYN_ID_SALT eller en slumpad nyckel per import)")
    safety.add_argument("--snap", type=float, metavar="METER", help="flytta punkter till mitten av en ruta, t.ex. 50")
    safety.add_argument("--snap-to", metavar="PLATSER", help="flytta punkter till närmaste mikroplats i denna fil")
    safety.add_argument("--snap-max", type=float, default=250.0, metavar="METER",
                        help="största avstånd till en mikroplats (standard 250 m)")

    other = parser.add_argument_group("områden och trygghetsmätning")
    other.add_argument("--name", metavar="KOLUMN", help="områden: kolumn med namn")
    other.add_argument("--population", metavar="KOLUMN", help="områden: kolumn med befolkning")
    other.add_argument("--parent", metavar="KOLUMN", help="områden: kolumn med överordnat område")
    other.add_argument("--area", metavar="KOLUMN", help="trygghetsmätning: kolumn med område")
    other.add_argument("--indicator", metavar="KOLUMN", help="trygghetsmätning: kolumn med indikator")
    other.add_argument("--label", metavar="KOLUMN", help="trygghetsmätning: kolumn med etikett")
    other.add_argument("--value", metavar="KOLUMN", help="trygghetsmätning: kolumn med värde")
    other.add_argument("--n", metavar="KOLUMN", help="trygghetsmätning: kolumn med antal svar")
    other.add_argument("--unit", metavar="ENHET", help="trygghetsmätning: share (0–1), procent eller index (0–6)")
    other.add_argument("--direction", metavar="RIKTNING", help="trygghetsmätning: lower_better eller higher_better")
    parser.set_defaults(handler=run)


# From this size an import takes long enough (seconds) for stage lines to help; below it they are noise.
PROGRESS_BYTES = 1_000_000


def print_stage(key: str) -> None:
    """One progress line per import stage on stderr (stdout keeps the report, for pipes and files)."""
    from geo.importer import STAGES

    print(f"{STAGES[key].capitalize()} …", file=sys.stderr, flush=True)


def stage_printer(src: Path):
    """``print_stage`` for a long file or a person at a terminal, else nothing (a quiet job's stderr is its error)."""
    try:
        long_file = src.stat().st_size >= PROGRESS_BYTES
    except OSError:
        long_file = False
    return print_stage if long_file or sys.stderr.isatty() else (lambda _key: None)


def rejected_path(out: Path) -> Path:
    """Where rejected rows go: ``incidents.parquet`` → ``incidents.rejected.csv``."""
    return out.with_name(f"{out.stem}.rejected.csv")


def _check_output(src: Path, out: Path, allowed: tuple[str, ...], kind: str) -> None:
    if out.suffix.lower() not in allowed:
        raise InputError(f"Utfilen för {kind} måste sluta på {', '.join(allowed)}.", path=out)
    if src.exists() and out.exists() and src.resolve() == out.resolve():
        raise InputError("Utfilen får inte vara samma fil som källan.", path=out)


def run(args: argparse.Namespace) -> int:
    """Run the import and print the Swedish report."""
    src, out = Path(args.src), Path(args.out)
    if args.kind == "areas":
        lines = _run_areas(args, src, out)
    elif args.kind == "survey":
        lines = _run_survey(args, src, out)
    else:
        lines = _run_incidents(args, src, out)
    print("\n".join(lines))
    return 0


def _run_incidents(args: argparse.Namespace, src: Path, out: Path) -> list[str]:
    from geo.dataset import write_incidents
    from geo.importer import ImportOptions, import_incidents

    _check_output(src, out, INCIDENT_OUTPUTS, "incidenter")
    names = ("x", "y", "lat", "lon", "crs", "work_crs", "datetime", "date", "time", "hour", "minute", "year",
             "month", "day", "window_from", "window_to", "date_format", "category", "category_value", "category_map",
             "id",
             "source", "source_value", "place_type", "sheet", "header_row", "layer", "delimiter", "encoding",
             "skip_invalid", "salt", "snap", "snap_to", "snap_max")
    options = ImportOptions(**{name: getattr(args, name) for name in names})
    stage = stage_printer(src)
    result = import_incidents(src, options, progress=stage)
    rejected_file = rejected_path(out)
    stage("write")
    if result.rejected is not None and len(result.rejected):
        with atomic_output(out) as tmp, atomic_output(rejected_file) as tmp_rejected:
            write_incidents(result.frame, tmp)
            result.rejected.to_csv(tmp_rejected, index=False, sep=";", encoding="utf-8-sig")
    else:
        with atomic_output(out) as tmp:
            write_incidents(result.frame, tmp)
    lines = result.report.lines()
    if result.report.rows_rejected:
        lines.append(f"Avvisade rader med orsak: {rejected_file}")
    lines.append(f"Skrev {result.report.rows_written} rader till {out}")
    return lines


def _run_areas(args: argparse.Namespace, src: Path, out: Path) -> list[str]:
    from geo.areas import read_areas_report, write_areas
    from geo.crs import crs_name

    _check_output(src, out, AREA_OUTPUTS, "områden")
    areas, report = read_areas_report(
        src, id_column=args.id, name_column=args.name, population_column=args.population,
        parent_column=args.parent, layer=args.layer, crs=args.crs, work_crs=args.work_crs,
    )
    with atomic_output(out) as tmp:
        write_areas(areas, tmp)
    labels = {"area_id": "områdes-id", "name": "namn", "population": "befolkning", "parent": "överordnat område"}
    lines = [f"Fil: {src}", f"Områden lästa: {report.rows_read}", "Kolumner som används:"]
    lines += [f"  {labels[role]}: {column}" for role, column in report.columns_used.items()]
    lines.append("Kolumner som tas bort: " + (", ".join(report.columns_dropped) or "inga"))
    lines.append(f"Koordinatsystem i filen: {crs_name(report.crs_found)} – {report.crs_how}")
    lines.append(f"Arbets-koordinatsystem: {crs_name(report.work_crs)}")
    if report.warnings:
        lines.append("Varningar:")
        lines += [f"  - {worded(w)}" for w in report.warnings]
    lines.append(f"Skrev {len(areas)} områden till {out}")
    return lines


def _run_survey(args: argparse.Namespace, src: Path, out: Path) -> list[str]:
    from geo.survey import ROLE_NAMES, read_survey_report, write_survey

    _check_output(src, out, SURVEY_OUTPUTS, "trygghetsmätning")
    columns = {"area_id": args.area, "year": args.year, "indicator": args.indicator, "label": args.label,
               "value": args.value, "n": args.n, "source": args.source}
    survey, report = read_survey_report(src, columns=columns, sheet=args.sheet, unit=args.unit,
                                        direction=args.direction, source_value=args.source_value)
    with atomic_output(out) as tmp:
        write_survey(survey, tmp)
    lines = [f"Fil: {src}", f"Rader lästa: {report.rows_read}", "Kolumner som används:"]
    lines += [f"  {ROLE_NAMES.get(role, role)}: {column}" for role, column in report.columns_used.items()]
    lines.append("Kolumner som tas bort: " + (", ".join(report.columns_dropped) or "inga"))
    if report.warnings:
        lines.append("Varningar:")
        lines += [f"  - {worded(w)}" for w in report.warnings]
    lines.append(f"Skrev {len(survey)} rader till {out}")
    return lines
