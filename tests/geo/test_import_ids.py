"""Ids are replaced by keyed hashes; repeated ids are counted and reported, never dropped."""

from __future__ import annotations

import pandas as pd

from geo.anonymise import hash_ids
from geo.importer import import_incidents
from tests.geo.helpers import X3006, Y3006, write_text


def _rows(ids: list[str]) -> list[list[object]]:
    rows = [["Ärendenummer", "Datum", "Brottstyp", "X", "Y"]]
    for i, case in enumerate(ids):
        rows.append([case, f"2024-03-0{i + 1}", "Klotter", f"{X3006[0]:.1f}", f"{Y3006[0]:.1f}"])
    return rows


def test_repeated_ids_are_counted_in_the_warning_and_all_rows_kept(tmp_path):
    # A, B, A, C, A: the second and third A repeat an earlier row -> 2.
    path = write_text(tmp_path / "export.csv", _rows(["5000-A", "5000-B", "5000-A", "5000-C", "5000-A"]))
    result = import_incidents(path, salt="prov")
    assert len(result.frame) == 5
    assert any(w.startswith("2 rader har samma id som en tidigare rad") for w in result.report.warnings)
    hashed = result.frame["id"].tolist()
    assert hashed[0] == hashed[2] == hashed[4] and len({hashed[0], hashed[1], hashed[3]}) == 3
    assert all(len(h) == 16 for h in hashed) and "5000-A" not in hashed
    # The Arrow-built column holds the same text as hash_ids gives one id at a time.
    assert hashed[1] == hash_ids(pd.Series(["5000-B"]), "prov")[0]


def test_distinct_ids_give_no_warning(tmp_path):
    path = write_text(tmp_path / "export.csv", _rows(["5000-A", "5000-B", "5000-C"]))
    result = import_incidents(path, salt="prov")
    assert not any("samma id" in w for w in result.report.warnings)


def test_a_missing_id_stays_missing(tmp_path):
    path = write_text(tmp_path / "export.csv", _rows(["5000-A", "", "5000-C"]))
    ids = import_incidents(path, salt="prov").frame["id"]
    assert ids.isna().tolist() == [False, True, False]
