"""Readers: formats, encodings, delimiters, decimal comma, sheets and layers."""

from __future__ import annotations

import gzip

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from core.errors import InputError
from geo.columns import parse_datetimes, parse_times, to_number
from geo.importer import import_incidents
from geo.readers import detect_encoding, read_table, sniff_delimiter
from tests.geo.helpers import X3006, Y3006, police_rows, write_text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings_keep_swedish_letters(tmp_path, encoding):
    path = write_text(tmp_path / "export.csv", police_rows(), encoding=encoding)
    table = read_table(path)
    assert list(table.frame.columns)[0] == "Ärendenummer"
    assert table.frame["Brottstyp"].tolist() == ["Cykelstöld", "Skadegörelse", "Klotter"]
    assert table.frame["Fritext"].iloc[0] == "Såg en man på gården"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiters_are_sniffed(tmp_path, delimiter):
    path = write_text(tmp_path / "export.csv", police_rows(), delimiter=delimiter)
    table = read_table(path)
    assert table.delimiter == delimiter
    assert table.frame.shape == (3, 7)


def test_decimal_comma_coordinates(tmp_path):
    path = write_text(tmp_path / "export.csv", police_rows(decimal_comma=True), delimiter=";")
    result = import_incidents(path, source_value="polis")
    np.testing.assert_allclose(result.frame["x"], np.round(X3006, 1))
    np.testing.assert_allclose(result.frame["y"], np.round(Y3006, 1))


def test_gzip_csv(tmp_path):
    plain = write_text(tmp_path / "export.csv", police_rows())
    packed = tmp_path / "export.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert read_table(packed).frame.shape == (3, 7)


def test_blank_lines_keep_row_numbers(tmp_path):
    rows = police_rows()
    path = tmp_path / "export.csv"
    lines = [";".join(map(str, r)) for r in rows]
    path.write_text("\n".join([lines[0], lines[1], "", lines[2], lines[3]]) + "\n", encoding="utf-8")
    table = read_table(path)
    assert table.rows.tolist() == [2, 4, 5]
    assert table.blank_rows == 1


def test_excel_sheet_and_wrong_sheet(tmp_path):
    rows = police_rows()
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="Info", index=False)
        frame.to_excel(writer, sheet_name="Brott", index=False)
    result = import_incidents(path, sheet="Brott", source_value="polis")
    assert len(result.frame) == 3
    assert result.frame["occurred_from"].iloc[1] == pd.Timestamp("2024-03-02 09:05")
    with pytest.raises(InputError) as error:
        read_table(path, sheet="Blad1")
    assert "'Info'" in str(error.value) and "'Brott'" in str(error.value) and "export.xlsx" in str(error.value)


def test_geopackage_layer_and_geoparquet(tmp_path):
    points = gpd.GeoDataFrame(
        {"kategori": ["Klotter", "Brand", "Cykelstöld"], "datum": ["2024-01-01 10:00"] * 3},
        geometry=gpd.points_from_xy(X3006, Y3006), crs="EPSG:3006",
    )
    gpkg = tmp_path / "in.gpkg"
    points.to_file(gpkg, layer="punkter")
    points.to_file(gpkg, layer="andra")
    with pytest.raises(InputError, match="flera lager"):
        import_incidents(gpkg)
    result = import_incidents(gpkg, layer="punkter", source_value="kommun")
    np.testing.assert_allclose(result.frame["x"], X3006)
    assert result.report.crs_found == "EPSG:3006"
    parquet = tmp_path / "in.parquet"
    points.to_parquet(parquet)
    assert len(import_incidents(parquet).frame) == 3


def test_geojson_with_legacy_crs_member(tmp_path):
    from tests.geo.helpers import coords_in

    x, y = coords_in("EPSG:3008")
    features = ",".join(
        f'{{"type":"Feature","properties":{{"typ":"Klotter","datum":"2024-05-0{i + 1}"}},'
        f'"geometry":{{"type":"Point","coordinates":[{x[i]},{y[i]}]}}}}'
        for i in range(3)
    )
    path = tmp_path / "klotter.geojson"
    path.write_text('{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":'
                    '"urn:ogc:def:crs:EPSG::3008"}},"features":[' + features + "]}", encoding="utf-8")
    result = import_incidents(path)
    assert result.report.crs_found == "EPSG:3008"
    np.testing.assert_allclose(result.frame["x"], X3006, atol=0.01)


def test_helpers_directly():
    assert detect_encoding("Malmö".encode("cp1252")) == "cp1252"
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    numbers, bad = to_number(pd.Series(["6 543 210,5", "x"]))
    assert numbers[0] == 6543210.5 and bad.tolist() == [False, True]
    stamps, precision, bad = parse_datetimes(pd.Series(["2023-03-20 9:48:12 +02:00", "2024-03", "05.03.2024"]))
    # +02:00 is CEST; 2023-03-20 is winter time (CET) in Stockholm, so 07:48 UTC = 08:48 local.
    assert str(stamps[0]) == "2023-03-20T08:48:12.000000000"
    assert precision.tolist() == [0, 2, 1] and not bad.any()
    offsets, bad = parse_times(pd.Series(["0000", "23:59", "24:30"]))
    assert bad.tolist() == [False, False, True]
