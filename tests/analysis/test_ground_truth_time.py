"""The time-of-day patterns planted in Exempelstad appear where planted (data/sample/truth.json)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from analysis.aoristic import weekday_hour
from analysis.filters import filter_incidents, within_geometry
from data.sample import paths
from geo.dataset import read_incidents


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads(paths().truth.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def incidents():
    return read_incidents(paths().incidents)


def _near(incidents, names: list[str], truth: dict, radius: float = 150.0):
    spots = [h for h in truth["hotspots"] if any(n in h["name"] for n in names)]
    assert spots, names
    area = shapely.union_all([shapely.Point(h["x"], h["y"]).buffer(radius) for h in spots])
    return within_geometry(incidents, area)


def _share_in_cells(matrix, cells) -> float:
    total = float(matrix.to_numpy().sum())
    return sum(float(matrix.loc[d, h]) for d, h in cells) / total


def test_weekend_night_assaults_peak_at_the_bars(incidents, truth):
    peak = next(p for p in truth["time_peaks"] if p["category"] == "Misshandel utomhus")
    assaults = filter_incidents(incidents, categories=["Misshandel utomhus"])
    near = _near(assaults, ["Krogen F", "Krogen G", "Krogen H", "Snabbmatstället I", "Busstorget"], truth)
    matrix = weekday_hour(near).matrix
    # 12 of 168 cells (7 %) hold most of the weight, and every one of the top 10 cells is planted.
    assert _share_in_cells(matrix, peak["cells"]) > 0.6
    top = matrix.stack().sort_values(ascending=False).index[:10]
    assert set(top) <= {tuple(c) for c in peak["cells"]}
    # Friday 21–03 and Saturday 22–04: Friday 23 and Saturday/Sunday small hours are hot.
    assert matrix.loc[5, 23] > 10 * matrix.loc[3, 23]
    assert matrix.loc[7, 2] > 10 * matrix.loc[7, 14]


def test_thursday_evening_peak_at_the_youth_centre(incidents, truth):
    peak = next(p for p in truth["time_peaks"] if p["category"] == "Störande ungdomar")
    youths = filter_incidents(incidents, categories=["Störande ungdomar"])
    near = _near(youths, ["Fritidsgården J"], truth)
    matrix = weekday_hour(near).matrix
    assert _share_in_cells(matrix, peak["cells"]) > 0.5
    assert matrix.stack().idxmax() in {tuple(c) for c in peak["cells"]}
    thursday_evening = matrix.loc[4, 20:23].sum()
    other_evenings = matrix.loc[[1, 2, 3, 6, 7], 20:23].sum(axis=1)
    assert thursday_evening > 3 * other_evenings.max()


def test_burglaries_in_k_are_weekday_daytime_only_with_aoristic_weighting(incidents, truth):
    windows = truth["burglary_windows"]
    burglaries = filter_incidents(incidents, categories=windows["categories"])
    burglaries = burglaries[burglaries["occurred_to"].notna()]
    aoristic = weekday_hour(burglaries).matrix
    weekday_day = aoristic.loc[1:5, 8:16].to_numpy().sum() / aoristic.to_numpy().sum()
    # By start time only, the windows would pile up in the early morning instead.
    start_hour = burglaries["occurred_from"].dt.hour
    assert weekday_day > 0.35
    assert np.mean((start_hour >= 8) & (start_hour <= 16)) < weekday_day
