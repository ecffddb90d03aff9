"""The Översikt data-quality sentences below the owner's level: small counts as "..", in the plural."""

from __future__ import annotations

import pandas as pd

from analysis.overview import DataQuality, data_quality_text, not_places_text
from core.disclosure import DisclosureRules, View

CONTROLLED = View(True, False, "gemensam", DisclosureRules())


def _quality() -> DataQuality:
    return DataQuality(40681, pd.Timestamp("2023-01-01 01:53"), pd.Timestamp("2025-12-31 23:58"),
                       pd.Series(dtype="int64"), unknown_time=1, no_place=2, with_window=11622,
                       not_places={"saknas": 1})


def test_small_counts_in_the_data_sentences_are_dotted_and_take_the_plural():
    assert data_quality_text(_quality(), hides=CONTROLLED.hides) == (
        "40\u00a0681 händelser 1 januari 2023 – 31 december 2025. 11\u00a0622 har ett tidsfönster (viktas "
        "aoristiskt); .. har okänd tid (fönster över 24 h) och ingår inte i tidsanalyserna; .. ligger utanför "
        "alla områden. .. händelser saknar position. De räknas inte på platser, hotspots och täthet och visas "
        "inte som punkter.")
    english = data_quality_text(_quality(), hides=CONTROLLED.hides, lang="en")
    # "1 has" would give the ".." away: a hidden count reads "have", like any number but one.
    assert ".. have an unknown time (window over 24 h) and are left out of the time analyses" in english
    assert ".. lie outside every district" in english and ".. incidents have no position" in english


def test_the_full_view_keeps_the_numbers():
    text = data_quality_text(_quality())
    assert "; 1 har okänd tid" in text and "; 2 ligger utanför alla områden" in text
    assert not_places_text({"saknas": 1}) == ("1 händelse saknar position. De räknas inte på platser, hotspots "
                                              "och täthet och visas inte som punkter.")
