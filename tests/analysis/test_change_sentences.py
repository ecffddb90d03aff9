"""The change sentences in Swedish and English, against hand-worked counts and p-values.

With equally long periods the exact conditional test is a binomial with p0 = 1/2, so the
two-sided p-value is 2 · P(X ≤ min(before, after)) for X ~ Bin(before + after, 1/2), which
is worked out here with exact integer sums (``math.comb``), not with the code under test.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.change import poisson_change_test, same_period_last_year, verdict_text

NBSP = "\u00a0"
MINUS = "\u2212"


def p_equal_periods(before: int, after: int) -> float:
    """Two-sided exact p-value of ``after`` against ``before`` when both periods are equally long."""
    n = before + after
    tail = sum(math.comb(n, i) for i in range(min(before, after) + 1)) / 2**n
    return min(1.0, 2 * tail)


def incidents(counts: dict[str, int], **columns: str) -> pd.DataFrame:
    """``counts`` incidents on each date, with constant extra columns (e.g. category)."""
    days = [day for day, n in counts.items() for _ in range(n)]
    return pd.DataFrame({"occurred_from": pd.to_datetime(days), **{k: v for k, v in columns.items()}})


def test_120_to_90_is_a_decrease_in_both_languages():
    assert p_equal_periods(120, 90) == pytest.approx(0.04511, abs=1e-5)  # below 0.05, but close to it
    result = poisson_change_test(120, 90)
    assert result.p_value == pytest.approx(p_equal_periods(120, 90), rel=1e-9)
    assert result.summary() == (
        f"Alla händelser: 90 händelser perioden mot 120 samma period året innan ({MINUS}25{NBSP}%). "
        "Minskningen är större än normal slumpvariation (p = 0,045)."
    )
    assert result.summary(lang="en") == (
        "All incidents: 90 incidents in the period against 120 in the same period the year before (-25%). "
        "The decrease is larger than normal random variation (p = 0.045)."
    )
    assert result.summary_sv() == result.summary()
    assert (verdict_text(result.verdict), verdict_text(result.verdict, lang="en")) == ("minskning", "decrease")


def test_a_march_on_march_table_has_both_sentences():
    # March has 31 days in 2024 and 2025, so the exposures are equal and p0 = 1/2.
    frame = incidents({"2024-03-10": 120, "2025-03-12": 90})
    sv = same_period_last_year(frame, "2025-03-01", "2025-03-31").iloc[0]
    en = same_period_last_year(frame, "2025-03-01", "2025-03-31", lang="en").iloc[0]
    expected_sv = (f"Alla händelser: 90 händelser mars 2025 mot 120 samma period 2024 ({MINUS}25{NBSP}%). "
                   "Minskningen är större än normal slumpvariation (p = 0,045).")
    assert sv["summary"] == sv["summary_sv"] == expected_sv
    assert en["summary"] == (
        "All incidents: 90 incidents in Mar 2025 against 120 in the same period in 2024 (-25%). "
        "The decrease is larger than normal random variation (p = 0.045)."
    )
    assert en["summary_sv"] == expected_sv  # the Swedish sentence stays for stored snapshots
    assert (en["period"], en["previous_period"], en["verdict"], en["verdict_text"]) == (
        "Mar 2025", "Mar 2024", "minskning", "decrease")
    assert (sv["period"], sv["previous_period"], sv["verdict_text"]) == ("mars 2025", "mars 2024", "minskning")


def test_noise_increase_with_groups_and_area_names():
    # 6 → 9 Klotter in Centrum: +50 %, p = 2 · P(X ≤ 6), X ~ Bin(15, 1/2) = 9 766 / 16 384.
    assert p_equal_periods(6, 9) == pytest.approx(0.6072, abs=1e-4)
    frame = incidents({"2024-03-02": 6, "2025-03-03": 9}, category="Klotter", area_id="C1")
    names = {"C1": "Centrum"}
    sv = same_period_last_year(frame, "2025-03-01", "2025-03-31", by=["area_id", "category"],
                               area_names=names).iloc[0]
    en = same_period_last_year(frame, "2025-03-01", "2025-03-31", by=["area_id", "category"],
                               area_names=names, lang="en").iloc[0]
    assert sv["summary"] == (f"Klotter i Centrum: 9 händelser mars 2025 mot 6 samma period 2024 (+50{NBSP}%). "
                             "Förändringen ryms inom normal slumpvariation (p = 0,61).")
    assert en["summary"] == ("Klotter in Centrum: 9 incidents in Mar 2025 against 6 in the same period in 2024 "
                             "(+50%). The change is within normal random variation (p = 0.61).")
    assert en["verdict_text"] == "within random variation"


def test_large_counts_have_the_languages_grouping():
    # 1 200 → 1 500: +25 %; z ≈ 300 / √2 700 ≈ 5.8, so p is far below 0.001.
    assert p_equal_periods(1200, 1500) < 1e-6
    result = poisson_change_test(1200, 1500)
    assert result.summary("Klotter", "2025", "2024") == (
        f"Klotter: 1{NBSP}500 händelser 2025 mot 1{NBSP}200 2024 (+25{NBSP}%). "
        "Ökningen är större än normal slumpvariation (p < 0,001)."
    )
    assert result.summary("Graffiti", "2025", "2024", lang="en") == (
        "Graffiti: 1,500 incidents in 2025 against 1,200 in 2024 (+25%). "
        "The increase is larger than normal random variation (p < 0.001)."
    )
    assert verdict_text(result.verdict, lang="en") == "increase"


def test_no_change_one_incident_and_none_at_all():
    same = poisson_change_test(100, 100)
    assert same.summary(lang="en") == (
        "All incidents: 100 incidents in the period against 100 in the same period the year before (±0%). "
        "The change is within normal random variation (p = 1.00)."
    )
    assert f"(±0{NBSP}%)" in same.summary() and same.summary().endswith("(p = 1,00).")
    # 4 → 1: p = 2 · (1 + 5) / 32 = 0.375
    assert p_equal_periods(4, 1) == 0.375
    assert poisson_change_test(4, 1).summary(lang="en") == (
        "All incidents: 1 incident in the period against 4 in the same period the year before (-75%). "
        "The change is within normal random variation (p = 0.38)."
    )
    assert poisson_change_test(4, 1).summary().startswith("Alla händelser: 1 händelse perioden mot 4 ")
    assert poisson_change_test(0, 0).summary(lang="en") == (
        "All incidents: no incidents in the period and none in the same period the year before.")
    assert poisson_change_test(0, 0).summary() == (
        "Alla händelser: inga händelser perioden och inga samma period året innan.")
    # From zero there is no percentage to give.
    assert poisson_change_test(0, 2).summary(lang="en").startswith(
        "All incidents: 2 incidents in the period against 0 in the same period the year before. ")


def test_periods_across_new_year_are_compared_with_a_year_earlier():
    frame = incidents({"2023-12-20": 3, "2024-12-21": 3})
    en = same_period_last_year(frame, "2024-12-01", "2025-01-31", lang="en").iloc[0]
    assert en["summary"].startswith("All incidents: 3 incidents in Dec 2024–Jan 2025 against 3 in the same "
                                    "period a year earlier (±0%).")
    sv = same_period_last_year(frame, "2024-12-01", "2025-01-31").iloc[0]
    assert sv["summary"].startswith("Alla händelser: 3 händelser dec 2024–jan 2025 mot 3 samma period ett år "
                                    f"tidigare (±0{NBSP}%).")


def test_unknown_language():
    with pytest.raises(ValueError, match="sv, en"):
        poisson_change_test(1, 2).summary(lang="fi")
