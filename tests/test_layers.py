"""The layers of the house: who may import whom (docs/architecture.md), no import cycles, no UI below dashboard/."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

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


# --- the import graph of the repository's own packages -------------------------------------

# docs/architecture.md, "What each folder may import". A package may always import itself.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "data": frozenset(),
    "geo": frozenset({"core"}),
    "analysis": frozenset({"core", "geo"}),
    "store": frozenset({"core", "data"}),
    "reports": frozenset({"core", "geo", "analysis", "store"}),
    "exempelstad": frozenset({"core", "geo", "data"}),
    "workspace": frozenset({"core", "data", "geo", "analysis", "store"}),
    "cli": frozenset({"core", "data", "geo", "analysis", "store", "reports", "exempelstad", "workspace"}),
    "dashboard": frozenset({"core", "data", "geo", "analysis", "store", "reports", "exempelstad", "workspace"}),
    "deploy": frozenset({"core"}),
}
PACKAGES = tuple(MAY_IMPORT)


def _module_files() -> dict[str, Path]:
    """Every module of the project's packages: dotted name -> file."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, module: str, *, deferred: bool, type_checking: bool) -> set[str]:
    """Dotted names ``module`` imports: at module level, plus inside functions when ``deferred``."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: resolve against this module's package
                    base = module.split(".") if is_package else module.split(".")[:-1]
                    base = base[: len(base) - node.level + 1]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)  # "from geo import dataset"
            elif isinstance(node, ast.If):
                if type_checking or not _is_type_checking(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)
            elif isinstance(node, ast.With | ast.ClassDef | ast.For | ast.While):
                # Run at import time when at module level (a class body, a loop).
                visit(node.body)
                visit(getattr(node, "orelse", []))
            elif deferred and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(node.body)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body)
    return found


def import_graph(*, deferred: bool = False, type_checking: bool = False) -> dict[str, set[str]]:
    """Module -> the project's modules it imports."""
    files = _module_files()
    return {
        module: {name for name in _imports(path, module, deferred=deferred, type_checking=type_checking)
                 if name in files and name != module}
        for module, path in files.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                connect(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_cycle_finder_finds_a_hand_made_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_graph_sees_module_level_and_deferred_imports():
    module_level = import_graph()
    everything = import_graph(deferred=True)
    assert "core.errors" in module_level["geo.importer"]  # from core.errors import InputError
    assert "geo.anonymise" in module_level["geo.importer"]  # from geo import anonymise
    assert "geo.importer" not in module_level["geo.dataset"]  # imported inside load_incidents only
    assert "geo.importer" in everything["geo.dataset"]


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_no_import_cycles_through_deferred_imports():
    # An import inside a function hides a cycle from Python, not from the design:
    # geo.importer -> geo.anonymise -> geo.dataset -> geo.importer was one.
    assert cycles(import_graph(deferred=True)) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_its_layer_may(package):
    graph = import_graph(deferred=True, type_checking=True)
    allowed = MAY_IMPORT[package] | {package}
    wrong = sorted(
        f"{module} imports {name}"
        for module, names in graph.items() if module.split(".")[0] == package
        for name in names if name.split(".")[0] not in allowed
    )
    assert wrong == [], f"{package}/ may import only {sorted(MAY_IMPORT[package]) or 'nothing of the project'}"


def test_every_package_has_a_layer():
    on_disk = {p.parent.name for p in REPO.glob("*/__init__.py")} - {"tests", "bench"}
    assert on_disk == set(MAY_IMPORT), "a new top-level package needs a row in MAY_IMPORT and docs/architecture.md"


def test_architecture_doc_has_the_same_table():
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    for package, allowed in MAY_IMPORT.items():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{package}/`")), None)
        assert row is not None, f"docs/architecture.md has no row for {package}/"
        cells = [c.strip() for c in row.strip("|").split("|")]
        listed = {name.strip(" `/") for name in cells[1].split(",")} - {"—", ""}
        assert listed == set(allowed), f"docs/architecture.md row for {package}/: {listed} != {set(allowed)}"
