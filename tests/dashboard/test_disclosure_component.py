"""The disclosure helpers every page uses, against hand-worked cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.density import density_surface
from core.disclosure import DisclosureRules, View
from dashboard.components.disclosure import (
    controlled_density,
    density_bandwidth,
    masked_frame,
    masked_matrix,
    masked_profile,
    masked_series,
    shown_places,
)

CONTROLLED = View(True, False, "styrgrupp", DisclosureRules())
FULL = View.owner_view()


def test_counts_of_one_and_two_and_what_is_computed_from_them_are_dotted():
    districts = pd.DataFrame({"name": ["Norr", "Söder", "Väster", "Öster", "Mitt"], "count": [0, 1, 2, 3, 10],
                              "before": [4, 4, 4, 1, 8], "rate": [0.0, 0.25, 0.5, 0.75, 2.5],
                              "change": [-100.0, -75.0, -50.0, 200.0, 25.0]})
    shown = masked_frame(districts, CONTROLLED, ["count"],
                         derived={"rate": ["count"], "change": ["count", "before"]}, rename={"count": "Antal"})
    assert shown["Antal"].tolist() == ["0", "..", "..", "3", "10"]
    assert shown["rate"].tolist() == ["0.0", "..", "..", "0.75", "2.5"]
    # Öster's 3 is shown, but its change is computed from last year's 1: "..".
    assert shown["change"].tolist() == ["-100.0", "..", "..", "..", "25.0"]
    assert shown["name"].tolist() == districts["name"].tolist() and shown["before"].tolist() == [4, 4, 4, 1, 8]


def test_the_full_view_shows_every_number_as_it_is():
    districts = pd.DataFrame({"count": [1, 2, 3], "rate": [0.1, 0.2, 0.3]})
    shown = masked_frame(districts, FULL, ["count"], derived=["rate"])
    pd.testing.assert_frame_equal(shown, districts)


def test_a_higher_threshold_hides_more():
    view = View(True, False, "gemensam", DisclosureRules(min_count=5, min_place=10))
    assert masked_frame(pd.DataFrame({"n": [4, 5]}), view, ["n"])["n"].tolist() == ["..", "5"]
    places = pd.DataFrame({"name": ["A", "B"], "count": [9, 10]})
    assert shown_places(places, view)["name"].tolist() == ["B"]
    assert shown_places(places, FULL)["name"].tolist() == ["A", "B"]


def test_aoristic_cells_are_dotted_from_just_above_zero_to_just_below_three():
    matrix = pd.DataFrame([[0.4, 3.2], [2.99, 0.0]], index=[1, 2], columns=[0, 1])
    values, texts = masked_matrix(matrix, CONTROLLED)
    assert texts.values.tolist() == [["..", "3"], ["..", "0"]]
    assert values.values.tolist() == [[0.0, 3.2], [0.0, 0.0]]  # hidden cells in the empty cells' class
    assert masked_matrix(matrix, FULL) == (matrix, None)
    weights, labels = masked_profile(pd.Series([0.0, 1.5, 7.25]), CONTROLLED)
    assert weights.tolist() == [0.0, 0.0, 7.25] and labels.tolist() == ["0", "..", "7"]
    series = masked_series(pd.Series([0, 2, 3]), CONTROLLED)
    assert series.iloc[0] == 0 and math.isnan(series.iloc[1]) and series.iloc[2] == 3


def test_density_below_the_owners_level_is_wide_and_leaves_a_lone_incident_out():
    assert density_bandwidth(FULL, 60.0) is None
    assert density_bandwidth(CONTROLLED, 60.0) == 150.0 and density_bandwidth(CONTROLLED, 300.0) == 300.0
    extent = (0.0, 0.0, 2000.0, 2000.0)
    # One incident at 150 m peaks at 1 / (2π · 150²) per m² = 7.07 per km²; the floor is 5 × that, 35.4.
    lone = density_surface(np.array([1000.0]), np.array([1000.0]), cell=25, bandwidth=150, extent=extent)
    assert lone.values.max() == pytest.approx(1 / (2 * math.pi * 150**2) * 1e6, rel=1e-3)
    assert controlled_density(lone, CONTROLLED).values.max() == 0
    assert controlled_density(lone, FULL).values.max() == pytest.approx(7.07, abs=0.01)
    # Five incidents on one spot make a place that may be shown: its peak, 35.4 per km², is drawn.
    five = density_surface(np.full(5, 1000.0), np.full(5, 1000.0), cell=25, bandwidth=150, extent=extent)
    assert controlled_density(five, CONTROLLED).values.max() == pytest.approx(5 / (2 * math.pi * 150**2) * 1e6,
                                                                               rel=1e-3)


def test_rounding_applies_in_both_views_so_table_and_csv_read_alike():
    areas = pd.DataFrame({"count": [2, 4], "rate": [0.41666, 1.37931]})
    assert masked_frame(areas, CONTROLLED, ["count"], derived=["rate"], decimals={"rate": 2})["rate"].tolist() \
        == ["..", "1.38"]
    assert masked_frame(areas, FULL, ["count"], derived=["rate"], decimals={"rate": 2})["rate"].tolist() \
        == [0.42, 1.38]
