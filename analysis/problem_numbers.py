"""Numbers of pinned places now, beside the snapshot taken when they were pinned."""

from __future__ import annotations

from datetime import date

import pandas as pd
import shapely

from analysis.change import same_period_last_year
from analysis.filters import filter_incidents, within_geometry


def hotspot_now(incidents: pd.DataFrame, geometry_wkt: str, categories: list[str], start: date,
                end: date) -> dict:
    """A pinned place's count now: its categories inside its geometry in ``start``–``end``,
    with the change against the same period a year earlier.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [5.0, 5.0, 50.0], "y": [5.0, 5.0, 5.0], "category": ["Klotter"] * 3,
    ...     "occurred_from": pd.to_datetime(["2025-02-01 10:00", "2024-02-01 10:00", "2025-02-01 10:00"])})
    >>> hotspot_now(frame, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", ["Klotter"],
    ...             date(2025, 1, 1), date(2025, 12, 31))["count"]
    1
    """
    inside = within_geometry(incidents, shapely.from_wkt(geometry_wkt))
    if categories:
        inside = filter_incidents(inside, categories=categories)
    change = same_period_last_year(inside, start, end).iloc[0]
    return {
        "count": int(change["after"]),
        "count_previous_year": int(change["before"]),
        "change_pct": None if pd.isna(change["change_pct"]) else float(change["change_pct"]),
        "summary_sv": str(change["summary_sv"]),
    }
