"""Positions that are not places: marked at import, left out of places, hot spots and density.

The file is written the way an export with a default position writes it: 40 incidents of four
kinds on one point (where the recording system puts an incident it cannot place) and 60 on
their own points 150 m apart. Every expected number below is counted by hand from that layout.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.aggregate import summary_by_area
from analysis.density import density_surface, place_points
from analysis.hotspots import hotspots
from analysis.overview import data_quality, data_quality_text
from analysis.problem_numbers import Place, place_incidents
from geo.importer import import_incidents
from geo.microplaces import place_counts
from tests.geo.helpers import write_text

# The stacked point, in SWEREF 99 TM (central Stockholm).
PX, PY = 674_000.0, 6_580_000.0
KINDS = ("Cykelstöld", "Klotter", "Olaga hot", "Butiksstöld")


def export(tmp_path, *, stacked_kinds=KINDS):
    """40 incidents on (PX, PY) cycling through ``stacked_kinds``, 60 on a 6 × 10 lattice NE of it."""
    rows = [["Datum", "Klockslag", "Brottstyp", "X", "Y"]]
    for i in range(40):
        rows.append([f"2025-03-{1 + i % 28:02d}", "12:00", stacked_kinds[i % len(stacked_kinds)], PX, PY])
    for i in range(1, 7):
        for j in range(1, 11):
            rows.append(["2025-03-10", "21:00", "Skadegörelse", PX + 150 * i, PY + 150 * j])
    return write_text(tmp_path / "export.csv", rows)


def district():
    """One district around the point and the whole lattice (which reaches 900 m east, 1,500 m north)."""
    return gpd.GeoDataFrame({"area_id": ["D1"], "name": ["Centrum"], "population": [1000.0]},
                            geometry=[shapely.box(PX - 500, PY - 500, PX + 1500, PY + 2000)], crs="EPSG:3006")


def test_the_importer_marks_the_forty(tmp_path):
    result = import_incidents(export(tmp_path), source_value="polis")
    precision = result.frame["position_precision"].astype(str)
    assert precision.value_counts().to_dict() == {"ungefärlig": 40, "exakt": 60}
    assert (result.frame.loc[precision == "ungefärlig", "x"] == PX).all()
    assert ("40 händelser ligger på en gemensam punkt (en mittpunkt eller standardposition); de räknas inte på "
            "platser, hotspots och täthet (men i det område punkten ligger i).") in result.report.lines()


def test_a_shop_with_many_thefts_of_one_kind_stays_a_place(tmp_path):
    result = import_incidents(export(tmp_path, stacked_kinds=("Butiksstöld",)), source_value="polis")
    assert set(result.frame["position_precision"].astype(str)) == {"exakt"}
    assert not any("gemensam punkt" in line for line in result.report.lines())


def test_places_hot_spots_and_density_leave_them_out_districts_count_all(tmp_path):
    incidents = import_incidents(export(tmp_path), source_value="polis").frame
    # A place of 100 m around the point: the 40 stacked incidents are not at it; the nearest
    # lattice point is 212 m away.
    around = Place(shapely.Point(PX, PY).buffer(100).wkt)
    assert len(place_incidents(incidents, around)) == 0
    assert len(place_incidents(incidents, around, all_positions=True)) == 40
    # One lattice point (150, 150) m from it is a place with one incident.
    corner = Place(shapely.Point(PX + 150, PY + 150).buffer(20).wkt)
    assert len(place_incidents(incidents, corner)) == 1
    named = gpd.GeoDataFrame({"area_id": ["torget"], "radius_m": [100.0]}, geometry=[shapely.Point(PX, PY)],
                             crs="EPSG:3006")
    assert place_counts(incidents, named)["count"].to_dict() == {"torget": 0}

    cells = hotspots(incidents, cell=100, extent=district())
    at_point = cells[cells.geometry.contains(shapely.Point(PX + 1, PY + 1))]
    assert at_point["count"].tolist() == [0]
    assert cells.attrs["n_incidents"] == 60 and cells.attrs["not_places"] == 40
    every = hotspots(incidents, cell=100, extent=district(), all_positions=True)
    busiest = every.loc[every["count"].idxmax()]
    assert busiest["count"] == 40 and busiest.geometry.contains(shapely.Point(PX + 1, PY + 1))

    x, y, left_out = place_points(incidents)
    assert (len(x), left_out) == (60, 40)
    raster = density_surface(x, y, cell=25, bandwidth=100, extent=(PX - 500, PY - 500, PX + 1500, PY + 2000))
    assert raster.n_points == 60

    # The district holds the point and the lattice: it counts all 100.
    assert summary_by_area(incidents, district())["count"].to_dict() == {"D1": 100}


def test_the_data_quality_box_says_how_many_and_why(tmp_path):
    incidents = import_incidents(export(tmp_path), source_value="polis").frame
    text = data_quality_text(data_quality(incidents), districts=False)
    assert text.endswith("40 händelser ligger på en gemensam punkt (en mittpunkt eller standardposition). De räknas "
                         "inte på platser, hotspots och täthet och visas inte som punkter.")
    english = data_quality_text(data_quality(incidents), districts=False, lang="en")
    assert english.endswith("40 incidents lie on a shared point (a centroid or default position). They are not "
                            "counted at places, hot spots or density and not drawn as points.")


def test_a_dataset_without_the_column_is_all_places():
    frame = pd.DataFrame({"x": [PX, PX, PX + 500], "y": [PY, PY, PY], "category": ["Klotter"] * 3})
    frame.attrs["crs"] = "EPSG:3006"
    x, _, left_out = place_points(frame)
    assert (len(x), left_out) == (3, 0)
    assert hotspots(frame, cell=100).attrs["not_places"] == 0
    assert np.array_equal(x, frame["x"].to_numpy())


def test_police_uk_snap_points_are_streets_not_centroids(real_data, tmp_path):
    # police.uk moves each crime to one of a fixed set of points on or near its street; a point holds a
    # handful of a month's burglaries (at most 12 of 4,761 here), so it stays a place.
    path = real_data / "london" / "2024-12-metropolitan-street.csv"
    raw = pd.read_csv(path)
    assert raw.groupby(["Longitude", "Latitude"]).size().max() == 12
    result = import_incidents(path, datetime="Month", category_value="Inbrott i bostad", work_crs="EPSG:27700",
                              source_value="polis")
    assert set(result.frame["position_precision"].astype(str)) == {"exakt"}


def test_vancouver_stores_with_many_thefts_stay_places(real_data):
    # 31XX Grandview Hwy: 1,024 incidents on one point, 1,022 of them "Other Theft" – a shop, not a centroid.
    path = real_data / "vancouver" / "crimedata_csv_AllNeighbourhoods_2023.csv"
    raw = pd.read_csv(path)
    shop = raw[(raw["X"] - 497311.413).abs() < 0.01]
    assert len(shop) == 1024 and (shop["TYPE"] == "Other Theft").sum() == 1022
    result = import_incidents(path, crs="EPSG:26910", work_crs="EPSG:26910", skip_invalid=True)
    precision = result.frame["position_precision"].astype(str)
    zero = int(((raw["X"] == 0) & (raw["Y"] == 0)).sum())
    assert precision.value_counts().to_dict() == {"exakt": len(raw) - zero - int(raw["X"].isna().sum()),
                                                  "saknas": zero}


def test_samsyn_grid_counts_only_places(tmp_path, run_cli):
    from geo.dataset import write_incidents

    incidents = import_incidents(export(tmp_path), source_value="polis").frame
    write_incidents(incidents, tmp_path / "handelser.parquet")
    result = run_cli("grid", tmp_path / "handelser.parquet", "--cell", "100", "--out", tmp_path / "rutor.gpkg")
    assert result.returncode == 0, result.stderr
    cells = gpd.read_file(tmp_path / "rutor.gpkg")
    # The 60 lattice points lie 150 m apart: one per 100 m cell; the stacked point's cell is not there.
    assert len(cells) == 60 and set(cells["count"]) == {1}
    assert not cells.geometry.contains(shapely.Point(PX + 1, PY + 1)).any()


def test_no_position_is_not_also_outside_every_district(tmp_path):
    rows = [["Datum", "Brottstyp", "X", "Y"], ["2025-03-01", "Klotter", 0, 0], ["2025-03-02", "Klotter", PX, PY],
            ["2025-03-03", "Klotter", PX + 5000, PY]]
    incidents = import_incidents(write_text(tmp_path / "noll.csv", rows), source_value="kommun").frame
    from analysis.aggregate import area_assignment

    codes = area_assignment(incidents, district())
    incidents["district"] = pd.Series(np.where(codes >= 0, "D1", None), dtype="object")
    text = data_quality_text(data_quality(incidents))
    # Row 1 has no position, row 3 lies 5 km east of the district: one of each, said once each.
    assert "; 1 ligger utanför alla områden. 1 händelse saknar position. De räknas inte på platser" in text, text
