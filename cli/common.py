"""Arguments and output helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the filters every analysis subcommand takes."""
    group = parser.add_argument_group("filter")
    group.add_argument("--category", action="append", metavar="KATEGORI",
                       help="ta bara med denna kategori (kan upprepas)")
    group.add_argument("--source", action="append", metavar="KÄLLA",
                       help="ta bara med denna källa, t.ex. polis eller kommun (kan upprepas)")
    group.add_argument("--from", dest="start", metavar="DATUM", help="från och med datum (ÅÅÅÅ-MM-DD)")
    group.add_argument("--to", dest="end", metavar="DATUM", help="till och med datum (ÅÅÅÅ-MM-DD)")


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed, so a failed run leaves no
    output file at all — never a half-written one.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # writers such as pyogrio refuse to overwrite; let them create it
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_atomically(path: str | Path, writer: Callable[[Path], None]) -> None:
    """Call ``writer(tmp_path)`` and move the result onto ``path`` only if it succeeded."""
    with atomic_output(path) as tmp:
        writer(tmp)
