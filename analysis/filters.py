"""Filters shared by every page and subcommand: period, categories, sources."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd


def _as_timestamp(value: date | datetime | str | None) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)


def filter_incidents(
    incidents: pd.DataFrame,
    *,
    categories: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    start: date | datetime | str | None = None,
    end: date | datetime | str | None = None,
) -> pd.DataFrame:
    """Return the incidents that match every given filter.

    ``start`` and ``end`` are dates: an incident is kept when its
    ``occurred_from`` lies in ``[start, end + 1 day)``, so ``end`` is inclusive
    as an analyst reads "till och med".

    Examples
    --------
    >>> df = pd.DataFrame({"category": ["Klotter", "Cykelstöld"], "source": ["kommun", "polis"],
    ...                    "occurred_from": pd.to_datetime(["2024-01-05 10:00", "2024-02-01 00:30"])})
    >>> len(filter_incidents(df, end="2024-01-31"))
    1
    """
    mask = pd.Series(True, index=incidents.index)
    if categories is not None:
        mask &= incidents["category"].isin(list(categories))
    if sources is not None:
        mask &= incidents["source"].isin(list(sources))
    start_ts, end_ts = _as_timestamp(start), _as_timestamp(end)
    if start_ts is not None:
        mask &= incidents["occurred_from"] >= start_ts
    if end_ts is not None:
        mask &= incidents["occurred_from"] < end_ts.normalize() + pd.Timedelta(days=1)
    result = incidents[mask]
    result.attrs = dict(incidents.attrs)
    return result


def filter_view(
    incidents: pd.DataFrame,
    *,
    categories: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    start: date | datetime | str | None = None,
    end: date | datetime | str | None = None,
    districts: Iterable[str] | None = None,
    weekdays: Iterable[int] | None = None,
    hours: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Apply the dashboard's shared filters: ``filter_incidents`` plus district, weekday and hour.

    ``districts`` needs a ``district`` column (the incident's area id). ``weekdays`` are ISO
    (1 = Monday) and ``hours`` an inclusive range ``(first, last)``; both look at the start of
    the incident's time window — the time analyses spread windows aoristically themselves.

    Examples
    --------
    >>> df = pd.DataFrame({"category": ["Klotter"] * 3, "source": ["kommun"] * 3,
    ...                    "district": ["A1", "A1", "B1"],
    ...                    "occurred_from": pd.to_datetime(["2024-01-05 22:00", "2024-01-06 10:00",
    ...                                                     "2024-01-05 23:00"])})
    >>> len(filter_view(df, districts=["A1"], weekdays=[5], hours=(20, 23)))
    1
    """
    result = filter_incidents(incidents, categories=categories, sources=sources, start=start, end=end)
    mask = pd.Series(True, index=result.index)
    if districts is not None:
        mask &= result["district"].isin(list(districts))
    when = result["occurred_from"]
    if weekdays is not None and set(weekdays) != set(range(1, 8)):
        mask &= (when.dt.day_of_week + 1).isin(list(weekdays))
    if hours is not None and tuple(hours) != (0, 23):
        first, last = hours
        hour = when.dt.hour
        mask &= (hour >= first) & (hour <= last) if first <= last else (hour >= first) | (hour <= last)
    out = result[mask]
    out.attrs = dict(incidents.attrs)
    return out


def within_geometry(incidents: pd.DataFrame, geometry) -> pd.DataFrame:
    """The incidents inside a shapely geometry in the incidents' CRS (edges count as inside).

    A bounding-box prefilter first, then ``shapely.contains_xy`` on the prepared geometry
    for the few points left — no point geometries are built.

    Examples
    --------
    >>> import shapely
    >>> df = pd.DataFrame({"x": [1.0, 5.0, 20.0], "y": [1.0, 5.0, 20.0]})
    >>> len(within_geometry(df, shapely.box(0, 0, 10, 10)))
    2
    """
    import numpy as np
    import shapely

    xmin, ymin, xmax, ymax = geometry.bounds
    x = incidents["x"].to_numpy(dtype=float)
    y = incidents["y"].to_numpy(dtype=float)
    candidates = np.flatnonzero((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
    shapely.prepare(geometry)
    inside = shapely.intersects_xy(geometry, x[candidates], y[candidates])
    out = incidents.iloc[candidates[inside]]
    out.attrs = dict(incidents.attrs)
    return out
