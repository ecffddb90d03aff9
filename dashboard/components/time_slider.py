"""Karta's time slider: incidents per grid cell month by month, played like a film (plotly, offline).

A plotly animation runs in the browser: the slider and "Spela" move through the months without a
rerun of the page, and plotly.js ships with Streamlit, so nothing loads from a CDN. Only cells are
drawn, never individual incidents; below the data owner's level a cell with fewer than ``min_place``
incidents in a month is not drawn that month (as the map's hot cells).
"""

from __future__ import annotations

import math
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.time_frames import monthly_cells
from core import formatting
from core.disclosure import View
from dashboard.components.charts import HEAT_SCALE
from dashboard.components.exports import plotly_config
from dashboard.components.projector import font_size
from dashboard.i18n import lang, t

MAX_SIDE = 160  # cells along the longer side: a kommun-wide grid is coarsened so the film stays light


def frame_cell(incidents: pd.DataFrame, cell: float) -> float:
    """The map's cell size, or a coarser multiple of 50 m so the grid has at most MAX_SIDE cells a side."""
    if incidents.empty:
        return float(cell)
    span = max(float(incidents["x"].max() - incidents["x"].min()), float(incidents["y"].max() - incidents["y"].min()))
    return float(max(cell, 50 * math.ceil(span / MAX_SIDE / 50)))


def month_label(month: pd.Period, language: str) -> str:
    """``jan. 2025`` / ``Jan 2025``: the month as the slider says it."""
    return f"{formatting.month(month.month, lang=language, width='abbreviated')} {month.year}"


def time_slider_figure(cells: pd.DataFrame, months: pd.PeriodIndex, *, cell: float,
                       districts: gpd.GeoDataFrame | None = None, projector: bool = False,
                       language: str = "sv") -> go.Figure:
    """An animated heat grid: one frame per month in ``months``, the cells of ``cells`` (analysis.time_frames).

    The colour scale is the same in every frame (0 to the busiest cell-month), so a colour means the
    same number in January as in July. Districts are drawn as outlines for orientation.
    """
    size = font_size(projector)
    if len(cells):
        xs = np.arange(cells["x0"].min(), cells["x0"].max() + cell / 2, cell)
        ys = np.arange(cells["y0"].min(), cells["y0"].max() + cell / 2, cell)
    else:
        xs = ys = np.array([0.0])
    top = max(float(cells["count"].max()), 1.0) if len(cells) else 1.0
    column = {x: i for i, x in enumerate(xs)}
    row = {y: i for i, y in enumerate(ys)}
    unit = t("händelser")

    def grid(month: pd.Period) -> np.ndarray:
        z = np.full((len(ys), len(xs)), np.nan, dtype=np.float32)  # half the bytes per frame; counts are small
        this = cells[cells["month"] == month]
        z[[row[y] for y in this["y0"]], [column[x] for x in this["x0"]]] = this["count"].to_numpy(dtype=np.float32)
        return z

    def heat(month: pd.Period) -> go.Heatmap:
        # Cell centres, so a cell lies where its incidents are.
        return go.Heatmap(x=xs + cell / 2, y=ys + cell / 2, z=grid(month), zmin=0, zmax=top, colorscale=HEAT_SCALE,
                          hoverongaps=False, hovertemplate=f"%{{z}} {unit}<extra></extra>",
                          colorbar={"title": {"text": t("Händelser per månad"), "font": {"size": size}},
                                    "tickfont": {"size": size}})

    labels = [month_label(m, language) for m in months]
    fig = go.Figure(data=[heat(months[0])] if len(months) else [])
    if districts is not None and len(districts):
        # One line trace with gaps (None) between the rings: light, and it stays still while the cells move.
        lx, ly = [], []
        for geometry in districts.geometry.boundary.explode(index_parts=False):
            coords = np.asarray(geometry.coords)
            lx += [*coords[:, 0], None]
            ly += [*coords[:, 1], None]
        fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", line={"color": "#555", "width": 1}, hoverinfo="skip",
                                 showlegend=False))
    fig.frames = [go.Frame(data=[heat(m)], traces=[0], name=label,
                           layout={"title": {"text": label}}) for m, label in zip(months, labels, strict=True)]
    play = {"frame": {"duration": 800, "redraw": True}, "transition": {"duration": 0}, "fromcurrent": True}
    stop = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    fig.update_layout(
        title={"text": labels[0] if labels else "", "font": {"size": size + 6}},
        font={"size": size, "family": "Source Sans Pro, Arial, sans-serif", "color": "#111"},
        height=760 if projector else 560, paper_bgcolor="white", plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 90 if projector else 70, "b": 10}, hoverlabel={"font": {"size": size}},
        # The buttons top left, clear of the slider's month labels; ▶ and ■ are in every font (⏸ is not).
        updatemenus=[{"type": "buttons", "direction": "left", "x": 0, "y": 1.0, "xanchor": "left", "yanchor": "bottom",
                      "pad": {"b": 10}, "showactive": False, "font": {"size": size},
                      "buttons": [{"label": "▶ " + t("Spela"), "method": "animate", "args": [None, play]},
                                  {"label": "■ " + t("Pausa"), "method": "animate", "args": [[None], stop]}]}],
        # Room on both sides for half a month label, centred under the first and the last tick.
        sliders=[{"active": 0, "x": 0, "len": 1.0, "y": -0.02, "yanchor": "top",
                  "pad": {"t": 10, "l": 3 * size, "r": 3 * size},
                  "currentvalue": {"visible": False}, "font": {"size": size},
                  "steps": [{"label": label, "method": "animate",
                             "args": [[label], {**stop, "frame": {"duration": 0, "redraw": True}}]}
                            for label in labels]}],
    )
    # Metres on both axes at the same scale (a map, not a chart), without ticks nobody reads.
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    return fig


def time_slider(incidents: pd.DataFrame, *, districts: gpd.GeoDataFrame | None, view: View, cell: float,
                period: tuple[date, date], projector: bool = False) -> None:
    """The toggle "Tidsreglage" and, when on, the film of the months in ``period`` (the filters' period)."""
    if not st.toggle(t("Tidsreglage: se mönstret månad för månad"), value=False, key="map_time_slider"):
        return
    used = frame_cell(incidents, cell)
    min_count = 1 if view.full else view.rules.min_place
    months = pd.period_range(period[0], period[1], freq="M")
    cells = monthly_cells(incidents, cell=used, min_count=min_count)
    cells = cells[cells["month"].isin(months)]
    fig = time_slider_figure(cells, months, cell=used, districts=districts, projector=projector, language=lang())
    st.plotly_chart(fig, width="stretch", config=plotly_config("tidsreglage"), key="time-slider", theme=None)
    note = t("Händelser per ruta om {cell} m och månad (månaden då tidsfönstret börjar), med filtren i "
             "sidopanelen. Tryck Spela eller dra i reglaget.").format(cell=formatting.number(used, lang=lang()))
    if not view.full:
        note += " " + t("På den här visningsnivån visas bara rutor med minst {k} händelser den månaden.").format(
            k=view.rules.min_place)
    st.caption(note)
