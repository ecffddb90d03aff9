"""Översikt's sentences (what stands out, what data is loaded) in Swedish and English, hand-worked."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.overview import DataQuality, data_quality_text, standout_districts, standout_text

NBSP = "\u00a0"
MINUS = "\u2212"


def test_standout_line_in_both_languages():
    # 120 incidents among 3 386 inhabitants = 35.44 per 1 000; 160 → 120 is −25 %.
    rate = 120 / 3386 * 1000
    assert standout_text(120, rate, -25.0, "mars 2024") == (
        f"120 händelser (35 per 1{NBSP}000 inv.), {MINUS}25{NBSP}% mot mars 2024")
    assert standout_text(120, rate, -25.0, "Mar 2024", lang="en") == (
        "120 incidents (35 per 1,000 inhabitants), -25% compared with Mar 2024")


def test_standout_line_without_rate_or_change_and_with_large_numbers():
    assert standout_text(1, None, None, "mars 2024") == "1 händelse"
    assert standout_text(1, float("nan"), float("nan"), "Mar 2024", lang="en") == "1 incident"
    assert standout_text(2468, 1234.4, 0.2, "2024", lang="en") == (
        "2,468 incidents (1,234 per 1,000 inhabitants), ±0% compared with 2024")
    assert standout_text(2468, 1234.4, 300.0, "2024") == (
        f"2{NBSP}468 händelser (1{NBSP}234 per 1{NBSP}000 inv.), +300{NBSP}% mot 2024")


def test_standout_reasons_follow_the_language():
    summary = pd.DataFrame({"name": ["Norr", "Söder", "Öster"], "count": [40, 30, 5],
                            "rate_per_1000": [10.0, 50.0, 1.0]}, index=pd.Index(["N", "S", "O"], name="area_id"))
    changes = pd.DataFrame({"district": ["N", "S", "O"], "before": [10, 30, 5], "after": [40, 30, 5],
                            "change_pct": [300.0, 0.0, 0.0], "p_value": [0.00001, 1.0, 1.0],
                            "verdict": ["ökning", "inom slumpvariation", "inom slumpvariation"],
                            "summary_sv": ["a", "b", "c"], "summary": ["A", "B", "C"]})
    sv = standout_districts(changes, summary, top=1)
    en = standout_districts(changes, summary, top=1, lang="en")
    # Norr's significant increase comes first; Söder has the highest rate; Öster neither.
    assert sv["reason"].to_dict() == {"N": "ökning större än slumpen", "S": "hög nivå per invånare"}
    assert en["reason"].to_dict() == {"N": "increase larger than chance", "S": "high level per inhabitant"}
    assert en["summary"].to_dict() == {"N": "A", "S": "B"}


def quality(**counts: int) -> DataQuality:
    values = {"n_incidents": 1234, "unknown_time": 12, "no_place": 7, "with_window": 345, **counts}
    return DataQuality(first=pd.Timestamp("2024-03-01 08:15"), last=pd.Timestamp("2025-02-28 23:50"),
                       by_source=pd.Series(dtype="int64"), **values)


def test_data_quality_sentences():
    assert data_quality_text(quality()) == (
        f"1{NBSP}234 händelser 1 mars 2024 – 28 februari 2025. 345 har ett tidsfönster (viktas aoristiskt); "
        "12 har okänd tid (fönster över 24 h) och ingår inte i tidsanalyserna; 7 ligger utanför alla områden.")
    assert data_quality_text(quality(), lang="en") == (
        "1,234 incidents 1 March 2024 – 28 February 2025. 345 have a time window (weighted aoristically); "
        "12 have an unknown time (window over 24 h) and are left out of the time analyses; "
        "7 lie outside every district.")


def test_data_quality_singular_and_without_districts():
    one = quality(n_incidents=1, unknown_time=1, no_place=1, with_window=1)
    assert data_quality_text(one, lang="en") == (
        "1 incident 1 March 2024 – 28 February 2025. 1 has a time window (weighted aoristically); "
        "1 has an unknown time (window over 24 h) and is left out of the time analyses; 1 lies outside every district.")
    assert data_quality_text(one, districts=False, max_window_hours=12).endswith(
        "1 har okänd tid (fönster över 12 h) och ingår inte i tidsanalyserna.")
    empty = DataQuality(0, None, None, pd.Series(dtype="int64"), 0, 0, 0)
    assert data_quality_text(empty, districts=False, lang="en") == (
        "0 incidents. 0 have a time window (weighted aoristically); 0 have an unknown time (window over 24 h) "
        "and are left out of the time analyses.")


def test_unknown_language():
    with pytest.raises(ValueError, match="sv, en"):
        standout_text(1, None, None, "", lang="no")
