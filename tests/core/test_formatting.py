"""The formatting added for the findings: changes in per cent, short p-values, period labels."""

from __future__ import annotations

import pytest

from core import formatting

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(("fraction", "sv", "en"), [
    (-0.25, f"{MINUS}25{NBSP}%", "-25%"),       # 120 → 90
    (0.5, f"+50{NBSP}%", "+50%"),               # 6 → 9
    (-1.0, f"{MINUS}100{NBSP}%", "-100%"),      # 3 → 0
    (0.0, f"±0{NBSP}%", "±0%"),                 # 100 → 100
    (-0.004, f"±0{NBSP}%", "±0%"),              # 250 → 249: rounds to nothing, so no direction
    (12.5, f"+1{NBSP}250{NBSP}%", "+1,250%"),   # 2 → 27
])
def test_change_percent(fraction, sv, en):
    assert formatting.change_percent(fraction) == sv
    assert formatting.change_percent(fraction, lang="en") == en


def test_change_percent_with_a_decimal():
    assert formatting.change_percent(-0.1234, 1) == f"{MINUS}12,3{NBSP}%"
    assert formatting.change_percent(-0.1234, 1, lang="en") == "-12.3%"


@pytest.mark.parametrize(("p", "sv", "en"), [
    (0.41, "p = 0,41", "p = 0.41"),
    (0.0312, "p = 0,03", "p = 0.03"),
    (0.0451, "p = 0,045", "p = 0.045"),   # two decimals would read 0.05, the threshold itself
    (0.0504, "p = 0,050", "p = 0.050"),
    (0.0049, "p = 0,005", "p = 0.005"),   # small: three decimals rather than 0.00
    (0.0004, "p < 0,001", "p < 0.001"),
    (1.0, "p = 1,00", "p = 1.00"),
])
def test_short_p_values_for_sentences(p, sv, en):
    assert formatting.p_value(p, decimals=None) == sv
    assert formatting.p_value(p, lang="en", decimals=None) == en


def test_p_value_default_is_still_three_decimals():
    assert formatting.p_value(0.0312) == "p = 0,031"
    assert formatting.p_value(0.41, lang="en") == "p = 0.410"


@pytest.mark.parametrize(("start", "end", "sv", "en"), [
    ("2025-01-01", "2025-04-30", "jan–apr 2025", "Jan–Apr 2025"),
    ("2025-03-01", "2025-03-31", "mars 2025", "Mar 2025"),
    ("2024-02-01", "2024-02-29", "feb 2024", "Feb 2024"),
    ("2024-11-01", "2025-02-28", "nov 2024–feb 2025", "Nov 2024–Feb 2025"),
    ("2025-03-05", "2025-03-20", "5–20 mars 2025", "5–20 Mar 2025"),
    ("2025-01-15", "2025-02-10", "15 jan–10 feb 2025", "15 Jan–10 Feb 2025"),
    ("2024-12-20", "2025-01-05", "20 dec 2024–5 jan 2025", "20 Dec 2024–5 Jan 2025"),
    ("2025-06-06", "2025-06-06", "6 juni 2025", "6 Jun 2025"),
    ("2025-09-01", "2025-09-30", "sep 2025", "Sept 2025"),  # CLDR's British abbreviation
    ("2025-02-01", "2025-02-27", "1–27 feb 2025", "1–27 Feb 2025"),  # not the whole month
])
def test_period_labels(start, end, sv, en):
    assert formatting.period_label(start, end) == sv
    assert formatting.period_label(start, end, lang="en") == en


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="sv, en"):
        formatting.change_percent(0.1, lang="de")
