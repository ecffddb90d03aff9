"""Exports from real systems: police open data from abroad, Vancouver, police.uk, Malmö's and Stockholm's areas.

The real files in ../shared/data/real (see its MANIFEST.md) are read where they are; those tests skip when
../shared is not beside the checkout. The Toronto-style open-data export is written by the test the way that
portal writes it (Web Mercator X/Y first, then LAT_WGS84/LONG_WGS84, dates as ``2017/02/28 05:00:00+00``).
Expected times are worked by hand (UTC to Swedish wall-clock: +1 h in winter, +2 h in summer, the change on
the last Sunday of March at 01:00 UTC); expected positions are the file's own metres, or the WGS84 positions
projected by a separate pyproj transformer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from core.errors import InputError
from geo.areas import read_areas_report
from geo.dataset import read_areas
from geo.importer import import_incidents
from tests.conftest import REAL_DATA


@pytest.fixture()
def real() -> object:
    """The real files, or a skip that says where they were looked for."""
    if not (REAL_DATA / "MANIFEST.md").exists():
        pytest.skip(f"The real public files are not at {REAL_DATA} (../shared/data/real beside the checkout).")
    return REAL_DATA


# Toronto City Hall, Union Station and the CN Tower (lat, lon) — west of Greenwich, in UTM zone 17N.
TORONTO = [(43.6534, -79.3841), (43.6453, -79.3806), (43.6426, -79.3871)]


def toronto_export(path):
    """A Major Crime Indicators CSV as Toronto's open-data portal writes it (UTF-8 with BOM, comma)."""
    to_mercator = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    header = "X,Y,OBJECTID,EVENT_UNIQUE_ID,REPORT_DATE,OCC_DATE,OFFENCE,MCI_CATEGORY,HOOD_158,LONG_WGS84,LAT_WGS84"
    rows = [header]
    dates = ["2017/02/28 05:00:00+00", "2017/07/14 22:30:00+00", "2017/03/26 01:30:00+00"]
    for i, ((lat, lon), occurred) in enumerate(zip(TORONTO, dates, strict=True)):
        x, y = to_mercator.transform(lon, lat)
        rows.append(f"{x:.4f},{y:.4f},{i + 1},GO-2017{i:06d},2017/08/01 04:00:00+00,{occurred},"
                    f"Robbery - Mugging,Robbery,076,{lon},{lat}")
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(rows) + "\r\n").encode("utf-8"))
    return path


def test_open_data_west_of_greenwich_with_lat_lon_and_work_crs(tmp_path, run_cli):
    path = toronto_export(tmp_path / "Major_Crime_Indicators.csv")
    result = import_incidents(path, lat="LAT_WGS84", lon="LONG_WGS84", work_crs="EPSG:32617", datetime="OCC_DATE",
                              category_value="Personrån", source_value="polis")
    frame = result.frame
    assert result.report.rows_written == 3
    assert result.report.crs_found == "EPSG:4326"
    assert {"X", "Y", "REPORT_DATE"} <= set(result.report.columns_dropped)
    # 05:00 UTC in February is 06:00 in Sweden; 22:30 UTC in July is 00:30 the next day; 01:30 UTC on
    # 26 March 2017 is half an hour after summer time began, 03:30.
    assert frame["occurred_from"].tolist() == [pd.Timestamp("2017-02-28 06:00"), pd.Timestamp("2017-07-15 00:30"),
                                               pd.Timestamp("2017-03-26 03:30")]
    utm = Transformer.from_crs("EPSG:4326", "EPSG:32617", always_xy=True)
    expected = np.array([utm.transform(lon, lat) for lat, lon in TORONTO])
    np.testing.assert_allclose(frame[["x", "y"]].to_numpy(), expected, atol=0.5)
    # City Hall lies about 630 km east of zone 17's false origin and 4 834 km north of the equator.
    assert 629_000 < frame["x"].iloc[0] < 631_000 and 4_833_000 < frame["y"].iloc[0] < 4_835_000

    out = tmp_path / "toronto.parquet"
    done = run_cli("import", path, "--lat", "LAT_WGS84", "--lon", "LONG_WGS84", "--work-crs", "EPSG:32617",
                   "--datetime", "OCC_DATE", "--category-value", "Personrån", "--source-value", "polis", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Rader skrivna: 3" in done.stdout


def test_open_data_far_from_sweden_without_work_crs_says_where(tmp_path, run_cli):
    path = toronto_export(tmp_path / "mci.csv")
    with pytest.raises(InputError) as error:
        import_incidents(path, lat="LAT_WGS84", lon="LONG_WGS84", datetime="OCC_DATE", category_value="Personrån")
    message = str(error.value)
    assert "ingen av punkterna ligger i Sverige" in message
    assert "43,65° N, 79,38° V" in message and "EPSG:32617" in message
    done = run_cli("import", path, "--lat", "LAT_WGS84", "--lon", "LONG_WGS84", "--datetime", "OCC_DATE",
                   "--category-value", "Personrån", "--out", tmp_path / "x.parquet")
    assert done.returncode == 2 and "EPSG:32617" in done.stderr
    assert not (tmp_path / "x.parquet").exists()


def test_local_zone_read_as_sweref_says_check_the_crs(tmp_path, run_cli):
    # Malmö's EPSG:3008 metres (easting about 120 000) given as SWEREF 99 TM land in the sea west of Norway.
    path = tmp_path / "malmo.csv"
    path.write_text("datum;kategori;x;y\n2024-03-05 10:00;Klotter;119000;6163000\n"
                    "2024-03-05 11:00;Klotter;119500;6162500\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        import_incidents(path, crs="EPSG:3006")
    message = str(error.value)
    assert "när koordinaterna läses som SWEREF 99 TM (EPSG:3006); de hamnar kring" in message
    assert "Kontrollera filens koordinatsystem" in message and "--work-crs" not in message
    assert error.value.hint == "crs"


def test_lat_lon_columns_holding_metres_are_refused(tmp_path):
    path = tmp_path / "fel.csv"
    path.write_text("datum;kategori;lat;lon\n2024-03-05 10:00;Klotter;6164102;374532\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        import_incidents(path)
    assert "inte grader" in str(error.value) and "fel.csv" in str(error.value)


def test_swapped_lat_lon_abroad_are_put_right(tmp_path):
    path = toronto_export(tmp_path / "mci.csv")
    result = import_incidents(path, lat="LONG_WGS84", lon="LAT_WGS84", work_crs="EPSG:32617", datetime="OCC_DATE",
                              category_value="Personrån")
    assert any("omkastade" in w for w in result.warnings)
    utm = Transformer.from_crs("EPSG:4326", "EPSG:32617", always_xy=True)
    np.testing.assert_allclose(result.frame[["x", "y"]].iloc[0], utm.transform(TORONTO[0][1], TORONTO[0][0]),
                               atol=0.5)


def test_vancouver_in_its_own_utm_zone(real):
    path = real / "vancouver" / "crimedata_csv_AllNeighbourhoods_2024.csv"
    # No --crs: X/Y fit the working CRS's area, so they are taken to be in it (with a warning).
    result = import_incidents(path, x="X", y="Y", work_crs="EPSG:26910", skip_invalid=True, source_value="polis")
    assert result.report.rows_read == 33_749
    assert any("antog EPSG:26910" in w for w in result.warnings)
    first = result.frame.iloc[0]
    # The file's second line: Break and Enter Commercial, 2024-02-11 22:05, X 490249.2307, Y 5458166.8328.
    assert first["occurred_from"] == pd.Timestamp("2024-02-11 22:05")
    assert (round(first["x"], 3), round(first["y"], 3)) == (490_249.231, 5_458_166.833)
    assert {"HUNDRED_BLOCK", "NEIGHBOURHOOD"} <= set(result.report.columns_dropped)


def test_police_uk_month_only_in_british_grid(real, tmp_path):
    path = real / "london" / "2024-12-metropolitan-street.csv"
    mapping = tmp_path / "kategorier.csv"
    mapping.write_text("namn i filen;kategori\nBurglary;Inbrott i bostad\n", encoding="utf-8")
    result = import_incidents(path, datetime="Month", category="Crime type", category_map=mapping,
                              work_crs="EPSG:27700", source_value="polis")
    frame = result.frame
    assert result.report.rows_written == 4_761
    assert result.report.columns_used["lat"] == "Latitude" and result.report.crs_found == "EPSG:4326"
    # "2024-12" is the whole month: 1 December 00:00 to 1 January 00:00.
    assert (frame["occurred_from"] == pd.Timestamp("2024-12-01")).all()
    assert (frame["occurred_to"] == pd.Timestamp("2025-01-01")).all()
    assert (frame["category"] == "Inbrott i bostad").all()
    bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    # First row: On or near Hatch Grove, 0.140194 E 51.582356 N — east of Greenwich, in Barking and Dagenham.
    np.testing.assert_allclose(frame[["x", "y"]].iloc[0], bng.transform(0.140194, 51.582356), atol=0.5)
    # … which is Ordnance Survey grid square TQ 48 89 (Chadwell Heath): 548–549 km east, 189–190 km north.
    assert 548_000 < frame["x"].iloc[0] < 549_000 and 189_000 < frame["y"].iloc[0] < 190_000
    with pytest.raises(InputError) as error:
        import_incidents(path, datetime="Month", category="Crime type")
    assert "EPSG:32630" in str(error.value)  # London's UTM zone, 6° W – 0°


def test_police_uk_month_column_is_found_without_a_flag(real):
    # police.uk names its only date column "Month" ("2024-12"): a whole month, not a month number.
    result = import_incidents(real / "london" / "2025-02-metropolitan-street.csv", work_crs="EPSG:27700")
    assert result.report.rows_written == 3_739
    assert result.report.columns_used["date"] == "Month"
    assert (result.frame["occurred_from"] == pd.Timestamp("2025-02-01")).all()
    assert (result.frame["occurred_to"] == pd.Timestamp("2025-03-01")).all()


def test_malmo_delomraden_as_a_zipped_shapefile(real, tmp_path):
    import zipfile

    import geopandas as gpd

    source = real / "sweden" / "malmo_delomraden_epsg3008.geojson"
    direct = read_areas(source)
    local = gpd.read_file(source).set_crs("EPSG:3008", allow_override=True)  # the legacy crs member
    folder = tmp_path / "shp"
    folder.mkdir()
    local.to_file(folder / "delomraden.shp", engine="pyogrio")
    path = tmp_path / "Malmö delområden.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in folder.iterdir():
            archive.write(part, f"Delomraden_SWEREF99_1330/{part.name}")
    areas, report = read_areas_report(path)
    assert len(areas) == 136 and report.crs_found == "EPSG:3008"
    assert report.columns_used == {"area_id": "do_kod", "name": "delomrade"}
    np.testing.assert_allclose(areas.total_bounds, direct.total_bounds, atol=1.0)


def test_stockholm_basomraden_in_a_geopackage_with_two_layers(real, tmp_path):
    import geopandas as gpd

    path = tmp_path / "stockholm.gpkg"
    gpd.read_file(real / "sweden" / "stockholm_basomraden_wgs84.geojson").to_file(path, layer="basomraden",
                                                                                 engine="pyogrio")
    gpd.read_file(real / "sweden" / "stockholm_stadsdelar.geojson").to_file(path, layer="stadsdelar",
                                                                           engine="pyogrio")
    with pytest.raises(InputError) as error:
        read_areas_report(path)
    assert "'basomraden', 'stadsdelar'" in str(error.value)
    areas, report = read_areas_report(path, layer="basomraden")
    assert len(areas) == 419 and report.columns_used["area_id"] == "nyckelkod"
    stadsdelar, _ = read_areas_report(path, layer="stadsdelar")
    assert len(stadsdelar) == 117
