"""How robust a pinned place's hot-spot status is: across cell sizes, periods and time steps.

A Gi* hot spot depends on choices the room did not make: the cell size, the period, and for
emerging hot spots the time step (reviewers know the Emerging Hot Spot classes flip with it). For
one pinned place (:class:`store.model.Hotspot` or :class:`analysis.problem_numbers.Place`), this
module asks the same question under each choice and says whether the answer holds.

The rules
---------
- **Incidents**: the place's categories and time window (weekdays × hours), as
  :func:`analysis.problem_numbers.place_incidents` counts them, in the whole study area — the
  hot-spot test needs the surroundings, not only the place.
- **Hot share**: the share of the place's area (:func:`analysis.problem_numbers.place_geometry`:
  the polygon, or a point or line widened by 50 m) that lies in cells with ``p_fdr < level`` and
  ``z > 0`` in :func:`analysis.hotspots.hotspots` (Benjamini–Hochberg over all cells, the same
  test as Karta). The place is **hot** in a setting when its hot share is at least
  :data:`HOT_SHARE` (half of its area).
- **Cell sizes**: 50, 100 and 200 m on the whole period.
- **Periods**: the period cut into ``n_periods`` equal parts — whole calendar months when the
  period is whole months that divide evenly (12 months in 4 parts = 4 quarters), else equal
  numbers of days — each tested at the reference size (100 m) on the same grid.
- **Time steps**: when :mod:`analysis.emerging` is available, the emerging-hot-spot class that
  covers most of the place's area at each time step (week, month, quarter).
- **Verdict**: ``score = min(sizes hot / sizes, periods hot / periods)``: *stabilt* from 0.75,
  *delvis stabilt* from 0.5, else *instabilt*; *ingen* when the place is hot in no setting.
- **Share of overlap**: the part of the place that is hot in *every* size and period, as a share
  of the part that is hot in *at least one* (a Jaccard index over the settings); ``nan`` when no
  part is hot anywhere.
"""

from __future__ import annotations

import calendar
import importlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from analysis.filters import filter_incidents
from analysis.hotspots import Neighbours, hotspots
from analysis.problem_numbers import PlaceLike, in_time_window, place_geometry, place_incidents
from core import formatting

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from core.disclosure import View

__all__ = [
    "CELL_SIZES",
    "HOT_SHARE",
    "STEPS",
    "Robustness",
    "equal_periods",
    "hot_share",
    "place_robustness",
    "robustness_text",
    "steps_text",
]

CELL_SIZES: tuple[float, ...] = (50.0, 100.0, 200.0)
HOT_SHARE = 0.5  # a place is "hot" in a setting when at least half of its area lies in hot cells
STEPS: tuple[str, ...] = ("week", "month", "quarter")
STABLE, PARTLY = 0.75, 0.5

NUMBER_WORDS = {
    "sv": {1: "en", 2: "två", 3: "tre", 4: "fyra", 5: "fem", 6: "sex"},
    "en": {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"},
}
# What a part of the period is called, by its length in months (singular, plural).
PART_WORDS = {
    "sv": {1: ("månad", "månader"), 3: ("kvartal", "kvartal"), 6: ("halvår", "halvår"), 12: ("år", "år"),
           0: ("delperiod", "delperioder")},
    "en": {1: ("month", "months"), 3: ("quarter", "quarters"), 6: ("half-year", "half-years"),
           12: ("year", "years"), 0: ("part of the period", "parts of the period")},
}
STEP_WORDS = {
    "sv": {"week": "vecka", "month": "månad", "quarter": "kvartal"},
    "en": {"week": "week", "month": "month", "quarter": "quarter"},
}
WORDS = {
    "sv": {
        "all_sizes": "vid alla {n} rutstorlekar",
        "some_sizes": "vid {k} av {n} rutstorlekar ({sizes} m)",
        "no_size": "vid ingen av rutstorlekarna ({sizes} m)",
        "periods": "i {k} av {n} {part}",
        "all_periods": "i alla {n} {part}",
        "hot": "Platsen är het {sizes} och {periods} – {verdict}.",
        "none": "Platsen är inte het vid någon av rutstorlekarna ({sizes} m) och inte i något av de {n} {part} – "
                "det finns inget mönster av hot spot att bedöma.",
        "stabil": "ett stabilt mönster",
        "delvis": "ett delvis stabilt mönster; läs det med viss försiktighet",
        "instabil": "ett instabilt mönster; läs det med försiktighet",
        "overlap": "Den del av platsen som är het vid alla rutstorlekar och i alla {part} är {share} av den del som "
                   "är het vid någon av dem.",
        "overlap_none": "Ingen del av platsen är het vid någon rutstorlek eller i någon delperiod.",
        "same_class": "Mönstret är detsamma vid alla tidssteg: {label} per {steps}.",
        "changes": "Mönstret byter klass med tidssteget ({parts}) – läs klassen med försiktighet.",
        "part": "{label} per {step}",
        "and": "och",
    },
    "en": {
        "all_sizes": "at all {n} cell sizes",
        "some_sizes": "at {k} of {n} cell sizes ({sizes} m)",
        "no_size": "at none of the cell sizes ({sizes} m)",
        "periods": "in {k} of {n} {part}",
        "all_periods": "in all {n} {part}",
        "hot": "The place is hot {sizes} and {periods} – {verdict}.",
        "none": "The place is not hot at any of the cell sizes ({sizes} m) nor in any of the {n} {part} – there is "
                "no hot-spot pattern to assess.",
        "stabil": "a stable pattern",
        "delvis": "a partly stable pattern; read it with some caution",
        "instabil": "an unstable pattern; read it with caution",
        "overlap": "The part of the place that is hot at every cell size and in every one of the {part} is {share} "
                   "of the part that is hot at any of them.",
        "overlap_none": "No part of the place is hot at any cell size or in any part of the period.",
        "same_class": "The pattern is the same at every time step: {label} by {steps}.",
        "changes": "The pattern changes class with the time step ({parts}) – read the class with caution.",
        "part": "{label} by {step}",
        "and": "and",
    },
}


def _lang(lang: str) -> str:
    formatting.locale(lang)  # a ValueError naming the languages for anything else
    return "en" if lang == "en" else "sv"


def _size_text(size: float, lang: str) -> str:
    return formatting.number(size, 0 if float(size).is_integer() else 1, lang=lang)


def _as_date(value: date | str) -> date:
    return pd.Timestamp(value).date()


def equal_periods(start: date | str, end: date | str, n: int) -> list[tuple[date, date]]:
    """``start``–``end`` (inclusive) cut into ``n`` equal parts, in whole months when they divide evenly.

    Examples
    --------
    >>> [(a.isoformat(), b.isoformat()) for a, b in equal_periods("2025-01-01", "2025-12-31", 4)][:2]
    [('2025-01-01', '2025-03-31'), ('2025-04-01', '2025-06-30')]
    >>> [(a.day, b.day) for a, b in equal_periods("2025-01-01", "2025-01-10", 2)]
    [(1, 5), (6, 10)]
    """
    first, last = _as_date(start), _as_date(end)
    if n < 1:
        raise ValueError("Antalet delperioder måste vara minst 1.")
    if last < first:
        raise ValueError("Periodens slut ligger före dess början.")
    whole_months = first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if whole_months and months % n == 0:
        step = months // n
        parts = []
        for i in range(n):
            index = first.month - 1 + i * step
            a = date(first.year + index // 12, index % 12 + 1, 1)
            end_index = index + step - 1
            year, month = first.year + end_index // 12, end_index % 12 + 1
            parts.append((a, date(year, month, calendar.monthrange(year, month)[1])))
        return parts
    days = (last - first).days + 1
    if days < n:
        raise ValueError(f"Perioden har bara {days} dagar och kan inte delas i {n} delar.")
    bounds = [first + timedelta(days=days * i // n) for i in range(n + 1)]
    return [(bounds[i], bounds[i + 1] - timedelta(days=1)) for i in range(n)]


def _part_months(parts: Sequence[tuple[date, date]]) -> int:
    """The length of the parts in months (1, 3, 6, 12), or 0 when they are not whole months of one length."""
    lengths = set()
    for a, b in parts:
        if a.day != 1 or b.day != calendar.monthrange(b.year, b.month)[1]:
            return 0
        lengths.add((b.year - a.year) * 12 + b.month - a.month + 1)
    length = lengths.pop() if len(lengths) == 1 else 0
    return length if length in (1, 3, 6, 12) else 0


def _hot_area(cells: gpd.GeoDataFrame, level: float, geometry: BaseGeometry) -> BaseGeometry:
    """The part of ``geometry`` in hot cells (``p_fdr < level`` and ``z > 0``)."""
    hot = cells[(cells["p_fdr"] < level) & (cells["gi_z"] > 0)]
    if hot.empty:
        return shapely.Polygon()
    squares = np.asarray(hot.geometry.values)
    near = shapely.intersects(squares, geometry)
    if not near.any():
        return shapely.Polygon()
    return shapely.intersection(shapely.coverage_union_all(squares[near]), geometry)


def hot_share(cells: gpd.GeoDataFrame, geometry: BaseGeometry, *, level: float = 0.05) -> float:
    """Share of ``geometry``'s area in the hot cells of a :func:`analysis.hotspots.hotspots` frame.

    Examples
    --------
    >>> import geopandas as gpd
    >>> cells = gpd.GeoDataFrame({"p_fdr": [0.01, 0.5], "gi_z": [3.0, 0.1]},
    ...                          geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)])
    >>> hot_share(cells, shapely.box(50, 0, 150, 100))  # half of the place lies in the hot cell
    0.5
    """
    if geometry.area <= 0:
        return math.nan
    return float(_hot_area(cells, level, geometry).area / geometry.area)


@dataclass(frozen=True)
class Robustness:
    """A place's hot-spot status across cell sizes, periods and time steps (:func:`place_robustness`).

    Attributes
    ----------
    sizes
        One row per cell size: ``cell``, ``hot_share``, ``hot``.
    periods
        One row per part of the period: ``start``, ``end``, ``incidents`` (at the place, as
        :func:`analysis.problem_numbers.place_incidents` counts them), ``hot_share``, ``hot``.
    steps
        One row per time step (``step``, ``pattern``, ``label``, ``share`` of the place's area in
        that class), or empty when :mod:`analysis.emerging` is not available.
    overlap
        The share of overlap (see the module notes), ``nan`` when nothing is hot.
    incidents
        Incidents at the place in the whole period.
    """

    sizes: pd.DataFrame
    periods: pd.DataFrame
    steps: pd.DataFrame
    overlap: float
    incidents: int
    period: tuple[date, date]
    reference: float = 100.0
    level: float = 0.05
    part_months: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def sizes_hot(self) -> int:
        """Cell sizes at which the place is hot."""
        return int(self.sizes["hot"].sum())

    @property
    def periods_hot(self) -> int:
        """Parts of the period in which the place is hot."""
        return int(self.periods["hot"].sum())

    @property
    def score(self) -> float:
        """``min(sizes hot / sizes, periods hot / periods)``."""
        return min(self.sizes_hot / len(self.sizes), self.periods_hot / len(self.periods))

    @property
    def verdict(self) -> str:
        """``stabil``, ``delvis``, ``instabil`` or ``ingen`` (hot in no setting)."""
        if self.sizes_hot == 0 and self.periods_hot == 0:
            return "ingen"
        return "stabil" if self.score >= STABLE else ("delvis" if self.score >= PARTLY else "instabil")

    def sentence(self, lang: str = "sv") -> str:
        """The plain sentence on sizes and periods (:func:`robustness_text`)."""
        return robustness_text(self, lang=lang)

    def steps_sentence(self, lang: str = "sv") -> str:
        """The sentence on time steps, ``""`` when there are none (:func:`steps_text`)."""
        return steps_text(self.steps, lang=lang)

    def overlap_sentence(self, lang: str = "sv") -> str:
        """The share of overlap in words."""
        lang = _lang(lang)
        words = WORDS[lang]
        if not np.isfinite(self.overlap):
            return words["overlap_none"]
        part = PART_WORDS[lang][self.part_months][1]
        return words["overlap"].format(part=part, share=formatting.percent(self.overlap, lang=lang))

    def frame(self, *, lang: str = "sv", view: View | None = None) -> pd.DataFrame:
        """The robustness table, one row per setting, for the report and the CSV export.

        Columns ``aspect`` (``rutstorlek``/``period``/``tidssteg``), ``setting`` (in ``lang``),
        ``incidents`` (``..`` when ``view`` hides it), ``hot_share`` (a fraction), ``hot``
        (True/False) and ``pattern``/``label`` for time steps.
        """
        lang = _lang(lang)
        rows: list[dict[str, Any]] = []

        def shown(value: int) -> Any:
            return view.masked(value) if view is not None else value

        for row in self.sizes.itertuples():
            rows.append({"aspect": "rutstorlek", "setting": f"{_size_text(row.cell, lang)} m",
                         "incidents": shown(self.incidents), "hot_share": float(row.hot_share),
                         "hot": bool(row.hot), "pattern": "", "label": ""})
        for row in self.periods.itertuples():
            rows.append({"aspect": "period", "setting": formatting.date_span(row.start, row.end, lang=lang),
                         "incidents": shown(int(row.incidents)), "hot_share": float(row.hot_share),
                         "hot": bool(row.hot), "pattern": "", "label": ""})
        for row in self.steps.itertuples():
            rows.append({"aspect": "tidssteg", "setting": STEP_WORDS[lang].get(row.step, row.step),
                         "incidents": shown(self.incidents), "hot_share": float(row.share),
                         "hot": str(row.pattern).endswith("_hot"), "pattern": row.pattern,
                         "label": row.label_en if lang == "en" else row.label})
        return pd.DataFrame(rows, columns=["aspect", "setting", "incidents", "hot_share", "hot", "pattern", "label"])

    def to_dict(self, *, lang: str = "sv", view: View | None = None) -> dict[str, Any]:
        """JSON-ready: the table, the overlap, the verdict and the sentences (in ``lang`` and English)."""
        table = self.frame(lang=lang, view=view)
        return {
            "verdict": self.verdict,
            "overlap": None if not np.isfinite(self.overlap) else float(self.overlap),
            "incidents": view.masked(self.incidents) if view is not None else self.incidents,
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "reference_cell": self.reference, "level": self.level, "hot_share_rule": HOT_SHARE,
            "sizes_hot": self.sizes_hot, "sizes": len(self.sizes),
            "periods_hot": self.periods_hot, "periods": len(self.periods),
            "sentence": self.sentence(lang), "sentence_en": self.sentence("en"),
            "steps_sentence": self.steps_sentence(lang), "overlap_sentence": self.overlap_sentence(lang),
            "table": table.to_dict("records"),
            "notes": list(self.notes),
        }


def robustness_text(result: Robustness, *, lang: str = "sv") -> str:
    """The sentence on a place's robustness across cell sizes and periods.

    Examples
    --------
    >>> sizes = pd.DataFrame({"cell": [50.0, 100.0, 200.0], "hot_share": [1.0, 1.0, 1.0], "hot": [True] * 3})
    >>> periods = pd.DataFrame({"start": [date(2025, m, 1) for m in (1, 4, 7, 10)],
    ...                         "end": [date(2025, m, 28) for m in (3, 6, 9, 12)], "incidents": [9, 8, 9, 1],
    ...                         "hot_share": [1.0, 1.0, 1.0, 0.0], "hot": [True, True, True, False]})
    >>> result = Robustness(sizes, periods, pd.DataFrame(), 0.0, 27, (date(2025, 1, 1), date(2025, 12, 31)),
    ...                     part_months=3)
    >>> robustness_text(result)
    'Platsen är het vid alla tre rutstorlekar och i 3 av 4 kvartal – ett stabilt mönster.'
    """
    lang = _lang(lang)
    words = WORDS[lang]
    n_sizes, n_parts = len(result.sizes), len(result.periods)
    hot_sizes = [float(c) for c, hot in zip(result.sizes["cell"], result.sizes["hot"], strict=True) if hot]
    every = formatting.listing([_size_text(c, lang) for c in result.sizes["cell"]], lang=lang)
    singular, plural = PART_WORDS[lang][result.part_months]
    if result.verdict == "ingen":
        return words["none"].format(sizes=every, n=NUMBER_WORDS[lang].get(n_parts, str(n_parts)), part=plural)
    if len(hot_sizes) == n_sizes:
        sizes = words["all_sizes"].format(n=NUMBER_WORDS[lang].get(n_sizes, str(n_sizes)))
    elif hot_sizes:
        sizes = words["some_sizes"].format(k=len(hot_sizes), n=n_sizes,
                                           sizes=formatting.listing([_size_text(c, lang) for c in hot_sizes],
                                                                    lang=lang))
    else:
        sizes = words["no_size"].format(sizes=every)
    if result.periods_hot == n_parts > 1:
        periods = words["all_periods"].format(n=NUMBER_WORDS[lang].get(n_parts, str(n_parts)), part=plural)
    else:
        periods = words["periods"].format(k=result.periods_hot, n=n_parts, part=singular if n_parts == 1 else plural)
    return words["hot"].format(sizes=sizes, periods=periods, verdict=words[result.verdict])


def steps_text(steps: pd.DataFrame, *, lang: str = "sv") -> str:
    """The sentence on the emerging-hot-spot class at each time step; ``""`` without steps.

    Examples
    --------
    >>> steps = pd.DataFrame({"step": ["week", "month"], "pattern": ["new_hot", "sporadic_hot"],
    ...                       "label": ["ny het punkt", "sporadisk het punkt"], "share": [0.8, 0.6]})
    >>> steps_text(steps)
    'Mönstret byter klass med tidssteget (ny het punkt per vecka, sporadisk het punkt per månad) – läs klassen med försiktighet.'
    """
    lang = _lang(lang)
    if steps is None or steps.empty:
        return ""
    words = WORDS[lang]
    names = [STEP_WORDS[lang].get(s, s) for s in steps["step"]]
    # The labels are legend entries ("Ny het punkt"); inside a sentence they start in lower case.
    column = "label_en" if lang == "en" and "label_en" in steps else "label"
    labels = [str(label)[:1].lower() + str(label)[1:] for label in steps[column]]
    if steps["pattern"].nunique() == 1:
        return words["same_class"].format(label=labels[0], steps=formatting.listing(names, lang=lang))
    grouped: dict[str, list[str]] = {}
    for label, name in zip(labels, names, strict=True):
        grouped.setdefault(label, []).append(name)
    parts = [words["part"].format(label=label, step=formatting.listing(group, lang=lang))
             for label, group in grouped.items()]
    return words["changes"].format(parts=", ".join(parts))


def _emerging_steps(
    study: pd.DataFrame, geometry: BaseGeometry, steps: Sequence[str], *, cell: float, extent: Any,
    period: tuple[date, date],
) -> tuple[pd.DataFrame, list[str]]:
    """The emerging-hot-spot class covering most of the place at each step, when analysis.emerging exists."""
    columns = ["step", "pattern", "label", "label_en", "share"]
    try:
        emerging = importlib.import_module("analysis.emerging")
    except ImportError:
        return pd.DataFrame(columns=columns), []
    rows, notes = [], []
    for step in steps:
        try:
            result = emerging.emerging_hotspots(study, cell=cell, step=step, extent=extent, start=period[0],
                                                end=period[1])
        except ValueError as error:  # e.g. too few steps for a trend at this step: say so, go on
            notes.append(str(error))
            continue
        cells = result.cells
        squares = np.asarray(cells.geometry.values)
        near = shapely.intersects(squares, geometry) if len(squares) else np.zeros(0, dtype=bool)
        area = shapely.area(shapely.intersection(squares[near], geometry)) if near.any() else np.zeros(0)
        by_pattern = pd.Series(area, index=cells.loc[near, "pattern"].astype(str).to_numpy()).groupby(level=0).sum()
        # Cells with no incident are not analysed: that part of the place has no pattern.
        rest = max(geometry.area - float(by_pattern.sum()), 0.0)
        by_pattern["none"] = by_pattern.get("none", 0.0) + rest
        pattern = str(by_pattern.idxmax())
        sv, en = emerging.PATTERN_LABELS.get(pattern, (pattern, pattern))[:2]
        rows.append({"step": step, "pattern": pattern, "label": sv, "label_en": en,
                     "share": float(by_pattern.max() / geometry.area)})
    return pd.DataFrame(rows, columns=columns), notes


def place_robustness(
    incidents: pd.DataFrame,
    place: PlaceLike,
    start: date | str,
    end: date | str,
    *,
    cells: Sequence[float] = CELL_SIZES,
    reference: float = 100.0,
    n_periods: int = 4,
    level: float = 0.05,
    neighbours: Neighbours = "queen",
    extent: gpd.GeoDataFrame | BaseGeometry | Sequence[float] | None = None,
    steps: Sequence[str] = (),
) -> Robustness:
    """How stable a place's hot-spot status is across cell sizes, periods and time steps.

    Parameters
    ----------
    incidents
        Canonical incidents in the place's CRS (the whole dataset; the place's categories and
        time window are chosen here).
    place
        A :class:`store.model.Hotspot` or :class:`analysis.problem_numbers.Place`.
    start, end
        The period (inclusive dates).
    cells
        Cell sizes in metres (default 50, 100, 200).
    reference
        The cell size the periods are tested at.
    n_periods
        Parts of the period (4: quarters of a year).
    level
        FDR level for a hot cell (``p_fdr < level`` and ``z > 0``), as Karta's 95 %.
    neighbours, extent
        As :func:`analysis.hotspots.hotspots` (pass Karta's study area, the districts). Without an
        extent, the bounding box of the place's categories in the whole period, so every period
        is tested on the same grid.
    steps
        Time steps for the emerging class (``"week"``, ``"month"``, ``"quarter"``); used only when
        :mod:`analysis.emerging` is available.

    Returns
    -------
    Robustness

    Examples
    --------
    >>> from analysis.problem_numbers import Place
    >>> rng = np.random.default_rng(3)
    >>> n = 600
    >>> frame = pd.DataFrame({"x": np.r_[rng.uniform(0, 2000, n), rng.uniform(1000, 1100, 120)],
    ...                       "y": np.r_[rng.uniform(0, 2000, n), rng.uniform(1000, 1100, 120)],
    ...                       "category": "Klotter",
    ...                       "occurred_from": pd.Timestamp("2025-01-01") + pd.to_timedelta(
    ...                           rng.integers(0, 365, n + 120), unit="D")})
    >>> frame.attrs["crs"] = "EPSG:3006"
    >>> result = place_robustness(frame, Place("POLYGON ((1000 1000, 1100 1000, 1100 1100, 1000 1100, 1000 1000))"),
    ...                           "2025-01-01", "2025-12-31")
    >>> result.verdict, result.sizes_hot, result.periods_hot
    ('stabil', 3, 4)
    """
    first, last = _as_date(start), _as_date(end)
    geometry = place_geometry(place.geometry_wkt, title=getattr(place, "title", ""))
    chosen = list(place.categories or []) or None
    study = in_time_window(filter_incidents(incidents, categories=chosen, start=first, end=last),
                            place.weekdays, place.hours)
    if extent is None:
        if len(study):
            # One box for every period, so a quarter is tested on the same cells as the year.
            xmin, ymin = float(study["x"].min()), float(study["y"].min())
            xmax, ymax = float(study["x"].max()), float(study["y"].max())
            gx0, gy0, gx1, gy1 = geometry.bounds
            extent = (min(xmin, gx0), min(ymin, gy0), max(xmax, gx1) + 1e-6, max(ymax, gy1) + 1e-6)
        else:
            extent = tuple(float(v) for v in geometry.bounds)
    total = len(place_incidents(incidents, place, start=first, end=last))

    hot_areas: list[BaseGeometry] = []
    size_rows = []
    for size in sorted({float(c) for c in cells}):
        share, area = _setting(study, geometry, size, level, neighbours, extent)
        hot_areas.append(area)
        size_rows.append({"cell": size, "hot_share": share, "hot": bool(share >= HOT_SHARE)})
    parts = equal_periods(first, last, n_periods)
    period_rows = []
    for a, b in parts:
        in_part = filter_incidents(study, start=a, end=b)
        share, area = _setting(in_part, geometry, float(reference), level, neighbours, extent)
        hot_areas.append(area)
        period_rows.append({"start": a, "end": b, "incidents": len(place_incidents(incidents, place, start=a, end=b)),
                            "hot_share": share, "hot": bool(share >= HOT_SHARE)})
    every, anywhere = _overlap_parts(hot_areas)
    overlap = float(every.area / anywhere.area) if anywhere.area > 0 else math.nan
    step_frame, notes = (_emerging_steps(study, geometry, steps, cell=float(reference), extent=extent,
                                         period=(first, last))
                         if steps else (pd.DataFrame(columns=["step", "pattern", "label", "label_en", "share"]), []))
    return Robustness(pd.DataFrame(size_rows), pd.DataFrame(period_rows), step_frame, overlap, total, (first, last),
                      float(reference), float(level), _part_months(parts), notes)


# Cell edges of 50, 100 and 200 m grids clipped by a round place lie within rounding of each other; GEOS's
# floating overlay can then fail ("Unable to determine overlay result"). Snap rounding on a 1 cm grid is
# robust, and 1 cm changes no share a person reads.
OVERLAY_GRID_M = 0.01


def _overlap_parts(areas: list[BaseGeometry]) -> tuple[BaseGeometry, BaseGeometry]:
    """The part hot in every setting and the part hot in any, overlaid on a fixed 1 cm grid."""
    if not areas:
        return shapely.Polygon(), shapely.Polygon()
    areas = [_polygonal(area) for area in areas]
    every = areas[0]
    for area in areas[1:]:
        every = _polygonal(shapely.intersection(every, area, grid_size=OVERLAY_GRID_M))
    return every, shapely.union_all(areas, grid_size=OVERLAY_GRID_M)


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Only the areas of a geometry: an overlay may add the lines and points where two areas touch."""
    parts = [part for part in shapely.get_parts(geometry)
             if shapely.get_type_id(part) in (3, 6)]  # Polygon, MultiPolygon
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(
        [poly for part in parts for poly in shapely.get_parts(part)])


def _setting(
    study: pd.DataFrame, geometry: BaseGeometry, cell: float, level: float, neighbours: Neighbours, extent: Any,
) -> tuple[float, BaseGeometry]:
    """Hot share and hot part of the place for one cell size on one set of incidents."""
    if not len(study):
        return 0.0, shapely.Polygon()
    try:
        frame = hotspots(study, cell=cell, alpha=level, neighbours=neighbours, extent=extent)
    except ValueError:  # no incident with a position that is a place: nothing can be hot
        return 0.0, shapely.Polygon()
    area = _hot_area(frame, level, geometry)
    return float(area.area / geometry.area) if geometry.area > 0 else math.nan, area

