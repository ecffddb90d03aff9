"""Text from users and files without the characters that break a document or hide what it says.

Used wherever such text is written: the HTML and Word reports and the dashboard's escaping helpers.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text"]

# C0/C1 control characters other than tab and newline (not allowed in XML, so python-docx refuses
# them; meaningless in HTML), and the bidirectional overrides and isolates that can make a name from
# a user's file read backwards or hide part of it.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")


def clean_text(value: object) -> str:
    """The text of ``value`` without control or bidirectional-override characters.

    Examples
    --------
    >>> clean_text("Torget\\u202e\\x00gnälla")
    'Torgetgnälla'
    """
    text = "" if value is None else str(value)
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))
