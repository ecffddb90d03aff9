"""Shared fixtures: paths to the real public data and to the Exempelstad sample."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = Path(os.environ.get("SAMSYN_REAL_DATA", REPO.parent / "shared" / "data" / "real"))


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real public files in ../shared/data/real (never copied into the repo)."""
    if not (REAL_DATA / "MANIFEST.md").exists():
        pytest.fail(f"Real test data not found at {REAL_DATA}; ../shared must lie beside the checkout.")
    return REAL_DATA


@pytest.fixture()
def run_cli(tmp_path):
    """Run ``samsyn`` in a subprocess, as a user would; return the CompletedProcess."""

    def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli", *map(str, args)],
            cwd=cwd or tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=600,
        )

    return _run


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless; never a downloaded browser (one for the whole session: see tests/browser)."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it with `sh scripts/system-deps.sh test` "
            "(part of `make test`) or `apt-get install chromium`; browser tests never download a browser."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
