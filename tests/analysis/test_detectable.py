"""The WDD test's minimum detectable effect against numbers worked by hand."""

from __future__ import annotations

import math

import pytest

from analysis.detectable import detectable_text, wdd_minimum_detectable

Z = 1.959964 + 0.841621  # z for 5 % two-sided and for 80 % power, from a printed normal table


@pytest.mark.parametrize(("before", "comparison", "variance", "incidents"), [
    # Var = A + B + C + D with the after counts at the before counts.
    (10, None, 40, Z * math.sqrt(40)),        # 2.801585 × 6.324555 = 17.72
    (39, None, 156, Z * math.sqrt(156)),      # 2.801585 × 12.48999 = 34.99
    (100, 300, 800, Z * math.sqrt(800)),      # 2.801585 × 28.28427 = 79.24
    (134, None, 536, Z * math.sqrt(536)),     # 2.801585 × 23.15167 = 64.86
])
def test_minimum_detectable_change(before, comparison, variance, incidents):
    result = wdd_minimum_detectable(before, comparison)
    assert result.variance == variance
    assert result.incidents == pytest.approx(incidents, abs=1e-3)
    assert result.share == pytest.approx(incidents / before, abs=1e-5)


def test_hand_worked_shares():
    assert wdd_minimum_detectable(10).incidents == pytest.approx(17.718, abs=1e-3)
    assert wdd_minimum_detectable(134).share == pytest.approx(0.484, abs=1e-3)  # 64.86 / 134
    assert not wdd_minimum_detectable(10).possible and wdd_minimum_detectable(10).warn
    assert not wdd_minimum_detectable(134).warn  # under half: a realistic goal can be shown


def test_sentences():
    assert detectable_text(wdd_minimum_detectable(10), days=365) == (
        "Med 10 händelser per år kan en uppföljning inte visa en minskning ens om alla händelser upphörde – "
        "välj ett större område eller en längre period.")
    assert detectable_text(wdd_minimum_detectable(39), days=366) == (
        "Med 39 händelser per år kan en uppföljning bara visa en minskning på minst 90\u00a0% – "
        "välj ett större område eller en längre period.")
    assert detectable_text(wdd_minimum_detectable(134), days=181) == (
        "Med 134 händelser på 181 dagar kan en uppföljning visa en minskning på 48\u00a0% eller mer.")
    assert detectable_text(wdd_minimum_detectable(39), days=365, lang="en") == (
        "With 39 incidents a year a follow-up can only show a reduction of at least 90% – "
        "choose a larger area or a longer period.")


def test_zero_and_bad_counts():
    assert not wdd_minimum_detectable(0).possible
    with pytest.raises(ValueError, match="0 eller större"):
        wdd_minimum_detectable(-1)
