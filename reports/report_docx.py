"""Write a :class:`reports.report.Report` as a Word document (python-docx), atomically.

A4 with 2 cm margins, a title page, headings the parties can keep in their own template, tables
with a shaded header row and traffic-light cells that carry both a colour and a word, images at
their full resolution scaled to the page, and a footer with the title and page numbers.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from core import formatting
from core.files import atomic_path
from core.text import clean_text
from reports.blocks import SAMPLE_NOTICES, BulletList, Heading, Image, Light, PageBreak, Paragraph, Table

if TYPE_CHECKING:
    from docx.document import Document as DocumentType
    from docx.table import _Cell

    from reports.report import Report

__all__ = ["LIGHT_FILL", "write_docx"]

# Light tints so black text stays readable; the word in the cell says the status too.
LIGHT_FILL = {"grön": "B7E4C7", "gul": "FFE699", "röd": "F4B6B6", "grå": "D9D9D9"}
HEADER_FILL = "DCE6F0"
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x59, 0x59, 0x59)
PAGE_WIDTH_CM = 17.0


def _shade(cell: _Cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, size: float = 9.5) -> None:
    lines = _xml(text).split("\n")
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold
        run.font.size = Pt(size)
        if index < len(lines) - 1:
            run.add_break()


def _xml(text: object) -> str:
    # python-docx refuses (ValueError) control characters that XML cannot hold; a pasted title or
    # a cause copied from another program can carry them. Bidirectional overrides go as well.
    return clean_text(text)


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _setup(document: DocumentType, report: Report) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    styles = document.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    for level, size in ((1, 18), (2, 14), (3, 12)):
        style = styles[f"Heading {level}"]
        style.font.size = Pt(size)
        style.font.color.rgb = ACCENT
    core = document.core_properties
    core.title = report.title
    core.subject = ("Joint problem picture, situation report and action plan" if report.lang == "en"
                    else "Gemensam problembild, lägesbild och åtgärdsplan")
    core.author = "Samsyn"
    core.language = "en-GB" if report.lang == "en" else "sv-SE"


def _footer(document: DocumentType, report: Report) -> None:
    section = document.sections[0]
    section.different_first_page_header_footer = True  # no footer on the title page
    paragraph = section.footer.paragraphs[0]
    page = "page" if report.lang == "en" else "sida"
    paragraph.text = f"{_xml(report.title)} · {formatting.short_date(report.generated_at, lang=report.lang)} · {page} "
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in paragraph.runs:
        run.font.size = Pt(8.5)
        run.font.color.rgb = GREY
    _page_field(paragraph)


def _title_page(document: DocumentType, report: Report) -> None:
    page = report.title_page
    for _ in range(5):
        document.add_paragraph()
    for notice in page.notices[:1]:
        if notice in SAMPLE_NOTICES:
            run = document.add_paragraph().add_run(_xml(notice.upper()))
            run.bold, run.font.size = True, Pt(12)
            run.font.color.rgb = RGBColor(0xC0, 0x39, 0x2B)
    heading = document.add_paragraph()
    run = heading.add_run(_xml(page.title))
    run.bold, run.font.size, run.font.color.rgb = True, Pt(26), ACCENT
    sub = document.add_paragraph().add_run(_xml(page.subtitle))
    sub.font.size, sub.font.color.rgb = Pt(13), GREY
    document.add_paragraph()
    table = document.add_table(rows=0, cols=2)
    for label, value in page.facts:
        cells = table.add_row().cells
        _cell_text(cells[0], label, bold=True, size=11)
        _cell_text(cells[1], value, size=11)
        cells[0].width, cells[1].width = Cm(4.5), Cm(12.5)
    document.add_paragraph()
    for notice in page.notices:
        if notice in SAMPLE_NOTICES:
            continue
        paragraph = document.add_paragraph()
        text = paragraph.add_run(_xml(notice))
        text.font.size = Pt(10.5)
        text.italic = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _table(document: DocumentType, block: Table) -> None:
    if block.caption:
        caption = document.add_paragraph()
        run = caption.add_run(_xml(block.caption))
        run.bold, run.font.size = True, Pt(10)
        caption.paragraph_format.keep_with_next = True
        caption.paragraph_format.space_after = Pt(2)
    table = document.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = block.widths or [1.0] * len(block.columns)
    total = sum(widths)
    header = table.rows[0]
    _repeat_header(header)
    for cell, name in zip(header.cells, block.columns, strict=True):
        _cell_text(cell, name, bold=True)
        _shade(cell, HEADER_FILL)
    for values in block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            if isinstance(value, Light):
                _cell_text(cell, str(value))
                _shade(cell, LIGHT_FILL.get(value.status, "FFFFFF"))
            else:
                _cell_text(cell, value)
    # Word reads the cell widths, LibreOffice the grid columns: set both.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(PAGE_WIDTH_CM * width / total)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(PAGE_WIDTH_CM * width / total)
    document.add_paragraph().paragraph_format.space_after = Pt(4)


def _image(document: DocumentType, block: Image) -> None:
    document.add_picture(io.BytesIO(block.png), width=Cm(min(block.width_cm, PAGE_WIDTH_CM)))
    picture_paragraph = document.paragraphs[-1]
    picture_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture_paragraph.paragraph_format.keep_with_next = True
    inline = picture_paragraph.runs[-1]._r.find(".//" + qn("wp:docPr"))
    if inline is not None and block.alt:
        inline.set("descr", _xml(block.alt))
    caption = document.add_paragraph()
    run = caption.add_run(_xml(block.caption))
    run.italic, run.font.size = True, Pt(9)
    run.font.color.rgb = GREY


def _paragraph(document: DocumentType, block: Paragraph) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(_xml(block.text))
    if block.kind == "lead":
        run.font.size = Pt(12)
    elif block.kind == "note":
        run.font.size, run.italic = Pt(9.5), True
        run.font.color.rgb = GREY


def render_docx(report: Report) -> DocumentType:
    """Build the python-docx document of a report (not yet saved)."""
    document = Document()
    _setup(document, report)
    _title_page(document, report)
    pending_break = False
    for block in report.blocks:
        if isinstance(block, PageBreak):
            pending_break = True  # carried by the next heading, so no empty page-break paragraphs
            continue
        if isinstance(block, Heading):
            heading = document.add_heading(_xml(block.text), level=min(block.level, 3))
            heading.paragraph_format.page_break_before = pending_break
            pending_break = False
        elif isinstance(block, Paragraph):
            _paragraph(document, block)
        elif isinstance(block, BulletList):
            for item in block.items:
                document.add_paragraph(_xml(item), style="List Bullet")
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Image):
            _image(document, block)
    _footer(document, report)
    return document


def write_docx(report: Report, path: str | Path) -> Path:
    """Write ``report`` to ``path`` (.docx) via a temporary file, so a failure leaves no file.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    document = render_docx(report)
    with atomic_path(path) as tmp:
        document.save(str(tmp))
    return path
