"""Assigning incident coordinates to areas (districts, DeSO, named polygons).

No point geometries are built: shapely points cost ~240 bytes each and 0.45 s
per million to create (``geopandas.points_from_xy``), while a lookup grid settles most points with
integer arithmetic. The grid is laid over the areas; every cell that no area
boundary touches lies wholly inside one area (or outside all of them) and
hands its answer to all points in it. Only points in cells that a boundary
crosses are tested exactly with ``shapely.intersects_xy`` on prepared polygons.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely
from scipy import ndimage

from core.errors import InputError

# Aim for about this many lookup cells when no cell size is given: small
# enough to build in a few milliseconds, fine enough that only a tenth or so
# of the points fall in boundary cells for district-sized areas.
TARGET_LOOKUP_CELLS = 2**18


def _area_geometries(areas: gpd.GeoDataFrame | gpd.GeoSeries | np.ndarray) -> np.ndarray:
    geoms = np.asarray(areas.geometry.values if hasattr(areas, "geometry") else areas, dtype=object)
    type_ids = shapely.get_type_id(geoms)
    bad = np.flatnonzero(~np.isin(type_ids, (-1, 3, 6)))  # missing, Polygon, MultiPolygon
    if len(bad):
        raise InputError(
            "Områdena måste vara polygoner eller multipolygoner.", rows=(int(i) + 1 for i in bad),
            row_count=len(bad),
        )
    return geoms


def _first_covering(
    geoms: np.ndarray, x: np.ndarray, y: np.ndarray, bounds: np.ndarray, candidates: np.ndarray | None = None
) -> np.ndarray:
    """Exact position of the first area whose closed polygon covers each point; -1 if none.

    Points are sorted by x once so that each area only looks at the points in
    its bounding box.
    """
    result = np.full(len(x), -1, dtype=np.int64)
    if len(x) == 0:
        return result
    order = np.argsort(x, kind="stable")
    xs = x[order]
    for position, geom in enumerate(geoms):
        if geom is None or shapely.is_empty(geom):
            continue
        if candidates is not None and not candidates[position]:
            continue
        xmin, ymin, xmax, ymax = bounds[position]
        lo = np.searchsorted(xs, xmin, side="left")
        hi = np.searchsorted(xs, xmax, side="right")
        if hi <= lo:
            continue
        near = order[lo:hi]
        near = near[(y[near] >= ymin) & (y[near] <= ymax) & (result[near] < 0)]
        if len(near) == 0:
            continue
        inside = shapely.intersects_xy(geom, x[near], y[near])
        result[near[inside]] = position
    return result


def assign_areas(
    x: np.ndarray,
    y: np.ndarray,
    areas: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    cell: float | None = None,
) -> np.ndarray:
    """Position (0 … len(areas)-1) of the area each point lies in; -1 outside every area.

    Coordinates must be in the areas' CRS (the working CRS, metres). Every
    point gets exactly one answer:

    * a point in the interior of an area gets that area — the same answer as
      ``geopandas.sjoin(points, areas, predicate="within")``;
    * a point on a boundary (an edge or vertex shared by two districts, or the
      outer edge of the study area) goes to the **first** area in row order
      whose closed polygon covers it. ``sjoin(..., "within")`` would drop such
      points and ``"intersects"`` would count them twice;
    * where areas overlap, the first area in row order wins;
    * points with missing (NaN) coordinates get -1.

    Parameters
    ----------
    x, y : array-like of float
        Point coordinates.
    areas : GeoDataFrame or GeoSeries
        Polygons or multipolygons (holes are respected). Missing or empty
        geometries match nothing.
    cell : float, optional
        Size in metres of the lookup grid; by default chosen so that the grid
        over the areas has about 260,000 cells. It only affects speed.

    Returns
    -------
    numpy.ndarray of int64
        One position per point.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> districts = gpd.GeoSeries([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
    >>> assign_areas(np.array([5.0, 15.0, 10.0, 25.0]), np.array([5.0, 5.0, 5.0, 5.0]), districts).tolist()
    [0, 1, 0, -1]
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError("x och y måste ha samma längd.")
    geoms = _area_geometries(areas)
    result = np.full(len(x), -1, dtype=np.int64)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if len(x) == 0 or not present.any():
        return result
    bounds = shapely.bounds(geoms)
    xmin, ymin = np.nanmin(bounds[:, 0]), np.nanmin(bounds[:, 1])
    xmax, ymax = np.nanmax(bounds[:, 2]), np.nanmax(bounds[:, 3])
    width, height = max(xmax - xmin, 1e-9), max(ymax - ymin, 1e-9)
    if cell is None:
        cell = math.sqrt(width * height / TARGET_LOOKUP_CELLS)
        cell = max(cell, width / 4096, height / 4096, 1e-6)
    if cell <= 0:
        raise ValueError("Rutstorleken måste vara större än 0.")
    nx = int(math.floor(width / cell)) + 1
    ny = int(math.floor(height / cell)) + 1

    boundary = _boundary_cells(geoms[present], xmin, ymin, cell, nx, ny)
    # Cells no boundary touches form connected pieces that lie wholly in one
    # area (or outside all); one exact test per piece labels all its cells.
    pieces, n_pieces = ndimage.label(~boundary)
    lookup = np.full(nx * ny, -1, dtype=np.int64)
    if n_pieces:
        flat_pieces = pieces.ravel()
        _, first = np.unique(flat_pieces, return_index=True)
        first = first[flat_pieces[first] > 0]
        cx = xmin + (first % nx + 0.5) * cell
        cy = ymin + (first // nx + 0.5) * cell
        piece_area = _first_covering(geoms, cx, cy, bounds)
        piece_lookup = np.full(n_pieces + 1, -1, dtype=np.int64)
        piece_lookup[flat_pieces[first]] = piece_area
        lookup = piece_lookup[flat_pieces]
    lookup[boundary.ravel()] = -2  # needs an exact test

    col = np.floor((x - xmin) / cell)
    row = np.floor((y - ymin) / cell)
    on_grid = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)  # False for NaN
    idx = np.flatnonzero(on_grid)
    flat = (row[idx] * nx + col[idx]).astype(np.int64)
    result[idx] = lookup[flat]
    exact = np.flatnonzero(result == -2)
    if len(exact):
        result[exact] = _first_covering(geoms, x[exact], y[exact], bounds, candidates=present)
    return result


def _boundary_cells(geoms: np.ndarray, x0: float, y0: float, cell: float, nx: int, ny: int) -> np.ndarray:
    """Boolean (ny, nx) mask of lookup cells that some area boundary may touch.

    Conservative: every cell a boundary segment touches is marked, plus at
    most a neighbour where rounding could put a point on the wrong side.
    Extra marks only cost an exact test, never a wrong answer.
    """
    mask = np.zeros((ny, nx), dtype=bool)
    rings = shapely.get_parts(shapely.boundary(geoms))
    # After segmentizing, each segment is at most one cell long and so spans
    # at most three cells (with the safety margin) along each axis.
    rings = shapely.segmentize(rings, cell * 0.999)
    coords, ring_index = shapely.get_coordinates(rings, return_index=True)
    if len(coords) < 2:
        return mask
    same = ring_index[1:] == ring_index[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    eps = cell * 1e-6 + 1e-9 * max(abs(x0), abs(y0), 1.0)
    lo = np.minimum(a, b) - eps
    hi = np.maximum(a, b) + eps
    cmin = np.floor((lo[:, 0] - x0) / cell).astype(np.int64)
    cmax = np.floor((hi[:, 0] - x0) / cell).astype(np.int64)
    rmin = np.floor((lo[:, 1] - y0) / cell).astype(np.int64)
    rmax = np.floor((hi[:, 1] - y0) / cell).astype(np.int64)
    for dc in range(3):
        c = np.clip(np.minimum(cmin + dc, cmax), 0, nx - 1)
        for dr in range(3):
            r = np.clip(np.minimum(rmin + dr, rmax), 0, ny - 1)
            mask[r, c] = True
    return mask
