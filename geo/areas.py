"""Area layers (districts, DeSO/RegSO, micro-places): read, recognise columns, validate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.errors import InputError
from geo.columns import find_column, resolve_column, to_number
from geo.crs import check_work_crs, crs_name, guess_crs, normalise_crs, outside_area
from geo.model import WORK_CRS
from geo.readers import read_table

ID_NAMES = (
    "area_id", "id", "omrade_id", "kod", "do_kod", "deso", "desokod", "deso_kod", "regso", "regsokod",
    "regso_kod", "nyckelkod", "basomrade", "basomradeskod", "stadsdelskod", "kommunkod", "kommun_kod", "kn_kod",
    "lpo_kod", "code", "objectid", "fid",
)
NAME_NAMES = (
    "name", "namn", "delomrade", "delomradesnamn", "stadsdel", "stadsdelsnamn", "basomradesnamn", "omrade",
    "omradesnamn", "regsonamn", "regso_namn", "deso_namn", "kom_namn", "kommunnamn", "kommun_namn", "lpo",
    "lokalpolisomrade", "label",
)
POPULATION_NAMES = (
    "population", "befolkning", "folkmangd", "invanare", "antal_invanare", "bef", "befolkning_totalt",
    "totalt", "pop", "inhabitants",
)
PARENT_NAMES = ("parent", "overordnad", "overordnat", "overordnat_omrade", "lan_code", "lanskod", "lan_kod")


@dataclass
class AreaReport:
    """What reading an area layer found and did (Swedish text for the user)."""

    path: str
    rows_read: int = 0
    columns_used: dict[str, str] = field(default_factory=dict)
    columns_dropped: list[str] = field(default_factory=list)
    crs_found: str | None = None
    crs_how: str = ""
    work_crs: str = WORK_CRS
    warnings: list[str] = field(default_factory=list)


def _pick(columns: list[str], given: str | None, names: tuple[str, ...], role: str, path: Path,
          taken: list[str]) -> str | None:
    if given is not None:
        column = resolve_column(columns, given)
        if column is None:
            raise InputError(f"Kolumnen för {role} finns inte. Kolumnerna är: {', '.join(columns)}.",
                             path=path, column=given)
        return column
    return find_column(columns, names, taken)


def read_areas_report(
    path: str | Path,
    *,
    id_column: str | None = None,
    name_column: str | None = None,
    population_column: str | None = None,
    parent_column: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    work_crs: str | None = WORK_CRS,
) -> tuple[gpd.GeoDataFrame, AreaReport]:
    """Read and validate an area layer; return it with a report.

    See :func:`geo.dataset.read_areas` for the columns. Invalid polygons are
    repaired with ``make_valid`` (a warning says which); empty geometries and
    duplicate ids are refused, naming the rows.
    """
    path = Path(path)
    work = check_work_crs(work_crs, path=str(path))
    table = read_table(path, layer=layer)
    if table.geometry is None:
        raise InputError("Filen har ingen geometri; ett områdeslager måste vara GeoJSON, GeoPackage, "
                         "Shapefile eller GeoParquet.", path=path)
    report = AreaReport(path=str(path), rows_read=table.row_count, work_crs=work)
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    taken: list[str] = []
    chosen: dict[str, str | None] = {}
    for role, given, names, label in (
        ("area_id", id_column, ID_NAMES, "områdes-id"),
        ("name", name_column, NAME_NAMES, "namn"),
        ("population", population_column, POPULATION_NAMES, "befolkning"),
        ("parent", parent_column, PARENT_NAMES, "överordnat område"),
    ):
        column = _pick(columns, given, names, label, path, taken)
        chosen[role] = column
        if column is not None:
            taken.append(column)
            report.columns_used[role] = column
    # Micro-place layers also carry a kind (torg, krog, skola …) and a radius for point places.
    for role, names in (("kind", ("kind", "typ", "platstyp", "type")), ("radius_m", ("radius_m", "radie", "radius"))):
        column = find_column(columns, names, taken)
        chosen[role] = column
        if column is not None:
            taken.append(column)
            report.columns_used[role] = column
    report.columns_dropped = [c for c in columns if c not in taken]

    geometry = table.geometry
    missing = geometry.isna().to_numpy() | geometry.is_empty.to_numpy()
    if missing.any():
        raise InputError("geometrin saknas eller är tom.", path=path, rows=table.rows[missing],
                         row_count=int(missing.sum()))
    invalid = ~geometry.is_valid.to_numpy()
    if invalid.any():
        shown = ", ".join(str(r) for r in table.rows[invalid][:10])
        geometry = geometry.copy()
        geometry[invalid] = shapely.make_valid(geometry[invalid].to_numpy())
        report.warnings.append(f"{int(invalid.sum())} ogiltiga geometrier reparerades med make_valid (rad {shown}).")
        still_empty = geometry.is_empty.to_numpy()
        if still_empty.any():
            raise InputError("geometrin är ogiltig och blir tom när den repareras.", path=path,
                             rows=table.rows[still_empty], row_count=int(still_empty.sum()))

    source_crs = normalise_crs(crs, path=str(path)) if crs else table.crs
    if crs:
        report.crs_how = "angivet med --crs"
    elif source_crs:
        report.crs_how = "angivet i filen"
    else:
        points = geometry.representative_point()
        guess = guess_crs(points.x.to_numpy(), points.y.to_numpy())
        if guess.crs is None or guess.swapped:
            raise InputError(f"Filen anger inget koordinatsystem och det går inte att gissa ({guess.note}).",
                             path=path, hint="crs")
        source_crs = guess.crs
        report.crs_how = guess.note
        report.warnings.append(f"Koordinatsystemet gissades: {crs_name(source_crs)} ({guess.note}).")
    report.crs_found = source_crs
    gs = gpd.GeoSeries(geometry.to_numpy(), crs=source_crs)
    if source_crs != work:
        gs = gs.to_crs(work)
    bounds = gs.bounds
    cx = ((bounds["minx"] + bounds["maxx"]) / 2).to_numpy()
    cy = ((bounds["miny"] + bounds["maxy"]) / 2).to_numpy()
    outside = outside_area(cx, cy, work)
    if outside.any():
        where = "Sverige" if work == WORK_CRS else f"användningsområdet för {work}"
        raise InputError(f"områdena ligger utanför {where} efter omräkning från {crs_name(source_crs)}.",
                         hint="crs_verify", path=path, rows=table.rows[outside],
                         row_count=int(outside.sum()))

    n = len(frame)
    if chosen["area_id"] is not None:
        ids = _as_text(frame[chosen["area_id"]])
    elif chosen["name"] is not None and _as_text(frame[chosen["name"]]).is_unique:
        ids = _as_text(frame[chosen["name"]])
        report.warnings.append(f"Ingen id-kolumn hittades; namnen i '{chosen['name']}' används som id.")
    else:
        ids = pd.Series([str(i) for i in range(1, n + 1)], dtype="str")
        report.warnings.append("Ingen id-kolumn hittades; områdena numrerades 1, 2, 3 … i filens ordning.")
    empty_id = ids.isna().to_numpy() | (ids.str.strip() == "").to_numpy()
    if empty_id.any():
        raise InputError("områdes-id saknas.", path=path, rows=table.rows[empty_id], column=chosen["area_id"],
                         row_count=int(empty_id.sum()))
    duplicated = ids.duplicated(keep=False).to_numpy()
    if duplicated.any():
        examples = ", ".join(sorted(set(ids[duplicated]))[:5])
        raise InputError(f"områdes-id förekommer flera gånger ({examples}). Varje område måste ha ett unikt id.",
                         path=path, rows=table.rows[duplicated], column=chosen["area_id"],
                         row_count=int(duplicated.sum()))
    names = _as_text(frame[chosen["name"]]) if chosen["name"] is not None else ids.copy()
    names = names.where(names.notna(), ids)
    if chosen["population"] is not None:
        population, bad = to_number(frame[chosen["population"]])
        if bad.any() or (np.nan_to_num(population) < 0).any():
            rows = table.rows[bad | (np.nan_to_num(population) < 0)]
            raise InputError("befolkningen är inte ett tal ≥ 0.", path=path, rows=rows,
                             column=chosen["population"])
    else:
        population = np.full(n, np.nan)
    parent = _as_text(frame[chosen["parent"]]).astype(object) if chosen["parent"] is not None else [None] * n
    areas = gpd.GeoDataFrame(
        {
            "area_id": ids.astype(object).to_numpy(),
            "name": names.astype(object).to_numpy(),
            "population": np.asarray(population, dtype="float64"),
            "parent": pd.Series(parent, dtype=object).where(pd.notna(pd.Series(parent, dtype=object)), None),
        },
        geometry=gs.to_numpy(),
        crs=work,
    )
    if chosen["kind"] is not None:
        areas.insert(4, "kind", _as_text(frame[chosen["kind"]]).astype(object).to_numpy())
    if chosen["radius_m"] is not None:
        radius, bad = to_number(frame[chosen["radius_m"]])
        if bad.any() or (np.nan_to_num(radius) < 0).any():
            raise InputError("radien är inte ett antal meter ≥ 0.", path=path,
                             rows=table.rows[bad | (np.nan_to_num(radius) < 0)], column=chosen["radius_m"])
        areas.insert(5 if chosen["kind"] is not None else 4, "radius_m", np.asarray(radius, dtype="float64"))
    areas.attrs["crs"] = work
    return areas, report


def _as_text(values: pd.Series) -> pd.Series:
    """Ids and names as text; whole floats (``114.0``) lose their ``.0``."""
    if pd.api.types.is_float_dtype(values.dtype):
        whole = values.dropna()
        if (whole == np.round(whole)).all():
            return values.map(lambda v: None if pd.isna(v) else str(int(v))).astype("str")
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("str").where(values.notna())
    return values.astype("str").str.strip().where(values.notna())


def write_areas(areas: gpd.GeoDataFrame, path: str | Path) -> None:
    """Write an area layer as GeoPackage, GeoParquet or GeoJSON (by suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".geoparquet"):
        areas.to_parquet(path, index=False)
    elif suffix == ".gpkg":
        areas.to_file(path, driver="GPKG", layer="areas", engine="pyogrio")
    elif suffix in (".geojson", ".json"):
        areas.to_file(path, driver="GeoJSON", engine="pyogrio")
    else:
        raise InputError("Utdata för områden måste vara .gpkg, .parquet eller .geojson.", path=path)

