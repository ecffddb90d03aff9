"""Aoristic time weighting (Ratcliffe 2002): when did incidents happen?

Many incidents are recorded with a time *window* ("brottstidpunkt från–till"):
a burglary while the owners were away, or 00:00–23:59 when the time is not
known. Counting such an incident at its start time piles weight up at midnight
and at the start of working days. Aoristic weighting instead spreads each
incident's weight of 1 over the wall-clock hours its window covers, in
proportion to the overlap, at minute resolution:

- no ``occurred_to`` (NaT) or ``occurred_to == occurred_from`` (in the same
  minute): weight 1 in the hour of ``occurred_from``;
- a window ``[from, to)``: each hour gets ``overlap minutes / window minutes``,
  so 08:00–17:00 gives 1/9 to each of the hours 8 … 16. Windows across
  midnight, month ends and the end of the week (Sunday → Monday) go to the
  hour's own weekday, date and month;
- a window longer than ``max_window_hours`` (default 24) says too little about
  the time of day and is left out, counted as *okänd tid*. The register's
  "unknown time" 00:00–23:59 is 23 h 59 min and so is spread over its day —
  never put at midnight;
- ``occurred_to`` before ``occurred_from`` is an error in the data
  (:class:`core.errors.InputError`).

Times are naive local wall-clock times (Europe/Stockholm); hours are
wall-clock hours, so a window over a DST change is spread over the wall-clock
hours it spans.

Everything is vectorised: the weights go onto one dense axis of absolute hours
(first to last hour in the data) with cumulative sums of "ramps" at hour
boundaries, and that axis is folded into weekday × hour or month × hour. There
is no Python loop over incidents; a million incidents take a few tens of
milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError

__all__ = [
    "AoristicResult",
    "HourProfile",
    "HourlyWeights",
    "expand_weights",
    "hour_profile",
    "hourly_weights",
    "month_hour",
    "weekday_hour",
]

DEFAULT_MAX_WINDOW_HOURS = 24.0
_NS_PER_MINUTE = 60_000_000_000
_MINUTES_PER_HOUR = 60
WEEKDAYS_SV: dict[int, str] = {
    1: "måndag", 2: "tisdag", 3: "onsdag", 4: "torsdag", 5: "fredag", 6: "lördag", 7: "söndag",
}
MONTHS_SV: dict[int, str] = {
    1: "januari", 2: "februari", 3: "mars", 4: "april", 5: "maj", 6: "juni",
    7: "juli", 8: "augusti", 9: "september", 10: "oktober", 11: "november", 12: "december",
}


@dataclass(frozen=True)
class AoristicResult:
    """A matrix of aoristic weights and how many incidents it holds.

    Attributes
    ----------
    matrix : DataFrame
        Weights; rows are ISO weekdays 1–7 (``weekday``) or months 1–12
        (``month``), columns are hours 0–23 (``hour``).
    known : int
        Incidents with a usable time; ``matrix`` sums to this number.
    unknown : int
        Incidents left out as *okänd tid* (window longer than the limit, or
        no start time).
    """

    matrix: pd.DataFrame
    known: int
    unknown: int

    def long(self) -> pd.DataFrame:
        """Return the matrix as rows ``<row name>, hour, weight`` (every cell, row-major)."""
        row_name = self.matrix.index.name
        stacked = self.matrix.stack()
        stacked.index.names = [row_name, "hour"]
        return stacked.rename("weight").reset_index()


@dataclass(frozen=True)
class HourProfile:
    """Aoristic weights per hour of day (0–23) on a chosen set of weekdays.

    ``known`` and ``unknown`` count the whole input, not only the chosen days.
    """

    weights: pd.Series
    weekdays: frozenset[int]
    known: int
    unknown: int


@dataclass(frozen=True)
class HourlyWeights:
    """Aoristic weights on the absolute hour axis.

    ``weights`` is indexed by the start of every hour from the first to the
    last hour touched by an incident (a ``DatetimeIndex`` named
    ``hour_start``); it sums to ``known``.
    """

    weights: pd.Series
    known: int
    unknown: int


@dataclass(frozen=True)
class _Times:
    start: np.ndarray  # int64 minutes since 1970-01-01 (wall clock), floored
    duration: np.ndarray  # int64 minutes; 0 for point times
    point: np.ndarray  # bool: weight 1 at the start hour
    window: np.ndarray  # bool: spread over [start, start + duration)
    unknown: np.ndarray  # bool: left out


def _minutes(values: pd.Series, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Return floored minutes since the epoch and a mask of missing values."""
    if not (pd.api.types.is_datetime64_any_dtype(values.dtype) or values.isna().all()):
        raise InputError("Kolumnen måste innehålla datum och tid.", column=column)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    array = values.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(array)
    minutes = np.floor_divide(array.view("int64"), _NS_PER_MINUTE)
    minutes[missing] = 0
    return minutes, missing


def _times(incidents: pd.DataFrame, max_window_hours: float | None) -> _Times:
    """Classify every incident as point time, window or unknown; check the windows."""
    if "occurred_from" not in incidents:
        raise InputError("Kolumnen saknas.", column="occurred_from")
    start, no_start = _minutes(incidents["occurred_from"], "occurred_from")
    if "occurred_to" in incidents:
        end, no_end = _minutes(incidents["occurred_to"], "occurred_to")
    else:
        end, no_end = start.copy(), np.ones(len(start), dtype=bool)
    has_end = ~no_start & ~no_end
    duration = np.where(has_end, end - start, 0)
    backwards = np.flatnonzero(duration < 0)
    if backwards.size:
        _raise_backwards(incidents, backwards)
    if max_window_hours is None:
        too_long = np.zeros(len(start), dtype=bool)
    else:
        too_long = duration > round(max_window_hours * _MINUTES_PER_HOUR)
    unknown = no_start | too_long
    window = ~unknown & (duration > 0)
    point = ~unknown & ~window
    return _Times(start, duration, point, window, unknown)


def _raise_backwards(incidents: pd.DataFrame, positions: np.ndarray) -> None:
    count = positions.size
    if "id" in incidents and incidents["id"].iloc[positions].notna().all():
        ids = ", ".join(str(v) for v in incidents["id"].iloc[positions[:10]])
        more = f" och {count - 10} till" if count > 10 else ""
        raise InputError(
            f"Sluttiden ligger före starttiden för {count} händelser (id {ids}{more}).",
            column="occurred_to",
        )
    # Without ids, name rows as numbered in a file with a header (data from row 2).
    labels = incidents.index[positions]
    rows = [int(v) + 2 for v in labels] if pd.api.types.is_integer_dtype(labels.dtype) else None
    raise InputError(
        f"Sluttiden ligger före starttiden för {count} händelser.",
        column="occurred_to",
        rows=rows,
        row_count=count if rows else None,
    )


def _ramps(position: np.ndarray, weight: np.ndarray, length: int) -> np.ndarray:
    """Sum of ``weight * max(60 k - position, 0)`` at every hour boundary ``k = 0 … length``.

    Each ramp is a constant step plus a slope of 60 per boundary from its first
    boundary on; a cumulative sum gives the steps and a double cumulative sum
    the slopes, so the cost does not depend on the window lengths.
    """
    first = -np.floor_divide(-position, _MINUTES_PER_HOUR)  # ceil(position / 60)
    steps = np.bincount(first, weights=weight * (first * _MINUTES_PER_HOUR - position), minlength=length + 1)
    slopes = np.bincount(first, weights=weight * _MINUTES_PER_HOUR, minlength=length + 1)
    slope_sum = np.cumsum(slopes)
    rising = np.concatenate(([0.0], np.cumsum(slope_sum)[:-1]))
    return np.cumsum(steps) + rising


def _hour_axis(times: _Times) -> tuple[int, np.ndarray]:
    """Return the first absolute hour (hours since the epoch) and the weight of every hour from it."""
    start_hour = np.floor_divide(times.start, _MINUTES_PER_HOUR)
    known = times.point | times.window
    if not known.any():
        return 0, np.zeros(0)
    last_minute = times.start + np.maximum(times.duration - 1, 0)
    first = int(start_hour[known].min())
    length = int(np.floor_divide(last_minute[known], _MINUTES_PER_HOUR).max()) - first + 1
    weights = np.bincount(start_hour[times.point] - first, minlength=length).astype("float64")
    if times.window.any():
        begin = times.start[times.window] - first * _MINUTES_PER_HOUR
        end = begin + times.duration[times.window]
        share = 1.0 / times.duration[times.window]
        # Covered minutes up to each hour boundary, divided by the window length.
        cumulative = _ramps(np.concatenate((begin, end)), np.concatenate((share, -share)), length)
        weights += np.diff(cumulative)[:length]
    return first, weights


def hourly_weights(
    incidents: pd.DataFrame, *, max_window_hours: float | None = DEFAULT_MAX_WINDOW_HOURS
) -> HourlyWeights:
    """Aoristic weight of every wall-clock hour from the first to the last incident.

    Parameters
    ----------
    incidents : DataFrame
        Canonical incidents; uses ``occurred_from`` and ``occurred_to``.
    max_window_hours : float or None
        Windows longer than this are left out as unknown time; None keeps all.

    Returns
    -------
    HourlyWeights

    Examples
    --------
    >>> incidents = pd.DataFrame({
    ...     "occurred_from": pd.to_datetime(["2024-03-01 22:30"]),
    ...     "occurred_to": pd.to_datetime(["2024-03-02 01:30"])})
    >>> hourly_weights(incidents).weights.round(4).tolist()
    [0.1667, 0.3333, 0.3333, 0.1667]
    """
    times = _times(incidents, max_window_hours)
    first, weights = _hour_axis(times)
    index = pd.DatetimeIndex(
        (first + np.arange(weights.size)).astype("datetime64[h]").astype("datetime64[ns]"), name="hour_start"
    )
    known = int((times.point | times.window).sum())
    return HourlyWeights(pd.Series(weights, index=index, name="weight"), known, int(times.unknown.sum()))


def _fold(
    incidents: pd.DataFrame, max_window_hours: float | None, by: str
) -> tuple[np.ndarray, int, int]:
    times = _times(incidents, max_window_hours)
    first, weights = _hour_axis(times)
    hours = first + np.arange(weights.size, dtype="int64")
    hour_of_day = hours % 24
    if by == "weekday":
        row = (np.floor_divide(hours, 24) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        rows = 7
    else:
        row = hours.astype("datetime64[h]").astype("datetime64[M]").astype("int64") % 12
        rows = 12
    cells = np.bincount(row * 24 + hour_of_day, weights=weights, minlength=rows * 24).reshape(rows, 24)
    known = int((times.point | times.window).sum())
    return cells, known, int(times.unknown.sum())


def _matrix(cells: np.ndarray, name: str) -> pd.DataFrame:
    return pd.DataFrame(
        cells,
        index=pd.Index(np.arange(1, cells.shape[0] + 1), name=name),
        columns=pd.Index(np.arange(24), name="hour"),
    )


def weekday_hour(
    incidents: pd.DataFrame, *, max_window_hours: float | None = DEFAULT_MAX_WINDOW_HOURS
) -> AoristicResult:
    """Aoristic weights per ISO weekday (1 = Monday … 7 = Sunday) and hour of day.

    Parameters
    ----------
    incidents : DataFrame
        Canonical incidents; uses ``occurred_from`` and ``occurred_to``.
    max_window_hours : float or None
        Windows longer than this (in hours) are left out and counted in
        ``unknown``; None keeps every window.

    Returns
    -------
    AoristicResult
        ``matrix`` is 7 × 24 and sums to ``known``.

    Examples
    --------
    A burglary on Monday 2024-01-01 between 08:00 and 17:00 gives 1/9 to each
    hour 8 … 16 on Mondays; one with an unknown start-only time counts fully:

    >>> incidents = pd.DataFrame({
    ...     "occurred_from": pd.to_datetime(["2024-01-01 08:00", "2024-01-02 13:45"]),
    ...     "occurred_to": pd.to_datetime(["2024-01-01 17:00", None])})
    >>> result = weekday_hour(incidents)
    >>> round(float(result.matrix.loc[1, 8]), 4), float(result.matrix.loc[2, 13]), result.known
    (0.1111, 1.0, 2)
    """
    cells, known, unknown = _fold(incidents, max_window_hours, "weekday")
    return AoristicResult(_matrix(cells, "weekday"), known, unknown)


def month_hour(
    incidents: pd.DataFrame, *, max_window_hours: float | None = DEFAULT_MAX_WINDOW_HOURS
) -> AoristicResult:
    """Aoristic weights per month of year (1–12) and hour of day.

    The month is that of each hour's own date, so a window from 31 January
    23:00 to 1 February 01:00 gives half to January and half to February.

    Examples
    --------
    >>> incidents = pd.DataFrame({
    ...     "occurred_from": pd.to_datetime(["2024-01-31 23:00"]),
    ...     "occurred_to": pd.to_datetime(["2024-02-01 01:00"])})
    >>> m = month_hour(incidents).matrix
    >>> float(m.loc[1, 23]), float(m.loc[2, 0])
    (0.5, 0.5)
    """
    cells, known, unknown = _fold(incidents, max_window_hours, "month")
    return AoristicResult(_matrix(cells, "month"), known, unknown)


def hour_profile(
    incidents: pd.DataFrame,
    weekdays: Iterable[int] = (5, 6),
    *,
    max_window_hours: float | None = DEFAULT_MAX_WINDOW_HOURS,
) -> HourProfile:
    """Aoristic weight per hour of day (0–23), summed over the given ISO weekdays.

    The default ``{5, 6}`` is Friday and Saturday — the weekend nights that
    workshops ask about. Only the hours falling on those weekdays count, so an
    incident on Saturday 23:00–Sunday 01:00 adds 1/2 to hour 23.

    Examples
    --------
    >>> incidents = pd.DataFrame({
    ...     "occurred_from": pd.to_datetime(["2024-01-06 23:00"]),   # a Saturday
    ...     "occurred_to": pd.to_datetime(["2024-01-07 01:00"])})
    >>> float(hour_profile(incidents, {6}).weights[23])
    0.5
    """
    chosen = frozenset(int(d) for d in weekdays)
    if not chosen <= set(range(1, 8)):
        raise InputError("Veckodagar anges som 1 (måndag) till 7 (söndag).")
    result = weekday_hour(incidents, max_window_hours=max_window_hours)
    weights = result.matrix.loc[sorted(chosen)].sum(axis=0).rename("weight")
    return HourProfile(weights, chosen, result.known, result.unknown)


def expand_weights(
    incidents: pd.DataFrame, *, max_window_hours: float = DEFAULT_MAX_WINDOW_HOURS
) -> pd.DataFrame:
    """Spread every incident over the hours it covers, one row per incident and hour.

    Useful to group aoristic weights by any incident attribute (category,
    area) before drawing them. Incidents with unknown time are left out.

    Returns
    -------
    DataFrame
        Columns ``incident`` (the input's index label), ``hour_start``
        (datetime) and ``weight``; the weights of each incident sum to 1.

    Examples
    --------
    >>> incidents = pd.DataFrame({
    ...     "occurred_from": pd.to_datetime(["2024-01-01 08:30", "2024-01-01 10:00"]),
    ...     "occurred_to": pd.to_datetime(["2024-01-01 09:30", None])}, index=["a", "b"])
    >>> expand_weights(incidents)
      incident          hour_start  weight
    0        a 2024-01-01 08:00:00     0.5
    1        a 2024-01-01 09:00:00     0.5
    2        b 2024-01-01 10:00:00     1.0
    """
    times = _times(incidents, max_window_hours)
    known = np.flatnonzero(times.point | times.window)
    start = times.start[known]
    duration = times.duration[known]
    first_hour = np.floor_divide(start, _MINUTES_PER_HOUR)
    last_hour = np.floor_divide(start + np.maximum(duration - 1, 0), _MINUTES_PER_HOUR)
    spans = int((last_hour - first_hour).max()) + 1 if known.size else 0
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for offset in range(spans):  # a loop over hour offsets (≤ max_window_hours + 1), not over incidents
        hour = first_hour + offset
        covered = hour <= last_hour
        lower = np.maximum(start, hour * _MINUTES_PER_HOUR)
        upper = np.minimum(start + duration, (hour + 1) * _MINUTES_PER_HOUR)
        weight = np.where(duration > 0, (upper - lower) / np.maximum(duration, 1), 1.0)
        parts.append((known[covered], hour[covered], weight[covered]))
    if parts:
        position = np.concatenate([p[0] for p in parts])
        hour = np.concatenate([p[1] for p in parts])
        weight = np.concatenate([p[2] for p in parts])
        order = np.lexsort((hour, position))
        position, hour, weight = position[order], hour[order], weight[order]
    else:
        position, hour, weight = np.zeros(0, "int64"), np.zeros(0, "int64"), np.zeros(0)
    return pd.DataFrame({
        "incident": incidents.index[position],
        "hour_start": hour.astype("datetime64[h]").astype("datetime64[ns]"),
        "weight": weight,
    })
