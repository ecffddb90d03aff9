"""A pinned place counts in the dataset it was pinned on, and the pages say when that is not the active one."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from data.sample import paths
from geo.dataset import read_incidents, write_incidents
from store.datasets import create_dataset, save_role
from store.model import Hotspot
from store.problem_store import open_store
from tests.dashboard.apptest import open_page as _page

SAMPLE_NAME = "Exempelstad (fiktiv ort, exempeldata)"
# A 100 m square far from where the sample has any incidents.
SQUARE = shapely.box(100_000, 6_400_000, 100_100, 6_400_100)


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "userdata"


@pytest.fixture()
def april(data_dir) -> str:
    """A dataset with three incidents inside the square in March 2025 and one 5 km away."""
    rows = read_incidents(paths().incidents).head(4).copy()
    rows["x"] = [100_010.0, 100_050.0, 100_090.0, 105_000.0]
    rows["y"] = [6_400_010.0, 6_400_050.0, 6_400_090.0, 6_400_050.0]
    for column in ("occurred_from", "occurred_to"):
        if column in rows:
            rows[column] = pd.to_datetime(["2025-03-03 12:00", "2025-03-10 12:00", "2025-03-17 12:00",
                                           "2025-03-24 12:00"])
    rows.attrs = {"crs": "EPSG:3006"}
    dataset = create_dataset(data_dir, "Polisens export april")
    save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(rows, p))
    return dataset.id


def test_problem_page_counts_a_place_in_its_own_dataset_and_says_so(data_dir, april):
    with open_store(data_dir / "problembild.db") as store:
        store.add_hotspot(Hotspot(title="Torget i april", geometry_wkt=SQUARE.wkt, dataset_id=april,
                                  created_by="Anna"), user="Anna")
    # The sample is active (no ?dataset=); the sample has no incidents in the square at all.
    at = _page("problem.py", fran="2025-01-01", till="2025-12-31")
    table = at.dataframe[0].value
    assert table["Nu"].tolist() == ["3"]  # the three April incidents inside the square, by hand (as shown)
    assert [i.value for i in at.info] == [
        f"Platsen är fäst i datasetet Polisens export april; aktivt dataset är {SAMPLE_NAME}. "
        "Siffrorna räknas på Polisens export april."
    ]


def test_no_notice_when_the_place_belongs_to_the_active_dataset(data_dir, april):
    with open_store(data_dir / "problembild.db") as store:
        store.add_hotspot(Hotspot(title="Torget i april", geometry_wkt=SQUARE.wkt, dataset_id=april,
                                  created_by="Anna"), user="Anna")
    at = _page("problem.py", dataset=april, fran="2025-03-01", till="2025-03-31")
    assert at.dataframe[0].value["Nu"].tolist() == ["3"]
    assert not [i.value for i in at.info if "fäst i datasetet" in i.value]


def test_a_place_pinned_on_the_map_records_the_active_dataset(data_dir, april):
    at = _page("map.py", dataset=april, fran="2025-03-01", till="2025-03-31")
    at.session_state["map_selected"] = {"kind": "drawn", "id": "ritad", "wkt": SQUARE.wkt}
    at.run()
    pin = [w for w in at.text_input if w.label == "Ditt namn"]
    if not pin:
        pytest.fail("the map page shows no pin form for a drawn area: " + str([s.value for s in at.subheader]))
    pin[0].input("Anna Andersson")
    next(b for b in at.button if b.label == "Fäst").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    with open_store(data_dir / "problembild.db") as store:
        # The first start loaded the demo picture (dataset exempelstad) beside Anna's pin.
        assert [h.dataset_id for h in store.list_hotspots() if h.created_by == "Anna Andersson"] == [april]
