"""Karta's time slider: one frame per month with the filters' counts; below the owner's level only cells
with min_place incidents that month, and never an individual incident (protected or not)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.sample import paths
from tests.conftest import REPO
from tests.dashboard.test_disclosure_pages import KERSTIN
from tests.dashboard.test_sign_in import AUTH

APP = str(REPO / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def _slider(category: str, user: dict | None = None) -> tuple[AppTest, dict]:
    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    at.query_params["fran"], at.query_params["till"], at.query_params["kat"] = "2025-01-01", "2025-12-31", category
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    next(w for w in at.toggle if w.key == "map_time_slider").set_value(True)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    films = [c for c in charts if c.get("frames")]
    assert len(films) == 1
    return at, films[0]


def _by_hand(category: str) -> pd.DataFrame:
    """Incidents of ``category`` in 2025 per 100 m cell and starting month, with pandas only."""
    raw = pd.read_parquet(paths().incidents, columns=["category", "occurred_from", "x", "y"])
    chosen = raw[(raw["category"] == category) & (raw["occurred_from"].dt.year == 2025)]
    return chosen.assign(month=chosen["occurred_from"].dt.month, x0=np.floor(chosen["x"] / 100) * 100,
                         y0=np.floor(chosen["y"] / 100) * 100).groupby(["month", "x0", "y0"]).size()


def _array(value) -> np.ndarray:
    """A plotly array as JSON carries it: a list, or base64 bytes with a dtype and shape (plotly 6)."""
    if isinstance(value, dict):
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return data.reshape([int(n) for n in str(value["shape"]).split(",")]) if "shape" in value else data
    return np.array(value, dtype=float)


def _frame_cells(film: dict) -> dict[tuple[str, float, float], float]:
    """Every drawn cell of every frame: (frame name, x of the cell's centre, y of it) -> count."""
    drawn = {}
    for frame in film["frames"]:
        heat = frame["data"][0]
        z, xs, ys = _array(heat["z"]), _array(heat["x"]), _array(heat["y"])
        for j, i in zip(*np.nonzero(~np.isnan(z)), strict=True):
            drawn[(frame["name"], float(xs[i]), float(ys[j]))] = float(z[j, i])
    return drawn


def test_monthly_frames_of_cykelstold_at_the_owners_level():
    at, film = _slider("Cykelstöld")
    names = [f["name"] for f in film["frames"]]
    assert names == ["jan. 2025", "feb. 2025", "mars 2025", "apr. 2025", "maj 2025", "juni 2025", "juli 2025",
                     "aug. 2025", "sep. 2025", "okt. 2025", "nov. 2025", "dec. 2025"]
    assert [s["label"] for s in film["layout"]["sliders"][0]["steps"]] == names
    per_month = [float(np.nansum(_array(f["data"][0]["z"]))) for f in film["frames"]]
    # Counted by hand in incidents.parquet: 678 bicycle thefts in 2025 by the month they started in.
    assert per_month == [28, 30, 41, 54, 72, 81, 88, 82, 70, 57, 40, 35]
    # The busiest cell (590100–590200 E, 6544800–6544900 N; centre 590150, 6544850) in July: 10.
    assert _frame_cells(film)[("juli 2025", 590150.0, 6544850.0)] == 10
    assert any("Händelser per ruta om 100 m och månad" in c.value for c in at.caption)


def test_below_the_owners_level_only_cells_with_five_and_never_points_of_a_protected_category():
    at, film = _slider("Misshandel utomhus", KERSTIN)
    drawn = _frame_cells(film)
    hand = _by_hand("Misshandel utomhus")
    months = ["jan. 2025", "feb. 2025", "mars 2025", "apr. 2025", "maj 2025", "juni 2025", "juli 2025",
              "aug. 2025", "sep. 2025", "okt. 2025", "nov. 2025", "dec. 2025"]
    expected = {(months[m - 1], x + 50, y + 50): n for (m, x, y), n in hand.items() if n >= 5}
    assert drawn == expected and expected  # exactly the cell-months with at least min_place = 5 incidents
    assert hand.min() < 5  # and there were smaller ones that are not drawn
    # Cells and district outlines only: no trace draws a marker (an incident) in any frame or in the figure.
    traces = film["data"] + [d for f in film["frames"] for d in f["data"]]
    assert {t["type"] for t in traces} <= {"heatmap", "scatter"}
    assert all(t.get("mode") == "lines" for t in traces if t["type"] == "scatter")
    assert any("bara rutor med minst 5 händelser den månaden" in c.value for c in at.caption)
