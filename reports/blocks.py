"""The blocks a report is made of: headings, paragraphs, lists, tables, images, page breaks.

:mod:`reports.report` builds a list of these and :mod:`reports.report_docx` and
:mod:`reports.report_html` render them. They live in their own module so that the renderers need
not import the builder (and the builder can import the renderers) without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "LIGHT_LABELS",
    "LIGHT_LABELS_EN",
    "SAMPLE_NOTICES",
    "Block",
    "BulletList",
    "Cell",
    "Heading",
    "Image",
    "Light",
    "PageBreak",
    "Paragraph",
    "Table",
    "TitlePage",
]

LIGHT_LABELS = {"grön": "Grön", "gul": "Gul", "röd": "Röd", "grå": "Grå"}
LIGHT_LABELS_EN = {"grön": "Green", "gul": "Yellow", "röd": "Red", "grå": "Grey"}
# The sample notice is printed larger on the title page, in either language.
SAMPLE_NOTICES = ("Exempeldata – fiktiv ort", "Sample data – fictional town")


@dataclass
class Heading:
    """A heading; level 1 starts a chapter."""

    text: str
    level: int = 1


@dataclass
class Paragraph:
    """A paragraph; ``kind`` is ``body``, ``lead`` (larger) or ``note`` (smaller, grey)."""

    text: str
    kind: str = "body"


@dataclass
class BulletList:
    """A list of short items."""

    items: list[str]


@dataclass
class Light:
    """A traffic-light cell: colour (grön, gul, röd, grå) and its text, never colour alone; ``lang`` names it."""

    status: str
    text: str = ""
    lang: str = "sv"

    def __str__(self) -> str:
        label = (LIGHT_LABELS_EN if self.lang == "en" else LIGHT_LABELS).get(self.status, self.status)
        return f"{label}: {self.text}" if self.text else label


Cell = str | Light


@dataclass
class Table:
    """A table of text cells (a cell may hold several lines separated by ``\\n``)."""

    columns: list[str]
    rows: list[list[Cell]]
    caption: str = ""
    widths: list[float] | None = None  # relative column widths


@dataclass
class Image:
    """A PNG image with a caption and alternative text."""

    png: bytes
    caption: str
    alt: str = ""
    width_cm: float = 16.0


@dataclass
class PageBreak:
    """Start a new page (Word); a rule in HTML."""


@dataclass
class TitlePage:
    """The first page: title, parties, dates and notices."""

    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    notices: list[str]


Block = Heading | Paragraph | BulletList | Table | Image | PageBreak
