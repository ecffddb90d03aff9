"""The import report kept with a dataset: ``<dataset dir>/import-report.json``, one entry per role.

What the importer found and did, readable later on the Data page ("Importrapport") and with
``samsyn dataset show``: counts, the columns used and dropped by name, the date format per column,
the coordinate system and rejected rows counted by reason. Never a value from the file (no ids,
no free text, no rejected rows); the dataset's removal deletes it with the rest of the directory.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from core.files import write_atomically

FILE_NAME = "import-report.json"


def read_import_reports(directory: str | Path) -> dict[str, dict]:
    """The stored reports by role (``"incidents"``, ``"districts"`` …); empty when none was stored."""
    path = Path(directory) / FILE_NAME
    if not path.exists():
        return {}
    stored = json.loads(path.read_text(encoding="utf-8"))
    return {role: report for role, report in stored.items() if isinstance(report, dict)}


def write_import_report(directory: str | Path, role: str, report: dict) -> Path:
    """Store ``report`` (already free of personal data) for ``role``, with the time it was saved."""
    reports = read_import_reports(directory)
    reports[role] = {**report, "saved": datetime.now().isoformat(timespec="seconds")}
    text = json.dumps(reports, ensure_ascii=False, indent=2)
    return write_atomically(Path(directory) / FILE_NAME, lambda tmp: tmp.write_text(text, encoding="utf-8"))
