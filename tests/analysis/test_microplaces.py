"""Micro-places against independent references: sjoin on the output polygons, brute-force distances."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from core.errors import InputError
from geo.microplaces import (
    grid_counts,
    hex_counts,
    hex_index,
    hex_polygons,
    nearest_segment,
    place_counts,
    segment_counts,
    split_segments,
)

RNG = np.random.default_rng(11)
X0, Y0 = 601_000.0, 6_540_000.0


def incidents_frame(x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"x": x, "y": y})
    frame.attrs["crs"] = "EPSG:3006"
    return frame


def sjoin_counts(x: np.ndarray, y: np.ndarray, polygons: gpd.GeoDataFrame, key: str) -> pd.Series:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=polygons.crs)
    joined = gpd.sjoin(points, polygons[[key, "geometry"]], predicate="within")
    return joined.groupby(key).size()


def test_grid_counts_equal_sjoin_and_only_nonempty_by_default():
    x, y = RNG.uniform(X0, X0 + 2000, 5000), RNG.uniform(Y0, Y0 + 1500, 5000)
    x[:100] = X0 + 1234.5  # a cluster
    y[:100] = Y0 + 777.0
    cells = grid_counts(x, y, 100, crs="EPSG:3006")
    assert (cells["count"] > 0).all()
    expected = sjoin_counts(x, y, cells, "cell_id")
    pd.testing.assert_series_equal(cells.set_index("cell_id")["count"].sort_index(),
                                   expected.sort_index(), check_names=False, check_dtype=False)
    assert cells.set_index("cell_id").loc["100m_E602200_N6540700", "count"] >= 100
    everything = grid_counts(x, y, 100, include_empty=True, crs="EPSG:3006")
    assert len(everything) == 20 * 15 and everything["count"].sum() == len(x)


def test_hex_counts_equal_sjoin_on_the_hexagons():
    size = 60.0
    x, y = RNG.uniform(X0, X0 + 1500, 8000), RNG.uniform(Y0, Y0 + 1500, 8000)
    hexes = hex_counts(x, y, size, crs="EPSG:3006")
    assert hexes["count"].sum() == len(x)
    expected = sjoin_counts(x, y, hexes, "hex_id")
    pd.testing.assert_series_equal(hexes.set_index("hex_id")["count"].sort_index(),
                                   expected.sort_index(), check_names=False, check_dtype=False)
    # Regular hexagons of the stated size that tile the plane without gaps or overlaps.
    assert np.allclose(hexes.area, 3 * math.sqrt(3) / 2 * size**2)
    union = shapely.union_all(hexes.geometry.values)
    assert union.area == pytest.approx(hexes.area.sum(), rel=1e-9)


def test_hex_ids_are_stable_across_datasets_and_empty_hexes_fill_the_extent():
    x, y = RNG.uniform(X0, X0 + 800, 500), RNG.uniform(Y0, Y0 + 800, 500)
    whole = hex_counts(x, y, 50, crs="EPSG:3006").set_index("hex_id")
    part = hex_counts(x[:50], y[:50], 50, crs="EPSG:3006").set_index("hex_id")
    q, r = hex_index(x[:50], y[:50], 50)
    assert set(part.index) <= set(whole.index)
    assert f"hex50m_q{q[0]}_r{r[0]}" in part.index
    assert whole.loc[part.index, "geometry"].geom_equals(part["geometry"]).all()
    full = hex_counts(x, y, 50, include_empty=True, crs="EPSG:3006")
    assert full["count"].sum() == len(x) and (full["count"] == 0).any()
    assert full["hex_id"].is_unique
    # Every point of the extent lies in one of the hexagons.
    assert shapely.union_all(full.geometry.values).contains(shapely.box(x.min(), y.min(), x.max(), y.max()))


def test_hex_index_centres_and_polygon_vertices():
    q, r = np.array([0, 3, -2]), np.array([0, -1, 5])
    polygons = hex_polygons(q, r, 10.0)
    centres = shapely.centroid(polygons)
    qq, rr = hex_index(shapely.get_x(centres), shapely.get_y(centres), 10.0)
    assert qq.tolist() == q.tolist() and rr.tolist() == r.tolist()


def test_place_counts_polygons_points_and_overlaps():
    square = shapely.box(X0, Y0, X0 + 100, Y0 + 100)
    inner = shapely.box(X0 + 40, Y0 + 40, X0 + 60, Y0 + 60)
    places = gpd.GeoDataFrame(
        {"area_id": ["park", "lekplats", "skola"], "name": ["Parken", "Lekplatsen", "Skolan"],
         "radius_m": [np.nan, np.nan, 30.0]},
        geometry=[square, inner, shapely.Point(X0 + 200, Y0)], crs="EPSG:3006",
    )
    x = np.array([X0 + 50, X0 + 10, X0 + 100, X0 + 230, X0 + 200, X0 + 231, X0 + 500])
    y = np.array([Y0 + 50, Y0 + 10, Y0 + 50, Y0, Y0 + 29.9, Y0, Y0])
    result = place_counts(incidents_frame(x, y), places)
    assert result["count"].to_dict() == {"park": 3, "lekplats": 1, "skola": 2}
    assert result.attrs["in_several_places"] == 1  # (50, 50) is in the park and at the playground
    assert result.attrs["in_no_place"] == 2
    assert result.loc["skola", "kind"] == "punkt" and result.loc["park", "kind"] == "område"


def test_place_counts_against_sjoin_with_buffers():
    centres = RNG.uniform(0, 1000, (20, 2)) + [X0, Y0]
    radii = RNG.uniform(20, 120, 20)
    places = gpd.GeoDataFrame({"area_id": [f"p{i}" for i in range(20)], "radius_m": radii},
                              geometry=gpd.points_from_xy(centres[:, 0], centres[:, 1]), crs="EPSG:3006")
    x, y = RNG.uniform(X0, X0 + 1000, 20_000), RNG.uniform(Y0, Y0 + 1000, 20_000)
    result = place_counts(incidents_frame(x, y), places)
    distance = np.hypot(x[:, None] - centres[:, 0], y[:, None] - centres[:, 1])
    expected = (distance <= radii).sum(axis=0)
    assert result["count"].tolist() == expected.tolist()
    # A fine polygon buffer agrees to within the points on its facets.
    buffered = places.set_geometry(places.buffer(radii, quad_segs=64)).drop(columns="radius_m")
    approx = place_counts(incidents_frame(x, y), buffered)["count"].to_numpy()
    assert np.abs(approx - expected).max() <= 2


def test_point_places_need_a_radius():
    places = gpd.GeoDataFrame({"area_id": ["a"]}, geometry=[shapely.Point(X0, Y0)], crs="EPSG:3006")
    with pytest.raises(InputError, match="radie"):
        place_counts(incidents_frame(np.array([X0]), np.array([Y0])), places)
    assert place_counts(incidents_frame(np.array([X0]), np.array([Y0])), places, radius=10)["count"].iloc[0] == 1


def test_nearest_segment_equals_brute_force():
    starts = RNG.uniform(0, 2000, (60, 2)) + [X0, Y0]
    ends = starts + RNG.uniform(-300, 300, (60, 2))
    streets = gpd.GeoDataFrame({"area_id": [f"s{i}" for i in range(60)]},
                               geometry=shapely.linestrings(np.stack([starts, ends], axis=1)), crs="EPSG:3006")
    x, y = RNG.uniform(X0, X0 + 2000, 6000), RNG.uniform(Y0, Y0 + 2000, 6000)
    result = nearest_segment(x, y, streets, max_distance=25)
    points = shapely.points(x, y)
    distance = shapely.distance(points[:, None], np.asarray(streets.geometry.values)[None, :])
    nearest = distance.argmin(axis=1)
    expected = np.where(distance.min(axis=1) <= 25, nearest, -1)
    np.testing.assert_array_equal(result, expected)
    counts = segment_counts(incidents_frame(x, y), streets, max_distance=25)
    assert counts["count"].sum() + counts.attrs["unassigned"] == len(x)
    assert counts["count"].tolist() == np.bincount(expected[expected >= 0], minlength=60).tolist()


def test_ties_at_a_crossing_go_to_the_first_segment_and_lines_are_required():
    streets = gpd.GeoDataFrame(
        {"area_id": ["b", "a"]},
        geometry=[shapely.LineString([(X0, Y0 - 50), (X0, Y0 + 50)]),
                  shapely.LineString([(X0 - 50, Y0), (X0 + 50, Y0)])], crs="EPSG:3006",
    )
    x = np.array([X0, X0 + 5, X0 + 5])
    y = np.array([Y0, Y0 + 5, Y0 + 1])
    assert nearest_segment(x, y, streets).tolist() == [0, 0, 1]
    with pytest.raises(InputError, match="linjer"):
        segment_counts(incidents_frame(x, y), streets.set_geometry(streets.buffer(1)))


def test_split_segments_cuts_at_crossings():
    grid = [shapely.LineString([(X0, Y0 + k * 100), (X0 + 300, Y0 + k * 100)]) for k in range(3)]
    grid += [shapely.LineString([(X0 + k * 100, Y0 - 50), (X0 + k * 100, Y0 + 250)]) for k in range(1, 3)]
    streets = gpd.GeoDataFrame({"area_id": list("ABCDE"), "name": ["Gata"] * 3 + ["Väg"] * 2},
                               geometry=grid, crs="EPSG:3006")
    segments = split_segments(streets)
    # Each horizontal street is cut twice (3 pieces), each vertical one three times (4 pieces).
    assert len(segments) == 3 * 3 + 2 * 4
    assert segments["area_id"].is_unique
    assert segments.length.sum() == pytest.approx(streets.length.sum())
    assert segments.loc[segments["area_id"] == "A-1", "geometry"].iloc[0].equals(
        shapely.LineString([(X0, Y0), (X0 + 100, Y0)]))
    assert (segments["name"].str.startswith("Gata") == segments["area_id"].str[0].isin(list("ABC"))).all()
