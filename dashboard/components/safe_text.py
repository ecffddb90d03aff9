"""Text from users and files made harmless before it reaches HTML or Markdown.

Names of areas, places and datasets, categories, pinned titles, notes, causes, measures, goals and
file names come from people and files, and are data, not markup: folium's ``GeoJsonTooltip`` writes
property values with ``innerHTML``, and ``st.markdown`` turns ``[text](javascript:…)`` into a link.
Control and bidirectional-override characters are removed by :func:`clean_text`, which the HTML and
Word reports use too.
"""

from __future__ import annotations

import html
import re

from core.text import clean_text

# The characters that make markup in Streamlit's Markdown: emphasis, code, links and images (no link
# without "["), raw HTML, headings, tables, strike-through and $LaTeX$; Streamlit's ``:red[…]``
# needs "[" too. Others stay as they are, so a sentence with a name in it reads (and tests) as before.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$])")
# At the very start a text could open a list ("- ", "+ ", "1. ") or a block quote (">", above).
_LEADING = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")
DEFAULT_LIMIT = 300


def shorten(text: str, limit: int = DEFAULT_LIMIT) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis where it was cut.

    >>> shorten("Stortorget", 6)
    'Stort…'
    """
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def escape_html(value: object, limit: int | None = DEFAULT_LIMIT) -> str:
    """``value`` as HTML text: cleaned, shortened (``limit=None``: whole) and with ``<>&"'`` escaped.

    >>> escape_html('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    text = clean_text(value)
    return html.escape(shorten(text, limit) if limit else text, quote=True)


def escape_markdown(value: object, limit: int | None = DEFAULT_LIMIT) -> str:
    """``value`` as literal text inside Streamlit Markdown: no links, emphasis, HTML, colours or LaTeX.

    Newlines become spaces, so a name cannot start a heading or a list on a line of its own.

    >>> print(escape_markdown("[klicka](javascript:alert(1)) **fet**"))
    \\[klicka\\](javascript:alert(1)) \\*\\*fet\\*\\*
    """
    text = clean_text(value).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    if limit:
        text = shorten(text, limit)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # "- x" becomes "\\- x"; "1. x" becomes "1\\. x" (the escape goes before the list marker).
    return _LEADING.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2).isdigit() else "\\" + m.group(2)),
                        text)
