"""Reading users' files into a table of raw columns.

Every reader returns a :class:`Table`: the attribute columns (text files are
read as strings, so that parsing — decimal commas, unpadded hours — happens
in one place, :mod:`geo.columns`), the row numbers as the user sees them in
the file, and for vector files the geometry and its declared CRS.

Supported: CSV/TXT/TSV (comma, semicolon, tab or pipe — sniffed, ``.tsv`` is
tab; UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252 — detected;
gzip-compressed ``.gz`` too; title lines above the header skipped),
spreadsheets through calamine (``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb``,
``.ods``; sheet by name or number, title rows and a footer found), GeoJSON
(also with a legacy ``crs`` member), GeoPackage (one layer of several),
Shapefile, zipped shapefiles (``.zip``, in any folder, one of several),
Parquet and GeoParquet.
"""

from __future__ import annotations

import datetime
import gzip
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from core.errors import InputError

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
ZIP_SUFFIXES = (".zip",)
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".fgb")
PARQUET_SUFFIXES = (".parquet", ".geoparquet", ".pq")
DELIMITERS = (";", ",", "\t", "|")
DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabb", "|": "lodstreck"}

# Limits against files that unpack into far more than they weigh (gzip or zip bombs): a real police
# export is tens of megabytes, so 200 MB unpacked is generous; a CSV compresses perhaps 5–15 times,
# so a ratio above 100 means a file made to exhaust memory. Small files are not held to the ratio
# (a few kilobytes of repeated rows may legitimately compress well).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024
_MB = 1024 * 1024


@dataclass
class Table:
    """A user's file read into raw columns.

    Attributes
    ----------
    frame:
        Attribute columns; strings for CSV and Excel, native dtypes otherwise.
    path:
        The file read.
    kind:
        ``"csv"``, ``"excel"``, ``"geojson"``, ``"gpkg"``, ``"shapefile"`` or ``"parquet"``.
    rows:
        For each row of ``frame``, its number as the user sees it (header = 1,
        first data row = 2 in CSV and Excel; feature number from 1 in vector files).
    geometry:
        Geometry column of vector files (None otherwise).
    crs:
        CRS the file declares (``"EPSG:nnnn"``), None when it declares none.
    """

    frame: pd.DataFrame
    path: Path
    kind: str
    rows: np.ndarray
    geometry: gpd.GeoSeries | None = None
    crs: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    layer: str | None = None
    blank_rows: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        """Number of data rows."""
        return len(self.frame)


def base_suffix(path: Path) -> str:
    """The file's type suffix, ignoring a trailing ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def check_exists(path: str | Path) -> Path:
    """Return ``path`` as a Path; refuse a missing, non-file or empty file."""
    path = Path(path)
    if not path.exists():
        raise InputError("Filen finns inte.", path=path)
    if path.is_dir() and path.suffix.lower() != ".gdb":
        raise InputError("Sökvägen är en mapp, inte en fil.", path=path)
    if path.is_file() and path.stat().st_size == 0:
        raise InputError("Filen är tom (0 byte).", path=path)
    return path


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    layer: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    header_row: int | None = None,
) -> Table:
    """Read any supported file into a :class:`Table`.

    Parameters
    ----------
    path:
        The file.
    sheet:
        Spreadsheet sheet, by name or number from 1 (default: the first visible sheet).
    layer:
        Layer of a GeoPackage, or shapefile of a zip (default: the only one; with several the
        error lists them).
    delimiter, encoding:
        Override the sniffed CSV delimiter and detected encoding.
    header_row:
        Row number (from 1) of the header in a spreadsheet or text file; default: row 1 for text
        files, found for spreadsheets (title rows above the table are skipped).

    Raises
    ------
    InputError
        Missing or empty file, unknown format, wrong sheet or layer,
        unreadable text.
    """
    path = check_exists(path)
    check_size_limits(path)
    suffix = base_suffix(path)
    if header_row is not None:
        header_row = _header_row_number(header_row, path)
    if suffix in TEXT_SUFFIXES:
        return read_csv(path, delimiter=delimiter, encoding=encoding, header_row=header_row)
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path, sheet=sheet, header_row=header_row)
    if suffix in PARQUET_SUFFIXES:
        return read_parquet(path)
    if suffix in VECTOR_SUFFIXES:
        return read_vector(path, layer=layer)
    if suffix in ZIP_SUFFIXES:
        return read_zip(path, layer=layer, sheet=sheet, delimiter=delimiter, encoding=encoding,
                        header_row=header_row)
    raise InputError(
        "Okänt filformat. Samsyn läser CSV och TSV (.csv, .tsv, .txt, även .gz), kalkylblad (.xlsx, .xls, .xlsb, "
        ".ods), GeoJSON, GeoPackage (.gpkg), Shapefile (.shp, eller zippad .zip) och (Geo)Parquet.",
        path=path,
    )


def _header_row_number(value: object, path: Path) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number < 1:
        raise InputError(f"Rubrikraden måste vara ett radnummer från 1, inte '{value}'.", path=path)
    return number


def parts_to_choose(path: str | Path) -> tuple[str | None, list[str]]:
    """What a file's reader may need chosen: ``("sheet", names)``, ``("layer", names)`` or ``(None, [])``.

    For a front-end's control (the Data page's *Blad* / *Lager*): the sheets of a spreadsheet, the
    layers of a GeoPackage or the shapefiles of a zip, in the file's order.
    """
    path = check_exists(path)
    suffix = base_suffix(path)
    if suffix in EXCEL_SUFFIXES:
        return "sheet", excel_sheets(path)
    if suffix in ZIP_SUFFIXES:
        check_size_limits(path)
        return "layer", zip_choices(path)
    if suffix in (".gpkg", ".geojson") or (suffix == ".json" and _looks_like_geojson(path)):
        return "layer", list_layers(path)
    return None, []


# --- size and decompression limits ------------------------------------------


def _too_big(path: Path, unpacked: str) -> InputError:
    return InputError(
        f"Filen är för stor: {unpacked}. Samsyn läser högst {MAX_UNPACKED_BYTES // _MB} MB uppackat och "
        f"högst {MAX_COMPRESSION_RATIO} gånger filens packade storlek. Dela upp filen (till exempel per år) "
        "eller kontrollera att den inte är skadad.",
        path=path,
    )


def _allowed_unpacked(packed: int) -> int:
    """How many bytes a file of ``packed`` bytes may unpack into."""
    return min(MAX_UNPACKED_BYTES, max(RATIO_FLOOR_BYTES, MAX_COMPRESSION_RATIO * packed))


def check_size_limits(path: Path) -> None:
    """Refuse a file that is, or unpacks into, more than Samsyn reads.

    Plain files may weigh at most :data:`MAX_UNPACKED_BYTES`. Zip containers (``.xlsx``, ``.zip``) are
    judged on the sizes their directory declares — the same sizes :mod:`zipfile` holds the reader
    to — and gzip files by unpacking them in pieces, never further than the limit.

    Raises
    ------
    InputError
        The file or its unpacked content exceeds the limits.
    """
    if not path.is_file():
        return  # a .gdb folder: read by GDAL, not by us
    packed = path.stat().st_size
    if packed > MAX_UNPACKED_BYTES:
        raise _too_big(path, f"{packed // _MB} MB")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic[:2] == b"\x1f\x8b" and base_suffix(path) not in TEXT_SUFFIXES:
        _gunzip_limited(path, keep=False)  # text files are held to the limit as read_csv unpacks them
    elif magic == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as archive:
                members = archive.infolist()
        except zipfile.BadZipFile:
            return  # not a readable zip: the reader says what is wrong with it
        unpacked = sum(member.file_size for member in members)
        if unpacked > _allowed_unpacked(packed):
            raise _too_big(path, f"{unpacked // _MB} MB uppackat ur {max(packed // 1024, 1)} kB")


def _gunzip_limited(path: Path, *, keep: bool = True) -> bytes:
    """The unpacked bytes of a gzip file (empty unless ``keep``), refused once they pass the limits."""
    packed = path.stat().st_size
    allowed = _allowed_unpacked(packed)
    pieces, total = [], 0
    try:
        with gzip.open(path, "rb") as handle:
            while piece := handle.read(4 * _MB):
                total += len(piece)
                if total > allowed:
                    raise _too_big(path, f"mer än {allowed // _MB} MB uppackat ur {max(packed // 1024, 1)} kB")
                if keep:
                    pieces.append(piece)
    except (OSError, EOFError) as error:
        raise InputError("Filen ser ut att vara gzip-komprimerad men kan inte packas upp.", path=path) from error
    return b"".join(pieces)


# --- text files ------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:
        magic = handle.read(2)
    if path.suffix.lower() == ".gz" or magic == b"\x1f\x8b":
        return _gunzip_limited(path)
    if path.stat().st_size > MAX_UNPACKED_BYTES:
        raise _too_big(path, f"{path.stat().st_size // _MB} MB")
    return path.read_bytes()


def detect_encoding(data: bytes) -> str:
    """Return the encoding of ``data``: BOM first, then UTF-8, else Windows-1252.

    >>> detect_encoding("Malmö".encode("cp1252"))
    'cp1252'
    >>> detect_encoding(b"\\xef\\xbb\\xbfid")
    'utf-8-sig'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _strip_quoted(line: str) -> str:
    return re.sub(r'"[^"]*"', "", line)


def sniff_delimiter(sample: str) -> str | None:
    """Pick the delimiter that splits the sample's lines into the same number (>1) of fields.

    >>> sniff_delimiter("a;b;c\\n1,5;2,5;x\\n")
    ';'
    >>> sniff_delimiter("a,b\\n1,2\\n")
    ','
    """
    lines = [_strip_quoted(line) for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return None
    best, best_score = None, 0.0
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        header = counts[0]
        if header == 0:
            continue
        consistent = sum(1 for c in counts if c == header) / len(counts)
        score = consistent * 1000 + header
        if consistent >= 0.8 and score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(path: Path, *, delimiter: str | None = None, encoding: str | None = None,
             header_row: int | None = None) -> Table:
    """Read a delimited text file (optionally gzip-compressed) as string columns.

    ``.tsv`` files are tab-separated; others are sniffed. Title lines above the header (lines without
    the delimiter, as some systems write "Anmälda brott 2024" first) are skipped, or the header is
    taken from line ``header_row``; row numbers stay those of the file.
    """
    data = _read_bytes(path)
    if not data[:4096].strip() and not data.strip():
        raise InputError("Filen är tom.", path=path)
    encoding = encoding or detect_encoding(data)
    try:
        head = data[:65536].decode(encoding, errors="ignore")
    except LookupError as error:
        raise InputError(f"Okänd teckenkodning '{encoding}'.", path=path) from error
    if encoding == "utf-8-sig":
        head = head.lstrip("\ufeff")
    head_lines = head.splitlines()
    if len(data) > 65536 and len(head_lines) > 1:
        head_lines = head_lines[:-1]  # the last line may be cut off
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t", "semikolon": ";", "komma": ","}.get(delimiter, delimiter)
    if header_row is not None:
        skip = header_row - 1
        if skip >= len(head_lines) and len(data) <= 65536:
            raise InputError(f"Rubrikraden {header_row} finns inte: filen har {len(head_lines)} rader.", path=path)
    else:
        skip = _title_lines(head_lines, delimiter)
    sniffed = sniff_delimiter("\n".join(head_lines[skip:]))
    if base_suffix(path) == ".tsv" and delimiter is None and (
            sniffed is None or "\t" in (head_lines[skip] if skip < len(head_lines) else "")):
        sniffed = "\t"
    chosen = delimiter or sniffed or ","
    file_encoding = encoding
    notes = []
    if skip:
        data, encoding = _without_lines(data, encoding, skip, path), "utf-8"
        if header_row is None:
            notes.append(f"Rubrikraden är rad {skip + 1}; raderna ovanför (titel) lästes inte som data.")
    frame = None
    if not _BLANK_LINE.search(data):
        # Arrow's parser is several times faster than pandas' with all-string
        # columns; it cannot keep blank lines (row numbers would shift) and its
        # errors name no line, so those cases go to pandas below.
        frame = _read_csv_arrow(data, chosen, encoding)
    if frame is None:
        frame = _read_csv_pandas(data, chosen, encoding, path)
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    if frame.shape[1] == 1:
        header = frame.columns[0]
        others = [d for d in DELIMITERS if d != chosen and d in header]
        if others:
            raise InputError(
                f"Filen lästes som en enda kolumn med avgränsaren {DELIMITER_NAMES.get(chosen, repr(chosen))}, men "
                f"rubrikraden innehåller {DELIMITER_NAMES[others[0]]}.",
                path=path,
                rows=[1],
                hint="delimiter",
                hint_args={"delimiter": others[0], "delimiter_name": DELIMITER_NAMES[others[0]]},
            )
    rows = np.arange(2 + skip, len(frame) + 2 + skip, dtype=np.int64)
    footer = _csv_footer_start(frame)
    if footer < len(frame):
        text_rows = rows[footer:][frame.iloc[footer:].notna().any(axis=1).to_numpy()]
        where = f"rad {text_rows[0]}" if len(text_rows) == 1 else f"rad {text_rows[0]}–{text_rows[-1]}"
        notes.append(f"Text under tabellen ({where}, t.ex. en källhänvisning) lästes inte som data.")
        frame, rows = frame.iloc[:footer].reset_index(drop=True), rows[:footer]
    blank = frame.isna().all(axis=1).to_numpy()
    table = Table(frame, path, "csv", rows, encoding=file_encoding, delimiter=chosen, notes=notes)
    return _drop_blank(table, blank)


def _csv_footer_start(frame: pd.DataFrame) -> int:
    """Where a footer under a text file's table begins, by the rule of :func:`_footer_start`."""
    if frame.shape[1] < 3 or len(frame) == 0:
        return len(frame)
    tail = frame.iloc[-20:]  # a footer is a few lines; the rest of the file is not looked at
    only_first = tail.iloc[:, 1:].isna().all(axis=1).to_numpy() & np.array(
        [value is None or value != value or _sentence(value) for value in tail.iloc[:, 0]], dtype=bool)
    start = len(frame)
    for i in range(len(tail) - 1, -1, -1):
        if not only_first[i]:
            break
        start = len(frame) - len(tail) + i
    if start == len(frame) or frame.iloc[start:, 0].isna().all():
        return len(frame)  # only blank lines: counted as blank rows, not a footer
    return start


def _title_lines(lines: list[str], delimiter: str | None) -> int:
    """How many title lines stand above the header.

    The header is the first line (of the first eleven) that names at least 80 % of its fields, two or more;
    every line above it must fill fewer than half as many fields — a title ("Anmälda brott 2024"), also as
    Excel saves it to CSV ("Anmälda brott 2024;;;;"), an empty line, an extraction date. A file with
    one column, or whose first line already is such a header, has no title lines.

    >>> _title_lines(["Anmälda brott 2024", "", "Datum;Brott;X;Y", "2024-03-05;Rån;1;2"], None)
    2
    >>> _title_lines(["Anmälda brott 2024;;;", "Datum;Brott;X;Y", "2024-03-05;Rån;1;2"], None)
    1
    >>> _title_lines(["Datum;Brott", "2024-03-05;Rån"], None)
    0
    """
    import csv

    def filled(line: str, found: str) -> tuple[int, int]:
        fields = next(csv.reader([line], delimiter=found), [])
        return sum(1 for f in fields if f.strip()), len(fields)

    for skip in range(min(11, len(lines))):
        rest = lines[skip:]
        if not rest[0].strip():
            continue
        found = delimiter if delimiter is not None else sniff_delimiter("\n".join(rest))
        if found is None:
            continue
        named, width = filled(rest[0], found)
        if named < max(2, int(np.ceil(0.8 * width))):
            continue
        if all(filled(line, found)[0] < 0.5 * named for line in lines[:skip]):
            return skip
        return 0
    return 0


def _without_lines(data: bytes, encoding: str, skip: int, path: Path) -> bytes:
    """The file's text from line ``skip`` (from 0) on, as UTF-8."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(f"Filen kan inte avkodas som {encoding}.", path=path) from error
    lines = text.lstrip("\ufeff").split("\n")
    if skip >= len(lines):
        raise InputError(f"Rubrikraden {skip + 1} finns inte: filen har {len(lines)} rader.", path=path)
    return "\n".join(lines[skip:]).encode("utf-8")


_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n[ \t\r]*\S")


def _header_names(text_line: str, delimiter: str) -> list[str]:
    import csv

    names = next(csv.reader([text_line], delimiter=delimiter), [])
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name.strip().lstrip("\ufeff")
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _read_csv_arrow(data: bytes, delimiter: str, encoding: str) -> pd.DataFrame | None:
    """Read with pyarrow as string columns; None when pyarrow cannot (the caller falls back)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if encoding == "utf-8-sig":
        data = data[3:]
    elif encoding != "utf-8":
        try:
            data = data.decode(encoding).encode("utf-8")
        except (UnicodeDecodeError, LookupError):
            return None
    end = data.find(b"\n")
    first_line = data[: end if end >= 0 else len(data)].decode("utf-8", errors="replace").rstrip("\r")
    names = _header_names(first_line, delimiter)
    if not names or len(set(names)) != len(names) or any("\n" in n for n in names):
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=[f"c{i}" for i in range(len(names))], skip_rows=1,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(len(names))},
                null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    frame = table.to_pandas()
    frame.columns = names
    return frame


def _read_csv_pandas(data: bytes, chosen: str, encoding: str, path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.BytesIO(data),
            sep=chosen,
            encoding=encoding,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError as error:
        raise InputError("Filen är tom.", path=path) from error
    except pd.errors.ParserError as error:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if match:
            expected, line, saw = match.groups()
            raise InputError(
                f"raden har {saw} fält men rubrikraden har {expected} "
                f"(avgränsare: {DELIMITER_NAMES.get(chosen, repr(chosen))}). Kontrollera citattecken och avgränsare.",
                path=path,
                rows=[int(line)],
            ) from error
        raise InputError(f"Filen kan inte läsas som CSV: {error}", path=path) from error
    except UnicodeDecodeError as error:
        raise InputError(f"Filen kan inte avkodas som {encoding}.", path=path) from error


def _drop_blank(table: Table, blank: np.ndarray) -> Table:
    if blank.any():
        keep = ~blank
        table.frame = table.frame.loc[keep].reset_index(drop=True)
        table.rows = table.rows[keep]
        if table.geometry is not None:
            table.geometry = table.geometry[keep].reset_index(drop=True)
        table.blank_rows = int(blank.sum())
    if len(table.frame) == 0:
        raise InputError("Filen innehåller inga datarader (bara rubrikrad).", path=table.path)
    return table


# --- Excel and other spreadsheets -------------------------------------------

# How far down a sheet the header is looked for: exports put a title, the search criteria and the
# date of extraction above the table, rarely more than a dozen rows.
HEADER_SEARCH_ROWS = 50


def _open_workbook(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error kinds for every broken or foreign file
        raise InputError(
            f"Filen kan inte öppnas som kalkylblad ({path.suffix.lower()}): {error}. Kontrollera att filen inte "
            "är skadad eller lösenordsskyddad, eller spara den som .xlsx eller CSV.",
            path=path,
        ) from error


def excel_sheets(path: str | Path) -> list[str]:
    """Names of the worksheets in a workbook (.xlsx, .xlsm, .xls, .xlsb, .ods), in the file's order.

    Chart and macro sheets, which hold no table, are left out.
    """
    path = Path(path)
    from python_calamine import SheetTypeEnum

    workbook = _open_workbook(path)
    return [meta.name for meta in workbook.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]


def choose_sheet(path: Path, sheets: list[str], sheet: str | int | None) -> str:
    """The sheet asked for, by name (as written, then ignoring case) or by number counted from 1.

    Without ``sheet``: the first visible worksheet — a hidden first sheet holds lookup lists, not data.
    """
    if not sheets:
        raise InputError("Kalkylbladsfilen har inga blad med celler.", path=path)
    listed = ", ".join(f"'{s}'" for s in sheets)
    if sheet is None:
        from python_calamine import SheetVisibleEnum

        workbook = _open_workbook(path)
        visible = [m.name for m in workbook.sheets_metadata
                   if m.name in sheets and m.visible == SheetVisibleEnum.Visible]
        return visible[0] if visible else sheets[0]
    text = str(sheet).strip()
    if text in sheets:
        return text
    folded = [s for s in sheets if s.casefold() == text.casefold()]
    if len(folded) == 1:
        return folded[0]
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(sheets):
            return sheets[number - 1]
        raise InputError(f"Filen har {len(sheets)} blad, så blad nummer {number} finns inte. Bladen i filen är: "
                         f"{listed}.", path=path, hint="sheet")
    raise InputError(f"Bladet '{text}' finns inte. Bladen i filen är: {listed}.", path=path, hint="sheet")


def _filled(row: list) -> list[int]:
    return [i for i, v in enumerate(row) if not _blank_cell(v)]


def _blank_cell(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and np.isnan(value))


def find_header_row(cells: list[list]) -> int:
    """Index (from 0) of the header row: the first row that names (nearly) every column with text.

    Title rows above a table ("Anmälda brott 2024", "Urval: Malmö", "Uttaget 2024-05-02") fill one or two
    cells, or hold dates and numbers; the header fills at least 80 % of the table's widest row, and
    only with text (or years, as a survey's 2022, 2023 columns).

    >>> find_header_row([["Anmälda brott"], [], ["Datum", "Brott", "X", "Y"], ["2024-03-05", "Rån", 1, 2]])
    2
    """
    head = cells[:HEADER_SEARCH_ROWS * 4]
    widest = max((len(_filled(row)) for row in head), default=0)
    if widest == 0:
        return 0
    needed = max(1, int(np.ceil(0.8 * widest)))
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        filled = _filled(row)
        if len(filled) >= needed and all(_header_like(row[i]) for i in filled):
            return index
    return 0


def _header_like(value: object) -> bool:
    """A cell a header may hold: text, or a year (survey sheets head their columns 2022, 2023 …)."""
    if isinstance(value, str):
        return True
    return isinstance(value, float | int) and not isinstance(value, bool) and float(value).is_integer() \
        and 1900 <= value <= 2100


def _footer_start(cells: list[list], width: int, first: int = 0) -> int:
    """Index where a footer below the table begins ("Källa: …", "Uttaget av …"), or ``len(cells)``.

    A footer is the trailing run of rows that are blank or hold a single cell of text in words in the
    table's first column (``first``); it is only looked for in tables of three or more columns, where a
    data row is never that empty — and a lone case number there stays a row, to be reported.
    """
    end = len(cells)
    if width < 3:
        return end
    start = end
    while start > 0:
        filled = _filled(cells[start - 1])
        if not filled or (filled == [first] and _sentence(cells[start - 1][first])):
            start -= 1
        else:
            break
    # Only text rows make a footer; a run of blank rows alone is left to the blank-row count.
    if not any(_filled(row) for row in cells[start:]):
        return end
    return start


def _sentence(value: object) -> bool:
    """Text of several words ("Källa: Polismyndigheten"), as a footer holds; never a lone code or number."""
    return isinstance(value, str) and len(value.split()) >= 2


def _header_names_from_cells(row: list, width: int) -> list[str]:
    names, seen = [], {}
    for i in range(width):
        value = row[i] if i < len(row) else None
        name = "" if _blank_cell(value) else str(_excel_cell(value)).strip()
        name = name or f"Kolumn {_column_letter(i)}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_excel(path: Path, *, sheet: str | int | None = None, header_row: int | None = None) -> Table:
    """Read one sheet of a workbook (.xlsx, .xlsm, .xls, .xlsb, .ods) as string columns.

    Parameters
    ----------
    path:
        The workbook.
    sheet:
        Sheet name, or its number counted from 1 (default: the first visible sheet).
    header_row:
        Row number of the header as Excel shows it (from 1). Default: found — the first row that names
        nearly every column with text, so title rows above the table are skipped. A footer under the table
        ("Källa: …") is left out. Both are said in ``notes``.

    Row numbers in ``rows`` are the sheet's own (the header on row 3 makes the first data row 4).
    Date and time cells come as ISO text (a date cell without a time as the date alone, a whole day).
    """
    sheets = excel_sheets(path)
    name = choose_sheet(path, sheets, sheet)
    workbook = _open_workbook(path)
    try:
        cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as error:
        raise InputError(f"Bladet '{name}' kan inte läsas: {error}", path=path) from error
    while cells and not _filled(cells[-1]):
        cells.pop()
    if not cells:
        raise InputError(f"Bladet '{name}' är tomt.", path=path)
    notes = []
    if header_row is not None:
        if not 1 <= int(header_row) <= len(cells):
            raise InputError(f"Rubrikraden {header_row} finns inte: bladet '{name}' har {len(cells)} rader.",
                             path=path)
        header = int(header_row) - 1
        if not _filled(cells[header]):
            raise InputError(f"Rad {header_row} på bladet '{name}' är tom och kan inte vara rubrikrad.",
                             path=path, rows=[header + 1])
    else:
        header = find_header_row(cells)
        if header:
            notes.append(f"Rubrikraden är rad {header + 1}; raderna ovanför (titel och urval) lästes inte som data.")
    width = max(len(row) for row in cells)  # calamine's rows are as wide as the used range
    body = cells[header + 1:]
    footer = _footer_start(body, len(_filled(cells[header])), _filled(cells[header])[0])
    if footer < len(body):
        text_rows = [i for i in range(footer, len(body)) if _filled(body[i])]
        first, last = header + 2 + text_rows[0], header + 2 + text_rows[-1]
        where = f"rad {first}" if first == last else f"rad {first}–{last}"
        notes.append(f"Text under tabellen ({where}, t.ex. en källhänvisning) lästes inte som data.")
        body = body[:footer]
    names = _header_names_from_cells(cells[header], width)
    padded = [row if len(row) == width else [*row, *([None] * (width - len(row)))] for row in body]
    columns = {}
    for i, values in enumerate(zip(*padded, strict=True) if padded else [()] * width):
        texts = [_excel_cell(v) for v in values]
        if _blank_cell(cells[header][i] if i < len(cells[header]) else None) and not any(texts):
            continue  # an empty column beside the table (it starts in column B, or a stray border)
        columns[names[i]] = pd.Series(texts, dtype="str")
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(body)))
    if frame.shape[1] == 0:
        raise InputError(f"Bladet '{name}' är tomt.", path=path)
    rows = np.arange(header + 2, header + 2 + len(body), dtype=np.int64)
    blank = frame.isna().all(axis=1).to_numpy()
    table = Table(frame, path, "excel", rows, sheet=name, notes=notes)
    return _drop_blank(table, blank)


def _excel_cell(value: object) -> str | None:
    """One cell as the text the importer parses: a date cell as ISO, a time cell as ``HH:MM:SS``."""
    kind = type(value)
    # Text and numbers are nearly every cell of a sheet: test them first and by exact type.
    if kind is str:
        return value.strip() or None
    if kind is float:
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() else str(value)
    if value is None:
        return None
    if kind is datetime.datetime:
        # A date cell holds midnight; written as a date it stays a 24-hour window, never 00:00.
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if kind is datetime.date:
        return value.isoformat()
    if kind is datetime.time:
        return value.isoformat(timespec="seconds")
    if kind is datetime.timedelta and datetime.timedelta(0) <= value < datetime.timedelta(days=1):
        # A clock formatted as a duration ([h]:mm) is still a time of day.
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if kind is bool:
        return "1" if value else "0"
    return str(value).strip() or None


# --- vector and parquet ----------------------------------------------------


def _crs_code(crs) -> str | None:
    if crs is None:
        return None
    epsg = crs.to_epsg(min_confidence=70)
    if epsg:
        return f"EPSG:{epsg}"
    return crs.to_wkt()


def _legacy_geojson_crs(path: Path) -> str | None:
    """The EPSG code of a GeoJSON file's legacy ``crs`` member, read from the file's start."""
    with open(path, "rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="ignore")
    match = re.search(r'"crs"\s*:\s*\{.*?"name"\s*:\s*"[^"]*?EPSG[:]*(\d+)"', head, flags=re.S)
    return f"EPSG:{match.group(1)}" if match else None


def list_layers(path: Path) -> list[str]:
    """Names of the layers in a vector file."""
    import pyogrio

    try:
        return [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except Exception as error:  # pyogrio raises DataSourceError and friends
        raise InputError(f"Filen kan inte öppnas som geodata: {error}", path=path) from error


def read_vector(path: Path, *, layer: str | None = None) -> Table:
    """Read a GeoJSON, GeoPackage or Shapefile layer."""
    import pyogrio

    if path.suffix.lower() == ".json" and not _looks_like_geojson(path):
        return read_json_records(path)
    layers = list_layers(path)
    if not layers:
        raise InputError("Filen innehåller inga lager med geodata.", path=path)
    layer = _choose_layer(path, layers, layer)
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer)
    except Exception as error:
        raise InputError(f"Filen kan inte läsas som geodata: {error}", path=path) from error
    if len(gdf) == 0:
        raise InputError("Filen innehåller inga objekt.", path=path)
    crs = _crs_code(gdf.crs)
    if path.suffix.lower() in (".geojson", ".json"):
        legacy = _legacy_geojson_crs(path)
        if legacy and crs != legacy:
            crs = legacy
    kind = {".gpkg": "gpkg", ".shp": "shapefile"}.get(path.suffix.lower(), "geojson")
    return _from_geodataframe(gdf, path, kind, crs, layer=layer)


# --- zipped shapefiles -------------------------------------------------------

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def zip_layers(path: str | Path) -> dict[str, dict[str, zipfile.ZipInfo]]:
    """The shapefiles in a zip: layer name → its members by suffix (``".shp"``, ``".dbf"`` …).

    The layer name is the shapefile's name without ``.shp``, or its folder path inside the zip when two
    folders hold shapefiles of the same name. Mac resource forks (``__MACOSX/``) are ignored.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
    except zipfile.BadZipFile as error:
        raise InputError("Filen är ingen giltig zip-fil.", path=path) from error
    groups: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for member in members:
        name = member.filename.replace("\\", "/")
        if name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("._"):
            continue
        stem, dot, suffix = name.rpartition(".")
        if dot and f".{suffix.lower()}" in SHAPEFILE_PARTS:
            groups.setdefault(stem, {})[f".{suffix.lower()}"] = member
    shapefiles = {stem: parts for stem, parts in groups.items() if ".shp" in parts}
    short = [stem.rsplit("/", 1)[-1] for stem in shapefiles]
    return {(stem.rsplit("/", 1)[-1] if short.count(stem.rsplit("/", 1)[-1]) == 1 else stem): parts
            for stem, parts in shapefiles.items()}


# Files a zip may carry instead of a shapefile (police.uk's downloads are zips of CSV files).
ZIPPED_DATA_SUFFIXES = (*TEXT_SUFFIXES, *EXCEL_SUFFIXES, *PARQUET_SUFFIXES, ".geojson", ".json", ".gpkg", ".fgb")


def zip_data_files(path: str | Path) -> dict[str, zipfile.ZipInfo]:
    """The data files other than shapefiles in a zip: file name (folder path when two share it) → member."""
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
    found = {}
    for member in members:
        name = member.filename.replace("\\", "/")
        if name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("._"):
            continue
        if base_suffix(Path(name)) in ZIPPED_DATA_SUFFIXES:
            found[name] = member
    short = [name.rsplit("/", 1)[-1] for name in found]
    return {(name.rsplit("/", 1)[-1] if short.count(name.rsplit("/", 1)[-1]) == 1 else name): member
            for name, member in found.items()}


def zip_choices(path: str | Path) -> list[str]:
    """What ``--layer`` may choose in a zip: its shapefiles (name without .shp), then its other data files."""
    return [*sorted(zip_layers(path)), *sorted(zip_data_files(path))]


def read_zip(path: Path, *, layer: str | None = None, sheet: str | int | None = None,
             delimiter: str | None = None, encoding: str | None = None, header_row: int | None = None) -> Table:
    """Read one shapefile, or one data file (CSV, Excel, GeoJSON …), out of a zip, in any subfolder.

    Only the chosen file (a shapefile's parts) is unpacked, into a temporary folder and through
    :mod:`zipfile`, which holds every member to the size the zip's directory declares — the size
    :func:`check_size_limits` has already judged. A zip inside the zip is not opened.
    """
    import tempfile

    layers = zip_layers(path)
    others = zip_data_files(path)
    if not layers and not others:
        with zipfile.ZipFile(path) as archive:
            inside = [m.filename for m in archive.infolist() if not m.is_dir()][:10]
        raise InputError(
            "Zip-filen innehåller ingen fil som Samsyn läser (shapefil, CSV, kalkylblad, GeoJSON, GeoPackage, "
            f"Parquet). Filen innehåller: {', '.join(inside) or 'inget'}.",
            path=path,
        )
    chosen = _choose_layer(path, [*sorted(layers), *sorted(others)], layer, what="filer")
    with tempfile.TemporaryDirectory(prefix="samsyn-zip-") as folder, zipfile.ZipFile(path) as archive:
        if chosen in layers:
            parts = layers[chosen]
            missing = [suffix for suffix in (".shx", ".dbf") if suffix not in parts]
            if missing:
                raise InputError(
                    f"Shapefilen '{chosen}' i zip-filen saknar {' och '.join(missing)}; en shapefil består av minst "
                    ".shp, .shx och .dbf med samma namn. Zippa alla delarna tillsammans.",
                    path=path,
                )
            # Our own file names, never the member's path: a name like ../../x must not write outside the folder.
            for suffix, member in parts.items():
                _unpack(archive, member, Path(folder) / f"layer{suffix}")
            table = read_vector(Path(folder) / "layer.shp")
            if ".prj" not in parts:
                table.notes.append(f"Shapefilen '{chosen}' har ingen .prj-fil; koordinatsystemet bestäms från "
                                   "värdena.")
        else:
            member = others[chosen]
            suffixes = "".join(s.lower() for s in Path(member.filename).suffixes[-2:])
            if not suffixes.endswith(".gz"):
                suffixes = Path(member.filename).suffix.lower()
            target = Path(folder) / f"data{suffixes}"
            _unpack(archive, member, target)
            # Messages name the zip and the file in it as the user knows them, never the temporary copy.
            inside = path.with_name(f"{path.name} ({member.filename.rsplit('/', 1)[-1]})")
            try:
                table = read_table(target, sheet=sheet, delimiter=delimiter, encoding=encoding,
                                   header_row=header_row)
            except InputError as error:
                raise InputError(error.reason, path=inside, rows=error.rows, column=error.column,
                                 row_count=error.row_count, hint=error.hint, hint_args=error.hint_args) from None
            table.path = inside
            table.layer = chosen
            return table
    table.path, table.layer = path, chosen
    return table


def _unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path) -> None:
    with archive.open(member) as source, open(target, "wb") as out:
        while piece := source.read(4 * _MB):
            out.write(piece)


def _choose_layer(path: Path, layers: list[str], layer: str | None, *, what: str = "lager") -> str:
    """The layer asked for, or the only one; several without a choice → a message listing them."""
    listed = ", ".join(f"'{name}'" for name in layers)
    if layer is not None:
        if layer in layers:
            return layer
        folded = [name for name in layers if name.casefold() == str(layer).casefold()]
        if len(folded) == 1:
            return folded[0]
        raise InputError(f"Lagret '{layer}' finns inte. Filen har {what}: {listed}.", path=path, hint="layer")
    if len(layers) > 1:
        raise InputError(f"Filen har flera {what} ({len(layers)} st): {listed}.", path=path, hint="layer")
    return layers[0]


def _looks_like_geojson(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(2048).decode("utf-8", errors="ignore")
    return '"FeatureCollection"' in head or '"Feature"' in head or '"features"' in head


def read_json_records(path: Path) -> Table:
    """Read a JSON array of records (e.g. the Police events API) into flat columns."""
    try:
        records = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"Filen är inte giltig JSON: {error}", path=path) from error
    if isinstance(records, dict):
        lists = [v for v in records.values() if isinstance(v, list)]
        records = lists[0] if len(lists) == 1 else [records]
    if not isinstance(records, list) or not records:
        raise InputError("JSON-filen innehåller inga poster.", path=path)
    frame = pd.json_normalize(records, sep="_")
    # The Police events API gives the position as "lat,lon" in location.gps.
    for column in [c for c in frame.columns if c.lower().endswith("gps")]:
        parts = frame[column].astype("str").str.split(",", n=1, expand=True)
        if parts.shape[1] == 2:
            frame["latitude"], frame["longitude"] = parts[0].str.strip(), parts[1].str.strip()
            frame = frame.drop(columns=[column])
    frame = frame.astype({c: "str" for c in frame.columns if frame[c].dtype == object})
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    return Table(frame, path, "json", rows)


def _from_geodataframe(gdf: gpd.GeoDataFrame, path: Path, kind: str, crs: str | None, **extra) -> Table:
    geometry = gdf.geometry.reset_index(drop=True)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True)
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    return Table(frame, path, kind, rows, geometry=geometry, crs=crs, **extra)


def read_parquet(path: Path) -> Table:
    """Read Parquet; GeoParquet (with ``geo`` metadata) keeps its geometry and CRS."""
    try:
        schema = pq.read_schema(path)
    except Exception as error:  # pyarrow raises ArrowInvalid for a non-parquet file
        raise InputError(f"Filen kan inte läsas som Parquet: {error}", path=path) from error
    metadata = schema.metadata or {}
    if b"geo" in metadata:
        gdf = gpd.read_parquet(path)
        if len(gdf) == 0:
            raise InputError("Filen innehåller inga rader.", path=path)
        return _from_geodataframe(gdf, path, "parquet", _crs_code(gdf.crs))
    frame = pd.read_parquet(path)
    if len(frame) == 0:
        raise InputError("Filen innehåller inga rader.", path=path)
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    return Table(frame.reset_index(drop=True), path, "parquet", rows)
