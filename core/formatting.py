"""Numbers, percentages, p-values, dates, months and weekdays as people read them, in Swedish or English.

Every sentence a page, a report or an export shows goes through this module, so the English
switch translates findings as well as labels. It is a thin layer over Babel's CLDR data
(https://babel.pocoo.org/), with the few conventions Samsyn adds: "p < 0,001" below a thousandth,
".." for hidden small counts (as Brå's tables print them), and weekdays numbered 1 = Monday
… 7 = Sunday as in the data model.

Examples
--------
>>> number(1234.5, 1)
'1\\xa0234,5'
>>> number(1234.5, 1, lang="en"), number(-3, lang="sv")
('1,234.5', '−3')
>>> percent(-0.25)
'−25\\xa0%'
>>> percent(0.123, 1, lang="en", signed=True)
'+12.3%'
>>> p_value(0.0004), p_value(0.0312, lang="en")
('p < 0,001', 'p = 0.031')
>>> long_date("2025-03-01"), long_date("2025-03-01", lang="en")
('1 mars 2025', '1 March 2025')
>>> weekday(5), weekday(5, lang="en", width="abbreviated")
('fredag', 'Fri')
>>> month(3, lang="en")
'March'
>>> change_percent(-0.25), change_percent(-0.25, lang="en"), change_percent(0.001)
('−25\\xa0%', '-25%', '±0\\xa0%')
>>> p_value(0.0312, decimals=None), p_value(0.0496, lang="en", decimals=None)
('p = 0,03', 'p = 0.050')
>>> period_label("2025-01-01", "2025-04-30"), period_label("2025-01-01", "2025-04-30", lang="en")
('jan–apr 2025', 'Jan–Apr 2025')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from babel.dates import format_date, get_day_names, get_month_names
from babel.numbers import format_decimal, format_percent, get_minus_sign_symbol

Lang = Literal["sv", "en"]
LANGS: tuple[str, ...] = ("sv", "en")
HIDDEN = ".."  # a count below the owner's disclosure level, as Brå prints it
_LOCALES = {"sv": "sv_SE", "en": "en_GB"}
Width = Literal["wide", "abbreviated", "short", "narrow"]


def locale(lang: str) -> str:
    """The Babel locale for a UI language; a ``ValueError`` for any other."""
    try:
        return _LOCALES[lang]
    except KeyError:
        raise ValueError(f"Unknown language {lang!r}; expected one of {', '.join(LANGS)}.") from None


def _pattern(decimals: int, *, signed: bool = False, suffix: str = "") -> str:
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return f"+{body}{suffix};-{body}{suffix}" if signed else body + suffix


def number(value: float, decimals: int = 0, *, lang: str = "sv", signed: bool = False) -> str:
    """A number with the language's grouping and decimal sign (``1 234,5`` / ``1,234.5``)."""
    return _minus(format_decimal(value, format=_pattern(decimals, signed=signed), locale=locale(lang)), lang)


def _minus(text: str, lang: str) -> str:
    # Babel writes the pattern's ASCII hyphen; Swedish CLDR data asks for the real minus sign (U+2212).
    return get_minus_sign_symbol(locale(lang)) + text[1:] if text.startswith("-") else text


def count(value: float | None, *, lang: str = "sv", hidden: bool = False) -> str:
    """A count of incidents: whole when whole, one decimal when aoristic weights make it fractional."""
    if hidden:
        return HIDDEN
    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() else 1
    return number(value, decimals, lang=lang)


def percent(fraction: float, decimals: int = 0, *, lang: str = "sv", signed: bool = False) -> str:
    """A fraction as a percentage: ``-0.25`` → ``−25 %`` (sv) or ``-25%`` (en)."""
    pattern = _pattern(decimals, signed=signed, suffix="%")
    if lang == "sv":
        pattern = pattern.replace("%", "\xa0%")
    return _minus(format_percent(fraction, format=pattern, locale=locale(lang)), lang)


def change_percent(fraction: float, decimals: int = 0, *, lang: str = "sv") -> str:
    """A change as a signed percentage, ``±0 %`` when it rounds to nothing (``+12 %``, ``−25 %``).

    A rounded zero gets ``±`` rather than a sign the reader would take for a direction.
    """
    if round(100 * fraction, decimals) == 0:
        return "±" + percent(0.0, decimals, lang=lang)
    return percent(fraction, decimals, lang=lang, signed=True)


def p_value(p: float, *, lang: str = "sv", decimals: int | None = 3) -> str:
    """A p-value to three decimals, ``p < 0,001`` below a thousandth.

    ``decimals=None`` gives the shorter form for sentences: two decimals, or three where two
    would hide the difference from 0.05 or round a small value to zero (``p = 0,03``,
    ``p = 0,050``, ``p = 0,004``).
    """
    if p < 0.001:
        return f"p < {number(0.001, 3, lang=lang)}"
    if decimals is None:
        decimals = 3 if p < 0.01 or abs(p - 0.05) < 0.005 else 2
    return f"p = {number(p, decimals, lang=lang)}"


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def long_date(value: date | datetime | str, *, lang: str = "sv") -> str:
    """``1 mars 2025`` / ``1 March 2025``."""
    return format_date(_as_date(value), format="d MMMM y", locale=locale(lang))


def short_date(value: date | datetime | str, *, lang: str = "sv") -> str:
    """ISO ``2025-03-01`` in Swedish (as Swedish authorities write dates), ``1 Mar 2025`` in English."""
    day = _as_date(value)
    return day.isoformat() if lang == "sv" else format_date(day, format="d MMM y", locale=locale(lang))


def date_span(start: date | datetime | str, end: date | datetime | str, *, lang: str = "sv") -> str:
    """A period from ``start`` to ``end`` inclusive: ``1 mars 2025 – 28 februari 2026``."""
    return f"{long_date(start, lang=lang)} – {long_date(end, lang=lang)}"


def weekday(day: int, *, lang: str = "sv", width: Width = "wide") -> str:
    """The name of weekday ``day`` (1 = Monday … 7 = Sunday)."""
    if not 1 <= day <= 7:
        raise ValueError(f"Weekday must be 1–7 (Monday–Sunday), got {day}.")
    return str(get_day_names(width, locale=locale(lang))[day - 1])


def month(number_: int, *, lang: str = "sv", width: Width = "wide") -> str:
    """The name of month ``number_`` (1–12)."""
    if not 1 <= number_ <= 12:
        raise ValueError(f"Month must be 1–12, got {number_}.")
    return str(get_month_names(width, locale=locale(lang))[number_])


def listing(items: Sequence[str], *, lang: str = "sv") -> str:
    """``a, b och c`` / ``a, b and c``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    word = "och" if lang == "sv" else "and"
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def weekday_ranges(days: Sequence[int], *, lang: str = "sv") -> str:
    """Weekdays as runs of abbreviated names: ``[5, 6, 7]`` → ``fre–sön``; all seven → ``alla dagar``."""
    days = sorted(set(int(d) for d in days))
    if not days or len(days) == 7:
        return "alla dagar" if lang == "sv" else "every day"
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    short = [weekday(d, lang=lang, width="abbreviated").rstrip(".") for d in range(1, 8)]
    parts = [short[r[0] - 1] if len(r) == 1 else f"{short[r[0] - 1]}–{short[r[-1] - 1]}" for r in runs]
    return ", ".join(parts)


def hour_ranges(hours: Sequence[int], *, lang: str = "sv") -> str:
    """Hours as clock ranges, wrapping midnight: ``[22, 23, 0, 1]`` → ``22–02``; all 24 → ``hela dygnet``.

    Each hour ``h`` stands for ``h:00–h+1:00``, so the run 22, 23, 0, 1 ends at 02.
    """
    hours = sorted(set(int(h) % 24 for h in hours))
    if not hours or len(hours) == 24:
        return "hela dygnet" if lang == "sv" else "all day"
    runs: list[list[int]] = []
    for hour in hours:
        if runs and hour == runs[-1][-1] + 1:
            runs[-1].append(hour)
        else:
            runs.append([hour])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 23:  # the night wraps past midnight
        runs[0] = runs.pop() + runs[0]
    return ", ".join(f"{r[0]:02d}–{(r[-1] + 1) % 24:02d}" for r in runs)


def _month_abbr(number_: int, lang: str) -> str:
    # CLDR's Swedish abbreviations end in a full stop ("jan.", but "mars"); period labels go without.
    return month(number_, lang=lang, width="abbreviated").rstrip(".")


def period_label(start: date | datetime | str, end: date | datetime | str, *, lang: str = "sv") -> str:
    """A short label for an inclusive date range, months abbreviated.

    Whole months read ``jan–apr 2025`` (``Jan–Apr 2025``); other ranges keep their days,
    ``5–20 mars 2025`` (``5–20 Mar 2025``).

    Examples
    --------
    >>> period_label("2024-11-01", "2025-02-28"), period_label("2025-03-01", "2025-03-31", lang="en")
    ('nov 2024–feb 2025', 'Mar 2025')
    >>> period_label("2025-03-05", "2025-03-20"), period_label("2025-01-15", "2025-02-10", lang="en")
    ('5–20 mars 2025', '15 Jan–10 Feb 2025')
    """
    first, last = _as_date(start), _as_date(end)
    m1, m2 = _month_abbr(first.month, lang), _month_abbr(last.month, lang)
    next_day = date.fromordinal(last.toordinal() + 1)
    if first.day == 1 and next_day.day == 1:  # whole months
        if first.year != last.year:
            return f"{m1} {first.year}–{m2} {last.year}"
        if first.month == last.month:
            return f"{m1} {first.year}"
        return f"{m1}–{m2} {first.year}"
    if first.year != last.year:
        return f"{first.day} {m1} {first.year}–{last.day} {m2} {last.year}"
    if first.month == last.month:
        if first.day == last.day:
            return f"{first.day} {m1} {first.year}"
        return f"{first.day}–{last.day} {m1} {first.year}"
    return f"{first.day} {m1}–{last.day} {m2} {first.year}"
