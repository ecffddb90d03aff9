"""Arguments and output helpers shared by the subcommands."""

from __future__ import annotations

import argparse

# All-or-nothing output files: written beside the target and renamed onto it only on success.
from store.export import atomic_path as atomic_output
from store.export import write_atomically

__all__ = ["add_filter_arguments", "atomic_output", "write_atomically"]


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the filters every analysis subcommand takes."""
    group = parser.add_argument_group("filter")
    group.add_argument("--category", action="append", metavar="KATEGORI",
                       help="ta bara med denna kategori (kan upprepas)")
    group.add_argument("--source", action="append", metavar="KÄLLA",
                       help="ta bara med denna källa, t.ex. polis eller kommun (kan upprepas)")
    group.add_argument("--from", dest="start", metavar="DATUM", help="från och med datum (ÅÅÅÅ-MM-DD)")
    group.add_argument("--to", dest="end", metavar="DATUM", help="till och med datum (ÅÅÅÅ-MM-DD)")
