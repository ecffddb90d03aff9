"""Concentration measures against hand-computed cases and Bernasco & Steenbeek (2017).

Reference values: the examples in the documentation of the authors' R package
``lorenzgini`` (``gini(..., unbiased = FALSE)``): (10, 8, 2, 0×7) → G = G' = 0.78;
(5, 2, 1, 0×7) → G = 0.8, G' = 0.75; (10, 0×9) → G = 0.9; (10, 0×99) → 0.99.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.concentration import (
    concentration_shares,
    concentration_summary,
    generalized_gini,
    gini,
    lorenz_curve,
)


def area_gini(counts) -> float:
    """Independent reference: 2 × (area under the descending Lorenz curve) − 1, by trapezoids."""
    curve = lorenz_curve(counts)
    return 2 * np.trapezoid(curve["share_incidents"], curve["share_places"]) - 1


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([10, 8, 2, 0, 0, 0, 0, 0, 0, 0], 0.78),
        ([5, 2, 1, 0, 0, 0, 0, 0, 0, 0], 0.8),
        ([10] + [0] * 9, 0.9),
        ([10] + [0] * 99, 0.99),
        ([3, 1, 1] + [0] * 7, 0.78),
        ([4, 4, 4, 4], 0.0),
    ],
)
def test_gini_published_and_hand_values(counts, expected):
    assert gini(counts) == pytest.approx(expected, abs=1e-12)
    assert area_gini(counts) == pytest.approx(expected, abs=1e-12)


def test_generalized_gini_published_values():
    assert generalized_gini([10, 8, 2, 0, 0, 0, 0, 0, 0, 0]) == pytest.approx(0.78)  # n = 20 ≥ N = 10: equals G
    assert generalized_gini([5, 2, 1, 0, 0, 0, 0, 0, 0, 0]) == pytest.approx(0.75)  # n = 8 < N = 10
    # (3, 1, 1, 0×7): the line of maximal equality ends at n/N = 0.5; by areas
    # (0.89 − 0.75) / (1 − 0.75) = 0.56.
    assert generalized_gini([3, 1, 1] + [0] * 7) == pytest.approx(0.56)


def test_generalized_gini_properties_from_the_paper():
    rng = np.random.default_rng(5)
    for _ in range(50):
        n_places = int(rng.integers(5, 300))
        counts = rng.poisson(rng.uniform(0.05, 5), n_places)
        if counts.sum() == 0:
            continue
        g, g_gen = gini(counts), generalized_gini(counts)
        if counts.sum() >= n_places:
            assert g_gen == pytest.approx(g)  # equals the ordinary Gini when n ≥ N
        else:
            assert g_gen <= g + 1e-12  # never more concentrated than the ordinary Gini says
        assert -1e-12 <= g_gen <= 1
    # Maximal equality given the data: n < N incidents in n different places → 0 (G itself is 1 − n/N).
    assert generalized_gini([1] * 7 + [0] * 93) == pytest.approx(0.0)
    assert gini([1] * 7 + [0] * 93) == pytest.approx(0.93)
    # Maximal concentration, all n incidents at one place: 1 − 1/n (as G's maximum is 1 − 1/N) …
    assert generalized_gini([7] + [0] * 93) == pytest.approx(1 - 1 / 7)
    # … and 1 with the small-sample correction of lorenzgini (unbiased = TRUE).
    assert generalized_gini([7] + [0] * 93, unbiased=True) == pytest.approx(1.0)
    assert generalized_gini([10] + [0] * 9, unbiased=True) == pytest.approx(1.0)  # n ≥ N: G · N/(N − 1)


def test_generalized_lorenz_curve_gives_the_generalized_gini():
    counts = [3, 1, 1] + [0] * 7
    curve = lorenz_curve(counts, generalized=True)
    assert curve["share_places"].iloc[-1] == 1.0 and curve["share_incidents"].iloc[-1] == 1.0
    rescaled = 2 * np.trapezoid(curve["share_incidents"], curve["share_places"]) - 1
    assert rescaled == pytest.approx(generalized_gini(counts))
    # With at least as many incidents as places it is the ordinary curve.
    pd.testing.assert_frame_equal(lorenz_curve([5, 3, 2], generalized=True), lorenz_curve([5, 3, 2]))


def test_lorenz_curve_shape():
    curve = lorenz_curve([0, 2, 6, 2])
    assert curve.iloc[0].tolist() == [0.0, 0.0] and curve.iloc[-1].tolist() == [1.0, 1.0]
    assert curve["share_incidents"].tolist() == [0.0, 0.6, 0.8, 1.0, 1.0]
    assert (np.diff(curve["share_incidents"]) >= 0).all()


def test_concentration_shares_hand_computed():
    counts = np.array([40, 30, 10, 5, 5, 4, 3, 2, 1, 0] * 10)  # 100 places, 1 000 incidents
    table = concentration_shares(counts, shares=(0.01, 0.05, 0.10, 0.25))
    # Top 1 place: 40; top 5: 5 × 40 = 200; top 10: 400; top 25: 400 + 300 + 5 × 10 = 750.
    assert table["incidents"].tolist() == pytest.approx([40, 200, 400, 750])
    assert table["share_incidents"].tolist() == pytest.approx([0.04, 0.2, 0.4, 0.75])
    assert table.index.name == "share_places"
    # Fractional places interpolate: top 1 % of 150 places = 1.5 places.
    half = concentration_shares([10, 6] + [0] * 148, shares=(0.01,))
    assert half["incidents"].iloc[0] == pytest.approx(13.0)


def test_input_checks_and_summary():
    with pytest.raises(ValueError):
        gini([])
    with pytest.raises(ValueError):
        gini([1, -1])
    with pytest.raises(ValueError):
        concentration_shares([1, 2], shares=(0,))
    assert np.isnan(gini([0, 0, 0]))
    summary = concentration_summary([5, 2, 1] + [0] * 7)
    assert summary["places"] == 10 and summary["incidents"] == 8 and summary["places_with_incidents"] == 3
    assert summary["generalized_gini"] == pytest.approx(0.75)
    assert [row["share_places"] for row in summary["top_shares"]] == [0.01, 0.05, 0.10]
