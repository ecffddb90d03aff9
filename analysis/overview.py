"""The figures the Översikt page leads with: what is loaded, and what stands out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.aoristic import DEFAULT_MAX_WINDOW_HOURS


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


def data_quality(incidents: pd.DataFrame, *, max_window_hours: float = DEFAULT_MAX_WINDOW_HOURS) -> DataQuality:
    """Summarise a dataset for the "what data is loaded" box.

    ``unknown_time`` counts incidents whose time window is longer than ``max_window_hours``
    (they are left out of the time-of-day analyses); ``no_place`` those outside every district
    (a missing ``district``), when the frame has a ``district`` column.

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
    no_place = int(incidents["district"].isna().sum()) if "district" in incidents else 0
    return DataQuality(
        n_incidents=len(incidents),
        first=when.min() if len(when) else None,
        last=when.max() if len(when) else None,
        by_source=incidents["source"].astype("string").value_counts().sort_values(ascending=False),
        unknown_time=unknown,
        no_place=no_place,
        with_window=int(has_window.sum()),
    )


def standout_districts(changes: pd.DataFrame, summary: pd.DataFrame, *, top: int = 3) -> pd.DataFrame:
    """Districts that stand out: significant increases first, then the highest rates.

    ``changes`` is :func:`analysis.change.same_period_last_year` by ``district``;
    ``summary`` is :func:`analysis.aggregate.summary_by_area` (indexed by area id).
    Returns one row per district with name, count, rate, change and the reason it stands out.
    """
    table = summary.join(changes.set_index("district")[["before", "after", "change_pct", "p_value", "verdict",
                                                          "summary_sv"]], how="left")
    table["reason"] = ""
    increased = table["verdict"].eq("ökning")
    table.loc[increased, "reason"] = "ökning större än slumpen"
    by_rate = table["rate_per_1000"].rank(ascending=False, method="first") <= top
    table.loc[by_rate & ~increased, "reason"] = "hög nivå per invånare"
    chosen = table[table["reason"] != ""].copy()
    chosen["_order"] = np.where(chosen["reason"].str.startswith("ökning"), 0, 1)
    return chosen.sort_values(["_order", "rate_per_1000"], ascending=[True, False]).drop(columns="_order")
