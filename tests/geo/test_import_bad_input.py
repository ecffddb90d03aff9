"""Bad input: one test per kind; each message names file, rows (as in the file) and column."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import InputError
from geo.importer import import_incidents
from tests.geo.helpers import X3006, Y3006, police_rows, write_text


def refused(path, **options) -> str:
    with pytest.raises(InputError) as error:
        import_incidents(path, **options)
    return str(error.value)


def test_missing_and_empty_file(tmp_path):
    assert "finns inte" in refused(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "tom" in refused(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text("datum;kategori;x;y\n", encoding="utf-8")
    assert "inga datarader" in refused(tmp_path / "header.csv")


def test_wrong_delimiter_is_named(tmp_path):
    path = write_text(tmp_path / "semi.csv", police_rows(), delimiter=";")
    message = refused(path, delimiter=",")
    assert "semi.csv" in message and "semikolon" in message and "en enda kolumn" in message


def test_missing_required_column(tmp_path):
    rows = [["Datum", "Brottstyp", "Adress"], ["2024-01-01", "Klotter", "Storgatan 1"]]
    message = refused(write_text(tmp_path / "nocoord.csv", rows))
    assert "koordinat" in message.lower() and "Adress" in message


def test_unparseable_dates_name_rows_and_column(tmp_path):
    rows = police_rows()
    rows[2][1] = "igår"
    rows[3][1] = "2024-13-45"
    message = refused(write_text(tmp_path / "dates.csv", rows))
    assert "dates.csv" in message and "kolumn 'Datum'" in message and "rader 3, 4" in message


def test_to_before_from(tmp_path):
    rows = [["från", "till", "kategori", "x", "y"],
            ["2024-03-02 10:00", "2024-03-01 10:00", "Klotter", X3006[0], Y3006[0]]]
    message = refused(write_text(tmp_path / "window.csv", rows))
    assert "före" in message and "rad 2" in message and "'till'" in message


def test_coordinates_not_numbers(tmp_path):
    rows = police_rows()
    rows[3][4] = "okänd"
    message = refused(write_text(tmp_path / "coords.csv", rows))
    assert "inte ett tal" in message and "rad 4" in message and "kolumn 'X'" in message


def test_coordinates_outside_sweden(tmp_path):
    rows = police_rows()
    rows[2][4], rows[2][5] = "500000.0", "5000000.0"  # Central Europe in SWEREF 99 TM terms
    message = refused(write_text(tmp_path / "outside.csv", rows), crs="EPSG:3006")
    assert "utanför Sverige" in message and "rad 3" in message


def test_zero_coordinates_are_kept_without_a_position(tmp_path):
    rows = police_rows()
    rows[1][4] = rows[1][5] = "0"
    result = import_incidents(write_text(tmp_path / "zero.csv", rows), source_value="polis")
    assert result.report.rows_written == 3 and result.report.rows_rejected == 0
    assert result.frame["position_precision"].astype(str).tolist() == ["saknas", "exakt", "exakt"]
    assert np.isnan(result.frame["x"].iloc[0]) and np.isnan(result.frame["y"].iloc[0])


def test_empty_and_non_point_geometry(tmp_path):
    path = tmp_path / "geom.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":['
        f'{{"type":"Feature","properties":{{"typ":"Klotter","datum":"2024-01-01"}},'
        f'"geometry":{{"type":"Point","coordinates":[{X3006[0]},{Y3006[0]}]}}}},'
        '{"type":"Feature","properties":{"typ":"Klotter","datum":"2024-01-01"},"geometry":null},'
        f'{{"type":"Feature","properties":{{"typ":"Klotter","datum":"2024-01-01"}},"geometry":{{"type":"LineString",'
        f'"coordinates":[[{X3006[0]},{Y3006[0]}],[{X3006[1]},{Y3006[1]}]]}}}}]}}',
        encoding="utf-8",
    )
    message = refused(path, crs="EPSG:3006")
    assert "geom.geojson" in message and "geometri" in message
    result = import_incidents(path, crs="EPSG:3006", skip_invalid=True)
    assert len(result.frame) == 1 and result.report.rows_rejected == 2


def test_wrong_sheet(tmp_path):
    import pandas as pd

    path = tmp_path / "book.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, sheet_name="Data", index=False)
    assert "'Data'" in refused(path, sheet="Fel")


def test_row_list_is_cut_at_ten_with_count(tmp_path):
    rows = [["datum", "kategori", "x", "y"]] + [["fel", "Klotter", X3006[0], Y3006[0]]] * 14
    message = refused(write_text(tmp_path / "many.csv", rows))
    assert "rader 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 och 4 till" in message


def test_skip_invalid_keeps_good_rows_and_explains_rejected(tmp_path):
    rows = police_rows()
    rows[2][1] = "igår"
    result = import_incidents(write_text(tmp_path / "mixed.csv", rows), skip_invalid=True)
    assert len(result.frame) == 2 and result.report.rows_rejected == 1
    rejected = result.rejected
    assert rejected["rad"].tolist() == [3]
    assert "kan inte tolkas" in rejected["reason"].iloc[0]
    assert "Ärendenummer" not in rejected.columns and "Fritext" not in rejected.columns
