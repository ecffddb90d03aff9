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


def test_heatmap_numbers_and_hours_in_the_readers_format(monkeypatch):
    """The hover of a weekday × hour cell reads "tors kl. 11: 63,7" in Swedish, "Thu 11:00: 63.7" in English.

    plotly writes numbers with the figure's ``separators`` (decimal mark, then thousands mark), so the
    Swedish figure must carry ", " and the English one ".,"; the hour is "kl. 11" / "11:00".
    """
    import pandas as pd
    import streamlit as st

    from dashboard.components.charts import weekday_hour_heatmap

    matrix = pd.DataFrame(0.0, index=range(1, 8), columns=range(24))
    matrix.loc[4, 11] = 63.7
    for english, separators, hover in ((False, ", ", "%{y} kl. %{x}: %{z:.1f}<extra></extra>"),
                                       (True, ".,", "%{y} %{x}:00: %{z:.1f}<extra></extra>")):
        monkeypatch.setitem(st.session_state, "english", english)
        names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") if english else (
            "mån", "tis", "ons", "tors", "fre", "lör", "sön")
        fig = weekday_hour_heatmap(matrix, weekday_names=names)
        assert fig.layout.separators == separators
        assert fig.data[0].hovertemplate == hover
