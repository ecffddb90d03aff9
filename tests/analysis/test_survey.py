"""Survey statistics against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.survey import survey_change, survey_table, survey_vs_rates, wilson_interval
from core.errors import InputError
from geo.model import SURVEY_COLUMNS


def survey(rows: list[dict]) -> pd.DataFrame:
    """A survey frame with the canonical columns; unspecified values missing."""
    defaults = {"label": "Otrygg ute sent", "unit": "share", "direction": "lower_better", "n": None,
                "ci_low": np.nan, "ci_high": np.nan, "source": "NTU"}
    frame = pd.DataFrame([defaults | row for row in rows])[list(SURVEY_COLUMNS)]
    frame["n"] = frame["n"].astype("Int64")
    frame["year"] = frame["year"].astype("Int64")
    return frame


def test_wilson_hand_values():
    assert wilson_interval(0.5, 100) == pytest.approx((0.40383, 0.59617), abs=5e-5)
    # p = 0.2, n = 20 by hand: centre (0.2 + 0.09604) / 1.19208 = 0.24834,
    # half 1.96 * sqrt(0.008 + 0.00240100) / 1.19208 = 0.16769.
    assert wilson_interval(0.2, 20) == pytest.approx((0.08065, 0.41603), abs=5e-5)
    # At 0 the interval starts at 0 and the upper limit is z² / (n + z²).
    low, high = wilson_interval(0.0, 50)
    assert low == pytest.approx(0.0, abs=1e-12)
    assert high == pytest.approx(1.96**2 / (50 + 1.96**2))


def test_wilson_is_vectorised_and_handles_missing_n():
    low, high = wilson_interval(np.array([0.5, 0.3, 0.3]), pd.array([100, None, 0], dtype="Int64"))
    assert low[0] == pytest.approx(0.40383, abs=5e-5)
    assert np.isnan(low[1:]).all() and np.isnan(high[1:]).all()


def test_survey_table_adds_intervals_and_flags():
    table = survey_table(survey([
        {"area_id": "A", "year": 2024, "indicator": "otrygg", "value": 0.5, "n": 100},
        {"area_id": "B", "year": 2024, "indicator": "otrygg", "value": 0.2, "n": 29},
        {"area_id": "C", "year": 2024, "indicator": "otrygg", "value": 0.3, "n": 500,
         "ci_low": 0.25, "ci_high": 0.36},
        {"area_id": "D", "year": 2024, "indicator": "nedskrapning", "value": 2.4, "unit": "index"},
        {"area_id": "E", "year": 2024, "indicator": "otrygg", "value": 0.4, "n": 30},
    ]))
    assert table.loc[0, "ci_low"] == pytest.approx(0.40383, abs=5e-5)
    assert table.loc[0, "ci_method"] == "wilson"
    assert (table.loc[2, "ci_low"], table.loc[2, "ci_high"]) == (0.25, 0.36)  # a published interval is kept
    assert table.loc[2, "ci_method"] == "angivet"
    assert math.isnan(table.loc[3, "ci_low"]) and pd.isna(table.loc[3, "ci_method"])  # no interval for an index
    assert table["uncertain"].tolist() == [False, True, False, True, False]
    assert list(table.columns[: len(SURVEY_COLUMNS)]) == list(SURVEY_COLUMNS)


def test_survey_table_requires_the_key_columns():
    with pytest.raises(InputError, match="saknar"):
        survey_table(pd.DataFrame({"area_id": ["A"], "value": [0.3]}))


def test_change_of_shares_is_a_two_proportion_z_test():
    result = survey_change(survey([
        {"area_id": "A", "year": 2022, "indicator": "otrygg", "value": 0.30, "n": 400},
        {"area_id": "A", "year": 2024, "indicator": "otrygg", "value": 0.20, "n": 400},
        {"area_id": "B", "year": 2022, "indicator": "otrygg", "value": 0.30, "n": 50},
        {"area_id": "B", "year": 2024, "indicator": "otrygg", "value": 0.36, "n": 50},
    ]), 2022, 2024).set_index("area_id")
    # A by hand: pooled 0.25, SE = sqrt(0.25 * 0.75 * (1/400 + 1/400)) = 0.0306186, z = -3.26599.
    assert result.loc["A", "z"] == pytest.approx(-3.26599, abs=1e-4)
    assert result.loc["A", "p_value"] == pytest.approx(0.0010905, abs=2e-6)
    assert result.loc["A", "assessment"] == "bättre"
    assert result.loc["A", "change"] == pytest.approx(-0.10)
    # B: pooled 0.33, SE = sqrt(0.33 * 0.67 * 0.04) = 0.094043, z = 0.638; p = 0.5235.
    assert result.loc["B", "z"] == pytest.approx(0.63801, abs=1e-4)
    assert result.loc["B", "p_value"] == pytest.approx(0.52345, abs=1e-4)
    assert result.loc["B", "assessment"] == "ingen säker förändring"
    assert (result["method"] == "z-test för två andelar").all()


def test_direction_decides_better_or_worse():
    result = survey_change(survey([
        {"area_id": "A", "year": 2022, "indicator": "trygg", "value": 0.70, "n": 400, "direction": "higher_better"},
        {"area_id": "A", "year": 2024, "indicator": "trygg", "value": 0.60, "n": 400, "direction": "higher_better"},
    ]), 2022, 2024)
    assert result["assessment"].item() == "sämre"


def test_index_without_standard_error_cannot_be_tested_but_given_ci_can():
    result = survey_change(survey([
        {"area_id": "A", "year": 2022, "indicator": "nedskrapning", "value": 2.0, "unit": "index", "n": 300},
        {"area_id": "A", "year": 2024, "indicator": "nedskrapning", "value": 2.6, "unit": "index", "n": 300},
        {"area_id": "B", "year": 2022, "indicator": "nedskrapning", "value": 2.0, "unit": "index",
         "ci_low": 1.804, "ci_high": 2.196},
        {"area_id": "B", "year": 2024, "indicator": "nedskrapning", "value": 2.6, "unit": "index",
         "ci_low": 2.404, "ci_high": 2.796},
        {"area_id": "C", "year": 2024, "indicator": "nedskrapning", "value": 1.0, "unit": "index"},
    ]), 2022, 2024).set_index("area_id")
    assert list(result.index) == ["A", "B"]  # C has no 2022 value
    assert result.loc["A", "method"] == "test ej möjligt"
    assert result.loc["A", "assessment"] == "kan inte bedömas"
    assert math.isnan(result.loc["A", "p_value"]) and not result.loc["A", "significant"]
    # B: each SE = 0.196 / 1.96 = 0.1, z = 0.6 / sqrt(0.02) = 4.2426.
    assert result.loc["B", "method"] == "z-test med angivna konfidensintervall"
    assert result.loc["B", "z"] == pytest.approx(0.6 / math.sqrt(0.02), rel=1e-3)
    assert result.loc["B", "assessment"] == "sämre"
    assert result.loc["B", "uncertain"]  # no n


def test_change_for_a_missing_year_is_an_input_error():
    data = survey([{"area_id": "A", "year": 2022, "indicator": "otrygg", "value": 0.3, "n": 400}])
    with pytest.raises(InputError, match="2025"):
        survey_change(data, 2022, 2025)


def quadrant_survey(direction: str = "lower_better") -> pd.DataFrame:
    values = {"A": 0.40, "B": 0.10, "C": 0.30, "D": 0.20, "E": 0.25}
    return survey([{"area_id": k, "year": 2024, "indicator": "otrygg", "value": v, "n": 300, "direction": direction}
                   for k, v in values.items()]
                  + [{"area_id": "A", "year": 2023, "indicator": "otrygg", "value": 0.9, "n": 300}])


def test_quadrants_split_at_the_medians():
    rates = pd.DataFrame({"name": ["Norr", "Söder", "Öster", "Väster", "Mitt", "Utan enkät"],
                          "rate_per_1000": [80.0, 90.0, 10.0, 20.0, 50.0, 5.0]},
                         index=pd.Index(["A", "B", "C", "D", "E", "F"], name="area_id"))
    result = survey_vs_rates(quadrant_survey(), rates, "otrygg", 2024).set_index("area_id")
    # Medians of the five joined areas: value 0.25, rate 50; E sits on both medians.
    assert result.attrs["value_median"] == pytest.approx(0.25)
    assert result.attrs["rate_median"] == pytest.approx(50.0)
    assert result.attrs["left_out"] == 1
    assert result["quadrant"].to_dict() == {
        "A": "hög otrygghet, många brott",
        "B": "låg otrygghet, många brott",
        "C": "hög otrygghet, få brott",
        "D": "låg otrygghet, få brott",
        "E": "låg otrygghet, få brott",
    }
    assert result.loc["A", "name"] == "Norr"
    assert result.loc["A", "value"] == pytest.approx(0.40)  # 2024, not 2023
    assert list(result.columns) == ["name", "value", "rate_per_1000", "quadrant", "uncertain"]


def test_quadrants_for_an_indicator_where_higher_is_better():
    rates = pd.DataFrame({"area_id": list("ABCDE"), "rate_per_1000": [80.0, 90.0, 10.0, 20.0, 50.0]})
    result = survey_vs_rates(quadrant_survey("higher_better"), rates, "otrygg", 2024).set_index("area_id")
    assert result.loc["B", "quadrant"] == "hög otrygghet, många brott"  # lowest share feeling safe
    assert result.loc["A", "quadrant"] == "låg otrygghet, många brott"
    assert result.loc["A", "name"] == "A"  # no names given


def test_quadrant_join_errors():
    rates = pd.DataFrame({"area_id": ["A"], "rate_per_1000": [1.0]})
    with pytest.raises(InputError, match="finns inte"):
        survey_vs_rates(quadrant_survey(), rates, "belysning", 2024)
    with pytest.raises(InputError, match="2019"):
        survey_vs_rates(quadrant_survey(), rates, "otrygg", 2019)
    with pytest.raises(InputError, match="rate_per_1000"):
        survey_vs_rates(quadrant_survey(), pd.DataFrame({"area_id": ["A"]}), "otrygg", 2024)
