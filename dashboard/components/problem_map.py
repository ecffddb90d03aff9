"""What Problembild's map draws for each pinned place, and where the map opens.

A place is drawn as the area it counts (:func:`analysis.problem_numbers.place_geometry`): a polygon
as it is, a point or a street widened by 50 m, and the cells of a hot-spot cluster dissolved into
one outline, so the room sees one place, not a grid of cell edges. The map opens on the places
with a margin around them, not on the whole town.
"""

from __future__ import annotations

import html

import geopandas as gpd
import shapely
from pyproj import Transformer

from analysis.problem_numbers import place_geometry

WGS84 = "EPSG:4326"
# Sub-metre gaps between grid cells (coordinates rounded when a pin is saved) are closed, so that a
# cluster of touching cells dissolves into one outline; square corners stay square (mitre joins).
CLOSE_GAPS_M = 0.5
PAD_SHARE = 0.25  # margin around the places on each side, as a share of their extent
MIN_VIEW_M = 600.0  # a single 100 m cell still opens with its streets around it
TITLE_CHARS = 40


def dissolved(geometry: shapely.Geometry) -> shapely.Geometry:
    """One outline for touching parts (the cells of a cluster); separate parts stay separate.

    Two 100 m cells 0.3 m apart (rounded coordinates) become one 200 × 100 m outline:

    >>> cells = shapely.MultiPolygon([shapely.box(0, 0, 100, 100), shapely.box(100.3, 0, 200, 100)])
    >>> shape = dissolved(cells)
    >>> shape.geom_type, round(shape.area)
    ('Polygon', 20000)
    """
    if geometry.geom_type not in ("MultiPolygon", "GeometryCollection"):
        return geometry
    merged = shapely.union_all([part for part in shapely.get_parts(geometry)])
    closed = merged.buffer(CLOSE_GAPS_M, join_style="mitre").buffer(-CLOSE_GAPS_M, join_style="mitre")
    return closed if not closed.is_empty else merged


def place_shapes(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The places as the map draws them: the area each counts, clusters dissolved.

    ``places`` has ``title`` and geometry in a metric CRS; the result keeps every column.

    >>> frame = gpd.GeoDataFrame({"title": ["Torget"]}, geometry=[shapely.Point(0, 0)], crs="EPSG:3006")
    >>> round(place_shapes(frame).geometry.iloc[0].area / 2500, 1)  # a circle of 50 m: π · 50²
    3.1
    """
    shapes = places.copy()
    shapes["geometry"] = [dissolved(place_geometry(shapely.to_wkt(g), title=str(title)))
                          for g, title in zip(places.geometry, places["title"], strict=True)]
    return shapes.set_geometry("geometry")


def places_bounds(places: gpd.GeoDataFrame, crs: str) -> tuple[float, float, float, float] | None:
    """Where the map opens (WGS 84 west, south, east, north): the places with a margin; None without places.

    The margin is :data:`PAD_SHARE` of the places' extent on each side, and the view at least
    :data:`MIN_VIEW_M` across, so one small place opens with its surroundings.

    >>> frame = gpd.GeoDataFrame({"title": ["Ruta"]}, geometry=[shapely.box(674000, 6580000, 674100, 6580100)],
    ...                          crs="EPSG:3006")
    >>> west, south, east, north = places_bounds(frame, "EPSG:3006")
    >>> round((north - south) * 111_320, -2)  # about 600 m north to south (grid north is not true north)
    600.0
    """
    if places is None or not len(places):
        return None
    west, south, east, north = place_shapes(places).total_bounds
    width, height = east - west, north - south
    pad_x = max(width * PAD_SHARE, (MIN_VIEW_M - width) / 2, 0.0)
    pad_y = max(height * PAD_SHARE, (MIN_VIEW_M - height) / 2, 0.0)
    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
    return tuple(float(v) for v in transformer.transform_bounds(west - pad_x, south - pad_y, east + pad_x,
                                                                north + pad_y))


def label_text(number: object, title: str) -> str:
    """``#3 Stortorget – krogstråket`` as escaped HTML for the label on the map, long titles shortened.

    >>> label_text(3, "<b>Torget</b>")
    '#3 &lt;b&gt;Torget&lt;/b&gt;'
    """
    text = str(title)
    if len(text) > TITLE_CHARS:
        text = text[: TITLE_CHARS - 1].rstrip() + "…"
    return f"#{html.escape(str(number))} {html.escape(text)}"
