"""Near-repeat patterns: the Knox test for space-time interaction with distance and time bands.

After a burglary, is another one more likely close by in the following days than chance would
give? The Knox test counts the *pairs* of incidents that lie within a distance band and a time
band of each other and compares each count with the counts obtained when the dates are shuffled
over the incidents (Monte Carlo permutation), which keeps where incidents happen and when they
happen but breaks any link between the two.

Conventions follow Wouter Steenbeek's R package ``NearRepeat`` (``NearRepeat()`` with its
defaults ``s_include.lowest = FALSE, s_right = FALSE`` and the same for time), which the
Near Repeat Calculator's tables can be reproduced with:

- every band is closed on the left and open on the right, ``[from, to)``: with breaks
  ``0, 100, 200`` a pair 100 m apart counts in ``[100, 200)``, never in ``[0, 100)``;
- distance 0 ("same location") falls in the first band when it starts at 0; a separate
  same-location band is asked for with a tiny first band, e.g. ``0, 0.1, 100, …`` (NearRepeat's
  vignette uses 0.1, the NRC 1 m with Manhattan distances);
- time differences are whole calendar days (``|date_i - date_j|``), so ``0, 1, …`` gives a
  same-day band ``[0, 1)`` and ``0, 7, …`` a band of 0–6 days apart;
- pairs at or beyond the last break of either kind are in no cell; the last break may be
  ``inf`` ("more than …"), as in NearRepeat;
- ``expected`` is the mean of the permuted counts, ``knox_ratio = observed / expected`` and
  ``p_value = (permuted counts >= observed + 1) / (permutations + 1)``, one-sided (a *higher*
  count than chance). NearRepeat reports no z-score, and neither does this module.

Ties: pairs at the same location and pairs on the same day are not set aside; they are counted
in the cells like any other pair, as NearRepeat does, and :class:`KnoxResult` says how many there
are (``same_location_pairs``, ``same_day_pairs``, ``same_location_same_day_pairs``) so a reader
can tell when the first cells are mostly exact repeats.

Time windows: an incident recorded with a window ``occurred_from``–``occurred_to`` (see
:mod:`analysis.aoristic`) is placed at the window's midpoint, and its day is that midpoint's
calendar date. Aoristic weights cannot be used here: a pair is in a time band or it is not.
:attr:`KnoxResult.window_midpoints` counts the incidents this applies to.

Speed: candidate pairs come from a :class:`scipy.spatial.cKDTree` (``query_pairs`` with the
largest finite distance break), never from all pairs. Each permutation only changes the days of
the candidate pairs, so a permutation is a gather, a subtraction and, per distance band, one
vectorised comparison per time break (the pairs are sorted by distance band once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from core import formatting

__all__ = ["KnoxResult", "event_nouns", "knox_sentence", "knox_test", "parse_bands"]

METRICS = ("euclidean", "manhattan")
# All pairs are formed only when the last distance break is ``inf``; beyond this many
# incidents that would not fit in memory on the laptop a workshop runs.
MAX_EVENTS_ALL_PAIRS = 5_000
SIGNIFICANCE = 0.05
_NS_PER_DAY = 86_400_000_000_000


@dataclass(frozen=True)
class KnoxResult:
    """The Knox table and the counts a reader needs to judge it.

    Attributes
    ----------
    table : DataFrame
        One row per distance band × time band (distance bands outer): ``distance_from``,
        ``distance_to`` (metres, the band is ``[from, to)``), ``days_from``, ``days_to`` (days,
        ``[from, to)``), ``observed`` (pairs), ``expected`` (mean over the permutations),
        ``knox_ratio`` (observed / expected; NaN when expected is 0) and ``p_value``.
    n_events : int
        Incidents in the test (with a position and a time).
    dropped : int
        Incidents left out for a missing position or time.
    n_pairs : int
        Pairs of incidents closer than the last distance break (the candidate pairs).
    pairs_in_table : int
        Of those, pairs that fall in a cell (also inside the time bands).
    same_location_pairs, same_day_pairs, same_location_same_day_pairs : int
        Candidate pairs at distance 0, at 0 days apart, and both.
    window_midpoints : int
        Incidents whose time is a window and which were placed at its midpoint.
    permutations, seed, metric
        How the test was run.
    """

    table: pd.DataFrame
    n_events: int
    dropped: int
    n_pairs: int
    pairs_in_table: int
    same_location_pairs: int
    same_day_pairs: int
    same_location_same_day_pairs: int
    window_midpoints: int
    permutations: int
    seed: int | None
    metric: str
    distance_bands: tuple[float, ...] = field(default=())
    time_bands: tuple[float, ...] = field(default=())

    def notes(self, lang: str = "sv") -> list[str]:
        """Plain sentences on how the test was run (midpoints, ties, same-day pairs)."""
        n = self.window_midpoints
        notes = []
        if lang == "en":
            notes.append(f"Distances are {self.metric}; days are whole calendar days; every band is [from, to).")
            if n:
                notes.append(f"{formatting.number(n, lang=lang)} incidents with a time window were placed at the "
                             "window's midpoint.")
            notes.append(f"Of {formatting.number(self.n_pairs, lang=lang)} pairs closer than "
                         f"{_metres(self.distance_bands[-1], lang)}, "
                         f"{formatting.number(self.same_location_pairs, lang=lang)} are at the same location and "
                         f"{formatting.number(self.same_day_pairs, lang=lang)} on the same day "
                         f"({formatting.number(self.same_location_same_day_pairs, lang=lang)} both); they are "
                         "counted in the bands like other pairs.")
        else:
            name = "euklidiska (fågelvägen)" if self.metric == "euclidean" else "Manhattan (x + y)"
            notes.append(f"Avstånden är {name}; dagar räknas i hela kalenderdagar; varje band är [från, till).")
            if n:
                notes.append(f"{formatting.number(n, lang=lang)} händelser med tidsfönster placerades mitt i "
                             "fönstret.")
            notes.append(f"Av {formatting.number(self.n_pairs, lang=lang)} par närmare än "
                         f"{_metres(self.distance_bands[-1], lang)} ligger "
                         f"{formatting.number(self.same_location_pairs, lang=lang)} på samma plats och "
                         f"{formatting.number(self.same_day_pairs, lang=lang)} samma dag "
                         f"({formatting.number(self.same_location_same_day_pairs, lang=lang)} båda); de räknas "
                         "i banden som andra par.")
        return notes


def parse_bands(text: str, *, option: str) -> tuple[float, ...]:
    """Band breaks from ``"0,100,200"`` (``inf`` allowed last); a Swedish ``ValueError`` naming ``option``."""
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    try:
        breaks = tuple(float(p) for p in parts)
    except ValueError as error:
        raise ValueError(f"{option}: '{text}' är inte en lista med tal, t.ex. 0,100,200.") from error
    return _check_bands(breaks, option)


def _check_bands(breaks: Sequence[float], option: str) -> tuple[float, ...]:
    values = tuple(float(b) for b in breaks)
    if len(values) < 2:
        raise ValueError(f"{option}: ange minst två gränser, t.ex. 0,100 (ett band).")
    if any(np.isnan(v) for v in values) or values[0] < 0:
        raise ValueError(f"{option}: gränserna får inte vara negativa eller saknas.")
    if any(np.isinf(v) for v in values[:-1]):
        raise ValueError(f"{option}: bara den sista gränsen får vara inf.")
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise ValueError(f"{option}: gränserna måste vara strikt växande, inte {', '.join(f'{v:g}' for v in values)}.")
    return values


def _event_days(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each incident's day number and whether it came from a window's midpoint."""
    start = pd.to_datetime(incidents["occurred_from"])
    if "occurred_to" in incidents.columns:
        end = pd.to_datetime(incidents["occurred_to"])
        window = end.notna() & start.notna() & (end > start)
    else:
        end = start
        window = pd.Series(False, index=incidents.index)
    # A window's midpoint: a burglary between Friday 17:00 and Monday 08:00 is placed on Sunday.
    when = start.where(~window, start + (end - start) / 2)
    days = when.dt.normalize().to_numpy(dtype="datetime64[D]").astype("int64")
    return days, window.to_numpy()


def _distance_bins(x: np.ndarray, y: np.ndarray, breaks: tuple[float, ...],
                   metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs ``i, j`` closer than the last break, their distances and distance band."""
    points = np.column_stack([x, y])
    n = len(points)
    top = breaks[-1]
    if np.isinf(top):
        if n > MAX_EVENTS_ALL_PAIRS:
            raise ValueError(
                f"Den sista avståndsgränsen är inf, vilket jämför alla par; det går bara med högst "
                f"{MAX_EVENTS_ALL_PAIRS:,} händelser (här {n:,}). Ange en ändlig sista gräns.".replace(",", "\u00a0"))
        i, j = np.triu_indices(n, k=1)
    else:
        pairs = cKDTree(points).query_pairs(top, p=2 if metric == "euclidean" else 1, output_type="ndarray")
        i, j = pairs[:, 0], pairs[:, 1]
    delta = points[i] - points[j]
    distance = np.hypot(delta[:, 0], delta[:, 1]) if metric == "euclidean" else np.abs(delta).sum(axis=1)
    band = np.searchsorted(np.asarray(breaks), distance, side="right") - 1
    keep = (band >= 0) & (band < len(breaks) - 1)  # [from, to): a pair exactly at the top is outside
    return i[keep].astype(np.int32), j[keep].astype(np.int32), distance[keep], band[keep]


def knox_test(
    incidents: pd.DataFrame,
    *,
    distance_bands: Sequence[float],
    time_bands: Sequence[float],
    permutations: int = 999,
    seed: int | None = None,
    metric: str = "euclidean",
) -> KnoxResult:
    """Knox test for space-time interaction, with Monte Carlo p-values.

    Parameters
    ----------
    incidents : DataFrame
        Columns ``x``, ``y`` (metres in a projected CRS) and ``occurred_from``; ``occurred_to``
        when times are windows (the window's midpoint is used). Rows without a position or time
        are left out and counted in ``dropped``.
    distance_bands : sequence of float
        Breaks in metres, strictly increasing from 0 or more; each band is ``[from, to)``; the
        last break may be ``inf``.
    time_bands : sequence of float
        Breaks in days, likewise; ``0, 1, …`` gives a same-day band.
    permutations : int
        Monte Carlo permutations of the dates over the incidents (at least 2).
    seed : int, optional
        Seed for :func:`numpy.random.default_rng`; the same seed gives the same table.
    metric : {"euclidean", "manhattan"}
        Euclidean ("as the crow flies", the default here) or Manhattan (``|dx| + |dy|``,
        NearRepeat's default).

    Returns
    -------
    KnoxResult

    Raises
    ------
    ValueError
        With a Swedish message for bad bands, metric or permutations.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [0.0, 50.0, 5000.0], "y": [0.0, 0.0, 0.0],
    ...                       "occurred_from": pd.to_datetime(["2024-03-01", "2024-03-03", "2024-03-02"])})
    >>> result = knox_test(frame, distance_bands=[0, 100], time_bands=[0, 7], permutations=9, seed=1)
    >>> int(result.table["observed"].iloc[0]), result.n_pairs
    (1, 1)
    """
    s_breaks = _check_bands(distance_bands, "--distance-bands")
    t_breaks = _check_bands(time_bands, "--time-bands")
    if metric not in METRICS:
        raise ValueError(f"Okänt avståndsmått '{metric}'; välj euclidean eller manhattan.")
    if not isinstance(permutations, int | np.integer) or permutations < 2:
        raise ValueError(f"Antalet permutationer måste vara ett heltal, minst 2 (inte {permutations!r}).")
    missing = {"x", "y", "occurred_from"} - set(incidents.columns)
    if missing:
        raise ValueError(f"Händelserna saknar kolumnerna {', '.join(sorted(missing))}.")

    x = pd.to_numeric(incidents["x"], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(incidents["y"], errors="coerce").to_numpy(dtype=float)
    days, window = _event_days(incidents)
    start_known = pd.to_datetime(incidents["occurred_from"]).notna().to_numpy()
    usable = np.isfinite(x) & np.isfinite(y) & start_known
    x, y, days, window = x[usable], y[usable], days[usable], window[usable]
    n_s, n_t = len(s_breaks) - 1, len(t_breaks) - 1

    i, j, distance, s_band = _distance_bins(x, y, s_breaks, metric)
    # Pairs ordered by distance band: each band is one contiguous slice. A stable sort on a 16-bit key is
    # a radix sort, and keeps the k-d tree's order (by incident) within a band for the gathers below.
    order = np.argsort(s_band.astype(np.int16), kind="stable")
    i, j, distance, s_band = i[order].astype(np.intp), j[order].astype(np.intp), distance[order], s_band[order]
    slices = np.searchsorted(s_band, np.arange(n_s + 1))
    if len(days):
        days = days - days.min()
    span = int(days.max()) if len(days) else 0
    # int16 halves the memory traffic of the gathers and comparisons, which is what a permutation costs.
    days = days.astype(np.int16 if span < np.iinfo(np.int16).max else np.int32)
    # Gaps are whole days, so "gap < break" is "gap < ceil(break)"; an infinite break takes every pair.
    limits = [None if np.isinf(b) else int(np.ceil(b)) for b in t_breaks]

    def table_counts(event_days: np.ndarray) -> np.ndarray:
        gap = event_days.take(i)
        gap -= event_days.take(j)
        np.abs(gap, out=gap)
        below = np.zeros((n_s, n_t + 1), dtype=np.int64)  # pairs with a gap under each time break
        for band in range(n_s):
            part = gap[slices[band]:slices[band + 1]]
            for k, limit in enumerate(limits):
                if limit is None:
                    below[band, k] = len(part)
                elif limit > 0:
                    below[band, k] = np.count_nonzero(part < limit)
        return np.diff(below, axis=1)

    observed = table_counts(days)
    rng = np.random.default_rng(seed)
    simulated = np.empty((permutations, n_s, n_t), dtype=np.int64)
    for k in range(permutations):
        simulated[k] = table_counts(rng.permutation(days))
    expected = simulated.mean(axis=0)
    p = ((simulated >= observed).sum(axis=0) + 1) / (permutations + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1), np.nan)

    s_from, t_from = np.meshgrid(np.arange(n_s), np.arange(n_t), indexing="ij")
    table = pd.DataFrame({
        "distance_from": np.asarray(s_breaks[:-1])[s_from.ravel()],
        "distance_to": np.asarray(s_breaks[1:])[s_from.ravel()],
        "days_from": np.asarray(t_breaks[:-1])[t_from.ravel()],
        "days_to": np.asarray(t_breaks[1:])[t_from.ravel()],
        "observed": observed.ravel().astype(np.int64),
        "expected": expected.ravel(),
        "knox_ratio": ratio.ravel(),
        "p_value": p.ravel(),
    })
    same_place = distance == 0
    same_day = days[i] == days[j]
    return KnoxResult(
        table=table,
        n_events=int(usable.sum()),
        dropped=int((~usable).sum()),
        n_pairs=len(i),
        pairs_in_table=int(observed.sum()),
        same_location_pairs=int(same_place.sum()),
        same_day_pairs=int(same_day.sum()),
        same_location_same_day_pairs=int((same_place & same_day).sum()),
        window_midpoints=int(window.sum()),
        permutations=int(permutations),
        seed=seed,
        metric=metric,
        distance_bands=s_breaks,
        time_bands=t_breaks,
    )


# --- sentences -------------------------------------------------------------------------


def _metres(value: float, lang: str) -> str:
    if np.isinf(value):
        return "∞ m"
    return f"{formatting.number(value, 0 if float(value).is_integer() else 1, lang=lang)}\u00a0m"


def _days(value: float, lang: str) -> str:
    return formatting.number(value, 0 if float(value).is_integer() else 1, lang=lang)


def _where_when(row: pd.Series, lang: str) -> tuple[str, str]:
    """``inom 100 m`` / ``100–200 m bort`` and ``under 7 dagar`` / ``7–14 dagar senare``."""
    d0, d1, t0, t1 = row["distance_from"], row["distance_to"], row["days_from"], row["days_to"]
    if lang == "en":
        where = (f"within {_metres(d1, lang)}" if d0 == 0 else
                 f"beyond {_metres(d0, lang)}" if np.isinf(d1) else
                 f"{_days(d0, lang)}–{_metres(d1, lang)} away")
        when = ("on the same day" if (t0, t1) == (0, 1) else
                f"in the next {_days(t1, lang)} days" if t0 == 0 else
                f"more than {_days(t0, lang)} days later" if np.isinf(t1) else
                f"{_days(t0, lang)}–{_days(t1, lang)} days later")
    else:
        where = (f"inom {_metres(d1, lang)}" if d0 == 0 else
                 f"längre bort än {_metres(d0, lang)}" if np.isinf(d1) else
                 f"{_days(d0, lang)}–{_metres(d1, lang)} bort")
        when = ("samma dag" if (t0, t1) == (0, 1) else
                f"under {_days(t1, lang)} dagar" if t0 == 0 else
                f"mer än {_days(t0, lang)} dagar senare" if np.isinf(t1) else
                f"{_days(t0, lang)}–{_days(t1, lang)} dagar senare")
    return where, when


def event_nouns(categories: Sequence[str] | None, lang: str = "sv") -> tuple[str, str]:
    """The words for the first incident and the repeat: burglaries when every category is one.

    >>> event_nouns(["Inbrott i bostad", "Inbrott i källare/vind"])
    ('ett inbrott', 'ett nytt')
    >>> event_nouns(["Cykelstöld"], lang="en")
    ('an incident', 'another')
    """
    burglary = bool(categories) and all(str(c).startswith("Inbrott") for c in categories)
    if lang == "en":
        return ("a burglary", "another") if burglary else ("an incident", "another")
    return ("ett inbrott", "ett nytt") if burglary else ("en händelse", "en ny")


def knox_sentence(
    result: KnoxResult,
    *,
    cell: int = 0,
    lang: str = "sv",
    first: str | None = None,
    another: str | None = None,
) -> str:
    """The plain reading of one cell (by default the nearest distance and time band).

    "Efter ett inbrott är risken för ett nytt inom 100 m under 7 dagar 2,3 gånger den
    förväntade (p = 0,001)." When ``p >= 0.05`` the sentence says there is no certain increase
    ("ingen säker förhöjning"), whatever the ratio.

    Parameters
    ----------
    result : KnoxResult
    cell : int
        Row of ``result.table``.
    lang : {"sv", "en"}
    first, another : str, optional
        The incident and the repeat in the language, e.g. ``"ett inbrott"``/``"ett nytt"``
        (default) or ``"a burglary"``/``"another"``; ``"en händelse"``/``"en ny"`` for other
        categories.

    Examples
    --------
    >>> table = pd.DataFrame({"distance_from": [0.0], "distance_to": [100.0], "days_from": [0.0],
    ...                       "days_to": [7.0], "observed": [23], "expected": [10.0],
    ...                       "knox_ratio": [2.3], "p_value": [0.001]})
    >>> result = KnoxResult(table, 40, 0, 30, 23, 0, 2, 0, 0, 999, 1, "euclidean", (0.0, 100.0), (0.0, 7.0))
    >>> knox_sentence(result)
    'Efter ett inbrott är risken för ett nytt inom 100\\xa0m under 7 dagar 2,3 gånger den förväntade (p = 0,001).'
    """
    row = result.table.iloc[cell]
    where, when = _where_when(row, lang)
    ratio, p = row["knox_ratio"], row["p_value"]
    if lang == "en":
        first, another = first or "a burglary", another or "another"
        if not np.isfinite(ratio):
            return f"Too few pairs {where} {when} to say anything about the risk after {first}."
        times = formatting.number(ratio, 1, lang=lang)
        pv = formatting.p_value(p, lang=lang, decimals=None)
        if p < SIGNIFICANCE:
            return f"After {first}, the risk of {another} {where} {when} is {times} times the expected ({pv})."
        return (f"After {first}, there is no certain increase in the risk of {another} {where} {when} "
                f"({times} times the expected, {pv}).")
    first, another = first or "ett inbrott", another or "ett nytt"
    if not np.isfinite(ratio):
        return f"För få par {where} {when} för att säga något om risken efter {first}."
    times = formatting.number(ratio, 1, lang=lang)
    pv = formatting.p_value(p, lang=lang, decimals=None)
    if p < SIGNIFICANCE:
        return f"Efter {first} är risken för {another} {where} {when} {times} gånger den förväntade ({pv})."
    return (f"Efter {first} finns ingen säker förhöjning av risken för {another} {where} {when} "
            f"({times} gånger den förväntade, {pv}).")
