"""Incidents at a pinned place: the one implementation every page, report, goal and follow-up calls.

A pinned place (:class:`store.model.Hotspot`, or a :class:`Place` before it is saved) is a geometry,
the categories it is about and the weekdays × hours when its problem happens. "How many incidents
at this place" is answered here and nowhere else, so the Problembild page's *Nu*, the snapshot's
*Då* (:mod:`analysis.snapshot`), the report, goal evaluation and the follow-up cannot drift apart.

The rules
---------
- **Geometry**: a polygon counts the incidents inside it, edges included. A point or a line is
  widened by :data:`PLACE_BUFFER_M` (50 m) on every side first — a point becomes a circle of
  radius 50 m, a street segment a 100 m wide band.
- **Categories**: the place's categories (none = all). A goal or follow-up can count other
  categories at the same place (``categories=``).
- **Time window**: an incident counts when the *start* of its time window falls on one of the
  place's weekdays (ISO, 1 = Monday) *and* in one of its hours (0–23). No weekdays means every day,
  no hours the whole day. Weekday and hour are those of the start itself: an incident at 01:00 on a
  Saturday is a Saturday incident.
- **Period**: ``start`` and ``end`` are dates, both inclusive, applied to the start of the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd
import shapely

from analysis.aoristic import weekday_hour
from analysis.change import poisson_change_test, previous_year_period
from analysis.filters import filter_incidents, within_geometry
from core import formatting
from core.errors import InputError
from geo.categories import display_name
from geo.stacked import exact_only

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "PLACE_BUFFER_M",
    "Place",
    "PlaceNumbers",
    "busiest_text",
    "filter_text",
    "place_geometry",
    "place_incidents",
    "place_numbers",
]

PLACE_BUFFER_M = 50.0  # a pinned point or line counts the incidents within this distance of it
ALL_WEEKDAYS = frozenset(range(1, 8))
ALL_HOURS = frozenset(range(24))


class PlaceLike(Protocol):
    """What a place needs: a WKT geometry, categories, weekdays and hours (``Hotspot`` has them)."""

    geometry_wkt: str
    categories: Sequence[str]
    weekdays: Sequence[int]
    hours: Sequence[int]


@dataclass(frozen=True)
class Place:
    """A place that is not (yet) a stored hotspot, e.g. the one the pin form is about to save."""

    geometry_wkt: str
    categories: Sequence[str] = ()
    weekdays: Sequence[int] = ()
    hours: Sequence[int] = ()
    title: str = ""


def place_geometry(geometry_wkt: str, *, title: str = "") -> BaseGeometry:
    """The area a place counts: the polygon itself, or a point or line widened by 50 m.

    Raises
    ------
    InputError
        When the WKT cannot be read.

    Examples
    --------
    >>> round(place_geometry("POINT (0 0)").area / 2500, 2)  # a circle of radius 50 m: π · 50²
    3.14
    >>> place_geometry("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))").area
    100.0
    """
    try:
        geometry = shapely.from_wkt(geometry_wkt)
    except (shapely.errors.ShapelyError, TypeError) as error:
        name = f"Platsen '{title}'" if title else "Platsen"
        raise InputError(f"{name} har en ogiltig geometri ({error}).") from error
    if geometry is None or geometry.is_empty:
        name = f"Platsen '{title}'" if title else "Platsen"
        raise InputError(f"{name} har en tom geometri.")
    if geometry.geom_type in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        geometry = geometry.buffer(PLACE_BUFFER_M)
    return geometry


def in_time_window(incidents: pd.DataFrame, weekdays: Sequence[int], hours: Sequence[int]) -> pd.DataFrame:
    days, clock = set(weekdays or ()), set(hours or ())
    if (not days or days >= ALL_WEEKDAYS) and (not clock or clock >= ALL_HOURS):
        return incidents
    when = incidents["occurred_from"]
    mask = pd.Series(True, index=incidents.index)
    if days and not days >= ALL_WEEKDAYS:
        mask &= (when.dt.day_of_week + 1).isin(sorted(days))
    if clock and not clock >= ALL_HOURS:
        mask &= when.dt.hour.isin(sorted(clock))
    out = incidents[mask]
    out.attrs = dict(incidents.attrs)
    return out


def place_incidents(
    incidents: pd.DataFrame,
    place: PlaceLike,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    categories: Sequence[str] | None = None,
    time_window: bool = True,
    all_positions: bool = False,
) -> pd.DataFrame:
    """The incidents at a place: its geometry, categories and time window, optionally in a period.

    Parameters
    ----------
    incidents
        Canonical incidents (``x``, ``y``, ``occurred_from``, ``category``) in the place's CRS.
    place
        A :class:`store.model.Hotspot` or :class:`Place`.
    start, end
        Inclusive dates; ``None`` = no limit.
    categories
        Count these categories instead of the place's own (a goal's or a follow-up's).
    time_window
        ``False`` counts every weekday and hour (goals and follow-ups compare whole days, so that
        the control area is counted the same way).
    all_positions
        ``False`` (the default) leaves out incidents whose position is not a place: a kommun's
        or län's centroid, a stacked point, no position (``position_precision``, see
        :mod:`geo.stacked`). A place drawn around a centroid would otherwise count the whole kommun.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [5.0, 5.0, 5.0, 500.0], "y": [5.0, 5.0, 5.0, 5.0],
    ...     "category": ["Klotter", "Klotter", "Rån", "Klotter"],
    ...     "occurred_from": pd.to_datetime(["2025-03-07 22:00", "2025-03-05 10:00",
    ...                                      "2025-03-07 22:30", "2025-03-07 22:00"])})
    >>> friday_nights = Place("POINT (0 0)", ["Klotter"], weekdays=[5], hours=[22, 23])
    >>> len(place_incidents(frame, friday_nights)), len(place_incidents(frame, friday_nights, time_window=False))
    (1, 2)
    """
    chosen = list(categories) if categories else list(place.categories or [])
    subset = filter_incidents(incidents, categories=chosen or None, start=start, end=end)
    if not all_positions:
        subset = exact_only(subset)
    subset = within_geometry(subset, place_geometry(place.geometry_wkt, title=getattr(place, "title", "")))
    if time_window:
        subset = in_time_window(subset, place.weekdays, place.hours)
    return subset


@dataclass(frozen=True)
class PlaceNumbers:
    """A place's numbers for one period: what the "then and now" table shows.

    ``change`` is the relative change of the count against the same period a year earlier (a
    fraction, ``None`` when that count is 0); ``verdict`` is ``"ökning"``, ``"minskning"`` or
    ``"inom slumpvariation"`` by the exact Poisson test (:func:`analysis.change.poisson_change_test`).
    ``busiest`` is the weekday (1–7) and hour with the most incidents (aoristic weights), ``None``
    when no incident has a usable time.
    """

    start: date
    end: date
    previous_start: date
    previous_end: date
    count: int
    count_previous_year: int
    change: float | None
    p_value: float
    verdict: str
    busiest: tuple[int, int] | None
    top_categories: dict[str, int] = field(default_factory=dict)
    unknown_time: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready numbers (dates ISO)."""
        return {
            "period": [self.start.isoformat(), self.end.isoformat()],
            "previous_period": [self.previous_start.isoformat(), self.previous_end.isoformat()],
            "count": self.count,
            "count_previous_year": self.count_previous_year,
            "change": self.change,
            "p_value": self.p_value,
            "verdict": self.verdict,
            "busiest": list(self.busiest) if self.busiest else None,
            "top_categories": dict(self.top_categories),
        }


def _as_date(value: date | str) -> date:
    return pd.Timestamp(value).date()


def place_numbers(incidents: pd.DataFrame, place: PlaceLike, start: date | str, end: date | str) -> PlaceNumbers:
    """A place's count in ``start``–``end``, the same period a year earlier, the change and the busiest time.

    Every count is :func:`place_incidents` (geometry, categories, time window).

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [1.0] * 5, "y": [1.0] * 5, "category": ["Klotter"] * 5,
    ...     "occurred_from": pd.to_datetime(["2024-05-03 22:10", "2024-06-07 22:20", "2025-05-02 22:05",
    ...                                      "2024-07-05 22:40", "2024-08-02 22:15"])})
    >>> numbers = place_numbers(frame, Place("POINT (0 0)"), "2025-01-01", "2025-12-31")
    >>> numbers.count, numbers.count_previous_year, numbers.change, numbers.busiest
    (1, 4, -0.75, (5, 22))
    """
    first, last = _as_date(start), _as_date(end)
    previous_first, previous_last = previous_year_period(first, last)
    at_place = place_incidents(incidents, place, start=previous_first, end=last)
    now = filter_incidents(at_place, start=first, end=last)
    before = filter_incidents(at_place, start=previous_first, end=previous_last)
    exposure = ((last - first).days + 1) / ((previous_last - previous_first).days + 1)
    test = poisson_change_test(len(before), len(now), exposure_ratio=exposure)
    busiest = None
    unknown = 0.0
    if len(now):
        heat = weekday_hour(now)
        unknown = float(heat.unknown)
        if heat.known > 0:
            day, hour = heat.matrix.stack().idxmax()
            busiest = (int(day), int(hour))
    top = now["category"].astype(str).value_counts().head(5)
    return PlaceNumbers(
        first, last, previous_first, previous_last, int(len(now)), int(len(before)),
        None if len(before) == 0 else len(now) / len(before) - 1.0, float(test.p_value), test.verdict,
        busiest, {str(k): int(v) for k, v in top.items()}, unknown,
    )


def busiest_text(busiest: Sequence[int] | None, *, lang: str = "sv") -> str:
    """The busiest hour in words: ``(5, 22)`` → ``fredag 22–23``.

    Examples
    --------
    >>> busiest_text((5, 22)), busiest_text((7, 23), lang="en"), busiest_text(None)
    ('fredag 22–23', 'Sunday 23–00', '–')
    """
    if not busiest:
        return "–"
    day, hour = int(busiest[0]), int(busiest[1])
    return f"{formatting.weekday(day, lang=lang)} {hour:02d}–{(hour + 1) % 24:02d}"


def filter_text(
    categories: Sequence[str],
    weekdays: Sequence[int] = (),
    hours: Sequence[int] = (),
    period: tuple[date | str, date | str] | None = None,
    *,
    lang: str = "sv",
) -> str:
    """What a place counts, in words: ``Misshandel utomhus, fre–sön 22–02, 2025``.

    Examples
    --------
    >>> filter_text(["Misshandel utomhus"], [5, 6, 7], [22, 23, 0, 1], ("2025-01-01", "2025-12-31"))
    'Misshandel utomhus, fre–sön 22–02, 1 januari 2025 – 31 december 2025'
    >>> filter_text([], lang="en")
    'all categories, every day, all day'
    """
    what = formatting.listing([display_name(c, lang=lang) for c in categories], lang=lang) if categories else (
        "alla kategorier" if lang == "sv" else "all categories")
    when = formatting.weekday_ranges(weekdays, lang=lang)
    clock = formatting.hour_ranges(hours, lang=lang)
    parts = [what, f"{when} {clock}" if clock not in ("hela dygnet", "all day") else f"{when}, {clock}"]
    if period is not None:
        parts.append(formatting.date_span(period[0], period[1], lang=lang))
    return ", ".join(parts)

