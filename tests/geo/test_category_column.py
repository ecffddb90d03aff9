"""Police exports name their category column in several ways; each is recognised without a flag."""

from __future__ import annotations

import pytest

from geo.importer import import_incidents


@pytest.mark.parametrize("header", ["Brottskod/Brott", "Brottskod / Brott", "Brottskod", "Brott", "Brottsbenämning"])
def test_the_police_names_of_the_category_column(tmp_path, header):
    source = tmp_path / "export.csv"
    source.write_bytes((f"Ärendenummer;{header};Datum;Latitud;Longitud\r\n"
                        "5000-K1-25;Cykelstöld;2025-04-01 10:00;59,3101;17,6402\r\n"
                        "5000-K2-25;Klotter;2025-04-02 11:30;59,3105;17,6410\r\n").encode("cp1252"))
    result = import_incidents(source, salt="s", source_value="polis")
    assert result.report.columns_used["category"] == header
    assert list(result.frame["category"]) == ["Cykelstöld", "Klotter"]
