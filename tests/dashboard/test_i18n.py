"""Every text the pages pass to ``t()`` has an English translation (the English switch)."""

from __future__ import annotations

import ast

from dashboard.i18n import ENGLISH
from tests.conftest import REPO


def _texts() -> dict[str, str]:
    found = {}
    for path in (REPO / "dashboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
                argument = node.args[0]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found[argument.value] = f"{path.relative_to(REPO)}:{node.lineno}"
    return found


def test_every_ui_text_has_an_english_translation():
    texts = _texts()
    assert len(texts) > 100
    missing = {text: where for text, where in texts.items() if text not in ENGLISH}
    assert not missing, "\n".join(f"{where}: {text!r}" for text, where in sorted(missing.items()))
