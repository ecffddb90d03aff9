"""Subcommand ``emerging``: emerging hot spots (space-time Gi* and Mann–Kendall) per grid cell.

One row per cell with data: its pattern (``new_hot`` … ``historical_cold``, ``none``), the Swedish
and English label, the plain Swedish reading, Mann–Kendall tau/z/p of the cell's Gi* series and
how many steps it was hot or cold. GeoJSON is written in WGS84 (RFC 7946); CSV carries the
cell's centre in the working CRS (``x``, ``y``) and no polygon.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import add_filter_arguments, atomic_output, filtered_incidents
from core.errors import InputError

# numpy, pandas and analysis/ are imported inside the handler: building the parser (every
# ``samsyn`` call) must not pay for them.

_STEPS = {"month": "month", "månad": "month", "week": "week", "vecka": "week", "quarter": "quarter",
          "kvartal": "quarter"}
COLUMNS = ("cell_id", "pattern", "label", "label_en", "reading", "mk_tau", "mk_z", "mk_p", "n_hot_steps",
           "n_cold_steps", "n_steps", "count", "last_z", "last_p")


def _emerging(args: argparse.Namespace) -> int:
    import numpy as np

    from analysis.emerging import emerging_hotspots, summary_text
    from analysis.hotspots import parse_neighbours
    from geo.crs import frame_crs

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".geojson", ".csv"):
        raise InputError("Utdata (--out) måste sluta på .geojson eller .csv.", path=args.out)
    step = _STEPS.get(args.step.strip().lower())
    if step is None:
        raise InputError(f"Okänt tidssteg för --step: '{args.step}'. Skriv month, week eller quarter.")
    if not args.cell > 0:
        raise InputError("Cellstorleken (--cell) måste vara större än 0 meter.")
    if args.time_window < 0:
        raise InputError("--time-window måste vara 0 eller fler tidigare steg, t.ex. 1.")
    if not 0 < args.alpha < 1:
        raise InputError("--alpha måste ligga mellan 0 och 1, t.ex. 0.10.")
    try:
        neighbours = parse_neighbours(args.neighbours)
    except ValueError as error:
        raise InputError(f"--neighbours: {error}") from error
    subset = filtered_incidents(args)
    finite = np.isfinite(subset["x"].to_numpy(dtype=float)) & np.isfinite(subset["y"].to_numpy(dtype=float))
    incidents = subset[finite]
    incidents.attrs = dict(subset.attrs)
    if len(incidents) == 0:
        raise InputError("Inga händelser med position kvar efter filtren.", path=args.incidents)
    extent = None
    if args.areas:
        from cli.hotspot_cmd import _read_areas

        extent = _read_areas(args.areas, frame_crs(incidents, path=args.incidents))
    try:
        result = emerging_hotspots(
            incidents, cell=args.cell, step=step, neighbours=neighbours, time_window=args.time_window,
            alpha=args.alpha, start=args.start, end=args.end, extent=extent,
        )
    except ValueError as error:
        raise InputError(str(error), path=args.incidents) from error
    cells = result.cells
    with atomic_output(args.out) as tmp:
        if suffix == ".csv":
            table = cells[list(COLUMNS)].copy()
            centre = cells.geometry.centroid
            table.insert(1, "x", centre.x.round(1))
            table.insert(2, "y", centre.y.round(1))
            # UTF-8 with BOM so Excel shows å, ä, ö in the labels.
            table.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            cells[[*COLUMNS, "geometry"]].to_crs("EPSG:4326").to_file(tmp, driver="GeoJSON", engine="pyogrio")
    print(summary_text(result))
    print(f"Skrev {args.out}.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Register ``emerging``."""
    p = subparsers.add_parser(
        "emerging", help="framväxande hot spots: nya, växande, ihållande, avtagande …",
        description="Framväxande hot spots (som ArcGIS Emerging Hot Spot Analysis): Getis-Ord Gi* över en kub av "
                    "rutor × tidssteg med grannskap i rum och tid, FDR-korrektion och Mann–Kendall-trend på varje "
                    "rutas z-serie. Varje ruta med händelser får ett av 17 mönster (new_hot … historical_cold, none). "
                    "Händelser med tidsfönster fördelas över stegen fönstret täcker (aoristiskt). "
                    "GeoJSON skrivs i WGS84; CSV har rutans mittpunkt i arbets-CRS.",
    )
    p.add_argument("incidents", metavar="HÄNDELSER", help="händelsefil (från samsyn import, eller CSV/Excel)")
    p.add_argument("--cell", type=float, default=100.0, metavar="METER", help="rutans sida i meter (standard: 100)")
    p.add_argument("--step", default="month", metavar="month|week|quarter",
                   help="tidssteg: month (kalendermånad, standard), week (ISO-vecka) eller quarter (kvartal)")
    p.add_argument("--neighbours", default="queen", metavar="queen|rook|distance:METER",
                   help="grannskap i rummet: queen (standard), rook eller distance:R")
    p.add_argument("--time-window", type=int, default=1, metavar="K",
                   help="antal tidigare steg i grannskapet (standard: 1, som ArcGIS)")
    p.add_argument("--alpha", type=float, default=0.10,
                   help="signifikansnivå för rutor (FDR-korrigerat p) och trend (standard: 0.10)")
    p.add_argument("--areas", metavar="OMRÅDEN", help="studera bara rutor som skär dessa områden")
    add_filter_arguments(p)
    p.add_argument("--out", required=True, metavar="UT.geojson|UT.csv", help="fil att skriva")
    p.set_defaults(handler=_emerging)
