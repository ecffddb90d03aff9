"""Översikt's "Har mönstret ändrats?": the S-index per district between the period and its comparison.

The test (:func:`analysis.sppt.sppt_periods`) compares each district's share of the incidents,
so a total that rose everywhere alike is no change of pattern. Below the owner's level a
district whose count is hidden shows ".." for its counts, shares and verdict: a share times the
total gives the count back, and the verdict would narrow it down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from analysis.sppt import change_label, sppt_periods
from core import formatting
from core.disclosure import HIDDEN
from dashboard.components.disclosure import masked_frame
from dashboard.components.exports import csv_download
from dashboard.components.projector import show_dataframe
from dashboard.i18n import lang, t

if TYPE_CHECKING:
    from datetime import date

    import geopandas as gpd

    from analysis.sppt import SpptResult
    from core.disclosure import View

# The verdict must not change between two looks at the same filters: one fixed seed.
SEED = 20_240_601
COMPARISONS = {"year": "Samma period året innan", "previous": "Perioden närmast före"}
# Column → (header, how its cells read): counts whole, shares as per cent with one decimal.
COLUMNS = {
    "name": ("Område", "text"),
    "base_count": ("Antal före", "count"),
    "test_count": ("Antal nu", "count"),
    "base_share": ("Andel före", "share"),
    "test_share": ("Andel nu", "share"),
    "change_label": ("Mönster", "term"),
}


def pattern_table(result: SpptResult) -> pd.DataFrame:
    """One row per district: counts, shares (0–1) and the Swedish verdict (``change_label``)."""
    table = result.table.reset_index()
    frame = pd.DataFrame({
        "area_id": table["area_id"],
        "name": table["name"] if "name" in table.columns else table["area_id"],
        "base_count": table["base_count"],
        "test_count": table["test_count"],
        # The table's "share" kind reads 0–1; the test works in per cent as R sppt does.
        "base_share": table["base_share"] / 100,
        "test_share": table["test_share"] / 100,
        "change": table["change"].astype(str),
        "change_label": [change_label(change) for change in table["change"]],
    })
    return frame


def masked_pattern(frame: pd.DataFrame, view: View) -> pd.DataFrame:
    """The table as ``view`` may read it: a hidden count hides its share and the district's verdict."""
    return masked_frame(frame, view, ["base_count", "test_count"],
                        derived={"base_share": ["base_count"], "test_share": ["test_count"],
                                 "change": ["base_count", "test_count"],
                                 "change_label": ["base_count", "test_count"]})


def pattern_change(incidents: pd.DataFrame, districts: gpd.GeoDataFrame, start: date, end: date,
                   view: View) -> None:
    """Render the section: the comparison choice, the sentence, the table and its CSV.

    ``incidents`` are the filtered incidents of every date (both periods are cut from them),
    with the dataset's ``district`` codes as the districts' positions.
    """
    st.markdown(f"#### {t('Har mönstret ändrats?')}")
    # Labels as options (not a format_func): a rerun in the other language keeps the choice's position.
    labels = [t(label) for label in COMPARISONS.values()]
    chosen = st.radio(t("Jämför med"), range(len(labels)), format_func=labels.__getitem__, horizontal=True,
                      key="pattern_compare")
    compare = list(COMPARISONS)[chosen or 0]
    codes = incidents["district"].cat.codes.to_numpy() if "district" in incidents else None
    language = lang()
    try:
        result, (base_start, base_end) = sppt_periods(incidents, districts, start, end, compare=compare,
                                                      assignment=codes, seed=SEED)
    except ValueError:
        st.info(t("Det finns inga händelser inom områdena i en av perioderna att jämföra."))
        return
    st.markdown(f"**{result.sentence(lang=language)}**")
    st.caption(t("Andresens S-index: varje områdes andel av händelserna {test} jämförs med andelen {base}. "
                 "En andel utanför 95 % av {n} omdragningar räknas som ändrad; S är andelen områden som är "
                 "liknande (S ≥ 0,80: i stort sett samma mönster).").format(
        test=formatting.date_span(start, end, lang=language),
        base=formatting.date_span(base_start, base_end, lang=language),
        n=result.n_samples))
    frame = pattern_table(result)
    shown = masked_pattern(frame, view)
    show_dataframe(display_frame(shown, language), hide_index=True, width="stretch")
    csv_download(shown.drop(columns="change_label"), "monster-omraden", key="csv-pattern-change")


def _cell(value: object, kind: str, language: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ""
    if value == HIDDEN:
        return HIDDEN
    if kind == "count":
        return formatting.count(float(value), lang=language)
    if kind == "share":
        return formatting.percent(float(value), 1, lang=language)
    if kind == "term":
        return t(str(value))
    return str(value)


def display_frame(shown: pd.DataFrame, language: str) -> pd.DataFrame:
    """The masked table as text in the reader's language (``0,8 %``, ``..``), with translated headers."""
    return pd.DataFrame({t(header): [_cell(value, kind, language) for value in shown[column]]
                         for column, (header, kind) in COLUMNS.items()})
