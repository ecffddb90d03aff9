"""Write a :class:`reports.report.Report` as one self-contained HTML file, atomically.

Everything is inside the file: CSS inline in ``<style>``, images as base64 PNG ``data:`` URIs, no
scripts, fonts or links to other servers. It opens offline in any browser and prints to A4
(chapters start on a new page).
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import TYPE_CHECKING

from core.files import atomic_path
from core.text import clean_text
from reports.blocks import SAMPLE_NOTICES, BulletList, Heading, Image, Light, PageBreak, Paragraph, Table

if TYPE_CHECKING:
    from reports.report import Report

__all__ = ["render_html", "write_html"]

LIGHT_COLOURS = {"grön": "#b7e4c7", "gul": "#ffe699", "röd": "#f4b6b6", "grå": "#d9d9d9"}

CSS = """
:root { --accent: #1f3a5f; --grey: #595959; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Calibri, "DejaVu Sans", Arial, sans-serif; font-size: 17px;
       line-height: 1.5; color: #1a1a1a; background: #f4f4f2; margin: 0; }
main { max-width: 60rem; margin: 0 auto; background: #fff; padding: 2.5rem 3rem 4rem; }
h1, h2, h3 { color: var(--accent); line-height: 1.25; }
h1 { font-size: 1.9rem; border-bottom: 3px solid var(--accent); padding-bottom: .3rem; margin-top: 2.5rem; }
h2 { font-size: 1.45rem; margin-top: 2rem; }
h3 { font-size: 1.15rem; margin-top: 1.5rem; }
.titlepage { min-height: 34rem; display: flex; flex-direction: column; justify-content: center; }
.titlepage .title { font-size: 2.4rem; font-weight: 700; color: var(--accent); margin: .5rem 0; }
.titlepage .subtitle { font-size: 1.2rem; color: var(--grey); }
.sample { display: inline-block; background: #c0392b; color: #fff; font-weight: 700;
          padding: .2rem .7rem; border-radius: .3rem; letter-spacing: .05em; }
.facts td { border: none; padding: .2rem 1.2rem .2rem 0; }
.facts td:first-child { font-weight: 700; }
.notice { font-style: italic; color: #333; }
p.lead { font-size: 1.1rem; }
p.note { font-size: .92rem; font-style: italic; color: var(--grey); }
table.data { border-collapse: collapse; width: 100%; margin: .4rem 0 1.2rem; font-size: .95rem; }
table.data caption { text-align: left; font-weight: 700; padding-bottom: .3rem; }
table.data th, table.data td { border: 1px solid #b8b8b8; padding: .35rem .5rem; vertical-align: top;
                               text-align: left; }
table.data th { background: #dce6f0; }
td.light { font-weight: 600; }
figure { margin: 1rem 0 1.6rem; text-align: center; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: .9rem; color: var(--grey); font-style: italic; margin-top: .3rem; }
hr.page { border: none; border-top: 1px dashed #ccc; margin: 2.5rem 0 0; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  hr.page { break-after: page; border: none; margin: 0; }
  .titlepage { break-after: page; min-height: 90vh; }
  table.data, figure { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
"""


def _text(value: object) -> str:
    # Every text of a report may come from a user (titles, causes, measures, goals, place names).
    return html.escape(clean_text(value), quote=True).replace("\n", "<br>")


def _table(block: Table) -> str:
    parts = ['<table class="data">']
    if block.caption:
        parts.append(f"<caption>{_text(block.caption)}</caption>")
    if block.widths:
        total = sum(block.widths)
        parts.append("<colgroup>" + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in block.widths)
                     + "</colgroup>")
    parts.append("<thead><tr>" + "".join(f'<th scope="col">{_text(c)}</th>' for c in block.columns) + "</tr></thead>")
    parts.append("<tbody>")
    for row in block.rows:
        cells = []
        for value in row:
            if isinstance(value, Light):
                colour = LIGHT_COLOURS.get(value.status, "#fff")
                cells.append(f'<td class="light" style="background:{colour}">{_text(value)}</td>')
            else:
                cells.append(f"<td>{_text(value)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _image(block: Image) -> str:
    data = base64.b64encode(block.png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(clean_text(block.alt or block.caption), quote=True)}">'
        f"<figcaption>{_text(block.caption)}</figcaption></figure>"
    )


def render_html(report: Report) -> str:
    """The whole report as one HTML string (UTF-8, in the report's language, no external references)."""
    page = report.title_page
    body = ['<section class="titlepage">']
    for notice in page.notices:
        if notice in SAMPLE_NOTICES:
            body.append(f'<p><span class="sample">{_text(notice)}</span></p>')
    body.append(f'<p class="title">{_text(page.title)}</p><p class="subtitle">{_text(page.subtitle)}</p>')
    body.append('<table class="facts">' + "".join(
        f"<tr><td>{_text(label)}</td><td>{_text(value)}</td></tr>" for label, value in page.facts
    ) + "</table>")
    body += [f'<p class="notice">{_text(n)}</p>' for n in page.notices if n not in SAMPLE_NOTICES]
    body.append("</section>")
    for block in report.blocks:
        if isinstance(block, Heading):
            level = min(block.level, 3)
            body.append(f"<h{level}>{_text(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            css = f' class="{block.kind}"' if block.kind != "body" else ""
            body.append(f"<p{css}>{_text(block.text)}</p>")
        elif isinstance(block, BulletList):
            body.append("<ul>" + "".join(f"<li>{_text(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, Table):
            body.append(_table(block))
        elif isinstance(block, Image):
            body.append(_image(block))
        elif isinstance(block, PageBreak):
            body.append('<hr class="page">')
    return (
        f'<!DOCTYPE html>\n<html lang="{report.lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(report.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


def write_html(report: Report, path: str | Path) -> Path:
    """Write ``report`` to ``path`` (.html) via a temporary file, so a failure leaves no file.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    text = render_html(report)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
