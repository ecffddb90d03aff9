"""Subcommands for areas and micro-places: ``aggregate``, ``grid``, ``places``, ``concentration``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import add_filter_arguments, atomic_output, filtered_incidents
from core.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

# numpy, pandas, geopandas and geo/ are imported inside the handlers: building the
# parser (every ``samsyn`` call) must not pay for them.

# --- loading ---------------------------------------------------------------------


def _filtered(args: argparse.Namespace) -> pd.DataFrame:
    """The incidents file (anything the importer reads), filtered, with coordinates."""
    import numpy as np

    subset = filtered_incidents(args)
    attrs = dict(subset.attrs)
    if len(subset) == 0:
        raise InputError("Inga händelser kvar efter filtren.", path=args.incidents)
    located = np.isfinite(subset["x"].to_numpy(dtype=float)) & np.isfinite(subset["y"].to_numpy(dtype=float))
    if not located.all():
        subset = subset[located]
        subset.attrs = dict(attrs)
    if len(subset) == 0:
        raise InputError("Inga händelser med koordinater kvar efter filtren.", path=args.incidents)
    return subset


def _load_areas(args: argparse.Namespace, crs: str) -> gpd.GeoDataFrame:
    from geo.dataset import read_areas

    areas = read_areas(
        args.areas, id_column=args.area_id, name_column=getattr(args, "name_column", None),
        population_column=getattr(args, "population_column", None), work_crs=crs,
    )
    kinds = set(areas.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError("Områdena måste vara polygoner (punkter och linjer räknas med samsyn places).",
                         path=args.areas)
    return areas


def _check_suffix(path: str, allowed: tuple[str, ...]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise InputError(f"Utdata måste sluta på {' eller '.join(allowed)}.", path=path)
    return suffix


def _write_geo(frame: gpd.GeoDataFrame, path: str, layer: str) -> None:
    suffix = _check_suffix(path, (".gpkg", ".geojson"))
    with atomic_output(path) as tmp:
        if suffix == ".gpkg":
            frame.to_file(tmp, driver="GPKG", layer=layer, engine="pyogrio")
        else:
            # RFC 7946: GeoJSON is WGS84; web maps and other tools expect it.
            frame.to_crs("EPSG:4326").to_file(tmp, driver="GeoJSON", engine="pyogrio")


def _write_csv(frame: pd.DataFrame, path: str) -> None:
    _check_suffix(path, (".csv",))
    with atomic_output(path) as tmp:
        frame.to_csv(tmp, index=False, encoding="utf-8")


def _decimal(number: float, digits: int = 1) -> str:
    """Swedish decimal comma."""
    return f"{number:.{digits}f}".replace(".", ",")


def _fmt(number: float) -> str:
    """Swedish number formatting: space as thousands separator."""
    return f"{number:,.0f}".replace(",", "\u00a0")


# --- aggregate ---------------------------------------------------------------------


def _aggregate(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis.aggregate import counts_by_area
    from geo.crs import frame_crs

    _check_suffix(args.out, (".csv",))
    incidents = _filtered(args)
    areas = _load_areas(args, frame_crs(incidents, path=args.incidents))
    result = counts_by_area(incidents, areas, by=args.by)
    if "rate_per_1000" in result.columns:
        from analysis.aggregate import area_keys
        from analysis.smoothing import with_eb_rate_long

        # The empirical-Bayes rate beside the raw one: small areas pulled towards the mean (docs/methods.md).
        population = pd.Series(areas["population"].to_numpy(), index=area_keys(areas))
        result = with_eb_rate_long(result, population, by=args.by)
    _write_csv(result, args.out)
    outside = result.attrs["outside"]
    print(f"Skrev {_fmt(len(result))} rader ({_fmt(len(areas))} områden) till {args.out}.")
    if outside:
        share = outside / len(incidents) * 100
        print(f"{_fmt(outside)} av {_fmt(len(incidents))} händelser ({_decimal(share)} %) låg utanför alla "
              "områden; de finns med på rader utan område-id.")
    else:
        print("Alla händelser låg inom något område.")
    return 0


# --- grid ----------------------------------------------------------------------------


def _cell_counts(
    incidents: pd.DataFrame,
    shape: str,
    cell: float,
    include_empty: bool,
    extent: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    from geo.crs import frame_crs
    from geo.grid import grid_for_extent
    from geo.microplaces import grid_counts, hex_counts
    from geo.stacked import exact_only

    if cell <= 0:
        raise InputError("Rutstorleken (--cell) måste vara större än 0 meter.")
    incidents = exact_only(incidents)  # a kommun's centroid is no cell's incidents (geo.stacked)
    x = incidents["x"].to_numpy(dtype=float)
    y = incidents["y"].to_numpy(dtype=float)
    crs = frame_crs(incidents)
    if shape == "hex":
        cells = hex_counts(x, y, cell, include_empty=include_empty, extent=extent, crs=crs)
        return cells.rename(columns={"hex_id": "cell_id"})
    grid = grid_for_extent(*extent, cell, crs=crs) if extent is not None else None
    return grid_counts(x, y, cell, include_empty=include_empty, grid=grid, crs=crs)


def _grid(args: argparse.Namespace) -> int:
    _check_suffix(args.out, (".gpkg", ".geojson"))
    incidents = _filtered(args)
    cells = _cell_counts(incidents, args.shape, args.cell, args.all)
    cells = cells[["cell_id", "count", "geometry"]]
    _write_geo(cells, args.out, layer="cells")
    word = "hexagoner" if args.shape == "hex" else "rutor"
    shown = "alla" if args.all else "icke-tomma"
    print(f"Skrev {_fmt(len(cells))} {shown} {word} ({args.cell:g} m) med {_fmt(len(incidents))} händelser "
          f"till {args.out}.")
    return 0


# --- places ----------------------------------------------------------------------------


def _places(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd
    import shapely

    from geo.crs import frame_crs
    from geo.dataset import read_areas
    from geo.microplaces import place_counts, segment_counts, split_segments
    from geo.readers import read_table

    _check_suffix(args.out, (".csv",))
    incidents = _filtered(args)
    crs = frame_crs(incidents, path=args.incidents)
    places = read_areas(args.places, id_column=args.id_column, name_column=args.name_column, work_crs=crs)
    places = places[["area_id", "name", "geometry"]]
    raw = read_table(args.places).frame  # read_areas keeps only the standard columns
    radius_col = next((c for c in raw.columns if str(c).lower() in ("radius_m", "radie_m", "radie")), None)
    if radius_col is not None:
        places["radius_m"] = pd.to_numeric(raw[radius_col], errors="coerce").to_numpy()
    types = shapely.get_type_id(np.asarray(places.geometry.values, dtype=object))
    is_line = np.isin(types, (1, 5))
    if is_line.all():
        if args.split:
            places = split_segments(places)
        result = segment_counts(incidents, places, max_distance=args.distance)
        table = pd.DataFrame(result.drop(columns="geometry"))
        _write_csv(table, args.out)
        print(f"Skrev {_fmt(len(table))} gatusegment till {args.out}.")
        print(f"{_fmt(result.attrs['unassigned'])} av {_fmt(len(incidents))} händelser låg längre än "
              f"{args.distance:g} m från närmaste gatusegment och räknades inte.")
        return 0
    if is_line.any():
        raise InputError("Filen blandar linjer (gatusegment) med punkter/polygoner; dela upp den i två filer.",
                         path=args.places, rows=np.flatnonzero(is_line) + 1)
    try:
        result = place_counts(incidents, places, radius=args.radius)
    except InputError as error:  # name the file the rows are in
        raise InputError(error.reason, path=args.places, rows=error.rows, column=error.column,
                         row_count=error.row_count) from error
    table = result.reset_index()
    _write_csv(table, args.out)
    print(f"Skrev {_fmt(len(table))} platser till {args.out}.")
    print(f"{_fmt(result.attrs['in_no_place'])} av {_fmt(len(incidents))} händelser låg inte vid någon plats.")
    if result.attrs["in_several_places"]:
        print(f"{_fmt(result.attrs['in_several_places'])} händelser räknades vid flera överlappande platser.")
    return 0


# --- concentration ---------------------------------------------------------------------


def _concentration(args: argparse.Namespace) -> int:
    from analysis.concentration import concentration_summary
    from geo.crs import frame_crs

    if args.out:
        _check_suffix(args.out, (".json",))
    incidents = _filtered(args)
    crs = frame_crs(incidents, path=args.incidents)
    word = "hexagonerna" if args.shape == "hex" else "rutorna"
    plural = "hexagoner" if args.shape == "hex" else "rutor"
    if args.areas:
        from geo.assign import assign_areas

        areas = _load_areas(args, crs)
        # Every cell over the areas, kept where its centre lies in an area:
        # empty cells count as places too.
        cells = _cell_counts(incidents, args.shape, args.cell, True, extent=tuple(areas.total_bounds))
        centres = cells.geometry.centroid
        cells = cells[assign_areas(centres.x.to_numpy(), centres.y.to_numpy(), areas) >= 0]
        if len(cells) == 0:
            raise InputError("Inga rutor ligger inom områdena; prova en mindre --cell.", path=args.areas)
        note = f"inom områdena i {Path(args.areas).name}"
    else:
        cells = _cell_counts(incidents, args.shape, args.cell, include_empty=True)
        note = "i rektangeln runt händelserna"
    summary = concentration_summary(cells["count"].to_numpy(), shares=tuple(s / 100 for s in args.top))
    summary.update({"cell_m": args.cell, "shape": args.shape, "study_area": note})
    print(f"{_fmt(summary['incidents'])} händelser i {_fmt(summary['places'])} {plural} om {args.cell:g} m "
          f"{note} ({_fmt(summary['places_with_incidents'])} med minst en händelse).")
    for row in summary["top_shares"]:
        pct = row["share_places"] * 100
        print(f"De {_decimal(pct, 0) if pct == round(pct) else _decimal(pct)} % mest brottsintensiva {word} har "
              f"{row['share_incidents'] * 100:.0f} % av händelserna.")
    print(f"Gini: {_decimal(summary['gini'], 2)}")
    if summary["incidents"] < summary["places"]:
        print(f"Generaliserat Gini (Bernasco & Steenbeek 2017, färre händelser än {plural}): "
              f"{_decimal(summary['generalized_gini'], 2)}")
    if args.out:
        with atomic_output(args.out) as tmp:
            tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"Skrev {args.out}.")
    return 0


# --- registration ------------------------------------------------------------------------


def _add_incidents(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("incidents", metavar="HÄNDELSER", help="händelsefil (från samsyn import, eller CSV/Excel)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Register ``aggregate``, ``grid``, ``places`` and ``concentration``."""
    p = subparsers.add_parser(
        "aggregate", help="räkna händelser per område (stadsdel, DeSO …)",
        description="Räkna händelser per område och kategori, månad, år eller källa; skriv en lång CSV.",
    )
    _add_incidents(p)
    p.add_argument("--areas", required=True, metavar="OMRÅDEN", help="områdesfil (GeoPackage, GeoJSON, Shape …)")
    p.add_argument("--area-id", metavar="KOLUMN", help="kolumn med områdets id")
    p.add_argument("--name-column", metavar="KOLUMN", help="kolumn med områdets namn")
    p.add_argument("--population-column", metavar="KOLUMN", help="kolumn med antal invånare")
    p.add_argument("--by", choices=("category", "month", "year", "source"), default="category",
                   help="dela upp per kategori, månad (ÅÅÅÅ-MM), år eller källa (standard: category)")
    add_filter_arguments(p)
    p.add_argument("--out", required=True, metavar="UT.csv", help="CSV att skriva")
    p.set_defaults(handler=_aggregate)

    p = subparsers.add_parser(
        "grid", help="räkna händelser per ruta eller hexagon",
        description="Räkna händelser i ett rutnät (kvadrater eller hexagoner). GeoJSON skrivs i WGS84, "
                    "GeoPackage i arbets-CRS.",
    )
    _add_incidents(p)
    p.add_argument("--cell", type=float, default=100.0, metavar="METER",
                   help="rutans sida i meter; för hexagoner sidans längd (standard: 100)")
    p.add_argument("--shape", choices=("square", "hex"), default="square", help="kvadrater eller hexagoner")
    p.add_argument("--all", action="store_true", help="ta med tomma rutor också")
    add_filter_arguments(p)
    p.add_argument("--out", required=True, metavar="UT.gpkg|UT.geojson", help="fil att skriva")
    p.set_defaults(handler=_grid)

    p = subparsers.add_parser(
        "places", help="räkna händelser vid namngivna platser eller gatusegment",
        description="Polygoner och punkter (med radius_m) räknas var för sig – en händelse kan räknas vid flera "
                    "överlappande platser. Linjer räknas som gatusegment: varje händelse till närmaste segment "
                    "inom --distance meter.",
    )
    _add_incidents(p)
    p.add_argument("--places", required=True, metavar="PLATSER", help="platsfil (GeoJSON, GeoPackage …)")
    p.add_argument("--id-column", metavar="KOLUMN", help="kolumn med platsens id")
    p.add_argument("--name-column", metavar="KOLUMN", help="kolumn med platsens namn")
    p.add_argument("--distance", type=float, default=25.0, metavar="METER",
                   help="största avstånd till ett gatusegment (standard: 25)")
    p.add_argument("--radius", type=float, metavar="METER", help="radie för punktplatser utan radius_m")
    p.add_argument("--split", action="store_true", help="dela gator i segment vid varje korsning")
    add_filter_arguments(p)
    p.add_argument("--out", required=True, metavar="UT.csv", help="CSV att skriva")
    p.set_defaults(handler=_places)

    p = subparsers.add_parser(
        "concentration", help="hur koncentrerade är händelserna till få platser?",
        description="Andel av händelserna i de mest brottsintensiva rutorna, Gini och generaliserat Gini.",
    )
    _add_incidents(p)
    p.add_argument("--cell", type=float, default=100.0, metavar="METER", help="rutans sida i meter (standard: 100)")
    p.add_argument("--shape", choices=("square", "hex"), default="square", help="kvadrater eller hexagoner")
    p.add_argument("--areas", metavar="OMRÅDEN",
                   help="räkna bara rutor vars mittpunkt ligger inom dessa områden (annars rektangeln runt händelserna)")
    p.add_argument("--area-id", metavar="KOLUMN", help=argparse.SUPPRESS)
    p.add_argument("--top", type=float, nargs="+", default=[1, 5, 10], metavar="PROCENT",
                   help="andelar av rutorna i procent (standard: 1 5 10)")
    add_filter_arguments(p)
    p.add_argument("--out", metavar="UT.json", help="spara resultatet som JSON")
    p.set_defaults(handler=_concentration)
