"""The Styrgrupp page through AppTest, on a small town built in the test with hand-worked WDD numbers.

Lillstad: Norrby north of Söderby, each one kilometre square (SWEREF 99 TM). The square "Torget"
(100 × 100 m in Norrby) has 10 Misshandel utomhus from January to June 2025 and 3 from July to
28 December; the comparison area Söderby has 20 and 18. The measure starts 1 July 2025, and both
periods have 181 days, so the time weights are 1 and, by hand (Wheeler & Ratcliffe 2018):

    WDD (local) = (3 − 10) − (18 − 20) = −5,  variance = 10 + 3 + 20 + 18 = 51,  SE = √51 = 7,141
    95 % interval = −5 ± 1,96 · 7,141 = −19,0 … +9,0,  z = −5 / 7,141 = −0,700,  p = 2 · Φ(−0,700) = 0,484

The goal (−20 %) is reached by the place's own change, 3 / 10 − 1 = −70 %, but the place has not
fallen reliably more than Söderby (p = 0,484 ≥ 0,05): yellow. A second measure has a production goal
of 4 safety walks of which 3 are done: 3 / 4 = 75 %, at least half, so yellow too.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from geo.dataset import incident_frame, write_incidents
from store.datasets import create_dataset, save_role
from store.model import Followup, Goal, Hotspot, Measure
from store.problem_store import open_store
from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")
X0, Y0 = 674_000.0, 6_580_000.0
NORRBY = shapely.box(X0, Y0 + 1000, X0 + 1000, Y0 + 2000)
SODERBY = shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)
TORGET = shapely.box(X0 + 400, Y0 + 1400, X0 + 500, Y0 + 1500)
PARKEN = shapely.box(X0 + 600, Y0 + 200, X0 + 700, Y0 + 300)


def _incidents(category: str, days: list[str], x: float, y: float) -> list[dict]:
    return [{"category": category, "source": "polis", "occurred_from": pd.Timestamp(f"{day} 23:00"),
             "occurred_to": pd.Timestamp(f"{day} 23:00"), "x": x + i, "y": y, "place_type": "utomhus"}
            for i, day in enumerate(days)]


def _days(month_from: int, month_to: int, count: int) -> list[str]:
    """``count`` days in the 10th of successive months from ``month_from``, wrapping inside the range."""
    months = list(range(month_from, month_to + 1))
    return [f"2025-{months[i % len(months)]:02d}-{10 + i // len(months):02d}" for i in range(count)]


def town() -> pd.DataFrame:
    rows = [
        *_incidents("Misshandel utomhus", _days(1, 6, 10), X0 + 430, Y0 + 1450),  # Torget before
        *_incidents("Misshandel utomhus", _days(7, 12, 3), X0 + 430, Y0 + 1460),  # Torget after
        *_incidents("Misshandel utomhus", _days(1, 6, 20), X0 + 300, Y0 + 500),  # Söderby before
        *_incidents("Misshandel utomhus", _days(7, 12, 18), X0 + 300, Y0 + 520),  # Söderby after
        # The last day of data (28 December), another category: not counted anywhere above.
        *_incidents("Klotter", ["2025-12-28"], X0 + 900, Y0 + 1900),
    ]
    frame = pd.DataFrame(rows)
    frame["id"] = [f"L-{i}" for i in range(len(frame))]
    return incident_frame(frame)


@pytest.fixture()
def lillstad(tmp_path, monkeypatch):
    """Lillstad as a dataset in a fresh data directory, with its problem picture; returns (dataset id, store)."""
    from geo.areas import write_areas

    directory = tmp_path / "userdata"
    directory.mkdir()
    monkeypatch.setenv("SAMSYN_DATA", str(directory))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    dataset = create_dataset(directory, "Lillstad")
    dataset = save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(town(), p))
    districts = gpd.GeoDataFrame({"area_id": ["N01", "S01"], "name": ["Norrby", "Söderby"],
                                  "population": [2000.0, 500.0], "parent": [None, None]},
                                 geometry=[NORRBY, SODERBY], crs="EPSG:3006")
    dataset = save_role(dataset, "districts", ".gpkg", lambda p: write_areas(districts, p))
    store = open_store(Path(directory) / "problembild.db")
    torget = store.add_hotspot(Hotspot(title="Torget", geometry_wkt=TORGET.wkt, categories=["Misshandel utomhus"],
                                       created_by="Anna", dataset_id=dataset.id), user="Anna")
    parken = store.add_hotspot(Hotspot(title="Parken", geometry_wkt=PARKEN.wkt, categories=["Misshandel utomhus"],
                                       created_by="Anna", dataset_id=dataset.id), user="Anna")
    guards = store.add_measure(Measure(title="Ordningsvakter på Torget",
                                       description="Två ordningsvakter fredag och lördag kväll.",
                                       start="2025-07-01", status="pågår", hotspot_ids=[torget.id]), user="Anna")
    store.add_goal(Goal(kind="effektmål", description="20 % färre misshandelsfall på Torget", hotspot_id=torget.id,
                        measure_id=guards.id, categories=["Misshandel utomhus"], target_change=-0.2), user="Anna")
    store.add_followup(Followup(guards.id, SODERBY.wkt, hotspot_id=torget.id, displacement_m=None,
                                before_start="2025-01-01", before_end="2025-06-30", after_start="2025-07-01",
                                after_end="2025-12-28", control_name="Söderby", dataset_id=dataset.id), user="Anna")
    walks = store.add_measure(Measure(title="Trygghetsvandringar i Parken", start="2025-03-01", status="pågår",
                                      hotspot_ids=[parken.id]), user="Anna")
    store.add_goal(Goal(kind="produktionsmål", description="Trygghetsvandringar", measure_id=walks.id, planned=4,
                        done=3, unit="vandringar"), user="Anna")
    return dataset.id, store


def _open(dataset_id: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in {"dataset": dataset_id, **query}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page("pages/steering.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    """What the page says, in every text element and HTML block, with no-break spaces as spaces."""
    parts = [str(e.value) for kind in ("markdown", "caption", "info", "subheader", "title")
             for e in at.get(kind)]
    parts += [e.proto.body for e in at.get("html")]
    return "\n".join(parts).replace("\xa0", " ").replace("\u202f", " ")


def _values(array) -> list[float]:
    """A plotly array as numbers (plotly sends integer arrays base64-encoded with their dtype)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def test_steering_page_says_the_wdd_sentence_and_draws_the_light(lillstad):
    dataset_id, _store = lillstad
    at = _open(dataset_id)
    text = _text(at)
    assert "Åtgärd 1 av 2" in text and "Ordningsvakter på Torget" in text
    assert "Två ordningsvakter fredag och lördag kväll." in text
    assert "I målområdet minskade misshandel utomhus från 10 till 3 händelser (−70 %)." in text
    assert ("Målområdets förändring jämfört med jämförelseområdets är −5 händelser (95 % konfidensintervall −19 "
            "till +9), vilket ryms inom normal slumpvariation (p = 0,484).") in text
    # The light is drawn (a circle in Okabe–Ito yellow) and named in words, never an emoji.
    assert "background:#F0E442" in text and "Gult – på väg men osäkert" in text
    assert not any(symbol in text for symbol in "🟢🟡🔴⚪")
    # The trend is per quarter with the start marked. The target's dates (the 10th and 11th of each month):
    # Q1 6, Q2 4, Q3 3; the fourth quarter ends after the data (28 December) and is left out.
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    target = next(trace for trace in chart["data"] if trace["name"] == "Målområdet")
    assert [x[:10] for x in target["x"]] == ["2025-01-01", "2025-04-01", "2025-07-01"]
    assert _values(target["y"]) == [6, 4, 3]
    assert chart["layout"]["title"]["text"] == "Händelser per kvartal"
    assert chart["layout"]["annotations"][0]["text"] == "Åtgärden startar"


def test_steering_page_pages_with_its_buttons_and_shows_progress(lillstad):
    dataset_id, _store = lillstad
    at = _open(dataset_id)
    assert _button(at, "steering_previous").disabled
    _button(at, "steering_next").click().run()
    assert not at.exception, [e.message for e in at.exception]
    text = _text(at)
    assert "Åtgärd 2 av 2" in text and "Trygghetsvandringar i Parken" in text
    assert "Trygghetsvandringar: 3 av 4 vandringar" in text  # the production goal's progress
    assert "Gult – på väg men osäkert" in text  # 3 / 4 = 75 %: at least half done
    assert "Ingen effektuppföljning är planerad ännu." in text
    assert _button(at, "steering_next").disabled
    _button(at, "steering_previous").click().run()
    assert "Åtgärd 1 av 2" in _text(at)


def test_steering_page_in_english(lillstad):
    dataset_id, _store = lillstad
    at = _open(dataset_id, lang="en")
    text = _text(at)
    assert "Measure 1 of 2" in text and at.title[0].value == "Steering group"
    assert "In the target area misshandel utomhus fell from 10 to 3 incidents (-70%)." in text
    assert ("The target area's change compared with the comparison area's is -5 incidents (95% confidence "
            "interval -19 to +9), which is within normal random variation (p = 0.484).") in text
    assert "Yellow – on the way but uncertain" in text
    assert {b.label for b in at.button} >= {"Previous", "Next", "Print"}


def test_print_shows_every_measure_one_per_page(lillstad):
    dataset_id, _store = lillstad
    at = _open(dataset_id)
    _button(at, "steering_print_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    text = _text(at)
    assert "Ordningsvakter på Torget" in text and "Trygghetsvandringar i Parken" in text
    assert text.count('class="samsyn-measure"') == 2  # each measure's page break marker
    _button(at, "steering_back").click().run()
    assert "Åtgärd 1 av 2" in _text(at) and "Trygghetsvandringar i Parken" not in _text(at)


def test_the_steering_group_opens_its_page_below_the_owners_level(lillstad):
    from core.disclosure import Viewer
    from tests.dashboard.test_sign_in import AUTH
    from workspace import Workspace

    dataset_id, _store = lillstad
    Workspace.open().set_sharing(dataset_id, viewer=Viewer.local(), owner="polisen", sharing="styrgrupp")
    at = AppTest.from_file(APP, default_timeout=240)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "name": "Bo Lind", "email": "bo@kommun.example.se", "samsyn_roles": "styrgrupp"}
    at.query_params["dataset"] = dataset_id
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page("pages/steering.py").run()
    assert not at.exception, [e.message for e in at.exception]
    text = _text(at)
    assert at.title[0].value == "Styrgrupp" and "Visningsnivå: styrgrupp/offentlig" in text
    # No count is 1–2, so the WDD sentence stands; the goal's place has 3 after, under 5: its own counts are
    # not shown, but its light (which names no number) is.
    assert "från 10 till 3 händelser" in text and "Gult – på väg men osäkert" in text
