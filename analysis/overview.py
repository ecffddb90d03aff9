"""The figures the Översikt page leads with: what is loaded, and what stands out.

The sentences come in Swedish or English (``lang``), with numbers and dates from
:mod:`core.formatting`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.aoristic import DEFAULT_MAX_WINDOW_HOURS
from analysis.smoothing import SMALL_POPULATION, empirical_bayes
from core import formatting
from core.disclosure import HIDDEN
from geo import stacked

REASONS: dict[str, dict[str, str]] = {
    "sv": {"increase": "ökning större än slumpen", "rate": "hög nivå per invånare"},
    "en": {"increase": "increase larger than chance", "rate": "high level per inhabitant"},
}


@dataclass(frozen=True)
class DataQuality:
    """What data is loaded: sources, period, and incidents lacking a usable time or place."""

    n_incidents: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    by_source: pd.Series
    unknown_time: int
    no_place: int
    with_window: int
    not_places: dict[str, int] = field(default_factory=dict)


def data_quality(incidents: pd.DataFrame, *, max_window_hours: float = DEFAULT_MAX_WINDOW_HOURS) -> DataQuality:
    """Summarise a dataset for the "what data is loaded" box.

    ``unknown_time`` counts incidents whose time window is longer than ``max_window_hours``
    (they are left out of the time-of-day analyses); ``no_place`` those outside every district
    (a missing ``district``, not counting incidents with no position), when the frame has a
    ``district`` column; ``not_places`` the
    incidents per ``position_precision`` whose position is not a place (:mod:`geo.stacked`).

    Examples
    --------
    >>> frame = pd.DataFrame({"source": ["polis", "polis", "kommun"],
    ...     "occurred_from": pd.to_datetime(["2024-01-01 10:00", "2024-01-02 00:00", "2024-03-01 00:00"]),
    ...     "occurred_to": pd.to_datetime([None, "2024-01-05 00:00", None]), "district": ["A", None, "B"]})
    >>> q = data_quality(frame)
    >>> q.n_incidents, q.unknown_time, q.no_place, q.with_window
    (3, 1, 1, 1)
    """
    when = incidents["occurred_from"]
    to = incidents["occurred_to"]
    length = (to - when) / pd.Timedelta(hours=1)
    has_window = to.notna() & (length > 0)
    unknown = int((has_window & (length > max_window_hours)).sum())
    no_place = 0
    if "district" in incidents:
        outside = incidents["district"].isna()
        if "position_precision" in incidents:
            # An incident with no position is said once, as having none, not also as outside every district.
            outside &= incidents["position_precision"].astype("string").ne(stacked.MISSING).fillna(True)
        no_place = int(outside.sum())
    return DataQuality(
        n_incidents=len(incidents),
        first=when.min() if len(when) else None,
        last=when.max() if len(when) else None,
        by_source=incidents["source"].astype("string").value_counts().sort_values(ascending=False),
        unknown_time=unknown,
        no_place=no_place,
        with_window=int(has_window.sum()),
        not_places=stacked.precision_counts(incidents["position_precision"])
        if "position_precision" in incidents else {},
    )


NOT_PLACE_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    # (one, many)
    "sv": {stacked.APPROXIMATE: ("ligger på en gemensam punkt (en mittpunkt eller standardposition)",) * 2,
           stacked.KOMMUN: ("ligger på en kommuns mittpunkt",) * 2, stacked.LAN: ("ligger på ett läns mittpunkt",) * 2,
           stacked.MISSING: ("saknar position",) * 2},
    "en": {stacked.APPROXIMATE: ("lies on a shared point (a centroid or default position)",
                                 "lie on a shared point (a centroid or default position)"),
           stacked.KOMMUN: ("lies on a municipality's centroid", "lie on a municipality's centroid"),
           stacked.LAN: ("lies on a county's centroid", "lie on a county's centroid"),
           stacked.MISSING: ("has no position", "have no position")},
}
NOT_PLACE_TAIL: dict[str, tuple[str, str]] = {
    "sv": ("De räknas inte på platser, hotspots och täthet och visas inte som punkter.",) * 2,
    "en": ("It is not counted at places, hot spots or density and not drawn as a point.",
           "They are not counted at places, hot spots or density and not drawn as points."),
}


def not_places_text(counts: dict[str, int], *, lang: str = "sv", hides: Callable[[float], bool] | None = None) -> str:
    """The note on positions that are not places: how many, why, and what they are left out of.

    ``counts`` is :attr:`DataQuality.not_places` (or :func:`geo.stacked.precision_counts`); the
    text is empty when every position is a place. ``hides`` as in :func:`data_quality_text`.

    Examples
    --------
    >>> print(not_places_text({"kommun": 12345, "län": 2}, lang="en"))
    12,345 incidents lie on a municipality's centroid; 2 incidents lie on a county's centroid. They are not counted at places, hot spots or density and not drawn as points.
    >>> print(not_places_text({"saknas": 1}))
    1 händelse saknar position. De räknas inte på platser, hotspots och täthet och visas inte som punkter.
    """
    lang = _lang(lang)
    words = NOT_PLACE_WORDS[lang]
    counts = {kind: n for kind, n in counts.items() if n and kind in words}
    if not counts:
        return ""
    hidden = hides or _never
    parts = [f"{_incidents(n, lang, hidden(n))} {words[kind][0 if n == 1 and not hidden(n) else 1]}"
             for kind, n in counts.items()]
    one = sum(counts.values()) == 1 and not hidden(1)
    return "; ".join(parts) + ". " + NOT_PLACE_TAIL[lang][0 if one else 1]


def standout_districts(changes: pd.DataFrame, summary: pd.DataFrame, *, top: int = 3,
                       lang: str = "sv") -> pd.DataFrame:
    """Districts that stand out: significant increases first, then the highest rates.

    ``changes`` is :func:`analysis.change.same_period_last_year` by ``district``;
    ``summary`` is :func:`analysis.aggregate.summary_by_area` (indexed by area id).
    Returns one row per district with name, count, rate, change and the reason it stands out
    (``reason``, in ``lang``).

    The highest rates are ranked by the empirical-Bayes rate (``rate_eb_per_1000``,
    :mod:`analysis.smoothing`) when the summary has populations, and a district with fewer than
    ``SMALL_POPULATION`` inhabitants is never one of them: with 140 inhabitants a rate "per
    inhabitant" says more about how few live there than about the place. Its increase still counts.
    """
    reasons = REASONS[_lang(lang)]
    wanted = ["before", "after", "change_pct", "p_value", "verdict", "summary_sv", "summary"]
    table = summary.join(changes.set_index("district")[[c for c in wanted if c in changes]], how="left")
    table["reason"] = ""
    increased = table["verdict"].eq("ökning").fillna(False).to_numpy(dtype=bool)
    table.loc[increased, "reason"] = reasons["increase"]
    rate = _ranking_rate(table)
    by_rate = (rate.rank(ascending=False, method="first") <= top).to_numpy()
    table.loc[by_rate & ~increased, "reason"] = reasons["rate"]
    table["_order"] = np.where(increased, 0, 1)
    chosen = table[table["reason"] != ""].copy()
    result = chosen.sort_values(["_order", "rate_per_1000"], ascending=[True, False]).drop(columns="_order")
    # Said on the page: the districts the raw rate would have named but the population rule did not.
    raw_top = (table["rate_per_1000"].rank(ascending=False, method="first") <= top).to_numpy()
    skipped = raw_top & rate.isna().to_numpy() & table["rate_per_1000"].notna().to_numpy() & ~increased
    result.attrs["small_left_out"] = [str(n) for n in table.loc[skipped, "name"]] if "name" in table else []
    return result


def _ranking_rate(table: pd.DataFrame) -> pd.Series:
    """The rate the "high level per inhabitant" ranking uses; adds ``rate_eb_per_1000`` to ``table``."""
    if "population" not in table.columns or "count" not in table.columns:
        return table["rate_per_1000"]
    population = pd.to_numeric(table["population"], errors="coerce")
    smoothed = empirical_bayes(table["count"].to_numpy(dtype=float), population.to_numpy(dtype=float, na_value=np.nan))
    table["rate_eb_per_1000"] = smoothed * 1000
    return table["rate_eb_per_1000"].where(~(population < SMALL_POPULATION))


def _lang(lang: str) -> str:
    formatting.locale(lang)  # a ValueError naming the languages for anything else
    return lang


def _never(_value: float) -> bool:
    return False


def _incidents(count: float, lang: str, hidden: bool = False) -> str:
    # A hidden count takes the plural: "1 händelse" would give the ".." away.
    one = count == 1 and not hidden
    noun = ("händelse" if one else "händelser") if lang == "sv" else ("incident" if one else "incidents")
    return f"{HIDDEN if hidden else formatting.count(count, lang=lang)} {noun}"


def standout_text(count: float, rate_per_1000: float | None, change_pct: float | None, previous_period: str,
                  *, lang: str = "sv") -> str:
    """What a standing-out district's line says after its name: count, rate and change.

    Examples
    --------
    >>> print(standout_text(120, 35.44, -25.0, "mars 2024"))
    120 händelser (35 per 1 000 inv.), −25 % mot mars 2024
    >>> print(standout_text(1, None, None, "Mar 2024", lang="en"))
    1 incident
    """
    text = _incidents(count, _lang(lang))
    if rate_per_1000 is not None and pd.notna(rate_per_1000):
        per = "per 1\u00a0000 inv." if lang == "sv" else "per 1,000 inhabitants"
        text += f" ({formatting.number(rate_per_1000, lang=lang)} {per})"
    if change_pct is not None and pd.notna(change_pct):
        against = "mot" if lang == "sv" else "compared with"
        text += f", {formatting.change_percent(change_pct / 100, lang=lang)} {against} {previous_period}"
    return text


def data_quality_text(quality: DataQuality, *, districts: bool = True,
                      max_window_hours: float = DEFAULT_MAX_WINDOW_HOURS, lang: str = "sv",
                      hides: Callable[[float], bool] | None = None) -> str:
    """The "what data is loaded" sentences: how many, which dates, and what the analyses leave out.

    ``districts`` says whether the dataset has an area layer; without one nothing is said about
    incidents outside every area. ``hides`` (a viewer's :meth:`core.disclosure.View.hides`) says which
    counts are written ``".."`` below the owner's level.

    Examples
    --------
    >>> q = DataQuality(13664, pd.Timestamp("2024-01-01 08:00"), pd.Timestamp("2025-12-31 23:10"),
    ...                 pd.Series(dtype="int64"), unknown_time=1, no_place=0, with_window=2345)
    >>> print(data_quality_text(q, lang="en"))
    13,664 incidents 1 January 2024 – 31 December 2025. 2,345 have a time window (weighted aoristically); 1 has an unknown time (window over 24 h) and is left out of the time analyses; 0 lie outside every district.
    """
    lang = _lang(lang)
    hours = formatting.number(max_window_hours, 0 if float(max_window_hours).is_integer() else 1, lang=lang)
    if quality.first is not None and quality.last is not None:
        span = " " + formatting.date_span(quality.first, quality.last, lang=lang)
    else:
        span = ""
    hidden = hides or _never
    n = {key: HIDDEN if hidden(getattr(quality, key)) else formatting.number(getattr(quality, key), lang=lang)
         for key in ("n_incidents", "with_window", "unknown_time", "no_place")}
    if lang == "sv":
        parts = [
            f"{n['with_window']} har ett tidsfönster (viktas aoristiskt)",
            f"{n['unknown_time']} har okänd tid (fönster över {hours} h) och ingår inte i tidsanalyserna",
        ]
        if districts:
            parts.append(f"{n['no_place']} ligger utanför alla områden")
        places = not_places_text(quality.not_places, lang=lang, hides=hides)
        return (f"{_incidents(quality.n_incidents, lang, hidden(quality.n_incidents))}{span}. {'; '.join(parts)}."
                + (f" {places}" if places else ""))

    def verb(count: int, one: str, many: str) -> str:
        return one if count == 1 and not hidden(count) else many

    parts = [
        f"{n['with_window']} {verb(quality.with_window, 'has', 'have')} a time window (weighted aoristically)",
        f"{n['unknown_time']} {verb(quality.unknown_time, 'has', 'have')} an unknown time (window over {hours} h) "
        f"and {verb(quality.unknown_time, 'is', 'are')} left out of the time analyses",
    ]
    if districts:
        parts.append(f"{n['no_place']} {verb(quality.no_place, 'lies', 'lie')} outside every district")
    places = not_places_text(quality.not_places, lang=lang, hides=hides)
    return (f"{_incidents(quality.n_incidents, lang, hidden(quality.n_incidents))}{span}. {'; '.join(parts)}."
            + (f" {places}" if places else ""))
