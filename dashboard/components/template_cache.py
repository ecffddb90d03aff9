"""Compile each folium/branca template source once per process.

folium and branca build a ``jinja2.Template`` from a string for many elements *each time an
element is created* (every script link, tooltip, style mapper …), so one map costs ~80 template
compilations — about 0.2 s of every Karta rerun. Compiled jinja2 templates are immutable and safe
to render from several threads, so identical sources can share one compiled template.
"""

from __future__ import annotations

import functools
import threading

import jinja2

_lock = threading.Lock()
_installed = False


def install() -> None:
    """Memoise ``jinja2.Environment.from_string`` for calls without per-call globals (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        original = jinja2.Environment.from_string

        @functools.lru_cache(maxsize=1024)
        def _compiled(environment: jinja2.Environment, source: str, template_class: type | None):
            return original(environment, source, template_class=template_class)

        def from_string(self, source, globals=None, template_class=None):  # noqa: A002 – jinja2's own name
            if globals is None and isinstance(source, str):
                return _compiled(self, source, template_class)
            return original(self, source, globals=globals, template_class=template_class)

        jinja2.Environment.from_string = from_string
        _installed = True
