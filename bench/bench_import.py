"""Import of a 1,000,000-row police-style CSV against a plain ``pandas.read_csv`` baseline.

The file is semicolon-separated with Swedish headers, date and time in
separate columns, WGS84 latitude/longitude (so the CRS transform runs), a
case number to hash and a free-text column to drop. Target: the full import
(reading, validation, CRS transform, anonymisation, writing GeoParquet) in
under 10 s.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

ROWS = 1_000_000
TARGET_SECONDS = 10.0


def make_csv(path: Path, rows: int = ROWS, seed: int = 1) -> None:
    """Write the synthetic police export."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, rows), unit="D")
    minutes = rng.integers(0, 24 * 60, rows)
    categories = np.array(["Cykelstöld", "Misshandel, utomhus", "Skadegörelse", "Klotter", "Inbrott, bostad",
                           "Stöld/snatteri i butik", "Olaga hot", "Narkotikabrott"])
    frame = pd.DataFrame(
        {
            "Ärendenummer": [f"5000-K{i:06d}-24" for i in range(rows)],
            "Brottsdatum": days.strftime("%Y-%m-%d"),
            "Klockslag": [f"{m // 60:02d}:{m % 60:02d}" for m in minutes],
            "Brottstyp": categories[rng.integers(0, len(categories), rows)],
            "Latitud": np.round(55.6 + rng.random(rows) * 0.1, 6),
            "Longitud": np.round(13.0 + rng.random(rows) * 0.1, 6),
            "Fritext": "Målsägande uppger att cykeln stod låst vid stationen.",
        }
    )
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")


def run() -> Iterator[dict]:
    """Yield the baseline and the import timing."""
    from geo.dataset import write_incidents
    from geo.importer import import_incidents

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "polis_export.csv"
        make_csv(source)
        start = time.perf_counter()
        baseline_frame = pd.read_csv(source, sep=";")
        baseline = time.perf_counter() - start
        del baseline_frame
        yield {"bench": "import", "measure": "pandas.read_csv (baseline)", "rows": ROWS,
               "seconds": round(baseline, 3)}

        out = Path(folder) / "incidents.parquet"
        start = time.perf_counter()
        result = import_incidents(source, source_value="polis", salt="bench")
        imported = time.perf_counter() - start
        write_incidents(result.frame, out)
        total = time.perf_counter() - start
        yield {
            "bench": "import",
            "measure": "samsyn import (läsa, kontrollera, CRS, anonymisera, skriva GeoParquet)",
            "rows": ROWS,
            "rows_written": result.report.rows_written,
            "seconds": round(total, 3),
            "seconds_without_write": round(imported, 3),
            "ratio_to_read_csv": round(total / baseline, 2),
            "target_seconds": TARGET_SECONDS,
            "ok": total < TARGET_SECONDS and result.report.rows_written == ROWS,
        }
