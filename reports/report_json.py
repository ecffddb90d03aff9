"""Write a :class:`reports.report.Report` as JSON: every number and sentence the documents show.

The content is :meth:`reports.report.Report.to_dict`; this module only writes it, atomically
(:func:`core.files.write_atomically`), so a failure never leaves half a file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.files import write_atomically

if TYPE_CHECKING:
    from reports.report import Report

__all__ = ["render_json", "write_json"]


def _clean(value: Any) -> Any:
    """Plain JSON: NaN and infinities become null (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def render_json(report: Report) -> str:
    """The report's numbers and sentences as an indented JSON text (UTF-8, not ASCII-escaped)."""
    return json.dumps(_clean(report.to_dict()), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_json(report: Report, path: str | Path) -> Path:
    """Write ``report`` to ``path`` (.json) via a temporary file; returns ``path``."""
    text = render_json(report)
    return write_atomically(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
