"""Errors a user can act on: Swedish text naming the file, rows and column."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

MAX_ROWS_LISTED = 10


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
    ) -> None:
        self.path = str(path) if path is not None else None
        self.rows = list(rows) if rows is not None else []
        self.column = column
        self.row_count = row_count if row_count is not None else len(self.rows)
        self.reason = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        parts = []
        if self.path:
            parts.append(f"Fil {Path(self.path).name}")
        if self.column:
            parts.append(f"kolumn '{self.column}'")
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_LISTED])
            more = self.row_count - min(len(self.rows), MAX_ROWS_LISTED)
            suffix = f" och {more} till" if more > 0 else ""
            word = "rad" if self.row_count == 1 else "rader"
            parts.append(f"{word} {shown}{suffix}")
        where = ", ".join(parts)
        return f"{where}: {self.reason}" if where else self.reason
