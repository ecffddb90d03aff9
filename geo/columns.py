"""Finding columns by name and parsing their values (numbers, dates, times).

Parsing is vectorised: numbers with pandas string methods, times by parsing
each *distinct* value once (``pandas.factorize``), dates by choosing one
explicit format from a sample of the column and parsing the whole column with
it in one ``pandas.to_datetime`` call; only the values that format does not
read go through the slower per-distinct-value search over every format. A
timestamp column with a million distinct minutes then costs one C-level pass
instead of a factorisation, a regex per value and a parse per format tried.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from geo.model import TIMEZONE


def normalise_name(name: object) -> str:
    """Normalise a column name for matching: lower case, no accents, ``_`` between words.

    >>> normalise_name("Brottstidpunkt från")
    'brottstidpunkt_fran'
    >>> normalise_name("Ärende-nummer")
    'arende_nummer'
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def find_column(columns: Iterable[str], candidates: Sequence[str], taken: Iterable[str] = ()) -> str | None:
    """Return the first column whose normalised name is in ``candidates`` (in candidate order)."""
    taken = set(taken)
    by_name: dict[str, str] = {}
    for column in columns:
        if column in taken:
            continue
        by_name.setdefault(normalise_name(column), column)
    for candidate in candidates:
        if candidate in by_name:
            return by_name[candidate]
    return None


def resolve_column(columns: Sequence[str], name: str) -> str | None:
    """Find a column a user named: exact first, then case- and accent-insensitive."""
    if name in columns:
        return name
    wanted = normalise_name(name)
    for column in columns:
        if normalise_name(column) == wanted:
            return column
    return None


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes (-1 for missing) and distinct values as text; Arrow's dictionary encoding when available.

    >>> codes, uniques = factorize(pd.Series(["a", None, "b", "a"]))
    >>> codes.tolist(), uniques.tolist()
    ([0, -1, 1, 0], ['a', 'b'])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = getattr(values.array, "_pa_array", None)
    if array is not None and (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        encoded = pc.dictionary_encode(array).combine_chunks()
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        codes = np.where(pd.isna(codes), -1, codes).astype(np.int64) if encoded.null_count else codes.astype(
            np.int64)
        # Stay in Arrow: a Python list of a million distinct strings costs more than the encoding.
        uniques = pd.Series(pd.array(encoded.dictionary, dtype="str"))
        return codes, uniques
    text = values.astype("str").where(values.notna())
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), pd.Series(uniques, dtype="str")


def contains_regex(values: pd.Series, pattern: str) -> np.ndarray:
    """Mask of present values matching an RE2-compatible ``pattern`` (run by Arrow)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = getattr(values.array, "_pa_array", None)
    if array is not None and (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        # Arrow text: RE2 over the whole column. Matching the distinct values instead
        # costs a dictionary encoding, which for an id column of a million distinct
        # values is several times the match itself.
        hit = pc.fill_null(pc.match_substring_regex(array, pattern), False)
        return hit.to_numpy(zero_copy_only=False).astype(bool)
    codes, uniques = factorize(values)
    if len(uniques) == 0:
        return np.zeros(len(values), dtype=bool)
    hit = pc.match_substring_regex(pa.array(uniques.to_numpy(dtype=object), type=pa.string()), pattern)
    hit = hit.to_numpy(zero_copy_only=False).astype(bool)
    return np.where(codes >= 0, hit[np.maximum(codes, 0)], False)


# --- numbers -----------------------------------------------------------------

_SPACES = r"[\s\u00a0\u202f']"


def to_number(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse numbers, accepting a Swedish decimal comma and spaces between thousands.

    Returns
    -------
    numbers, bad:
        Float array (NaN where empty or unparseable) and a mask of values that
        were present but are not numbers.

    Examples
    --------
    >>> numbers, bad = to_number(pd.Series(["6543210,5", "1 234,5", "12.5", "abc", None]))
    >>> numbers[:3].tolist(), bad.tolist()
    ([6543210.5, 1234.5, 12.5], [False, False, False, True, False])
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        values = values.astype("float64")
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        return numbers, np.zeros(len(numbers), dtype=bool)
    fast = _arrow_to_number(values)
    if fast is not None:
        return fast, np.zeros(len(fast), dtype=bool)
    text = values.astype("str")
    present = values.notna().to_numpy() & (text.str.strip() != "").to_numpy()
    text = text.str.replace(_SPACES, "", regex=True)
    has_comma = text.str.contains(",", regex=False).to_numpy() & present
    if has_comma.any():
        # Keep only the last separator of "6.543.210,5" / "6,543,210.5" as the decimal point.
        fixed = text[has_comma].str.replace(r"[.,](?=[^.,]*[.,])", "", regex=True).str.replace(",", ".", regex=False)
        text = text.copy()
        text[has_comma] = fixed
    numbers = pd.to_numeric(text.where(present), errors="coerce").to_numpy(dtype="float64", na_value=np.nan, copy=True)
    bad = present & ~np.isfinite(numbers)
    numbers[bad] = np.nan
    return numbers, bad


def _arrow_to_number(values: pd.Series) -> np.ndarray | None:
    """Cast Arrow-backed strings to floats in C++ (plain or decimal comma); None if any value needs care."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = getattr(values.array, "_pa_array", None)
    if array is None:
        return None
    for candidate in (array, None):
        try:
            if candidate is None:
                if pc.any(pc.match_substring(array, ".")).as_py():
                    return None
                candidate = pc.replace_substring(array, ",", ".")
            numbers = pc.cast(candidate, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        result = numbers.to_numpy(zero_copy_only=False).astype("float64", copy=True)
        return result if np.isfinite(result[~np.isnan(result)]).all() else None
    return None


# --- dates and times ---------------------------------------------------------

# (format, precision) tried in order on the distinct values of a column.
DATETIME_FORMATS: tuple[tuple[str, str], ...] = (
    ("%Y-%m-%d %H:%M:%S", "second"),
    ("%Y-%m-%d %H:%M", "second"),
    ("%Y-%m-%dT%H:%M:%S", "second"),
    ("%Y-%m-%dT%H:%M", "second"),
    ("%Y-%m-%d %H:%M:%S.%f", "second"),
    ("%Y-%m-%dT%H:%M:%S.%f", "second"),
    ("%Y-%m-%d %H.%M", "second"),
    ("%Y-%m-%d kl. %H.%M", "second"),
    ("%Y-%m-%d kl %H:%M", "second"),
    ("%Y%m%d %H:%M", "second"),
    ("%Y%m%d %H%M", "second"),
    ("%d/%m/%Y %H:%M", "second"),
    ("%d.%m.%Y %H:%M", "second"),
    ("%d/%m/%Y %H:%M:%S", "second"),
    ("%Y-%m-%d", "day"),
    ("%Y%m%d", "day"),
    ("%d/%m/%Y", "day"),
    ("%d.%m.%Y", "day"),
    ("%Y/%m/%d", "day"),
    ("%m/%d/%Y", "day"),
    ("%Y-%m", "month"),
)
OFFSET_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
)
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})\s*$")

PRECISION_ORDER = {"second": 0, "day": 1, "month": 2}


def _local_naive(stamps: pd.Series) -> pd.Series:
    """Convert timezone-aware stamps to naive local wall-clock time in Europe/Stockholm."""
    return stamps.dt.tz_convert(TIMEZONE).dt.tz_localize(None)


def _parse_distinct(uniques: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse distinct datetime strings; return datetime64[ns] values and a precision code per value."""
    text = uniques.astype("str").str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    precision = np.full(len(text), -1, dtype=np.int8)
    # The pattern as text, not the compiled object: pandas then runs it in Arrow, not value by value.
    has_offset = text.str.contains(_OFFSET.pattern, regex=True).to_numpy(dtype=bool)
    if has_offset.any():
        part = text[has_offset]
        todo = pd.Series(True, index=part.index)
        for fmt in OFFSET_FORMATS:
            if not todo.any():
                break
            parsed = pd.to_datetime(part[todo], format=fmt, errors="coerce", utc=True)
            hit = parsed.notna()
            if hit.any():
                idx = hit[hit].index
                out[idx] = _local_naive(parsed[hit]).astype("datetime64[ns]")
                precision[text.index.get_indexer(idx)] = PRECISION_ORDER["second"]
                todo[idx] = False
        if todo.any():
            parsed = pd.to_datetime(part[todo], format="ISO8601", errors="coerce", utc=True)
            hit = parsed.notna()
            idx = hit[hit].index
            out[idx] = _local_naive(parsed[hit]).astype("datetime64[ns]")
            precision[text.index.get_indexer(idx)] = PRECISION_ORDER["second"]
    todo_mask = (precision < 0) & ~has_offset
    for fmt, level in DATETIME_FORMATS:
        if not todo_mask.any():
            break
        part = text[todo_mask]
        parsed = pd.to_datetime(part, format=fmt, errors="coerce")
        hit = parsed.notna().to_numpy()
        if hit.any():
            positions = np.flatnonzero(todo_mask)[hit]
            out.iloc[positions] = parsed[hit].astype("datetime64[ns]").to_numpy()
            precision[positions] = PRECISION_ORDER[level]
            todo_mask[positions] = False
    return out.to_numpy(dtype="datetime64[ns]"), precision


# How many values, spread over the column, choose its one format.
FORMAT_SAMPLE = 1_000


def column_format(values: pd.Series) -> tuple[str, str] | None:
    """The one ``(format, precision)`` of :data:`DATETIME_FORMATS` that reads a text column, if any.

    A sample of up to :data:`FORMAT_SAMPLE` values spread over the column
    chooses it: the first format in the list's order that reads every sampled
    value. ``None`` (parse value by value instead) when the sample has a UTC
    offset, when no format reads all of it, or when an earlier format reads
    part of it — values two formats both read (``03/04/2024`` is 3 April as
    ``%d/%m/%Y`` and 4 March as ``%m/%d/%Y``) must get the earlier format, as
    the value-by-value search gives them.

    Examples
    --------
    >>> column_format(pd.Series(["2024-03-05 14:30", "2024-03-06 09:05", None]))
    ('%Y-%m-%d %H:%M', 'second')
    >>> column_format(pd.Series(["25/03/2024", "03/04/2024"])) is None  # 25/03 is d/m, 03/04 is ambiguous
    False
    >>> column_format(pd.Series(["03/25/2024", "03/04/2024"])) is None  # m/d, but 03/04 reads as d/m first
    True
    """
    if not pd.api.types.is_string_dtype(values.dtype):
        return None
    present = values.dropna()
    if len(present) == 0:
        return None
    positions = np.unique(np.linspace(0, len(present) - 1, num=min(len(present), FORMAT_SAMPLE)).astype(np.int64))
    sample = present.iloc[positions].astype("str").str.strip()
    sample = sample[sample != ""]
    if len(sample) == 0 or sample.str.contains(_OFFSET.pattern, regex=True).any():
        return None
    earlier_read_some = False
    for fmt, level in DATETIME_FORMATS:
        read = pd.to_datetime(sample, format=fmt, errors="coerce").notna()
        if read.all():
            return None if earlier_read_some else (fmt, level)
        earlier_read_some = earlier_read_some or bool(read.any())
    return None


def parse_datetimes(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a date or date-and-time column.

    Accepts ISO dates and times (``2024-03-05 14:30``, unpadded hours such as
    ``2023-03-20 9:48:12 +02:00``), compact ``20240305``, ``05.03.2024``,
    ``05/03/2024`` and month-only ``2024-03``. Times with a UTC offset are
    converted to naive local wall-clock time in Europe/Stockholm.

    Returns
    -------
    stamps, precision, bad:
        datetime64[ns] (NaT where empty or bad), precision code per row
        (0 = time of day given, 1 = date only, 2 = month only, -1 = none),
        and a mask of present but unparseable values.

    Examples
    --------
    >>> stamps, precision, bad = parse_datetimes(pd.Series(["2023-03-20 9:48:12 +01:00", "2024-03-05", "x"]))
    >>> [str(s) for s in stamps[:2]], precision.tolist(), bad.tolist()
    (['2023-03-20T09:48:12.000000000', '2024-03-05T00:00:00.000000000'], [0, 1, -1], [False, False, True])
    """
    n = len(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        stamps = _local_naive(values).to_numpy(dtype="datetime64[ns]")
        return stamps, np.where(pd.isna(stamps), -1, 0).astype(np.int8), np.zeros(n, dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = values.to_numpy(dtype="datetime64[ns]")
        return stamps, np.where(pd.isna(stamps), -1, 0).astype(np.int8), np.zeros(n, dtype=bool)
    chosen = column_format(values)
    if chosen is not None:
        fmt, level = chosen
        stamps = pd.to_datetime(values.str.strip(), format=fmt, errors="coerce").astype("datetime64[ns]")
        stamps = stamps.to_numpy(dtype="datetime64[ns]", copy=True)  # writable: odd rows are filled in below
        precision = np.where(np.isnat(stamps), -1, PRECISION_ORDER[level]).astype(np.int8)
        bad = np.zeros(n, dtype=bool)
        rest = np.flatnonzero(np.isnat(stamps) & values.notna().to_numpy(dtype=bool))
        if len(rest):  # other formats, blanks and bad values: the value-by-value search
            stamps[rest], precision[rest], bad[rest] = _parse_by_value(values.iloc[rest])
        return stamps, precision, bad
    return _parse_by_value(values)


def _parse_by_value(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`parse_datetimes` for text in mixed formats: every distinct value tries every format."""
    codes, uniques = factorize(values)
    parsed, precision = _parse_distinct(uniques)
    present = codes >= 0
    safe = np.where(present, codes, 0)
    stamps = np.where(present, parsed[safe] if len(parsed) else np.datetime64("NaT"), np.datetime64("NaT"))
    stamps = stamps.astype("datetime64[ns]")
    prec = np.where(present, precision[safe] if len(precision) else -1, -1).astype(np.int8)
    blank = present & (uniques.str.strip() == "").to_numpy()[safe] if len(uniques) else present
    bad = present & (prec < 0) & ~blank
    return stamps, prec, bad


_TIME = re.compile(r"^\s*(?:kl\.?\s*)?(\d{1,2})(?:[:.]?(\d{2}))?(?:[:.](\d{2})(?:\.\d+)?)?\s*$")


def parse_times(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse time-of-day values (``14:30``, ``14.30``, ``1430``, ``9``, ``14:30:00``) to offsets.

    Returns
    -------
    offsets, bad:
        timedelta64[ns] since midnight (NaT where empty or bad) and a mask of
        present but unparseable values.

    Examples
    --------
    >>> offsets, bad = parse_times(pd.Series(["9:05", "1430", "25:00", None]))
    >>> [str(o) for o in offsets], bad.tolist()
    (['32700000000000 nanoseconds', '52200000000000 nanoseconds', 'NaT', 'NaT'], [False, False, True, False])
    """
    n = len(values)
    if pd.api.types.is_timedelta64_dtype(values.dtype):
        return values.to_numpy(dtype="timedelta64[ns]"), np.zeros(n, dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = pd.to_datetime(values)
        return (stamps - stamps.dt.normalize()).to_numpy(dtype="timedelta64[ns]"), np.zeros(n, dtype=bool)
    codes, uniques = factorize(values)
    text = uniques
    # Excel may hand a time as "1900-01-01 14:30:00" or "14:30:00"; keep the clock part.
    text = text.str.replace(r"^\d{4}-\d{2}-\d{2}[ T]", "", regex=True)
    parts = text.str.extract(_TIME)
    hour = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype="float64")
    minute = pd.to_numeric(parts[1], errors="coerce").fillna(0).to_numpy(dtype="float64")
    second = pd.to_numeric(parts[2], errors="coerce").fillna(0).to_numpy(dtype="float64")
    valid = np.isfinite(hour) & (hour <= 23) & (minute <= 59) & (second <= 59)
    seconds = np.where(valid, hour * 3600 + minute * 60 + second, np.nan)
    offsets_u = np.where(valid, (np.nan_to_num(seconds) * 1e9).astype("int64"), np.iinfo("int64").min)
    offsets_u = offsets_u.view("timedelta64[ns]")
    present = codes >= 0
    safe = np.where(present, codes, 0)
    if len(uniques) == 0:
        return np.full(n, np.timedelta64("NaT"), dtype="timedelta64[ns]"), np.zeros(n, dtype=bool)
    offsets = np.where(present, offsets_u[safe], np.timedelta64("NaT"))
    blank = (text.str.strip() == "").to_numpy()
    bad = present & ~valid[safe] & ~blank[safe]
    return offsets.astype("timedelta64[ns]"), bad


def parse_integers(values: pd.Series, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """Parse whole numbers in ``[low, high]``; return floats (NaN where empty/bad) and a bad mask."""
    numbers, bad = to_number(values)
    whole = np.isfinite(numbers) & (numbers == np.round(numbers)) & (numbers >= low) & (numbers <= high)
    bad = bad | (np.isfinite(numbers) & ~whole)
    return np.where(whole, numbers, np.nan), bad
