"""Reading users' files into a table of raw columns.

Every reader returns a :class:`Table`: the attribute columns (text files are
read as strings, so that parsing — decimal commas, unpadded hours — happens
in one place, :mod:`geo.columns`), the row numbers as the user sees them in
the file, and for vector files the geometry and its declared CRS.

Supported: CSV/TXT (comma, semicolon, tab or pipe — sniffed; UTF-8 with or
without BOM, UTF-16 with BOM or Windows-1252 — detected; gzip-compressed
``.gz`` too), Excel ``.xlsx``, GeoJSON (also with a legacy ``crs`` member),
GeoPackage, Shapefile, Parquet and GeoParquet.
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
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
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
    sheet: str | None = None,
    layer: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Table:
    """Read any supported file into a :class:`Table`.

    Parameters
    ----------
    path:
        The file.
    sheet:
        Excel sheet name (default: the first sheet).
    layer:
        Layer of a GeoPackage (default: the only layer).
    delimiter, encoding:
        Override the sniffed CSV delimiter and detected encoding.

    Raises
    ------
    InputError
        Missing or empty file, unknown format, wrong sheet or layer,
        unreadable text.
    """
    path = check_exists(path)
    check_size_limits(path)
    suffix = base_suffix(path)
    if suffix in TEXT_SUFFIXES:
        return read_csv(path, delimiter=delimiter, encoding=encoding)
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path, sheet=sheet)
    if suffix == ".xls":
        raise InputError("Gamla Excel-filer (.xls) stöds inte. Spara filen som .xlsx eller CSV.", path=path)
    if suffix in PARQUET_SUFFIXES:
        return read_parquet(path)
    if suffix in VECTOR_SUFFIXES:
        return read_vector(path, layer=layer)
    raise InputError(
        "Okänt filformat. Samsyn läser CSV (.csv, .txt, även .gz), Excel (.xlsx), GeoJSON, GeoPackage (.gpkg), "
        "Shapefile (.shp) och (Geo)Parquet.",
        path=path,
    )


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


def read_csv(path: Path, *, delimiter: str | None = None, encoding: str | None = None) -> Table:
    """Read a delimited text file (optionally gzip-compressed) as string columns."""
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
    sniffed = sniff_delimiter("\n".join(head_lines))
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t", "semikolon": ";", "komma": ","}.get(delimiter, delimiter)
    chosen = delimiter or sniffed or ","
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
                f"rubrikraden innehåller {DELIMITER_NAMES[others[0]]}. Ange rätt avgränsare "
                f"(t.ex. --delimiter '{others[0]}').",
                path=path,
                rows=[1],
            )
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    blank = frame.isna().all(axis=1).to_numpy()
    table = Table(frame, path, "csv", rows, encoding=encoding, delimiter=chosen)
    return _drop_blank(table, blank)


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


# --- Excel -----------------------------------------------------------------


def excel_sheets(path: Path) -> list[str]:
    """Names of the sheets in an Excel workbook."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise InputError(f"Filen kan inte öppnas som Excel-fil (.xlsx): {error}", path=path) from error
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def read_excel(path: Path, *, sheet: str | None = None) -> Table:
    """Read one sheet of an .xlsx workbook as string columns (header on row 1)."""
    sheets = excel_sheets(path)
    if not sheets:
        raise InputError("Excel-filen har inga blad.", path=path)
    if sheet is None:
        sheet = sheets[0]
    elif sheet not in sheets:
        listed = ", ".join(f"'{s}'" for s in sheets)
        raise InputError(f"Bladet '{sheet}' finns inte. Bladen i filen är: {listed}. Ange --sheet.", path=path)
    frame = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl", keep_default_na=False,
                          na_values=[""])
    frame = frame.apply(_excel_text)
    if frame.shape[1] == 0:
        raise InputError(f"Bladet '{sheet}' är tomt.", path=path)
    frame.columns = [str(c).strip() for c in frame.columns]
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    blank = frame.isna().all(axis=1).to_numpy()
    table = Table(frame, path, "excel", rows, sheet=sheet)
    return _drop_blank(table, blank)


def _excel_cell(value: object) -> object:
    """One Excel cell as the text the importer parses: a date cell as ISO, a time cell as ``HH:MM:SS``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, datetime.datetime):
        # A date cell holds midnight; written as a date it stays a 24-hour window, never 00:00.
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _excel_text(column: pd.Series) -> pd.Series:
    return pd.Series([_excel_cell(v) for v in column], index=column.index, dtype="str")


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
    if layer is not None and layer not in layers:
        raise InputError(f"Lagret '{layer}' finns inte. Lagren i filen är: {', '.join(layers)}. Ange --layer.",
                         path=path)
    if layer is None and len(layers) > 1:
        raise InputError(f"Filen har flera lager: {', '.join(layers)}. Ange vilket med --layer.", path=path)
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
    return _from_geodataframe(gdf, path, kind, crs, layer=layer or (layers[0] if layers else None))


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
