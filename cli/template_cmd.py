"""``samsyn template --out FIL.csv|FIL.xlsx``: the incident file Samsyn reads without column flags."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import write_atomically


def register(subparsers) -> None:
    """Register the ``template`` subcommand."""
    parser = subparsers.add_parser(
        "template",
        help="skriv en mall för händelsefiler (CSV eller Excel) med en exempelrad",
        description="Skriver en mall med kolumnerna Samsyn känner igen utan flaggor och en exempelrad. Fyll i "
                    "dina händelser i samma kolumner och läs in filen med `samsyn import FIL --out …` eller på "
                    "sidan Data.",
    )
    parser.add_argument("--out", required=True, metavar="FIL", help="mallens fil: .csv (semikolon) eller .xlsx")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the template and say where."""
    from geo.template import template_bytes, template_suffix

    out = Path(args.out)
    content = template_bytes(template_suffix(out))
    write_atomically(out, lambda tmp: tmp.write_bytes(content))
    print(f"Skrev mallen till {out}")
    return 0
