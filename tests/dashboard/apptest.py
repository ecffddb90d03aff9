"""Opening the dashboard in Streamlit's AppTest, the one way the page tests do it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")


def app(**query: str) -> AppTest:
    """The app with ``query`` in its address, not yet run (a first run can take long on a busy machine)."""
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def open_page(page: str, **query: str) -> AppTest:
    """Run the app with ``query``, switch to ``pages/<page>`` and run it; no exception on either run."""
    at = app(**query).run()
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page(f"pages/{page}").run()
    assert not at.exception, [e.message for e in at.exception]
    return at
