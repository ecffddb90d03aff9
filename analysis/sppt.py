"""Did the pattern change, or just the total? Andresen's spatial point pattern test (S-index).

The test compares where two sets of incidents fall — two periods, or two sources such as the
police's and the kommun's reports — area by area, on each area's *share* of the incidents, so
a total that rises or falls everywhere alike does not count as a change. It follows the R
package ``sppt`` (Steenbeek, Vandeviver, Andresen, Malleson & Wheeler, version 0.2.3):

``method="sppt"``
    Andresen's original test (R ``sppt``): the test incidents are resampled (by default 85 %
    of them, without replacement, 200 times); an area is *similar* when its base share lies
    inside the middle 95 % of the resampled test shares.
``method="boot"``
    R ``sppt_boot``: both sets are bootstrapped (as many as there are, with replacement) and
    an area differs when the middle 95 % of the differences in share excludes 0.
``method="diff"``
    R ``sppt_diff``: a proportion test per area (chi-square with the N−1 correction by default)
    with the p-values adjusted for multiple comparisons (Benjamini–Yekutieli by default).

The global S-index is the share of areas that are similar; the robust S-index leaves out the
areas with no incidents in either set (an empty area is trivially "similar").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from core import formatting

Method = Literal["sppt", "boot", "diff"]
METHODS: tuple[str, ...] = ("sppt", "boot", "diff")
DiffTest = Literal["Chi2_Nmin1", "Chi2", "Yates", "Fisher"]
DIFF_TESTS: tuple[str, ...] = ("Chi2_Nmin1", "Chi2", "Yates", "Fisher")
ADJUSTMENTS: tuple[str, ...] = ("BY", "BH", "holm", "bonferroni", "none")
CHANGES: tuple[str, ...] = ("similar", "higher", "lower")
# Andresen (2009) and later work read S >= 0.80 as "similar patterns".
SIMILAR_S = 0.80

CHANGE_LABELS: dict[str, dict[str, str]] = {
    "sv": {"similar": "liknande", "higher": "högre andel", "lower": "lägre andel"},
    "en": {"similar": "similar", "higher": "higher share", "lower": "lower share"},
}


@dataclass(frozen=True)
class SpptResult:
    """The outcome of :func:`sppt`: one row per area and the global S-indices.

    ``table`` is indexed by the area keys in the areas' order, with ``base_count``,
    ``test_count``, ``base_share`` and ``test_share`` (per cent of the incidents inside
    some area), ``lower`` and ``upper`` (the interval the area is judged on: resampled test
    shares for ``sppt``, differences test − base for ``boot``, missing for ``diff``),
    ``p_value`` and ``p_adjusted`` (``diff`` only), ``change`` (``similar``/``higher``/
    ``lower``: the test share compared with the base share) and ``robust`` (the area has
    incidents in at least one set and so counts in the robust S).
    """

    table: pd.DataFrame
    s_index: float
    robust_s_index: float
    method: str
    conf_level: float
    n_samples: int
    sample_percent: float
    seed: int | None

    @property
    def n_higher(self) -> int:
        """Areas whose share is higher in the test set."""
        return int(self.table["change"].eq("higher").sum())

    @property
    def n_lower(self) -> int:
        """Areas whose share is lower in the test set."""
        return int(self.table["change"].eq("lower").sum())

    def sentence(self, *, lang: str = "sv") -> str:
        """The verdict in a sentence (see :func:`sppt_sentence`)."""
        return sppt_sentence(self, lang=lang)


def _shares(counts: np.ndarray) -> np.ndarray:
    # As R: nevents / sum(nevents) * 100, so that equal counts give bit-identical shares.
    counts = np.asarray(counts, dtype=float)
    total = counts.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, counts / total * 100, np.nan)


def _columns(n_samples: int, conf_level: float) -> tuple[int, int]:
    """The 0-based ranks of the interval ends among sorted samples, exactly as R sppt picks them."""
    alpha_half = (100 - conf_level) / 100 / 2
    lower = math.floor(alpha_half * n_samples) + 1
    upper = math.ceil((1 - alpha_half) * n_samples)
    return lower - 1, upper - 1


def _resample(counts: np.ndarray, size: int, n_samples: int, bootstrap: bool,
              rng: np.random.Generator) -> np.ndarray:
    """Area counts of ``n_samples`` resamples of the incidents behind ``counts``.

    Drawing ``size`` incidents without replacement gives multivariate hypergeometric area
    counts, with replacement multinomial ones: the same distribution as R's ``sample`` of
    point ids, without materialising a point per incident.
    """
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros((n_samples, len(counts)), dtype=np.int64)
    if bootstrap:
        return rng.multinomial(size, counts / total, size=n_samples)
    return rng.multivariate_hypergeometric(counts, size, size=n_samples)


def p_adjust(p: np.ndarray, method: str = "BY") -> np.ndarray:
    """Adjusted p-values as R's ``p.adjust``; missing values are left out and stay missing.

    Examples
    --------
    >>> p_adjust(np.array([0.01, 0.02, 0.03, np.nan]), "bonferroni").round(2).tolist()
    [0.03, 0.06, 0.09, nan]
    """
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    values = p[finite]
    n = len(values)
    if n == 0 or method == "none":
        out[finite] = values
        return out
    if method in ("BY", "BH"):
        out[finite] = stats.false_discovery_control(values, method=method.lower())
    elif method == "bonferroni":
        out[finite] = np.minimum(1.0, values * n)
    elif method == "holm":
        order = np.argsort(values, kind="stable")
        stepped = np.maximum.accumulate((n - np.arange(n)) * values[order])
        adjusted = np.empty(n)
        adjusted[order] = np.minimum(1.0, stepped)
        out[finite] = adjusted
    else:
        raise ValueError(f"Okänd justering '{method}'. Välj en av: {', '.join(ADJUSTMENTS)}.")
    return out


def _diff_p(nb: int, nt: int, total_b: int, total_t: int, test: str) -> float:
    table = np.array([[nb, total_b - nb], [nt, total_t - nt]], dtype=float)
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return math.nan  # as R's chisq.test: an empty row or column has no expected counts
    if test == "Fisher":
        return float(stats.fisher_exact(table.astype(np.int64)).pvalue)
    statistic = stats.chi2_contingency(table, correction=test == "Yates").statistic
    if test == "Chi2_Nmin1":
        n = table.sum()
        statistic = statistic * (n - 1) / n  # the 'N−1' chi-square (Campbell 2007), sppt's default
    return float(stats.chi2.sf(statistic, 1))


def sppt_counts(
    base_counts: np.ndarray | pd.Series,
    test_counts: np.ndarray | pd.Series,
    *,
    keys: pd.Index | None = None,
    method: Method = "sppt",
    n_samples: int = 200,
    sample_percent: float = 85,
    conf_level: float = 95,
    bootstrap: bool | None = None,
    test: DiffTest = "Chi2_Nmin1",
    adjust: str = "BY",
    seed: int | None = None,
) -> SpptResult:
    """The spatial point pattern test on incident counts per area.

    Parameters
    ----------
    base_counts, test_counts : array-like of int
        Incidents per area in the base set (e.g. the earlier period) and the test set; only
        incidents inside some area are counted, as R ``sppt`` drops the others.
    keys : Index, optional
        Area keys for the result's index (default: ``0 … n−1``, or the Series' index).
    method : {"sppt", "boot", "diff"}
        Andresen's original test, the two-sided bootstrap, or the proportion test.
    n_samples : int
        Resamples (``sppt``, ``boot``); 200 as in R sppt.
    sample_percent : float
        Share of the test incidents drawn in each resample without replacement (``sppt``
        with ``bootstrap=False``; ``boot`` with ``bootstrap=False``); 85 as in R sppt.
    conf_level : float
        Confidence level in per cent (95).
    bootstrap : bool, optional
        Draw as many incidents as there are, with replacement. Default as in R: ``False``
        for ``sppt``, ``True`` for ``boot``.
    test : {"Chi2_Nmin1", "Chi2", "Yates", "Fisher"}
        The proportion test of ``diff``.
    adjust : {"BY", "BH", "holm", "bonferroni", "none"}
        Multiple-comparison adjustment of ``diff``'s p-values.
    seed : int, optional
        Seed of the resampling, for reproducible results.

    Returns
    -------
    SpptResult

    Examples
    --------
    >>> result = sppt_counts([10, 10, 10, 10], [10, 10, 10, 10], seed=1)
    >>> result.s_index, result.table["change"].tolist()
    (1.0, ['similar', 'similar', 'similar', 'similar'])
    >>> print(result.sentence())
    Mönstret är i stort sett detsamma: 100 % av områdena har en liknande andel (S = 1,00).
    """
    if method not in METHODS:
        raise ValueError(f"Okänd metod '{method}'. Välj en av: {', '.join(METHODS)}.")
    if test not in DIFF_TESTS:
        raise ValueError(f"Okänt test '{test}'. Välj ett av: {', '.join(DIFF_TESTS)}.")
    if adjust not in ADJUSTMENTS:
        raise ValueError(f"Okänd justering '{adjust}'. Välj en av: {', '.join(ADJUSTMENTS)}.")
    if not 0 < conf_level < 100:
        raise ValueError("Konfidensnivån måste ligga mellan 0 och 100 procent, t.ex. 95.")
    if not 0 < sample_percent <= 100:
        raise ValueError("Andelen som dras i varje omdragning måste ligga mellan 0 och 100 procent, t.ex. 85.")
    if int(n_samples) < 2:
        raise ValueError("Antalet omdragningar måste vara minst 2 (R sppt använder 200).")
    n_samples = int(n_samples)
    if keys is None and isinstance(base_counts, pd.Series):
        keys = base_counts.index
    base = np.asarray(base_counts, dtype=np.int64)
    test_ = np.asarray(test_counts, dtype=np.int64)
    if base.shape != test_.shape or base.ndim != 1:
        raise ValueError("Bas- och testräkningarna måste ha ett värde per område.")
    if (base < 0).any() or (test_ < 0).any():
        raise ValueError("Antal händelser kan inte vara negativa.")
    if base.sum() == 0 or test_.sum() == 0:
        raise ValueError("Både bas- och testmängden måste ha minst en händelse inom områdena.")
    keys = pd.RangeIndex(len(base), name="area_id") if keys is None else pd.Index(keys, name="area_id")
    rng = np.random.default_rng(seed)
    base_share = _shares(base)
    test_share = _shares(test_)
    lower = np.full(len(base), np.nan)
    upper = np.full(len(base), np.nan)
    p_value = np.full(len(base), np.nan)
    p_adjusted = np.full(len(base), np.nan)
    low_col, high_col = _columns(n_samples, conf_level)

    def size_of(counts: np.ndarray, with_replacement: bool) -> int:
        total = int(counts.sum())
        # R's round() rounds half to even, as Python's round().
        return total if with_replacement else int(round(sample_percent / 100 * total))

    if method == "sppt":
        replace = bool(bootstrap) if bootstrap is not None else False
        samples = _shares(_resample(test_, size_of(test_, replace), n_samples, replace, rng))
        ordered = np.sort(samples, axis=0)
        lower, upper = ordered[low_col], ordered[high_col]
        # R: SIndex −1 (test higher) when the base share is below the test interval.
        change = np.where(base_share < lower, "higher", np.where(base_share > upper, "lower", "similar"))
    elif method == "boot":
        replace = bool(bootstrap) if bootstrap is not None else True
        base_samples = _shares(_resample(base, size_of(base, replace), n_samples, replace, rng))
        test_samples = _shares(_resample(test_, size_of(test_, replace), n_samples, replace, rng))
        ordered = np.sort(test_samples - base_samples, axis=0)
        lower, upper = ordered[low_col], ordered[high_col]
        change = np.where(lower > 0, "higher", np.where(upper < 0, "lower", "similar"))
    else:
        total_b, total_t = int(base.sum()), int(test_.sum())
        p_value = np.array([_diff_p(int(b), int(t), total_b, total_t, test) for b, t in zip(base, test_, strict=True)])
        p_adjusted = p_adjust(p_value, adjust)
        alpha = 1 - conf_level / 100
        # An area with no p-value (no incidents in either set) stays similar, as in R.
        significant = np.isfinite(p_adjusted) & (p_adjusted < alpha) & (p_value < alpha)
        change = np.where(significant & (test_share > base_share), "higher",
                          np.where(significant & (test_share < base_share), "lower", "similar"))
    robust = (base + test_) > 0
    similar = change == "similar"
    table = pd.DataFrame({
        "base_count": base, "test_count": test_, "base_share": base_share, "test_share": test_share,
        "lower": lower, "upper": upper, "p_value": p_value, "p_adjusted": p_adjusted,
        "change": pd.array(change, dtype="string"), "robust": robust,
    }, index=keys)
    return SpptResult(
        table=table,
        s_index=float(similar.mean()),
        robust_s_index=float(similar[robust].mean()) if robust.any() else math.nan,
        method=method, conf_level=float(conf_level), n_samples=n_samples,
        sample_percent=float(sample_percent), seed=seed,
    )


def sppt(
    base: pd.DataFrame,
    test: pd.DataFrame,
    areas,
    *,
    base_assignment: np.ndarray | None = None,
    test_assignment: np.ndarray | None = None,
    **options,
) -> SpptResult:
    """Andresen's spatial point pattern test between two sets of incidents over ``areas``.

    ``base`` and ``test`` are canonical incidents (``x``, ``y``, ``attrs["crs"]``); each is
    assigned to ``areas`` (polygons with ``area_id``, see :func:`analysis.aggregate.area_keys`)
    unless its area positions are given (``*_assignment``, ``-1`` outside every area).
    Incidents outside every area are left out, as in R sppt. ``options`` are those of
    :func:`sppt_counts` (``method``, ``n_samples``, ``sample_percent``, ``conf_level``,
    ``bootstrap``, ``test`` (the proportion test), ``adjust``, ``seed``). The table gains the
    areas' ``name`` when they have one.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> areas = gpd.GeoDataFrame({"area_id": ["N", "S"]},
    ...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(0, 10, 10, 20)], crs="EPSG:3006")
    >>> def incidents(ys):
    ...     frame = pd.DataFrame({"x": [5.0] * len(ys), "y": ys})
    ...     frame.attrs["crs"] = "EPSG:3006"
    ...     return frame
    >>> result = sppt(incidents([1.0] * 20 + [15.0] * 20), incidents([1.0] * 30 + [15.0] * 30), areas, seed=3)
    >>> result.s_index
    1.0
    """
    from analysis.aggregate import area_assignment, area_keys

    keys = area_keys(areas)
    counts = []
    for frame, given in ((base, base_assignment), (test, test_assignment)):
        positions = area_assignment(frame, areas) if given is None else np.asarray(given, dtype=np.int64)
        counts.append(np.bincount(positions[positions >= 0], minlength=len(keys)))
    result = sppt_counts(counts[0], counts[1], keys=keys, **options)
    if "name" in getattr(areas, "columns", ()):
        result.table.insert(0, "name", areas["name"].to_numpy())
    return result


def sppt_sentence(result: SpptResult, *, lang: str = "sv") -> str:
    """The verdict: is the pattern about the same, or where did it change?

    Uses the robust S-index (areas with no incidents in either set say nothing about the
    pattern) and says so when it leaves areas out. "About the same" is S ≥ 0,80.

    Examples
    --------
    >>> table = pd.DataFrame({"change": ["similar"] * 6 + ["higher"] * 3 + ["lower"],
    ...                       "robust": [True] * 10})
    >>> result = SpptResult(table, 0.6, 0.6, "sppt", 95.0, 200, 85.0, None)
    >>> print(result.sentence())
    Mönstret har ändrats i 4 av 10 områden: 3 har en högre andel och 1 en lägre (S = 0,60).
    >>> print(result.sentence(lang="en"))
    The pattern has changed in 4 of 10 areas: 3 have a higher share and 1 a lower one (S = 0.60).
    """
    formatting.locale(lang)
    table = result.table
    robust = table["robust"].to_numpy(dtype=bool)
    n = int(robust.sum())
    changed = int((table["change"].ne("similar").to_numpy(dtype=bool) & robust).sum())
    higher, lower = result.n_higher, result.n_lower
    s = result.robust_s_index
    s_text = formatting.number(s, 2, lang=lang) if n else "–"
    share = formatting.percent(s, lang=lang) if n else "–"
    left_out = len(table) - n
    if lang == "sv":
        if n and s >= SIMILAR_S:
            text = f"Mönstret är i stort sett detsamma: {share} av områdena har en liknande andel (S = {s_text})."
            if changed:
                text += f" {_sv_changes(higher, lower, capital=True)}."
        else:
            text = (f"Mönstret har ändrats i {formatting.number(changed, lang=lang)} av "
                    f"{formatting.number(n, lang=lang)} områden: {_sv_changes(higher, lower)} (S = {s_text}).")
        if left_out:
            text += (f" {formatting.number(left_out, lang=lang)} "
                     f"{'område' if left_out == 1 else 'områden'} utan händelser i båda mängderna räknas inte "
                     f"(S med dem = {formatting.number(result.s_index, 2, lang=lang)}).")
        return text
    if n and s >= SIMILAR_S:
        text = f"The pattern is much the same: {share} of the areas have a similar share (S = {s_text})."
        if changed:
            text += f" {_en_changes(higher, lower, capital=True)}."
    else:
        text = (f"The pattern has changed in {formatting.number(changed, lang=lang)} of "
                f"{formatting.number(n, lang=lang)} areas: {_en_changes(higher, lower)} (S = {s_text}).")
    if left_out:
        text += (f" {formatting.number(left_out, lang=lang)} {'area' if left_out == 1 else 'areas'} with no "
                 f"incidents in either set {'is' if left_out == 1 else 'are'} left out "
                 f"(S with them = {formatting.number(result.s_index, 2, lang=lang)}).")
    return text


def _sv_changes(higher: int, lower: int, *, capital: bool = False) -> str:
    # Standing alone (``capital``) the sentence names its noun: "1 område har en högre andel."
    def noun(n: int) -> str:
        return (" område" if n == 1 else " områden") if capital else ""

    parts = []
    if higher:
        parts.append(f"{formatting.number(higher, lang='sv')}{noun(higher)} har en högre andel")
    if lower:
        parts.append(f"{formatting.number(lower, lang='sv')} en lägre" if higher
                     else f"{formatting.number(lower, lang='sv')}{noun(lower)} har en lägre andel")
    text = " och ".join(parts) if parts else "inget område har en annan andel"
    return text[0].upper() + text[1:] if capital else text


def _en_changes(higher: int, lower: int, *, capital: bool = False) -> str:
    def noun(n: int) -> str:
        return (" area" if n == 1 else " areas") if capital else ""

    def verb(n: int) -> str:
        return "has" if n == 1 else "have"

    parts = []
    if higher:
        parts.append(f"{formatting.number(higher, lang='en')}{noun(higher)} {verb(higher)} a higher share")
    if lower:
        parts.append(f"{formatting.number(lower, lang='en')} a lower one" if higher
                     else f"{formatting.number(lower, lang='en')}{noun(lower)} {verb(lower)} a lower share")
    text = " and ".join(parts) if parts else "no area has a different share"
    return text[0].upper() + text[1:] if capital else text


def change_label(change: str, *, lang: str = "sv") -> str:
    """The word for an area's ``change`` in ``lang`` ("liknande", "högre andel", "lägre andel")."""
    formatting.locale(lang)
    return CHANGE_LABELS[lang][change]


Compare = Literal["year", "previous"]


def comparison_period(start, end, compare: Compare = "year") -> tuple[date, date]:
    """The base period ``start``–``end`` (inclusive dates) is compared with.

    ``"year"``: the same period a year earlier (:func:`analysis.change.previous_year_period`);
    ``"previous"``: the period of the same length just before.

    Examples
    --------
    >>> comparison_period("2025-03-01", "2025-03-31", "previous")
    (datetime.date(2025, 1, 29), datetime.date(2025, 2, 28))
    """
    from analysis.change import previous_year_period

    if compare == "year":
        return previous_year_period(start, end)
    if compare != "previous":
        raise ValueError("Jämför med 'year' (samma period året innan) eller 'previous' (perioden närmast före).")
    first, last = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    length = (last - first).days + 1
    before_end = first - timedelta(days=1)
    return before_end - timedelta(days=length - 1), before_end


def sppt_periods(
    incidents: pd.DataFrame,
    areas,
    start,
    end,
    *,
    compare: Compare = "year",
    assignment: np.ndarray | None = None,
    **options,
) -> tuple[SpptResult, tuple[date, date]]:
    """The S-index of ``start``–``end`` (the test) against its comparison period (the base).

    ``incidents`` must cover both periods (``occurred_from``); ``assignment`` is each incident's
    area position (``-1`` outside), e.g. a dataset's district codes. Returns the result and the
    base period. ``options`` as :func:`sppt_counts` (the dashboard passes a fixed ``seed`` so
    the verdict does not change between two looks at the same filters).
    """
    from analysis.aggregate import area_assignment, area_keys

    base_start, base_end = comparison_period(start, end, compare)
    when = pd.to_datetime(incidents["occurred_from"]).to_numpy()
    positions = area_assignment(incidents, areas) if assignment is None else np.asarray(assignment, dtype=np.int64)
    keys = area_keys(areas)

    def counts(first, last) -> np.ndarray:
        inside = (when >= np.datetime64(pd.Timestamp(first))) & (
            when < np.datetime64(pd.Timestamp(last) + pd.Timedelta(days=1))) & (positions >= 0)
        return np.bincount(positions[inside], minlength=len(keys))

    result = sppt_counts(counts(base_start, base_end), counts(start, end), keys=keys, **options)
    if "name" in getattr(areas, "columns", ()):
        result.table.insert(0, "name", areas["name"].to_numpy())
    return result, (base_start, base_end)
