"""Dates on a trend chart's axis read in Swedish ("okt 2024"), not in plotly's English ("Oct 2024")."""

from __future__ import annotations

import pandas as pd

from dashboard.components.charts import trend_chart


def test_month_ticks_in_swedish():
    series = pd.DataFrame({"period_start": pd.to_datetime(["2024-10-01", "2025-01-01", "2025-04-01"]),
                           "count": [3, 5, 4]})
    axis = trend_chart(series, x="period_start", y="count").layout.xaxis
    assert list(axis.ticktext) == ["okt 2024", "jan 2025", "apr 2025"]
    assert [pd.Timestamp(v) for v in axis.tickvals] == list(series["period_start"])


def test_at_most_twelve_ticks_on_a_long_series():
    months = pd.date_range("2023-01-01", periods=36, freq="MS")
    axis = trend_chart(pd.DataFrame({"period_start": months, "count": range(36)}), x="period_start",
                       y="count").layout.xaxis
    assert list(axis.ticktext) == [f"{m} {y}" for y in (2023, 2024, 2025) for m in ("jan", "apr", "juli", "okt")]  # CLDR's Swedish: "juli", "mars" unabbreviated
