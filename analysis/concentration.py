"""Crime concentration at micro-places: top-x % shares, Lorenz curve, Gini.

``counts`` is one number per place **including the places with no
incidents** — the share of places is taken over all of them, so a study area
of 10,000 cells with 300 incidents must be passed as 10,000 counts.

When there are fewer incidents ``n`` than places ``N``, perfect equality (every
place the same share) cannot happen: the most equal possible outcome puts one
incident in each of ``n`` places. Bernasco & Steenbeek (2017, J Quant
Criminol 33:451–467) therefore compare the Lorenz curve with that line of
maximal equality given the data, which ends at ``(n / N, 1)``, and define the
generalised Gini

    G' = max(1, N / n) · (G − 1) + 1

which equals the ordinary Gini ``G`` when ``n ≥ N`` and is 0 when the ``n``
incidents are in ``n`` different places. Like the ordinary Gini (whose maximum
is ``1 − 1/N``), ``G'`` is at most ``1 − 1/n``, reached when all incidents are
at one place; ``unbiased=True`` applies the small-sample factor
``m / (m − 1)``, ``m = min(n, N)``, of their R package ``lorenzgini`` so
that this maximum becomes 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _as_counts(counts: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    values = np.asarray(counts, dtype=float).ravel()
    if len(values) == 0:
        raise ValueError("Det finns inga platser att beräkna koncentration för.")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("Antalen måste vara icke-negativa tal.")
    return values


def lorenz_curve(counts: Sequence[float] | np.ndarray | pd.Series, *, generalized: bool = False) -> pd.DataFrame:
    """Share of incidents in the most crime-dense share of places.

    Places are ordered from the most to the least incidents (as in crime
    concentration studies; the curve lies above the diagonal). The first row
    is ``(0, 0)`` and the last ``(1, 1)``.

    With ``generalized=True`` and fewer incidents ``n`` than places ``N``, the
    x axis is rescaled so that the line of maximal equality given the data
    (ending at ``n / N``) becomes the diagonal: ``share_places`` is the share
    of the top ``n`` places. With ``n ≥ N`` it is the ordinary curve.

    Examples
    --------
    >>> lorenz_curve([0, 3, 1]).round(3).to_dict("list")
    {'share_places': [0.0, 0.333, 0.667, 1.0], 'share_incidents': [0.0, 0.75, 1.0, 1.0]}
    """
    values = np.sort(_as_counts(counts))[::-1]
    total = values.sum()
    n_places = len(values)
    share_places = np.arange(n_places + 1) / n_places
    if total == 0:
        share_incidents = np.zeros(n_places + 1)
    else:
        share_incidents = np.concatenate([[0.0], np.cumsum(values) / total])
    if generalized and 0 < total < n_places:
        # Every point beyond n / N is already at 1; drop those past the new end.
        scale = n_places / total
        share_places = share_places * scale
        keep = share_places <= 1.0 + 1e-12
        share_places, share_incidents = share_places[keep], share_incidents[keep]
        if share_places[-1] < 1.0:
            share_places = np.append(share_places, 1.0)
            share_incidents = np.append(share_incidents, 1.0)
        share_places = np.minimum(share_places, 1.0)
    return pd.DataFrame({"share_places": share_places, "share_incidents": share_incidents})


def gini(counts: Sequence[float] | np.ndarray | pd.Series) -> float:
    """The ordinary Gini coefficient of incidents over places (0 = equal, max ``1 − 1/N``).

    ``G = Σ (2i − N − 1) x_(i) / (N Σ x)`` with the counts sorted ascending —
    twice the area between the Lorenz curve and the diagonal.

    Examples
    --------
    >>> round(gini([10, 8, 2, 0, 0, 0, 0, 0, 0, 0]), 3)
    0.78
    """
    values = np.sort(_as_counts(counts))
    total = values.sum()
    if total == 0:
        return float("nan")
    n = len(values)
    rank = np.arange(1, n + 1)
    return float(np.sum((2 * rank - n - 1) * values) / (n * total))


def generalized_gini(counts: Sequence[float] | np.ndarray | pd.Series, *, unbiased: bool = False) -> float:
    """Bernasco & Steenbeek's generalised Gini for fewer incidents than places.

    ``G' = max(1, N / n) · (G − 1) + 1`` with ``n`` incidents and ``N``
    places: the Gini measured against the line of maximal equality given the
    data. Equal to :func:`gini` when ``n ≥ N``; 0 when ``n < N`` incidents
    lie in ``n`` different places. ``unbiased=True`` multiplies by
    ``m / (m − 1)``, ``m = min(n, N)`` (as ``lorenzgini::gini`` by default) so
    that all incidents at one place gives 1.

    Examples
    --------
    >>> round(generalized_gini([5, 2, 1, 0, 0, 0, 0, 0, 0, 0]), 3)  # 8 incidents, 10 places
    0.75
    >>> generalized_gini([1, 1, 1, 0, 0, 0])  # as equal as 3 incidents can be
    0.0
    """
    values = _as_counts(counts)
    total = values.sum()
    if total == 0:
        return float("nan")
    n_places = len(values)
    result = max(1.0, n_places / total) * (gini(values) - 1.0) + 1.0
    if unbiased:
        m = min(n_places, total)
        if m <= 1:
            return float("nan")
        result *= m / (m - 1.0)
    return float(result)


def concentration_shares(
    counts: Sequence[float] | np.ndarray | pd.Series,
    shares: Sequence[float] = (0.01, 0.05, 0.10),
) -> pd.DataFrame:
    """Share of incidents in the top 1 / 5 / 10 % (or other ``shares``) of places.

    Read off the Lorenz curve (:func:`lorenz_curve`), interpolating linearly
    when ``share · N`` is not a whole number of places, so the answer does not
    jump with the number of places and ties do not matter.

    Returns
    -------
    DataFrame
        Indexed by ``share_places``: ``places`` (``share · N``, may be
        fractional), ``incidents`` and ``share_incidents``.

    Examples
    --------
    >>> counts = [50, 20, 10, 5, 5, 5, 5, 0, 0, 0] * 10  # 100 places, 1 000 incidents
    >>> concentration_shares(counts, shares=(0.1, 0.2))
                  places  incidents  share_incidents
    share_places
    0.1             10.0      500.0              0.5
    0.2             20.0      700.0              0.7
    """
    values = _as_counts(counts)
    shares_arr = np.asarray(list(shares), dtype=float)
    if np.any((shares_arr <= 0) | (shares_arr > 1)):
        raise ValueError("Andelarna måste ligga mellan 0 och 1.")
    curve = lorenz_curve(values)
    share_incidents = np.interp(shares_arr, curve["share_places"], curve["share_incidents"])
    total = values.sum()
    return pd.DataFrame(
        {
            "places": shares_arr * len(values),
            "incidents": share_incidents * total,
            "share_incidents": share_incidents,
        },
        index=pd.Index(shares_arr, name="share_places"),
    )


def concentration_summary(counts: Sequence[float] | np.ndarray | pd.Series,
                          shares: Sequence[float] = (0.01, 0.05, 0.10)) -> dict:
    """Everything the concentration report shows, as plain numbers (JSON-ready).

    Examples
    --------
    >>> summary = concentration_summary([3, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    >>> summary["places"], summary["incidents"], round(summary["gini"], 2), round(summary["generalized_gini"], 2)
    (10, 5, 0.78, 0.56)
    """
    values = _as_counts(counts)
    table = concentration_shares(values, shares)
    return {
        "places": int(len(values)),
        "places_with_incidents": int((values > 0).sum()),
        "incidents": int(values.sum()) if np.all(values == np.round(values)) else float(values.sum()),
        "gini": gini(values),
        "generalized_gini": generalized_gini(values),
        "generalized_gini_unbiased": generalized_gini(values, unbiased=True),
        "top_shares": [
            {"share_places": float(s), "places": float(row.places), "incidents": float(row.incidents),
             "share_incidents": float(row.share_incidents)}
            for s, row in zip(table.index, table.itertuples(), strict=True)
        ],
    }
