"""How stable a place's hot-spot status is, shown where a place is pinned and on Problembild.

The numbers are :func:`analysis.robustness.place_robustness` (cell sizes 50/100/200 m, the four
quarters of the sidebar's period, and the emerging class by week, month and quarter), cached per
dataset file, place and period. Below the owner's level a place with fewer than ``min_place``
incidents gets one line saying so and no table, as its count does; counts of 1–2 in the table are
"..".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
import streamlit as st

from analysis.problem_numbers import Place
from analysis.robustness import Robustness, place_robustness
from core import formatting
from core.disclosure import HIDDEN
from dashboard.components.exports import csv_download
from dashboard.components.projector import show_dataframe
from dashboard.i18n import lang, t

if TYPE_CHECKING:
    import geopandas as gpd

    from core.disclosure import View

STEPS = ("week", "month", "quarter")
ASPECTS = {"rutstorlek": "Rutstorlek", "period": "Period", "tidssteg": "Tidssteg"}


def _source_key(incidents: pd.DataFrame, dataset: object) -> str:
    """What the cache knows the incidents by: the dataset's file and its modification time."""
    path = getattr(dataset, "path", None)
    file = path("incidents") if callable(path) else None
    mtime = Path(file).stat().st_mtime if file and Path(file).exists() else 0.0
    return f"{getattr(dataset, 'id', '')}|{file}|{mtime}|{len(incidents)}"


@st.cache_data(show_spinner=False, max_entries=32)
def _cached(source: str, _incidents: pd.DataFrame, _extent: gpd.GeoDataFrame | None, wkt: str,
            categories: tuple[str, ...], weekdays: tuple[int, ...], hours: tuple[int, ...], start: str, end: str,
            extent_key: str) -> Robustness | str:
    """The robustness of a place, or the Swedish reason it cannot be computed (a period too short to cut)."""
    try:
        return place_robustness(_incidents, Place(wkt, list(categories), list(weekdays), list(hours)), start, end,
                                extent=_extent, steps=STEPS)
    except ValueError as error:
        return str(error)


def place_robustness_cached(incidents: pd.DataFrame, place: object, start: date, end: date, *, dataset: object,
                            districts: gpd.GeoDataFrame | None = None) -> Robustness | str:
    """:func:`analysis.robustness.place_robustness` for a place and period, through the cache."""
    extent_key = "" if districts is None else f"{len(districts)}|{np.round(districts.total_bounds, 1).tolist()}"
    return _cached(_source_key(incidents, dataset), incidents, districts, shapely.to_wkt(
        shapely.from_wkt(place.geometry_wkt), rounding_precision=1), tuple(place.categories or ()),
        tuple(place.weekdays or ()), tuple(place.hours or ()), str(start), str(end), extent_key)


def robustness_table(result: Robustness, view: View) -> pd.DataFrame:
    """The table as the page shows it: the reader's words and numbers, counts masked by ``view``."""
    language = lang()
    frame = result.frame(lang=language, view=view)
    rows = []
    for row in frame.itertuples():
        share = formatting.percent(row.hot_share, lang=language) if row.hot_share == row.hot_share else "–"
        if row.aspect == "tidssteg":
            incidents, result_text = "–", row.label
            share = t("{share} i klassen").format(share=share)
        else:
            incidents = HIDDEN if row.incidents == HIDDEN else formatting.count(row.incidents, lang=language)
            result_text = t("het") if row.hot else t("inte het")
        rows.append({t("Jämförelse"): t(ASPECTS[row.aspect]), t("Läge"): row.setting,
                     t("Händelser i platsen"): incidents, t("Andel av platsen i heta rutor"): share,
                     t("Resultat"): result_text})
    return pd.DataFrame(rows)


def robustness_note(result: Robustness | str, *, view: View, count: float, download_key: str | None = None) -> None:
    """The robustness sentences under a place, with the table in an expander.

    ``count`` is the place's count in the period (what the page shows beside it): below the owner's
    level a place under ``min_place`` gets only the line that says why. ``download_key``: a CSV
    download of the table under it (not inside a form, where Streamlit allows no download button).
    """
    if isinstance(result, str):
        st.caption(t("Stabiliteten som hot spot kan inte bedömas: {reason}").format(reason=result))
        return
    if not view.place_shown(count):
        st.caption(t("Stabiliteten som hot spot visas inte: för få händelser för att visas (under {k}).").format(
            k=view.rules.min_place))
        return
    language = lang()
    verdict = result.verdict
    text = result.sentence(language)
    (st.info if verdict in ("stabil", "ingen") else st.warning)(text, icon=":material/stacked_line_chart:")
    if result.steps_sentence(language):
        st.caption(result.steps_sentence(language))
    with st.expander(t("Hur stabil är platsen som hot spot?")):
        table = robustness_table(result, view)
        show_dataframe(table, hide_index=True, use_container_width=True)
        if download_key:
            csv_download(table, "stabilitet", key=download_key)
        st.caption(result.overlap_sentence(language) + " " + t(
            "Het = minst hälften av platsens yta ligger i rutor som är hot spots (Gi* med FDR, 95 %). Perioden är "
            "sidofältets, delad i fyra lika delar."))
