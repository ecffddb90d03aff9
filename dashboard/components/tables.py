"""Tables on the pages: headers in the reader's words, numbers in the reader's format, readable on a projector.

Every page shows its tables through :func:`show_table`::

    show_table(frame, {"name": "Plats", "count": Column("Antal", "count")})

Only the listed columns are shown, in that order, under their translated headers; each value is
written as the reader reads it (``2 912``, ``38,2 %``, ``−3 %``, ``..`` for a hidden count). At the
desk the table is ``st.dataframe``; in projector mode an HTML table at 22 px
(:func:`dashboard.components.projector.table_html`), since ``st.dataframe`` draws its cells on a
canvas at the theme's small size that no page CSS reaches.

(Wording and number format belong to the words task, size to the projector task. This file was
rebuilt by the projector task after it overwrote the first version by mistake; its API is the one
the pages call.)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from core import formatting
from core.disclosure import HIDDEN
from dashboard.components.projector import active as projector_active
from dashboard.components.projector import table_html
from dashboard.i18n import lang, t
from geo.categories import display_name

NUMERIC_KINDS = {"number", "count", "change", "share", "p"}
# A number as masked_frame writes it in a controlled view ("3", "0.7", "-12.5").
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Column:
    """How one column reads: its header (Swedish, translated on screen), its kind and decimals.

    Kinds: ``"text"`` (as it is), ``"term"`` (a Samsyn word, translated), ``"category"`` (a crime
    category or group, in English in English mode), ``"number"``, ``"count"`` (whole, or one decimal
    for aoristic weights), ``"change"`` (a change in per cent, signed), ``"share"`` (a 0–1 share as
    per cent), ``"p"`` (a p-value), ``"yesno"`` (ja/nej), ``"date"`` (a day, with its time when it has one).
    """

    header: str
    kind: str = "text"
    decimals: int = 0


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _date_text(value: Any, language: str) -> str:
    if isinstance(value, pd.Timestamp | datetime) and (value.hour, value.minute) != (0, 0):
        day = formatting.short_date(value, lang=language)
        return f"{day} {value:%H:%M}"
    if isinstance(value, date | datetime):
        return formatting.short_date(value, lang=language)
    return str(value)


def cell_text(value: Any, column: Column, *, language: str = "sv") -> str:
    """One value as the reader sees it.

    >>> cell_text(2912, Column("Antal", "count")), cell_text(0.3819, Column("Andel", "share", 1))
    ('2\\xa0912', '38,2\\xa0%')
    >>> cell_text(-3.2, Column("Mot året innan", "change")), cell_text("..", Column("Antal", "count"))
    ('−3\\xa0%', '..')
    """
    if _missing(value):
        return ""
    if isinstance(value, str) and column.kind in NUMERIC_KINDS and _PLAIN_NUMBER.match(value.strip()):
        # A controlled view's masked_frame writes its visible numbers as text ("3", "0.7"): still numbers.
        value = float(value)
    if isinstance(value, str) and (value == HIDDEN or column.kind in NUMERIC_KINDS):
        return value  # a hidden count (".."), or a text a page put in a number column on purpose
    kind = column.kind
    if kind == "date":
        return _date_text(value, language)
    if kind == "count":
        return formatting.count(float(value), lang=language)
    if kind == "number":
        return formatting.number(float(value), column.decimals, lang=language)
    if kind == "change":
        return formatting.change_percent(float(value) / 100, column.decimals, lang=language)
    if kind == "share":
        return formatting.percent(float(value), column.decimals, lang=language)
    if kind == "p":
        return formatting.p_value(float(value), lang=language).removeprefix("p = ").removeprefix("p ")
    if kind == "yesno":
        return t("ja") if bool(value) else t("nej")
    if kind == "term":
        return t(str(value))
    if kind == "category":
        return display_name(value, lang=language)
    return str(value)


def table_texts(frame: pd.DataFrame, columns: dict[str, str | Column], *,
                language: str = "sv") -> tuple[list[str], list[list[str]], list[bool]]:
    """Headers, rows of texts and which columns are numeric, for the listed columns found in ``frame``."""
    chosen = [(name, spec if isinstance(spec, Column) else Column(spec)) for name, spec in columns.items()
              if name in frame.columns]
    header = [t(column.header) for _, column in chosen]
    rows = [[cell_text(value, column, language=language) for value, (_, column) in zip(values, chosen, strict=True)]
            for values in frame[[name for name, _ in chosen]].itertuples(index=False, name=None)]
    return header, rows, [column.kind in NUMERIC_KINDS for _, column in chosen]


def show_table(frame: pd.DataFrame, columns: dict[str, str | Column], *, projector: bool | None = None,
               **dataframe_kwargs: Any) -> None:
    """Show the listed ``columns`` of ``frame`` in the reader's words and format.

    Projector mode (the session's unless given): an HTML table at projector size; otherwise
    ``st.dataframe`` (``dataframe_kwargs`` such as ``key`` go to it).
    """
    language = lang()
    header, rows, numeric = table_texts(frame, columns, language=language)
    if projector is None:
        projector = projector_active()
    if projector:
        st.html(table_html(header, rows, numeric=numeric, language=language))
        return
    dataframe_kwargs.setdefault("width", "stretch")
    dataframe_kwargs.setdefault("hide_index", True)
    # The numbers are formatted text now: right-aligned like numbers (the grid would put text left).
    dataframe_kwargs.setdefault("column_config", {
        name: st.column_config.TextColumn(alignment="right")
        for name, is_number in zip(header, numeric, strict=True) if is_number} or None)
    st.dataframe(pd.DataFrame(rows, columns=header), **dataframe_kwargs)


# The importer's own column names as a person reads them (a preview of what is saved).
PREVIEW_HEADERS = {
    "id": "Id", "category": "Kategori", "occurred_from": "Från", "occurred_to": "Till", "x": "X (öster)",
    "y": "Y (norr)", "source": "Källa", "place_type": "Platstyp", "repair_cost_sek": "Reparationskostnad (kr)",
    "area_id": "Kod", "name": "Namn", "population": "Invånare", "kind": "Typ", "radius_m": "Radie (m)",
    "parent": "Ligger i", "year": "År", "indicator": "Fråga (kod)", "label": "Fråga", "value": "Värde",
    "unit": "Enhet", "direction": "Riktning", "n": "Antal svar", "ci_low": "Konfidensintervall, nedre",
    "ci_high": "Konfidensintervall, övre", "layer": "Lager", "district": "Område",
    "position_precision": "Lägesnoggrannhet",
}


def preview_columns(frame: pd.DataFrame) -> dict[str, Column]:
    """Headers and kinds for a preview of imported rows: known columns named, numbers by their type.

    A year or a code is not a quantity ("2024", not "2 024"); another column keeps its own name.

    >>> frame = pd.DataFrame({"x": [674000.5], "value": [0.31], "year": [2024], "Egen kolumn": ["a"]})
    >>> [(c.header, c.kind, c.decimals) for c in preview_columns(frame).values()]
    [('X (öster)', 'number', 1), ('Värde', 'number', 2), ('År', 'text', 0), ('Egen kolumn', 'text', 0)]
    """
    columns = {}
    for name in frame.columns:
        header = PREVIEW_HEADERS.get(str(name), str(name))
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            columns[name] = Column(header, "date")
        elif name in ("year", "id", "area_id") or not pd.api.types.is_numeric_dtype(series) \
                or pd.api.types.is_bool_dtype(series):
            columns[name] = Column(header)
        else:
            columns[name] = Column(header, "number", _decimals_needed(series))
    return columns


def _decimals_needed(series: pd.Series, most: int = 4) -> int:
    """The fewest decimals (at most ``most``) that write every value of ``series`` as it is: 0.31 needs 2."""
    values = pd.to_numeric(series, errors="coerce").dropna().astype(float)
    for decimals in range(most + 1):
        if ((values.round(decimals) - values).abs() < 1e-9).all():
            return decimals
    return most
