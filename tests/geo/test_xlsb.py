"""A real .xlsb (Excel's binary workbook) read the way a user's file is: title rows, typed date cells, sheets.

No Python library writes .xlsb, and LibreOffice only reads it (its "Calc MS Excel 2007 Binary" filter is
import-only), so the file is written by SheetJS (the npm package ``xlsx``, tests/xlsb) under Node.js.
SheetJS writes every cell after the first of a row in the *short* record form ([MS-XLSB] 2.5.10
ShortCell: the column left out, one more than the previous cell's); Excel writes the full form
(2.5.9 Cell: column, then style) every time. :func:`as_excel_writes_it` turns the short records into
the full ones, so the file is laid out as Excel saves it; calamine (which reads .xlsb for Samsyn)
reads only the full form. Skipped, with the reason, when Node.js or ``npm ci`` in tests/xlsb is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from geo.importer import import_incidents
from geo.readers import parts_to_choose, read_table

WRITER = Path(__file__).resolve().parents[1] / "xlsb"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None or not (WRITER / "node_modules" / "xlsx").is_dir(),
    reason="no .xlsb writer: needs Node.js and `npm ci` in tests/xlsb (SheetJS; `make test` installs it)",
)

# Three places in Malmö in SWEREF 99 TM, whole metres as a GIS export writes them.
PLACES = [(374_532.0, 6_164_102.0), (374_913.0, 6_162_421.0), (373_050.0, 6_164_670.0)]


def _date(serial: float) -> dict:
    return {"t": "n", "v": serial, "z": "yyyy-mm-dd"}


def _time(fraction: float) -> dict:
    return {"t": "n", "v": fraction, "z": "hh:mm"}


# Excel's day numbers, worked out by hand from 1899-12-30 = 0: 2024-01-01 is 45292, so 2024-01-02 is
# 45293, 2024-03-05 is 45292 + 31 + 29 + 4 = 45356, 2024-03-30 is 45381, 2024-04-02 is 45384.
# Times are fractions of a day: 14:30 = 870/1440, 23:05 = 1385/1440, 00:40 = 40/1440.
POLICE_EXPORT = {"sheets": [
    {"name": "Koder", "hidden": True, "rows": [["Kod", "Brottstyp"], [9501, "Cykelstöld"]]},
    {"name": "Brott", "rows": [
        ["Anmälda brott i Malmö, januari–mars 2024"],
        ["Uttaget 2024-04-02 ur polisens analysverktyg", None, None, _date(45384)],
        ["Ärendenummer", "Brottsdatum", "Klockslag", "Brottstyp", "X", "Y", "Fritext"],
        ["5000-K1-24", _date(45356), _time(870 / 1440), "Cykelstöld", *PLACES[0], "Låset uppbrutet"],
        ["5000-K2-24", _date(45381), _time(1385 / 1440), "Inbrott i bostad", *PLACES[1], None],
        ["5000-K3-24", _date(45293), _time(40 / 1440), "Klotter", *PLACES[2], "Tunneln"],
        [],
        ["Källa: Polismyndigheten, Polisregion Syd"],
    ]},
]}

# [MS-XLSB] 2.5.10: the short records BrtShortBlank … BrtShortIsst (12–18) are the cell records
# BrtCellBlank … BrtCellIsst (1–7) without their column.
SHORT_TO_FULL = {12: 1, 13: 2, 14: 3, 15: 4, 16: 5, 17: 6, 18: 7}
ROW_HEADER = 0  # BrtRowHdr: a new row starts, so the next cell names its column again


def _read_varint(data: bytes, i: int, most: int) -> tuple[int, int]:
    # [MS-XLSB] 2.1.4: record type (up to 2 bytes) and size (up to 4), 7 bits a byte, high bit = more.
    value = shift = 0
    for _ in range(most):
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, i


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def full_cell_records(sheet: bytes) -> bytes:
    """A worksheet part with every short cell record written in the full form, its column put in."""
    out, i, column = bytearray(), 0, -1
    while i < len(sheet):
        kind, i = _read_varint(sheet, i, 2)
        size, i = _read_varint(sheet, i, 4)
        body = sheet[i:i + size]
        i += size
        if kind == ROW_HEADER:
            column = -1
        elif kind in SHORT_TO_FULL.values():
            column = int.from_bytes(body[:4], "little")
        elif kind in SHORT_TO_FULL:
            column += 1
            kind, body = SHORT_TO_FULL[kind], column.to_bytes(4, "little") + body
        out += _varint(kind) + _varint(len(body)) + body
    return bytes(out)


def as_excel_writes_it(path: Path) -> Path:
    """Rewrite the worksheets of ``path`` with full cell records only, as Excel saves a workbook."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".bin"):
                data = full_cell_records(data)
            target.writestr(info, data)
    return path


def write_xlsb(path: Path, spec: dict) -> Path:
    """Write the workbook ``spec`` with SheetJS (tests/xlsb/write.mjs), then as Excel lays it out."""
    result = subprocess.run([NODE, str(WRITER / "write.mjs"), str(path)], input=json.dumps(spec),
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return as_excel_writes_it(path)


def _records(path: Path, part: str) -> list[int]:
    with zipfile.ZipFile(path) as workbook:
        data = workbook.read(part)
    kinds, i = [], 0
    while i < len(data):
        kind, i = _read_varint(data, i, 2)
        size, i = _read_varint(data, i, 4)
        kinds.append(kind)
        i += size
    return kinds


def test_the_file_is_a_binary_workbook_with_full_cell_records(tmp_path):
    path = write_xlsb(tmp_path / "Anmälda brott Q1.xlsb", POLICE_EXPORT)
    with zipfile.ZipFile(path) as workbook:
        names = set(workbook.namelist())
    assert {"xl/workbook.bin", "xl/styles.bin", "xl/worksheets/sheet1.bin", "xl/worksheets/sheet2.bin"} <= names
    kinds = _records(path, "xl/worksheets/sheet2.bin")
    assert not set(kinds) & set(SHORT_TO_FULL)
    # Data rows: a text cell (BrtCellSt, 6) and numbers (BrtCellReal 5 or BrtCellRk 2), each naming its column.
    assert 6 in kinds and {2, 5} & set(kinds)


def test_xlsb_with_title_rows_footer_and_a_hidden_first_sheet(tmp_path):
    path = write_xlsb(tmp_path / "Anmälda brott Q1.xlsb", POLICE_EXPORT)
    assert parts_to_choose(path) == ("sheet", ["Koder", "Brott"])
    result = import_incidents(path, source_value="polis")
    frame = result.frame
    assert result.report.rows_read == 3 and result.report.rows_written == 3
    assert frame["occurred_from"].tolist() == [pd.Timestamp("2024-03-05 14:30"), pd.Timestamp("2024-03-30 23:05"),
                                               pd.Timestamp("2024-01-02 00:40")]
    assert frame["occurred_to"].isna().all()  # a time cell makes it a moment, not a day
    assert frame["category"].tolist() == ["Cykelstöld", "Inbrott i bostad", "Klotter"]
    assert list(zip(frame["x"], frame["y"], strict=True)) == PLACES
    assert "Fritext" in result.report.columns_dropped
    assert "5000-K1-24" not in frame.to_csv() and "Låset uppbrutet" not in frame.to_csv()  # nothing leaves the importer
    notes = " ".join(result.report.notes)
    assert "Rubrikraden är rad 3" in notes
    assert "(rad 8," in notes  # the footer "Källa: …" on row 8 (row 7 is blank)
    assert "blad 'Brott'" in result.report.file_kind
    # The hidden sheet is there to be chosen by number.
    assert read_table(path, sheet=1).frame.columns.tolist() == ["Kod", "Brottstyp"]
