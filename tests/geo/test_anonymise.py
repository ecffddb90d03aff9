"""Anonymisation: dropped columns, personnummer refusal, id hashing, snapping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import InputError
from geo.anonymise import hash_ids, personnummer_mask, snap_to_grid
from geo.importer import import_incidents
from tests.geo.helpers import X3006, Y3006, police_rows, write_text


def test_only_model_columns_pass_and_dropped_are_listed(tmp_path):
    rows = police_rows()
    rows[0] += ["Namn", "Adress"]
    for row in rows[1:]:
        row += ["Anna Andersson", "Storgatan 1"]
    result = import_incidents(write_text(tmp_path / "e.csv", rows))
    assert set(result.report.columns_dropped) == {"Fritext", "Namn", "Adress"}
    values = [str(v) for v in result.frame.to_numpy().ravel()]
    assert not any("Anna" in v or "Storgatan" in v or "5000-K" in v for v in values)


@pytest.mark.parametrize("number", ["811218-9876", "19811218-9876", "198112189876", "811218+9876"])
def test_personnummer_in_kept_column_refuses_file(tmp_path, number):
    rows = police_rows()
    rows[2][0] = number  # the id column
    with pytest.raises(InputError) as error:
        import_incidents(write_text(tmp_path / "pnr.csv", rows))
    message = str(error.value)
    assert "personnummer" in message and "rad 3" in message and "Ärendenummer" in message
    assert number not in message


def test_number_with_wrong_check_digit_is_accepted(tmp_path):
    rows = police_rows()
    rows[2][0] = "811218-9875"
    assert len(import_incidents(write_text(tmp_path / "ok.csv", rows)).frame) == 3


def test_personnummer_in_dropped_free_text_does_not_refuse(tmp_path):
    rows = police_rows()
    rows[1][6] = "Anmälare 811218-9876"
    result = import_incidents(write_text(tmp_path / "free.csv", rows))
    assert "Fritext" in result.report.columns_dropped


def test_personnummer_mask_edge_cases():
    values = pd.Series(["811218-9876", "5000-K123456-24", "2024-03-05", "811318-9876", None, "x 811218-9876 y"])
    assert personnummer_mask(values).tolist() == [True, False, False, False, False, True]


def test_ids_are_keyed_hashes(tmp_path, monkeypatch):
    path = write_text(tmp_path / "e.csv", police_rows())
    a = import_incidents(path, salt="kommun-2024").frame["id"]
    b = import_incidents(path, salt="kommun-2024").frame["id"]
    c = import_incidents(path, salt="annat").frame["id"]
    monkeypatch.delenv("SAMSYN_ID_SALT", raising=False)
    r1 = import_incidents(path).frame["id"]
    r2 = import_incidents(path).frame["id"]
    assert a.tolist() == b.tolist() and a.tolist() != c.tolist() and r1.tolist() != r2.tolist()
    assert all(len(v) == 16 and "5000" not in v for v in a)
    monkeypatch.setenv("SAMSYN_ID_SALT", "miljö")
    e1 = import_incidents(path)
    assert e1.frame["id"].tolist() == import_incidents(path).frame["id"].tolist()
    assert "SAMSYN_ID_SALT" in e1.report.id_how
    assert hash_ids(pd.Series(["x"]), "s")[0] == hash_ids(pd.Series([" x "]), "s")[0]


def test_sequential_ids_without_id_column(tmp_path):
    rows = [r[1:] for r in police_rows()]
    assert import_incidents(write_text(tmp_path / "noid.csv", rows)).frame["id"].tolist() == ["1", "2", "3"]


def test_snap_to_grid(tmp_path):
    frame = import_incidents(write_text(tmp_path / "e.csv", police_rows()), snap=50).frame
    assert ((frame["x"] - 25) % 50 == 0).all() and ((frame["y"] - 25) % 50 == 0).all()
    assert (np.abs(frame["x"] - np.round(X3006, 1)) <= 25).all()
    assert snap_to_grid(np.array([99.9]), np.array([100.0]), 100) == (np.array([50.0]), np.array([150.0]))


def test_snap_to_micro_places(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    places = gpd.GeoDataFrame(
        {"id": ["torget", "parken"], "namn": ["Torget", "Parken"]},
        geometry=[Point(X3006[0] + 100, Y3006[0]), Point(X3006[1], Y3006[1]).buffer(50)], crs="EPSG:3006",
    )
    places.to_file(tmp_path / "places.geojson")
    result = import_incidents(write_text(tmp_path / "e.csv", police_rows()), snap_to=tmp_path / "places.geojson",
                              snap_max=250)
    frame = result.frame
    assert frame["x"].iloc[0] == pytest.approx(X3006[0] + 100)
    assert frame["x"].iloc[1] == pytest.approx(X3006[1], abs=0.01)
    assert frame["x"].iloc[2] == pytest.approx(round(X3006[2], 1))  # too far: stays
    assert any("mikroplats" in line for line in result.report.lines())
