"""Allow ``python -m cli``."""

from cli import run

run()
