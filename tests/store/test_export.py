"""Pinned hotspots exported as GeoPackage and CSV, read back with geopandas and pandas."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from core.errors import InputError
from core.files import write_atomically
from reports.export import COLUMNS, export_hotspots
from store.model import Hotspot

SQUARE = "POLYGON ((589380 6544720, 590380 6544670, 590400 6545080, 589380 6544720))"


@pytest.fixture()
def hotspots() -> list[Hotspot]:
    return [
        Hotspot("Stortorget", SQUARE, categories=["Misshandel utomhus", "Olaga hot"], weekdays=[5, 6],
                hours=[22, 23, 0], organisation="polis", status="prioriterad", priority=1, created_by="Anna",
                created_at="2025-02-01T10:00:00+01:00", id=7),
        Hotspot("Österby torg", "POINT (591380 6545220)", organisation="kommun", id=9),
    ]


def test_geopackage_round_trip(hotspots, tmp_path):
    out = export_hotspots(hotspots, tmp_path / "platser.gpkg")
    back = gpd.read_file(out, layer="hotspots")
    assert list(back.columns) == [*COLUMNS, "geometry"]
    assert back.crs.to_epsg() == 3006
    assert back["id"].tolist() == [7, 9]
    assert back["title"].tolist() == ["Stortorget", "Österby torg"]
    assert back.loc[0, "categories"] == "Misshandel utomhus, Olaga hot"
    assert back.loc[0, "weekdays"] == "5, 6" and back.loc[0, "hours"] == "22, 23, 0"
    assert back.loc[0, "priority"] == 1 and back.loc[0, "status"] == "prioriterad"
    assert back.geometry.iloc[0].equals(shapely.from_wkt(SQUARE))
    assert back.geometry.iloc[1].equals(shapely.Point(591380, 6545220))


def test_csv_round_trip_with_wkt_and_centroid(hotspots, tmp_path):
    out = export_hotspots(hotspots, tmp_path / "platser.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads å, ä, ö
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert list(back.columns) == [*COLUMNS, "geometry_wkt", "centroid_x", "centroid_y", "crs"]
    assert back["title"].tolist() == ["Stortorget", "Österby torg"]
    polygon = shapely.from_wkt(back.loc[0, "geometry_wkt"])
    assert polygon.equals(shapely.from_wkt(SQUARE))
    assert back.loc[0, "centroid_x"] == pytest.approx(polygon.centroid.x, abs=0.01)
    assert back.loc[1, ["centroid_x", "centroid_y"]].tolist() == [591380.0, 6545220.0]
    assert back.loc[0, "crs"] == "EPSG:3006"


def test_other_crs_is_reprojected(tmp_path):
    wgs84 = Hotspot("Torget", "POINT (18.07 59.33)", crs="EPSG:4326", id=1)
    sweref = Hotspot("Parken", "POINT (674000 6580000)", id=2)
    back = gpd.read_file(export_hotspots([sweref, wgs84], tmp_path / "p.gpkg"))
    assert back.crs.to_epsg() == 3006
    assert 600_000 < back.geometry.iloc[1].x < 700_000


def test_bad_file_type_and_geometry(hotspots, tmp_path):
    with pytest.raises(InputError, match=".gpkg"):
        export_hotspots(hotspots, tmp_path / "platser.shp")
    with pytest.raises(InputError, match="ogiltig geometri"):
        export_hotspots([Hotspot("Fel", "POLYGON ((0 0, 1")], tmp_path / "platser.csv")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_no_file(tmp_path):
    def half_then_fail(path):
        path.write_text("halv", encoding="utf-8")
        raise OSError("disken är full")

    with pytest.raises(OSError):
        write_atomically(tmp_path / "platser.csv", half_then_fail)
    assert list(tmp_path.iterdir()) == []
