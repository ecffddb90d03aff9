"""Benchmark: districts + grid + weekday×hour on ~1 M incidents against a bare sjoin.

(a) the baseline is ``geopandas.sjoin(points, districts, predicate="within")``
with the points already built — what a straightforward implementation pays
for the district step alone; (b) is everything the overview page needs:
``counts_by_area`` by category, 100 m grid counts and the aoristic 7 × 24
heatmap. Target: b < 2 s and b / a ≤ 1. Warm runs, median of three.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

N_TARGET = 1_000_000
N_DISTRICTS = 100
REPEATS = 3


def _median_seconds(work: Callable[[], object]) -> float:
    work()  # warm-up: imports, caches, first-touch allocations
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _incidents() -> tuple[pd.DataFrame, str]:
    try:
        from exempelstad.generate import generate_incidents
    except ImportError:
        generate_incidents = None
    if generate_incidents is not None:
        # scale 25 gives about a million rows (the sample engineer's note).
        return generate_incidents(seed=2026, scale=25), "Exempelstad, scale=25"
    rng = np.random.default_rng(2026)
    start = pd.Timestamp("2024-01-01")
    occurred = start + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, N_TARGET), unit="min")
    window = pd.to_timedelta(rng.choice([0, 0, 0, 60, 480, 1440], N_TARGET), unit="min")
    frame = pd.DataFrame({
        "id": pd.array(np.arange(N_TARGET).astype(str), dtype="string"),
        "category": pd.Categorical(rng.choice(["Klotter", "Cykelstöld", "Misshandel utomhus", "Inbrott i bostad"],
                                              N_TARGET)),
        "occurred_from": occurred,
        "occurred_to": (occurred + window).where(window > pd.Timedelta(0)),
        "x": rng.normal(600_000, 2500, N_TARGET).clip(595_000, 605_000),
        "y": rng.normal(6_540_000, 2500, N_TARGET).clip(6_535_000, 6_545_000),
        "source": pd.Categorical(["polis"] * N_TARGET),
        "place_type": pd.Categorical(["utomhus"] * N_TARGET),
    })
    frame.attrs["crs"] = "EPSG:3006"
    return frame, "synthetic 10 km square"


def _districts(incidents: pd.DataFrame) -> gpd.GeoDataFrame:
    """100 Voronoi districts over the incidents' extent, edges densified to ~200 vertices each."""
    rng = np.random.default_rng(7)
    x, y = incidents["x"].to_numpy(), incidents["y"].to_numpy()
    xmin, ymin, xmax, ymax = x.min() - 1, y.min() - 1, x.max() + 1, y.max() + 1
    extent = shapely.box(xmin, ymin, xmax, ymax)
    seeds = shapely.multipoints(np.column_stack([rng.uniform(xmin, xmax, N_DISTRICTS),
                                                 rng.uniform(ymin, ymax, N_DISTRICTS)]))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=extent))
    cells = shapely.intersection(cells, extent)
    perimeter = float(np.mean(shapely.length(cells)))
    cells = shapely.segmentize(cells, perimeter / 200)
    return gpd.GeoDataFrame({"area_id": [f"D{i:03d}" for i in range(len(cells))],
                             "population": rng.integers(1000, 20000, len(cells)).astype(float)},
                            geometry=cells, crs=incidents.attrs.get("crs", "EPSG:3006"))


def run() -> Iterator[dict]:
    """Yield one dict per measure (``python -m bench analysis``)."""
    from analysis.aggregate import counts_by_area
    from geo.grid import grid_for_points

    try:
        from analysis.aoristic import weekday_hour
    except ImportError:
        weekday_hour = None

    incidents, origin = _incidents()
    districts = _districts(incidents)
    x, y = incidents["x"].to_numpy(), incidents["y"].to_numpy()
    n = len(incidents)
    vertices = int(np.mean(shapely.get_num_coordinates(districts.geometry.values)))

    def ours() -> None:
        counts_by_area(incidents, districts, by="category")
        grid_for_points(x, y, 100).counts(x, y)
        if weekday_hour is not None:
            weekday_hour(incidents, max_window_hours=24)

    # Ours first, so that the memory peak read next is ours, without the baseline's points.
    seconds = _median_seconds(ours)
    peak_ours = _peak_bytes()
    districts_only = _median_seconds(lambda: counts_by_area(incidents, districts, by="category"))

    baseline = _baseline_seconds(x, y, districts)

    ratio = seconds / baseline
    parts = "districts + 100 m grid + aoristic 7×24" if weekday_hour is not None else "districts + 100 m grid"
    note = None if weekday_hour is not None else "analysis.aoristic saknas ännu: bara områden och rutnät mättes"
    yield {"bench": "analysis", "measure": "baseline sjoin within (points prebuilt)", "rows": n,
           "districts": len(districts), "vertices_per_district": vertices, "data": origin,
           "seconds": round(baseline, 3)}
    yield {"bench": "analysis", "measure": "counts_by_area by category alone", "rows": n,
           "seconds": round(districts_only, 3), "ratio_to_sjoin": round(districts_only / baseline, 3)}
    measure = {"bench": "analysis", "measure": parts, "rows": n, "seconds": round(seconds, 3),
               "ratio_to_sjoin": round(ratio, 3), "target": "< 2 s and ratio ≤ 1.0",
               "ok": bool(seconds < 2.0 and ratio <= 1.0)}
    if note:
        measure["note"] = note
    yield measure
    yield {"bench": "analysis", "measure": "peak memory (data + our analysis)", "rows": n,
           "peak_mib": round(peak_ours / 2**20), "target": "< 2 GiB", "ok": bool(peak_ours < 2 * 2**30)}
    yield {"bench": "analysis", "measure": "peak memory after the baseline's point geometries", "rows": n,
           "peak_mib": round(_peak_bytes() / 2**20)}


def _baseline_seconds(x: np.ndarray, y: np.ndarray, districts: gpd.GeoDataFrame) -> float:
    """The bare sjoin, timed with the points already built (their building is not timed)."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=districts.crs)
    return _median_seconds(lambda: gpd.sjoin(points, districts, predicate="within"))


def _peak_bytes() -> int:
    """Peak resident memory of this process so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
