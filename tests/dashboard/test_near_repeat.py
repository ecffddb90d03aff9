"""Tid's near-repeat section on the sample: the sentence, the heatmap and the CSV, in the full and a controlled view.

Every expected number is worked from ``data/sample/incidents.parquet`` with numpy over all pairs, and the
expected counts from the closed form of a permutation's mean (see ``_knox_by_hand``), not with
``analysis.nearrepeat``.
"""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO
from tests.dashboard.test_sign_in import AUTH

APP = str(REPO / "dashboard" / "app.py")
SAMPLE = REPO / "data" / "sample" / "incidents.parquet"
DISTANCES = (0, 100, 200, 400, 800)
DAYS = (0, 7, 14, 28, 56)
KERSTIN = {"is_logged_in": True, "name": "Kerstin Holm", "email": "kerstin@kommun.example.se",
           "samsyn_roles": ["kommunanalytiker"], "samsyn_org": "kommunen"}


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture()
def downloads(monkeypatch):
    """The CSV behind a download button, read from AppTest's media storage."""
    stores: list[MemoryMediaFileStorage] = []

    class Kept(MemoryMediaFileStorage):
        def __init__(self, prefix: str) -> None:
            super().__init__(prefix)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Kept)

    def read(at: AppTest, key: str) -> pd.DataFrame:
        [button] = [b for b in at.get("download_button") if b.proto.id.endswith(key)]
        content = stores[-1].get_file(button.proto.url.rsplit("/", 1)[1]).content
        return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig")

    return read


def _open(user: dict | None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page("pages/time.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _knox_by_hand(categories: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Observed pairs per cell over all pairs, and a permutation's mean count in closed form.

    Shuffling the dates gives any one pair of incidents a random pair of two of the dates, so the mean
    count of a cell is (pairs in its distance band) × (pairs of dates in its time band) / (n(n−1)/2).
    """
    incidents = pd.read_parquet(SAMPLE)
    # The default period on Tid: 2025.
    incidents = incidents[(incidents["occurred_from"] >= "2025-01-01") & (incidents["occurred_from"] < "2026-01-01")
                          & incidents["category"].isin(categories)]
    start, end = incidents["occurred_from"], incidents["occurred_to"]
    middle = start.where(end.isna() | (end <= start), start + (end - start) / 2)
    day = middle.dt.normalize().to_numpy().astype("datetime64[D]").astype(np.int64)
    x, y = incidents["x"].to_numpy(), incidents["y"].to_numpy()
    upper = np.triu_indices(len(x), k=1)
    distance = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])[upper]
    gap = np.abs(day[:, None] - day[None, :])[upper]
    d_band = np.digitize(distance, DISTANCES) - 1  # [from, to)
    t_band = np.digitize(gap, DAYS) - 1
    ok = (d_band < 4) & (t_band < 4)
    observed = np.zeros((4, 4), dtype=int)
    np.add.at(observed, (d_band[ok], t_band[ok]), 1)
    in_distance = np.bincount(d_band[d_band < 4], minlength=4)
    in_time = np.bincount(t_band[t_band < 4], minlength=4)
    expected = np.outer(in_distance, in_time) / len(distance)
    return observed, expected


def _heat(at: AppTest) -> dict:
    # The trend stays the page's last chart; the near-repeat heatmap is the one before it.
    return json.loads(at.get("plotly_chart")[-2].proto.spec)["data"][0]


def _array(values) -> np.ndarray:
    if isinstance(values, dict):  # plotly sends numeric arrays as base64
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).reshape(
            [int(n) for n in str(values.get("shape", "-1")).split(",")])
    return np.asarray([[np.nan if v is None else v for v in row] for row in values], dtype=float)


BURGLARIES = ["Inbrott i bostad", "Inbrott i källare/vind", "Inbrott i kontor", "Inbrott i skola"]


def test_near_repeat_on_the_sample_full_view(downloads):
    at = _open(None)
    observed, expected = _knox_by_hand(BURGLARIES)
    assert sorted(at.multiselect(key="near_repeat_categories").value) == sorted(BURGLARIES)
    csv = downloads(at, "csv-near-repeat")
    assert csv["observed"].astype(int).to_numpy().reshape(4, 4).tolist() == observed.tolist()
    # 99 permutations: the mean of a permuted count is within four standard errors, sd <= sqrt(mean).
    ours = csv["expected"].astype(float).to_numpy().reshape(4, 4)
    assert (np.abs(ours - expected) <= 4 * np.sqrt(expected / 99) + 0.01).all()
    # The nearest band: fewer pairs than chance gives, so no certain increase whatever p the page drew.
    ratio = observed[0, 0] / expected[0, 0]
    assert ratio < 1
    [sentence] = [m.value for m in at.markdown if "Efter ett inbrott" in m.value]
    match = re.fullmatch(r"\*\*Efter ett inbrott finns ingen säker förhöjning av risken för ett nytt inom "
                         r"100\xa0m under 7 dagar \((\d),(\d) gånger den förväntade, p = 0,(\d\d)\)\.\*\*", sentence)
    assert match, sentence
    assert float(f"{match[1]}.{match[2]}") == pytest.approx(ratio, abs=0.05 + 0.01)
    heat = _heat(at)
    assert heat["colorbar"]["title"]["text"] == "Knox-kvot"
    text = np.asarray(heat["text"], dtype=object)
    # The nearest cell's ratio with a decimal comma and two decimals, no star (not significant).
    assert re.fullmatch(r"\d,\d\d", text[0][0]), text[0][0]
    assert float(text[0][0].replace(",", ".")) == pytest.approx(ratio, abs=0.06)


def test_near_repeat_controlled_view_dots_small_cells(downloads):
    at = _open(KERSTIN, kat="Inbrott i skola")
    observed, _ = _knox_by_hand(["Inbrott i skola"])
    small = (observed > 0) & (observed < 3)
    assert small.any()
    csv = downloads(at, "csv-near-repeat")
    for column in ("observed", "expected", "knox_ratio", "p_value"):
        cells = csv[column].to_numpy().reshape(4, 4)
        assert (cells[small] == "..").all(), column
        assert ".." not in set(cells[~small]), column
    assert csv["observed"].to_numpy().reshape(4, 4)[~small].astype(int).tolist() == observed[~small].tolist()
    heat = _heat(at)
    text = np.asarray(heat["text"], dtype=object)
    z = _array(heat["z"]).astype(float)
    assert (text[small] == "..").all() and np.isnan(z[small]).all()
    texts = [m.value for m in at.markdown]
    if 0 < observed[0, 0] < 3:
        assert "**Det närmaste bandet har för få par för att visas på den här visningsnivån.**" in texts


def test_near_repeat_in_english():
    at = _open(None, lang="en")
    observed, expected = _knox_by_hand(BURGLARIES)
    [sentence] = [m.value for m in at.markdown if "burglary" in m.value]
    match = re.fullmatch(r"\*\*After a burglary, there is no certain increase in the risk of another within "
                         r"100\xa0m in the next 7 days \((\d)\.(\d) times the expected, p = 0\.(\d\d)\)\.\*\*", sentence)
    assert match, sentence
    assert float(f"{match[1]}.{match[2]}") == pytest.approx(observed[0, 0] / expected[0, 0], abs=0.06)
    heat = _heat(at)
    assert heat["colorbar"]["title"]["text"] == "Knox ratio"
    assert list(heat["x"]) == ["0–7 days", "7–14 days", "14–28 days", "28–56 days"]
    assert list(heat["y"]) == ["0–100 m", "100–200 m", "200–400 m", "400–800 m"]


def test_heatmap_colours_log_ratio_stars_significant_and_leaves_hidden_cells_blank():
    from analysis.nearrepeat import KnoxResult
    from core.disclosure import DisclosureRules, View
    from dashboard.components.near_repeat import knox_frame, knox_heatmap

    table = pd.DataFrame({
        "distance_from": [0.0, 0.0, 100.0, 100.0], "distance_to": [100.0, 100.0, 200.0, 200.0],
        "days_from": [0.0, 7.0, 0.0, 7.0], "days_to": [7.0, 14.0, 7.0, 14.0],
        "observed": [40, 2, 10, 0], "expected": [10.0, 1.0, 20.0, 4.0],
        "knox_ratio": [4.0, 2.0, 0.5, 0.0], "p_value": [0.001, 0.3, 0.99, 1.0],
    })
    result = KnoxResult(table, 300, 0, 500, 52, 0, 0, 0, 0, 999, 1, "euclidean", (0.0, 100.0, 200.0),
                        (0.0, 7.0, 14.0))
    controlled = View(True, False, "styrgrupp", DisclosureRules(min_count=3))
    heat = knox_heatmap(result, controlled).data[0]
    # 4 = 2², 0.5 = 2⁻¹; a ratio of 0 is drawn at the end colour 1/16; the hidden cell (2 pairs) has none.
    assert heat.z[0][0] == pytest.approx(2.0) and heat.z[1][0] == pytest.approx(-1.0)
    assert heat.z[1][1] == pytest.approx(-4.0) and np.isnan(heat.z[0][1])
    assert heat.text.tolist() == [["4,00 *", ".."], ["0,50", "0,00"]]
    assert (heat.zmin, heat.zmax, heat.zmid) == (-4.0, 4.0, 0.0)
    assert list(heat.colorbar.ticktext) == ["1/16", "1/8", "1/4", "1/2", "1", "2", "4", "8", "16"]
    assert list(heat.y) == ["0–100 m", "100–200 m"] and list(heat.x) == ["0–7 dagar", "7–14 dagar"]
    csv = knox_frame(result, controlled)
    assert csv.loc[1, ["observed", "expected", "knox_ratio", "p_value"]].tolist() == ["..", "..", "..", ".."]
    assert csv.loc[0, "observed"] == "40" and csv.loc[0, "knox_ratio"] == "4.0"
    full = knox_heatmap(result, View.owner_view()).data[0]
    assert full.text[0][1] == "2,00" and full.z[0][1] == pytest.approx(1.0)
