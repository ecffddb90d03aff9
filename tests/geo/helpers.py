"""Fixture builders for the import tests: small files written into tmp_path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

# Three places in Malmö (WGS84 lon/lat) and their SWEREF 99 TM coordinates.
LONLAT = np.array([[13.0038, 55.6050], [13.0100, 55.5900], [12.9800, 55.6100]])
TO_3006 = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
X3006, Y3006 = TO_3006.transform(LONLAT[:, 0], LONLAT[:, 1])


def coords_in(crs: str) -> tuple[np.ndarray, np.ndarray]:
    """The three places in another CRS."""
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(LONLAT[:, 0], LONLAT[:, 1])


def write_text(path: Path, rows: list[list[object]], *, delimiter: str = ";", encoding: str = "utf-8") -> Path:
    """Write rows (first = header) as delimited text."""
    text = "\n".join(delimiter.join(str(v) for v in row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding) if encoding != "utf-8-sig" else b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def police_rows(x=None, y=None, *, xname="X", yname="Y", decimal_comma=False) -> list[list[object]]:
    """A small police export: date and time in separate columns, Swedish headers, free text."""
    x = X3006 if x is None else x
    y = Y3006 if y is None else y

    def fmt(v):
        text = f"{v:.1f}"
        return text.replace(".", ",") if decimal_comma else text

    rows = [["Ärendenummer", "Datum", "Klockslag", "Brottstyp", xname, yname, "Fritext"]]
    for i, (name, time) in enumerate([("Cykelstöld", "08:15"), ("Skadegörelse", "9:05"), ("Klotter", "23:40")]):
        rows.append([f"5000-K12345{i}-24", f"2024-03-0{i + 1}", time, name, fmt(x[i]), fmt(y[i]), "Såg en man på gården"])
    return rows


def frame_rows(frame: pd.DataFrame) -> list[list[object]]:
    """A DataFrame as rows with header."""
    return [list(frame.columns), *frame.astype(str).values.tolist()]
