"""Size and decompression limits: a gzip or zip bomb is refused with a Swedish message, a normal file is read."""

from __future__ import annotations

import gzip
import zipfile

import pytest

from core.errors import InputError
from geo.readers import read_table

HEADER = b"datum;kategori;x;y\n"
ROW = b"2024-03-01;Klotter;674000;6580000\n"


def test_a_small_gzip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    # 20 MB of one repeated row packs into roughly 60 kB: a ratio of about 300, far above 100.
    bomb = tmp_path / "export.csv.gz"
    bomb.write_bytes(gzip.compress(HEADER + ROW * (20 * 1024 * 1024 // len(ROW)), compresslevel=9))
    assert bomb.stat().st_size < 200 * 1024
    with pytest.raises(InputError) as caught:
        read_table(bomb)
    message = str(caught.value)
    assert message.startswith("Fil export.csv.gz: Filen är för stor: mer än ")
    assert "Samsyn läser högst 200 MB uppackat och högst 100 gånger filens packade storlek." in message


def test_a_gzip_file_within_the_limits_is_read(tmp_path):
    # 2,000 rows: about 70 kB unpacked, under the 1 MB below which the ratio is not applied.
    normal = tmp_path / "export.csv.gz"
    normal.write_bytes(gzip.compress(HEADER + ROW * 2000))
    table = read_table(normal)
    assert table.row_count == 2000
    assert list(table.frame.columns) == ["datum", "kategori", "x", "y"]


def test_an_xlsx_whose_zip_unpacks_to_too_much_is_refused(tmp_path):
    # An .xlsx is a zip: one member of 30 MB of zeros, deflated to about 30 kB.
    bomb = tmp_path / "export.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(InputError) as caught:
        read_table(bomb)
    message = str(caught.value)
    assert message.startswith("Fil export.xlsx: Filen är för stor: 30 MB uppackat ur ")
    assert "högst 100 gånger filens packade storlek" in message


def test_a_zipped_layer_is_held_to_the_same_limit(tmp_path):
    bomb = tmp_path / "stadsdelar.geojson"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.geojson", b" " * (5 * 1024 * 1024))
    with pytest.raises(InputError, match=r"^Fil stadsdelar.geojson: Filen är för stor: 5 MB uppackat"):
        read_table(bomb)


def test_a_plain_file_over_200_mb_is_refused_without_reading_it(tmp_path):
    # A sparse file: 201 MB on paper, nothing on disk; refused on its size before any byte is parsed.
    big = tmp_path / "stor.csv"
    with open(big, "wb") as handle:
        handle.write(HEADER)
        handle.truncate(201 * 1024 * 1024)
    with pytest.raises(InputError, match=r"^Fil stor.csv: Filen är för stor: 201 MB\. Samsyn läser högst 200 MB"):
        read_table(big)
