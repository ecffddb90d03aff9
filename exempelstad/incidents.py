"""Synthetic incidents for Exempelstad (fiktiv ort), with planted patterns.

Every incident comes from a *component*: a category and source, a number of
events over the three years 2023–2025, a spatial model (a cluster around a
place, a polygon, streets, or the districts weighted by population) and a
temporal model (a 7 × 24 weekday × start-hour weight matrix, seasonality,
trend, and how the time window is recorded). The planted patterns of the
handbook's worked example (Brå, *Samverkan i lokalt brottsförebyggande arbete*, pp. 22–28) are components too, so the
ground truth in ``truth.json`` is read off the same table that generates the
data.

Counts per month are allocated deterministically from the expected monthly
weights (largest remainder), and days, hours and positions are drawn at random
within the month. This keeps period comparisons — the intervention and its
comparison district — close to their planted values for any seed, while daily
counts and positions still vary like real data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely.geometry import LineString, Polygon

from exempelstad import town_map as m
from geo.categories import CATEGORIES
from geo.model import SOURCES, WORK_CRS

START = np.datetime64("2023-01-01")
END = np.datetime64("2026-01-01")  # exclusive
DAYS = np.arange(START, END, dtype="datetime64[D]")
WEEKDAY = (DAYS.astype(np.int64) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
MONTH = (DAYS.astype("datetime64[M]") - START.astype("datetime64[M]")).astype(np.int64)
DAY_OF_YEAR = (DAYS - DAYS.astype("datetime64[Y]")).astype(np.int64)
YEARS = (DAYS - START).astype(np.int64) / 365.25
INTERVENTION_DAY = np.datetime64(m.INTERVENTION_DATE)
INTERVENTION_KEEP = 0.75  # outdoor assault in the target area falls by a quarter
# Wall-clock hours that do not exist in Europe/Stockholm (spring forward 02:00 → 03:00).
DST_GAPS = (np.datetime64("2023-03-26"), np.datetime64("2024-03-31"), np.datetime64("2025-03-30"))

CATEGORY_NAMES: tuple[str, ...] = tuple(c.name for c in CATEGORIES)
CATEGORY_CODES = {name: i for i, name in enumerate(CATEGORY_NAMES)}
SOURCE_CODES = {name: i for i, name in enumerate(SOURCES)}
PLACE_NAMES: tuple[str, ...] = ("", "inomhus", "utomhus")
PLACE_CODES = {name: i for i, name in enumerate(PLACE_NAMES)}
ID_PREFIX = {
    "polis": "POL", "kommun": "KOM", "räddningstjänst": "RTJ",
    "fastighetsägare": "FAS", "trygghetsvandring": "TRV", "annan": "ANN",
}


# --- temporal models ----------------------------------------------------------------


def hours(spec: dict[tuple[int, int], float], base: float = 0.0) -> np.ndarray:
    """24 hourly weights from ``{(first_hour, last_hour_inclusive): weight}`` (ranges may wrap)."""
    out = np.full(24, base, dtype=float)
    for (a, b), w in spec.items():
        span = range(a, b + 1) if a <= b else [*range(a, 24), *range(0, b + 1)]
        for h in span:
            out[h] = w
    return out


def matrix(weekdays: list[float], hour_weights: np.ndarray) -> np.ndarray:
    """Weekday × start-hour weight matrix (Monday first) as an outer product."""
    return np.outer(np.asarray(weekdays, dtype=float), hour_weights)


H_GENERAL = np.array([4, 3, 2, 1.5, 1, 1, 1.5, 2.5, 4, 5, 5.5, 6, 6.5, 6.5, 7, 7.5, 8, 8, 8, 7.5, 7, 6.5, 6, 5])
H_DAY = hours({(9, 17): 6, (7, 8): 3, (18, 20): 2}, base=0.3)
H_EVENING = hours({(18, 23): 5, (0, 1): 3, (14, 17): 2}, base=0.5)
H_NIGHT = hours({(22, 3): 5, (19, 21): 2, (4, 5): 1.5}, base=0.3)
H_WALK = hours({(18, 20): 1})
W_ALL = [1, 1, 1, 1, 1, 1, 1]
W_WEEKEND = [0.9, 0.9, 1.0, 1.1, 1.5, 1.6, 1.1]
W_WORK = [1, 1, 1, 1, 1, 0.15, 0.1]


def weekend_nights() -> np.ndarray:
    """Friday 21–03 and Saturday 22–04 (start hours), peaking around closing time."""
    out = np.zeros((7, 24))
    out[4, 21:24] = [1.0, 1.5, 2.0]
    out[5, 0:3] = [2.5, 3.0, 2.5]
    out[5, 22:24] = [1.0, 1.5]
    out[6, 0:4] = [2.0, 3.0, 3.0, 2.0]
    return out


def thursday_disco() -> np.ndarray:
    """Thursday 20–01 (the youth disco at fritidsgården J)."""
    out = np.zeros((7, 24))
    out[3, 20:24] = [1.5, 2.5, 3.0, 2.5]
    out[4, 0] = 1.5
    return out


def weekend_evenings() -> np.ndarray:
    """Evenings all week, most on Friday and Saturday (streets L and M, Österby torg)."""
    return matrix([0.6, 0.6, 0.7, 0.8, 2.0, 2.2, 0.9], hours({(18, 1): 4, (2, 3): 1.5}, base=0.2))


WEEKEND_NIGHTS = weekend_nights()
THURSDAY_DISCO = thursday_disco()
# Burglary start matrices: leaving for work (Mon–Fri 06–09), evenings out, anything.
WORKDAY_START = matrix([1, 1, 1, 1, 1, 0, 0], hours({(7, 7): 3, (8, 8): 2, (6, 6): 1}))
EVENING_START = matrix(W_WEEKEND, hours({(17, 21): 1}))
FRIDAY_AFTERNOON = matrix([0, 0, 0, 0, 1, 0, 0], hours({(15, 17): 1}))
NIGHT_START = matrix(W_ALL, hours({(18, 21): 1, (22, 23): 1.5}))
MORNING_COMMUTE = matrix([1, 1, 1, 1, 1, 0.2, 0.2], hours({(6, 8): 3, (9, 15): 0.5}))


@dataclass(frozen=True)
class Window:
    """How the time of an event is recorded.

    ``share`` of the events get a window of ``min_h``–``max_h`` hours from the
    start; ``unknown`` of them get the register's unknown-time window
    00:00–23:59 of the day; the rest an exact time (``occurred_to`` NaT).
    """

    share: float = 0.0
    min_h: float = 0.0
    max_h: float = 0.0
    unknown: float = 0.0


EXACT = Window()


# --- spatial models -----------------------------------------------------------------


def _in_polygon(rng: np.random.Generator, poly: Polygon, n: int, exclude=None) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points inside ``poly`` (outside ``exclude``) by vectorised rejection."""
    area = poly if exclude is None else poly.difference(exclude)
    shapely.prepare(area)
    minx, miny, maxx, maxy = area.bounds
    xs, ys, have = [], [], 0
    ratio = max(area.area / ((maxx - minx) * (maxy - miny)), 0.05)
    while have < n:
        k = int((n - have) / ratio * 1.2) + 16
        x = rng.uniform(minx, maxx, k)
        y = rng.uniform(miny, maxy, k)
        keep = shapely.contains_xy(area, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        have += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


@dataclass(frozen=True)
class Cluster:
    """Normal scatter around points (chosen in proportion to ``weights``)."""

    points: tuple[tuple[float, float], ...]
    sd: float
    weights: tuple[float, ...] | None = None

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` positions."""
        pts = np.asarray(self.points, dtype=float)
        p = None if self.weights is None else np.asarray(self.weights) / np.sum(self.weights)
        k = rng.choice(len(pts), size=n, p=p) if len(pts) > 1 else np.zeros(n, dtype=np.int64)
        return pts[k, 0] + rng.normal(0, self.sd, n), pts[k, 1] + rng.normal(0, self.sd, n)


@dataclass(frozen=True)
class Area:
    """Uniform inside a polygon, never in water."""

    polygon: Polygon

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` positions."""
        return _in_polygon(rng, self.polygon, n, exclude=m.WATER)


@dataclass(frozen=True)
class Streets:
    """Along street lines (uniform by length) with a sideways scatter of ``sd`` metres."""

    lines: tuple[LineString, ...]
    sd: float = 8.0

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` positions."""
        segs = []
        for line in self.lines:
            c = np.asarray(line.coords)
            segs.append(np.hstack([c[:-1], c[1:]]))
        seg = np.vstack(segs)
        length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
        k = rng.choice(len(seg), size=n, p=length / length.sum())
        t = rng.random(n)
        x = seg[k, 0] + t * (seg[k, 2] - seg[k, 0])
        y = seg[k, 1] + t * (seg[k, 3] - seg[k, 1])
        return x + rng.normal(0, self.sd, n), y + rng.normal(0, self.sd, n)


@dataclass(frozen=True)
class Population:
    """The districts in proportion to population × ``factors`` (per area_id), uniform inside each."""

    factors: tuple[tuple[str, float], ...] = ()


# --- components ---------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One source of events: what, who reports it, how many, where and when."""

    label: str
    category: str
    source: str
    n: float  # events over the three years at scale 1
    where: object
    when: np.ndarray
    indoor: float | None = 0.0  # share inomhus; None = place type unknown ("")
    season: float = 0.15  # amplitude of the yearly cycle, peak mid-July
    trend: float = 0.0  # relative change per year
    window: Window = EXACT
    intervention: bool = False  # falls by a quarter from the intervention date
    open_days: Callable[[np.ndarray], np.ndarray] | None = field(default=None, compare=False)


def _school_term(days: np.ndarray) -> np.ndarray:
    """Days when fritidsgården J holds its Thursday disco (closed in summer and at Christmas)."""
    md = (days.astype("datetime64[D]") - days.astype("datetime64[Y]")).astype(np.int64)
    summer = (md >= 170) & (md <= 227)  # about 19 June – 15 August
    christmas = (md >= 354) | (md <= 6)
    return ~(summer | christmas)


def _place(area_id: str) -> tuple[float, float]:
    return m.PLACE_BY_ID[area_id].xy


# The planted centrum hotspots: (place id, scatter sd in m, outdoor assaults over 3 years).
CENTRUM_HOTSPOTS: tuple[tuple[str, float, int], ...] = (
    ("P03", 35, 330),  # Krogen F
    ("P04", 35, 300),  # Krogen G
    ("P05", 35, 330),  # Krogen H
    ("P06", 35, 280),  # Snabbmatstället I
    ("P02", 40, 320),  # Busstorget
)
# Other categories at each centrum hotspot, as a share of its outdoor assaults.
HOTSPOT_COMPANIONS: tuple[tuple[str, float], ...] = (
    ("Olaga hot", 0.20), ("Ofredande", 0.15), ("Berusad person", 0.35), ("Ordningsstörning", 0.35),
)
DISCO_CATEGORIES: tuple[tuple[str, int], ...] = (
    ("Störande ungdomar", 260), ("Misshandel utomhus", 110), ("Ofredande", 70),
    ("Övrig skadegörelse", 80), ("Klotter", 80), ("Berusad person", 50),
)
BURGLARY_TYPES: tuple[tuple[str, float, np.ndarray, Window], ...] = (
    # (label, share, start matrix, window); shares sum to 1
    ("dagtid medan de boende är på arbetet", 0.55, WORKDAY_START, Window(1.0, 7, 10)),
    ("kväll", 0.15, EVENING_START, Window(1.0, 2, 6)),
    ("helgresa (fredag–söndag)", 0.05, FRIDAY_AFTERNOON, Window(1.0, 48, 50)),
    ("okänd tid (00:00–23:59)", 0.15, matrix(W_ALL, hours({(0, 0): 1})), Window(unknown=1.0)),
    ("exakt tid", 0.10, matrix(W_ALL, H_GENERAL), EXACT),
)
BURGLARY_K = (("Inbrott i bostad", 520), ("Inbrott i källare/vind", 330))


def components() -> list[Component]:
    """The full table of components (scale 1)."""
    c: list[Component] = []
    target = m.TARGET_AREA
    # --- centrum: krogar F, G, H, snabbmatstället I, busstorget (weekend nights)
    for place_id, sd, n in CENTRUM_HOTSPOTS:
        name = m.PLACE_BY_ID[place_id].name
        where = Cluster((_place(place_id),), sd)
        c.append(Component(f"{name}: misshandel helgnätter", "Misshandel utomhus", "polis", n, where,
                           WEEKEND_NIGHTS, intervention=True, window=Window(0.1, 0.25, 1)))
        for category, share in HOTSPOT_COMPANIONS:
            c.append(Component(f"{name}: {category.lower()} helgnätter", category, "polis", n * share, where,
                               WEEKEND_NIGHTS))
    c += [
        Component("Centrum: misshandel övriga tider", "Misshandel utomhus", "polis", 150, Area(target),
                  matrix(W_WEEKEND, H_EVENING), intervention=True),
        Component("Krogarna: misshandel inomhus", "Misshandel inomhus", "polis", 200,
                  Cluster(tuple(_place(p) for p in ("P03", "P04", "P05")), 15), WEEKEND_NIGHTS, indoor=1.0),
        Component("Centrumhuset: butiksstöld", "Butiksstöld", "polis", 700, Cluster((_place("P17"),), 25),
                  matrix([1, 1, 1, 1, 1.2, 1.4, 0.8], H_DAY), indoor=1.0),
        Component("Busstorget och stationen: cykelstöld", "Cykelstöld", "polis", 450,
                  Cluster((_place("P02"), _place("P09")), 30), MORNING_COMMUTE, season=0.5,
                  window=Window(0.8, 8, 10)),
        Component("Centrum: cykelstöld", "Cykelstöld", "polis", 150, Area(m.district_polygons()["A01"]),
                  matrix(W_ALL, H_GENERAL), season=0.5, window=Window(0.6, 2, 8)),
        Component("Stadsparken och busstorget: narkotika", "Narkotikabrott, innehav", "polis", 250,
                  Cluster((m.STADSPARKEN.centroid.coords[0], _place("P02")), 60), matrix(W_WEEKEND, H_EVENING)),
        Component("Kungsgatan: skadegörelse", "Övrig skadegörelse", "polis", 150,
                  Streets((m.street_lines()["S02"],)), matrix(W_WEEKEND, H_NIGHT), window=Window(0.6, 6, 10)),
        Component("Centrum: personrån", "Personrån", "polis", 40, Area(target), WEEKEND_NIGHTS),
        Component("Väktare: ordningsstörning i centrum och på stationen", "Ordningsstörning", "annan", 300,
                  Cluster((_place("P17"), _place("P09")), 40), matrix(W_WEEKEND, H_EVENING)),
    ]
    # --- fritidsgården J: Thursday disco 20–01
    j = Cluster((_place("P07"),), 40)
    for category, n in DISCO_CATEGORIES:
        c.append(Component(f"Fritidsgården J: {category.lower()} torsdagar", category, "polis", n, j,
                           THURSDAY_DISCO, season=0.0, open_days=_school_term))
    # --- bostadsområde K: burglaries with time windows, assault on streets L and M
    k_area = Area(m.district_polygons()["A02"].intersection(
        shapely.union(m.street_lines()["S03"], m.street_lines()["S04"]).buffer(350)))
    for category, n in BURGLARY_K:
        for label, share, start, window in BURGLARY_TYPES:
            c.append(Component(f"Bostadsområde K: {category.lower()}, {label}", category, "polis", n * share,
                               k_area, start, indoor=1.0, season=0.05, window=window))
    lm = Streets((m.street_lines()["S03"], m.street_lines()["S04"]), sd=10)
    c += [
        Component("Gatorna L och M: misshandel helgkvällar", "Misshandel utomhus", "polis", 180, lm,
                  weekend_evenings()),
        Component("Gatorna L och M: olaga hot", "Olaga hot", "polis", 60, lm, weekend_evenings()),
    ]
    # --- parkeringsplats N: vehicle crime at night, liquor sold from lorries
    n_area = Area(m.PARKING_N)
    c += [
        Component("Parkeringsplats N: stöld ur fordon nattetid", "Stöld ur motordrivet fordon", "polis", 380,
                  n_area, NIGHT_START, window=Window(0.85, 8, 11)),
        Component("Parkeringsplats N: skadegörelse på fordon nattetid", "Skadegörelse på motorfordon", "polis",
                  280, n_area, NIGHT_START, window=Window(0.8, 8, 11)),
        Component("Parkeringsplats N: fordonstillgrepp", "Tillgrepp av motordrivet fordon", "polis", 60, n_area,
                  NIGHT_START, window=Window(0.9, 8, 11)),
        Component("Parkeringsplats N: langning av sprit", "Brott mot alkohollagstiftningen", "polis", 70, n_area,
                  matrix([0, 0, 0, 0.5, 2, 2, 0], hours({(18, 23): 1}))),
    ]
    # --- kommundel B: Österby torg (comparison district, stays level), Sörby
    osterby = Cluster((_place("P20"), _place("P21")), 45)
    c += [
        Component("Österby torg: misshandel", "Misshandel utomhus", "polis", 240, osterby, weekend_evenings()),
        Component("Österby torg: ordningsstörning", "Ordningsstörning", "polis", 150, osterby, weekend_evenings()),
        Component("Österby torg: berusad person", "Berusad person", "polis", 100, osterby, weekend_evenings()),
        Component("Sörby: containerbränder", "Brand", "räddningstjänst", 150, Cluster((_place("P22"),), 90),
                  matrix(W_WEEKEND, H_NIGHT), season=0.2),
        Component("Sörby: buskörning sommarkvällar", "Buskörning", "polis", 200,
                  Streets((m.street_lines()["S13"],), sd=15), matrix(W_WEEKEND, H_EVENING), season=0.8),
    ]
    # --- kommunen (tekniska förvaltningen), räddningstjänsten, fastighetsägare
    schools = Cluster(tuple(_place(p) for p in ("P11", "P12", "P13", "P14", "P15", "P16")), 50)
    centrum_streets = Streets(tuple(m.street_lines()[s] for s in ("S01", "S02", "S05", "S06", "S10")), sd=12)
    found_next_morning = Window(0.5, 13, 15, unknown=0.5)
    kommun_night = matrix(W_ALL, hours({(16, 18): 1}))
    c += [
        Component("Kommunen: klotter på centrumgator", "Klotter", "kommun", 450, centrum_streets, kommun_night,
                  trend=0.10, window=found_next_morning),
        Component("Kommunen: klotter vid skolor", "Klotter", "kommun", 250, schools, kommun_night, trend=0.10,
                  window=found_next_morning),
        Component("Kommunen: klotter vid fritidsgården J", "Klotter", "kommun", 100, j, kommun_night,
                  trend=0.10, window=found_next_morning),
        Component("Kommunen: klotter övrigt", "Klotter", "kommun", 200, Population(), kommun_night, trend=0.10,
                  window=found_next_morning),
        Component("Kommunen: skadegörelse i centrum", "Skadegörelse stat/kommun/region", "kommun", 200,
                  centrum_streets, kommun_night, window=found_next_morning),
        Component("Kommunen: skadegörelse vid skolor", "Skadegörelse stat/kommun/region", "kommun", 150,
                  schools, kommun_night, window=found_next_morning),
        Component("Kommunen: skadegörelse övrigt", "Skadegörelse stat/kommun/region", "kommun", 150, Population(),
                  kommun_night, window=found_next_morning),
        Component("Kommunen: nedskräpning", "Nedskräpning", "kommun", 600,
                  Cluster((m.STADSPARKEN.centroid.coords[0], _place("P02"), _place("P01")), 70),
                  matrix(W_WORK, H_DAY), season=0.5, window=Window(unknown=0.4)),
        Component("Kommunen: felanmäld trasig belysning", "Trasig belysning", "kommun", 400, Population(),
                  matrix(W_WORK, H_DAY), season=-0.4, window=Window(unknown=0.3)),
        Component("Räddningstjänsten: bränder", "Brand", "räddningstjänst", 200, Population(),
                  matrix(W_WEEKEND, H_EVENING), season=0.3, indoor=0.3),
        Component("Fastighetsägare: skadegörelse i trapphus", "Övrig skadegörelse", "fastighetsägare", 600,
                  Population((("A02", 3), ("B03", 3), ("B01", 1.5))), matrix(W_ALL, H_GENERAL), indoor=1.0,
                  window=Window(0.5, 8, 14, unknown=0.3)),
        Component("Fastighetsägare: klotter", "Klotter", "fastighetsägare", 400,
                  Population((("A02", 3), ("B03", 3), ("B01", 1.5))), matrix(W_ALL, H_NIGHT), trend=0.10,
                  window=Window(0.5, 8, 14, unknown=0.3)),
        Component("Fastighetsägare: nedskräpning", "Nedskräpning", "fastighetsägare", 300,
                  Population((("A02", 3), ("B03", 3), ("B01", 1.5))), matrix(W_ALL, H_DAY),
                  window=Window(unknown=0.5)),
        Component("Fastighetsägare: inbrott i källare/vind", "Inbrott i källare/vind", "fastighetsägare", 200,
                  Population((("A02", 3), ("B03", 3), ("B01", 1.5))), NIGHT_START, indoor=1.0,
                  window=Window(0.6, 8, 14, unknown=0.4)),
    ]
    # --- steady police background, weighted by population
    villas = (("A04", 2.0), ("A05", 1.5), ("B05", 2.0), ("B04", 1.5))
    no_centrum = (("A01", 0.0),)
    background: list[tuple[str, float, np.ndarray, dict]] = [
        ("Misshandel utomhus", 450, matrix(W_WEEKEND, H_EVENING), {"factors": no_centrum}),
        ("Misshandel inomhus", 650, matrix(W_WEEKEND, H_EVENING), {"indoor": 1.0}),
        ("Övriga liv- och hälsabrott", 60, matrix(W_ALL, H_GENERAL), {"indoor": 0.5}),
        ("Olaga hot", 900, matrix(W_ALL, H_GENERAL), {"indoor": 0.5}),
        ("Ofredande", 800, matrix(W_ALL, H_GENERAL), {"indoor": 0.4, "trend": 0.06}),
        ("Hemfridsbrott, olaga intrång", 250, matrix(W_ALL, H_GENERAL), {"indoor": 0.8}),
        ("Kvinnofridsbrott", 60, matrix(W_WEEKEND, H_EVENING), {"indoor": 1.0}),
        ("Våldtäkt utomhus", 12, matrix(W_WEEKEND, H_NIGHT), {}),
        ("Våldtäkt inomhus", 60, matrix(W_WEEKEND, H_NIGHT), {"indoor": 1.0}),
        ("Sexuellt ofredande", 150, matrix(W_ALL, H_GENERAL), {"indoor": 0.4}),
        ("Övriga sexualbrott", 40, matrix(W_ALL, H_GENERAL), {"indoor": None}),
        ("Tillgrepp av motordrivet fordon", 250, NIGHT_START, {"window": Window(0.8, 8, 12)}),
        ("Cykelstöld", 900, matrix(W_ALL, H_GENERAL), {"season": 0.5, "window": Window(0.7, 2, 12)}),
        ("Inbrott i bostad", 500, WORKDAY_START + EVENING_START, {"indoor": 1.0, "factors": villas,
                                                                   "window": Window(0.85, 3, 10)}),
        ("Inbrott i källare/vind", 350, matrix(W_ALL, H_GENERAL), {"indoor": 1.0,
                                                                    "window": Window(0.6, 6, 14, unknown=0.3)}),
        ("Inbrott i kontor", 100, matrix([1, 1, 1, 1, 1.5, 2, 2], H_NIGHT),
         {"indoor": 1.0, "factors": (("A06", 150.0),), "window": Window(0.7, 8, 14)}),
        ("Stöld ur motordrivet fordon", 700, NIGHT_START, {"window": Window(0.8, 8, 11)}),
        ("Butiksstöld", 600, matrix(W_ALL, H_DAY), {"indoor": 1.0}),
        ("Personrån", 60, matrix(W_WEEKEND, H_NIGHT), {}),
        ("Övriga tillgreppsbrott", 1800, matrix(W_ALL, H_GENERAL), {"indoor": 0.5, "window": Window(0.4, 2, 10)}),
        ("Bedrägeri", 2200, matrix(W_WORK, H_DAY), {"indoor": None, "trend": 0.12, "season": 0.0}),
        ("Skadegörelse på motorfordon", 500, NIGHT_START, {"window": Window(0.7, 8, 11)}),
        ("Skadegörelse stat/kommun/region", 150, matrix(W_ALL, H_NIGHT), {"window": Window(0.5, 8, 12)}),
        ("Klotter", 300, matrix(W_ALL, H_NIGHT), {"trend": 0.10, "window": Window(0.6, 8, 12)}),
        ("Övrig skadegörelse", 1300, matrix(W_WEEKEND, H_NIGHT), {"indoor": 0.3, "window": Window(0.4, 6, 12)}),
        ("Brott mot alkohollagstiftningen", 80, matrix(W_WEEKEND, H_EVENING), {}),
        ("Narkotikabrott, innehav", 600, matrix(W_WEEKEND, H_EVENING), {"indoor": 0.2}),
        ("Narkotikabrott, överlåtelse", 80, matrix(W_WEEKEND, H_EVENING), {}),
        ("Ordningsstörning", 1100, matrix(W_WEEKEND, H_EVENING), {"indoor": 0.3}),
        ("Berusad person", 700, matrix(W_WEEKEND, H_NIGHT), {}),
        ("Störande ungdomar", 600, matrix(W_WEEKEND, H_EVENING), {"season": 0.4}),
        ("Buskörning", 250, matrix(W_WEEKEND, H_EVENING), {"season": 0.8}),
        ("Övrigt", 500, matrix(W_ALL, H_GENERAL), {"indoor": None}),
    ]
    for category, n, when, opts in background:
        factors = opts.pop("factors", ())
        c.append(Component(f"Bakgrund: {category.lower()}", category, "polis", n * BACKGROUND_FACTOR,
                           Population(factors), when, **opts))
    c.append(Component("Skolorna: inbrott i skola", "Inbrott i skola", "polis", 60, schools,
                       matrix([1, 1, 1, 1, 1.5, 2, 2], H_NIGHT), indoor=1.0, window=Window(0.8, 10, 60)))
    return c


BACKGROUND_FACTOR = 1.6  # scales the whole population-weighted police background


# --- sampling -----------------------------------------------------------------------


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder)."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    out = np.floor(exact).astype(np.int64)
    rest = total - int(out.sum())
    if rest > 0:
        order = np.lexsort((np.arange(len(exact)), -(exact - out)))
        out[order[:rest]] += 1
    return out


def _day_weights(comp: Component) -> np.ndarray:
    w = comp.when.sum(axis=1)[WEEKDAY]
    w = w * (1 + comp.season * np.cos(2 * np.pi * (DAY_OF_YEAR - 196) / 365.25))
    w = w * (1 + comp.trend * YEARS)
    if comp.intervention:
        w = np.where(DAYS >= INTERVENTION_DAY, w * INTERVENTION_KEEP, w)
    if comp.open_days is not None:
        w = np.where(comp.open_days(DAYS), w, 0.0)
    return np.clip(w, 0, None)


def _sample_times(rng: np.random.Generator, comp: Component, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end times (datetime64[s]; end NaT for exact times) of ``n`` events."""
    w = _day_weights(comp)
    per_month = _allocate(n, np.bincount(MONTH, weights=w, minlength=MONTH.max() + 1))
    month = np.repeat(np.arange(len(per_month)), per_month)
    cum = np.concatenate([[0.0], np.cumsum(w)])
    first = np.searchsorted(MONTH, np.arange(len(per_month)), side="left")
    last = np.searchsorted(MONTH, np.arange(len(per_month)), side="right")
    lo, hi = cum[first[month]], cum[last[month]]
    target = lo + rng.random(n) * (hi - lo)
    day = np.clip(np.searchsorted(cum, target, side="right") - 1, first[month], last[month] - 1)
    # Start hour given the weekday, from the component's weekday × hour matrix.
    rows = comp.when / np.where(comp.when.sum(axis=1, keepdims=True) > 0, comp.when.sum(axis=1, keepdims=True), 1)
    cdf = np.cumsum(rows, axis=1)
    wd = WEEKDAY[day]
    hour = np.minimum((rng.random(n)[:, None] > cdf[wd]).sum(axis=1), 23)
    minute = rng.integers(0, 60, n)
    start = DAYS[day].astype("datetime64[s]") + (hour * 3600 + minute * 60).astype("timedelta64[s]")
    end = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    u = rng.random(n)
    win = comp.window
    is_unknown = u < win.unknown
    is_window = (u >= win.unknown) & (u < win.unknown + win.share)
    length_min = np.round(rng.uniform(win.min_h, win.max_h, n) * 12) * 5  # whole 5-minute steps
    end[is_window] = start[is_window] + (length_min[is_window] * 60).astype("timedelta64[s]")
    # Unknown time: the register's 00:00–23:59 (a 24-hour window, never midnight).
    day_start = DAYS[day].astype("datetime64[s]")
    start[is_unknown] = day_start[is_unknown]
    end[is_unknown] = day_start[is_unknown] + np.timedelta64(23 * 3600 + 59 * 60, "s")
    return _skip_dst_gap(start), _skip_dst_gap(end)


def _skip_dst_gap(times: np.ndarray) -> np.ndarray:
    """Move wall-clock times in the spring-forward gap (02:00–03:00) one hour later."""
    out = times.copy()
    for day in DST_GAPS:
        gap_start = day.astype("datetime64[s]") + np.timedelta64(2 * 3600, "s")
        in_gap = (out >= gap_start) & (out < gap_start + np.timedelta64(3600, "s"))
        out[in_gap] = out[in_gap] + np.timedelta64(3600, "s")
    return out


def _population_parts(where: Population) -> list[tuple[Polygon, float]]:
    polygons = m.district_polygons()
    factors = dict(where.factors)
    return [(polygons[d.area_id], d.population * factors.get(d.area_id, 1.0)) for d in m.DISTRICTS]


def _sample_component(rng: np.random.Generator, comp: Component, n: int) -> dict[str, np.ndarray]:
    """Events of one component (spatial parts sampled and timed separately)."""
    if isinstance(comp.where, Population):
        parts = _population_parts(comp.where)
        counts = _allocate(n, np.array([w for _, w in parts]))
        xs, ys, starts, ends = [], [], [], []
        for (poly, _), k in zip(parts, counts, strict=True):
            if k == 0:
                continue
            x, y = _in_polygon(rng, poly, int(k), exclude=m.WATER)
            s, e = _sample_times(rng, comp, int(k))
            xs.append(x), ys.append(y), starts.append(s), ends.append(e)
        x, y = np.concatenate(xs), np.concatenate(ys)
        start, end = np.concatenate(starts), np.concatenate(ends)
    else:
        x, y = comp.where.sample(rng, n)
        start, end = _sample_times(rng, comp, n)
    if comp.indoor is None:
        place = np.full(n, PLACE_CODES[""], dtype=np.int8)
    else:
        place = np.where(rng.random(n) < comp.indoor, PLACE_CODES["inomhus"], PLACE_CODES["utomhus"])
    return {"x": x, "y": y, "occurred_from": start, "occurred_to": end, "place_type": place.astype(np.int8),
            "category": np.full(n, CATEGORY_CODES[comp.category], dtype=np.int16),
            "source": np.full(n, SOURCE_CODES[comp.source], dtype=np.int8)}


# Trygghetsvandringar: (date, place or district seed, district name) – findings noted on the walk.
WALKS: tuple[tuple[str, str], ...] = (
    ("2023-04-11", "A01"), ("2023-04-12", "A02"), ("2023-10-10", "B03"), ("2023-10-11", "B01"),
    ("2024-04-09", "A01"), ("2024-04-10", "A03"), ("2024-10-08", "A02"), ("2024-10-09", "B02"),
    ("2025-04-08", "A01"), ("2025-04-09", "B03"), ("2025-10-14", "A02"), ("2025-10-15", "B01"),
)
WALK_FINDINGS: tuple[tuple[str, float], ...] = (
    ("Trasig belysning", 0.35), ("Otrygg plats", 0.35), ("Nedskräpning", 0.15), ("Klotter", 0.15),
)
FINDINGS_PER_WALK = 15


def _walks(rng: np.random.Generator, scale: float) -> dict[str, np.ndarray]:
    polygons = m.district_polygons()
    per_walk = max(1, round(FINDINGS_PER_WALK * scale))
    cats = [c for c, _ in WALK_FINDINGS]
    counts = _allocate(per_walk, np.array([s for _, s in WALK_FINDINGS]))
    out: dict[str, list] = {k: [] for k in ("x", "y", "occurred_from", "category")}
    codes = np.array([CATEGORY_CODES[c] for c in cats], dtype=np.int16)
    for date, area_id in WALKS:
        x, y = _in_polygon(rng, polygons[area_id].buffer(-50), per_walk, exclude=m.WATER)
        minutes = np.sort(rng.integers(0, 150, per_walk))  # the walk 18:00–20:30
        start = np.datetime64(date).astype("datetime64[s]") + (18 * 3600 + minutes * 60).astype("timedelta64[s]")
        out["x"].append(x), out["y"].append(y), out["occurred_from"].append(start)
        out["category"].append(np.repeat(codes, counts))
    n = per_walk * len(WALKS)
    return {
        "x": np.concatenate(out["x"]), "y": np.concatenate(out["y"]),
        "occurred_from": np.concatenate(out["occurred_from"]),
        "occurred_to": np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
        "place_type": np.full(n, PLACE_CODES["utomhus"], dtype=np.int8),
        "category": np.concatenate(out["category"]),
        "source": np.full(n, SOURCE_CODES["trygghetsvandring"], dtype=np.int8),
    }


def generate_incidents(seed: int = 2026, scale: float = 1.0) -> pd.DataFrame:
    """Generate the canonical incidents frame of Exempelstad (fiktiv ort).

    Parameters
    ----------
    seed
        Seed of the random generator; the same seed and scale give the same rows.
    scale
        Multiplies every count (``scale=25`` gives about a million incidents).

    Returns
    -------
    pandas.DataFrame
        Canonical incident columns (see ``geo.model.INCIDENT_COLUMNS``), sorted by
        time, with ``attrs["crs"] == "EPSG:3006"``.

    Examples
    --------
    >>> frame = generate_incidents(seed=1, scale=0.05)
    >>> list(frame.columns)[:3], frame.attrs["crs"]
    (['id', 'category', 'occurred_from'], 'EPSG:3006')
    """
    if not scale > 0:
        raise ValueError("Skalan måste vara större än 0.")
    rng = np.random.default_rng([int(seed), 1])
    parts = []
    for comp in components():
        n = int(round(comp.n * scale))
        if n > 0:
            parts.append(_sample_component(rng, comp, n))
    parts.append(_walks(rng, scale))
    data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    # Round positions to the decimetre, as exported coordinates are.
    data["x"] = np.round(data["x"], 1)
    data["y"] = np.round(data["y"], 1)
    to = data["occurred_to"]
    fr = data["occurred_from"]
    data["occurred_to"] = np.where(~np.isnat(to) & (to < fr), fr, to)
    order = np.lexsort((data["y"], data["x"], data["category"], fr))
    data = {k: v[order] for k, v in data.items()}
    frame = pd.DataFrame({
        "id": _ids(data["source"], data["occurred_from"]),
        "category": _categorical(data["category"], CATEGORY_NAMES),
        "occurred_from": data["occurred_from"].astype("datetime64[ns]"),
        "occurred_to": data["occurred_to"].astype("datetime64[ns]"),
        "x": data["x"],
        "y": data["y"],
        "source": _categorical(data["source"], SOURCES),
        "place_type": _categorical(data["place_type"], PLACE_NAMES),
    })
    # The same dtypes as geo.dataset.incident_frame gives (tests check it), built from
    # integer codes because inferring them from a million Python strings takes seconds.
    frame.attrs["crs"] = WORK_CRS
    return frame


def _categorical(codes: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    """Categorical with the present names as sorted categories, like ``pd.Categorical(values)``."""
    present = np.unique(codes)
    labels = sorted(names[c] for c in present)
    remap = np.full(len(names), -1, dtype=np.int64)
    remap[present] = [labels.index(names[c]) for c in present]
    return pd.Categorical.from_codes(remap[codes], categories=pd.Index(labels, dtype="str"))


def _ids(source: np.ndarray, start: np.ndarray) -> pd.arrays.ArrowStringArray:
    """Ids like ``POL-2024-000123``: prefix of the source, year, running number per source and year."""
    year = start.astype("datetime64[Y]").astype(np.int64) - 53  # 0 = 1970 + 53 = 2023
    key = source.astype(np.int64) * 3 + year
    seq = np.empty(len(key), dtype=np.int64)
    for k in np.unique(key):
        at = np.flatnonzero(key == k)
        seq[at] = np.arange(1, len(at) + 1)
    keys = [f"{ID_PREFIX[SOURCES[k // 3]]}-{2023 + k % 3}" for k in range(len(SOURCES) * 3)]
    prefix = pa.array(keys).take(pa.array(key))
    number = pc.utf8_lpad(pc.cast(pa.array(seq), pa.string()), 6, "0")
    return pd.arrays.ArrowStringArray(pc.binary_join_element_wise(prefix, number, "-"))
