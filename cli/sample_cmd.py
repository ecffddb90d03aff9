"""Subcommands of this module are being written; it registers none yet."""


def register(subparsers):
    """Register no subcommands."""
