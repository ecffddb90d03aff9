"""The Exempelstad (fiktiv ort) sample: determinism, schema, tiling and the planted patterns.

The pattern checks compute from the raw rows with independent hand-written
code (windows, distances, a small Gi*), not with the generator's own helpers.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely
from scipy import ndimage, stats

from data.sample import SamplePaths, paths
from exempelstad import generate as exempelstad
from geo.categories import BY_NAME
from geo.dataset import incident_frame, read_incidents
from geo.model import (
    INCIDENT_COLUMNS,
    SOURCES,
    SURVEY_COLUMNS,
    SURVEY_DIRECTIONS,
    SURVEY_SOURCES,
    SURVEY_UNITS,
)

MB = 1024 * 1024


def _hashes(files: SamplePaths) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files.files()}


@pytest.fixture(scope="module")
def committed() -> SamplePaths:
    files = paths()
    missing = [f.name for f in files.files() if not f.exists()]
    assert not missing, f"data/sample saknar {missing}; kör `samsyn sample`"
    return files


@pytest.fixture(scope="module")
def truth(committed) -> dict:
    return json.loads(committed.truth.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def incidents(committed) -> pd.DataFrame:
    return read_incidents(committed.incidents)


def _near(incidents: pd.DataFrame, x: float, y: float, radius: float) -> np.ndarray:
    return np.hypot(incidents["x"].to_numpy() - x, incidents["y"].to_numpy() - y) <= radius


# --- files and determinism -------------------------------------------------------------


def test_paths_default_to_the_package_folder(tmp_path):
    files = paths()
    assert files.directory.name == "sample" and files.directory.parent.name == "data"
    assert paths(tmp_path).incidents == tmp_path / "incidents.parquet"
    assert {f.name for f in paths(tmp_path).files()} == {
        "incidents.parquet", "districts.geojson", "places.geojson", "streets.geojson", "background.geojson",
        "survey.csv", "repair_costs.csv", "truth.json", "README.md",
    }


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path):
    a = exempelstad.generate(tmp_path / "a", seed=5, scale=0.1)
    b = exempelstad.generate(tmp_path / "b", seed=5, scale=0.1)
    c = exempelstad.generate(tmp_path / "c", seed=6, scale=0.1)
    assert _hashes(a) == _hashes(b)
    ha, hc = _hashes(a), _hashes(c)
    assert ha["incidents.parquet"] != hc["incidents.parquet"]
    assert ha["survey.csv"] != hc["survey.csv"]
    assert ha["districts.geojson"] == hc["districts.geojson"]  # the map is the same for every seed


def test_committed_sample_equals_a_fresh_generation(committed, tmp_path):
    fresh = exempelstad.generate(tmp_path, seed=exempelstad.DEFAULT_SEED, scale=1.0)
    stale = "data/sample är inaktuell; kör `samsyn sample`"
    new, old = _hashes(fresh), _hashes(committed)
    # The GeoParquet bytes also depend on the shared writer's metadata layout
    # (geo.dataset.write_incidents); compare its columns and rows exactly instead.
    parquet = fresh.incidents.name
    assert {k: v for k, v in new.items() if k != parquet} == {k: v for k, v in old.items() if k != parquet}, stale
    a, b = pq.read_table(fresh.incidents), pq.read_table(committed.incidents)
    assert a.column_names == b.column_names, stale
    assert all(a.column(c).equals(b.column(c)) for c in a.column_names if c != "geometry"), stale


def test_committed_sample_is_small(committed):
    total = sum(f.stat().st_size for f in committed.files())
    assert total < 15 * MB
    assert committed.background.stat().st_size < 2 * MB


def test_cli_writes_the_sample(run_cli, tmp_path):
    out = tmp_path / "ex"
    result = run_cli("sample", "--out", out, "--seed", 1, "--scale", 0.1)
    assert result.returncode == 0, result.stderr
    assert "Exempelstad (fiktiv ort)" in result.stdout
    assert all(f.exists() and f.stat().st_size > 0 for f in paths(out).files())
    assert json.loads(paths(out).truth.read_text(encoding="utf-8"))["seed"] == 1
    bad = run_cli("sample", "--out", tmp_path / "x", "--scale", 0)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_scale_multiplies_counts():
    small = exempelstad.generate_incidents(seed=3, scale=0.2)
    large = exempelstad.generate_incidents(seed=3, scale=0.4)
    assert len(large) / len(small) == pytest.approx(2, rel=0.05)
    with pytest.raises(ValueError):
        exempelstad.generate_incidents(scale=0)


@pytest.mark.slow
def test_a_million_incidents_in_seconds():
    started = time.perf_counter()
    frame = exempelstad.generate_incidents(seed=2026, scale=25)
    assert time.perf_counter() - started < 20
    assert 950_000 <= len(frame) <= 1_100_000
    assert frame["id"].is_unique


# --- schema ------------------------------------------------------------------------------


def test_incidents_are_canonical(incidents, truth):
    assert list(incidents.columns) == list(INCIDENT_COLUMNS)
    assert incidents.attrs["crs"] == "EPSG:3006"
    assert len(incidents) == truth["n_incidents"]
    assert 30_000 <= len(incidents) <= 45_000
    assert set(incidents["category"].astype(str)) <= set(BY_NAME)
    assert set(incidents["source"].astype(str)) == set(SOURCES)
    assert set(incidents["place_type"].astype(str)) <= {"utomhus", "inomhus", ""}
    assert incidents["id"].is_unique and incidents["id"].notna().all()
    start, end = incidents["occurred_from"], incidents["occurred_to"]
    assert start.min() >= pd.Timestamp("2023-01-01") and start.max() < pd.Timestamp("2026-01-01")
    assert (end.isna() | (end >= start)).all()
    # Local wall-clock times that exist in Europe/Stockholm (none in the spring-forward gap).
    start.dt.tz_localize("Europe/Stockholm", nonexistent="raise", ambiguous="NaT")
    end.dropna().dt.tz_localize("Europe/Stockholm", nonexistent="raise", ambiguous="NaT")
    # Several Brå groups from the police, and the partners' own reports.
    groups = {BY_NAME[c].group for c in incidents.loc[incidents["source"] == "polis", "category"].astype(str)}
    assert len(groups) >= 7
    kommun = set(incidents.loc[incidents["source"] == "kommun", "category"].astype(str))
    assert {"Klotter", "Skadegörelse stat/kommun/region"} <= kommun
    walks = set(incidents.loc[incidents["source"] == "trygghetsvandring", "category"].astype(str))
    assert {"Trasig belysning", "Otrygg plats"} <= walks
    assert (incidents.loc[incidents["source"] == "räddningstjänst", "category"] == "Brand").all()


def test_generated_frame_has_the_dtypes_of_incident_frame():
    frame = exempelstad.generate_incidents(seed=4, scale=0.05)
    rebuilt = incident_frame(frame.astype({c: "str" for c in ("category", "source", "place_type")}))
    pd.testing.assert_frame_equal(frame, rebuilt)


def test_districts_tile_the_town_and_hold_every_incident(committed, incidents, truth):
    districts = gpd.read_file(committed.districts)
    assert districts.crs.to_epsg() == 3006
    assert 8 <= len(districts) <= 12
    assert set(districts["parent"]) == {"Kommundel A", "Kommundel B"}
    assert 25_000 <= districts["population"].sum() <= 40_000
    assert (districts["population"] < 500).sum() >= 1
    assert districts["area_id"].is_unique
    for a, b in itertools.combinations(districts.geometry, 2):
        assert a.intersection(b).area < 1.0
    union = shapely.union_all(districts.geometry.to_numpy())
    assert union.area == pytest.approx(districts.area.sum(), rel=1e-9)
    assert len(shapely.get_parts(shapely.union_all(districts.buffer(0.05).to_numpy()))) == 1
    holes = shapely.get_num_interior_rings(union)
    assert holes == 0
    xmin, ymin, xmax, ymax = union.bounds
    assert xmax - xmin <= 8000 and ymax - ymin <= 8000
    inside = np.zeros(len(incidents), dtype=bool)
    for poly in districts.geometry:
        inside |= shapely.contains_xy(poly, incidents["x"].to_numpy(), incidents["y"].to_numpy())
    assert (~inside).sum() == truth["outside_districts"] == 0


def test_places_streets_and_background(committed):
    places = gpd.read_file(committed.places)
    names = " | ".join(places["name"])
    for needle in ("Krogen F", "Krogen G", "Krogen H", "Snabbmatstället I", "Fritidsgården J",
                   "Parkeringsplats N", "Busstorget", "Stortorget"):
        assert needle in names
    assert {"torg", "hållplats", "krog", "snabbmat", "fritidsgård", "skola", "parkering", "park"} <= set(
        places["kind"])
    assert set(places.geom_type) == {"Point", "Polygon"}
    assert places.loc[places.geom_type == "Point", "radius_m"].gt(0).all()
    streets = gpd.read_file(committed.streets)
    assert (streets.geom_type == "LineString").all()
    for letter in "DELM":
        assert streets["name"].str.contains(f"(gata {letter})", regex=False).any()
    background = gpd.read_file(committed.background)
    assert set(background["layer"]) == {"street", "square", "park", "water", "building_block", "railway"}
    assert "Exempelstad (fiktiv ort)" in committed.readme.read_text(encoding="utf-8")


def test_survey_has_every_district_and_year(committed, truth, incidents):
    survey = pd.read_csv(committed.survey)
    districts = gpd.read_file(committed.districts)
    assert list(survey.columns) == list(SURVEY_COLUMNS)
    assert set(survey["unit"]) == set(SURVEY_UNITS)
    assert set(survey["direction"]) == set(SURVEY_DIRECTIONS)
    assert set(survey["source"]) <= set(SURVEY_SOURCES)
    assert set(survey["year"]) == {2023, 2024, 2025}
    per = survey.groupby(["area_id", "year"]).size()
    assert set(per.index.get_level_values(0)) == set(districts["area_id"])
    assert per.nunique() == 1
    index = survey[survey["unit"] == "index"]
    share = survey[survey["unit"] == "share"]
    assert index["value"].between(0, 6).all() and share["value"].between(0, 1).all()
    assert (share["ci_low"] <= share["value"]).all() and (share["value"] <= share["ci_high"]).all()
    for indicator in ("problem_nedskrapning", "problem_belysning", "problem_klotter", "problem_ungdomar",
                      "problem_berusade", "oro_overfall", "otrygg_ute_sent_index", "andel_otrygga_ute_sent"):
        assert indicator in set(survey["indicator"])
    assert survey.loc[survey["indicator"] == "fortroende_polis", "direction"].eq("higher_better").all()
    big = index[~index["area_id"].isin(truth["small_n_districts"])]
    assert big["n"].between(150, 350).all()
    assert sorted(survey.loc[survey["n"] < 30, "area_id"].unique()) == truth["small_n_districts"]
    assert len(truth["small_n_districts"]) >= 1
    # Worry about assault follows the assault rate: Centrum is above the median district.
    worry = index[(index["indicator"] == "oro_overfall")].pivot(index="area_id", columns="year", values="value")
    assert worry.loc["A01", 2024] > worry[2024].median()
    assert worry.loc["A01", 2025] < worry.loc["A01", 2024]  # a little less worry after the measures


def test_repair_costs_match_the_kommuns_reports(committed, incidents):
    costs = pd.read_csv(committed.repair_costs)
    assert list(costs.columns) == ["id", "repair_cost_sek"]
    kommun = incidents[(incidents["source"] == "kommun")
                       & incidents["category"].isin(["Klotter", "Skadegörelse stat/kommun/region"])]
    assert set(costs["id"]) == set(kommun["id"].astype(str))
    assert costs["id"].is_unique and (costs["repair_cost_sek"] > 0).all()
    assert 1_000 < costs["repair_cost_sek"].median() < 10_000


# --- planted patterns --------------------------------------------------------------------


def _in_weekend_night(start: pd.Series) -> np.ndarray:
    """Fri 21:00–Sat 03:00 or Sat 22:00–Sun 04:00."""
    wd, h = start.dt.day_of_week.to_numpy(), start.dt.hour.to_numpy()
    return (((wd == 4) & (h >= 21)) | ((wd == 5) & (h < 3))
            | ((wd == 5) & (h >= 22)) | ((wd == 6) & (h < 4)))


def test_outdoor_assault_at_the_krogar_happens_on_weekend_nights(incidents, truth):
    assault = incidents[incidents["category"] == "Misshandel utomhus"]
    centrum = [h for h in truth["hotspots"] if "Misshandel utomhus" in h["categories"]][:5]
    assert any("Krogen F" in h["name"] for h in centrum) and any("Busstorget" in h["name"] for h in centrum)
    near = np.zeros(len(assault), dtype=bool)
    for h in centrum:
        here = _near(assault, h["x"], h["y"], 150)
        assert here.sum() >= 200, h["name"]  # several hundred events per hotspot over 3 years
        near |= here
    share = _in_weekend_night(assault["occurred_from"][near]).mean()
    elsewhere = _in_weekend_night(assault["occurred_from"][~near]).mean()
    assert share > 0.8 and elsewhere < 0.4


def test_fritidsgarden_j_on_thursday_evenings(incidents, truth):
    j = next(h for h in truth["hotspots"] if "Fritidsgården J" in h["name"])
    youths = incidents[(incidents["category"] == "Störande ungdomar") & _near(incidents, j["x"], j["y"], 150)]
    start = youths["occurred_from"]
    wd, h = start.dt.day_of_week, start.dt.hour
    thursday = ((wd == 3) & (h >= 20)) | ((wd == 4) & (h < 1))
    assert len(youths) >= 200 and thursday.mean() > 0.85
    assert not youths["occurred_from"].dt.month.isin([7]).any()  # no disco in July


def _aoristic_week(frame: pd.DataFrame) -> np.ndarray:
    """Weekday × hour weights, each incident's weight of 1 spread over its window by the minute."""
    start = frame["occurred_from"].to_numpy("datetime64[m]")
    end = frame["occurred_to"].fillna(frame["occurred_from"]).to_numpy("datetime64[m]")
    # 00:00–23:59 means the whole day: 1440 minutes.
    span = np.maximum((end - start).astype(np.int64), 0) + 1
    span = np.where(span == 1440, 1440, span)
    minute = np.repeat(start, span) + (np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span))
    weight = np.repeat(1.0 / span, span)
    ts = pd.DatetimeIndex(minute)
    matrix = np.zeros((7, 24))
    np.add.at(matrix, (ts.day_of_week, ts.hour), weight)
    return matrix


def test_burglaries_in_k_have_windows_and_a_daytime_aoristic_peak(incidents, truth):
    planted = truth["burglary_windows"]
    k = gpd.read_file(paths().districts).set_index("area_id").geometry[planted["district_id"]]
    burglary = incidents[incidents["category"].isin(planted["categories"])
                         & shapely.contains_xy(k, incidents["x"].to_numpy(), incidents["y"].to_numpy())]
    hours = (burglary["occurred_to"] - burglary["occurred_from"]).dt.total_seconds() / 3600
    assert hours.notna().mean() > 0.8
    assert hours.between(2, 10).mean() > 0.5
    unknown = (burglary["occurred_from"].dt.strftime("%H:%M") == "00:00") & (
        burglary["occurred_to"].dt.strftime("%H:%M") == "23:59")
    assert unknown.mean() > 0.1
    start = burglary["occurred_from"]
    weighted = _aoristic_week(burglary)
    day = weighted[:5, 8:17].sum() / weighted.sum()
    by_start = (start.dt.day_of_week.lt(5) & start.dt.hour.between(8, 16)).mean()
    assert day > 0.4 and day > by_start + 0.2  # aoristic weighting moves the mass into working hours
    top = np.argsort(weighted, axis=None)[::-1][:10]
    assert all(w < 5 and 8 <= h <= 16 for w, h in zip(*np.unravel_index(top, weighted.shape), strict=True))


def test_vehicle_crime_at_parking_n_is_at_night(incidents, truth):
    n = next(h for h in truth["hotspots"] if "Parkeringsplats N" in h["name"])
    rows = incidents[(incidents["category"] == "Stöld ur motordrivet fordon") & _near(incidents, n["x"], n["y"], 120)]
    weighted = _aoristic_week(rows)
    night = weighted[:, [22, 23, 0, 1, 2, 3, 4, 5]].sum() / weighted.sum()
    assert len(rows) >= 300 and night > 0.6


def test_intervention_fall_and_level_control(incidents, truth):
    iv = truth["intervention"]
    target = shapely.from_wkt(iv["target_polygon_wkt"])
    districts = gpd.read_file(paths().districts).set_index("area_id")
    assert target.within(districts.geometry[iv["district_id"]])
    assert districts.loc[iv["control_district_id"], "parent"] == "Kommundel B"
    assault = incidents[incidents["category"] == iv["category"]]
    x, y = assault["x"].to_numpy(), assault["y"].to_numpy()

    def count(area, period):
        t = assault["occurred_from"]
        when = (t >= pd.Timestamp(period[0])) & (t < pd.Timestamp(period[1]) + pd.Timedelta(days=1))
        return int((shapely.contains_xy(area, x, y) & when.to_numpy()).sum())

    t0, t1 = count(target, iv["before"]), count(target, iv["after"])
    control = districts.geometry[iv["control_district_id"]]
    c0, c1 = count(control, iv["before"]), count(control, iv["after"])
    assert t0 >= 300
    assert t1 / t0 - 1 == pytest.approx(iv["expected_change"], abs=0.10)
    assert c1 / c0 - 1 == pytest.approx(0, abs=0.10)
    z = ((t1 - t0) - (c1 - c0)) / np.sqrt(t0 + t1 + c0 + c1)  # WDD without displacement areas
    assert z < -2
    observed = iv["observed"]
    assert (observed["target_before"], observed["target_after"], observed["control_before"],
            observed["control_after"]) == (t0, t1, c0, c1)
    assert observed["z"] == pytest.approx(z, abs=1e-3)


def _gi_star_hot_cells(x: np.ndarray, y: np.ndarray, extent, cell: float = 100.0, alpha: float = 0.05):
    """Centres of cells that are significantly hot by Gi* (queen, self included) after BH FDR."""
    xmin, ymin, xmax, ymax = extent
    x0, y0 = np.floor(xmin / cell) * cell, np.floor(ymin / cell) * cell
    nx, ny = int((xmax - x0) // cell) + 1, int((ymax - y0) // cell) + 1
    counts, _, _ = np.histogram2d(y, x, bins=[ny, nx], range=[[y0, y0 + ny * cell], [x0, x0 + nx * cell]])
    kernel = np.ones((3, 3))
    local = ndimage.convolve(counts, kernel, mode="constant")
    w = ndimage.convolve(np.ones_like(counts), kernel, mode="constant")
    n = counts.size
    mean, sd = counts.mean(), counts.std()
    z = (local - mean * w) / (sd * np.sqrt((n * w - w * w) / (n - 1)))
    p = 2 * stats.norm.sf(np.abs(z)).ravel()
    order = np.argsort(p)
    passed = p[order] <= alpha * np.arange(1, n + 1) / n
    k = np.flatnonzero(passed).max() + 1 if passed.any() else 0
    significant = np.zeros(n, dtype=bool)
    significant[order[:k]] = True
    hot = significant.reshape(counts.shape) & (z > 0)
    rows, cols = np.nonzero(hot)
    return x0 + (cols + 0.5) * cell, y0 + (rows + 0.5) * cell


def test_planted_hotspots_are_gi_star_hot(committed, incidents, truth):
    extent = gpd.read_file(committed.districts).total_bounds
    for planted in truth["hotspots"]:
        for frame in (incidents, incidents[incidents["category"].isin(planted["categories"])]):
            hx, hy = _gi_star_hot_cells(frame["x"].to_numpy(), frame["y"].to_numpy(), extent)
            assert len(hx) and np.hypot(hx - planted["x"], hy - planted["y"]).min() <= 150, planted["name"]
