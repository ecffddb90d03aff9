"""``samsyn`` starts without importing the scientific stack; ``--version`` prints the package version."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from tests.conftest import REPO

HEAVY = ("geopandas", "pandas", "numpy", "shapely", "scipy", "pyproj", "pyarrow", "streamlit")


def test_building_the_parser_imports_no_heavy_library():
    code = (
        "import sys, cli\n"
        "cli.build_parser()\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "heavy += sorted(m for m in sys.modules if m.split('.')[0] in ('analysis', 'reports'))\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"imported while building the parser: {result.stdout.strip()}"


def test_help_lists_every_subcommand_without_importing_pandas():
    code = (
        "import sys, cli\n"
        "try:\n"
        "    cli.main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('PANDAS' if 'pandas' in sys.modules else 'OK')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("OK")
    for command in ("import", "sample", "aggregate", "grid", "places", "concentration", "timeheat", "change",
                    "survey", "hotspots", "density", "followup", "serve", "report"):
        assert command in result.stdout


def test_version_is_the_one_in_pyproject():
    with (REPO / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    result = subprocess.run([sys.executable, "-m", "cli", "--version"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"samsyn {version}"
