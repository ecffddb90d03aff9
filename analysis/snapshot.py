"""What the room saw when a place was pinned: its numbers, trend and time window."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analysis.change import counts_over_time
from analysis.problem_numbers import PlaceLike, place_incidents, place_numbers

SNAPSHOT_VERSION = 2


def suggest_time_window(matrix: pd.DataFrame, *, share: float = 0.5) -> tuple[list[int], list[int]]:
    """Weekdays and hours of a 7×24 matrix whose cells reach ``share`` of the busiest cell.

    Used to prefill a pinned place's time window from its own heatmap.

    Examples
    --------
    >>> m = pd.DataFrame(0.0, index=range(1, 8), columns=range(24))
    >>> m.loc[5, 22] = m.loc[6, 1] = 10.0
    >>> m.loc[1, 12] = 2.0
    >>> suggest_time_window(m)
    ([5, 6], [1, 22])
    """
    values = matrix.to_numpy(dtype=float)
    if not np.isfinite(values).any() or values.max() <= 0:
        return [], []
    busy = values >= share * values.max()
    weekdays = [int(d) for d, row in zip(matrix.index, busy, strict=True) if row.any()]
    hours = [int(h) for h, column in zip(matrix.columns, busy.T, strict=True) if column.any()]
    return weekdays, hours


def place_snapshot(
    incidents: pd.DataFrame,
    place: PlaceLike,
    start: date,
    end: date,
    *,
    population: float | None = None,
    survey: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The numbers stored with a pinned place, so later readers see what the room saw (the *Då*).

    The counts are :func:`analysis.problem_numbers.place_numbers` of the place being pinned — the
    same function the Problembild page's *Nu* and the report call — on the whole dataset
    (``incidents``), so *Då* and *Nu* differ only by the period. What was counted (categories,
    weekdays, hours) is stored under ``counted``; no UI state (projector mode, language) is.

    Examples
    --------
    >>> from analysis.problem_numbers import Place
    >>> when = pd.to_datetime(["2024-03-01 22:00", "2025-03-02 23:00", "2025-03-09 23:10"])
    >>> frame = pd.DataFrame({"x": 0.0, "y": 0.0, "occurred_from": when, "occurred_to": pd.NaT,
    ...                       "category": ["Klotter"] * 3})
    >>> snap = place_snapshot(frame, Place("POINT (0 0)", ["Klotter"]), date(2025, 1, 1), date(2025, 12, 31))
    >>> snap["count"], snap["count_previous_year"], snap["change"], snap["busiest"]
    (2, 1, 1.0, [7, 23])
    """
    numbers = place_numbers(incidents, place, start, end)
    every_hour = place_incidents(incidents, place, end=end)
    trend = counts_over_time(every_hour, freq="M", end=end) if len(every_hour) else pd.DataFrame(
        {"period": [], "period_start": [], "count": []})
    if len(trend):
        trend = trend[trend["period_start"] >= pd.Timestamp(end) - pd.DateOffset(months=24)]
    snapshot: dict[str, Any] = {
        "version": SNAPSHOT_VERSION,
        **numbers.to_dict(),
        "rate_per_1000": round(numbers.count / population * 1000, 1) if population else None,
        "counted": {"categories": list(place.categories or []), "weekdays": sorted(place.weekdays or []),
                    "hours": sorted(place.hours or [])},
        "trend_monthly": {str(p): int(c) for p, c in zip(trend["period"].astype(str), trend["count"], strict=True)},
    }
    if survey:
        snapshot["survey"] = survey
    return snapshot


def _period(value: Any) -> tuple[str, str] | str | None:
    if isinstance(value, list | tuple) and len(value) == 2 and all(value):
        return (str(value[0]), str(value[1]))
    if isinstance(value, str) and value:
        return value
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def snapshot_numbers(snapshot: dict[str, Any] | None) -> dict[str, Any]:
    """The numbers of a stored snapshot under one set of names, whichever version wrote it.

    Snapshots written before version 2 used other keys (``change_pct`` in per cent, ``change_p``,
    ``weekday_hour_peak``, ``trend``, a ``filters`` dict of page settings); this reads both and
    leaves everything else out, so no reader ever shows a stored key.

    Returns
    -------
    dict
        ``period`` (``(start, end)`` ISO dates, or a label string), ``count``,
        ``count_previous_year``, ``change`` (fraction), ``p_value``, ``verdict``, ``busiest``
        (``(weekday, hour)``), ``top_categories`` and ``counted``; ``None`` where unknown.

    Examples
    --------
    >>> old = {"period": ["2025-01-01", "2025-06-30"], "count": 12, "count_previous_year": 20,
    ...        "change_pct": -40.0, "change_p": 0.2, "weekday_hour_peak": [6, 1], "filters": {"projektor": "1"}}
    >>> view = snapshot_numbers(old)
    >>> view["change"], view["busiest"], "filters" in view
    (-0.4, (6, 1), False)
    """
    snapshot = dict(snapshot or {})
    change = _number(snapshot.get("change"))
    if change is None and _number(snapshot.get("change_pct")) is not None:
        change = float(snapshot["change_pct"]) / 100.0
    previous = _number(snapshot.get("count_previous_year", snapshot.get("previous_count")))
    p_value = _number(snapshot.get("p_value", snapshot.get("change_p")))
    busiest = snapshot.get("busiest", snapshot.get("weekday_hour_peak"))
    busiest = (int(busiest[0]), int(busiest[1])) if isinstance(busiest, list | tuple) and len(busiest) == 2 else None
    verdict = snapshot.get("verdict", snapshot.get("trend"))
    if not verdict and p_value is not None and change is not None:
        # Version 1 kept the test's p but not its verdict; the verdict is the same rule (p < 0,05).
        verdict = "inom slumpvariation" if p_value >= 0.05 else ("ökning" if change > 0 else "minskning")
    counted = snapshot.get("counted") if isinstance(snapshot.get("counted"), dict) else None
    top = snapshot.get("top_categories") if isinstance(snapshot.get("top_categories"), dict) else {}
    count = _number(snapshot.get("count"))
    return {
        "period": _period(snapshot.get("period")),
        "count": count,
        "count_previous_year": previous,
        "change": change,
        "p_value": p_value,
        "verdict": str(verdict) if isinstance(verdict, str) and verdict else None,
        "busiest": busiest,
        "top_categories": {str(k): int(v) for k, v in top.items() if _number(v) is not None},
        "counted": counted,
    }
