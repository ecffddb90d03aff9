"""The ``samsyn`` command line: one subcommand per module listed in ``COMMANDS``.

Building the parser imports every module in ``COMMANDS``, so those modules import only
``argparse``, ``pathlib`` and ``core`` at module level; pandas, geopandas and ``analysis``
are imported inside the handlers. ``samsyn --help`` and ``samsyn import …`` then start in a
fraction of the two seconds a full import of the scientific stack takes, and
tests/cli/test_cli_startup.py keeps it that way.
"""

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
    "cli.template_cmd",
    "cli.sample_cmd",
    "cli.areas_cmd",
    "cli.time_cmd",
    "cli.hotspot_cmd",
    "cli.sppt_cmd",
    "cli.emerging_cmd",
    "cli.nearrepeat_cmd",
    "cli.serve_cmd",
    "cli.report_cmd",
    "cli.dataset_cmd",
    "cli.picture_cmd",
    "cli.roles_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="samsyn",
        description="Samsyn – gemensam lägesbild för kommun och polis.",
    )
    parser.add_argument("--version", action=_VersionAction, help="visa versionen och avsluta")
    subparsers = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)
    for module_name in COMMANDS:
        importlib.import_module(module_name).register(subparsers)
    return parser


class _VersionAction(argparse.Action):
    """``--version``: looks the version up only when asked (importlib.metadata costs 30 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"{parser.prog} {installed_version()}")  # stdout, as argparse's own "version" action
        parser.exit()


def installed_version() -> str:
    """The installed distribution's version (``pyproject.toml`` ``[project] version``)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("samsyn")
    except PackageNotFoundError:  # run from a checkout that was never pip-installed
        return "okänd version (inte installerad)"


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
