"""Counting incidents per area: districts, DeSO, RegSO, LPO — anything with polygons.

Incidents stay plain columns; areas are assigned with
:func:`geo.assign.assign_areas` (a lookup grid, no point geometries) and
counted with ``numpy.bincount`` on integer codes.
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from core.errors import InputError
from geo.assign import assign_areas
from geo.crs import frame_crs

By = Literal["category", "month", "year", "source"]
BY_CHOICES: tuple[str, ...] = ("category", "month", "year", "source")


def area_keys(areas: gpd.GeoDataFrame) -> pd.Index:
    """The areas' keys: the ``area_id`` column if there is one, else the frame's index."""
    if "area_id" in areas.columns:
        return pd.Index(areas["area_id"].to_numpy(), name="area_id")
    return pd.Index(areas.index.to_numpy(), name="area_id")


def _population(areas: gpd.GeoDataFrame) -> np.ndarray | None:
    if "population" not in areas.columns:
        return None
    population = pd.to_numeric(areas["population"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return population if np.isfinite(population).any() else None


def _areas_in_crs(areas: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    if areas.crs is None:
        return areas  # assume the caller's areas are already in the incidents' CRS
    if not areas.crs.equals(crs):
        return areas.to_crs(crs)
    return areas


def area_assignment(incidents: pd.DataFrame, areas: gpd.GeoDataFrame) -> np.ndarray:
    """Position of each incident's area in ``areas`` (-1 outside every area).

    The areas are reprojected to the incidents' CRS (``attrs["crs"]``) first
    if they differ. See :func:`geo.assign.assign_areas` for boundary rules.
    """
    crs = frame_crs(incidents)
    areas = _areas_in_crs(areas, crs)
    return assign_areas(incidents["x"].to_numpy(dtype=float), incidents["y"].to_numpy(dtype=float), areas)


def _by_codes(incidents: pd.DataFrame, by: str) -> tuple[np.ndarray, pd.Index]:
    """Integer code per incident (-1 = missing) and the labels the codes point to."""
    if by == "month":
        when = pd.to_datetime(incidents["occurred_from"])
        values = pd.Series(when.dt.strftime("%Y-%m"), index=incidents.index)
    elif by == "year":
        values = pd.to_datetime(incidents["occurred_from"]).dt.year.astype("Int64")
    elif by in ("category", "source"):
        values = incidents[by]
    else:
        raise InputError(f"Okänd indelning '{by}'. Välj en av: {', '.join(BY_CHOICES)}.")
    codes, labels = pd.factorize(values, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64), pd.Index(labels)


def _check_assignment(assignment: np.ndarray | None, incidents: pd.DataFrame, areas: gpd.GeoDataFrame) -> np.ndarray:
    if assignment is None:
        return area_assignment(incidents, areas)
    assignment = np.asarray(assignment, dtype=np.int64)
    if assignment.shape != (len(incidents),):
        raise ValueError("assignment måste ha ett värde per händelse.")
    if len(assignment) and assignment.max(initial=-1) >= len(areas):
        raise ValueError("assignment pekar på ett område som inte finns.")
    return assignment


def counts_by_area(
    incidents: pd.DataFrame,
    areas: gpd.GeoDataFrame,
    *,
    by: By = "category",
    assignment: np.ndarray | None = None,
) -> pd.DataFrame:
    """Count incidents per area and category, month, year or source (long format).

    Every area is combined with every value of ``by`` that occurs, so areas
    with no incidents of a kind appear with count 0. Incidents outside every
    area get rows with ``area_id`` missing (only where the count is above 0);
    their total is also in ``result.attrs["outside"]``.

    Parameters
    ----------
    incidents : DataFrame
        Canonical incidents (columns ``x``, ``y`` and the ``by`` column;
        ``occurred_from`` for month and year).
    areas : GeoDataFrame
        Polygons with ``area_id`` (else the index is the key) and optionally
        ``population``.
    by : {"category", "month", "year", "source"}
        Second key. Months are written ``YYYY-MM`` and taken from
        ``occurred_from``.
    assignment : numpy.ndarray, optional
        Area positions from :func:`area_assignment`, to reuse across calls.

    Returns
    -------
    DataFrame
        Columns ``area_id``, ``by``, ``count`` and, when the areas have a
        population, ``rate_per_1000`` (incidents per 1 000 inhabitants; missing
        where the population is missing or 0).

    Examples
    --------
    >>> import shapely
    >>> areas = gpd.GeoDataFrame({"area_id": ["A", "B"], "population": [2000, 500]},
    ...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)], crs="EPSG:3006")
    >>> incidents = pd.DataFrame({"x": [1.0, 2.0, 15.0, 30.0], "y": [1.0, 1.0, 1.0, 1.0],
    ...     "category": ["Klotter", "Cykelstöld", "Klotter", "Klotter"]})
    >>> incidents.attrs["crs"] = "EPSG:3006"  # set by every reader; required
    >>> result = counts_by_area(incidents, areas)
    >>> result
      area_id    category  count  rate_per_1000
    0       A  Cykelstöld      1            0.5
    1       A     Klotter      1            0.5
    2       B  Cykelstöld      0            0.0
    3       B     Klotter      1            2.0
    4    <NA>     Klotter      1            NaN
    >>> result.attrs["outside"]
    1
    """
    if by not in BY_CHOICES:
        raise InputError(f"Okänd indelning '{by}'. Välj en av: {', '.join(BY_CHOICES)}.")
    assignment = _check_assignment(assignment, incidents, areas)
    keys = area_keys(areas)
    codes, labels = _by_codes(incidents, by)
    n_areas, n_labels = len(keys), len(labels)
    keep = codes >= 0  # incidents without a value for ``by`` are not counted
    # Outside every area is the extra "area" at position n_areas.
    area_pos = np.where(assignment >= 0, assignment, n_areas)[keep]
    flat = area_pos * n_labels + codes[keep]
    table = np.bincount(flat, minlength=(n_areas + 1) * n_labels).reshape(n_areas + 1, n_labels)

    inside = pd.DataFrame({
        "area_id": np.repeat(keys.to_numpy(dtype=object), n_labels),
        by: np.tile(labels.to_numpy(dtype=object), n_areas),
        "count": table[:n_areas].ravel().astype(np.int64),
    })
    outside_counts = table[n_areas]
    outside = pd.DataFrame({
        "area_id": [pd.NA] * int((outside_counts > 0).sum()),
        by: labels.to_numpy(dtype=object)[outside_counts > 0],
        "count": outside_counts[outside_counts > 0].astype(np.int64),
    })
    result = pd.concat([inside, outside], ignore_index=True) if len(outside) else inside
    result["area_id"] = result["area_id"].astype(_key_dtype(keys))
    result[by] = result[by].astype("Int64" if by == "year" else "string")
    population = _population(areas)
    if population is not None:
        per_area = np.append(population, np.nan)
        pop = np.repeat(per_area[:n_areas], n_labels)
        pop = np.concatenate([pop, np.full(len(outside), np.nan)])
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(pop > 0, result["count"].to_numpy() / pop * 1000.0, np.nan)
        result["rate_per_1000"] = rate
    result.attrs["outside"] = int(outside_counts.sum())
    result.attrs["crs"] = frame_crs(incidents)
    return result


def _key_dtype(keys: pd.Index) -> str | np.dtype:
    if pd.api.types.is_integer_dtype(keys.dtype):
        return "Int64"
    if pd.api.types.is_float_dtype(keys.dtype):
        return "Float64"
    return "string"


def summary_by_area(
    incidents: pd.DataFrame,
    areas: gpd.GeoDataFrame,
    *,
    assignment: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per area: name, population, number of incidents and rate per 1 000.

    Indexed by the areas' keys (``area_id``, else the index), in the areas'
    order. The number of incidents outside every area is in
    ``result.attrs["outside"]``.

    Examples
    --------
    >>> import shapely
    >>> areas = gpd.GeoDataFrame({"area_id": ["A", "B"], "name": ["Norr", "Söder"], "population": [2000, 0]},
    ...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)], crs="EPSG:3006")
    >>> incidents = pd.DataFrame({"x": [1.0, 2.0, 15.0], "y": [1.0, 1.0, 1.0]})
    >>> incidents.attrs["crs"] = "EPSG:3006"
    >>> summary_by_area(incidents, areas)
              name  population  count  rate_per_1000
    area_id
    A         Norr        2000      2            1.0
    B        Söder           0      1            NaN
    """
    assignment = _check_assignment(assignment, incidents, areas)
    keys = area_keys(areas)
    counts = np.bincount(assignment[assignment >= 0], minlength=len(keys))
    result = pd.DataFrame(index=keys)
    result["name"] = areas["name"].to_numpy() if "name" in areas.columns else pd.NA
    population = _population(areas)
    result["population"] = areas["population"].to_numpy() if population is not None else np.nan
    result["count"] = counts.astype(np.int64)
    if population is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            result["rate_per_1000"] = np.where(population > 0, counts / population * 1000.0, np.nan)
    else:
        result["rate_per_1000"] = np.nan
    result.attrs["outside"] = int((assignment < 0).sum())
    return result
