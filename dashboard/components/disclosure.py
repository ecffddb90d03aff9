"""Disclosure control on the pages: the level badge, masked tables and CSVs, masked figures.

Every page asks the session's :class:`core.disclosure.View` (``dashboard.loaders.current_view()``)
through these helpers, so a table, its CSV, a tooltip and a chart cell hide the same counts:

- a count from 1 to ``min_count - 1`` is shown as ``".."`` (:data:`core.disclosure.HIDDEN`);
- a number computed from a hidden count (a rate per 1 000 inhabitants, a change in per cent) is
  shown as ``".."`` too: with the population or the other period known, it gives the count back;
- a micro-place (named place, grid cell) with fewer than ``min_place`` incidents is not listed;
- in the full view everything is shown as it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from analysis.density import DensityRaster
from core.disclosure import HIDDEN, View
from dashboard.i18n import fmt_int, lang, t

# Below the owner's level the density surface is never sharper than this (metres, the Gaussian's σ),
# and it is transparent wherever it is weaker than ``min_place`` incidents on one spot would make it.
CONTROLLED_MIN_BANDWIDTH = 150.0


def level_badge(view: View) -> None:
    """One calm line under the page title: the view's level and what it hides (``View.label``)."""
    st.caption(f":material/visibility: {view.label(lang())}")


def hidden_mask(values: pd.Series | np.ndarray, view: View) -> np.ndarray:
    """Boolean array of ``values``' shape: True where ``view`` shows the value as ``".."`` (never in the full view)."""
    array = np.asarray(values)
    numbers = pd.to_numeric(pd.Series(array.ravel()), errors="coerce").to_numpy(dtype=float).reshape(array.shape)
    if view.full:
        return np.zeros(array.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        return (np.abs(numbers) > 0) & (np.abs(numbers) < view.rules.min_count)


def masked_frame(frame: pd.DataFrame, view: View, columns: Sequence[str], *,
                 derived: Sequence[str] | Mapping[str, Sequence[str]] = (),
                 rename: Mapping[str, str] | None = None,
                 decimals: Mapping[str, int] | None = None) -> pd.DataFrame:
    """``frame`` as the viewer may read it, for the table on the page and for its CSV.

    Parameters
    ----------
    frame
        The numbers, one row per area, place, cell or category.
    view
        The session's view. In the full view the frame comes back as it is (renamed).
    columns
        Count columns: a cell from 1 to ``min_count - 1`` becomes ``".."``.
    derived
        Columns computed from the counts (a rate, a change): ``".."`` in every row where any of
        ``columns`` is hidden, since the rate times the population gives the count back. A mapping
        names the counts each is computed from, e.g. ``{"change": ["count", "before"]}``; those
        counts need not be shown themselves (last year's count behind a change).
    rename
        Header names people read, applied last (``{"count": "Antal"}``).
    decimals
        Rounding of number columns (``{"rate": 1}``), in every view, so the table and the CSV read alike.

    Returns
    -------
    pandas.DataFrame
        A copy; in a controlled view the masked columns are text: the number as the CSV writes it
        (``3``, ``0.7``), ``".."`` where hidden, empty where missing.
    """
    shown = frame.copy()
    for column, places in (decimals or {}).items():
        shown[column] = shown[column].round(places)
    if view.controlled:
        hidden = {column: hidden_mask(shown[column].to_numpy(), view) for column in columns}
        sources = derived if isinstance(derived, Mapping) else dict.fromkeys(derived, list(columns))
        for column, counts in sources.items():
            mask = np.zeros(len(shown), dtype=bool)
            for count in counts:
                mask = mask | (hidden[count] if count in hidden else hidden_mask(shown[count].to_numpy(), view))
            hidden[column] = mask
        for column, mask in hidden.items():
            # Text throughout (not numbers mixed with ".."), so the table and the CSV read the same.
            values = shown[column].map(_plain).to_numpy(dtype=object)
            values[mask] = HIDDEN
            shown[column] = pd.Series(values, index=shown.index, dtype=object)
    return shown.rename(columns=dict(rename)) if rename else shown


def _plain(value: Any) -> str:
    """A number as a CSV writes it (``3``, ``0.7``), empty when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def shown_places(frame: pd.DataFrame, view: View, count: str = "count") -> pd.DataFrame:
    """The rows of micro-places (named places, street segments, grid cells) the viewer may see on their own."""
    if view.full:
        return frame
    keep = pd.to_numeric(frame[count], errors="coerce").fillna(0).to_numpy(dtype=float) >= view.rules.min_place
    return frame[keep]


def count_text(view: View, value: Any) -> str:
    """A count as a sentence or a metric shows it: ``1 234`` in the reader's language, or ``".."``."""
    return view.count(value, fmt_int(value))


def change_hidden(view: View, row: Mapping[str, Any]) -> bool:
    """True when a change row's counts (``before``, ``after``) hide either period: then the change,
    its percentage and its sentence would give the hidden count back."""
    return view.hides(row.get("before")) or view.hides(row.get("after"))


def change_summary(view: View, row: Mapping[str, Any]) -> str:
    """The change row's plain-language sentence, or, when one of its counts is hidden, a sentence saying so."""
    if change_hidden(view, row):
        return t("Antalen är för få för att visas på den här visningsnivån (visas som ”..”).")
    return str(row["summary"])


def masked_series(values: pd.Series, view: View) -> pd.Series:
    """``values`` with hidden counts as NaN, for a line or bar in a chart (a gap, not a height)."""
    if view.full:
        return values
    return values.where(~hidden_mask(values.to_numpy(), view))


def masked_matrix(matrix: pd.DataFrame, view: View) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """A heatmap's values and cell texts as the viewer may read them.

    Returns ``(values, texts)``. In the full view ``texts`` is None (the colour and the hover say the
    value). In a controlled view a hidden cell's value is 0 — drawn in the lowest colour class, the
    one an empty cell has, so the colour does not give the count away — and its text is ``".."``;
    the other cells' texts are their values rounded to whole incidents.
    """
    if view.full:
        return matrix, None
    hidden = hidden_mask(matrix.to_numpy(), view)
    values = matrix.mask(hidden, 0.0)
    texts = pd.DataFrame(
        [[HIDDEN if hide else fmt_int(value) for value, hide in zip(row, mask, strict=True)]
         for row, mask in zip(matrix.to_numpy(), hidden, strict=True)],
        index=matrix.index, columns=matrix.columns)
    return values, texts


def masked_profile(weights: pd.Series, view: View) -> tuple[pd.Series, pd.Series | None]:
    """A bar chart's values and bar texts as the viewer may read them (as :func:`masked_matrix`):
    a hidden bar has no height and the text ``".."``; None for the texts in the full view."""
    if view.full:
        return weights, None
    hidden = hidden_mask(weights.to_numpy(), view)
    texts = pd.Series([HIDDEN if hide else fmt_int(value) for value, hide in zip(weights, hidden, strict=True)],
                      index=weights.index)
    return weights.mask(hidden, 0.0), texts


def masked_long(frame: pd.DataFrame, view: View, column: str) -> pd.DataFrame:
    """A long table of a figure's values (one row per cell) with hidden values as ``".."``, for its CSV."""
    return masked_frame(frame, view, [column])


def density_bandwidth(view: View, rule_bandwidth: float) -> float | None:
    """The kernel's σ for the density surface: the normal-reference rule in the full view (None),
    at least :data:`CONTROLLED_MIN_BANDWIDTH` below the owner's level, so the surface shows no single address."""
    if view.full:
        return None
    return max(float(rule_bandwidth), CONTROLLED_MIN_BANDWIDTH)


def controlled_density(raster: DensityRaster, view: View) -> DensityRaster:
    """The density surface with every pixel weaker than ``min_place`` incidents on one spot set to 0.

    A Gaussian kernel of σ metres peaks at ``1 / (2πσ²)`` incidents per m²; a pixel is drawn only
    where the surface reaches ``min_place`` such peaks, i.e. where at least as many incidents as a
    shown micro-place needs lie within about one bandwidth. Lone incidents leave no mark.
    """
    if view.full:
        return raster
    floor = view.rules.min_place / (2 * math.pi * raster.bandwidth ** 2) * 1e6  # per km², the raster's unit
    values = np.where(raster.values >= floor, raster.values, 0.0)
    return DensityRaster(values=values, x0=raster.x0, y0=raster.y0, cell=raster.cell, bandwidth=raster.bandwidth,
                         bandwidth_rule=raster.bandwidth_rule, crs=raster.crs, units=raster.units,
                         n_points=raster.n_points, notes=raster.notes)
