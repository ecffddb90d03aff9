"""Finding columns by name and parsing their values (numbers, dates, times).

Parsing is vectorised: numbers with pandas string methods and Arrow casts,
times and dates on the *distinct* values of a column (Arrow dictionary
encoding), dates classified by regular expressions that Arrow runs in C++.
A date column gets one day/month order chosen from all its values; when both
orders read every value the column is refused (:class:`AmbiguousDateOrder`)
rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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

# Month names a Swedish or English export writes, full and abbreviated ("okt.", "Sept").
MONTH_NAMES: dict[str, int] = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "mars": 3, "march": 3,
    "mar": 3, "april": 4, "apr": 4, "maj": 5, "may": 5, "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7,
    "jul": 7, "augusti": 8, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10,
    "october": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

# The clock after a date: "T14:30", " 14.30", " kl. 14.30", " 1430", " 930", " 2:30 PM", with an optional
# offset ("Z", "+01:00", "+0100", "+00"). RE2 syntax: Arrow runs it over the whole column in C++.
_CLOCK = (r"(?:(?:\s*t\s*|\s+kl\.?\s*|\s*,\s*|\s+)(?P<h>\d{1,2})(?:[:.]?(?P<mi>\d{2}))?"
          r"(?:[:.](?P<s>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?\s*(?P<ampm>[ap]\.?m\.?)?"
          r"\s*(?P<tz>z|[+-]\d{2}(?::?\d{2})?)?)?")
_NUMERIC = r"^(?P<a>\d{1,4})(?P<sep>[-/.])(?P<b>\d{1,2})[-/.](?P<c>\d{1,4})" + _CLOCK + "$"
_COMPACT = r"^(?P<a>\d{4})(?P<b>\d{2})(?P<c>\d{2})" + _CLOCK + "$"
_DAY_NAME = r"^(?P<a>\d{1,2})\.?\s*(?P<b>[a-zåäöé]+)\.?,?\s*(?P<c>\d{4})" + _CLOCK + "$"
_NAME_DAY = r"^(?P<b>[a-zåäöé]+)\.?\s+(?P<a>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<c>\d{4})" + _CLOCK + "$"
_MONTH_ONLY = r"^(?:(?P<c>\d{4})-(?P<b>\d{1,2})|(?P<b2>\d{1,2})/(?P<c2>\d{4})|(?P<n>[a-zåäöé]+)\.?\s+(?P<c3>\d{4}))$"
_SERIAL = r"^(?P<serial>\d{5})(?:[.,](?P<frac>\d+))?$"

# What the import report says for each layout found in a column.
LAYOUT_WORDS: dict[str, str] = {
    "ymd-": "år-månad-dag (ISO 8601)", "ymd/": "år/månad/dag", "ymd.": "år.månad.dag",
    "ymd": "årmånaddag (ÅÅÅÅMMDD)", "dmy/": "dag/månad/år", "dmy.": "dag.månad.år", "dmy-": "dag-månad-år",
    "mdy/": "månad/dag/år", "mdy-": "månad-dag-år", "dname": "dag månadsnamn år (t.ex. 5 mars 2024)",
    "named": "månadsnamn dag år (t.ex. March 5, 2024)", "month": "bara månad (hela månaden)",
    "serial": "Excel-serienummer (dagar sedan 1899-12-30)", "cells": "datum och tid i filens eget format",
}
_ORDER_WORDS = {"dmy": "dag/månad/år", "mdy": "månad/dag/år"}
# Excel counts days from 1899-12-30 for every serial after its fictitious 29 February 1900 (serial 60).
EXCEL_EPOCH = np.datetime64("1899-12-30", "ns")

PRECISION_ORDER = {"second": 0, "day": 1, "month": 2}


class AmbiguousDateOrder(ValueError):
    """A column whose dates read both day-first and month-first, or mixes the two.

    ``examples`` are up to three of its values, ``day_first`` and ``month_first``
    the two strftime formats a user can choose between, ``mixed`` True when
    some values read only day-first and others only month-first.
    """

    def __init__(self, examples: list[str], day_first: str, month_first: str, *, mixed: bool = False) -> None:
        self.examples = examples
        self.day_first = day_first
        self.month_first = month_first
        self.mixed = mixed
        super().__init__(f"ambiguous date order: {', '.join(examples)}")


@dataclass
class DateReading:
    """A parsed date or date-and-time column.

    ``stamps`` are naive Europe/Stockholm wall-clock times (NaT where empty or
    bad), ``precision`` 0 = time of day given, 1 = date only, 2 = month only,
    -1 = none; ``bad`` marks present values that could not be read; ``layout``
    says in Swedish words which format(s) the column was read with.
    """

    stamps: np.ndarray
    precision: np.ndarray
    bad: np.ndarray
    layout: str = ""


def _local_naive(stamps: pd.Series) -> pd.Series:
    """Convert timezone-aware stamps to naive local wall-clock time in Europe/Stockholm."""
    return stamps.dt.tz_convert(TIMEZONE).dt.tz_localize(None)


def _count_words(counts: dict[str, int], total: int) -> str:
    from core.formatting import count as count_text

    if not counts:
        return ""
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    if len(ordered) == 1:
        return ordered[0][0]
    return "; ".join(f"{words} ({count_text(n)} av {count_text(total)} rader)" for words, n in ordered)


def read_datetimes(values: pd.Series, *, date_format: str | None = None, date_only: bool = False) -> DateReading:
    """Parse a date or date-and-time column with one date order for the whole column.

    Every distinct value is classified (in Arrow, by regular expressions) as
    year first (``2024-03-05``, ``2017/02/28 05:00:00+00``, ``20240305``),
    day or month first (``05/03/2024``, ``05.03.2024``), with a month name
    (``5 mars 2024 kl. 14.30``, ``March 5, 2024 2:30 PM``), month only
    (``2024-03``, ``maj 2024``) or an Excel serial day number (``45356.5``).
    Dates with ``/`` or ``-`` and the year last take one order for the whole
    column, chosen from *all* its values: month-first when some value reads
    only month-first (``03/25/2024``), day-first when some value reads only
    day-first; ``.`` is always day-first. Offsets (``Z``, ``+01:00``) are
    converted to Europe/Stockholm wall-clock time.

    Parameters
    ----------
    values:
        The column (text, or native datetimes from a Parquet or Excel file).
    date_format:
        A strftime format (``"%d/%m/%Y %H:%M"``) that the user chose; every
        value is read with it and values it does not read are bad.
    date_only:
        The column is a date beside a separate time column: a written
        midnight (``2024-03-05T00:00:00+01:00``) is the date as written, not a
        time, so the offset does not move it to another hour or day.

    Raises
    ------
    AmbiguousDateOrder
        When every such value reads both day-first and month-first, or the
        column mixes the two orders, and no ``date_format`` is given.

    Examples
    --------
    >>> reading = read_datetimes(pd.Series(["03/05/2024 14:30", "03/25/2024 9:05"]))
    >>> [str(s)[:16] for s in reading.stamps], reading.layout
    (['2024-03-05T14:30', '2024-03-25T09:05'], 'månad/dag/år med klockslag')
    """
    n = len(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        stamps = _local_naive(values).to_numpy(dtype="datetime64[ns]")
        return DateReading(stamps, np.where(pd.isna(stamps), -1, 0).astype(np.int8), np.zeros(n, dtype=bool),
                           "datum och tid med tidszon (omräknad till svensk tid)")
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = values.to_numpy(dtype="datetime64[ns]")
        precision = np.where(pd.isna(stamps), -1, 0).astype(np.int8)
        if date_only:
            midnight = ~np.isnat(stamps) & (stamps == stamps.astype("datetime64[D]"))
            precision[midnight] = 1
        return DateReading(stamps, precision, np.zeros(n, dtype=bool), LAYOUT_WORDS["cells"])
    if pd.api.types.is_numeric_dtype(values.dtype):
        values = pd.Series(values.to_numpy(dtype="float64"), index=values.index).map(
            lambda v: None if pd.isna(v) else (f"{v:.0f}" if v == int(v) else repr(v))).astype("str")
    codes, uniques = factorize(values)
    text = uniques.astype("str").str.strip()
    if date_format is not None:
        stamps_u, precision_u = _parse_with_format(text, date_format)
        layouts_u = np.full(len(text), _format_words(date_format), dtype=object)
    else:
        stamps_u, precision_u, layouts_u = _parse_fast_then_layouts(text, date_only=date_only)
    present = codes >= 0
    safe = np.where(present, codes, 0)
    if len(text) == 0:
        return DateReading(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), np.full(n, -1, np.int8),
                           np.zeros(n, dtype=bool))
    stamps = np.where(present, stamps_u[safe], np.datetime64("NaT")).astype("datetime64[ns]")
    precision = np.where(present, precision_u[safe], -1).astype(np.int8)
    blank = present & (text == "").to_numpy()[safe]
    bad = present & (precision < 0) & ~blank
    read = present & (precision >= 0)
    per_layout = np.bincount(safe[read], minlength=len(text)) if read.any() else np.zeros(len(text), np.int64)
    counts: dict[str, int] = {}
    for index in np.flatnonzero(per_layout):
        counts[layouts_u[index]] = counts.get(layouts_u[index], 0) + int(per_layout[index])
    return DateReading(stamps, precision, bad, _count_words(counts, int(read.sum())))


def parse_datetimes(values: pd.Series, *, date_format: str | None = None,
                    date_only: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`read_datetimes` as ``(stamps, precision, bad)``.

    Examples
    --------
    >>> stamps, precision, bad = parse_datetimes(pd.Series(["2023-03-20 9:48:12 +01:00", "2024-03-05", "x"]))
    >>> [str(s) for s in stamps[:2]], precision.tolist(), bad.tolist()
    (['2023-03-20T09:48:12.000000000', '2024-03-05T00:00:00.000000000'], [0, 1, -1], [False, False, True])
    """
    reading = read_datetimes(values, date_format=date_format, date_only=date_only)
    return reading.stamps, reading.precision, reading.bad


# Year-first layouts that pandas reads in C; they cannot be day/month ambiguous, so when one of them reads
# every value the regex classification is not needed (a million distinct minutes: 0.3 s instead of 9 s).
FAST_FORMATS: tuple[tuple[str, int, str], ...] = (
    ("%Y-%m-%d %H:%M", 0, "ymd-"), ("%Y-%m-%d %H:%M:%S", 0, "ymd-"), ("%Y-%m-%dT%H:%M:%S", 0, "ymd-"),
    ("%Y-%m-%dT%H:%M", 0, "ymd-"), ("%Y-%m-%d", 1, "ymd-"),
)


def _parse_fast_then_layouts(text: pd.Series, *, date_only: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_parse_layouts`, after one C-level pass with a year-first format when that reads every value."""
    filled = text[text != ""]
    if len(filled):
        probe = filled.iloc[: min(len(filled), 50)]
        for fmt, level, code in FAST_FORMATS:
            if pd.to_datetime(probe, format=fmt, errors="coerce").isna().any():
                continue
            parsed = pd.to_datetime(text.where(text != ""), format=fmt, errors="coerce")
            if parsed[text != ""].isna().any():
                break  # some other layout too: classify every value
            stamps = parsed.to_numpy(dtype="datetime64[ns]")
            precision = np.where(np.isnat(stamps), -1, level).astype(np.int8)
            words = LAYOUT_WORDS[code] + (" med klockslag" if level == 0 else "")
            if level == 0 and date_only:
                midnight = ~np.isnat(stamps) & (stamps == stamps.astype("datetime64[D]").astype("datetime64[ns]"))
                precision[midnight] = 1
                if midnight.all():
                    words = LAYOUT_WORDS[code]
            return stamps, precision, np.full(len(text), words, dtype=object)
    return _parse_layouts(text, date_only=date_only)


def _format_words(date_format: str) -> str:
    """Swedish words for a user's strftime format: ``%d/%m/%Y %H:%M`` → ``dag/månad/år med klockslag``."""
    date_part = re.split(r"\s*(?:%H|%I|T%H)", date_format)[0].strip()
    words = date_part
    for directive, word in (("%d", "dag"), ("%m", "månad"), ("%Y", "år"), ("%y", "år"), ("%B", "månadsnamn"),
                            ("%b", "månadsnamn")):
        words = words.replace(directive, word)
    if "%H" in date_format or "%I" in date_format:
        words += " med klockslag"
    return f"{words} (valt format {date_format})"


def _parse_with_format(text: pd.Series, date_format: str) -> tuple[np.ndarray, np.ndarray]:
    """Every value with one strftime format; precision from the directives it has."""
    aware = "%z" in date_format
    try:
        parsed = pd.to_datetime(text.where(text != ""), format=date_format, errors="coerce", utc=aware)
    except ValueError as error:
        raise ValueError(f"bad date format {date_format!r}: {error}") from error
    if aware:
        parsed = _local_naive(parsed)
    stamps = parsed.to_numpy(dtype="datetime64[ns]")
    if "%H" in date_format or "%I" in date_format:
        level = 0
    elif "%d" in date_format or "%j" in date_format:
        level = 1
    else:
        level = 2
    return stamps, np.where(np.isnat(stamps), -1, level).astype(np.int8)


def _extract(array, pattern: str, names: Sequence[str]) -> dict[str, pd.Series]:
    """Named groups of ``pattern`` over an Arrow string array (null where it does not match)."""
    import pyarrow.compute as pc

    struct = pc.extract_regex(array, pattern)
    # Groups that took no part in a match come back as "" (not null); a row that does not match is null.
    parts = dict(zip([f.name for f in struct.type], struct.flatten(), strict=True))
    out = {}
    for name in names:
        part = pd.Series(parts[name].to_pandas(), dtype="str")
        out[name] = part if name in ("a", "serial", "c", "c2", "c3") else part.where(part != "")
    return out


def _numbers(part: pd.Series) -> np.ndarray:
    return pd.to_numeric(part.where(part != ""), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _assemble(year, month, day) -> np.ndarray:
    """Dates from component arrays (NaT for impossible dates such as 30 February)."""
    valid = np.isfinite(year) & np.isfinite(month) & np.isfinite(day)
    valid &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & (year >= 1900) & (year <= 2100)
    out = pd.to_datetime(pd.DataFrame({"year": np.where(valid, year, 2000), "month": np.where(valid, month, 1),
                                       "day": np.where(valid, day, 1)}), errors="coerce")
    stamps = out.to_numpy(dtype="datetime64[ns]")
    return np.where(valid, stamps, np.datetime64("NaT")).astype("datetime64[ns]")


def _parse_layouts(text: pd.Series, *, date_only: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Classify and parse distinct values; one day/month order for the column (see :func:`read_datetimes`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    m = len(text)
    lower = pc.utf8_lower(pa.array(text.to_numpy(dtype=object), type=pa.string()))
    year = np.full(m, np.nan)
    month = np.full(m, np.nan)
    day = np.full(m, np.nan)
    hour = np.full(m, np.nan)
    minute = np.zeros(m)
    second = np.zeros(m)
    frac = np.zeros(m)
    ampm = np.full(m, "", dtype=object)
    tz_minutes = np.full(m, np.nan)
    layout = np.full(m, "", dtype=object)
    clock_names = ("h", "mi", "s", "frac", "ampm", "tz")

    def take_clock(hit: np.ndarray, groups: dict[str, pd.Series]) -> None:
        hour[hit] = _numbers(groups["h"])[hit]
        minute[hit] = np.nan_to_num(_numbers(groups["mi"])[hit])
        second[hit] = np.nan_to_num(_numbers(groups["s"])[hit])
        digits = groups["frac"].fillna("")
        frac[hit] = np.nan_to_num(_numbers(("0." + digits).where(digits != "")))[hit]
        ampm[hit] = groups["ampm"].fillna("").str.replace(".", "", regex=False).to_numpy(dtype=object)[hit]
        tz = groups["tz"].fillna("")
        sign = np.where(tz.str.startswith("-").to_numpy(), -1.0, 1.0)
        offset_digits = tz.str.replace(r"[^0-9]", "", regex=True)
        hours = _numbers(offset_digits.str.slice(0, 2))
        minutes = np.nan_to_num(_numbers(offset_digits.str.slice(2, 4)))
        offset = np.where((tz == "z").to_numpy(), 0.0, sign * (hours * 60 + minutes))
        tz_minutes[hit] = np.where((tz != "").to_numpy(), offset, np.nan)[hit]

    todo = np.ones(m, dtype=bool)
    # Year, month and day as written: numeric with separators, compact, with a month name.
    numeric = _extract(lower, _NUMERIC, ("a", "sep", "b", "c", *clock_names))
    hit = numeric["a"].notna().to_numpy()
    a, b, c = (_numbers(numeric[k]) for k in ("a", "b", "c"))
    a_len = numeric["a"].str.len().fillna(0).to_numpy()
    c_len = numeric["c"].str.len().fillna(0).to_numpy()
    sep = numeric["sep"].fillna("").to_numpy(dtype=object)
    year_first = hit & (a_len == 4)
    year_last = hit & (a_len <= 2) & (c_len == 4)
    year[year_first], month[year_first], day[year_first] = a[year_first], b[year_first], c[year_first]
    layout[year_first] = "ymd" + sep[year_first]
    dotted = year_last & (sep == ".")
    year[dotted], month[dotted], day[dotted] = c[dotted], b[dotted], a[dotted]
    layout[dotted] = "dmy."
    take_clock(hit, numeric)
    todo &= ~(year_first | year_last)

    order = year_last & ~dotted
    if order.any():
        # One order for the column, chosen from all its values.
        day_first = ~np.isnat(_assemble(c, b, a)) & order
        month_first = ~np.isnat(_assemble(c, a, b)) & order
        only_day = day_first & ~month_first
        only_month = month_first & ~day_first
        separator = next(s for s in sep[order])
        clock_format = _clock_format(numeric["h"], numeric["mi"], numeric["s"], order)
        formats = (f"%d{separator}%m{separator}%Y{clock_format}", f"%m{separator}%d{separator}%Y{clock_format}")
        if only_day.any() and only_month.any():
            examples = [text.iloc[int(np.flatnonzero(only_day)[0])], text.iloc[int(np.flatnonzero(only_month)[0])]]
            raise AmbiguousDateOrder(examples, *formats, mixed=True)
        if not only_day.any() and not only_month.any() and (day_first | month_first).any():
            examples = [text.iloc[int(i)] for i in np.flatnonzero(day_first | month_first)[:3]]
            raise AmbiguousDateOrder(examples, *formats)
        chosen = "mdy" if only_month.any() else "dmy"
        if chosen == "mdy":
            year[order], month[order], day[order] = c[order], a[order], b[order]
        else:
            year[order], month[order], day[order] = c[order], b[order], a[order]
        layout[order] = chosen + sep[order]

    for pattern, name_first in ((_COMPACT, None), (_DAY_NAME, False), (_NAME_DAY, True)):
        if not todo.any():
            break
        groups = _extract(lower, pattern, ("a", "b", "c", *clock_names))
        hit = groups["a"].notna().to_numpy() & todo
        if not hit.any():
            continue
        if name_first is None:
            y_, mo_, d_ = _numbers(groups["a"]), _numbers(groups["b"]), _numbers(groups["c"])
            layout[hit] = "ymd"
        else:
            names = groups["b"].map(MONTH_NAMES, na_action="ignore")
            known = names.notna().to_numpy()
            hit &= known
            y_, mo_, d_ = _numbers(groups["c"]), names.to_numpy(dtype="float64", na_value=np.nan), _numbers(groups["a"])
            layout[hit] = "named" if name_first else "dname"
        year[hit], month[hit], day[hit] = y_[hit], mo_[hit], d_[hit]
        take_clock(hit, groups)
        todo &= ~hit

    dates = _assemble(year, month, day)
    precision = np.full(m, -1, dtype=np.int8)

    # Month only: a month window.
    if todo.any():
        groups = _extract(lower, _MONTH_ONLY, ("c", "b", "b2", "c2", "n", "c3"))
        y_ = np.fmax(np.fmax(_numbers(groups["c"]), _numbers(groups["c2"])), _numbers(groups["c3"]))
        named = groups["n"].map(MONTH_NAMES, na_action="ignore").to_numpy(dtype="float64", na_value=np.nan)
        mo_ = np.fmax(np.fmax(_numbers(groups["b"]), _numbers(groups["b2"])), named)
        hit = todo & np.isfinite(y_) & np.isfinite(mo_)
        months = _assemble(y_, mo_, np.ones(m))
        hit &= ~np.isnat(months)
        dates[hit] = months[hit]
        precision[hit] = 2
        layout[hit] = "month"
        todo &= ~hit

    # The clock: 12-hour AM/PM to 24-hour; an hour past 23 or a minute past 59 is bad.
    has_clock = np.isfinite(hour)
    twelve = ampm != ""
    bad_clock = has_clock & ((twelve & ((hour < 1) | (hour > 12))) | (hour > 23) | (minute > 59) | (second > 59))
    hour = np.where(twelve & (ampm == "pm") & (hour < 12), hour + 12, hour)
    hour = np.where(twelve & (ampm == "am") & (hour == 12), 0, hour)
    read = ~np.isnat(dates) & (precision != 2) & ~bad_clock & (layout != "") & (layout != "month")
    clock_ns = (np.nan_to_num(hour) * 3600 + minute * 60 + second + frac) * 1e9
    stamps = np.where(read, dates + np.round(clock_ns).astype("int64").astype("timedelta64[ns]"), dates)
    stamps = np.where(read | (precision == 2), stamps, np.datetime64("NaT")).astype("datetime64[ns]")
    precision[read] = np.where(has_clock[read], 0, 1)
    written_midnight = read & has_clock & (hour == 0) & (minute == 0) & (second == 0) & (frac == 0)
    if date_only:
        # A date beside its own time column: a written midnight is the date as written, offset or not.
        precision[written_midnight] = 1
        tz_minutes[written_midnight] = np.nan
    aware = read & np.isfinite(tz_minutes)
    if aware.any():
        utc = stamps[aware] - (tz_minutes[aware] * 60).astype("int64").astype("timedelta64[s]")
        local = _local_naive(pd.Series(utc).dt.tz_localize("UTC"))
        stamps[aware] = local.to_numpy(dtype="datetime64[ns]")

    # Excel serial day numbers, as a number cell or as text.
    if todo.any():
        groups = _extract(lower, _SERIAL, ("serial", "frac"))
        whole = _numbers(groups["serial"])
        digits = groups["frac"].fillna("")
        part = np.nan_to_num(_numbers(("0." + digits).where(digits != "")))
        hit = todo & np.isfinite(whole)
        seconds = np.round(part * 86400)
        total = np.where(hit, np.nan_to_num(whole) * 86400 + seconds, 0)
        serial_stamps = EXCEL_EPOCH + total.astype("int64").astype("timedelta64[s]")
        stamps[hit] = serial_stamps[hit]
        precision[hit] = np.where((seconds[hit] > 0) & ~(date_only & (seconds[hit] == 0)), 0, 1)
        layout[hit] = "serial"
        todo &= ~hit

    precision[np.isnat(stamps)] = -1
    suffix = np.where(has_clock, " med klockslag", "")
    suffix = np.where(has_clock & twelve, " med 12-timmarsklocka (AM/PM)", suffix)
    suffix = np.where(np.isfinite(tz_minutes), suffix + " och tidszon (omräknad till svensk tid)", suffix)
    suffix = np.where(written_midnight & date_only, "", suffix)
    words = (pd.Series(layout, dtype="str").map(LAYOUT_WORDS).fillna("") + pd.Series(suffix, dtype="str"))
    words = words.to_numpy(dtype=object)
    return stamps, precision, words


def _clock_format(hours: pd.Series, minutes: pd.Series, seconds: pd.Series, mask: np.ndarray) -> str:
    """The strftime clock that the first value of ``mask`` writes (``" %H:%M"``), for the suggested formats."""
    first = int(np.flatnonzero(mask)[0])
    if pd.isna(hours.iloc[first]):
        return ""
    if pd.isna(minutes.iloc[first]):
        return " %H"
    return " %H:%M:%S" if not pd.isna(seconds.iloc[first]) else " %H:%M"


_TIME = re.compile(r"^\s*(?:kl\.?\s*)?(\d{1,2})(?:[:.]?(\d{2}))?(?:[:.](\d{2})(?:\.\d+)?)?\s*([ap])?\.?(?:m\.?)?\s*$",
                   re.IGNORECASE)


def parse_times(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse time-of-day values (``14:30``, ``14.30``, ``1430``, ``930``, ``9``, ``2:30 PM``) to offsets.

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
    # 12-hour clock: "2:30 PM" is 14:30, "12:15 AM" is 00:15; an hour outside 1–12 with AM/PM is bad.
    meridiem = parts[3].str.lower().fillna("").to_numpy(dtype=object)
    twelve = meridiem != ""
    bad_twelve = twelve & ((hour < 1) | (hour > 12))
    hour = np.where(twelve & (meridiem == "p") & (hour < 12), hour + 12, hour)
    hour = np.where(twelve & (meridiem == "a") & (hour == 12), 0, hour)
    valid = np.isfinite(hour) & (hour <= 23) & (minute <= 59) & (second <= 59) & ~bad_twelve
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
