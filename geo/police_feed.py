"""The Swedish Police's public event feed (polisen.se/aktuellt/handelser and its API).

The feed's ``datetime`` is when the note was *published*; the event's own time is in the title
(``name``): ``"22 augusti 17.59, Brand, Kävlinge"`` (also ``17:59``). The title has no year, so
the year is the one that puts the event closest to its publication: an event of
``31 december 23.08`` published on 1 January 2026 happened on 31 December 2025.

A title with a date but no clock time is that whole day (a 24-hour window, the project's rule
for a date without a time). A title with no date at all is the 24 hours before publication: the
event happened before the note about it, and a night's events are published the next morning.

The feed's positions are the centroid of the kommun or län in ``location_name``, never the
place of the event (see :mod:`geo.stacked`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.columns import normalise_name

# The columns the feed has (CSV export and the API's JSON, flattened by geo.readers).
FEED_COLUMNS: tuple[str, ...] = ("name", "summary", "type", "location_name", "datetime")
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (("januari", "jan"), ("februari", "feb"), ("mars", "mar"), ("april", "apr"), ("maj",),
         ("juni", "jun"), ("juli", "jul"), ("augusti", "aug"), ("september", "sep", "sept"),
         ("oktober", "okt"), ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}
# "22 augusti 17.59, …", "22 augusti 17:59, …", "21 augusti 23.00–02.00, …", "22 augusti, …"
_TITLE = re.compile(
    r"^\s*(?P<day>\d{1,2})\s+(?P<month>[a-zåäö]+)\.?"
    r"(?:\s+(?:kl\.?\s*)?(?P<hour>\d{1,2})[.:](?P<minute>\d{2})"
    r"(?:\s*[–—-]\s*(?P<end_hour>\d{1,2})[.:](?P<end_minute>\d{2}))?)?\s*(?:,|$)",
    re.IGNORECASE,
)
ONE_DAY = np.timedelta64(1, "D").astype("timedelta64[ns]")
NAT = np.datetime64("NaT", "ns")


def is_police_feed(columns: Iterable[object]) -> bool:
    """Tell whether a table's columns are those of the Police's event feed.

    >>> is_police_feed(["id", "datetime", "name", "summary", "url", "type", "location_name", "latitude", "longitude"])
    True
    >>> is_police_feed(["datum", "brottstyp", "x", "y"])
    False
    """
    names = {normalise_name(c) for c in columns}
    return set(FEED_COLUMNS) <= names


def feed_column(columns: Iterable[str], role: str) -> str:
    """The file's own name of one of the feed's columns (``"name"``, ``"location_name"`` …)."""
    return next(c for c in columns if normalise_name(c) == role)


@dataclass(frozen=True)
class EventTimes:
    """Event times read from the titles.

    Attributes
    ----------
    occurred_from, occurred_to
        Local wall-clock times (Europe/Stockholm, naive); ``occurred_to`` NaT for an exact time.
    exact
        The title gave a clock time.
    date_only
        The title gave a date without a clock time (the whole day).
    untimed
        The title gave no date: the 24 hours before publication.
    """

    occurred_from: np.ndarray
    occurred_to: np.ndarray
    exact: np.ndarray
    date_only: np.ndarray
    untimed: np.ndarray


def event_times(titles: pd.Series, published: np.ndarray) -> EventTimes:
    """Read each event's own time from its title, the year from its publication.

    Parameters
    ----------
    titles
        The feed's ``name`` column.
    published
        Publication times as local wall-clock ``datetime64[ns]`` (NaT where unknown).

    Returns
    -------
    EventTimes

    Examples
    --------
    >>> times = event_times(pd.Series(["31 december 23.08, Brand, Solna"]),
    ...                     np.array(["2026-01-01T00:05:56"], dtype="datetime64[ns]"))
    >>> str(times.occurred_from[0])
    '2025-12-31T23:08:00.000000000'
    """
    published = np.asarray(published, dtype="datetime64[ns]")
    n = len(titles)
    parts = titles.astype("string").str.extract(_TITLE)
    day = pd.to_numeric(parts["day"], errors="coerce").to_numpy(dtype="float64")
    month = parts["month"].str.lower().map(MONTHS).to_numpy(dtype="float64", na_value=np.nan)
    hour = pd.to_numeric(parts["hour"], errors="coerce").to_numpy(dtype="float64")
    minute = pd.to_numeric(parts["minute"], errors="coerce").to_numpy(dtype="float64")
    end_hour = pd.to_numeric(parts["end_hour"], errors="coerce").to_numpy(dtype="float64")
    end_minute = pd.to_numeric(parts["end_minute"], errors="coerce").to_numpy(dtype="float64")
    clock_ok = np.isfinite(hour) & (hour <= 23) & (minute <= 59)
    hour = np.where(clock_ok, hour, 0.0)
    minute = np.where(clock_ok, minute, 0.0)

    pub_year = pd.DatetimeIndex(published).year.to_numpy(dtype="float64", na_value=np.nan)
    has_date = np.isfinite(day) & np.isfinite(month) & np.isfinite(pub_year)
    best = np.full(n, NAT)
    best_gap = np.full(n, np.inf)
    # The year that puts the event closest to its publication (December notes published in January).
    for shift in (-1, 0, 1):
        candidate = pd.to_datetime(
            pd.DataFrame({"year": pub_year + shift, "month": month, "day": day, "hour": hour, "minute": minute}),
            errors="coerce",
        ).to_numpy(dtype="datetime64[ns]")
        gap = np.abs((candidate - published).astype("timedelta64[s]").astype("float64"))
        gap = np.where(np.isnat(candidate), np.inf, gap)
        better = gap < best_gap
        best = np.where(better, candidate, best)
        best_gap = np.where(better, gap, best_gap)
    dated = has_date & ~np.isnat(best)
    exact = dated & clock_ok
    date_only = dated & ~clock_ok
    untimed = ~dated

    start = np.where(dated, best, NAT).astype("datetime64[ns]")
    end = np.full(n, NAT)
    day_start = start.astype("datetime64[D]").astype("datetime64[ns]")
    end = np.where(date_only, day_start + ONE_DAY, end)
    # A range in the title ("23.00–02.00"): the end, on the next day when it is earlier.
    ranged = exact & np.isfinite(end_hour) & (end_hour <= 23) & (end_minute <= 59)
    if ranged.any():
        offset = (np.nan_to_num(end_hour) * 3600 + np.nan_to_num(end_minute) * 60).astype("int64")
        range_end = day_start + offset.astype("timedelta64[s]").astype("timedelta64[ns]")
        range_end = np.where(range_end <= start, range_end + ONE_DAY, range_end)
        end = np.where(ranged, range_end, end)
    known = untimed & ~np.isnat(published)
    start = np.where(known, published - ONE_DAY, start).astype("datetime64[ns]")
    end = np.where(known, published, end).astype("datetime64[ns]")
    return EventTimes(start, end, exact, date_only, untimed)


def location_precision(location_names: pd.Series) -> np.ndarray:
    """``"län"`` where the feed's location is a län ("Skåne län"), else ``"kommun"``.

    >>> location_precision(pd.Series(["Skåne län", "Kävlinge"])).tolist()
    ['län', 'kommun']
    """
    text = location_names.astype("string").str.strip().str.lower()
    is_lan = text.str.endswith(" län").fillna(False).to_numpy(dtype=bool)
    return np.where(is_lan, "län", "kommun")
