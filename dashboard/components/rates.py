"""Rates per inhabitant where districts are small: the empirical-Bayes rate, and the caption saying so.

The rule (:data:`analysis.smoothing.SMALL_POPULATION`): when any district has fewer than 1 000
inhabitants, Karta's rate colouring and Trygghet's quadrant use the smoothed rate
(:func:`analysis.smoothing.empirical_bayes`) and say so; the raw rate stays in the tables and
beside the smoothed one in the map's tooltip.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.smoothing import SMALL_POPULATION, small_population, with_eb_rate
from core import formatting
from dashboard.i18n import fmt_area_value, lang, t

EB_CAPTION = "Skattad takt (empirisk Bayes) – små områden dras mot snittet"
EB_RULE = "Används eftersom minst ett område har färre än {n} invånare; den uppmätta takten står i tabellen."
EB_AXIS = "Skattad takt per 1 000 invånare (empirisk Bayes)"


def eb_caption() -> None:
    """The one caption every smoothed view shows."""
    limit = formatting.number(SMALL_POPULATION, lang=lang())
    st.caption(f"{t(EB_CAPTION)}. {t(EB_RULE).format(n=limit)}")


def rate_label(smoothed: float, raw: float) -> str:
    """The tooltip's text for a smoothed district: ``31 per 1 000 (uppmätt 49 per 1 000)``."""
    return f"{fmt_area_value(smoothed, 'rate')} ({t('uppmätt')} {fmt_area_value(raw, 'rate')})"


def smooth_map_rates(districts: pd.DataFrame, summary: pd.DataFrame, metric: str) -> bool:
    """Colour Karta's districts by the smoothed rate when the rule applies; ``True`` when it did.

    ``districts`` has ``area_id``, ``rate`` (raw), ``value`` and ``label``; ``value`` (the
    colour) becomes the smoothed rate and ``label`` (the tooltip) shows both. The raw ``rate``
    column, which the table and its CSV show, is left as it is. Renders the caption.
    """
    if metric != "rate" or "population" not in summary.columns or not small_population(summary["population"]):
        return False
    smoothed = districts["area_id"].map(with_eb_rate(summary)["rate_eb_per_1000"]).astype(float)
    districts["value"] = smoothed
    districts["label"] = [rate_label(s, r) for s, r in zip(smoothed, districts["rate"].astype(float), strict=True)]
    eb_caption()
    return True
