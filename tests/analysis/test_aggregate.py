"""Counts per area against geopandas.sjoin + pandas groupby, and hand-computed rates."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from analysis.aggregate import area_assignment, counts_by_area, summary_by_area
from core.errors import InputError

CATEGORIES = ["Klotter", "Cykelstöld", "Misshandel utomhus"]


@pytest.fixture(scope="module")
def malmo(real_data) -> gpd.GeoDataFrame:
    areas = gpd.read_file(real_data / "sweden" / "malmo_delomraden_wgs84.geojson").to_crs("EPSG:3006")
    rng = np.random.default_rng(7)
    return gpd.GeoDataFrame(
        {"area_id": areas["do_kod"].astype(str), "name": areas["delomrade"],
         "population": rng.integers(0, 5000, len(areas)).astype(float)},
        geometry=areas.geometry.values, crs=areas.crs,
    )


@pytest.fixture(scope="module")
def incidents(malmo) -> pd.DataFrame:
    rng = np.random.default_rng(8)
    n = 30_000
    xmin, ymin, xmax, ymax = malmo.total_bounds
    frame = pd.DataFrame({
        "id": [f"h{i}" for i in range(n)],
        "category": pd.Categorical(rng.choice(CATEGORIES, n)),
        "occurred_from": pd.Timestamp("2023-11-01") + pd.to_timedelta(rng.integers(0, 24 * 400, n), unit="h"),
        "x": rng.uniform(xmin - 200, xmax + 200, n),
        "y": rng.uniform(ymin - 200, ymax + 200, n),
        "source": pd.Categorical(rng.choice(["polis", "kommun"], n)),
    })
    frame.attrs["crs"] = "EPSG:3006"
    return frame


def reference_counts(incidents: pd.DataFrame, areas: gpd.GeoDataFrame, key: pd.Series) -> pd.Series:
    points = gpd.GeoDataFrame({"key": key.to_numpy()},
                              geometry=gpd.points_from_xy(incidents["x"], incidents["y"]), crs=areas.crs)
    joined = gpd.sjoin(points, areas[["area_id", "geometry"]], predicate="within")
    return joined.groupby(["area_id", "key"], observed=True).size()


@pytest.mark.parametrize("by", ["category", "month", "year", "source"])
def test_counts_equal_sjoin_groupby(incidents, malmo, by):
    result = counts_by_area(incidents, malmo, by=by)
    when = incidents["occurred_from"]
    key = {"category": incidents["category"].astype(str), "source": incidents["source"].astype(str),
           "month": when.dt.strftime("%Y-%m"), "year": when.dt.year}[by]
    expected = reference_counts(incidents, malmo, key)
    inside = result[result["area_id"].notna()].set_index(["area_id", by])["count"]
    got = inside[inside > 0]
    got.index = got.index.set_levels([got.index.levels[0].astype(str), got.index.levels[1]])
    pd.testing.assert_series_equal(
        got.sort_index(), expected.rename("count").rename_axis(["area_id", by]).sort_index(),
        check_dtype=False, check_index_type=False,
    )
    # Every area appears with every value, zeros included; outside incidents are counted.
    assert len(inside) == len(malmo) * key.nunique()
    outside = result.attrs["outside"]
    assert outside == len(incidents) - expected.sum()
    assert result.loc[result["area_id"].isna(), "count"].sum() == outside > 0
    assert result["count"].sum() == len(incidents)


def test_rates_per_1000(incidents, malmo):
    result = counts_by_area(incidents, malmo)
    row = result[(result["area_id"] == malmo["area_id"].iloc[0]) & (result["category"] == "Klotter")].iloc[0]
    population = malmo["population"].iloc[0]
    assert row["rate_per_1000"] == pytest.approx(row["count"] / population * 1000)
    zero_pop = malmo.loc[malmo["population"] == 0, "area_id"]
    assert result.loc[result["area_id"].isin(zero_pop), "rate_per_1000"].isna().all()
    assert "rate_per_1000" not in counts_by_area(incidents, malmo.drop(columns="population")).columns


def test_summary_matches_long_counts_and_keeps_area_order(incidents, malmo):
    summary = summary_by_area(incidents, malmo)
    assert summary.index.tolist() == malmo["area_id"].tolist()
    long = counts_by_area(incidents, malmo).groupby("area_id")["count"].sum()
    pd.testing.assert_series_equal(summary["count"], long.reindex(summary.index), check_names=False,
                                   check_dtype=False)
    assert summary.attrs["outside"] == counts_by_area(incidents, malmo).attrs["outside"]
    assert summary["name"].tolist() == malmo["name"].tolist()


def test_assignment_can_be_reused_and_reprojection_is_applied(incidents, malmo):
    assignment = area_assignment(incidents, malmo)
    a = counts_by_area(incidents, malmo, by="month", assignment=assignment)
    b = counts_by_area(incidents, malmo.to_crs("EPSG:3008"), by="month")
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError):
        counts_by_area(incidents, malmo, assignment=assignment[:10])


def test_hand_computed_case():
    areas = gpd.GeoDataFrame({"area_id": [10, 20], "population": [1000, 4000]},
                             geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)], crs="EPSG:3006")
    incidents = pd.DataFrame({
        "x": [1.0, 2.0, 10.0, 15.0, 99.0], "y": [1.0, 2.0, 5.0, 5.0, 5.0],
        "occurred_from": pd.to_datetime(["2024-01-31 23:00", "2024-02-01 00:30", "2024-02-03 12:00", "2025-01-01 08:00", None]),
    })
    incidents.attrs["crs"] = "EPSG:3006"
    result = counts_by_area(incidents, areas, by="month")
    table = result.set_index(["area_id", "month"])["count"]
    assert table[(10, "2024-01")] == 1 and table[(10, "2024-02")] == 2  # (10, 5) lies on the shared edge: first area
    assert table[(20, "2025-01")] == 1 and table[(20, "2024-02")] == 0
    assert result.attrs["outside"] == 0  # the incident without a time has no month and is not counted
    assert table[(20, "2025-01")] / 4000 * 1000 == result.set_index(["area_id", "month"]).loc[
        (20, "2025-01"), "rate_per_1000"]


def test_unknown_by_is_an_input_error(incidents, malmo):
    with pytest.raises(InputError, match="indelning"):
        counts_by_area(incidents, malmo, by="weekday")
