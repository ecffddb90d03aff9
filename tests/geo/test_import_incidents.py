"""Importing incidents: column guessing, CRS recognition and transforms, times and windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import InputError
from geo.dataset import load_incidents, read_incidents, write_incidents
from geo.importer import import_incidents
from tests.geo.helpers import LONLAT, X3006, Y3006, coords_in, police_rows, write_text


def test_guessed_columns_and_canonical_frame(tmp_path):
    path = write_text(tmp_path / "export.csv", police_rows())
    result = import_incidents(path, source_value="polis")
    frame = result.frame
    assert list(frame.columns) == ["id", "category", "occurred_from", "occurred_to", "x", "y", "source",
                                   "place_type", "position_precision"]
    assert frame["position_precision"].tolist() == ["exakt"] * 3
    assert frame.attrs["crs"] == "EPSG:3006"
    assert frame["category"].tolist() == ["Cykelstöld", "Övrig skadegörelse", "Klotter"]
    assert frame["occurred_from"].tolist() == [pd.Timestamp("2024-03-01 08:15"), pd.Timestamp("2024-03-02 09:05"),
                                               pd.Timestamp("2024-03-03 23:40")]
    assert frame["occurred_to"].isna().all()
    assert str(frame["occurred_from"].dtype) == "datetime64[ns]"
    assert set(frame["source"]) == {"polis"}
    used = result.report.columns_used
    assert used["date"] == "Datum" and used["time"] == "Klockslag" and used["category"] == "Brottstyp"
    assert result.report.columns_dropped == ["Fritext"]


@pytest.mark.parametrize("crs", ["EPSG:3006", "EPSG:3008", "EPSG:3021"])
def test_projected_crs_given_or_guessed(tmp_path, crs):
    x, y = coords_in(crs)
    path = write_text(tmp_path / "export.csv", police_rows(x, y))
    if crs == "EPSG:3008":
        # Local zones share a false easting and cannot be told apart: ask for --crs.
        with pytest.raises(InputError, match="--crs"):
            import_incidents(path)
        result = import_incidents(path, crs=crs)
    else:
        result = import_incidents(path)
        assert result.report.crs_found == crs
    np.testing.assert_allclose(result.frame["x"], X3006, atol=0.5)
    np.testing.assert_allclose(result.frame["y"], Y3006, atol=0.5)


def test_wgs84_lat_lon_and_swapped_columns(tmp_path):
    rows = [["datum", "kategori", "lat", "lon"]]
    for lon, lat in LONLAT:
        rows.append(["2024-01-01 12:00", "Klotter", lon, lat])  # swapped on purpose
    path = write_text(tmp_path / "swapped.csv", rows, delimiter=",")
    result = import_incidents(path)
    np.testing.assert_allclose(result.frame["x"], X3006, atol=0.01)
    assert any("omkastade" in w for w in result.warnings)


def test_swapped_sweref_x_y(tmp_path):
    path = write_text(tmp_path / "xy.csv", police_rows(Y3006, X3006))
    result = import_incidents(path)
    np.testing.assert_allclose(result.frame["y"], Y3006, atol=0.01)
    assert any("omkastade" in w for w in result.warnings)


def test_window_from_to_and_24_hour_rule(tmp_path):
    rows = [["Brottstidpunkt från", "Brottstidpunkt till", "Brottskod", "x", "y"],
            ["2024-03-01 00:00", "2024-03-01 23:59", "Inbrott, bostad", X3006[0], Y3006[0]],
            ["2024-03-02 08:00", "2024-03-02 17:30", "Inbrott, bostad", X3006[1], Y3006[1]],
            ["2024-03-03 12:00", "", "Inbrott, bostad", X3006[2], Y3006[2]]]
    path = write_text(tmp_path / "window.csv", rows)
    frame = import_incidents(path).frame
    assert frame["occurred_from"].iloc[0] == pd.Timestamp("2024-03-01 00:00")
    assert frame["occurred_to"].iloc[0] == pd.Timestamp("2024-03-02 00:00")
    assert frame["occurred_to"].iloc[1] == pd.Timestamp("2024-03-02 17:30")
    assert pd.isna(frame["occurred_to"].iloc[2])


def test_window_with_separate_date_and_time_columns(tmp_path):
    rows = [["Datum från", "Tid från", "Datum till", "Tid till", "Brottstyp", "x", "y"],
            ["2024-03-01", "00:00", "2024-03-01", "23:59", "Cykelstöld", X3006[0], Y3006[0]]]
    path = write_text(tmp_path / "window.csv", rows)
    result = import_incidents(path, window_from="Datum från,Tid från", window_to="Datum till,Tid till")
    assert result.frame["occurred_to"].iloc[0] - result.frame["occurred_from"].iloc[0] == pd.Timedelta("24h")


def test_date_only_is_a_24_hour_window(tmp_path):
    rows = [["datum", "kategori", "x", "y"], ["2024-03-01", "Klotter", X3006[0], Y3006[0]]]
    frame = import_incidents(write_text(tmp_path / "d.csv", rows)).frame
    assert frame["occurred_to"].iloc[0] - frame["occurred_from"].iloc[0] == pd.Timedelta("24h")


def test_date_parts_and_hour_minute(tmp_path):
    rows = [["TYPE", "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "X", "Y"],
            ["Klotter", 2024, 2, 29, 22, 5, X3006[0], Y3006[0]]]
    frame = import_incidents(write_text(tmp_path / "p.csv", rows, delimiter=",")).frame
    assert frame["occurred_from"].iloc[0] == pd.Timestamp("2024-02-29 22:05")


def test_polisen_time_with_offset_becomes_local_wall_clock(tmp_path):
    rows = [["id", "datetime", "type", "latitude", "longitude"],
            ["1", "2023-07-20 9:48:12 +02:00", "Rån", 55.6, 13.0],
            ["2", "2023-12-20 23:10:00 +01:00", "Brand", 55.6, 13.0]]
    frame = import_incidents(write_text(tmp_path / "api.csv", rows, delimiter=",")).frame
    assert frame["occurred_from"].tolist() == [pd.Timestamp("2023-07-20 09:48:12"),
                                               pd.Timestamp("2023-12-20 23:10:00")]


def test_unknown_categories_become_other_with_warning_and_category_map(tmp_path):
    rows = [["datum", "typ", "x", "y"],
            ["2024-01-01", "Theft of Bicycle", X3006[0], Y3006[0]],
            ["2024-01-01", "Theft of Bicycle", X3006[1], Y3006[1]],
            ["2024-01-01", "Mischief", X3006[2], Y3006[2]]]
    path = write_text(tmp_path / "en.csv", rows)
    result = import_incidents(path)
    assert set(result.frame["category"]) == {"Övrigt"}
    warning = next(w for w in result.warnings if "Övrigt" in w)
    assert "Theft of Bicycle (2)" in warning and "Mischief (1)" in warning
    mapping = write_text(tmp_path / "map.csv", [["namn", "kategori"], ["Theft of Bicycle", "Cykelstöld"]],
                         delimiter=",")
    mapped = import_incidents(path, category_map=mapping)
    assert mapped.frame["category"].tolist() == ["Cykelstöld", "Cykelstöld", "Övrigt"]


def test_other_work_crs_and_geographic_refused(tmp_path):
    x, y = coords_in("EPSG:3008")
    path = write_text(tmp_path / "e.csv", police_rows(x, y))
    result = import_incidents(path, crs="EPSG:3008", work_crs="EPSG:3008")
    np.testing.assert_allclose(result.frame["x"], x, atol=0.1)
    assert result.frame.attrs["crs"] == "EPSG:3008"
    with pytest.raises(InputError, match="geografiskt"):
        import_incidents(path, crs="EPSG:3008", work_crs="EPSG:4326")


def test_roundtrip_geoparquet_and_gpkg_keep_crs(tmp_path):
    x, y = coords_in("EPSG:3008")
    result = import_incidents(write_text(tmp_path / "e.csv", police_rows(x, y)), crs="EPSG:3008",
                              work_crs="EPSG:3008")
    write_incidents(result.frame, tmp_path / "out.parquet")
    back = read_incidents(tmp_path / "out.parquet")
    assert back.attrs["crs"] == "EPSG:3008"
    pd.testing.assert_frame_equal(back[["x", "y"]], result.frame[["x", "y"]])
    assert back["category"].tolist() == result.frame["category"].tolist()
    assert load_incidents(tmp_path / "out.parquet").attrs["crs"] == "EPSG:3008"
    write_incidents(result.frame, tmp_path / "out.gpkg")
    assert (tmp_path / "out.gpkg").exists()


def test_load_incidents_imports_any_file_in_memory(tmp_path):
    frame = load_incidents(write_text(tmp_path / "export.csv", police_rows()), source_value="polis")
    assert len(frame) == 3 and frame.attrs["crs"] == "EPSG:3006"
