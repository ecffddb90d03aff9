"""Frames of a time slider: incidents per grid cell and month, to watch the pattern move."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.stacked import exact_mask


def monthly_cells(incidents: pd.DataFrame, *, cell: float, min_count: int = 1) -> pd.DataFrame:
    """Incidents per grid cell and calendar month (the month a time window starts in).

    Parameters
    ----------
    incidents
        Incidents with ``x``, ``y`` (a projected CRS in metres) and ``occurred_from``. Positions that
        are not places (a district's centroid, none; ``geo.stacked``) are left out, as on the map.
    cell
        The side of a grid cell in metres; cells start at multiples of it (as the hot-spot grid does).
    min_count
        A cell is kept in a month only with at least this many incidents that month: below the data
        owner's level a cell with fewer than ``min_place`` incidents is not shown on its own.

    Returns
    -------
    DataFrame
        One row per month and cell with incidents: ``month`` (a monthly ``Period``), ``x0``, ``y0``
        (the cell's south-west corner) and ``count``, sorted by month, then cell.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [10.0, 60.0, 130.0], "y": [5.0, 40.0, 5.0],
    ...                       "occurred_from": pd.to_datetime(["2025-01-03", "2025-01-20", "2025-02-01"])})
    >>> monthly_cells(frame, cell=100).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'month': Period('2025-01', 'M'), 'x0': 0.0, 'y0': 0.0, 'count': 2},
     {'month': Period('2025-02', 'M'), 'x0': 100.0, 'y0': 0.0, 'count': 1}]
    """
    if not cell > 0:
        raise ValueError(f"Rutstorleken måste vara större än 0 meter, inte {cell!r}.")
    placed = incidents[exact_mask(incidents)].dropna(subset=["x", "y", "occurred_from"])
    columns = ["month", "x0", "y0", "count"]
    if placed.empty:
        return pd.DataFrame({c: pd.Series(dtype="period[M]" if c == "month" else float) for c in columns})
    grid = pd.DataFrame({
        "month": pd.to_datetime(placed["occurred_from"]).dt.to_period("M").to_numpy(),
        "x0": np.floor(placed["x"].to_numpy(dtype=float) / cell) * cell,
        "y0": np.floor(placed["y"].to_numpy(dtype=float) / cell) * cell,
    })
    counts = grid.groupby(["month", "x0", "y0"], sort=True).size().rename("count").reset_index()
    return counts[counts["count"] >= min_count].reset_index(drop=True)[columns]
