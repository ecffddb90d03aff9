"""Arguments and output helpers shared by the subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

# All-or-nothing output files: written beside the target and renamed onto it only on success.
from core.files import atomic_path as atomic_output
from core.files import write_atomically

__all__ = ["add_filter_arguments", "atomic_output", "filtered_incidents", "load_incidents_file", "write_atomically"]


def add_filter_arguments(parser: argparse.ArgumentParser, *, dates: bool = True) -> None:
    """Add the filters every analysis subcommand takes; ``dates=False`` for one with periods of its own."""
    group = parser.add_argument_group("filter")
    group.add_argument("--category", action="append", metavar="KATEGORI",
                       help="ta bara med denna kategori (kan upprepas)")
    group.add_argument("--source", action="append", metavar="KÄLLA",
                       help="ta bara med denna källa, t.ex. polis eller kommun (kan upprepas)")
    if dates:
        group.add_argument("--from", dest="start", metavar="DATUM", help="från och med datum (ÅÅÅÅ-MM-DD)")
        group.add_argument("--to", dest="end", metavar="DATUM", help="till och med datum (ÅÅÅÅ-MM-DD)")


def load_incidents_file(path: str) -> pd.DataFrame:
    """Read anything ``samsyn import`` reads as canonical incidents; unreadable files are bad input."""
    from geo.dataset import load_incidents

    if not Path(path).exists():
        raise InputError("Filen finns inte.", path=path)
    try:
        return load_incidents(path)
    except InputError:
        raise
    except (OSError, ValueError) as error:
        raise InputError(f"Kunde inte läsa händelserna ({error}).", path=path) from error


def filtered_incidents(args: argparse.Namespace, *, dates: bool = True) -> pd.DataFrame:
    """The ``INCIDENTS`` file filtered by --category/--source, and by --from/--to when ``dates``."""
    from analysis.filters import filter_incidents

    incidents = load_incidents_file(args.incidents)
    try:
        subset = filter_incidents(
            incidents,
            categories=args.category,
            sources=args.source,
            start=args.start if dates else None,
            end=args.end if dates else None,
        )
    except ValueError as error:  # e.g. a date that does not parse
        raise InputError(f"Ogiltigt filter: {error}.") from error
    subset.attrs = dict(incidents.attrs)
    return subset
