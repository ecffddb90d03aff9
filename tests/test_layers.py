"""geo/, analysis/ and store/ never import Streamlit or folium (STYLE.md)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

from tests.conftest import REPO

UI_PACKAGES = ("streamlit", "folium", "streamlit_folium")


def _modules(package: str) -> list[str]:
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(REPO / package)])]


def test_core_packages_do_not_import_ui_libraries():
    modules = [m for p in ("core", "geo", "analysis", "store", "reports", "exempelstad", "workspace") for m in _modules(p)]
    assert modules, "no modules found in the core packages"
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"leaked = [p for p in {UI_PACKAGES!r} if p in sys.modules]\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"UI libraries imported by core packages: {result.stdout}"


def test_lint_rule_bans_ui_imports_in_core(tmp_path):
    probe = REPO / "analysis" / "_probe_banned_import.py"
    probe.write_text("import streamlit  # noqa: F401\n")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--select", "TID251", str(probe)],
            capture_output=True, text=True, cwd=REPO,
        )
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert "TID251" in result.stdout
