"""Micro-places: grid squares, hexagons, named places and street segments.

Counting stays columnar: squares and hexagons are found by arithmetic on the
coordinates, named places by a bounding-box prefilter and exact tests on the
coordinates, and street segments by a nearest-line search on shapely points
built only for incidents near the streets, in chunks.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.errors import InputError
from geo.crs import frame_crs
from geo.grid import Grid, grid_for_points
from geo.stacked import exact_only

SQRT3 = math.sqrt(3.0)
POINT_CHUNK = 200_000  # shapely points are ~240 bytes each; cap what exists at once


def _coords(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    x = incidents["x"].to_numpy(dtype=float)
    y = incidents["y"].to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    return np.where(ok, x, np.nan), np.where(ok, y, np.nan)


def _in_crs(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    if frame.crs is not None and not frame.crs.equals(crs):
        return frame.to_crs(crs)
    return frame


def _required_crs(crs: str | None) -> str:
    """Coordinates given as bare arrays carry no CRS: the caller must name it, never SWEREF 99 TM by default."""
    if not crs:
        raise ValueError("Ange koordinatsystemet (crs) för koordinaterna, t.ex. frame.attrs['crs'].")
    return crs


def _keys(places: gpd.GeoDataFrame) -> pd.Index:
    if "area_id" in places.columns:
        return pd.Index(places["area_id"].to_numpy(), name="area_id")
    return pd.Index(places.index.to_numpy(), name="area_id")


# --- squares -----------------------------------------------------------------


def grid_counts(
    x: np.ndarray,
    y: np.ndarray,
    cell: float,
    *,
    include_empty: bool = False,
    grid: Grid | None = None,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Number of points in each aligned square of ``cell`` metres.

    Only non-empty squares unless ``include_empty``; ``cell_id`` names the
    square by its size and lower-left corner (see :mod:`geo.grid`). ``crs`` is
    the points' coordinate system (``grid.crs`` when a grid is given); there is
    no default.

    Examples
    --------
    >>> cells = grid_counts(np.array([5.0, 7.0, 250.0]), np.array([5.0, 9.0, 5.0]), 100, crs="EPSG:3006")
    >>> cells[["cell_id", "count"]].to_dict("records")
    [{'cell_id': '100m_E0_N0', 'count': 2}, {'cell_id': '100m_E200_N0', 'count': 1}]
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if grid is None:
        grid = grid_for_points(x[ok], y[ok], cell, crs=_required_crs(crs))
    elif crs is not None and grid.crs is None:
        grid = Grid(grid.x0, grid.y0, grid.cell, grid.nx, grid.ny, crs)
    counts = grid.counts(x[ok], y[ok])
    flat = np.arange(grid.size) if include_empty else np.flatnonzero(counts)
    return grid.frame(flat, count=counts[flat].astype(np.int64))


# --- hexagons ----------------------------------------------------------------


def hex_index(x: np.ndarray, y: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial coordinates ``(q, r)`` of the hexagon containing each point.

    Hexagons are pointy-topped with side (= circumradius) ``size`` metres and
    the hexagon ``(0, 0)`` centred on the CRS origin, so the same place gets the
    same hexagon in every dataset. Points exactly on an edge go to one of the
    two hexagons, always the same one.
    """
    if size <= 0:
        raise ValueError("Hexagonens storlek måste vara större än 0 meter.")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    qf = (SQRT3 / 3.0 * x - y / 3.0) / size
    rf = (2.0 / 3.0 * y) / size
    sf = -qf - rf
    q, r, s = np.round(qf), np.round(rf), np.round(sf)
    dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    return q.astype(np.int64), r.astype(np.int64)


def hex_centres(q: np.ndarray, r: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Centre coordinates of the hexagons with axial coordinates ``(q, r)``."""
    q = np.asarray(q, dtype=float)
    r = np.asarray(r, dtype=float)
    return size * SQRT3 * (q + r / 2.0), size * 1.5 * r


def hex_polygons(q: np.ndarray, r: np.ndarray, size: float) -> np.ndarray:
    """Shapely hexagons for axial coordinates ``(q, r)``."""
    cx, cy = hex_centres(q, r, size)
    angles = np.radians(30.0 + 60.0 * np.arange(6))
    ring = np.stack(
        [cx[:, None] + size * np.cos(angles), cy[:, None] + size * np.sin(angles)], axis=-1
    )
    return shapely.polygons(ring)


def hex_ids(q: np.ndarray, r: np.ndarray, size: float) -> np.ndarray:
    """Stable ids such as ``hex100m_q1234_r-56`` (side length and axial coordinates)."""
    return np.array([f"hex{size:g}m_q{a}_r{b}" for a, b in zip(q, r, strict=True)], dtype=object)


def hex_counts(
    x: np.ndarray,
    y: np.ndarray,
    size: float,
    *,
    include_empty: bool = False,
    extent: tuple[float, float, float, float] | None = None,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Number of points in each hexagon of side ``size`` metres, in the points' ``crs`` (required).

    A hexagon of side ``s`` covers ``3 √3 / 2 · s²`` square metres: side 62 m
    is about one hectare, like a 100 m square. Only non-empty hexagons unless
    ``include_empty`` (then every hexagon whose centre lies within ``size`` of
    ``extent`` — ``(xmin, ymin, xmax, ymax)``, by default the points'
    bounding box).

    Returns
    -------
    GeoDataFrame
        ``hex_id``, ``q``, ``r``, ``count`` and the hexagon polygons.

    Examples
    --------
    >>> hexes = hex_counts(np.array([0.0, 10.0, 500.0]), np.array([0.0, 5.0, 0.0]), 100, crs="EPSG:3006")
    >>> hexes[["hex_id", "count"]].to_dict("records")
    [{'hex_id': 'hex100m_q0_r0', 'count': 2}, {'hex_id': 'hex100m_q3_r0', 'count': 1}]
    """
    crs = _required_crs(crs)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any() and (extent is None or not include_empty):
        raise ValueError("Inga händelser att lägga i hexagoner.")
    q, r = hex_index(x[ok], y[ok], size)
    keys, counts = np.unique(np.stack([r, q], axis=1), axis=0, return_counts=True)
    keys = keys.reshape(-1, 2)
    if include_empty:
        if extent is None:
            extent = (x[ok].min(), y[ok].min(), x[ok].max(), y[ok].max())
        xmin, xmax = extent[0] - size, extent[2] + size
        ymin, ymax = extent[1] - size, extent[3] + size
        r_all = np.arange(math.floor(ymin / (1.5 * size)) - 1, math.ceil(ymax / (1.5 * size)) + 2)
        q_all = np.arange(
            math.floor(xmin / (SQRT3 * size) - r_all.max() / 2.0) - 1,
            math.ceil(xmax / (SQRT3 * size) - r_all.min() / 2.0) + 2,
        )
        rr, qq = (a.ravel() for a in np.meshgrid(r_all, q_all, indexing="ij"))
        cx, cy = hex_centres(qq, rr, size)
        inside = (cx >= xmin) & (cx <= xmax) & (cy >= ymin) & (cy <= ymax)
        all_keys = np.unique(np.concatenate([np.stack([rr[inside], qq[inside]], axis=1), keys]), axis=0)
        # Both key sets are sorted by (r, q); encode them as single integers to match.
        width = int(all_keys[:, 1].max() - all_keys[:, 1].min()) + 1
        def code(k: np.ndarray) -> np.ndarray:
            return (k[:, 0] - all_keys[0, 0]) * width + (k[:, 1] - all_keys[:, 1].min())
        all_counts = np.zeros(len(all_keys), dtype=np.int64)
        all_counts[np.searchsorted(code(all_keys), code(keys))] = counts
        keys, counts = all_keys, all_counts
    r_u, q_u = keys[:, 0], keys[:, 1]
    return gpd.GeoDataFrame(
        {"hex_id": hex_ids(q_u, r_u, size), "q": q_u, "r": r_u, "count": counts.astype(np.int64)},
        geometry=hex_polygons(q_u, r_u, size),
        crs=crs,
    )


# --- named places --------------------------------------------------------------


def place_counts(
    incidents: pd.DataFrame,
    places: gpd.GeoDataFrame,
    *,
    radius: float | None = None,
) -> pd.DataFrame:
    """Number of incidents at each named place: a polygon, or a point with a radius.

    Named places may overlap (a square inside a park, a school beside a
    centre): each place is counted on its own, so **one incident may count at
    several places** and the counts can add up to more than the number of
    incidents. Points on a polygon's edge count as inside; a point place
    takes every incident within ``radius_m`` metres (inclusive).

    Parameters
    ----------
    incidents : DataFrame
        Canonical incidents (``x``, ``y``; CRS in ``attrs["crs"]``).
    places : GeoDataFrame
        Polygons/multipolygons and/or points, with ``area_id`` (else the index
        is the key), optionally ``name`` and, for points, ``radius_m``.
    radius : float, optional
        Radius in metres for point places without their own ``radius_m``.

    Returns
    -------
    DataFrame
        Indexed by ``area_id``: ``name``, ``kind`` ("område" or "punkt"),
        ``radius_m`` and ``count``. ``attrs["in_no_place"]`` is the number of
        incidents at no place and ``attrs["in_several_places"]`` the number
        counted at more than one.

    Examples
    --------
    >>> import shapely
    >>> places = gpd.GeoDataFrame({"area_id": ["torget", "skolan"], "radius_m": [None, 50.0]},
    ...     geometry=[shapely.box(0, 0, 100, 100), shapely.Point(100, 50)], crs="EPSG:3006")
    >>> incidents = pd.DataFrame({"x": [10.0, 90.0, 140.0, 500.0], "y": [10.0, 50.0, 50.0, 0.0]})
    >>> incidents.attrs["crs"] = "EPSG:3006"  # set by every reader
    >>> place_counts(incidents, places)["count"].to_dict()
    {'torget': 2, 'skolan': 2}
    """
    # A kommun's centroid or a stacked point is not a place (geo.stacked).
    incidents = exact_only(incidents)
    crs = frame_crs(incidents)
    places = _in_crs(places, crs)
    geoms = np.asarray(places.geometry.values, dtype=object)
    type_ids = shapely.get_type_id(geoms)
    is_point = type_ids == 0
    is_polygon = np.isin(type_ids, (3, 6))
    bad = np.flatnonzero(~(is_point | is_polygon))
    if len(bad):
        raise InputError(
            "Namngivna platser måste vara polygoner eller punkter (linjer räknas som gatusegment).",
            rows=(int(i) + 1 for i in bad), row_count=len(bad),
        )
    radii = np.full(len(places), np.nan)
    if "radius_m" in places.columns:
        radii = pd.to_numeric(places["radius_m"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if radius is not None:
        radii = np.where(np.isfinite(radii), radii, float(radius))
    missing = np.flatnonzero(is_point & ~(np.isfinite(radii) & (radii > 0)))
    if len(missing):
        raise InputError(
            "Punktplatser behöver en radie i meter (kolumnen radius_m eller --radius).",
            rows=(int(i) + 1 for i in missing), row_count=len(missing), column="radius_m",
        )

    x, y = _coords(incidents)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    hits = np.zeros(len(x), dtype=np.int32)
    counts = np.zeros(len(places), dtype=np.int64)
    for position, geom in enumerate(geoms):
        if is_point[position]:
            px, py = shapely.get_x(geom), shapely.get_y(geom)
            reach = radii[position]
            xmin, ymin, xmax, ymax = px - reach, py - reach, px + reach, py + reach
        else:
            xmin, ymin, xmax, ymax = shapely.bounds(geom)
        lo = np.searchsorted(xs, xmin, side="left")
        hi = np.searchsorted(xs, xmax, side="right")
        near = order[lo:hi]
        near = near[(y[near] >= ymin) & (y[near] <= ymax)]
        if is_point[position]:
            inside = (x[near] - px) ** 2 + (y[near] - py) ** 2 <= reach**2
        else:
            inside = shapely.intersects_xy(geom, x[near], y[near])
        counts[position] = int(inside.sum())
        hits[near[inside]] += 1

    result = pd.DataFrame(index=_keys(places))
    result["name"] = places["name"].to_numpy() if "name" in places.columns else pd.NA
    result["kind"] = np.where(is_point, "punkt", "område")
    result["radius_m"] = np.where(is_point, radii, np.nan)
    result["count"] = counts
    result.attrs["in_no_place"] = int((hits == 0).sum())
    result.attrs["in_several_places"] = int((hits > 1).sum())
    return result


# --- street segments ----------------------------------------------------------


def nearest_segment(
    x: np.ndarray, y: np.ndarray, streets: gpd.GeoDataFrame | gpd.GeoSeries, *, max_distance: float = 25.0
) -> np.ndarray:
    """Position of the nearest street segment within ``max_distance`` metres of each point; -1 if none.

    Equally near segments (a point at a crossing) go to the first in row
    order. Shapely points are built only for points inside the streets'
    bounding box widened by ``max_distance``, a chunk at a time.

    Examples
    --------
    >>> import shapely
    >>> streets = gpd.GeoSeries([shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(0, 50), (100, 50)])])
    >>> nearest_segment(np.array([10.0, 10.0, 10.0]), np.array([5.0, 30.0, 200.0]), streets).tolist()
    [0, 1, -1]
    """
    if max_distance <= 0:
        raise ValueError("Avståndet måste vara större än 0 meter.")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    geoms = np.asarray(streets.geometry.values if hasattr(streets, "geometry") else streets, dtype=object)
    result = np.full(len(x), -1, dtype=np.int64)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if len(x) == 0 or not present.any():
        return result
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms[present])
    near = np.flatnonzero(
        (x >= xmin - max_distance) & (x <= xmax + max_distance)
        & (y >= ymin - max_distance) & (y <= ymax + max_distance)
    )
    tree = shapely.STRtree(geoms)
    for start in range(0, len(near), POINT_CHUNK):
        chunk = near[start:start + POINT_CHUNK]
        points = shapely.points(x[chunk], y[chunk])
        point_pos, street_pos = tree.query_nearest(points, max_distance=max_distance, all_matches=True)
        if len(point_pos) == 0:
            continue
        # Ties: keep the lowest street position for each point.
        order = np.lexsort((street_pos, point_pos))
        point_pos, street_pos = point_pos[order], street_pos[order]
        first = np.concatenate([[True], point_pos[1:] != point_pos[:-1]])
        result[chunk[point_pos[first]]] = street_pos[first]
    return result


def segment_counts(
    incidents: pd.DataFrame,
    streets: gpd.GeoDataFrame,
    *,
    max_distance: float = 25.0,
) -> gpd.GeoDataFrame:
    """Number of incidents on each street segment: each incident to its nearest segment.

    An incident counts on the segment nearest to it if that is at most
    ``max_distance`` metres away (police positions are often a house entrance
    or a snapped address, not the street line); farther incidents are left
    out and counted in ``attrs["unassigned"]``. Each feature of ``streets`` is
    one segment; use :func:`split_segments` first to cut whole streets at
    their crossings.

    Returns
    -------
    GeoDataFrame
        The segments with ``area_id`` (else the index), ``name`` if present
        and ``count``.

    Examples
    --------
    >>> import shapely
    >>> streets = gpd.GeoDataFrame({"area_id": ["Storgatan", "Kyrkgatan"]},
    ...     geometry=[shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(0, 50), (100, 50)])],
    ...     crs="EPSG:3006")
    >>> incidents = pd.DataFrame({"x": [10.0, 20.0, 10.0, 10.0], "y": [5.0, -3.0, 30.0, 200.0]})
    >>> incidents.attrs["crs"] = "EPSG:3006"  # set by every reader
    >>> result = segment_counts(incidents, streets)
    >>> result["count"].tolist(), result.attrs["unassigned"]
    ([2, 1], 1)
    """
    incidents = exact_only(incidents)  # a kommun's centroid is on no street (geo.stacked)
    crs = frame_crs(incidents)
    streets = _in_crs(streets, crs)
    type_ids = shapely.get_type_id(np.asarray(streets.geometry.values, dtype=object))
    bad = np.flatnonzero(~np.isin(type_ids, (1, 5)))
    if len(bad):
        raise InputError("Gatusegment måste vara linjer.", rows=(int(i) + 1 for i in bad), row_count=len(bad))
    x, y = _coords(incidents)
    nearest = nearest_segment(x, y, streets, max_distance=max_distance)
    counts = np.bincount(nearest[nearest >= 0], minlength=len(streets))
    data = {"area_id": _keys(streets).to_numpy()}
    if "name" in streets.columns:
        data["name"] = streets["name"].to_numpy()
    data["count"] = counts.astype(np.int64)
    result = gpd.GeoDataFrame(data, geometry=np.asarray(streets.geometry.values), crs=streets.crs)
    result.attrs["unassigned"] = int((nearest < 0).sum())
    result.attrs["max_distance"] = float(max_distance)
    return result


def split_segments(streets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Cut street lines at every crossing into segments (the unit of "street segment" studies).

    Each piece keeps the ``name`` of the street it came from and gets an
    ``area_id`` ``<original id>-<n>`` numbered along the original feature.

    Examples
    --------
    >>> cross = gpd.GeoDataFrame({"area_id": ["a", "b"]},
    ...     geometry=[shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(50, -50), (50, 50)])])
    >>> split_segments(cross)["area_id"].tolist()
    ['a-1', 'a-2', 'b-1', 'b-2']
    """
    geoms = np.asarray(streets.geometry.values, dtype=object)
    keys = _keys(streets)
    noded = shapely.get_parts(shapely.node(shapely.union_all(geoms)))
    noded = noded[shapely.length(noded) > 0]
    # Each noded piece lies on exactly one original line: find it by the
    # piece's midpoint, which is on the original and on no other (a crossing
    # is only ever an end point of a piece).
    middles = shapely.line_interpolate_point(noded, 0.5, normalized=True)
    tree = shapely.STRtree(geoms)
    piece_pos, street_pos = tree.query(middles, predicate="dwithin", distance=1e-6)
    order = np.lexsort((street_pos, piece_pos))
    piece_pos, street_pos = piece_pos[order], street_pos[order]
    first = np.concatenate([[True], piece_pos[1:] != piece_pos[:-1]])
    piece_pos, street_pos = piece_pos[first], street_pos[first]
    along = shapely.line_locate_point(geoms[street_pos], middles[piece_pos])
    order = np.lexsort((along, street_pos))
    piece_pos, street_pos = piece_pos[order], street_pos[order]
    number = np.ones(len(piece_pos), dtype=np.int64)
    for i in range(1, len(piece_pos)):
        if street_pos[i] == street_pos[i - 1]:
            number[i] = number[i - 1] + 1
    data = {"area_id": [f"{keys[s]}-{n}" for s, n in zip(street_pos, number, strict=True)]}
    if "name" in streets.columns:
        data["name"] = streets["name"].to_numpy()[street_pos]
    return gpd.GeoDataFrame(data, geometry=noded[piece_pos], crs=streets.crs)
