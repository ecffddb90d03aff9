"""Problembild's map: each place drawn as the area it counts (a cluster as one outline), opened on the places.

Hand-worked shapes and views; the built map's HTML is read as the browser gets it.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
import shapely
from pyproj import Transformer

from dashboard.components.maps import build_problem_map
from dashboard.components.problem_map import dissolved, label_text, place_shapes, places_bounds

CRS = "EPSG:3006"



def test_a_clusters_cells_are_drawn_as_one_outline():
    # Three 100 m cells in an L, the third 0.2 m off (rounded coordinates): one polygon of 30 000 m².
    cells = shapely.MultiPolygon([shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100),
                                  shapely.box(0, 100.2, 100, 200)])
    outline = dissolved(cells)
    assert outline.geom_type == "Polygon"
    assert outline.area == pytest.approx(30_000, abs=30)
    assert len(outline.interiors) == 0


def test_a_pinned_point_is_drawn_as_the_circle_it_counts():
    frame = gpd.GeoDataFrame({"title": ["Krogen"]}, geometry=[shapely.Point(674_000, 6_580_000)], crs="EPSG:3006")
    circle = place_shapes(frame).geometry.iloc[0]
    assert circle.area == pytest.approx(3.14159 * 50**2, rel=0.01)


def test_the_map_opens_on_the_places_with_a_margin_not_on_the_town():
    # A place of 1 000 × 400 m: a quarter of its width on each side (250 m), and 600 m north to south
    # at least (100 m above and below).
    frame = gpd.GeoDataFrame({"title": ["Stråket"]}, geometry=[shapely.box(674_000, 6_580_000, 675_000, 6_580_400)],
                             crs="EPSG:3006")
    opened = places_bounds(frame, "EPSG:3006")
    # The hand-worked padded box in SWEREF 99 TM, as WGS 84 bounds by pyproj.
    padded = Transformer.from_crs(3006, 4326, always_xy=True).transform_bounds(673_750, 6_579_900, 675_250, 6_580_500)
    assert opened == pytest.approx(padded, abs=1e-7)
    assert places_bounds(frame.iloc[:0], "EPSG:3006") is None



def _cluster_map() -> str:
    # A cluster pinned from Karta: three touching 100 m cells in a row, stored as a MultiPolygon.
    x, y = 674_000, 6_580_000
    cells = shapely.MultiPolygon([shapely.box(x + 100 * i, y, x + 100 * (i + 1), y + 100) for i in range(3)])
    places = gpd.GeoDataFrame({"id": [7], "title": ["Stortorget <b>krogstråket</b>"], "picture": ["gemensam"],
                               "status": ["förslag"]}, geometry=[cells], crs=CRS)
    return build_problem_map(places, places_bounds(places, CRS), crs=CRS, config=None).get_root().render()


def _features(html: str) -> list[dict]:
    features = []
    for match in re.finditer(r'"features": (\[.*?\]), "type": "FeatureCollection"', html):
        features += [f for f in json.loads(match.group(1)) if f["properties"].get("samsyn_kind") == "hotspot"]
    return features


def test_a_pinned_cluster_is_one_polygon_on_the_map_with_its_escaped_title():
    html = _cluster_map()
    [feature] = _features(html)
    assert feature["geometry"]["type"] == "Polygon"  # one outline, not three cell squares
    assert len(feature["geometry"]["coordinates"]) == 1  # no inner rings (cell edges)
    # The label (inside the map script's JSON) is the number and the title as text, never markup.
    assert "\\u003e#7 Stortorget \\u0026lt;b\\u0026gt;krogstr\\u00e5ket\\u0026lt;/b\\u0026gt;\\u003c/div" in html
    assert "\\u003e#7 Stortorget \\u003cb" not in html


def test_the_label_is_shortened_past_forty_characters():
    assert label_text(2, "Parkeringsplats N – infartsparkeringen vid köpcentret") == \
        "#2 Parkeringsplats N – infartsparkeringen…"  # 39 characters, the space cut, then "…"
