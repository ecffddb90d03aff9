"""Karta's pinning for a room: the whole hot-spot cluster, a human title, the pinned layer, undo, the MDE warning."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")
# A cell in the middle of the sample town's centre, a hot spot in 2025 (seen on the map).
CELL = "100m_E590100_N6544600"


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "userdata").mkdir()
    return tmp_path / "userdata"


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _karta_on(cell: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params["fran"], at.query_params["till"] = "2025-01-01", "2025-12-31"
    _run(at)
    at.session_state["map_selected"] = {"kind": "cell", "id": cell}  # as a click on the cell does
    at.switch_page("pages/map.py")
    return _run(at)


def _map_args(at: AppTest) -> dict:
    return json.loads(at.get("component_instance")[0].proto.json_args)


def _hand_count(geometry: shapely.Geometry) -> int:
    """Incidents of 2025 with a position inside ``geometry``, counted with pandas and shapely only."""
    from data.sample import paths

    raw = pd.read_parquet(paths().incidents, columns=["occurred_from", "x", "y"])
    when = pd.to_datetime(raw["occurred_from"])
    chosen = raw[(when >= "2025-01-01") & (when < "2026-01-01")]
    return int(shapely.contains_xy(geometry, chosen["x"].to_numpy(), chosen["y"].to_numpy()).sum())


def _cell_box(cell_id: str) -> shapely.Geometry:
    size = float(cell_id.split("m_")[0])
    x0, y0 = float(cell_id.split("_E")[1].split("_N")[0]), float(cell_id.split("_N")[1])
    return shapely.box(x0, y0, x0 + size, y0 + size)


def test_pin_the_whole_cluster_see_it_on_the_map_and_undo_it(data_dir):
    at = _karta_on(CELL)
    scope = next(r for r in at.radio if r.label == "Vad ska fästas?")
    assert scope.value == "cluster"
    match = re.fullmatch(r"Fäst hela klustret \((\d+) rutor, ([\d\u00a0 ]+) händelser\)", scope.options[0])
    assert match, scope.options
    cells, incidents = int(match.group(1)), int(re.sub(r"\D", "", match.group(2)))
    assert cells > 1
    assert scope.options[1] == "Fäst bara rutan"
    # The proposed title says where and what, never a cell's id.
    title = next(w for w in at.text_input if w.label == "Rubrik").value
    assert title and "Ruta" not in title and "100m_" not in title
    assert at.subheader[0].value.replace("\\", "") == title
    # The clicked cluster is outlined on the map (added as a feature group, the map is not redrawn).
    assert "#0072B2" in _map_args(at)["feature_group"]

    next(b for b in at.button if b.label == "Fäst").click()
    _run(at)
    assert any(s.value.startswith("Fäst i problembilden som #") for s in at.success), [s.value for s in at.success]

    from store.problem_store import open_store

    with open_store(data_dir / "problembild.db") as store:
        pinned = [h for h in store.list_hotspots() if h.title == title]
    assert len(pinned) == 1
    place = pinned[0]
    # The stored geometry is the union of the cluster's cells: 100 m × 100 m = 10,000 m² each.
    ids = place.source_id.split(",")
    assert len(ids) == cells and CELL in ids
    geometry = shapely.from_wkt(place.geometry_wkt)
    assert geometry.area == pytest.approx(cells * 10_000.0)
    assert shapely.union_all([_cell_box(c) for c in ids]).equals(geometry)
    # The label's number is the incidents inside those cells, counted by hand.
    assert incidents == _hand_count(geometry)

    # The pinned layer draws it with its title; the clicked cell now says it is already pinned.
    label = json.dumps(f"#{place.id} {title}")  # as the GeoJSON in the script writes it
    assert label in _map_args(at)["feature_group"]
    assert any(w.value == f"Redan fäst som ‘{title}’ (#{place.id})." for w in at.warning), \
        [w.value for w in at.warning]

    next(b for b in at.button if b.label == "Ångra fästningen").click()
    _run(at)
    assert any(i.value.startswith("Fästningen är ångrad: ‘") and "är arkiverad" in i.value for i in at.info), \
        [i.value for i in at.info]
    with open_store(data_dir / "problembild.db") as store:
        assert store.get_hotspot(place.id).archived
    assert label not in (_map_args(at).get("feature_group") or "")
    assert not any(b.label == "Ångra fästningen" for b in at.button)


def test_only_the_cell_and_the_mde_warning(data_dir):
    at = _karta_on(CELL)
    next(r for r in at.radio if r.label == "Vad ska fästas?").set_value("cell")
    _run(at)
    # One cell pinned with the form's own counting; the sentence is the WDD's minimum detectable effect.
    count = int(re.sub(r"\D", "", next(m.value for m in at.metric if m.label == "Händelser som fäst plats")))
    expected = _hand_count(_cell_box(CELL))
    texts = [w.value for w in at.warning] + [c.value for c in at.caption]
    # With n before and a comparison of similar size: MDE = 2.8016 · √(4n); the share is MDE / n.
    share = 2.801585 * (4 * count) ** 0.5 / count
    if share >= 1:
        sentence = (f"Med {count} händelser per år kan en uppföljning inte visa en minskning ens om alla "
                    "händelser upphörde – välj ett större område eller en längre period.")
    elif share >= 0.5:
        sentence = (f"Med {count} händelser per år kan en uppföljning bara visa en minskning på minst "
                    f"{round(100 * share)}\u00a0% – välj ett större område eller en längre period.")
    else:
        sentence = (f"Med {count:,} händelser per år kan en uppföljning visa en minskning på "
                    f"{round(100 * share)}\u00a0% eller mer.").replace(",", "\u00a0")
    assert sentence in texts, texts
    assert 0 < count <= expected  # the form counts its own categories (the top three) within the cell
