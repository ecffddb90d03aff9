"""Karta's "Framväxande hot spots": the toggle draws the classified cells with a legend that reads in
plain Swedish, tooltips "het i N av 12 månader", and below the owner's level only cells with 5 incidents.

Hand-worked from data/sample with pandas: 2025 (the default period) has incidents in 3,469 distinct
100 m cells (floor(x / 100), floor(y / 100)); 12 monthly steps, January to December 2025.
"""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO
from tests.dashboard.test_sign_in import AUTH

APP = str(REPO / "dashboard" / "app.py")
KERSTIN = {"is_logged_in": True, "name": "Kerstin Holm", "email": "kerstin@kommun.example.se",
           "samsyn_roles": ["kommunanalytiker"], "samsyn_org": "kommunen"}


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def _karta_with_emerging(user: dict | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    # The toggle's state set before Karta first runs, as a click leaves it: AppTest cannot re-send the
    # page's selectboxes whose format_func translates (English).
    at.session_state["map_emerging"] = True
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.toggle(key="map_emerging").value
    return at


def _cells(at: AppTest) -> list[dict]:
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    found = []
    for match in re.finditer(r'"properties": (\{[^{}]*\})', script):
        properties = json.loads(match.group(1))
        if "pattern" in properties and "steg" in properties:
            found.append(properties)
    return found


def _legends(at: AppTest) -> str:
    """The HTML of every legend on the map (each a JSON string set as a Leaflet control's innerHTML)."""
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    return "".join(json.loads(m.group(1)) for m in re.finditer(r'div\.innerHTML = ("(?:[^"\\]|\\.)*");', script))


def test_the_toggle_shows_the_legend_in_plain_swedish():
    at = _karta_with_emerging()
    texts = [m.value for m in at.main.markdown]
    summary = next(v for v in texts if v.startswith("**Framväxande hot spots** – "))
    assert "3\u00a0469 rutor à 100 m med händelser, 12 månader (jan–dec 2025); grannskap queen och 1 tidigare " \
           "månad." in summary
    legend = next(v for v in texts if v.startswith("- **"))
    cells = _cells(at)
    assert cells
    drawn = {c["klass"] for c in cells}
    # The plain reading of every class on the map, as written for the workshop.
    readings = {
        "Ny het punkt": "Het i sista steget, aldrig tidigare",
        "Sammanhängande het punkt": "Het i de senaste stegen i en obruten följd, aldrig före det",
        "Växande het punkt": "Het i minst 90 % av stegen och i sista, och allt hetare",
        "Ihållande het punkt": "Het i minst 90 % av stegen och i sista, utan tydlig trend",
        "Avtagande het punkt": "Het i minst 90 % av stegen och i sista, men allt svalare",
        "Sporadisk het punkt": "Het i sista steget och av och till tidigare, aldrig kall",
        "Växlande het punkt": "Het i sista steget, men kall i något tidigare steg",
        "Historisk het punkt": "Het i minst 90 % av stegen, men inte i sista",
    }
    on_map = _legends(at)
    assert "<b>Framväxande hot spots</b>" in on_map
    for label in drawn:
        n = sum(c["klass"] == label for c in cells)
        assert f"- **{label}** ({n}): {readings[label]}" in legend
        assert f"<b>{label}</b>: {readings[label]}" in on_map  # the legend on the map itself
    for cell in cells:
        hot = int(re.fullmatch(r"het i (\d+) av 12 månader", cell["steg"]).group(1))
        # Persistent and intensifying: hot in at least 90 % of the 12 months, i.e. 11 or 12.
        if cell["pattern"] in ("persistent_hot", "intensifying_hot"):
            assert hot >= 11, cell
        assert cell["lasning"] == readings[cell["klass"]]
        # A click on it selects the cell, as a click on a hot cell does.
        assert (cell["samsyn_kind"], cell["samsyn_id"]) == ("cell", cell["cell_id"])


def test_below_the_owners_level_only_cells_with_five_incidents_are_drawn():
    full = _cells(_karta_with_emerging())
    controlled_at = _karta_with_emerging(KERSTIN)
    controlled = _cells(controlled_at)
    assert any(int(c["antal"]) < 5 for c in full)
    assert controlled and all(int(c["antal"]) >= 5 for c in controlled)
    assert sorted(c["cell_id"] for c in controlled) == sorted(c["cell_id"] for c in full if int(c["antal"]) >= 5)
    assert "Platser med färre än 5 händelser visas inte på den här visningsnivån." in \
        [c.value for c in controlled_at.main.caption]


def test_in_english():
    at = _karta_with_emerging(lang="en")
    texts = [m.value for m in at.main.markdown]
    assert any(v.startswith("**Emerging hot spots** – 3,469 cells of 100 m with incidents, 12 months") for v in texts)
    assert all(re.fullmatch(r"hot in \d+ of 12 months", c["steg"]) for c in _cells(at))


def test_a_click_on_an_emerging_cell_shows_its_numbers():
    import pandas as pd

    from data.sample import paths

    at = _karta_with_emerging()
    cell = next(c for c in _cells(at) if c["pattern"] == "persistent_hot")
    at.session_state["map_selected"] = {"kind": cell["samsyn_kind"], "id": cell["samsyn_id"]}  # as the click does
    # A cell in a cluster of hot cells offers the whole cluster first; the room chooses "Fäst bara rutan".
    at.session_state[f"map_scope-{cell['samsyn_id']}"] = "cell"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    # The cell's incidents in 2025, counted with pandas from its id (size and lower-left corner).
    size = float(cell["cell_id"].split("m_")[0])
    x0, y0 = float(cell["cell_id"].split("_E")[1].split("_N")[0]), float(cell["cell_id"].split("_N")[1])
    raw = pd.read_parquet(paths().incidents, columns=["occurred_from", "x", "y"])
    chosen = raw[(raw["occurred_from"] >= "2025-01-01") & (raw["occurred_from"] < "2026-01-01")]
    inside = chosen["x"].between(x0, x0 + size, inclusive="left") & chosen["y"].between(y0, y0 + size,
                                                                                       inclusive="left")
    metric = next(m for m in at.metric if m.label == "Händelser")
    assert metric.value == f"{int(inside.sum()):,}".replace(",", "\u00a0")
