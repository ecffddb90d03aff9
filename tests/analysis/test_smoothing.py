"""Empirical-Bayes rates: a hand-worked case, PySAL esda as the independent reference, the sample town."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from analysis.aggregate import summary_by_area
from analysis.overview import standout_districts
from analysis.smoothing import empirical_bayes, small_population, with_eb_rate
from data.sample import paths as sample_paths


def test_three_areas_by_hand():
    # theta = 20/400 = 0.05; rates 0.02, 0.08, 0.05; between-area variance
    # (100·0.03² + 100·0.03² + 0)/400 − 0.05/(400/3) = 0.00045 − 0.000375 = 0.000075.
    # Weights 0.000075/(0.000075 + 0.05/100) = 3/23 for the small areas, 0.000075/(0.000075 + 0.05/200) = 3/13.
    smoothed = empirical_bayes([2, 8, 10], [100, 100, 200])
    assert smoothed.tolist() == pytest.approx([(3 * 0.02 + 20 * 0.05) / 23, (3 * 0.08 + 20 * 0.05) / 23, 0.05])


def test_no_excess_variance_gives_everyone_the_overall_rate():
    # Rates 0.010 and 0.012 differ less than Poisson noise: 1000·(0.001²)·2/2000 − 0.011/1000 < 0.
    assert empirical_bayes([10, 12], [1000, 1000]).tolist() == pytest.approx([0.011, 0.011])


def test_missing_population_gets_no_rate_and_stays_out_of_the_prior():
    smoothed = empirical_bayes([2, 8, 10, 50], [100, 100, 200, 0])
    assert np.isnan(smoothed[3])
    assert smoothed[:3].tolist() == pytest.approx(empirical_bayes([2, 8, 10], [100, 100, 200]).tolist())


def test_against_esda():
    esda = pytest.importorskip("esda.smoothing")
    rng = np.random.default_rng(7)
    population = rng.integers(100, 6000, 40).astype(float)
    events = rng.poisson(population * rng.gamma(4, 0.01, 40))
    reference = esda.Empirical_Bayes(events, population).r.ravel()
    assert empirical_bayes(events, population) == pytest.approx(reference, rel=1e-12)


@pytest.fixture(scope="module")
def sample_2025():
    paths = sample_paths()
    districts = gpd.read_file(paths.districts).to_crs("EPSG:3006")
    incidents = pd.read_parquet(paths.incidents)
    incidents = incidents[incidents["occurred_from"].dt.year == 2025].reset_index(drop=True)
    incidents.attrs["crs"] = "EPSG:3006"
    return summary_by_area(incidents, districts)


def test_sample_districts_by_the_formula(sample_2025):
    summary = with_eb_rate(sample_2025)
    assert list(summary.columns[-2:]) == ["rate_per_1000", "rate_eb_per_1000"]
    # Computed here straight from Marshall's formula.
    e = summary["count"].to_numpy(dtype=float)
    b = summary["population"].to_numpy(dtype=float)
    theta = e.sum() / b.sum()
    s2 = (b * (e / b - theta) ** 2).sum() / b.sum() - theta / b.mean()
    weight = s2 / (s2 + theta / b)
    expected = (weight * e / b + (1 - weight) * theta) * 1000
    assert summary["rate_eb_per_1000"].to_numpy() == pytest.approx(expected)
    verkstad = summary.loc["A06"]
    assert (verkstad["population"], verkstad["count"]) == (140, 69)
    assert verkstad["rate_per_1000"] == pytest.approx(492.857, abs=1e-3)  # 69/140
    # Pulled down towards the town's overall rate.
    assert verkstad["rate_eb_per_1000"] < verkstad["rate_per_1000"]
    assert small_population(summary["population"])


def test_verkstadsomradet_is_no_longer_high_per_inhabitant(sample_2025):
    changes = pd.DataFrame({"district": sample_2025.index, "verdict": "inom slumpvariation",
                            "change_pct": 0.0})
    standout = standout_districts(changes, sample_2025)
    # By raw rate Centrum (1 004), Verkstadsområdet (493) and Kvarnbacken (419) would be the top three.
    assert sample_2025["rate_per_1000"].nlargest(3).index.tolist() == ["A01", "A06", "A02"]
    assert standout.index.tolist() == ["A01", "A02", "A03"]
    assert set(standout["reason"]) == {"hög nivå per invånare"}
    # The page says which district the rule left out.
    assert standout.attrs["small_left_out"] == ["Verkstadsområdet"]


def test_small_district_still_stands_out_by_an_increase(sample_2025):
    changes = pd.DataFrame({"district": sample_2025.index, "verdict": "inom slumpvariation", "change_pct": 0.0})
    changes.loc[changes["district"] == "A06", "verdict"] = "ökning"
    standout = standout_districts(changes, sample_2025)
    assert standout.loc["A06", "reason"] == "ökning större än slumpen"


def test_quadrant_splits_on_the_smoothed_rate_when_asked():
    from analysis.survey import survey_vs_rates

    survey = pd.DataFrame({"area_id": ["A", "B", "C", "D"], "year": 2024, "indicator": "otrygg",
                           "value": [0.4, 0.1, 0.3, 0.2], "unit": "share", "direction": "lower_better", "n": 300})
    # D's raw rate (100, from 14 incidents among 140) is the highest; smoothed it falls to 20, below the median.
    rates = pd.DataFrame({"area_id": ["A", "B", "C", "D"], "rate_per_1000": [80.0, 90.0, 10.0, 100.0],
                          "rate_eb_per_1000": [79.0, 88.0, 12.0, 20.0]})
    raw = survey_vs_rates(survey, rates, "otrygg", 2024)
    smoothed = survey_vs_rates(survey, rates, "otrygg", 2024, rate="rate_eb_per_1000")
    assert raw.set_index("area_id").loc["D", "quadrant"] == "låg otrygghet, många brott"
    assert smoothed.set_index("area_id").loc["D", "quadrant"] == "låg otrygghet, få brott"
    # Medians: raw (80 + 90)/2 = 85, smoothed (20 + 79)/2 = 49.5; both rates are in the result.
    assert raw.attrs["rate_median"] == 85.0 and smoothed.attrs["rate_median"] == 49.5
    assert smoothed.set_index("area_id").loc["D", "rate_per_1000"] == 100.0
