"""Errors a user can act on: Swedish text naming the file, rows and column."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

MAX_ROWS_LISTED = 10

# What a user can do about an error, by the control that does it, in the command line's words. The
# error carries only the key (``InputError.hint``); the Data page words the same keys for its own
# controls (dashboard/pages/data.py), so no message is ever rewritten by string replacement.
COMMAND_LINE_WORDS: dict[str, str] = {
    "skip_invalid": "Rätta filen, eller använd --skip-invalid för att behålla de giltiga raderna (de ogiltiga "
                    "skrivs då till en egen fil med orsak).",
    "crs": "Ange --crs, t.ex. --crs EPSG:3006 (SWEREF 99 TM), EPSG:3008 (lokal zon 13 30) eller EPSG:3021 (RT 90).",
    "crs_check": "Ange --crs för att vara säker.",
    "crs_given": "med --crs",
    "crs_verify": "Kontrollera koordinatsystemet (--crs).",
    "unit": "Ange --unit eller en enhetskolumn för att vara säker.",
    "direction": "Ange --direction higher_better för t.ex. andel trygga.",
    "date_format": "Ange formatet med --date-format, t.ex. --date-format \"{day_first}\" (dag/månad/år) eller "
                   "--date-format \"{month_first}\" (månad/dag/år).",
    "category": "Ange --category KOLUMN eller --category-value NAMN.",
    "category_map": "Använd --category-map FIL.csv för att översätta dem.",
    "time_columns": "Ange --datetime, --date (med --time eller --hour), --from/--to eller --year/--month/--day.",
    "date_column": "Ange också datumkolumnen (--date, --datetime, --from eller --year/--month/--day).",
    "coordinate_columns": "Ange --x/--y eller --lat/--lon.",
    "coordinate_pair": "Ange också kolumnen för {label} (--{role}).",
    "source": "Ange --source-value, t.ex. --source-value polis.",
    "sheet": "Ange bladet med --sheet, med namn eller nummer (från 1).",
    "layer": "Ange vilket med --layer.",
    "work_crs": "Ange det med --work-crs {zone}.",
    "xy_columns": "Ange dem som x och y med --x/--y.",
    "delimiter": "Ange rätt avgränsare, t.ex. --delimiter '{delimiter}'.",
}


class Hinted(str):
    """A report line with the key of what the user can do about it (a key of ``COMMAND_LINE_WORDS``).

    It is the plain text everywhere a ``str`` is expected; ``worded`` adds a front-end's words.
    """

    hint: str | None
    hint_args: dict

    def __new__(cls, text: str, hint: str | None = None, **hint_args: str) -> Hinted:
        line = super().__new__(cls, text)
        line.hint, line.hint_args = hint, dict(hint_args)
        return line

    def worded(self, words: dict[str, str] | None = None) -> str:
        """The line followed by what to do, in ``words`` (default: the command line's)."""
        return join_hint(str(self), self.hint, self.hint_args, words)


def worded(line: str, words: dict[str, str] | None = None) -> str:
    """A report line with its hint in ``words`` (default the CLI's) when it has one; else the line."""
    return line.worded(words) if isinstance(line, Hinted) else str(line)


def join_hint(text: str, hint: str | None, hint_args: dict, words: dict[str, str] | None = None) -> str:
    """``text`` and the wording of ``hint`` in ``words`` (default ``COMMAND_LINE_WORDS``), one sentence after another."""
    table = COMMAND_LINE_WORDS if words is None else words
    if not hint or not table.get(hint):
        return text
    return f"{text} {table[hint].format(**hint_args)}"


class InputError(ValueError):
    """Bad input from a user's file or arguments.

    The message is Swedish and names the file, the first rows (as numbered in
    the file a user opens: data rows start at 2 under a header) and the column.
    Pages show it with ``st.error``; the CLI prints it and exits with code 2.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        rows: Iterable[int] | None = None,
        column: str | None = None,
        row_count: int | None = None,
        hint: str | None = None,
        hint_args: dict | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.rows = list(rows) if rows is not None else []
        self.column = column
        self.row_count = row_count if row_count is not None else len(self.rows)
        self.reason = message
        # What the user can do, by control (a key of COMMAND_LINE_WORDS); str() words it for the CLI.
        self.hint = hint
        self.hint_args = dict(hint_args or {})
        super().__init__(join_hint(self.located(), hint, self.hint_args))

    def worded(self, words: dict[str, str]) -> str:
        """The message with the hint in a front-end's own words (the Data page's controls)."""
        return join_hint(self.located(), self.hint, self.hint_args, words)

    def located(self, *, label: Callable[[str], str] | None = None, reason: str | None = None) -> str:
        """Where (file, column, rows) and what, without what to do about it.

        ``label`` translates the fixed words (a page's ``t``), ``reason`` replaces the reason
        (the page's translation of it); the defaults give the Swedish message.
        """
        say = label or (lambda text: text)
        parts = []
        if self.path:
            parts.append(f"{say('Fil')} {Path(self.path).name}")
        if self.column:
            parts.append(f"{say('kolumn')} '{self.column}'")
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_LISTED])
            more = self.row_count - min(len(self.rows), MAX_ROWS_LISTED)
            suffix = " " + say("och {n} till").format(n=more) if more > 0 else ""
            word = say("rad") if self.row_count == 1 else say("rader")
            parts.append(f"{word} {shown}{suffix}")
        where = ", ".join(parts)
        what = self.reason if reason is None else reason
        return f"{where}: {what}" if where else what
