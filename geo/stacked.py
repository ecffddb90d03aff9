"""Positions that are not places: how precise each incident's position is.

Many exports put incidents whose place is unknown or protected on one point: the centroid of the
kommun or län (the Police's public events), ``X = Y = 0`` (Vancouver's privacy rows), a default
position of the recording system. Counted as a place, such a point becomes the town's worst
hot spot. The importer writes a ``position_precision`` per incident:

================  ===================================================================================
``exakt``         the file's position, taken as the place (it may be offset as the source does,
                  e.g. to the hundred block)
``ungefärlig``    a *stacked* point: at least :data:`MIN_INCIDENTS` incidents, at least
                  :data:`MIN_SHARE` of the file, share exactly one coordinate and are of many kinds
                  (no category holds :data:`MAX_TOP_SHARE` of them) — a centroid or a default position
``kommun``        the centroid of a kommun (the Police's events name the kommun)
``län``           the centroid of a län (the Police's events name the län)
``saknas``        no position (``X = Y = 0``)
================  ===================================================================================

Only ``exakt`` positions count at micro-places, in hot spots (Gi*), in the density surface and on
the point layer; districts still count every incident whose point lies in them.

Why the category rule: a big shop has hundreds of thefts on one address point, and it is a place
(Vancouver 2023: 1,022 "Other Theft" of 1,024 incidents at 31XX Grandview Hwy). A centroid collects
everything that happened anywhere in the area, so its mix of categories is wide.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

EXACT, APPROXIMATE, KOMMUN, LAN, MISSING = "exakt", "ungefärlig", "kommun", "län", "saknas"
PRECISIONS: tuple[str, ...] = (EXACT, APPROXIMATE, KOMMUN, LAN, MISSING)  # codes 0–4 in this order
MIN_INCIDENTS = 20
MIN_SHARE = 0.02
MAX_TOP_SHARE = 0.8

REASONS_SV: dict[str, str] = {
    APPROXIMATE: "ligger på en gemensam punkt (en mittpunkt eller standardposition)",
    KOMMUN: "ligger på en kommuns mittpunkt",
    LAN: "ligger på ett läns mittpunkt",
    MISSING: "saknar position",
}
REASONS_EN: dict[str, str] = {
    APPROXIMATE: "lie on a shared point (a centroid or default position)",
    KOMMUN: "lie on a municipality's centroid",
    LAN: "lie on a county's centroid",
    MISSING: "have no position",
}


def stacked_points(x: np.ndarray, y: np.ndarray, categories: np.ndarray | None = None, *,
                   min_incidents: int = MIN_INCIDENTS, min_share: float = MIN_SHARE,
                   max_top_share: float = MAX_TOP_SHARE) -> np.ndarray:
    """Mark incidents on a stacked point: one exact coordinate shared by many incidents of many kinds.

    Parameters
    ----------
    x, y
        Coordinates (NaN for none; those are never stacked).
    categories
        Category codes or names, or None to skip the rule on the mix of categories.
    min_incidents, min_share
        A point is stacked when at least this many incidents, and this share of all, lie on it.
    max_top_share
        ...and no single category holds this share of its incidents (unless the whole file has
        one category).

    Returns
    -------
    numpy.ndarray
        Boolean mask, True for incidents on a stacked point.

    Examples
    --------
    >>> x = np.r_[np.full(40, 100.0), np.arange(60.0)]
    >>> y = np.r_[np.full(40, 200.0), np.arange(60.0)]
    >>> kinds = np.r_[np.arange(40) % 4, np.zeros(60)]
    >>> int(stacked_points(x, y, kinds).sum())
    40
    >>> shop = np.r_[np.zeros(40), np.arange(60) % 3 + 1]  # 40 thefts of one kind at one shop
    >>> int(stacked_points(x, y, shop).sum())
    0
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    n = len(x)
    out = np.zeros(n, dtype=bool)
    threshold = max(min_incidents, int(np.ceil(min_share * n)))
    finite = np.isfinite(x) & np.isfinite(y)
    if finite.sum() < threshold:
        return out
    # A stacked point's x is shared by at least as many incidents, so only rows with such an x need
    # grouping: sorting the x values is fast, grouping a million (x, y) pairs is not.
    values, counts = np.unique(x[finite], return_counts=True)
    frequent = values[counts >= threshold]
    if not len(frequent):
        return out
    rows = np.flatnonzero(finite & np.isin(x, frequent))
    points = pd.DataFrame({"x": x[rows], "y": y[rows]})
    key = points.groupby(["x", "y"], sort=False).ngroup().to_numpy()
    stacked_groups = np.flatnonzero(np.bincount(key) >= threshold)
    if not len(stacked_groups):
        return out
    if categories is not None:
        kinds = np.asarray(categories)
        one_kind_file = pd.Series(kinds[finite]).nunique(dropna=False) <= 1
        if not one_kind_file:
            frame = pd.DataFrame({"group": key, "kind": kinds[rows]})
            frame = frame[frame["group"].isin(stacked_groups)]
            top = frame.groupby("group")["kind"].agg(lambda k: k.value_counts(dropna=False).iloc[0] / len(k))
            stacked_groups = np.array([int(g) for g, share in top.items() if share < max_top_share], dtype=np.int64)
    out[rows[np.isin(key, stacked_groups)]] = True
    return out


def precision_counts(precision: Iterable[object]) -> dict[str, int]:
    """How many incidents have each position precision other than ``exakt`` (in PRECISIONS' order)."""
    values = precision if isinstance(precision, pd.Series) else pd.Series(list(precision), dtype="object")
    counts = values.value_counts()
    return {p: int(counts.get(p, 0)) for p in PRECISIONS if p != EXACT and counts.get(p, 0)}


def exact_mask(incidents: pd.DataFrame) -> np.ndarray:
    """True for incidents whose position is a place (``exakt``, or a dataset without the column)."""
    if "position_precision" not in incidents:
        return np.ones(len(incidents), dtype=bool)
    values = incidents["position_precision"]
    return (values.isna() | (values.astype("string") == EXACT)).to_numpy(dtype=bool)


def exact_only(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incidents whose position is a place; the frame itself when all are."""
    mask = exact_mask(incidents)
    if mask.all():
        return incidents
    out = incidents.loc[mask]
    out.attrs = dict(incidents.attrs)
    return out
