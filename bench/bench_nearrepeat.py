"""Benchmark for the near-repeat Knox test (``python -m bench nearrepeat``).

20,000 burglaries over three years in a 15 × 15 km town (clustered in residential areas, with
planted near repeats), bands 0,100,200,400,800 m × 0,7,14,28,56 days:

* the cKDTree candidate pairs alone (the floor every run pays) and one permutation;
* the full test with 999 permutations, and with 99 (what the dashboard runs by default);
* the baseline the k-d tree replaces: counting the nearest cell of one permutation over all
  n(n−1)/2 pairs, in row blocks so it fits in memory. It also checks the observed count.

``ratio`` is the all-pairs time per permutation over ours per permutation.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from analysis.nearrepeat import knox_test

N_BURGLARIES = 20_000
DISTANCE_BANDS = (0, 100, 200, 400, 800)
TIME_BANDS = (0, 7, 14, 28, 56)


def burglaries(n: int = N_BURGLARIES, seed: int = 2026) -> pd.DataFrame:
    """``n`` burglaries: 60 residential clusters, a uniform background and 10 % near repeats."""
    rng = np.random.default_rng(seed)
    n_repeat = n // 10
    n_base = n - n_repeat
    centres = rng.uniform(1000, 14000, (60, 2))
    which = rng.integers(0, 60, n_base)
    spread = rng.uniform(150, 600, 60)[which]
    clustered = rng.random(n_base) < 0.7
    x = np.where(clustered, centres[which, 0] + rng.normal(0, 1, n_base) * spread, rng.uniform(0, 15000, n_base))
    y = np.where(clustered, centres[which, 1] + rng.normal(0, 1, n_base) * spread, rng.uniform(0, 15000, n_base))
    day = rng.integers(0, 3 * 365, n_base)
    first = rng.choice(n_base, n_repeat, replace=False)
    angle, radius = rng.uniform(0, 2 * np.pi, n_repeat), rng.uniform(5, 150, n_repeat)
    x = np.concatenate([x, x[first] + radius * np.cos(angle)])
    y = np.concatenate([y, y[first] + radius * np.sin(angle)])
    day = np.concatenate([day, day[first] + rng.integers(0, 14, n_repeat)])
    start = pd.Timestamp("2022-01-01") + pd.to_timedelta(day, unit="D") + pd.to_timedelta(
        rng.integers(0, 24 * 60, n), unit="min")
    return pd.DataFrame({"x": x + 640000, "y": y + 6580000, "occurred_from": start, "occurred_to": pd.NaT})


def _all_pairs_nearest_cell(x: np.ndarray, y: np.ndarray, day: np.ndarray, block: int = 500) -> int:
    """Pairs < 100 m and < 7 days apart, from every pair (rows in blocks against the later rows)."""
    total = 0
    for start in range(0, len(x), block):
        rows = slice(start, start + block)
        dx = x[rows, None] - x[None, :]
        dy = y[rows, None] - y[None, :]
        hit = (np.hypot(dx, dy) < 100) & (np.abs(day[rows, None] - day[None, :]) < 7)
        # Only j > i: each pair once.
        hit &= np.arange(len(x))[None, :] > np.arange(start, min(start + block, len(x)))[:, None]
        total += int(hit.sum())
    return total


def run() -> Iterator[dict[str, Any]]:
    """Yield the measures as JSON-able dicts."""
    incidents = burglaries()
    kwargs = {"distance_bands": DISTANCE_BANDS, "time_bands": TIME_BANDS, "seed": 1}
    points = incidents[["x", "y"]].to_numpy()

    start = time.perf_counter()
    pairs = cKDTree(points).query_pairs(DISTANCE_BANDS[-1], output_type="ndarray")
    pair_seconds = time.perf_counter() - start

    start = time.perf_counter()
    knox_test(incidents, permutations=2, **kwargs)
    two_seconds = time.perf_counter() - start

    start = time.perf_counter()
    dashboard = knox_test(incidents, permutations=99, **kwargs)
    dashboard_seconds = time.perf_counter() - start

    start = time.perf_counter()
    full = knox_test(incidents, permutations=999, **kwargs)
    full_seconds = time.perf_counter() - start
    per_permutation = max(full_seconds - two_seconds, 1e-9) / 997

    # The baseline: one permutation's nearest cell over all pairs.
    day = incidents["occurred_from"].dt.normalize().to_numpy().astype("datetime64[D]").astype(np.int64)
    start = time.perf_counter()
    all_pairs_observed = _all_pairs_nearest_cell(points[:, 0], points[:, 1], day)
    all_pairs_seconds = time.perf_counter() - start

    yield {
        "name": "nearrepeat_knox_999",
        "burglaries": N_BURGLARIES,
        "candidate_pairs": int(len(pairs)),
        "seconds": round(full_seconds, 2),
        "seconds_99_permutations": round(dashboard_seconds, 2),
        "seconds_candidate_pairs": round(pair_seconds, 3),
        "seconds_per_permutation": round(per_permutation, 4),
        "baseline": "nearest cell of one permutation counted over all n(n-1)/2 pairs (row blocks)",
        "baseline_seconds": round(all_pairs_seconds, 2),
        "ratio": round(all_pairs_seconds / per_permutation, 1),
        "nearest_cell": {
            "observed": int(full.table["observed"].iloc[0]),
            "knox_ratio": round(float(full.table["knox_ratio"].iloc[0]), 2),
            "p_value": float(full.table["p_value"].iloc[0]),
        },
        "ok": bool(
            int(full.table["observed"].iloc[0]) == all_pairs_observed
            and (dashboard.table["observed"] == full.table["observed"]).all()
            and full.table["p_value"].iloc[0] < 0.05
            and per_permutation < all_pairs_seconds
        ),
    }
