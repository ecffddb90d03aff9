"""Reading and writing Samsyn's own dataset files.

Incidents are kept as plain columns (x, y, times, category codes) in memory —
shapely points cost ~240 bytes each — and written as
GeoParquet with point geometries so GIS tools can open them. The working CRS
is stored in the file's GeoParquet metadata and read back into
``frame.attrs["crs"]``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from core.errors import InputError
from geo.model import INCIDENT_COLUMNS, INCIDENT_OPTIONAL, WORK_CRS

PARQUET_SUFFIXES = (".parquet", ".geoparquet")


def incident_frame(frame: pd.DataFrame, crs: str = WORK_CRS) -> pd.DataFrame:
    """Return ``frame`` with the canonical incident columns and dtypes, CRS in ``attrs``."""
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for column in INCIDENT_COLUMNS:
        values = frame[column].to_numpy() if column in frame else None
        if column in ("occurred_from", "occurred_to"):
            out[column] = pd.to_datetime(values) if values is not None else pd.NaT
            out[column] = out[column].astype("datetime64[ns]")
        elif column in ("x", "y"):
            out[column] = pd.to_numeric(values).astype("float64")
        elif column in ("category", "source", "place_type"):
            out[column] = pd.Categorical(values) if values is not None else pd.Categorical([None] * len(frame))
        else:
            out[column] = pd.array(values, dtype="string") if values is not None else pd.NA
    for column in INCIDENT_OPTIONAL:
        if column in frame:
            out[column] = pd.Categorical(frame[column].to_numpy())
    out.attrs["crs"] = crs
    return out


def write_incidents(incidents: pd.DataFrame, path: str | Path) -> None:
    """Write incidents as GeoParquet (``.parquet``) or GeoPackage (``.gpkg``) with point geometry."""
    from geo.crs import frame_crs

    path = Path(path)
    crs = frame_crs(incidents, path=path)
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES or path.name.endswith(".tmp"):
        _write_geoparquet(incidents, path, crs)
        return
    if suffix != ".gpkg":
        raise InputError("Utdata måste vara .parquet (GeoParquet) eller .gpkg (GeoPackage).", path=path)
    frame = incidents.copy()
    for column in ("category", "source", "place_type", *INCIDENT_OPTIONAL):
        if column in frame:
            frame[column] = frame[column].astype("string")
    geometry = gpd.points_from_xy(frame["x"].to_numpy(), frame["y"].to_numpy(), crs=crs)
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs=crs)
    gdf.to_file(path, driver="GPKG", layer="incidents", engine="pyogrio")


def _write_geoparquet(incidents: pd.DataFrame, path: Path, crs: str) -> None:
    """Write GeoParquet 1.1 with a native (GeoArrow) point column, built from x/y without shapely.

    Building shapely points costs ~0.5 s and ~240 bytes per point for a
    million incidents; the point encoding is just the two
    coordinate arrays, so it is assembled directly in Arrow.
    """
    import json

    import pyarrow as pa
    import pyarrow.compute as pc
    from pyproj import CRS

    arrays, names = [], []
    for column in incidents.columns:
        values = incidents[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            array = pc.cast(pa.array(values, from_pandas=True), pa.large_string())
        else:
            array = pa.array(values, from_pandas=True)
            if pa.types.is_string(array.type):
                array = pc.cast(array, pa.large_string())
        arrays.append(array)
        names.append(str(column))
    x = incidents["x"].to_numpy(dtype="float64")
    y = incidents["y"].to_numpy(dtype="float64")
    projjson = json.loads(CRS.from_user_input(crs).to_json())
    point_type = pa.struct([pa.field("x", pa.float64(), nullable=False), pa.field("y", pa.float64(), nullable=False)])
    geometry = pa.StructArray.from_arrays([pa.array(x), pa.array(y)], fields=list(point_type))
    field_metadata = {b"ARROW:extension:name": b"geoarrow.point",
                      b"ARROW:extension:metadata": json.dumps({"crs": projjson}).encode()}
    bbox = [float(x.min()), float(y.min()), float(x.max()), float(y.max())] if len(x) else []
    geo = {
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "point", "geometry_types": ["Point"], "crs": projjson,
                                 **({"bbox": bbox} if bbox else {})}},
    }
    fields = [pa.field(name, array.type) for name, array in zip(names, arrays, strict=True)]
    fields.append(pa.field("geometry", geometry.type, nullable=True, metadata=field_metadata))
    schema = pa.schema(fields, metadata={b"geo": json.dumps(geo).encode()})
    table = pa.Table.from_arrays([*arrays, geometry], schema=schema)
    pq.write_table(table, path)


def is_samsyn_parquet(path: str | Path) -> bool:
    """Tell whether a file is Samsyn's own GeoParquet: the canonical incident columns and a CRS.

    A Parquet file with those columns but no CRS in its GeoParquet metadata is
    not: it goes through the importer, which recognises or asks for the CRS.
    """
    path = Path(path)
    if path.suffix.lower() not in PARQUET_SUFFIXES:
        return False
    names = set(pq.read_schema(path).names)
    return {"category", "occurred_from", "x", "y"} <= names and _parquet_crs(path) is not None


def _parquet_crs(path: Path) -> str | None:
    """The CRS in the GeoParquet metadata as ``EPSG:nnnn`` (or WKT); None when the file names none."""
    metadata = pq.read_schema(path).metadata or {}
    raw = metadata.get(b"geo")
    if not raw:
        return None
    import json

    geo = json.loads(raw)
    column = geo.get("columns", {}).get(geo.get("primary_column", "geometry"), {})
    # GeoParquet reads a missing "crs" as longitude/latitude and null as unknown; Samsyn always
    # writes its projected working CRS, so either way this is not a Samsyn file to trust as is.
    crs = column.get("crs")
    if crs is None:
        return None
    from pyproj import CRS

    epsg = CRS.from_user_input(crs).to_epsg()
    return f"EPSG:{epsg}" if epsg else CRS.from_user_input(crs).to_wkt()


def read_incidents(path: str | Path) -> pd.DataFrame:
    """Read a Samsyn incident file (GeoParquet written by ``samsyn import``) as plain columns."""
    path = Path(path)
    if not path.exists():
        raise InputError("Filen finns inte.", path=path)
    crs = _parquet_crs(path)
    if crs is None:
        raise InputError("Filen anger inget koordinatsystem. Importera den med samsyn import och ange --crs.",
                         path=path)
    columns = [c for c in (*INCIDENT_COLUMNS, *INCIDENT_OPTIONAL) if c in set(pq.read_schema(path).names)]
    frame = pd.read_parquet(path, columns=columns)
    return incident_frame(frame, crs=crs)


def read_areas(
    path: str | Path,
    *,
    id_column: str | None = None,
    name_column: str | None = None,
    population_column: str | None = None,
    parent_column: str | None = None,
    layer: str | None = None,
    work_crs: str = WORK_CRS,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Read an area layer (districts, DeSO, micro-places) in the working CRS.

    Parameters
    ----------
    path:
        GeoJSON (also with a legacy ``crs`` member), GeoPackage, GeoParquet or Shapefile.
    id_column, name_column, population_column, parent_column:
        Columns to use; guessed from common names when not given (``id``,
        ``area_id``, ``kod``, ``do_kod``, ``deso``, ``regso``, ``nyckelkod``,
        ``basomrade`` …; ``name``, ``namn``, ``delomrade`` …; ``befolkning``,
        ``population``, ``folkmangd``, ``invanare`` …).
    layer:
        Layer of a multi-layer GeoPackage.
    work_crs:
        Projected metric CRS to return the areas in.
    crs:
        CRS of the file when it declares none (otherwise guessed from coordinates).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``area_id`` (str), ``name`` (str), ``population`` (float, NaN
        when absent), ``parent`` (str or None) and ``geometry`` in ``work_crs``;
        ``attrs["crs"]`` is ``work_crs``.

    Raises
    ------
    InputError
        Missing file, no geometry, empty geometry, duplicate ids, unknown CRS.
    """
    from geo.areas import read_areas_report

    areas, _report = read_areas_report(
        path, id_column=id_column, name_column=name_column, population_column=population_column,
        parent_column=parent_column, layer=layer, crs=crs, work_crs=work_crs,
    )
    return areas


def read_survey(path: str | Path, **options) -> pd.DataFrame:
    """Read survey results (trygghetsmätning) with the columns of ``geo.model.SURVEY_COLUMNS``.

    Accepts CSV, Excel and Parquet; column names are recognised in Swedish and
    English (see :mod:`geo.survey`). ``options`` are passed to
    :func:`geo.survey.read_survey_report` (``columns=``, ``sheet=``, ``unit=``,
    ``direction=``, ``source_value=``).
    """
    from geo.survey import read_survey_report

    survey, _report = read_survey_report(path, **options)
    return survey


def load_incidents(path: str | Path, **mapping) -> pd.DataFrame:
    """Return a canonical incidents frame for any file ``samsyn import`` accepts.

    Samsyn's own GeoParquet is read directly; any other file is imported in
    memory with :func:`geo.importer.import_incidents` (``mapping`` takes the
    same options, e.g. ``lat="Lat"``, ``crs="EPSG:3008"``, ``skip_invalid=True``).
    """
    path = Path(path)
    if not path.exists():
        raise InputError("Filen finns inte.", path=path)
    if not mapping and is_samsyn_parquet(path):
        return read_incidents(path)
    from geo.importer import import_incidents

    return import_incidents(path, **mapping).frame
