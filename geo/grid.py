"""Regular square grids in the working CRS, addressed by integer indexing.

Cells are aligned to multiples of the cell size (like SCB's and INSPIRE's
grids), so the same place gets the same ``cell_id`` in every run and dataset.
Points are assigned by integer division — no geometries are built for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely


@dataclass(frozen=True)
class Grid:
    """A square grid: lower-left corner ``(x0, y0)``, ``nx`` × ``ny`` cells of ``cell`` metres.

    ``crs`` is the coordinate system of the corner and cells. Counting needs none; the
    cell polygons (:meth:`frame`) do, and refuse to guess one.
    """

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    crs: str | None = None

    @property
    def size(self) -> int:
        """Number of cells."""
        return self.nx * self.ny

    def index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat cell index (``row * nx + col``) of each point; -1 outside the grid."""
        col = np.floor((np.asarray(x, dtype=float) - self.x0) / self.cell)
        row = np.floor((np.asarray(y, dtype=float) - self.y0) / self.cell)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        flat = np.where(inside, row * self.nx + col, -1)
        return flat.astype(np.int64)

    def counts(self, x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Number (or summed weights) of points in every cell, as a flat array of ``size``."""
        flat = self.index(x, y)
        keep = flat >= 0
        w = None if weights is None else np.asarray(weights, dtype=float)[keep]
        return np.bincount(flat[keep], weights=w, minlength=self.size).astype(float if w is not None else np.int64)

    def lower_left(self, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lower-left corner coordinates of the given flat cell indices."""
        flat = np.asarray(flat, dtype=np.int64)
        return self.x0 + (flat % self.nx) * self.cell, self.y0 + (flat // self.nx) * self.cell

    def cell_ids(self, flat: np.ndarray) -> np.ndarray:
        """Stable ids such as ``100m_E601200_N6540300`` (cell size and lower-left corner)."""
        xs, ys = self.lower_left(flat)
        size = f"{self.cell:g}m"
        return np.array([f"{size}_E{x:.0f}_N{y:.0f}" for x, y in zip(xs, ys, strict=True)], dtype=object)

    def polygons(self, flat: np.ndarray) -> np.ndarray:
        """Shapely squares for the given flat cell indices."""
        xs, ys = self.lower_left(flat)
        return shapely.box(xs, ys, xs + self.cell, ys + self.cell)

    def frame(self, flat: np.ndarray | None = None, **columns: np.ndarray) -> gpd.GeoDataFrame:
        """GeoDataFrame of the given cells (all cells if ``flat`` is None) with extra columns."""
        if not self.crs:
            raise ValueError("Rutnätet saknar koordinatsystem (crs); ange det när rutnätet skapas.")
        flat = np.arange(self.size) if flat is None else np.asarray(flat, dtype=np.int64)
        data = {"cell_id": self.cell_ids(flat), **columns}
        return gpd.GeoDataFrame(data, geometry=self.polygons(flat), crs=self.crs)


def grid_for_extent(
    xmin: float, ymin: float, xmax: float, ymax: float, cell: float, *, crs: str | None = None
) -> Grid:
    """The aligned grid of ``cell``-metre squares that covers the extent.

    Examples
    --------
    >>> g = grid_for_extent(601230, 6540010, 601480, 6540190, 100)
    >>> (g.x0, g.y0, g.nx, g.ny)
    (601200.0, 6540000.0, 3, 2)
    >>> g.cell_ids(g.index(np.array([601250.0]), np.array([6540150.0]))).tolist()
    ['100m_E601200_N6540100']
    """
    if cell <= 0:
        raise ValueError("Cellstorleken måste vara större än 0 meter.")
    x0 = math.floor(xmin / cell) * cell
    y0 = math.floor(ymin / cell) * cell
    nx = max(1, math.floor((xmax - x0) / cell) + 1)
    ny = max(1, math.floor((ymax - y0) / cell) + 1)
    return Grid(float(x0), float(y0), float(cell), nx, ny, crs)


def grid_for_points(x: np.ndarray, y: np.ndarray, cell: float, *, crs: str | None = None) -> Grid:
    """The aligned grid covering every point."""
    if len(x) == 0:
        raise ValueError("Inga händelser att lägga i rutnätet.")
    return grid_for_extent(float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y)), cell, crs=crs)
