"""Streamlit's own widget texts in the page's language.

Streamlit writes some texts itself, in English, with no parameter to change them: the file
uploader's button and "200MB per file", "Press Enter to apply" under text fields, and the drag
overlay. :func:`widget_texts_css` hides those and puts the same message in the reader's language
in their place (CSS ``::after``), injected once per run from ``app.py``. Texts that Streamlit
does take as a parameter are passed where the widget is made: :data:`CHOOSE` and :data:`CHOOSE_MANY`
for ``placeholder=``, :data:`DATE_FORMAT` for ``st.date_input(format=…)``.
"""

from __future__ import annotations

import json

import streamlit as st

from core import formatting
from dashboard.i18n import ENGLISH, lang

# The placeholders of an empty selectbox / multiselect ("Choose an option", "Choose options").
# "Alla" where an empty choice means every one (categories, weekdays, hours), as in the sidebar's filters.
CHOOSE = "Välj …"
CHOOSE_MANY = "Välj en eller flera …"
ALL = "Alla"
# ISO dates read the same in Swedish and English (Streamlit's default is YYYY/MM/DD).
DATE_FORMAT = "YYYY-MM-DD"


def upload_limit_mb() -> int:
    """The largest upload the server accepts, in MB (Streamlit's ``server.maxUploadSize``, 200 by default).

    Samsyn sets no smaller limit of its own, so this is the limit a user actually meets.
    """
    return int(st.get_option("server.maxUploadSize"))


def _css_string(text: str) -> str:
    # A CSS string literal: JSON's escaping of quotes and backslashes is valid CSS (letters stay letters: CSS does
    # not read JSON's \u00e4); "<" is escaped the CSS way so that no text can end the style element.
    return json.dumps(text, ensure_ascii=False).replace("<", "\\3c ")


def widget_texts_css(language: str | None = None) -> str:
    """The ``<style>`` that replaces Streamlit's English widget texts with the reader's words.

    Parameters
    ----------
    language : {"sv", "en"}, optional
        The page's language; the session's (:func:`dashboard.i18n.lang`) when not given.

    Returns
    -------
    str
        A ``<style>`` element for ``st.markdown(..., unsafe_allow_html=True)``.
    """
    language = language or lang()

    def words(text: str) -> str:
        return ENGLISH.get(text, text) if language == "en" else text

    limit = formatting.number(upload_limit_mb(), lang=language)
    button = _css_string(words("Välj fil"))
    size = _css_string(words("Högst {mb} MB per fil").format(mb=limit))
    drop = _css_string(words("Släpp filen här"))
    return f"""
<style>
/* File uploader: the button ("Upload"), the size line ("200MB per file • CSV, …"), the drag overlay. */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{ content: {button}; }}
[data-testid="stFileUploaderDropzoneInstructions"] > * {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"]::after {{ content: {size}; font-size: 0.875em; opacity: 0.75; }}
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span::after {{ content: {drop};
  font-size: 1rem; }}
/* "Press Enter to apply" / "Press Ctrl+Enter to submit form": every form has its own button that says it. */
[data-testid="InputInstructions"] {{ display: none; }}
</style>
"""


def inject() -> None:
    """Put :func:`widget_texts_css` on the page (once per run, from ``app.py``)."""
    st.markdown(widget_texts_css(), unsafe_allow_html=True)


def file_types_note(types: list[str]) -> str:
    """The file types an uploader takes, for its caption (Streamlit's own list is hidden with the size line).

    >>> file_types_note(["csv", "xlsx"])
    'CSV, XLSX'
    """
    return ", ".join(kind.upper() for kind in types)
