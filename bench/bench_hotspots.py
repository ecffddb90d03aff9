"""Benchmarks for hot spots, density and follow-up (``python -m bench hotspots``).

* Gi* on a 100 × 100 grid: our closed form (z, analytic p, FDR, classes)
  against ``esda.G_Local(star=True, permutations=0)`` on the same queen
  weights; ok when ours takes under a second (it takes milliseconds).
* The kernel density surface of about a million incidents.
* The WDD follow-up on about a million incidents; ok under a second.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.density import density_surface
from analysis.followup import followup
from analysis.hotspots import classify, fdr_adjust, gi_star, hotspots

REPEATS = 5


def _median_seconds(function: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def _clustered_counts(seed: int = 2026, n: int = 100) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rate = np.full((n, n), 0.8)
    for _ in range(25):
        cy, cx = rng.integers(0, n, 2)
        yy, xx = np.ogrid[:n, :n]
        rate += rng.uniform(3, 15) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * rng.uniform(1, 4) ** 2))
    return rng.poisson(rate).astype(float)


def _incidents(scale: float = 25.0) -> tuple[pd.DataFrame, str]:
    """About a million incidents: Exempelstad if its generator is there, else a synthetic town."""
    for module_name in ("exempelstad.generate", "exempelstad.incidents"):
        try:
            module = __import__(module_name, fromlist=["generate_incidents"])
            return module.generate_incidents(seed=2026, scale=scale), module_name
        except (ImportError, AttributeError):
            continue
    rng = np.random.default_rng(2026)
    n = 1_000_000
    frame = pd.DataFrame({
        "x": rng.uniform(640000, 660000, n),
        "y": rng.uniform(6580000, 6600000, n),
        "occurred_from": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365 * 24, n), "h"),
        "category": pd.Categorical(rng.choice(["Misshandel utomhus", "Cykelstöld"], n)),
    })
    frame.attrs["crs"] = "EPSG:3006"
    return frame, "synthetic"


def run() -> Iterator[dict[str, Any]]:
    """Yield one dict per measure."""
    import esda
    import libpysal

    counts = _clustered_counts()

    def ours() -> np.ndarray:
        z = gi_star(counts, neighbours="queen")
        p = 2 * stats.norm.sf(np.abs(z))
        classify(z, fdr_adjust(p))
        return z

    start = time.perf_counter()
    w = libpysal.weights.lat2W(100, 100, rook=False)
    weights_seconds = time.perf_counter() - start

    def baseline() -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return esda.G_Local(counts.ravel(), w, star=True, transform="B", permutations=0).Zs

    ours_seconds, z = _median_seconds(ours)
    base_seconds, z_esda = _median_seconds(baseline)
    z_only_seconds, _ = _median_seconds(lambda: gi_star(counts, neighbours="queen"), repeats=20)
    yield {
        "bench": "gi_star_10k_cells",
        "seconds": round(ours_seconds, 5),
        "z_only_seconds": round(z_only_seconds, 5),
        "includes": "z, analytic p, BH FDR, classes",
        "baseline": "esda.G_Local(star=True, permutations=0), weights prebuilt",
        "baseline_seconds": round(base_seconds, 4),
        "weights_seconds": round(weights_seconds, 4),
        "ratio": round(base_seconds / ours_seconds, 1),
        "max_abs_z_difference": float(np.max(np.abs(z.ravel() - z_esda))),
        "ok": ours_seconds < 1.0 and bool(np.allclose(z.ravel(), z_esda, atol=1e-9)),
    }

    incidents, origin = _incidents()
    n = len(incidents)
    x = incidents["x"].to_numpy(dtype=float)
    y = incidents["y"].to_numpy(dtype=float)

    seconds, cells = _median_seconds(lambda: hotspots(incidents, cell=100), repeats=3)
    yield {
        "bench": "hotspots_frame_1m_incidents",
        "incidents": n,
        "data": origin,
        "cells": len(cells),
        "seconds": round(seconds, 3),
        "note": "grid counts, Gi*, FDR, classes and the cell polygons as a GeoDataFrame",
        "ok": seconds < 5.0,
    }

    seconds, raster = _median_seconds(lambda: density_surface(x, y, cell=25, bandwidth=150), repeats=3)
    yield {
        "bench": "density_1m_incidents",
        "incidents": n,
        "pixels": int(raster.values.size),
        "seconds": round(seconds, 3),
        "ok": seconds < 1.0,
    }

    # Follow-up: a target square in the densest 1 km cell, a control square beside it, a 200 m ring.
    import shapely

    xc, yc = np.median(x), np.median(y)
    target = shapely.box(xc - 400, yc - 400, xc + 400, yc + 400)
    control = shapely.box(xc + 1200, yc - 400, xc + 2000, yc + 400)

    def run_followup():
        return followup(
            incidents, target=target, control=control, displacement_buffer=200,
            before=("2023-03-01", "2024-02-29"), after=("2025-03-01", "2025-12-31"),
        )

    seconds, result = _median_seconds(run_followup, repeats=3)
    yield {
        "bench": "followup_1m_incidents",
        "incidents": n,
        "data": origin,
        "seconds": round(seconds, 3),
        "target_counts": [result.target.before, result.target.after],
        "ok": seconds < 1.0,
    }
