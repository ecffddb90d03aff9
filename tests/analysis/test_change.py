"""Change over time: the Poisson test against independent computations, periods, sentences."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.change import (
    counts_over_time,
    format_p_sv,
    period_label_sv,
    poisson_change_test,
    previous_year_period,
    same_period_last_year,
)
from core.errors import InputError


def exact_two_sided_p(after: int, total: int, p0: Fraction) -> float:
    """Sum, in exact rationals, the binomial probabilities no larger than the observed one."""
    pmf = [math.comb(total, k) * p0**k * (1 - p0) ** (total - k) for k in range(total + 1)]
    observed = pmf[after]
    # The same 1e-7 relative tolerance as R's binom.test for ties of equal probability.
    return float(sum(p for p in pmf if p <= observed * Fraction(10_000_001, 10_000_000)))


@pytest.mark.parametrize(
    ("before", "after", "ratio"),
    [(148, 112, Fraction(1)), (6, 9, Fraction(1)), (20, 5, Fraction(1)), (21, 11, Fraction(800, 3011)),
     (40, 60, Fraction(121, 120)), (3, 0, Fraction(1)), (1, 1, Fraction(1))],
)
def test_p_value_equals_direct_summation_of_binomial_probabilities(before, after, ratio):
    result = poisson_change_test(before, after, exposure_ratio=float(ratio))
    expected = min(1.0, exact_two_sided_p(after, before + after, ratio / (1 + ratio)))
    assert result.p_value == pytest.approx(expected, rel=1e-9)


def test_r_poisson_test_example_from_its_help_page():
    # R: poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)) -> p-value = 0.07967,
    # rate ratio 1.971488, lower confidence limit 0.8584264.
    result = poisson_change_test(21, 11, exposure_ratio=800 / 3011)
    assert result.p_value == pytest.approx(0.07967, abs=5e-6)
    assert result.rate_ratio == pytest.approx(1.971488, abs=1e-6)
    assert result.ci_low == pytest.approx(0.8584264, abs=1e-6)


def test_confidence_interval_is_clopper_pearson_mapped_back():
    before, after, r = 148, 112, 1.0
    n = before + after
    p_low = stats.beta.ppf(0.025, after, n - after + 1)
    p_high = stats.beta.ppf(0.975, after + 1, n - after)
    result = poisson_change_test(before, after, exposure_ratio=r)
    assert result.ci_low == pytest.approx(p_low / (1 - p_low) / r, rel=1e-6)
    assert result.ci_high == pytest.approx(p_high / (1 - p_high) / r, rel=1e-6)
    assert result.ci_low < result.rate_ratio < result.ci_high
    assert result.rate_ratio == pytest.approx(112 / 148)


def test_symmetric_cases():
    up, down = poisson_change_test(10, 25), poisson_change_test(25, 10)
    assert up.p_value == pytest.approx(down.p_value)
    assert up.rate_ratio == pytest.approx(1 / down.rate_ratio)
    assert up.ci_low == pytest.approx(1 / down.ci_high)
    assert up.ci_high == pytest.approx(1 / down.ci_low)
    assert (up.verdict, down.verdict) == ("ökning", "minskning")
    same = poisson_change_test(17, 17)
    assert same.p_value == pytest.approx(1.0)
    assert same.verdict == "inom slumpvariation"


def test_zero_counts():
    nothing = poisson_change_test(0, 0)
    assert nothing.p_value == 1.0 and math.isnan(nothing.rate_ratio) and not nothing.significant
    new = poisson_change_test(0, 10)
    assert new.p_value == pytest.approx(2 * 0.5**10)
    assert new.rate_ratio == math.inf and new.ci_high == math.inf
    assert math.isnan(new.change_pct)
    gone = poisson_change_test(10, 0)
    assert gone.rate_ratio == 0 and gone.ci_low == 0
    assert gone.ci_high == pytest.approx((1 - 0.025**0.1) / 0.025**0.1, rel=1e-6)  # Clopper–Pearson at x = n
    assert gone.change_pct == -100
    assert poisson_change_test(0, 3).verdict == "inom slumpvariation"  # p = 0.25


def test_exposure_ratio_shifts_the_null():
    # Twice as long a later period: 20 vs 40 is exactly what is expected.
    assert poisson_change_test(20, 40, exposure_ratio=2.0).p_value == pytest.approx(1.0)
    assert poisson_change_test(20, 40, exposure_ratio=2.0).rate_ratio == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [(-1, 3), (2.5, 3), (True, 3)])
def test_bad_counts_raise(bad):
    with pytest.raises(InputError):
        poisson_change_test(*bad)
    with pytest.raises(InputError):
        poisson_change_test(1, 2, exposure_ratio=0)


def test_summary_sentences_in_swedish():
    decrease = poisson_change_test(148, 112)
    assert decrease.summary_sv("Misshandel utomhus i Centrum", "jan–apr 2025", "samma period 2024") == (
        "Misshandel utomhus i Centrum: 112 händelser jan–apr 2025 mot 148 samma period 2024 (−24\u00a0%). "
        "Minskningen är större än normal slumpvariation (p = 0,03)."
    )
    noise = poisson_change_test(6, 9).summary_sv("Klotter", "mars 2025", "samma period 2024")
    assert noise.startswith("Klotter: 9 händelser mars 2025 mot 6 samma period 2024 (+50\u00a0%).")
    assert noise.endswith("Förändringen ryms inom normal slumpvariation (p = 0,61).")
    assert "Ökningen är större" in poisson_change_test(10, 30).summary_sv()
    assert "1 händelse " in poisson_change_test(4, 1).summary_sv()
    assert "inga händelser" in poisson_change_test(0, 0).summary_sv()
    assert "(" not in poisson_change_test(0, 2).summary_sv().split(".")[0]  # no per cent from zero


def test_p_formatting():
    assert format_p_sv(0.41) == "p = 0,41"
    assert format_p_sv(0.0049) == "p = 0,005"
    assert format_p_sv(0.0504) == "p = 0,050"
    assert format_p_sv(0.0004) == "p < 0,001"
    assert format_p_sv(1.0) == "p = 1,00"


def test_previous_year_period_handles_29_february():
    assert previous_year_period("2024-02-29", "2024-03-31") == (date(2023, 2, 28), date(2023, 3, 31))
    assert previous_year_period("2024-01-01", "2024-02-29") == (date(2023, 1, 1), date(2023, 2, 28))
    assert previous_year_period("2025-01-01", "2025-02-28") == (date(2024, 1, 1), date(2024, 2, 29))
    assert previous_year_period("2025-02-10", "2025-02-20") == (date(2024, 2, 10), date(2024, 2, 20))
    assert previous_year_period("2010-01-01", "2010-04-30") == (date(2009, 1, 1), date(2009, 4, 30))
    with pytest.raises(InputError, match="före"):
        previous_year_period("2025-05-01", "2025-04-01")
    with pytest.raises(InputError):
        previous_year_period("igår", "2025-04-01")


def test_period_labels():
    assert period_label_sv("2010-01-01", "2010-04-30") == "jan–apr 2010"
    assert period_label_sv("2025-03-01", "2025-03-31") == "mars 2025"
    assert period_label_sv("2024-12-20", "2025-01-05") == "20 dec 2024–5 jan 2025"
    assert period_label_sv("2025-01-15", "2025-02-10") == "15 jan–10 feb 2025"
    assert period_label_sv("2025-06-06", "2025-06-06") == "6 juni 2025"


def incidents_from(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(occurred_from, category, area_id) rows."""
    return pd.DataFrame({
        "occurred_from": pd.to_datetime([r[0] for r in rows], format="ISO8601"),
        "category": pd.Categorical([r[1] for r in rows]),
        "area_id": [r[2] for r in rows],
    })


def test_counts_over_time_fills_empty_periods():
    incidents = incidents_from([("2024-01-05", "Klotter", "A"), ("2024-03-31 23:59", "Klotter", "A"),
                                ("2024-01-20", "Cykelstöld", "B"), ("2024-04-01", "Klotter", "B")])
    monthly = counts_over_time(incidents, freq="M", by=["area_id", "category"])
    assert len(monthly) == 3 * 4  # three observed groups × Jan–Apr
    a_klotter = monthly[(monthly.area_id == "A") & (monthly.category == "Klotter")]
    assert a_klotter["count"].tolist() == [1, 0, 1, 0]
    assert monthly["count"].sum() == 4
    yearly = counts_over_time(incidents, freq="Y")
    assert yearly["count"].tolist() == [4]
    assert yearly["period_start"].iloc[0] == pd.Timestamp("2024-01-01")


def test_weeks_run_monday_to_sunday():
    incidents = incidents_from([("2024-01-07 23:00", "Klotter", "A"), ("2024-01-08 00:10", "Klotter", "A")])
    weekly = counts_over_time(incidents, freq="W", start="2024-01-01", end="2024-01-21")
    assert weekly["count"].tolist() == [1, 1, 0]
    assert weekly["period_start"].iloc[1] == pd.Timestamp("2024-01-08")


def test_counts_over_time_checks_arguments():
    incidents = incidents_from([("2024-01-05", "Klotter", "A")])
    with pytest.raises(InputError):
        counts_over_time(incidents, freq="D")
    with pytest.raises(InputError, match="saknas"):
        counts_over_time(incidents, by="district")
    assert counts_over_time(incidents.iloc[:0], freq="M").empty


def test_same_period_last_year_per_group():
    rows = [("2024-02-10", "Klotter", "A")] * 30 + [("2025-03-01", "Klotter", "A")] * 12
    rows += [("2024-03-10", "Cykelstöld", "A")] * 5 + [("2025-04-30 22:00", "Cykelstöld", "A")] * 6
    rows += [("2025-05-01", "Cykelstöld", "A")] * 50 + [("2023-12-31", "Klotter", "A")] * 50  # outside both
    table = same_period_last_year(incidents_from(rows), "2025-01-01", "2025-04-30", by="category",
                                  area_names={"A": "Centrum"})
    table = table.set_index("category")
    assert table.loc["Klotter", ["before", "after"]].tolist() == [30, 12]
    assert table.loc["Cykelstöld", ["before", "after"]].tolist() == [5, 6]
    assert table.loc["Klotter", "change_pct"] == pytest.approx(-60.0)
    # 2025 Jan–Apr has 120 days, 2024 Jan–Apr 121: the test uses that exposure.
    expected = poisson_change_test(30, 12, exposure_ratio=120 / 121)
    assert table.loc["Klotter", "p_value"] == pytest.approx(expected.p_value)
    assert table.loc["Klotter", "verdict"] == "minskning"
    assert table.loc["Cykelstöld", "verdict"] == "inom slumpvariation"
    assert table.loc["Klotter", "summary_sv"].startswith("Klotter: 12 händelser jan–apr 2025 mot 30 samma period 2024")
    assert table.loc["Klotter", "previous_period"] == "jan–apr 2024"


def test_same_period_last_year_with_areas_names_the_area():
    rows = [("2024-01-10", "Klotter", "A")] * 3 + [("2025-01-10", "Klotter", "B")] * 4
    table = same_period_last_year(incidents_from(rows), "2025-01-01", "2025-01-31", by=["area_id", "category"],
                                  area_names={"A": "Centrum"})
    assert table[["area_id", "before", "after"]].values.tolist() == [["A", 3, 0], ["B", 0, 4]]
    assert table["summary_sv"].iloc[0].startswith("Klotter i Centrum: 0 händelser jan 2025 mot 3 samma period 2024")
    assert table["summary_sv"].iloc[1].startswith("Klotter i B:")


def test_same_period_last_year_without_groups():
    rows = [("2024-01-10", "Klotter", "A")] * 3
    table = same_period_last_year(incidents_from(rows), "2025-01-01", "2025-01-31", subject="Klotter i Centrum")
    assert len(table) == 1
    assert table["before"].item() == 3 and table["after"].item() == 0
    assert np.isfinite(table["p_value"].item())
    assert table["summary_sv"].item().startswith("Klotter i Centrum: 0 händelser jan 2025 mot 3 samma period 2024 (−100\u00a0%).")
