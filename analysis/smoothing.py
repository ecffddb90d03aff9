"""Empirical-Bayes smoothed rates, so that a district with few inhabitants cannot top a ranking by chance.

A rate per inhabitant in a district of 140 people moves by 7 per 1 000 with every single
incident. Global empirical-Bayes smoothing (Marshall 1991; GeoDa's "Empirical Bayes" rate, PySAL
``esda.smoothing.Empirical_Bayes``) pulls each district's raw rate towards the overall rate, the
more the fewer inhabitants it has:

    theta  = sum(events) / sum(population)                      (the overall rate)
    s2     = sum(population · (rate − theta)²) / sum(population) − theta / mean(population)
    weight = s2 / (s2 + theta / population)
    smoothed = weight · rate + (1 − weight) · theta

``s2`` estimates how much the true rates differ between districts once Poisson noise is taken
away. When it comes out negative (the districts differ less than chance alone would make them)
it is set to 0 as GeoDa does, and every district gets the overall rate; esda leaves it negative.
Districts with no (or an unknown) population are left out of theta and s2 and get no rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# The rule the dashboard uses: smooth (and say so) when any district has fewer inhabitants than this.
SMALL_POPULATION = 1000


def empirical_bayes(events: np.ndarray | pd.Series, population: np.ndarray | pd.Series) -> np.ndarray:
    """Marshall's global empirical-Bayes rate per inhabitant for each area.

    Parameters
    ----------
    events : array-like
        Incidents per area (may be aoristic weights).
    population : array-like
        Inhabitants per area; areas with 0 or a missing population get ``nan``.

    Returns
    -------
    numpy.ndarray
        The smoothed rate per inhabitant (multiply by 1 000 for per 1 000).

    Examples
    --------
    Three areas of 100, 100 and 200 inhabitants with 2, 8 and 10 incidents: theta = 0,05,
    s2 = 0,00045 − 0,05/133,3 = 0,000075, weights 3/23, 3/23 and 3/13:

    >>> (empirical_bayes([2, 8, 10], [100, 100, 200]) * 1000).round(3).tolist()
    [46.087, 53.913, 50.0]
    """
    events = np.asarray(events, dtype=float)
    population = np.asarray(population, dtype=float)
    if events.shape != population.shape:
        raise ValueError("Antal händelser och invånare måste ha ett värde per område.")
    result = np.full(events.shape, np.nan)
    usable = np.isfinite(population) & (population > 0) & np.isfinite(events)
    if not usable.any():
        return result
    e, b = events[usable], population[usable]
    theta = e.sum() / b.sum()
    rate = e / b
    s2 = max(float((b * (rate - theta) ** 2).sum() / b.sum() - theta / b.mean()), 0.0)
    if s2 == 0.0:
        result[usable] = theta
        return result
    weight = s2 / (s2 + theta / b)
    result[usable] = weight * rate + (1 - weight) * theta
    return result


def small_population(population: np.ndarray | pd.Series, *, limit: float = SMALL_POPULATION) -> bool:
    """Whether any area with a known population has fewer than ``limit`` inhabitants.

    Examples
    --------
    >>> small_population([2900, 140, 5400]), small_population([2900, 5400, float("nan")])
    (True, False)
    """
    population = np.asarray(population, dtype=float)
    known = population[np.isfinite(population) & (population > 0)]
    return bool((known < limit).any())


def with_eb_rate(summary: pd.DataFrame, *, count: str = "count") -> pd.DataFrame:
    """``summary`` (one row per area, with ``population`` and ``count``) with ``rate_eb_per_1000``.

    The rate column sits beside ``rate_per_1000`` when there is one, at the end otherwise.
    """
    result = summary.copy()
    if "population" in result.columns:
        population = pd.to_numeric(result["population"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        smoothed = empirical_bayes(pd.to_numeric(result[count], errors="coerce").to_numpy(dtype=float),
                                   population) * 1000
    else:
        smoothed = np.full(len(result), np.nan)
    result = result.drop(columns="rate_eb_per_1000", errors="ignore")
    at = result.columns.get_loc("rate_per_1000") + 1 if "rate_per_1000" in result.columns else len(result.columns)
    result.insert(at, "rate_eb_per_1000", smoothed)
    return result


def with_eb_rate_long(counts: pd.DataFrame, population: pd.Series, *, by: str) -> pd.DataFrame:
    """A long count table (:func:`analysis.aggregate.counts_by_area`) with ``rate_eb_per_1000``.

    Each value of ``by`` (each category, month …) is smoothed across the areas on its own;
    ``population`` is indexed by area id. Rows outside every area get no rate.

    Examples
    --------
    >>> counts = pd.DataFrame({"area_id": ["A", "B", "C", None], "category": ["Klotter"] * 4,
    ...                        "count": [2, 8, 10, 3]})
    >>> with_eb_rate_long(counts, pd.Series({"A": 100, "B": 100, "C": 200}), by="category")[
    ...     "rate_eb_per_1000"].round(3).tolist()
    [46.087, 53.913, 50.0, nan]
    """
    result = counts.copy()
    inhabitants = pd.to_numeric(result["area_id"].map(population), errors="coerce").to_numpy(dtype=float,
                                                                                             na_value=np.nan)
    events = pd.to_numeric(result["count"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    smoothed = np.full(len(result), np.nan)
    for rows in result.groupby(by, dropna=False, sort=False).indices.values():
        smoothed[rows] = empirical_bayes(events[rows], inhabitants[rows]) * 1000
    result = result.drop(columns="rate_eb_per_1000", errors="ignore")
    at = result.columns.get_loc("rate_per_1000") + 1 if "rate_per_1000" in result.columns else len(result.columns)
    result.insert(at, "rate_eb_per_1000", smoothed)
    return result
