"""What the room saw when a place was pinned: its numbers, trend and time window."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analysis.aoristic import weekday_hour
from analysis.change import counts_over_time, same_period_last_year


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
    period_incidents: pd.DataFrame,
    all_incidents: pd.DataFrame,
    start: date,
    end: date,
    *,
    population: float | None = None,
    survey: dict[str, Any] | None = None,
    filters: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The numbers stored with a pinned place, so later readers see what the room saw.

    ``period_incidents`` are the place's incidents in the chosen period with every filter applied;
    ``all_incidents`` the same without the period (for the year-earlier comparison and the trend).

    Examples
    --------
    >>> when = pd.to_datetime(["2024-03-01 22:00", "2025-03-02 23:00", "2025-03-08 22:30"])
    >>> frame = pd.DataFrame({"occurred_from": when, "occurred_to": pd.NaT, "category": ["Klotter"] * 3})
    >>> snap = place_snapshot(frame[frame.occurred_from.dt.year == 2025], frame, date(2025, 1, 1), date(2025, 12, 31))
    >>> snap["count"], snap["count_previous_year"]
    (2, 1)
    """
    change = same_period_last_year(all_incidents, start, end).iloc[0]
    trend = counts_over_time(all_incidents, freq="M", end=end)
    trend = trend[trend["period_start"] >= pd.Timestamp(end) - pd.DateOffset(months=24)]
    heat = weekday_hour(period_incidents)
    categories = period_incidents["category"].astype(str).value_counts().head(8)
    snapshot: dict[str, Any] = {
        "period": [start.isoformat(), end.isoformat()],
        "count": int(len(period_incidents)),
        "count_previous_year": int(change["before"]),
        "change_pct": None if pd.isna(change["change_pct"]) else round(float(change["change_pct"]), 1),
        "change_p": None if pd.isna(change["p_value"]) else round(float(change["p_value"]), 4),
        "change_sv": str(change["summary_sv"]),
        "rate_per_1000": round(len(period_incidents) / population * 1000, 1) if population else None,
        "top_categories": {str(k): int(v) for k, v in categories.items()},
        "trend_monthly": {str(p): int(c) for p, c in zip(trend["period"].astype(str), trend["count"], strict=True)},
        "weekday_hour_peak": list(map(int, heat.matrix.stack().idxmax())) if heat.known else None,
        "unknown_time": int(heat.unknown),
        "filters": filters or {},
    }
    if survey:
        snapshot["survey"] = survey
    return snapshot
