"""Subcommand ``sppt``: did the pattern change between two periods or two sources (Andresen's S-index)?

Two periods of one file (``--base`` and ``--test``), two sources of one file
(``--base-source`` and ``--test-source``), or two files (``--test-file``, e.g. the police's
export against the kommun's reports). One CSV row per area with both counts and shares, the
interval the area was judged on, and whether its share is similar, higher or lower.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import add_filter_arguments, atomic_output, load_incidents_file
from core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

# numpy, pandas and analysis/ are imported inside the handler: building the parser must not pay for them.


def _period(text: str | None, option: str) -> tuple[str, str] | None:
    """``FROM:TO`` as two ISO dates; a message naming ``option`` for anything else."""
    import pandas as pd

    if text is None:
        return None
    bad = InputError(f"Ogiltig period för {option}: '{text}'. Skriv ÅÅÅÅ-MM-DD:ÅÅÅÅ-MM-DD, t.ex. 2024-01-01:2024-12-31.")
    parts = text.split(":")
    if len(parts) != 2:
        raise bad
    try:
        start, end = (pd.Timestamp(part.strip()) for part in parts)
    except (TypeError, ValueError) as error:
        raise bad from error
    if pd.isna(start) or pd.isna(end):
        raise bad
    if end < start:
        raise InputError(f"I {option} ligger slutdatum {end:%Y-%m-%d} före startdatum {start:%Y-%m-%d}.")
    return start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")


def _subset(incidents: pd.DataFrame, args: argparse.Namespace, period: tuple[str, str] | None,
            sources: list[str] | None, what: str, path: str) -> pd.DataFrame:
    import numpy as np

    from analysis.filters import filter_incidents

    try:
        subset = filter_incidents(incidents, categories=args.category, sources=sources,
                                  start=period[0] if period else None, end=period[1] if period else None)
    except ValueError as error:
        raise InputError(f"Ogiltigt filter: {error}.") from error
    located = np.isfinite(subset["x"].to_numpy(dtype=float)) & np.isfinite(subset["y"].to_numpy(dtype=float))
    result = subset[located]
    result.attrs = dict(incidents.attrs)
    if len(result) == 0:
        raise InputError(f"Inga händelser med koordinater i {what} efter filtren.", path=path)
    return result


def _sppt(args: argparse.Namespace) -> int:
    from analysis.sppt import change_label, sppt
    from core import formatting
    from geo.crs import frame_crs
    from geo.dataset import read_areas

    if Path(args.out).suffix.lower() != ".csv":
        raise InputError("Utdata (--out) måste sluta på .csv.", path=args.out)
    base_period = _period(args.base, "--base")
    test_period = _period(args.test, "--test")
    two_sources = args.base_source is not None or args.test_source is not None
    if args.test_file is None and not two_sources and (base_period is None or test_period is None):
        raise InputError("Ange två perioder (--base och --test), två källor (--base-source och --test-source) "
                         "eller en andra fil (--test-file).")
    if two_sources and (args.base_source is None or args.test_source is None):
        raise InputError("Ange både --base-source och --test-source (t.ex. polis och kommun).")
    if args.test_file is not None and test_period is None:
        test_period = base_period  # the same period of both sources
    if two_sources and test_period is None:
        test_period = base_period
    if not 0 < args.conf_level < 100:
        raise InputError("--conf-level måste ligga mellan 0 och 100, t.ex. 95.")
    if not 0 < args.sample_percent <= 100:
        raise InputError("--sample-percent måste ligga mellan 0 och 100, t.ex. 85.")
    if args.samples < 2:
        raise InputError("--samples måste vara minst 2 (R sppt använder 200).")

    incidents = load_incidents_file(args.incidents)
    base = _subset(incidents, args, base_period, [args.base_source] if args.base_source else args.source,
                   "basmängden (--base)", args.incidents)
    test_path = args.test_file or args.incidents
    test_source = load_incidents_file(args.test_file) if args.test_file else incidents
    test = _subset(test_source, args, test_period, [args.test_source] if args.test_source else args.source,
                   "testmängden (--test)", test_path)
    crs = frame_crs(base, path=args.incidents)
    test_crs = frame_crs(test, path=test_path)
    if test_crs != crs:
        from geo.crs import transform

        # Two exports in different working CRSs: count the second in the first's coordinates.
        x, y = transform(test["x"].to_numpy(dtype=float), test["y"].to_numpy(dtype=float), test_crs, crs)
        test = test.assign(x=x, y=y)
        test.attrs["crs"] = crs
    if not Path(args.areas).exists():
        raise InputError("Filen finns inte.", path=args.areas)
    try:
        areas = read_areas(args.areas, id_column=args.area_id, name_column=args.name_column, work_crs=crs)
    except InputError:
        raise
    except (OSError, ValueError) as error:
        raise InputError(f"Kunde inte läsa områdena ({error}).", path=args.areas) from error
    if not set(areas.geom_type) <= {"Polygon", "MultiPolygon"}:
        raise InputError("Områdena (--areas) måste vara polygoner.", path=args.areas)
    try:
        result = sppt(base, test, areas, method=args.method, n_samples=args.samples,
                      sample_percent=args.sample_percent, conf_level=args.conf_level, seed=args.seed)
    except ValueError as error:
        raise InputError(f"{error} (--base/--test)") from error
    table = result.table.reset_index()
    table.insert(table.columns.get_loc("change") + 1, "change_sv",
                 [change_label(change) for change in table["change"]])
    with atomic_output(args.out) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8")
    counted_base, counted_test = int(table["base_count"].sum()), int(table["test_count"].sum())
    print(f"{result.sentence()}")
    settings = {"sppt": f"Andresens test, {args.sample_percent:g} % av testmängden dras {args.samples} gånger",
                "boot": f"bootstrap av båda mängderna, {args.samples} gånger",
                "diff": "proportionstest per område (chi² N−1, Benjamini–Yekutieli)"}[args.method]
    print(f"{len(table)} områden; {formatting.number(counted_base)} händelser i basmängden och "
          f"{formatting.number(counted_test)} i testmängden inom "
          f"områdena; {settings}; {args.conf_level:g} % konfidens"
          + (f"; frö {args.seed}." if args.seed is not None else "."))
    print(f"Skrev {args.out}.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Register ``sppt``."""
    p = subparsers.add_parser(
        "sppt", help="har mönstret ändrats? (Andresens S-index per område)",
        description="Jämför var händelserna ligger i två perioder eller två källor, område för område, "
                    "med Andresens spatial point pattern test (som R-paketet sppt). Skriver en CSV med en rad "
                    "per område (liknande / högre andel / lägre andel) och skriver S-index.",
    )
    p.add_argument("incidents", metavar="HÄNDELSER", help="händelsefil (från samsyn import, eller CSV/Excel)")
    p.add_argument("--areas", required=True, metavar="OMRÅDEN", help="områdesfil (GeoPackage, GeoJSON, Shape …)")
    p.add_argument("--area-id", metavar="KOLUMN", help="kolumn med områdets id")
    p.add_argument("--name-column", metavar="KOLUMN", help="kolumn med områdets namn")
    p.add_argument("--base", metavar="FRÅN:TILL", help="basperiod, t.ex. 2024-01-01:2024-06-30")
    p.add_argument("--test", metavar="FRÅN:TILL", help="testperiod, t.ex. 2025-01-01:2025-06-30")
    p.add_argument("--test-file", metavar="HÄNDELSER2",
                   help="jämför med en andra fil (t.ex. kommunens rapporter mot polisens); samma period om "
                        "bara --base anges")
    p.add_argument("--base-source", metavar="KÄLLA", help="basmängden är denna källa, t.ex. polis")
    p.add_argument("--test-source", metavar="KÄLLA", help="testmängden är denna källa, t.ex. kommun")
    add_filter_arguments(p, dates=False)  # the periods are --base and --test
    p.add_argument("--method", choices=("sppt", "boot", "diff"), default="sppt",
                   help="sppt: Andresens test (standard); boot: bootstrap av båda; diff: proportionstest per område")
    p.add_argument("--samples", type=int, default=200, metavar="N", help="antal omdragningar (standard: 200)")
    p.add_argument("--sample-percent", type=float, default=85.0, metavar="PROCENT",
                   help="andel av testmängden som dras varje gång (standard: 85)")
    p.add_argument("--conf-level", type=float, default=95.0, metavar="PROCENT", help="konfidensnivå (standard: 95)")
    p.add_argument("--seed", type=int, metavar="N", help="slumpfrö, för samma resultat varje gång")
    p.add_argument("--out", required=True, metavar="UT.csv", help="CSV att skriva")
    p.set_defaults(handler=_sppt)
