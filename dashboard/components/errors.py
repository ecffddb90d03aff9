"""What a user sees when a page fails: their own message for bad input, else a short reference.

Streamlit's own error box shows the traceback and "Ask Google / Ask ChatGPT" links; users of a
police and kommun dashboard should see neither (``client.showErrorDetails = "none"`` hides them
for anything that still gets through). The whole run of ``app.py`` (loading the dataset, the
sidebar filters, navigation) and, inside it, the page's own run go through :func:`run_page`:

- an :class:`core.errors.InputError`, or a ``ValueError`` that Samsyn's own code raised (by the
  project's habit, its message is Swedish and meant for the analyst), is shown with ``st.error``
  in its own words;
- anything else shows "Något gick fel …" with a reference, and the traceback goes to the server
  log under the same reference, so whoever runs Samsyn can find it.
"""

from __future__ import annotations

import logging
import secrets
import sys
import traceback
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

import streamlit as st

from core.errors import InputError
from dashboard.i18n import t
from store.backends import UNREACHABLE, StoreUnavailableError

LOG = logging.getLogger("samsyn.dashboard")
if not LOG.handlers and not logging.getLogger().handlers:
    # Streamlit configures only its own loggers; without this the traceback would go out bare.
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
REPO = Path(__file__).resolve().parents[2]
UNEXPECTED = ("Något gick fel när sidan skulle visas. Försök igen, eller ändra filtren. Om det händer igen: "
              "kontakta den som driver Samsyn och uppge referensen {ref}.")


def raised_by_samsyn(error: BaseException) -> bool:
    """Tell whether the innermost frame of ``error``'s traceback is Samsyn's own code.

    A ``ValueError`` raised by Samsyn carries a message written for users; one raised inside
    pandas or numpy is a bug in how Samsyn called them, and its English text means nothing to
    an analyst.
    """
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return False
    path = Path(frames[-1].filename).resolve()
    if not path.is_relative_to(REPO):
        return False
    inside = path.relative_to(REPO).parts
    return not (inside and (inside[0].startswith(".") or "site-packages" in inside))


def user_message(error: BaseException) -> str | None:
    """The error's own text when it is meant for users (see the module docstring), else None.

    A database that does not answer is said in plain words; its address and the server's own text
    go to the log under a reference, never onto the projector.
    """
    if isinstance(error, StoreUnavailableError) and error.technical:
        return t(UNREACHABLE) + " " + t("Referens: {ref}.").format(ref=log_unexpected(error, page="store"))
    if isinstance(error, StoreUnavailableError):  # "Sparades inte …", "upptagen …": written for people
        return str(error)
    if isinstance(error, InputError) or (isinstance(error, ValueError) and raised_by_samsyn(error)):
        return str(error)
    return None


def new_reference() -> str:
    """A short reference for one failure, to be read aloud or typed: eight characters, e.g. ``K7Q2-M9XD``."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to mix up
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def log_unexpected(error: BaseException, *, page: str = "") -> str:
    """Log ``error`` with its traceback under a new reference and return the reference (nothing is shown)."""
    reference = new_reference()
    LOG.error("Samsyn: unexpected error on page %s (reference %s)", page or "?", reference,
              exc_info=(type(error), error, error.__traceback__))
    return reference


def report_unexpected(error: BaseException, *, page: str = "") -> str:
    """Log ``error`` with its traceback under a new reference, show the message, return the reference."""
    reference = log_unexpected(error, page=page)
    st.error(t(UNEXPECTED).format(ref=reference), icon=":material/error:")
    return reference


_depth: ContextVar[int] = ContextVar("samsyn_run_page_depth", default=0)  # how many run_page calls are open


class PageEnd(Exception):  # noqa: N818 - control flow, not an error
    """Raised by :func:`end_page`; :func:`run_page` ends the page quietly."""


def end_page() -> None:
    """End the page here, like ``st.stop()``, but let the app finish its run.

    ``st.stop()`` leaves Streamlit in the stopped state, so nothing after it is drawn — not even the
    run marker at the end of ``app.py`` that browser tests and the benchmark wait for. A page that has
    said all it can (e.g. "add a survey on the Data page") calls this instead. A page run on its own,
    outside :func:`run_page` (Streamlit's AppTest after ``switch_page``), stops with ``st.stop()``.
    """
    if _depth.get() > 0:
        raise PageEnd
    st.stop()


def run_page(run: Callable[[], None], *, page: str = "") -> None:
    """Run a page; show a user's error in its own words and any other failure as :data:`UNEXPECTED`.

    :func:`end_page` ends the page quietly; ``st.rerun()`` is control flow (``BaseException``) and passes.
    """
    token = _depth.set(_depth.get() + 1)
    try:
        run()
    except PageEnd:
        return
    except Exception as error:  # noqa: BLE001 - the last line of defence before the user's screen
        message = user_message(error)
        if message is not None:
            st.error(message)
        else:
            report_unexpected(error, page=page)
    finally:
        _depth.reset(token)
