"""Plotly figure builders. They return figures; pages show them with ``st.plotly_chart``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core import formatting
from dashboard.components.projector import OKABE_ITO, font_size
from dashboard.i18n import lang

# Sequential, colour-blind-safe and readable in greyscale on a projector.
HEAT_SCALE = "YlOrRd"


def apply_layout(fig: go.Figure, *, projector: bool, title: str | None = None, height: int | None = None) -> go.Figure:
    size = font_size(projector)
    fig.update_layout(
        title={"text": title, "font": {"size": size + 6}} if title else None,
        font={"size": size, "family": "Source Sans Pro, Arial, sans-serif", "color": "#111"},
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=list(OKABE_ITO),
        height=height or (620 if projector else 420),
        legend={"font": {"size": size}},
        # Numbers in ticks and hovers in the reader's format: "63,7" and "1 490" in Swedish, "63.7" and
        # "1,490" in English (plotly's separators: the decimal mark, then the thousands mark).
        separators=", " if lang() == "sv" else ".,",
    )
    # Room for tick labels and axis titles however large the projector font is.
    fig.update_xaxes(automargin=True, tickfont={"size": size}, title_font={"size": size})
    fig.update_yaxes(automargin=True, tickfont={"size": size}, title_font={"size": size})
    # Every other text of the figure in the same size: hover labels, colour bars, markers' texts, notes.
    fig.update_layout(hoverlabel={"font": {"size": size}})
    fig.update_traces(colorbar_tickfont_size=size, colorbar_title_font_size=size, selector={"type": "heatmap"})
    fig.update_traces(textfont_size=size, selector={"type": "scatter"})
    fig.update_traces(textfont_size=size, selector={"type": "bar"})
    fig.update_annotations(font_size=size)
    return fig


def _at_hour() -> str:
    """The hour in a hover: "kl. 11" in Swedish, "11:00" in English."""
    return "kl. %{x}" if lang() == "sv" else "%{x}:00"


def hour_ticks(fig: go.Figure, *, projector: bool) -> None:
    """Hour labels "00"–"23" on the x axis: each hour, or every third in projector mode.

    At 22 px twenty-four labels run into each other ("0001020304…") in a panel beside the map.
    """
    step = 3 if projector else 1
    hours = [f"{h:02d}" for h in range(0, 24, step)]
    # A category axis: plotly would read "00"–"23" as numbers and write them "0", "3", …
    fig.update_xaxes(type="category", tickmode="array", tickvals=hours, ticktext=hours)


def _cell_texts(texts: pd.DataFrame | None, values: pd.DataFrame, projector: bool) -> dict:
    """Heatmap keywords that write ``texts`` in the cells and the hover (a controlled view's ".."), else none."""
    if texts is None:
        return {"hovertemplate": f"%{{y}} {_at_hour()}: %{{z:.1f}}<extra></extra>"}
    cells = texts.reindex(index=values.index, columns=range(24), fill_value="0").to_numpy()
    # An empty cell stays blank (its hover says 0), so the ".." of hidden cells stand out; the scale starts
    # at 0, the class every hidden cell is drawn in, whatever the other cells hold.
    return {"text": np.where(cells == "0", "", cells), "customdata": cells, "texttemplate": "%{text}",
            "textfont": {"size": font_size(projector) - (2 if projector else 4)}, "zmin": 0, "zmax": max(float(values.max().max()), 1.0),
            "hovertemplate": f"%{{y}} {_at_hour()}: %{{customdata}}<extra></extra>"}


def weekday_hour_heatmap(matrix: pd.DataFrame, *, weekday_names: tuple[str, ...], projector: bool = False,
                         title: str | None = None, value_label: str = "Händelser",
                         texts: pd.DataFrame | None = None) -> go.Figure:
    """Heatmap of a 7×24 weekday × hour matrix (index ISO weekday 1–7, columns hour 0–23).

    ``texts`` (same shape) is written in each cell and the hover instead of the value: a controlled
    view's ``".."`` (see :func:`dashboard.components.disclosure.masked_matrix`).
    """
    values = matrix.reindex(index=range(1, 8), columns=range(24), fill_value=0.0)
    fig = go.Figure(
        go.Heatmap(
            z=values.to_numpy(),
            x=[f"{h:02d}" for h in range(24)],
            y=list(weekday_names),
            colorscale=HEAT_SCALE,
            colorbar={"title": {"text": value_label}},
            xgap=1,
            ygap=1,
            **_cell_texts(texts, values, projector),
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="Timme" if weekday_names[0] == "mån" else "Hour")
    hour_ticks(fig, projector=projector)
    return apply_layout(fig, projector=projector, title=title)


def month_hour_heatmap(matrix: pd.DataFrame, *, month_names: tuple[str, ...], projector: bool = False,
                       title: str | None = None, texts: pd.DataFrame | None = None) -> go.Figure:
    """Heatmap of a 12×24 month × hour matrix (index month 1–12); ``texts`` as in :func:`weekday_hour_heatmap`."""
    values = matrix.reindex(index=range(1, 13), columns=range(24), fill_value=0.0)
    fig = go.Figure(go.Heatmap(z=values.to_numpy(), x=[f"{h:02d}" for h in range(24)], y=list(month_names),
                               colorscale=HEAT_SCALE, xgap=1, ygap=1,
                               **_cell_texts(texts, values, projector)))
    fig.update_yaxes(autorange="reversed")
    hour_ticks(fig, projector=projector)
    return apply_layout(fig, projector=projector, title=title)


def trend_chart(series: pd.DataFrame, *, x: str, y: str, color: str | None = None, projector: bool = False,
                title: str | None = None, marker_date: pd.Timestamp | None = None,
                marker_label: str | None = None) -> go.Figure:
    """Line chart of counts over time, one line per ``color`` group; optionally a dated vertical marker."""
    fig = go.Figure()
    groups = [(None, series)] if color is None else list(series.groupby(color, sort=False))
    for name, part in groups:
        fig.add_trace(go.Scatter(x=part[x], y=part[y], mode="lines+markers", name=str(name) if name else y,
                                 line={"width": 4 if projector else 2}))
    if marker_date is not None:
        fig.add_vline(x=pd.Timestamp(marker_date).timestamp() * 1000, line_dash="dash", line_color="#000",
                      annotation_text=marker_label or "", annotation_position="top left")
    _month_ticks(fig, series[x])
    return apply_layout(fig, projector=projector, title=title)


def _month_ticks(fig: go.Figure, values: pd.Series, most: int = 12) -> None:
    """Date ticks in the reader's language ("okt 2024"), not plotly's English month names."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        return
    dates = pd.Series(pd.to_datetime(values.dropna().unique())).sort_values()
    if dates.empty:
        return
    shown = dates.iloc[::max(1, -(-len(dates) // most))]
    language = lang()
    fig.update_xaxes(tickvals=list(shown), ticktext=[
        f"{formatting.month(d.month, lang=language, width='abbreviated').rstrip('.')} {d.year}" for d in shown])


def interval_chart(table: pd.DataFrame, *, label: str, value: str, low: str, high: str, group: str,
                   projector: bool = False, title: str | None = None, x_title: str = "") -> go.Figure:
    """Dot-and-whisker chart: one row per ``label``, one colour per ``group`` (e.g. year)."""
    fig = go.Figure()
    for name, part in table.groupby(group, sort=True):
        fig.add_trace(go.Scatter(
            x=part[value], y=part[label], name=str(name), mode="markers", orientation="h",
            marker={"size": 14 if projector else 9},
            error_x={"type": "data", "symmetric": False,
                     "array": (part[high] - part[value]).fillna(0), "arrayminus": (part[value] - part[low]).fillna(0)},
        ))
    fig.update_xaxes(title_text=x_title)
    # Years side by side within each row, so their intervals do not hide each other.
    fig.update_layout(scattermode="group", scattergap=0.5)
    return apply_layout(fig, projector=projector, title=title, height=max(360, 54 * table[label].nunique() + 120))


def quadrant_chart(table: pd.DataFrame, *, x: str, y: str, label: str, x_title: str, y_title: str,
                   projector: bool = False, title: str | None = None) -> go.Figure:
    """Scatter with median lines splitting it into four quadrants (trygghet vs anmälda brott)."""
    fig = go.Figure(go.Scatter(x=table[x], y=table[y], text=table[label], mode="markers+text",
                               textposition="top center", marker={"size": 18 if projector else 12,
                                                                 "color": OKABE_ITO[0]}))
    fig.add_vline(x=float(table[x].median()), line_dash="dot", line_color="#555")
    fig.add_hline(y=float(table[y].median()), line_dash="dot", line_color="#555")
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return apply_layout(fig, projector=projector, title=title, height=700 if projector else 520)


def bar_chart(table: pd.DataFrame, *, x: str, y: str, projector: bool = False, title: str | None = None,
              color: str | None = None) -> go.Figure:
    """Horizontal bar chart sorted by value."""
    ordered = table.sort_values(x)
    fig = go.Figure(go.Bar(x=ordered[x], y=ordered[y], orientation="h",
                           marker_color=ordered[color] if color else OKABE_ITO[0]))
    return apply_layout(fig, projector=projector, title=title, height=max(320, 36 * len(ordered) + 100))


def bar_profile(weights: pd.Series, *, projector: bool = False, title: str | None = None,
                texts: pd.Series | None = None) -> go.Figure:
    """Bars of aoristic weight per hour of day (index 0–23).

    ``texts`` (per hour) is written above each bar and in the hover instead of the value: a controlled
    view passes ``".."`` for a hidden hour, whose bar is then drawn with no height at all.
    """
    values = weights.reindex(range(24), fill_value=0.0)
    extra = {"hovertemplate": f"{_at_hour()}: %{{y:.1f}}<extra></extra>"}
    if texts is not None:
        labels = texts.reindex(range(24), fill_value="0").to_numpy()
        extra = {"text": np.where(labels == "0", "", labels), "customdata": labels, "textposition": "outside",
                 "cliponaxis": False, "hovertemplate": f"{_at_hour()}: %{{customdata}}<extra></extra>"}
    fig = go.Figure(go.Bar(x=[f"{h:02d}" for h in values.index], y=values.to_numpy(), marker_color=OKABE_ITO[0],
                           **extra))
    if texts is not None:
        fig.update_yaxes(rangemode="tozero")  # with every hour hidden the bars have no height: no axis below 0
    hour_ticks(fig, projector=projector)
    return apply_layout(fig, projector=projector, title=title, height=480 if projector else 320)
