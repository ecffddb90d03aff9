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
