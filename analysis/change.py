"""Change over time: counts per period, the same period a year earlier, and a Poisson test.

The handbook (Brå 2010) compares a period with the same period the year
before. A raw percentage says nothing about chance: 6 → 9 burglaries is
"+50 %" and well within normal variation. The change is therefore tested as
two Poisson counts with the exact conditional test (Przyborowski & Wilenski
1940; R's ``poisson.test`` with two counts): given the total ``n = before +
after``, ``after`` is Binomial(n, p0) with ``p0 = r / (1 + r)`` under "no
change in the rate", where ``r`` is the ratio of exposures (period lengths).
The rate ratio's exact confidence interval comes from the Clopper–Pearson
interval for ``p`` transformed back with ``p / (1 - p) / r``.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from scipy import stats

from core import formatting
from core.errors import InputError

__all__ = [
    "ChangeResult",
    "counts_over_time",
    "period_label",
    "period_label_sv",
    "poisson_change_test",
    "previous_year_period",
    "same_period_last_year",
    "verdict_text",
]

FREQUENCIES: dict[str, str] = {"W": "W-SUN", "M": "M", "Q": "Q-DEC", "Y": "Y-DEC"}
MINUS = "\u2212"  # typographic minus sign, as Swedish text sets it

DateLike = date | datetime | str | pd.Timestamp


def _group_columns(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def format_number_sv(value: float, decimals: int = 0) -> str:
    """Format a number the Swedish way: decimal comma, space between thousands, minus sign −.

    Examples
    --------
    >>> format_number_sv(-1234.5, 1)
    '−1 234,5'
    """
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",")
    return f"{MINUS}{text}" if value < 0 and float(text.replace(" ", "").replace(",", ".")) != 0 else text


def format_p_sv(p: float) -> str:
    """Format a p-value for a sentence: ``p = 0,03``, ``p = 0,004``, ``p < 0,001``.

    Two decimals, or three where two would hide the difference from 0.05 or
    round a small value to zero.

    Examples
    --------
    >>> format_p_sv(0.0312), format_p_sv(0.0496), format_p_sv(0.00004)
    ('p = 0,03', 'p = 0,050', 'p < 0,001')
    """
    return formatting.p_value(p, decimals=None)


# The words of the change sentences; numbers, dates and p-values come from core.formatting.
_WORDS: dict[str, dict[str, str]] = {
    "sv": {
        "subject": "Alla händelser", "period": "perioden", "previous": "samma period året innan",
        "one": "händelse", "many": "händelser", "in": "i",
        "none": "{subject}: inga händelser {period} och inga {previous}.",
        "head": "{subject}: {events} {period} mot {before} {previous}{pct}.",
        "larger": "{noun} är större än normal slumpvariation ({p}).",
        "within": "Förändringen ryms inom normal slumpvariation ({p}).",
        "ökning": "Ökningen", "minskning": "Minskningen",
        "previous_year": "samma period {year}", "previous_span": "samma period ett år tidigare",
    },
    "en": {
        "subject": "All incidents", "period": "the period", "previous": "the same period the year before",
        "one": "incident", "many": "incidents", "in": "in",
        "none": "{subject}: no incidents in {period} and none in {previous}.",
        "head": "{subject}: {events} in {period} against {before} in {previous}{pct}.",
        "larger": "{noun} is larger than normal random variation ({p}).",
        "within": "The change is within normal random variation ({p}).",
        "ökning": "The increase", "minskning": "The decrease",
        "previous_year": "the same period in {year}", "previous_span": "the same period a year earlier",
    },
}
VERDICTS_EN: dict[str, str] = {
    "ökning": "increase", "minskning": "decrease", "inom slumpvariation": "within random variation",
}


def _words(lang: str) -> dict[str, str]:
    formatting.locale(lang)  # a ValueError naming the languages for anything else
    return _WORDS[lang]


def verdict_text(verdict: str, *, lang: str = "sv") -> str:
    """A verdict (``ChangeResult.verdict``, always Swedish) in the reader's language.

    Examples
    --------
    >>> verdict_text("minskning"), verdict_text("minskning", lang="en")
    ('minskning', 'decrease')
    """
    _words(lang)
    return verdict if lang == "sv" else VERDICTS_EN.get(verdict, verdict)


def _events(count: int, lang: str = "sv") -> str:
    words = _words(lang)
    return f"{formatting.number(count, lang=lang)} {words['one'] if count == 1 else words['many']}"


@dataclass(frozen=True)
class ChangeResult:
    """The exact conditional test of two Poisson counts (before → after).

    Attributes
    ----------
    before, after : int
        The counts in the earlier and the later period.
    exposure_ratio : float
        Exposure of the later period divided by that of the earlier one
        (e.g. days, or population × days); 1 for equally long periods.
    rate_ratio : float
        ``(after / before) / exposure_ratio``; inf when ``before`` is 0 and
        NaN when both are 0.
    ci_low, ci_high : float
        Exact (Clopper–Pearson) confidence interval of the rate ratio.
    p_value : float
        Two-sided exact p-value (binomial, "minimum likelihood" method as in
        ``scipy.stats.binomtest`` and R's ``binom.test``).
    alpha : float
        Significance level used by ``significant`` and the sentences.
    """

    before: int
    after: int
    exposure_ratio: float
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    alpha: float = 0.05

    @property
    def change_pct(self) -> float:
        """Change of the raw counts in per cent (NaN when ``before`` is 0)."""
        return 100.0 * (self.after / self.before - 1.0) if self.before else math.nan

    @property
    def significant(self) -> bool:
        """Whether the change is larger than normal random variation (``p < alpha``)."""
        return bool(self.p_value < self.alpha)

    @property
    def verdict(self) -> str:
        """``"ökning"``, ``"minskning"`` or ``"inom slumpvariation"`` (Swedish keys; see :func:`verdict_text`)."""
        if not self.significant:
            return "inom slumpvariation"
        return "ökning" if self.after > self.before * self.exposure_ratio else "minskning"

    def summary(
        self, subject: str | None = None, period: str | None = None, previous: str | None = None,
        *, lang: str = "sv",
    ) -> str:
        """One plain sentence (two short ones) for a steering group, in Swedish or English.

        ``subject``, ``period`` and ``previous`` default to "all incidents", "the period" and
        "the same period the year before" in ``lang``.

        Examples
        --------
        >>> result = poisson_change_test(148, 112)
        >>> print(result.summary("Misshandel utomhus i Centrum", "jan–apr 2025", "samma period 2024"))
        Misshandel utomhus i Centrum: 112 händelser jan–apr 2025 mot 148 samma period 2024 (−24 %). Minskningen är större än normal slumpvariation (p = 0,03).
        >>> print(result.summary("Assault outdoors", "Jan–Apr 2025", "the same period in 2024", lang="en"))
        Assault outdoors: 112 incidents in Jan–Apr 2025 against 148 in the same period in 2024 (-24%). The decrease is larger than normal random variation (p = 0.03).
        """
        words = _words(lang)
        subject = words["subject"] if subject is None else subject
        period = words["period"] if period is None else period
        previous = words["previous"] if previous is None else previous
        if self.before == 0 and self.after == 0:
            return words["none"].format(subject=subject, period=period, previous=previous)
        pct = f" ({formatting.change_percent(self.change_pct / 100, lang=lang)})" if self.before else ""
        head = words["head"].format(subject=subject, events=_events(self.after, lang), period=period,
                                    before=formatting.number(self.before, lang=lang), previous=previous, pct=pct)
        p_text = formatting.p_value(self.p_value, lang=lang, decimals=None)
        if self.significant:
            return f"{head} {words['larger'].format(noun=words[self.verdict], p=p_text)}"
        return f"{head} {words['within'].format(p=p_text)}"

    def summary_sv(
        self, subject: str = "Alla händelser", period: str = "perioden", previous: str = "samma period året innan"
    ) -> str:
        """The Swedish :meth:`summary` (kept for the stored snapshots and reports that read it)."""
        return self.summary(subject, period, previous, lang="sv")


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not float(value).is_integer() or float(value) < 0:  # type: ignore[arg-type]
        raise InputError(f"Antalet '{name}' måste vara ett heltal som är 0 eller större (fick {value}).")
    return int(value)  # type: ignore[call-overload]


def poisson_change_test(
    before: int, after: int, *, exposure_ratio: float = 1.0, alpha: float = 0.05
) -> ChangeResult:
    """Test whether ``after`` differs from ``before`` more than Poisson variation allows.

    Conditional on the total ``n = before + after``, ``after`` is
    Binomial(n, p0) with ``p0 = r / (1 + r)``, ``r = exposure_ratio``, when
    the underlying rate did not change. The p-value is the two-sided exact
    binomial p; the rate ratio's CI is Clopper–Pearson on ``p`` mapped back by
    ``p / (1 - p) / r``.

    Parameters
    ----------
    before, after : int
        Counts in the earlier and the later period.
    exposure_ratio : float
        Exposure of the later period over the earlier one (1 = equal).
    alpha : float
        Significance level; the CI has confidence ``1 - alpha``.

    Returns
    -------
    ChangeResult

    Examples
    --------
    >>> result = poisson_change_test(148, 112)
    >>> round(result.p_value, 3), round(result.rate_ratio, 3), result.verdict
    (0.03, 0.757, 'minskning')
    >>> poisson_change_test(6, 9).verdict
    'inom slumpvariation'
    """
    before = _check_count(before, "före")
    after = _check_count(after, "efter")
    if not (exposure_ratio > 0 and math.isfinite(exposure_ratio)):
        raise InputError("Exponeringskvoten måste vara ett positivt tal.")
    total = before + after
    if total == 0:
        return ChangeResult(0, 0, exposure_ratio, math.nan, 0.0, math.inf, 1.0, alpha)
    p0 = exposure_ratio / (1.0 + exposure_ratio)
    test = stats.binomtest(after, total, p0, alternative="two-sided")
    # Clopper–Pearson in closed form (beta quantiles): the same interval as binomtest's
    # proportion_ci(method="exact"), without its root finding, which the dashboard would pay for
    # every district and category on every rerun.
    low = 0.0 if after == 0 else float(stats.beta.ppf(alpha / 2, after, total - after + 1))
    high = 1.0 if after == total else float(stats.beta.ppf(1 - alpha / 2, after + 1, total - after))

    def to_ratio(p: float) -> float:
        return math.inf if p >= 1.0 else p / (1.0 - p) / exposure_ratio

    rate_ratio = math.inf if before == 0 else (after / before) / exposure_ratio
    return ChangeResult(
        before, after, exposure_ratio, rate_ratio, to_ratio(low), to_ratio(high),
        float(min(test.pvalue, 1.0)), alpha,
    )


def _as_date(value: DateLike, name: str) -> date:
    try:
        timestamp = pd.Timestamp(value)
    except (ValueError, TypeError) as error:
        raise InputError(f"Ogiltigt datum för {name}: {value!r} (använd ÅÅÅÅ-MM-DD).") from error
    if pd.isna(timestamp):
        raise InputError(f"Datum saknas för {name}.")
    return timestamp.date()


def _shift_year(day: date, years: int, *, month_end: bool) -> date:
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    if month_end and day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, day.month, last)
    return date(year, day.month, min(day.day, last))


def previous_year_period(start: DateLike, end: DateLike) -> tuple[date, date]:
    """The same period one year earlier, both ends inclusive.

    29 February becomes 28 February. An end on the last day of a month stays
    on the last day of that month, so "januari–februari 2025" (ending 28 Feb)
    is compared with January–February 2024 including 29 Feb.

    Examples
    --------
    >>> previous_year_period("2024-01-01", "2024-02-29")
    (datetime.date(2023, 1, 1), datetime.date(2023, 2, 28))
    >>> previous_year_period("2025-01-01", "2025-02-28")
    (datetime.date(2024, 1, 1), datetime.date(2024, 2, 29))
    """
    start_day, end_day = _as_date(start, "från"), _as_date(end, "till")
    if end_day < start_day:
        raise InputError(f"Perioden slutar ({end_day}) före den börjar ({start_day}).")
    return _shift_year(start_day, -1, month_end=False), _shift_year(end_day, -1, month_end=True)


def period_label(start: DateLike, end: DateLike, *, lang: str = "sv") -> str:
    """A short label for an inclusive date range in ``lang`` (``jan–apr 2025`` / ``Jan–Apr 2025``).

    Examples
    --------
    >>> period_label("2025-01-01", "2025-04-30", lang="en")
    'Jan–Apr 2025'
    """
    return formatting.period_label(_as_date(start, "från"), _as_date(end, "till"), lang=lang)


def period_label_sv(start: DateLike, end: DateLike) -> str:
    """A short Swedish label for an inclusive date range.

    Examples
    --------
    >>> period_label_sv("2025-01-01", "2025-04-30")
    'jan–apr 2025'
    >>> period_label_sv("2024-11-01", "2025-02-28")
    'nov 2024–feb 2025'
    >>> period_label_sv("2025-03-05", "2025-03-20")
    '5–20 mars 2025'
    """
    return period_label(start, end, lang="sv")


def _in_period(incidents: pd.DataFrame, first: date, last: date) -> np.ndarray:
    when = incidents["occurred_from"]
    return ((when >= pd.Timestamp(first)) & (when < pd.Timestamp(last) + pd.Timedelta(days=1))).to_numpy()


def counts_over_time(
    incidents: pd.DataFrame,
    *,
    freq: str = "M",
    by: str | Sequence[str] | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
) -> pd.DataFrame:
    """Number of incidents per week, month, quarter or year, per group.

    Every period from ``start`` (default: the first incident) to ``end``
    (default: the last) is present for every group seen, with 0 where nothing
    happened, so a line chart shows the gaps. Groups are columns of
    ``incidents``; to count per area add an ``area_id`` column first, e.g.
    ``incidents.assign(area_id=keys[analysis.aggregate.area_assignment(...)])``.

    Parameters
    ----------
    incidents : DataFrame
        Canonical incidents; periods follow ``occurred_from``.
    freq : {"W", "M", "Q", "Y"}
        Week (Monday–Sunday), month, quarter or calendar year.
    by : str or list of str, optional
        Columns to group by, e.g. ``"category"`` or ``["area_id", "category"]``.
    start, end : date-like, optional
        The first and last day to cover.

    Returns
    -------
    DataFrame
        Columns ``*by, period`` (pandas ``Period``), ``period_start`` and
        ``count``, sorted by group and period.

    Examples
    --------
    >>> incidents = pd.DataFrame({"category": ["Klotter", "Klotter", "Cykelstöld"],
    ...     "occurred_from": pd.to_datetime(["2024-01-05", "2024-03-02", "2024-01-20"])})
    >>> counts_over_time(incidents, by="category")[["category", "period", "count"]]
         category   period  count
    0  Cykelstöld  2024-01      1
    1  Cykelstöld  2024-02      0
    2  Cykelstöld  2024-03      0
    3     Klotter  2024-01      1
    4     Klotter  2024-02      0
    5     Klotter  2024-03      1
    """
    if freq not in FREQUENCIES:
        raise InputError(f"Okänd periodlängd {freq!r}; välj W (vecka), M (månad), Q (kvartal) eller Y (år).")
    columns = _group_columns(by)
    missing = [c for c in ["occurred_from", *columns] if c not in incidents]
    if missing:
        raise InputError(f"Kolumnen saknas: {', '.join(missing)}.")
    when = pd.to_datetime(incidents["occurred_from"])
    keep = when.notna().to_numpy().copy()
    if start is not None:
        keep &= (when >= pd.Timestamp(_as_date(start, "från"))).to_numpy()
    if end is not None:
        keep &= (when < pd.Timestamp(_as_date(end, "till")) + pd.Timedelta(days=1)).to_numpy()
    periods = when[keep].dt.to_period(FREQUENCIES[freq])
    first = pd.Period(_as_date(start, "från"), FREQUENCIES[freq]) if start is not None else periods.min()
    last = pd.Period(_as_date(end, "till"), FREQUENCIES[freq]) if end is not None else periods.max()
    output_columns = [*columns, "period", "period_start", "count"]
    if pd.isna(first) or pd.isna(last):
        return pd.DataFrame(columns=output_columns)
    all_periods = pd.period_range(first, last, freq=FREQUENCIES[freq], name="period")
    frame = incidents.loc[keep, columns].copy()
    # Group on the periods' integer ordinals: boxing a million Period objects takes seconds.
    frame["period"] = periods.array.asi8
    counts = frame.groupby([*columns, "period"], observed=True, dropna=False).size()
    ordinals = pd.Index(all_periods.asi8, name="period")
    if columns:
        groups = counts.index.droplevel("period").unique()
        if len(columns) == 1:
            groups = pd.MultiIndex.from_arrays([groups], names=columns)
        full = pd.MultiIndex.from_tuples(
            [(*g, p) for g in groups for p in ordinals], names=[*columns, "period"]
        )
    else:
        full = ordinals
    result = counts.reindex(full, fill_value=0).rename("count").reset_index()
    result["period"] = pd.PeriodIndex.from_ordinals(result["period"].to_numpy(), freq=FREQUENCIES[freq])
    result["count"] = result["count"].astype("int64")
    result["period_start"] = result["period"].dt.start_time
    return result.sort_values([*columns, "period"], kind="stable").reset_index(drop=True)[output_columns]


def _subject(values: dict[str, object], area_names: dict[object, str] | None, default: str,
             lang: str = "sv") -> str:
    area = values.pop("area_id", None) if "area_id" in values else None
    parts = [str(v) for v in values.values() if not pd.isna(v)]
    text = ", ".join(parts) if parts else default
    if area is not None:
        name = (area_names or {}).get(area)
        text = f"{text} {_words(lang)['in']} {name if isinstance(name, str) and name else area}"
    return text


def _previous_label(prev_first: date, prev_last: date, lang: str) -> str:
    words = _words(lang)
    if prev_first.year == prev_last.year:
        return words["previous_year"].format(year=prev_first.year)
    return words["previous_span"]


def same_period_last_year(
    incidents: pd.DataFrame,
    start: DateLike,
    end: DateLike,
    *,
    by: str | Sequence[str] | None = None,
    area_names: dict[object, str] | None = None,
    subject: str | None = None,
    alpha: float = 0.05,
    lang: str = "sv",
) -> pd.DataFrame:
    """Compare ``start``–``end`` with the same period a year earlier, per group.

    Both ends are inclusive dates ("till och med"). The earlier period comes
    from :func:`previous_year_period` (29 February handled). Each group is
    tested with :func:`poisson_change_test`; the exposure ratio is the ratio
    of the periods' lengths in days, so a leap day is not read as an
    increase, while ``change_pct`` is the plain change of the counts.

    Parameters
    ----------
    incidents : DataFrame
        Canonical incidents (only ``occurred_from`` and the ``by`` columns are used).
    start, end : date-like
        The later period.
    by : str or list of str, optional
        Group columns, e.g. ``"category"`` or ``["area_id", "category"]``.
        Groups with no incident in either period are left out.
    area_names : dict, optional
        ``area_id → name`` for the sentences.
    subject : str, optional
        What the sentence is about when there are no non-area groups
        (default "Alla händelser" / "All incidents").
    alpha : float
        Significance level.
    lang : {"sv", "en"}
        Language of ``period``, ``previous_period``, ``verdict_text`` and ``summary``;
        ``verdict`` and ``summary_sv`` stay Swedish whatever the language.

    Returns
    -------
    DataFrame
        One row per group: ``*by, period, previous_period, before, after,
        change_pct, rate_ratio, ci_low, ci_high, p_value, verdict, verdict_text,
        summary_sv, summary``.

    Examples
    --------
    >>> incidents = pd.DataFrame({"occurred_from": pd.to_datetime(
    ...     ["2024-02-10"] * 30 + ["2025-03-01"] * 12)})
    >>> row = same_period_last_year(incidents, "2025-01-01", "2025-04-30").iloc[0]
    >>> row["before"], row["after"], row["verdict"]
    (np.int64(30), np.int64(12), 'minskning')
    >>> print(row["summary_sv"])
    Alla händelser: 12 händelser jan–apr 2025 mot 30 samma period 2024 (−60 %). Minskningen är större än normal slumpvariation (p = 0,008).
    >>> english = same_period_last_year(incidents, "2025-01-01", "2025-04-30", lang="en").iloc[0]
    >>> print(english["summary"])
    All incidents: 12 incidents in Jan–Apr 2025 against 30 in the same period in 2024 (-60%). The decrease is larger than normal random variation (p = 0.008).
    """
    first, last = _as_date(start, "från"), _as_date(end, "till")
    prev_first, prev_last = previous_year_period(first, last)
    columns = _group_columns(by)
    missing = [c for c in ["occurred_from", *columns] if c not in incidents]
    if missing:
        raise InputError(f"Kolumnen saknas: {', '.join(missing)}.")
    after_mask = _in_period(incidents, first, last)
    before_mask = _in_period(incidents, prev_first, prev_last)
    words = _words(lang)
    # "samma period 2024" only when both periods lie within one calendar year each.
    same_years = first.year == last.year and prev_first.year == prev_last.year
    labels = {
        language: (period_label(first, last, lang=language),
                   _previous_label(prev_first, prev_last, language) if same_years else _words(language)["previous_span"])
        for language in {"sv", lang}
    }
    exposure = ((last - first).days + 1) / ((prev_last - prev_first).days + 1)

    if columns:
        def count(mask: np.ndarray) -> pd.Series:
            return incidents.loc[mask, columns].groupby(columns, observed=True, dropna=False).size()

        table = pd.concat({"before": count(before_mask), "after": count(after_mask)}, axis=1)
        table = table.fillna(0).astype("int64").sort_index().reset_index()
    else:
        table = pd.DataFrame({"before": [int(before_mask.sum())], "after": [int(after_mask.sum())]})

    rows = []
    for record in table.to_dict("records"):
        result = poisson_change_test(record["before"], record["after"], exposure_ratio=exposure, alpha=alpha)
        groups = {c: record[c] for c in columns}
        sv_subject = _subject(dict(groups), area_names, "Alla händelser" if subject is None else subject)
        chosen_subject = _subject(dict(groups), area_names, words["subject"] if subject is None else subject, lang)
        rows.append({
            **groups,
            "period": labels[lang][0],
            "previous_period": period_label(prev_first, prev_last, lang=lang),
            "before": result.before,
            "after": result.after,
            "change_pct": result.change_pct,
            "rate_ratio": result.rate_ratio,
            "ci_low": result.ci_low,
            "ci_high": result.ci_high,
            "p_value": result.p_value,
            "verdict": result.verdict,
            "verdict_text": verdict_text(result.verdict, lang=lang),
            "summary_sv": result.summary(sv_subject, *labels["sv"], lang="sv"),
            "summary": result.summary(chosen_subject, *labels[lang], lang=lang),
        })
    output = pd.DataFrame(rows, columns=[
        *columns, "period", "previous_period", "before", "after", "change_pct", "rate_ratio",
        "ci_low", "ci_high", "p_value", "verdict", "verdict_text", "summary_sv", "summary",
    ])
    output[["before", "after"]] = output[["before", "after"]].astype("int64")
    output.attrs.update(start=first, end=last, previous_start=prev_first, previous_end=prev_last,
                        exposure_ratio=exposure)
    return output
