"""The map of Exempelstad (fiktiv ort): town boundary, districts, places, streets, background.

Exempelstad is the fictional town of the worked example in Brå's handbook on
local crime-prevention partnerships (*Samverkan i lokalt brottsförebyggande arbete*, pp. 22–28). Coordinates are
SWEREF 99 TM (EPSG:3006); the town lies in inland Södermanland around
E 590 000, N 6 545 000 and measures about 7 × 7 km. Every geometry here is
hand-placed or derived deterministically (no randomness), so the map is the
same for every seed.

Positions are written in metres relative to ``ORIGIN`` to keep the layout
readable; ``_abs`` turns them into SWEREF 99 TM.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import split

from geo.model import WORK_CRS

TOWN = "Exempelstad (fiktiv ort)"
ORIGIN = (590_000.0, 6_545_000.0)
PARENT_A = "Kommundel A"
PARENT_B = "Kommundel B"


def _abs(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(ORIGIN[0] + dx, ORIGIN[1] + dy) for dx, dy in points]


def _pt(dx: float, dy: float) -> tuple[float, float]:
    return ORIGIN[0] + dx, ORIGIN[1] + dy


def _box(dx0: float, dy0: float, dx1: float, dy1: float) -> Polygon:
    return shapely.box(ORIGIN[0] + dx0, ORIGIN[1] + dy0, ORIGIN[0] + dx1, ORIGIN[1] + dy1)


def _ellipse(dx: float, dy: float, rx: float, ry: float, angle: float = 0.0) -> Polygon:
    t = np.linspace(0, 2 * np.pi, 49)[:-1]
    a = np.deg2rad(angle)
    x = rx * np.cos(t) * np.cos(a) - ry * np.sin(t) * np.sin(a)
    y = rx * np.cos(t) * np.sin(a) + ry * np.sin(t) * np.cos(a)
    return Polygon(_abs(list(zip(dx + x, dy + y, strict=True))))


# --- town outline, river, lake -------------------------------------------------

BOUNDARY = Polygon(_abs([
    (-3700, -1200), (-3500, 900), (-3000, 2300), (-1800, 3300), (-200, 3500), (1300, 3400),
    (2700, 2900), (3400, 1700), (3500, -200), (3300, -2000), (2600, -3200), (1000, -3500),
    (-700, -3400), (-2300, -3000), (-3300, -2200),
]))

# The river Kvarnån runs north–south and separates kommundel A (west) from B (east).
RIVER_LINE = LineString(_abs([
    (300, 3800), (500, 2600), (420, 1700), (360, 1000), (470, 300), (560, -300), (600, -700),
    (430, -1600), (620, -2500), (1000, -3700),
]))
RIVER = RIVER_LINE.buffer(22, cap_style="flat").intersection(BOUNDARY.buffer(50))
LAKE = _ellipse(2450, -2750, 620, 330, angle=20)
WATER = shapely.union(RIVER, LAKE)

# --- centrum and the intervention ---------------------------------------------

STORTORGET = _box(-260, 130, -140, 230)
BUSSTORGET = _box(125, -185, 235, -115)
PARKING_N = _box(-860, -560, -740, -480)
STADSPARKEN = Polygon(_abs([(-620, 620), (-260, 640), (-180, 900), (-560, 960), (-700, 820)]))

# The area around Stortorget where the 2025 measures apply (kameraövervakning,
# bättre belysning, ordningsvakter); every planted centrum hotspot lies ≥150 m inside.
TARGET_AREA = Polygon(_abs([(-620, -280), (380, -330), (400, 80), (250, 520), (-250, 560), (-640, 420)]))
INTERVENTION_DATE = "2025-03-01"
INTERVENTION_MEASURES = "kameraövervakning, bättre belysning och ordningsvakter"


@dataclass(frozen=True)
class District:
    """One district (stadsdel) of Exempelstad."""

    area_id: str
    name: str
    population: int
    parent: str
    seed: tuple[float, float]


DISTRICTS: tuple[District, ...] = (
    District("A01", "Centrum", 2900, PARENT_A, (-150, 150)),
    District("A02", "Kvarnbacken", 5400, PARENT_A, (-1350, -1050)),
    District("A03", "Prästgärdet", 4200, PARENT_A, (-900, 1350)),
    District("A04", "Västra Skogen", 3600, PARENT_A, (-2700, 300)),
    District("A05", "Björkhagen", 3100, PARENT_A, (-600, 2700)),
    District("A06", "Verkstadsområdet", 140, PARENT_A, (-2400, -2400)),
    District("B01", "Östra Strand", 4800, PARENT_B, (1500, 300)),
    District("B02", "Norrbacka", 4500, PARENT_B, (1700, 2300)),
    District("B03", "Sörby", 3900, PARENT_B, (1300, -1500)),
    District("B04", "Ekudden", 380, PARENT_B, (2500, -2600)),
    District("B05", "Högberga", 2600, PARENT_B, (2900, 900)),
)
CENTRUM_ID = "A01"
CONTROL_ID = "B01"
SMALL_DISTRICTS = ("A06", "B04")


def _halves() -> tuple[Polygon, Polygon]:
    """The town split along the river's centre line: (west = A, east = B)."""
    parts = list(split(BOUNDARY, RIVER_LINE).geoms)
    west = min(parts, key=lambda p: p.centroid.x)
    east = max(parts, key=lambda p: p.centroid.x)
    return west, east


@functools.cache
def _district_polygons() -> tuple[tuple[str, Polygon], ...]:
    return tuple(_build_district_polygons().items())


def district_polygons() -> dict[str, Polygon]:
    """District polygons keyed by area_id; they tile ``BOUNDARY`` exactly."""
    return dict(_district_polygons())


def _build_district_polygons() -> dict[str, Polygon]:
    """District polygons keyed by area_id; they tile ``BOUNDARY`` exactly."""
    west, east = _halves()
    centrum = west.intersection(TARGET_AREA.buffer(180, join_style="round"))
    out: dict[str, Polygon] = {CENTRUM_ID: centrum}
    for parent, half in ((PARENT_A, west.difference(centrum)), (PARENT_B, east)):
        members = [d for d in DISTRICTS if d.parent == parent and d.area_id != CENTRUM_ID]
        seeds = shapely.MultiPoint([_pt(*d.seed) for d in members])
        cells = list(shapely.voronoi_polygons(seeds, extend_to=BOUNDARY.buffer(2000)).geoms)
        for d in members:
            p = Point(_pt(*d.seed))
            cell = next(c for c in cells if c.contains(p))
            out[d.area_id] = cell.intersection(half)
    return _snap_coverage(out)


def _snap_coverage(polygons: dict[str, Polygon], grid: float = 0.1) -> dict[str, Polygon]:
    """Snap a tiling to a ``grid``-metre grid (the GeoJSON files' precision) without slivers.

    Rounding each polygon on its own moves a vertex that only one neighbour has
    off the shared edge, leaving slivers. Instead the shared linework is noded
    and snap-rounded once, polygonised, and the faces handed back to their
    districts, so neighbours share identical edges.
    """
    lines = shapely.union_all([shapely.boundary(p) for p in polygons.values()])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.set_precision(lines, grid))))
    owner = {k: [] for k in polygons}
    for face in faces:
        inner = face.point_on_surface()
        key = next(k for k, p in polygons.items() if p.covers(inner))
        owner[key].append(face)
    return {k: shapely.union_all(v) for k, v in owner.items()}


def districts() -> gpd.GeoDataFrame:
    """Districts: area_id, name, population, parent (Kommundel A/B), town; EPSG:3006."""
    polygons = district_polygons()
    rows = [
        {"area_id": d.area_id, "name": d.name, "population": d.population, "parent": d.parent, "town": TOWN}
        for d in DISTRICTS
    ]
    return gpd.GeoDataFrame(rows, geometry=[polygons[d.area_id] for d in DISTRICTS], crs=WORK_CRS)


# --- named places (micro-places) -------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A named micro-place: a point with a radius, or a polygon."""

    area_id: str
    name: str
    kind: str
    geometry: object
    radius_m: float | None = None

    @property
    def xy(self) -> tuple[float, float]:
        """Centre of the place."""
        c = self.geometry.centroid
        return float(c.x), float(c.y)


def _p(area_id: str, name: str, kind: str, dx: float, dy: float, radius: float) -> Place:
    return Place(area_id, name, kind, Point(_pt(dx, dy)), radius)


PLACES: tuple[Place, ...] = (
    Place("P01", "Stortorget", "torg", STORTORGET),
    Place("P02", "Busstorget", "hållplats", BUSSTORGET),
    _p("P03", "Krogen F – Stadskällaren", "krog", -330, 285, 60),
    _p("P04", "Krogen G – Tre Kronor", "krog", 10, 275, 60),
    _p("P05", "Krogen H – Nattklubben Kvarnen", "krog", -45, 20, 60),
    _p("P06", "Snabbmatstället I – Torggrillen", "snabbmat", -330, -40, 50),
    _p("P07", "Fritidsgården J – Kvarnhuset", "fritidsgård", -900, 1100, 80),
    Place("P08", "Parkeringsplats N – Infartsparkeringen", "parkering", PARKING_N),
    _p("P09", "Resecentrum (stationen)", "station", 320, -260, 70),
    Place("P10", "Stadsparken", "park", STADSPARKEN),
    _p("P11", "Centralskolan", "skola", -480, 380, 90),
    _p("P12", "Kvarnbackeskolan", "skola", -1500, -800, 90),
    _p("P13", "Prästgärdets skola", "skola", -1150, 1500, 90),
    _p("P14", "Björkhagens skola", "skola", -500, 2500, 90),
    _p("P15", "Östra Strands skola", "skola", 1400, 500, 90),
    _p("P16", "Sörbyskolan", "skola", 1500, -1300, 90),
    _p("P17", "Centrumhuset (butiker)", "butik", -150, -120, 70),
    _p("P18", "ICA Kvarnbacken", "butik", -1200, -1300, 50),
    _p("P19", "Coop Norrbacka", "butik", 1750, 2100, 50),
    Place("P20", "Österby torg", "torg", _box(1330, 180, 1430, 260)),
    _p("P21", "Puben Ankaret", "krog", 1400, 290, 50),
    _p("P22", "Sörby centrum", "butik", 1300, -1650, 70),
    _p("P23", "Idrottsplatsen Vallen", "idrottsplats", 2000, 1500, 120),
    _p("P24", "Köpcentrum Västra Skogen", "butik", -2500, 100, 60),
)
PLACE_BY_ID: dict[str, Place] = {p.area_id: p for p in PLACES}


def _district_of(x: float, y: float, polygons: dict[str, Polygon]) -> str:
    p = Point(x, y)
    for area_id, poly in polygons.items():
        if poly.covers(p):
            return area_id
    return ""


def places() -> gpd.GeoDataFrame:
    """Named micro-places: area_id, name, kind, radius_m (points), parent (district name)."""
    polygons = district_polygons()
    names = {d.area_id: d.name for d in DISTRICTS}
    rows = []
    for p in PLACES:
        x, y = p.xy
        rows.append({
            "area_id": p.area_id, "name": p.name, "kind": p.kind,
            "radius_m": p.radius_m if p.radius_m is not None else np.nan,
            "parent": names.get(_district_of(x, y, polygons), ""),
        })
    return gpd.GeoDataFrame(rows, geometry=[p.geometry for p in PLACES], crs=WORK_CRS)


# --- streets used as micro-places -------------------------------------------------

STREETS: tuple[tuple[str, str, str, list[tuple[float, float]]], ...] = (
    ("S01", "Drottninggatan (gata D)", "gata", [(-700, 262), (-330, 262), (10, 258), (330, 250)]),
    ("S02", "Kungsgatan (gata E)", "gata", [(-60, 700), (-55, 260), (-45, 20), (-40, -350)]),
    ("S03", "Lärkvägen (gata L)", "gata", [(-1700, -850), (-1450, -900), (-1150, -960), (-900, -980)]),
    ("S04", "Mossvägen (gata M)", "gata", [(-1380, -1500), (-1330, -1250), (-1280, -1000), (-1250, -700)]),
    ("S05", "Storgatan", "gata", [(-700, -40), (-330, -40), (-45, -20), (380, 0)]),
    ("S06", "Järnvägsgatan", "gata", [(-900, -230), (-300, -200), (120, -210), (420, -240)]),
    ("S07", "Kyrkogatan", "gata", [(-480, 700), (-480, 260), (-470, -300)]),
    ("S08", "Prästgärdsvägen", "väg", [(-480, 700), (-800, 1000), (-1100, 1400), (-1300, 2000)]),
    ("S09", "Kvarnbackevägen", "väg", [(-700, -300), (-950, -600), (-1350, -1050), (-1600, -1600)]),
    ("S10", "Strandpromenaden", "gång- och cykelväg", [(380, 900), (380, 300), (470, -300), (520, -900)]),
    ("S11", "Östra Storgatan", "gata", [(620, -20), (1000, 150), (1380, 220), (1900, 300)]),
    ("S12", "Norrbackavägen", "väg", [(1000, 150), (1300, 1000), (1700, 2200), (1800, 3000)]),
    ("S13", "Sörbyvägen", "väg", [(1000, 150), (1100, -700), (1300, -1650), (1900, -2400)]),
    ("S14", "Västra vägen", "väg", [(-700, 262), (-1500, 300), (-2500, 150), (-3400, 0)]),
    ("S15", "Björkhagsvägen", "väg", [(-60, 700), (-300, 1600), (-600, 2600), (-700, 3300)]),
    ("S16", "Industrivägen", "väg", [(-1600, -1600), (-2100, -2200), (-2700, -2600)]),
    ("S17", "Högbergavägen", "väg", [(1900, 300), (2500, 700), (3000, 900)]),
)


def street_lines() -> dict[str, LineString]:
    """Street LineStrings keyed by area_id."""
    return {area_id: LineString(_abs(coords)) for area_id, _, _, coords in STREETS}


def streets() -> gpd.GeoDataFrame:
    """Named street segments: area_id, name, kind, parent (district of the midpoint)."""
    polygons = district_polygons()
    names = {d.area_id: d.name for d in DISTRICTS}
    lines = street_lines()
    rows = []
    for area_id, name, kind, _ in STREETS:
        mid = lines[area_id].interpolate(0.5, normalized=True)
        rows.append({"area_id": area_id, "name": name, "kind": kind,
                     "parent": names.get(_district_of(mid.x, mid.y, polygons), "")})
    return gpd.GeoDataFrame(rows, geometry=[lines[r["area_id"]] for r in rows], crs=WORK_CRS)


# --- background map -----------------------------------------------------------------

RAILWAY = LineString(_abs([(-3800, -700), (-1500, -400), (320, -300), (1800, -500), (3600, -900)]))
_LOCAL_NAMES = (
    "Björkvägen", "Granvägen", "Tallvägen", "Lönnvägen", "Aspvägen", "Ekvägen", "Hasselvägen",
    "Rönnvägen", "Almvägen", "Lindvägen", "Sälgvägen", "Envägen", "Pilvägen", "Idvägen",
)
# Grid spacing (m) and rotation (degrees) of each district's local street net.
_NET = {
    "A01": (110, 2), "A02": (170, 15), "A03": (160, -10), "A04": (200, 30), "A05": (180, 5),
    "A06": (260, 0), "B01": (160, -8), "B02": (170, 20), "B03": (165, 35), "B04": (240, 10),
    "B05": (200, -25),
}


def _local_grid(poly: Polygon, spacing: float, angle: float) -> tuple[list[LineString], list[Polygon]]:
    """Street lines and block polygons of a rotated square grid clipped to ``poly``."""
    cx, cy = poly.centroid.x, poly.centroid.y
    minx, miny, maxx, maxy = poly.bounds
    half = max(maxx - minx, maxy - miny)
    ticks = np.arange(-half, half + spacing, spacing)
    lines, blocks = [], []
    for t in ticks:
        lines.append(LineString([(cx + t, cy - half), (cx + t, cy + half)]))
        lines.append(LineString([(cx - half, cy + t), (cx + half, cy + t)]))
    for i, tx in enumerate(ticks[:-1]):
        for j, ty in enumerate(ticks[:-1]):
            # Leave some blocks empty (fields, yards): a fixed pattern, not random.
            if (i * 7 + j * 3) % 5 == 0:
                continue
            blocks.append(shapely.box(cx + tx + 18, cy + ty + 18, cx + tx + spacing - 18, cy + ty + spacing - 18))
    rot_lines = [affinity.rotate(line, angle, origin=(cx, cy)) for line in lines]
    rot_blocks = [affinity.rotate(b, angle, origin=(cx, cy)) for b in blocks]
    return rot_lines, rot_blocks


def background() -> gpd.GeoDataFrame:
    """Vector background map: layer in {street, square, park, water, building_block, railway}, name."""
    polygons = district_polygons()
    open_space = shapely.union_all([WATER.buffer(15), STADSPARKEN, STORTORGET, BUSSTORGET, PARKING_N])
    rows: list[tuple[str, str, object]] = []
    rows.append(("water", "Kvarnån", RIVER))
    rows.append(("water", "Kvarnsjön", LAKE))
    rows.append(("park", "Stadsparken", STADSPARKEN))
    rows.append(("park", "Strandparken", _box(520, 1000, 760, 1500).difference(RIVER)))
    rows.append(("square", "Stortorget", STORTORGET))
    rows.append(("square", "Busstorget", BUSSTORGET))
    rows.append(("square", "Österby torg", PLACE_BY_ID["P20"].geometry))
    rows.append(("square", "Parkeringsplats N", PARKING_N))
    rows.append(("railway", "Järnvägen", RAILWAY.intersection(BOUNDARY)))
    named = street_lines()
    for area_id, name, _, _ in STREETS:
        rows.append(("street", name, named[area_id]))
    for k, d in enumerate(DISTRICTS):
        spacing, angle = _NET[d.area_id]
        poly = polygons[d.area_id]
        lines, blocks = _local_grid(poly, spacing, angle)
        inner = poly.buffer(-10)
        for i, line in enumerate(lines):
            clipped = line.intersection(inner).difference(WATER.buffer(5))
            if clipped.is_empty or clipped.length < 40:
                continue
            rows.append(("street", _LOCAL_NAMES[(i + k) % len(_LOCAL_NAMES)], clipped))
        built = inner.difference(open_space)
        for b in blocks:
            clipped = b.intersection(built)
            if clipped.is_empty or clipped.area < 800:
                continue
            rows.append(("building_block", f"Kvarter i {d.name}", clipped))
    geoms = shapely.set_precision(np.array([r[2] for r in rows], dtype=object), 0.1)
    frame = gpd.GeoDataFrame(
        {"layer": [r[0] for r in rows], "name": [r[1] for r in rows]}, geometry=geoms, crs=WORK_CRS
    )
    return frame[~frame.geometry.is_empty].reset_index(drop=True)


def town_extent() -> tuple[float, float, float, float]:
    """Bounding box (xmin, ymin, xmax, ymax) of the town."""
    return tuple(float(v) for v in BOUNDARY.bounds)  # type: ignore[return-value]
