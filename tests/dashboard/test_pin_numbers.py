"""The number beside "Fäst" on Karta is the number the pinned place shows on Problembild, and a hand count."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")
DISTRICT = "A01"  # Centrum
CATEGORIES = ["Misshandel utomhus", "Ordningsstörning"]
WEEKDAYS = [5, 6]  # Friday and Saturday (ISO)
HOURS = [22, 23, 0, 1]


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "userdata").mkdir()
    return tmp_path / "userdata"


def _hand_count() -> int:
    """Centrum's Friday and Saturday nights, Jan–Jun 2025, counted with pandas and shapely only."""
    from data.sample import paths

    raw = pd.read_parquet(paths().incidents, columns=["category", "occurred_from", "x", "y"])
    districts = gpd.read_file(paths().districts)
    centrum = districts.loc[districts["area_id"] == DISTRICT, "geometry"].iloc[0]
    when = pd.to_datetime(raw["occurred_from"])
    keep = (
        raw["category"].astype(str).isin(CATEGORIES)
        & (when >= "2025-01-01") & (when < "2025-07-01")
        & when.dt.day_of_week.isin([4, 5])  # pandas: Monday = 0
        & when.dt.hour.isin(HOURS)
    )
    chosen = raw[keep]
    inside = shapely.covers(centrum, shapely.points(chosen["x"].to_numpy(), chosen["y"].to_numpy()))
    return int(inside.sum())


def _metric(at: AppTest, label: str) -> int:
    value = next(m.value for m in at.metric if m.label == label)
    return int(value.replace("\u00a0", "").replace(" ", ""))


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_pin_preview_is_problembild_now_and_a_hand_count(data_dir):
    expected = _hand_count()
    assert expected > 0  # a count that can tell a wrong filter from a right one

    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params["fran"], at.query_params["till"] = "2025-01-01", "2025-06-30"
    _run(at)
    at.session_state["map_selected"] = {"kind": "district", "id": DISTRICT}  # as a click on Centrum does
    at.switch_page("pages/map.py")
    _run(at)
    # The panel's own number counts with the sidebar filters and says so.
    assert any(c.value.startswith("Räknat med filtren i sidopanelen") for c in at.caption)
    next(w for w in at.multiselect if w.label == "Brottstyper").set_value(CATEGORIES)
    next(w for w in at.multiselect if w.label == "Veckodagar").set_value(WEEKDAYS)
    next(w for w in at.multiselect if w.label == "Timmar").set_value(HOURS)
    _run(at)
    preview = _metric(at, "Händelser som fäst plats")
    assert preview == expected
    assert any(c.value == "Så räknar Problembild platsen (Nu): Misshandel utomhus och Ordningsstörning, fre–lör "
               "22–02, 1 januari 2025 – 30 juni 2025." for c in at.caption), [c.value for c in at.caption]

    next(w for w in at.text_input if w.label == "Ditt namn").input("Anna")
    next(b for b in at.button if b.label == "Fäst").click()
    _run(at)
    assert any("Fäst i problembilden som" in s.value for s in at.success)

    at.switch_page("pages/problem.py")
    _run(at)
    table = at.dataframe[0].value
    # The new place beside the demo picture a fresh store starts with (its places are not counted here).
    centrum = table[table["Plats"] == "Centrum"]
    assert centrum["Nu"].tolist() == [format(expected, ",").replace(",", "\u00a0")]  # as the page writes it


def test_overview_says_an_empty_view_once_with_named_places(data_dir):
    # The sample town (which has named places) has no Inbrott i kontor on 1 January 2025.
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params["fran"], at.query_params["till"] = "2025-01-01", "2025-01-01"
    at.query_params["kat"] = "Inbrott i kontor"
    _run(at)
    shown = [w.value for w in at.warning] + [i.value for i in at.info]
    assert shown.count("Inga händelser matchar filtren.") == 1, shown
