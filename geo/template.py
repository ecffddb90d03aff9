"""Templates of the incident file Samsyn reads without any column choices: CSV and xlsx, one example row.

The column names are the ones the importer recognises on its own (``geo.importer.GUESSES``), so a
filled-in template imports with ``samsyn import MALL.csv --out …`` or on the Data page with every
column left at "gissa automatiskt".
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from core.errors import InputError

# (column, example value, what goes in it). The example is a burglary with a time window the
# register wrote as 22:00–06:30, in SWEREF 99 TM (Stockholm's Sergels torg).
TEMPLATE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Ärendenummer", "5000-K1-25", "ärendenummer eller annat id (sparas bara som nycklad hash)"),
    ("Brottstyp", "Inbrott i bostad", "brottstyp eller projektets kategori"),
    ("Brottstidpunkt från", "2025-03-14 22:00", "datum och klockslag, ÅÅÅÅ-MM-DD TT:MM"),
    ("Brottstidpunkt till", "2025-03-15 06:30", "slut på tidsfönstret (tomt om tiden är känd)"),
    ("X", "674032", "östlig koordinat, SWEREF 99 TM (EPSG:3006), meter"),
    ("Y", "6580822", "nordlig koordinat, SWEREF 99 TM (EPSG:3006), meter"),
    ("Källa", "polis", "polis, kommun, räddningstjänst, fastighetsägare, trygghetsvandring eller annan"),
    ("Platstyp", "inomhus", "utomhus eller inomhus (tomt om okänt)"),
)
FORMATS = (".csv", ".xlsx")


def template_frame() -> pd.DataFrame:
    """The template as a one-row frame of text: the columns Samsyn expects and an example row."""
    return pd.DataFrame([[value for _, value, _ in TEMPLATE_COLUMNS]],
                        columns=[name for name, _, _ in TEMPLATE_COLUMNS], dtype="object")


def template_bytes(suffix: str) -> bytes:
    """The template file's bytes: ``".csv"`` (semicolons, UTF-8 with BOM, as Excel opens it) or ``".xlsx"``.

    Examples
    --------
    >>> template_bytes(".csv").decode("utf-8-sig").splitlines()[0]
    'Ärendenummer;Brottstyp;Brottstidpunkt från;Brottstidpunkt till;X;Y;Källa;Platstyp'
    """
    frame = template_frame()
    if suffix == ".csv":
        return frame.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")
    if suffix == ".xlsx":
        buffer = io.BytesIO()
        # openpyxl writes the workbook; the explanations go on a second sheet so the first stays importable.
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="Händelser", index=False)
            pd.DataFrame({"Kolumn": [name for name, _, _ in TEMPLATE_COLUMNS],
                          "Innehåll": [what for _, _, what in TEMPLATE_COLUMNS]}).to_excel(
                writer, sheet_name="Förklaring", index=False)
        return buffer.getvalue()
    raise InputError(f"Mallen finns som {' och '.join(FORMATS)}; välj ett filnamn som slutar på något av dem.")


def template_suffix(path: str | Path) -> str:
    """The template format a file name asks for (``.csv`` or ``.xlsx``); ``InputError`` otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"Mallen finns som {' och '.join(FORMATS)}; välj ett filnamn som slutar på något av dem.",
                         path=path)
    return suffix
