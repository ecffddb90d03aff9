"""Benchmark for emerging hot spots (``python -m bench emerging``).

1,000,000 incidents over a 12 × 12 km town (clusters on a uniform background, a fifth of them with a
time window of up to two days), 100 m cells, monthly steps over three years (36 steps, about 14,000
cells with data, half a million bins). Measured in the same run:

* ``emerging_hotspots`` — cube with aoristic weights, space-time Gi*, FDR over every bin,
  Mann–Kendall per cell, the 17 patterns and the cell polygons;
* baseline 1: the plain ``hotspots()`` on the same points (one Gi* map, no time);
* baseline 2: the bare count cube with ``numpy.bincount`` (points only, no windows), the least any
  space-time method must do.

A second measure runs weekly steps (158 ISO weeks), ok under 12 s.

``ok`` when emerging hot spots take under 3 s: the dashboard recomputes them on a filter change
(cached per filter, so only a new filter pays), and 3 s is what a workshop waits without losing
the thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from analysis.emerging import emerging_hotspots
from analysis.hotspots import hotspots
from geo.grid import grid_for_points

N = 1_000_000
TARGET_SECONDS = 3.0


def _median_seconds(function: Callable[[], Any], repeats: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def town(seed: int = 2026, n: int = N) -> pd.DataFrame:
    """Incidents of a synthetic 12 km town: 40 % background, 60 % in 60 clusters, some growing over time."""
    rng = np.random.default_rng(seed)
    x0, y0, side = 640000.0, 6580000.0, 12000.0
    n_background = int(0.4 * n)
    centres = rng.uniform(500, side - 500, (60, 2))
    which = rng.integers(0, 60, n - n_background)
    spread = rng.uniform(40, 250, 60)[which]
    x = np.r_[rng.uniform(0, side, n_background), centres[which, 0] + rng.normal(0, 1, n - n_background) * spread]
    y = np.r_[rng.uniform(0, side, n_background), centres[which, 1] + rng.normal(0, 1, n - n_background) * spread]
    hours = 3 * 365 * 24
    # Half the clusters grow over the three years (time drawn with a rising density), half do not.
    growing = np.r_[np.zeros(n_background, bool), (which % 2) == 0]
    t = np.where(growing, np.sqrt(rng.uniform(0, 1, n)), rng.uniform(0, 1, n)) * hours
    start = pd.Timestamp("2023-01-01") + pd.to_timedelta(np.floor(t), "h")
    window = rng.uniform(0, 1, n) < 0.2
    end = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    end[window] = start[window] + pd.to_timedelta(rng.integers(1, 48, int(window.sum())), "h")
    inside = (x >= 0) & (x < side) & (y >= 0) & (y < side)
    frame = pd.DataFrame({"x": x + x0, "y": y + y0, "occurred_from": start, "occurred_to": end.to_numpy()})[inside]
    frame = frame.reset_index(drop=True)
    frame.attrs["crs"] = "EPSG:3006"
    return frame


def run() -> Iterator[dict[str, Any]]:
    """Yield one dict per measure."""
    incidents = town()
    x = incidents["x"].to_numpy()
    y = incidents["y"].to_numpy()
    months = incidents["occurred_from"].dt.year.to_numpy() * 12 + incidents["occurred_from"].dt.month.to_numpy()

    def cube() -> np.ndarray:
        grid = grid_for_points(x, y, 100.0)
        flat = grid.index(x, y)
        step = months - months.min()
        return np.bincount(step * grid.size + flat, minlength=36 * grid.size)

    seconds, result = _median_seconds(lambda: emerging_hotspots(incidents, cell=100, step="month"))
    plain_seconds, _ = _median_seconds(lambda: hotspots(incidents, cell=100))
    cube_seconds, _ = _median_seconds(cube)
    patterns = result.pattern_counts()
    yield {
        "bench": "emerging_hotspots_1m_incidents",
        "incidents": len(incidents),
        "windows": int(incidents["occurred_to"].notna().sum()),
        "cells_with_data": int(result.settings["n_locations"]),
        "steps": result.n_steps,
        "bins": int(result.settings["n_locations"] * result.n_steps),
        "seconds": round(seconds, 3),
        "includes": "aoristic cube, space-time Gi*, FDR over all bins, Mann-Kendall, 17 patterns, cell polygons",
        "baseline": "hotspots() on the same points (one Gi* map, no time)",
        "baseline_seconds": round(plain_seconds, 3),
        "ratio_to_hotspots": round(seconds / plain_seconds, 2),
        "count_cube_seconds": round(cube_seconds, 3),
        "ratio_to_count_cube": round(seconds / cube_seconds, 1),
        "patterns": {name: int(v) for name, v in patterns.items() if v},
        "target_seconds": TARGET_SECONDS,
        "ok": seconds < TARGET_SECONDS,
    }

    # Weekly steps (158 ISO weeks): Mann–Kendall's cost grows with the square of the number of steps.
    weekly_seconds, weekly = _median_seconds(lambda: emerging_hotspots(incidents, cell=100, step="week"), repeats=1)
    yield {
        "bench": "emerging_hotspots_1m_incidents_weekly",
        "incidents": len(incidents),
        "steps": weekly.n_steps,
        "seconds": round(weekly_seconds, 3),
        "baseline": "the monthly run above",
        "ratio_to_monthly": round(weekly_seconds / seconds, 2),
        "ok": weekly_seconds < 4 * TARGET_SECONDS,
    }
