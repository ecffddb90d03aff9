"""Static images for the report: maps, weekday × hour heatmaps and trend charts (PNG bytes).

Matplotlib with the Agg backend only (no display, no GUI toolkit). Colours are colour-blind safe
(Okabe–Ito for lines and outlines, ``cividis`` for quantities) and fonts are large enough to read
on a printed A4 page or a projector. Incidents are never drawn as points: maps show areas and
counts in grid cells, so protected categories (serious violence, sexual offences) cannot be
located to an address. For the public audience cells with fewer than ``min_count`` incidents
are left blank.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.colors import PowerNorm  # noqa: E402 – after the Agg backend is chosen

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = ["OKABE_ITO", "heatmap_png", "map_png", "trend_png"]

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
}
DPI = 170
WEEKDAYS_SHORT_SV = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
WEEKDAYS_SHORT_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BACKGROUND_STYLE = {
    "water": {"facecolor": "#cfe3f3", "edgecolor": "none"},
    "park": {"facecolor": "#d9ecd0", "edgecolor": "none"},
    "square": {"facecolor": "#e6e1d8", "edgecolor": "none"},
}
_RC = {
    "font.size": 13, "axes.titlesize": 15, "axes.labelsize": 13, "xtick.labelsize": 11,
    "ytick.labelsize": 11, "legend.fontsize": 11, "font.family": "DejaVu Sans",
    # Titles, legends and labels carry names from users' files: a name with two "$" is text, not TeX.
    "text.parse_math": False,
}
_HALO = [patheffects.withStroke(linewidth=3.5, foreground="white")]


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(figure)
    return buffer.getvalue()


def _grid_counts(
    x: np.ndarray, y: np.ndarray, bounds: tuple[float, float, float, float], cell: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xmin, ymin, xmax, ymax = bounds
    x_edges = np.arange(np.floor(xmin / cell) * cell, xmax + cell, cell)
    y_edges = np.arange(np.floor(ymin / cell) * cell, ymax + cell, cell)
    counts, _, _ = np.histogram2d(x, y, bins=[x_edges, y_edges])
    return counts.T, x_edges, y_edges


def map_png(
    *,
    bounds: tuple[float, float, float, float],
    districts: gpd.GeoDataFrame | None = None,
    background: gpd.GeoDataFrame | None = None,
    incidents: pd.DataFrame | None = None,
    cell: float = 250.0,
    min_count: int = 1,
    outlines: Sequence[tuple[str, BaseGeometry]] = (),
    extra: Sequence[tuple[str, BaseGeometry, str]] = (),
    title: str = "",
    count_label: str = "Antal händelser per ruta",
    width_in: float = 9.0,
) -> bytes:
    """A map: background layers, district borders, incident counts in grid cells and outlines.

    Parameters
    ----------
    bounds
        ``(xmin, ymin, xmax, ymax)`` to show, in the working CRS (metres).
    districts, background
        Area layers in the same CRS; ``background`` uses its ``layer`` column (water, park,
        square) for the fill.
    incidents
        Incidents with ``x``/``y``; counted in square cells of ``cell`` metres. Cells with
        fewer than ``min_count`` incidents are not drawn.
    outlines
        ``(label, geometry)`` drawn as thick outlines with the label at the centroid (the
        numbered hotspots).
    extra
        ``(legend text, geometry, colour)`` drawn dashed, e.g. the displacement ring and the
        control area.
    """
    import geopandas as gpd

    xmin, ymin, xmax, ymax = bounds
    aspect = (ymax - ymin) / max(xmax - xmin, 1.0)
    with plt.rc_context(_RC):
        figure, axes = plt.subplots(figsize=(width_in, max(3.5, min(width_in * aspect, 12.0))))
        axes.set_facecolor("#f7f7f5")
        if background is not None and len(background):
            for layer, style in BACKGROUND_STYLE.items():
                part = background[background.get("layer", pd.Series(dtype=str)) == layer]
                if len(part):
                    part.plot(ax=axes, zorder=1, **style)
        if incidents is not None:
            from geo.stacked import exact_only

            incidents = exact_only(incidents)  # positions that are not places are no cell's (geo.stacked)
        if incidents is not None and len(incidents):
            counts, x_edges, y_edges = _grid_counts(
                incidents["x"].to_numpy(float), incidents["y"].to_numpy(float), bounds, cell
            )
            shown = np.ma.masked_less(counts, max(min_count, 1))
            if shown.count():
                # A square-root scale: a few very busy cells must not wash out the rest of the town.
                mesh = axes.pcolormesh(x_edges, y_edges, shown, cmap="cividis_r", alpha=0.8, zorder=2,
                                       shading="flat", norm=PowerNorm(0.5, vmin=max(min_count, 1)))
                bar = figure.colorbar(mesh, ax=axes, shrink=0.6, pad=0.02)
                bar.set_label(count_label)
        if districts is not None and len(districts):
            districts.boundary.plot(ax=axes, color="#555555", linewidth=0.9, zorder=3)
            if "name" in districts:
                for _, row in districts.iterrows():
                    point = row.geometry.representative_point()
                    if xmin <= point.x <= xmax and ymin <= point.y <= ymax:
                        axes.annotate(str(row["name"]), (point.x, point.y), ha="center", va="center",
                                      fontsize=9, color="#444444", zorder=4, path_effects=_HALO)
        for label, geometry, colour in extra:
            gpd.GeoSeries([geometry]).boundary.plot(ax=axes, color=colour, linewidth=2.2,
                                                    linestyle="--", zorder=5, label=label)
        for label, geometry in outlines:
            shape = geometry.buffer(25) if geometry.geom_type == "Point" else geometry
            gpd.GeoSeries([shape]).boundary.plot(ax=axes, color=OKABE_ITO["vermillion"], linewidth=2.6,
                                                 zorder=6, path_effects=_HALO)
            # The number sits on the outline's top-left corner so it never hides what is inside.
            left, _, _, top = shape.bounds
            axes.annotate(
                label, (left, top), ha="center", va="center", fontsize=13, fontweight="bold",
                color="white", zorder=7,
                bbox={"boxstyle": "circle,pad=0.25", "facecolor": OKABE_ITO["vermillion"], "edgecolor": "white"},
            )
        if extra:
            axes.legend(loc="lower left", framealpha=0.9)
        axes.set_xlim(xmin, xmax)
        axes.set_ylim(ymin, ymax)
        axes.set_aspect("equal")
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_xlabel("")
        axes.set_ylabel("")
        _scale_bar(axes, bounds)
        if title:
            axes.set_title(title)
        return _png(figure)


def _scale_bar(axes: plt.Axes, bounds: tuple[float, float, float, float]) -> None:
    xmin, ymin, xmax, ymax = bounds
    width = xmax - xmin
    length = next((v for v in (5000, 2000, 1000, 500, 200, 100, 50) if v <= width / 4), 50)
    x0, y0 = xmax - width * 0.04 - length, ymin + (ymax - ymin) * 0.05
    axes.plot([x0, x0 + length], [y0, y0], color="black", linewidth=4, zorder=8, solid_capstyle="butt")
    text = f"{length // 1000} km" if length >= 1000 else f"{length} m"
    axes.annotate(text, (x0 + length / 2, y0), xytext=(0, 6), textcoords="offset points", ha="center",
                  fontsize=11, zorder=8, path_effects=_HALO)


def heatmap_png(
    matrix: pd.DataFrame, *, title: str = "", min_count: float = 0.0, width_in: float = 10.0, lang: str = "sv"
) -> bytes:
    """A weekday × hour heatmap (rows ISO weekday 1–7, columns hour 0–23), labelled in ``lang``.

    Cells below ``min_count`` are blanked (public audience: small numbers are not shown).
    """
    values = matrix.reindex(index=range(1, 8), columns=range(24), fill_value=0.0).to_numpy(float)
    shown = np.ma.masked_less(values, min_count) if min_count > 0 else np.ma.masked_invalid(values)
    with plt.rc_context(_RC):
        figure, axes = plt.subplots(figsize=(width_in, width_in * 0.36))
        cmap = plt.get_cmap("cividis_r").with_extremes(bad="#eeeeee")
        image = axes.imshow(shown, aspect="auto", cmap=cmap, vmin=0, interpolation="nearest")
        axes.set_yticks(range(7), WEEKDAYS_SHORT_EN if lang == "en" else WEEKDAYS_SHORT_SV)
        axes.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
        axes.set_xlabel("Hour (when the incident started or was going on)" if lang == "en"
                        else "Timme (klockslag då händelsen började eller pågick)")
        bar = figure.colorbar(image, ax=axes, pad=0.015)
        bar.set_label("Count (weighted)" if lang == "en" else "Antal (viktat)")
        if title:
            axes.set_title(title)
        return _png(figure)


def trend_png(
    series: Mapping[str, pd.DataFrame],
    *,
    marker: pd.Timestamp | str | None = None,
    marker_label: str = "Åtgärden startar",
    title: str = "",
    ylabel: str = "Antal per månad",
    width_in: float = 10.0,
) -> bytes:
    """Monthly counts as lines (``{label: frame with period_start and count}``) and a start line."""
    colours = [OKABE_ITO[k] for k in ("vermillion", "blue", "green", "orange", "purple", "sky")]
    styles = ["-", "--", "-.", ":", "-", "--"]
    with plt.rc_context(_RC):
        figure, axes = plt.subplots(figsize=(width_in, width_in * 0.42))
        for index, (label, frame) in enumerate(series.items()):
            axes.plot(pd.to_datetime(frame["period_start"]), frame["count"], label=label,
                      color=colours[index % len(colours)], linestyle=styles[index % len(styles)],
                      linewidth=2.4, marker="o", markersize=3.5)
        if marker is not None:
            axes.axvline(pd.Timestamp(marker), color="black", linewidth=1.8, linestyle=":")
            axes.annotate(marker_label, (pd.Timestamp(marker), 1.0), xycoords=("data", "axes fraction"),
                          xytext=(5, -16), textcoords="offset points", fontsize=11)
        axes.set_ylim(bottom=0)
        axes.set_ylabel(ylabel)
        axes.grid(axis="y", color="#dddddd")
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(3, max(1, len(series))),
                    frameon=False)
        if title:
            axes.set_title(title)
        return _png(figure)
