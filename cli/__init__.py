"""The ``samsyn`` command line: one subcommand per module listed in ``COMMANDS``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from core.errors import InputError

# Each module defines ``register(subparsers)`` adding its subcommands; a
# subcommand's parser sets ``handler=function(args) -> int``.
COMMANDS: tuple[str, ...] = (
    "cli.import_cmd",
    "cli.sample_cmd",
    "cli.areas_cmd",
    "cli.time_cmd",
    "cli.hotspot_cmd",
    "cli.serve_cmd",
    "cli.report_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="samsyn",
        description="Samsyn – gemensam lägesbild för kommun och polis.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)
    for module_name in COMMANDS:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except InputError as error:
        print(f"Fel: {error}", file=sys.stderr)
        return 2


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
