"""Area assignment against geopandas.sjoin on real district polygons."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from core.errors import InputError
from geo.assign import assign_areas


def sjoin_first(x: np.ndarray, y: np.ndarray, areas: gpd.GeoDataFrame, predicate: str) -> np.ndarray:
    """Reference: the lowest area position that sjoin matches for each point, -1 for none."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=areas.crs)
    areas = areas.reset_index(drop=True)
    joined = gpd.sjoin(points, areas[["geometry"]], predicate=predicate)
    first = joined.groupby(level=0)["index_right"].min()
    result = np.full(len(x), -1, dtype=np.int64)
    result[first.index.to_numpy()] = first.to_numpy()
    return result


@pytest.fixture(scope="module")
def malmo(real_data) -> gpd.GeoDataFrame:
    return gpd.read_file(real_data / "sweden" / "malmo_delomraden_wgs84.geojson").to_crs("EPSG:3006")


@pytest.fixture(scope="module")
def goteborg(real_data) -> gpd.GeoDataFrame:
    """1,012 multipolygons, some with holes."""
    return gpd.read_file(real_data / "sweden" / "goteborg_basomraden_2021_wgs84.geojson").to_crs("EPSG:3006")


def random_points(areas: gpd.GeoDataFrame, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = areas.total_bounds
    return rng.uniform(xmin - 500, xmax + 500, n), rng.uniform(ymin - 500, ymax + 500, n)


def test_random_points_equal_sjoin_within_malmo(malmo):
    x, y = random_points(malmo, 60_000, seed=1)
    result = assign_areas(x, y, malmo)
    np.testing.assert_array_equal(result, sjoin_first(x, y, malmo, "within"))
    assert 0.3 < (result >= 0).mean() < 0.9  # the test exercises both inside and outside


def test_random_points_equal_sjoin_within_multipolygons_with_holes(goteborg):
    parts = shapely.get_parts(goteborg.geometry.values)
    assert (goteborg.geom_type == "MultiPolygon").all()
    assert shapely.get_num_interior_rings(parts).sum() > 0
    x, y = random_points(goteborg, 60_000, seed=2)
    np.testing.assert_array_equal(assign_areas(x, y, goteborg), sjoin_first(x, y, goteborg, "within"))


@pytest.mark.parametrize("cell", [25.0, 400.0, 5000.0])
def test_lookup_cell_size_does_not_change_the_answer(malmo, cell):
    x, y = random_points(malmo, 20_000, seed=3)
    np.testing.assert_array_equal(assign_areas(x, y, malmo, cell=cell), assign_areas(x, y, malmo))


def test_vertices_and_edges_go_to_first_covering_area(malmo):
    """Points on shared vertices/edges: the first area whose closed polygon covers them."""
    rings = shapely.get_exterior_ring(malmo.geometry.values)
    coords = shapely.get_coordinates(rings)
    rng = np.random.default_rng(4)
    vertices = coords[rng.choice(len(coords), 3000, replace=False)]
    # Midpoints of edges lie on the edge up to rounding; interpolate exactly along edges instead.
    lines = rings[rng.integers(0, len(rings), 3000)]
    along = shapely.line_interpolate_point(lines, rng.uniform(0, 1, 3000), normalized=True)
    on_edges = shapely.get_coordinates(along)
    pts = np.concatenate([vertices, on_edges])
    x, y = pts[:, 0], pts[:, 1]
    result = assign_areas(x, y, malmo)
    expected = sjoin_first(x, y, malmo, "intersects")
    # Interpolated points may miss the edge by a rounding error; both answers are then
    # legitimate only if the point is inside the area we chose.
    exact = shapely.intersects_xy(malmo.geometry.values[np.maximum(expected, 0)], x, y) & (expected >= 0)
    np.testing.assert_array_equal(result[: len(vertices)], expected[: len(vertices)])
    assert (result[exact] == expected[exact]).all()
    # Deterministic: the same answer again and in a different order.
    order = rng.permutation(len(x))
    np.testing.assert_array_equal(assign_areas(x[order], y[order], malmo), result[order])
    # sjoin "within" drops every vertex point; we keep them all.
    assert (sjoin_first(x[: len(vertices)], y[: len(vertices)], malmo, "within") == -1).all()
    assert (result[: len(vertices)] >= 0).all()


def test_hand_made_boundary_cases():
    left, right = shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)
    donut = shapely.Polygon([(30, 0), (40, 0), (40, 10), (30, 10)], holes=[[(33, 3), (37, 3), (37, 7), (33, 7)]])
    multi = shapely.MultiPolygon([shapely.box(50, 0, 52, 2), shapely.box(60, 0, 62, 2)])
    areas = gpd.GeoSeries([left, right, donut, multi])
    x = np.array([5, 15, 10, 10, 20, 35, 33, 31, 51, 61, 56, np.nan, 0])
    y = np.array([5, 5, 5, 10, 10, 5, 5, 5, 1, 1, 1, 1, 0])
    # (35, 5) is in the hole; (33, 5) on its edge; (10, 5) and (10, 10) on the shared edge.
    expected = [0, 1, 0, 0, 1, -1, 2, 2, 3, 3, -1, -1, 0]
    assert assign_areas(x, y, areas).tolist() == expected


def test_overlapping_areas_first_wins_and_empty_geometries_match_nothing():
    areas = gpd.GeoSeries([None, shapely.box(0, 0, 10, 10), shapely.box(5, 0, 15, 10), shapely.Polygon()])
    assert assign_areas(np.array([2.0, 7.0, 12.0]), np.array([5.0, 5.0, 5.0]), areas).tolist() == [1, 1, 2]


def test_no_points_and_non_polygons():
    areas = gpd.GeoSeries([shapely.box(0, 0, 1, 1)])
    assert assign_areas(np.array([]), np.array([]), areas).tolist() == []
    with pytest.raises(InputError, match="polygoner"):
        assign_areas(np.array([0.0]), np.array([0.0]), gpd.GeoSeries([shapely.Point(0, 0)]))
