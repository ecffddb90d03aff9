"""Survey statistics (trygghetsmätning): intervals, uncertainty flags, change between years.

Survey results come as one row per area, year and indicator with the columns
of :data:`geo.model.SURVEY_COLUMNS`. Two kinds of value occur:

- ``share`` (0–1, NTU and city surveys) with the number of respondents ``n``:
  a Wilson score 95 % interval is added where no interval was published;
- ``index`` (0–6, Polisens trygghetsmätning): published without a standard
  error, so no interval can be computed and a change cannot be tested unless
  an interval was given.

Results with fewer than 30 respondents, or no ``n`` at all, are flagged
``uncertain`` ("osäkert").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from core import formatting
from core.errors import InputError

__all__ = [
    "SMALL_N",
    "assessment_text",
    "change_headline",
    "change_sentence",
    "survey_change",
    "survey_table",
    "survey_vs_rates",
    "wilson_interval",
]

SMALL_N = 30
Z_95 = 1.959963984540054

METHOD_SHARES = "z-test för två andelar"
METHOD_CI = "z-test med angivna konfidensintervall"
METHOD_NONE = "test ej möjligt"

# ``assessment`` stays a Swedish key in the tables (pages and the CLI count on it); readers get these.
ASSESSMENTS_EN: dict[str, str] = {
    "bättre": "better",
    "sämre": "worse",
    "ingen säker förändring": "no certain change",
    "kan inte bedömas": "cannot be assessed",
}

QUADRANTS: tuple[str, ...] = (
    "hög otrygghet, många brott",
    "hög otrygghet, få brott",
    "låg otrygghet, många brott",
    "låg otrygghet, få brott",
)


def wilson_interval(
    share: float | np.ndarray | pd.Series, n: float | np.ndarray | pd.Series, z: float = 1.96
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Wilson score interval for a share observed among ``n`` respondents.

    Unlike the normal ("Wald") interval it stays inside 0–1 and behaves for
    small ``n`` and shares near 0 or 1. Missing or non-positive ``n`` gives NaN.

    Parameters
    ----------
    share : float or array-like
        Observed share(s), 0–1.
    n : float or array-like
        Number of respondents.
    z : float
        Normal quantile; 1.96 for 95 %.

    Returns
    -------
    (low, high)
        Floats for scalar input, arrays otherwise.

    Examples
    --------
    >>> low, high = wilson_interval(0.5, 100)
    >>> round(low, 4), round(high, 4)
    (0.4038, 0.5962)
    """
    scalar = np.ndim(share) == 0 and np.ndim(n) == 0
    p = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(share)), errors="coerce"), dtype=float)
    count = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(n)), errors="coerce"), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        count = np.where(count > 0, count, np.nan)
        z2 = z * z
        denominator = 1.0 + z2 / count
        centre = (p + z2 / (2.0 * count)) / denominator
        half = z * np.sqrt(p * (1.0 - p) / count + z2 / (4.0 * count * count)) / denominator
    low, high = np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    if scalar:
        return float(low[0]), float(high[0])
    return low, high


def _checked(survey: pd.DataFrame) -> pd.DataFrame:
    required = ["area_id", "year", "indicator", "value", "unit"]
    missing = [c for c in required if c not in survey.columns]
    if missing:
        raise InputError(f"Trygghetsmätningen saknar kolumnerna {', '.join(missing)}.")
    table = survey.copy()
    for column in ("label", "direction", "source"):
        if column not in table:
            table[column] = pd.NA
    for column in ("n", "ci_low", "ci_high"):
        if column not in table:
            table[column] = np.nan
    table["value"] = pd.to_numeric(table["value"], errors="coerce").astype("float64")
    table["ci_low"] = pd.to_numeric(table["ci_low"], errors="coerce").astype("float64")
    table["ci_high"] = pd.to_numeric(table["ci_high"], errors="coerce").astype("float64")
    return table


def _n(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def survey_table(survey: pd.DataFrame, *, z: float = 1.96) -> pd.DataFrame:
    """Survey results with confidence intervals and the "osäkert" flag.

    Shares with ``n`` and no published interval get a Wilson interval; a
    published interval is kept. Indices (0–6) get no computed interval.

    Returns
    -------
    DataFrame
        The input's rows and columns (index kept) with ``ci_low``/``ci_high``
        filled, ``ci_method`` (``"angivet"``, ``"wilson"`` or missing) and
        ``uncertain`` (True when ``n`` < 30 or missing).

    Examples
    --------
    >>> survey = pd.DataFrame({"area_id": ["A", "B"], "year": [2024, 2024],
    ...     "indicator": ["otrygg_kvall"] * 2, "value": [0.5, 0.2], "unit": ["share"] * 2,
    ...     "n": [100, 20]})
    >>> survey_table(survey)[["area_id", "ci_low", "ci_high", "uncertain"]].round(4)
      area_id  ci_low  ci_high  uncertain
    0       A  0.4038   0.5962      False
    1       B  0.0807   0.4160       True
    """
    table = _checked(survey)
    n = _n(table["n"])
    given = table["ci_low"].notna().to_numpy() & table["ci_high"].notna().to_numpy()
    is_share = (table["unit"].astype("string") == "share").fillna(False).to_numpy(dtype=bool)
    compute = is_share & ~given & (n > 0) & table["value"].notna().to_numpy()
    low, high = wilson_interval(table["value"].to_numpy(), n, z)
    table.loc[compute, "ci_low"] = np.asarray(low)[compute]
    table.loc[compute, "ci_high"] = np.asarray(high)[compute]
    method = np.full(len(table), None, dtype=object)
    method[given] = "angivet"
    method[compute] = "wilson"
    table["ci_method"] = pd.array(method, dtype="string")
    table["uncertain"] = ~(n >= SMALL_N)  # NaN compares False: missing n is uncertain
    return table


def _standard_error_from_ci(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    # A published 95 % interval is taken as symmetric: half-width / 1.96.
    return (high - low) / (2.0 * Z_95)


def survey_change(
    survey: pd.DataFrame, year_a: int, year_b: int, *, alpha: float = 0.05
) -> pd.DataFrame:
    """Change of every indicator per area from ``year_a`` to ``year_b``, with a test.

    - Shares with ``n`` in both years: two-proportion z-test with the pooled
      share, ``z = (p_b - p_a) / sqrt(p(1 - p)(1/n_a + 1/n_b))``.
    - Otherwise, when both years have a published interval: a z-test with
      standard errors taken from the intervals (half-width / 1.96).
    - Otherwise (e.g. a 0–6 index without a standard error): no test;
      ``method`` says "test ej möjligt" and ``assessment`` "kan inte bedömas".

    ``assessment`` reads the direction of the indicator: "bättre", "sämre",
    "ingen säker förändring" (p ≥ alpha) or "kan inte bedömas".

    Returns
    -------
    DataFrame
        One row per area and indicator present in both years: ``area_id,
        indicator, label, unit, direction, value_a, value_b, change, change_low,
        change_high, n_a, n_b, z, p_value, method, significant, assessment, uncertain``.

    Examples
    --------
    >>> survey = pd.DataFrame({"area_id": ["A", "A"], "year": [2023, 2024],
    ...     "indicator": ["otrygg_kvall"] * 2, "value": [0.30, 0.20], "unit": ["share"] * 2,
    ...     "direction": ["lower_better"] * 2, "n": [400, 400]})
    >>> row = survey_change(survey, 2023, 2024).iloc[0]
    >>> round(float(row["z"]), 3), round(float(row["p_value"]), 4), row["assessment"]
    (-3.266, 0.0011, 'bättre')
    """
    table = _checked(survey)
    years = pd.to_numeric(table["year"], errors="coerce")
    keys = ["area_id", "indicator"]
    first = table[years == year_a].drop_duplicates(keys, keep="last").set_index(keys)
    second = table[years == year_b].drop_duplicates(keys, keep="last").set_index(keys)
    if first.empty or second.empty:
        missing = year_a if first.empty else year_b
        raise InputError(f"Trygghetsmätningen har inga resultat för år {missing}.")
    common = first.index.intersection(second.index, sort=False).sort_values()
    a, b = first.loc[common], second.loc[common]

    value_a, value_b = a["value"].to_numpy(), b["value"].to_numpy()
    n_a, n_b = _n(a["n"]), _n(b["n"])
    is_share = (b["unit"].astype("string") == "share").fillna(False).to_numpy(dtype=bool)
    shares = is_share & (n_a > 0) & (n_b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (value_a * n_a + value_b * n_b) / (n_a + n_b)
        se_shares = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b))
        se_ci = np.hypot(
            _standard_error_from_ci(a["ci_low"].to_numpy(), a["ci_high"].to_numpy()),
            _standard_error_from_ci(b["ci_low"].to_numpy(), b["ci_high"].to_numpy()),
        )
    with_ci = ~shares & np.isfinite(se_ci)
    se = np.where(shares, se_shares, np.where(with_ci, se_ci, np.nan))
    change = value_b - value_a
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, change / se, np.where(change == 0, 0.0, np.sign(change) * np.inf))
    tested = (shares | with_ci) & np.isfinite(value_a) & np.isfinite(value_b)
    z = np.where(tested, z, np.nan)
    p_value = np.where(tested, 2.0 * stats.norm.sf(np.abs(z)), np.nan)
    significant = tested & (p_value < alpha)

    direction = b["direction"].astype("string").fillna("lower_better").to_numpy()
    improved = np.where(direction == "higher_better", change > 0, change < 0)
    assessment = np.where(
        ~tested, "kan inte bedömas",
        np.where(~significant, "ingen säker förändring", np.where(improved, "bättre", "sämre")),
    )
    method = np.where(shares, METHOD_SHARES, np.where(with_ci, METHOD_CI, METHOD_NONE))
    result = pd.DataFrame({
        "area_id": common.get_level_values("area_id"),
        "indicator": common.get_level_values("indicator"),
        "label": b["label"].to_numpy(),
        "unit": b["unit"].to_numpy(),
        "direction": b["direction"].to_numpy(),
        "value_a": value_a,
        "value_b": value_b,
        "change": change,
        # The change's own 95 % interval (normal, the test's standard error): what "ingen säker förändring" spans.
        "change_low": np.where(tested, change - Z_95 * se, np.nan),
        "change_high": np.where(tested, change + Z_95 * se, np.nan),
        "n_a": pd.array(np.where(np.isnan(n_a), None, n_a), dtype="Int64"),
        "n_b": pd.array(np.where(np.isnan(n_b), None, n_b), dtype="Int64"),
        "z": z,
        "p_value": p_value,
        "method": method,
        "significant": significant,
        "assessment": assessment,
        "uncertain": ~(n_a >= SMALL_N) | ~(n_b >= SMALL_N),
    })
    result.attrs.update(year_a=year_a, year_b=year_b)
    return result


def survey_vs_rates(
    survey: pd.DataFrame, rates: pd.DataFrame, indicator: str, year: int, *, rate: str = "rate_per_1000"
) -> pd.DataFrame:
    """Join a survey indicator with incident rates per area, for the quadrant chart.

    The chart "trygghet vs anmälda brott" splits areas at the **medians** of
    the joined areas: an area is "hög otrygghet" when its indicator is worse
    than the median (above it for ``lower_better`` indicators, below it for
    ``higher_better``) and "många brott" when its rate is above the median
    rate. Areas exactly at a median count as "låg"/"få". Areas without a
    survey value or a rate are left out (their number is in
    ``attrs["left_out"]``); the medians are in ``attrs``.

    Parameters
    ----------
    survey : DataFrame
        Survey results (``SURVEY_COLUMNS``).
    rates : DataFrame
        ``area_id`` (column or index) and ``rate_per_1000``; ``name`` is used
        when present — e.g. :func:`analysis.aggregate.summary_by_area`.
    indicator : str
        Indicator id.
    year : int
        Survey year.
    rate : str
        The rate column the split uses: ``rate_eb_per_1000`` (:mod:`analysis.smoothing`) when
        small districts would otherwise land among "många brott" by their few inhabitants.

    Returns
    -------
    DataFrame
        ``area_id, name, value, rate_per_1000, quadrant, uncertain`` (and ``rate`` when it is another column).

    Examples
    --------
    >>> survey = pd.DataFrame({"area_id": ["A", "B", "C", "D"], "year": 2024, "indicator": "otrygg",
    ...     "value": [0.4, 0.1, 0.3, 0.2], "unit": "share", "direction": "lower_better", "n": 300})
    >>> rates = pd.DataFrame({"area_id": ["A", "B", "C", "D"], "name": ["Norr", "Söder", "Öster", "Väster"],
    ...     "rate_per_1000": [80.0, 90.0, 10.0, 20.0]})
    >>> survey_vs_rates(survey, rates, "otrygg", 2024)[["name", "quadrant"]]
         name                    quadrant
    0    Norr  hög otrygghet, många brott
    1   Söder   låg otrygghet, många brott
    2   Öster     hög otrygghet, få brott
    3  Väster     låg otrygghet, få brott
    """
    table = survey_table(survey)
    chosen = table[(table["indicator"].astype("string") == indicator).fillna(False).to_numpy(dtype=bool)]
    if chosen.empty:
        known = ", ".join(sorted(table["indicator"].astype("string").dropna().unique()))
        raise InputError(f"Indikatorn '{indicator}' finns inte i trygghetsmätningen (finns: {known}).")
    chosen = chosen[pd.to_numeric(chosen["year"], errors="coerce") == year]
    if chosen.empty:
        raise InputError(f"Indikatorn '{indicator}' saknar resultat för år {year}.")
    rates = rates.reset_index() if "area_id" not in rates.columns else rates
    if "area_id" not in rates.columns or "rate_per_1000" not in rates.columns or rate not in rates.columns:
        raise InputError(f"Brottstalen behöver kolumnerna area_id, rate_per_1000 och {rate}.")
    left = chosen.drop_duplicates("area_id", keep="last").assign(area_id=lambda f: f["area_id"].astype(str))
    right = rates.assign(area_id=rates["area_id"].astype(str))
    extra = [rate] if rate != "rate_per_1000" else []
    columns = ["area_id", "rate_per_1000", *extra] + (["name"] if "name" in right.columns else [])
    joined = left[["area_id", "value", "direction", "uncertain"]].merge(right[columns], on="area_id", how="outer")
    usable = joined["value"].notna() & pd.to_numeric(joined[rate], errors="coerce").notna()
    left_out = int((~usable).sum())
    joined = joined[usable].reset_index(drop=True)
    if "name" not in joined:
        joined["name"] = joined["area_id"]
    joined["name"] = joined["name"].where(joined["name"].notna(), joined["area_id"])
    split_rate = joined[rate].astype(float)
    value_median = float(joined["value"].median()) if len(joined) else math.nan
    rate_median = float(split_rate.median()) if len(joined) else math.nan
    higher_better = (joined["direction"].astype("string") == "higher_better").fillna(False).to_numpy(dtype=bool)
    unsafe = np.where(higher_better, joined["value"] < value_median, joined["value"] > value_median)
    many = (split_rate > rate_median).to_numpy()
    joined["quadrant"] = [
        f"{'hög' if u else 'låg'} otrygghet, {'många' if m else 'få'} brott" for u, m in zip(unsafe, many, strict=True)
    ]
    result = joined[["area_id", "name", "value", "rate_per_1000", *extra, "quadrant", "uncertain"]].copy()
    result["uncertain"] = result["uncertain"].astype(bool)
    result.attrs.update(indicator=indicator, year=year, value_median=value_median, rate_median=rate_median,
                        left_out=left_out, rate=rate)
    return result


def _lang(lang: str) -> str:
    formatting.locale(lang)  # a ValueError naming the languages for anything else
    return lang


def assessment_text(assessment: str, *, lang: str = "sv") -> str:
    """An ``assessment`` of :func:`survey_change` in the reader's language.

    Examples
    --------
    >>> assessment_text("sämre"), assessment_text("kan inte bedömas", lang="en")
    ('sämre', 'cannot be assessed')
    """
    return assessment if _lang(lang) == "sv" else ASSESSMENTS_EN.get(assessment, assessment)


def _value(value: float, unit: object, lang: str) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    # Shares are read as whole per cent; indices (0–6) keep two decimals.
    return formatting.percent(value, lang=lang) if unit == "share" else formatting.number(value, 2, lang=lang)


def change_headline(change: pd.DataFrame, *, lang: str = "sv") -> str:
    """One sentence on a :func:`survey_change` table: how many results got certainly better or worse.

    Examples
    --------
    >>> change = pd.DataFrame({"assessment": ["bättre", "sämre", "bättre", "kan inte bedömas"]})
    >>> change.attrs.update(year_a=2023, year_b=2024)
    >>> print(change_headline(change, lang="en"))
    Between 2023 and 2024: 2 results certainly got better and 1 certainly got worse (of 4 compared district × question).
    """
    lang = _lang(lang)
    counts = change["assessment"].value_counts()
    better, worse = int(counts.get("bättre", 0)), int(counts.get("sämre", 0))
    year_a, year_b = change.attrs.get("year_a"), change.attrs.get("year_b")
    b, w, n = (formatting.number(v, lang=lang) for v in (better, worse, len(change)))
    if lang == "sv":
        return (f"Mellan {year_a} och {year_b}: {b} resultat blev säkert bättre och {w} säkert sämre "
                f"(av {n} jämförda område × fråga).")
    return (f"Between {year_a} and {year_b}: {b} {'result' if better == 1 else 'results'} certainly got better "
            f"and {w} certainly got worse (of {n} compared district × question).")


def change_sentence(row: pd.Series | dict, area_name: str | None = None, *, lang: str = "sv") -> str:
    """One area's change for one indicator, as a sentence: values, verdict, p-value, small-n flag.

    ``row`` is a row of :func:`survey_change`; when it also holds ``year_a`` and ``year_b``
    (the table's ``attrs``) the years are named beside the values.

    Examples
    --------
    >>> row = {"area_id": "C1", "label": "Otrygga ute sent", "unit": "share", "value_a": 0.30,
    ...        "value_b": 0.20, "p_value": 0.0011, "assessment": "bättre", "uncertain": False,
    ...        "year_a": 2023, "year_b": 2024}
    >>> print(change_sentence(row, "Centrum", lang="en"))
    Centrum: Otrygga ute sent 30% (2023) → 20% (2024), better (p = 0.001).
    """
    lang = _lang(lang)
    name = area_name if area_name else str(row["area_id"])
    label = row.get("label")
    label = label if isinstance(label, str) and label else str(row.get("indicator", ""))
    unit = row.get("unit")
    a, b = _value(float(row["value_a"]), unit, lang), _value(float(row["value_b"]), unit, lang)
    if row.get("year_a") is not None and row.get("year_b") is not None:
        a, b = f"{a} ({row['year_a']})", f"{b} ({row['year_b']})"
    text = f"{name}: {label} {a} → {b}, {assessment_text(str(row['assessment']), lang=lang)}"
    p = row.get("p_value")
    if p is not None and pd.notna(p):
        text += f" ({formatting.p_value(float(p), lang=lang, decimals=None)})"
    if bool(row.get("uncertain", False)):
        text += (", osäkert (färre än 30 eller okänt antal svar)" if lang == "sv"
                 else ", uncertain (fewer than 30 or unknown responses)")
    return text + "."
