"""Exports of the space-time results: robustness per pinned place as CSV, and the one table writer.

The planted town of ``tests/analysis/test_robustness.py`` (its notes work out why the planted
cell is wholly hot at every size and quarter): 816 incidents at the place in 2025, 204 a
quarter; the quiet corner ``[200, 250]²`` has one background incident a quarter.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from analysis.robustness import place_robustness
from core.disclosure import View
from core.errors import InputError
from reports.export import export_robustness, export_table
from store.model import Hotspot
from tests.analysis.test_robustness import PLACE, X0, Y0, _box, _town

PLANTED = Hotspot("Planterade rutan", PLACE.geometry_wkt, categories=["Inbrott"], id=1)
QUIET = Hotspot("Tysta hörnet", _box(200, 200, 250, 250), categories=["Inbrott"], id=2)


@pytest.fixture(scope="module")
def results():
    town = _town([0, 1, 2, 3])
    return {h.id: place_robustness(town, h, "2025-01-01", "2025-12-31") for h in (PLANTED, QUIET)}


def test_robustness_csv_with_swedish_headers(results, tmp_path):
    out = export_robustness([PLANTED, QUIET], tmp_path / "stabilitet.csv", lambda h: results[h.id],
                            swedish_headers=True)
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table.columns[:7]) == ["plats_id", "plats", "jämförelse", "läge", "händelser_i_platsen", "andel_het",
                                       "het"]
    planted = table[table["plats_id"] == "1"]
    assert planted["jämförelse"].tolist() == ["rutstorlek"] * 3 + ["period"] * 4
    assert planted["läge"].tolist()[:3] == ["50 m", "100 m", "200 m"]
    assert planted["händelser_i_platsen"].tolist() == ["816"] * 3 + ["204"] * 4
    assert planted["andel_het"].astype(float).tolist() == [1.0] * 7
    assert set(planted["bedömning"]) == {"stabil"} and set(planted["andel_överlapp"].astype(float)) == {1.0}
    quiet = table[table["plats_id"] == "2"]
    assert quiet.loc[quiet["jämförelse"] == "period", "händelser_i_platsen"].tolist() == ["1", "1", "1", "1"]
    assert set(quiet["bedömning"]) == {"ingen"}


def test_robustness_csv_below_the_owners_level(results, tmp_path):
    joint = View(True, False, "gemensam")
    out = export_robustness([PLANTED, QUIET], tmp_path / "stabilitet.csv", lambda h: results[h.id],
                            view_of=lambda h: joint, lang="en")
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    # The quiet corner has 4 incidents (< k = 5): one row, no numbers, the reason.
    quiet = table[table["place_id"] == "2"]
    assert len(quiet) == 1 and quiet["note"].iloc[0] == "too few incidents to show (under 5)"
    assert quiet[["incidents", "hot_share", "verdict"]].iloc[0].tolist() == ["", "", ""]
    planted = table[table["place_id"] == "1"]
    assert planted["setting"].tolist()[3] == "1 January 2025 – 31 March 2025"
    hidden = View(False, False, "gemensam")
    empty = export_robustness([PLANTED], tmp_path / "tom.csv", lambda h: results[h.id], view_of=lambda h: hidden)
    assert pd.read_csv(empty, encoding="utf-8-sig").empty  # a place on a dataset the reader does not see


def test_one_writer_for_knox_emerging_and_sppt_tables(tmp_path):
    knox = pd.DataFrame({"distance_from": [0.0], "distance_to": [100.0], "days_from": [0.0], "days_to": [7.0],
                         "observed": [23], "expected": [10.0], "knox_ratio": [2.3], "p_value": [0.001]})
    text = export_table(knox, tmp_path / "knox.csv", swedish_headers=True).read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["avstånd_från_m,avstånd_till_m,dagar_från,dagar_till,observerade_par,"
                                 "förväntade_par,knoxkvot,p_värde", "0.0,100.0,0.0,7.0,23,10.0,2.3,0.001"]
    cells = gpd.GeoDataFrame({"cell_id": ["100m_E601000_N6501000"], "pattern": ["new_hot"],
                              "label": ["Ny het punkt"]},
                             geometry=[shapely.box(X0 + 1000, Y0 + 1000, X0 + 1100, Y0 + 1100)], crs="EPSG:3006")
    geojson = json.loads(export_table(cells, tmp_path / "emerging.geojson", swedish_headers=True).read_text())
    feature = geojson["features"][0]
    assert feature["properties"] == {"ruta": "100m_E601000_N6501000", "mönster": "new_hot", "klass": "Ny het punkt"}
    lon, lat = feature["geometry"]["coordinates"][0][0]
    assert 14 < lon < 18 and 58 < lat < 60  # WGS 84, not SWEREF 99 TM metres
    csv = pd.read_csv(export_table(cells, tmp_path / "emerging.csv"), encoding="utf-8-sig")
    # The cell's centre: (600000 + 1050, 6500000 + 1050).
    assert csv[["x", "y"]].iloc[0].tolist() == [601050.0, 6501050.0] and csv["crs"].iloc[0] == "EPSG:3006"
    sppt = pd.DataFrame({"area_id": ["A"], "base_count": [10], "test_count": [3], "change": ["lower"]})
    header = export_table(sppt, tmp_path / "sppt.csv", swedish_headers=True).read_text(encoding="utf-8-sig")
    assert header.splitlines()[0] == "område_id,antal_bas,antal_test,förändring"


def test_bad_targets_write_nothing(tmp_path):
    with pytest.raises(InputError, match="ingen geometri"):
        export_table(pd.DataFrame({"a": [1]}), tmp_path / "x.geojson")
    with pytest.raises(InputError, match=r"\.csv eller \.geojson"):
        export_table(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="CSV"):
        export_robustness([], tmp_path / "x.geojson", lambda h: None)
    assert list(tmp_path.iterdir()) == []
