"""The robustness sentence of a pinned place on Problembild: the report's sentence for the same place."""

from __future__ import annotations

import json
from datetime import datetime

import geopandas as gpd
import pytest
import shapely

from core import formatting
from data.sample import paths
from geo.dataset import read_incidents
from reports.report import ProblemPicture, build_report
from store.model import Hotspot
from store.problem_store import open_store
from tests.dashboard.apptest import open_page


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "userdata").mkdir()
    return open_store(tmp_path / "userdata" / "problembild.db")


def _place() -> Hotspot:
    spot = json.loads(paths().truth.read_text(encoding="utf-8"))["hotspots"][0]
    geometry = shapely.Point(spot["x"], spot["y"]).buffer(spot["radius_m"])
    return Hotspot(title=spot["name"], geometry_wkt=geometry.wkt, categories=["Misshandel utomhus"],
                   created_by="Anna", snapshot={"count": 42})


def test_problembild_says_what_the_report_says_about_the_place(store):
    saved = store.add_hotspot(_place(), user="Anna")
    sample = paths()
    report = build_report(ProblemPicture(hotspots=[saved]), read_incidents(sample.incidents),
                          districts=gpd.read_file(sample.districts).to_crs("EPSG:3006"),
                          period=("2025-01-01", "2025-12-31"), generated_at=datetime(2026, 1, 10, 9))
    sentence = report.patterns[1].robustness.sentence()
    assert sentence.startswith("Platsen är het vid ")
    at = open_page("problem.py", fran="2025-01-01", till="2025-12-31")
    assert not at.exception, [e.message for e in at.exception]
    shown = [box.value for box in (*at.info, *at.warning)]
    assert sentence in shown, shown
    # The table under it, as a CSV: the same rows the report's table has.
    assert "Hur stabil är platsen som hot spot?" in [e.label for e in at.expander]
    table = next(d.value for d in at.dataframe if "Jämförelse" in d.value.columns)
    assert table["Jämförelse"].tolist()[:3] == ["Rutstorlek"] * 3
    assert table["Händelser i platsen"].iloc[0] == formatting.count(report.places[0][2].count)


def test_the_pin_preview_on_karta_says_how_stable_the_cell_is(store):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO

    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=300)
    at.query_params["fran"], at.query_params["till"] = "2025-01-01", "2025-12-31"
    at.run()
    # A hot cell in the middle of the sample town's centre, as a click on it selects it.
    at.session_state["map_selected"] = {"kind": "cell", "id": "100m_E590100_N6544600"}
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = [box.value for box in (*at.info, *at.warning)]
    assert any(text.startswith("Platsen är het vid ") for text in shown), shown
    assert "Hur stabil är platsen som hot spot?" in [e.label for e in at.expander]


def _note_script(count: int, controlled: bool) -> None:
    import streamlit as st

    from analysis.robustness import place_robustness
    from core.disclosure import View
    from dashboard.components.robustness import robustness_note
    from tests.analysis.test_robustness import PLACE, _town

    result = place_robustness(_town([1]), PLACE, "2025-01-01", "2025-12-31")
    view = View(True, False, "gemensam") if controlled else View.owner_view()
    st.session_state.setdefault("lang", "sv")
    robustness_note(result, view=view, count=count)


@pytest.mark.parametrize(("count", "controlled", "expected"), [
    # Below the owner's level a place of 4 incidents (< k = 5) says only why.
    (4, True, "Stabiliteten som hot spot visas inte: för få händelser för att visas (under 5)."),
    # The planted one-quarter cluster (see tests/analysis/test_robustness.py): unstable, so a warning.
    (204, True, "Platsen är het vid alla tre rutstorlekar och i 1 av 4 kvartal – ett instabilt mönster; läs det med "
                "försiktighet."),
])
def test_robustness_note_respects_the_view(count, controlled, expected):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_note_script, args=(count, controlled), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    texts = [c.value for c in at.caption] + [w.value for w in at.warning] + [i.value for i in at.info]
    assert expected in texts, texts
    if count < 5:
        assert not at.expander and not at.warning and not at.info
