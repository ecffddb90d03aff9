"""Hostile text is data, not markup: a corpus of hostile strings through every way text reaches HTML.

Maps (every tooltip), the HTML and Word reports, and the Markdown escaping the pages use. The
browser half (no script runs, nothing breaks the layout) is tests/browser/test_hostile_text.py.
"""

from __future__ import annotations

import re
from datetime import datetime

import geopandas as gpd
import pandas as pd
import pytest
from docx import Document
from shapely.geometry import Point, box

from dashboard.components.maps import MapLayers, build_map, build_problem_map
from dashboard.components.safe_text import escape_html, escape_markdown
from reports.report import ProblemPicture, build_report, write_docx
from reports.report_html import render_html
from store.model import Cause, Goal, Hotspot, Measure

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
SVG = '"><svg onload=window.__xss=1>'
JS_URL = "javascript:window.__xss=1"
MD_LINK = "[Klicka här](javascript:window.__xss=1)"
LONG = "Lång" * 2500  # 10,000 characters
CONTROL = "Torg\x00\x07\x1b[31m\x7fet"
RTL = "\u202eteviL\u202c Väst\u200f"
CORPUS = [SCRIPT, IMG, SVG, JS_URL, MD_LINK, LONG, CONTROL, RTL]
# The dangerous forms, as a browser would parse them if they arrived unescaped.
RAW = ["<script>window.__xss", "<img src=x onerror", "<svg onload", "onerror=\"window", "\x00", "\u202e"]

CRS = "EPSG:3006"
X0, Y0 = 674_000.0, 6_580_000.0


def _districts() -> gpd.GeoDataFrame:
    boxes = [box(X0 + 500 * i, Y0, X0 + 500 * (i + 1), Y0 + 500) for i in range(len(CORPUS))]
    return gpd.GeoDataFrame({"area_id": [f"D{i}" for i in range(len(CORPUS))], "name": CORPUS,
                             "value": [float(i) for i in range(len(CORPUS))],
                             "label": [f"{i} händelser" for i in range(len(CORPUS))]}, geometry=boxes, crs=CRS)


def _assert_no_raw_markup(html: str) -> None:
    for raw in RAW:
        assert raw not in html, f"unescaped {raw!r} in the HTML"


def test_every_tooltip_of_the_map_sets_text_not_html():
    districts = _districts()
    places = gpd.GeoDataFrame({"area_id": ["P1", "P2"], "name": [IMG, MD_LINK], "kind": [SCRIPT, "torg"]},
                              geometry=[Point(X0 + 100, Y0 + 100), Point(X0 + 900, Y0 + 100)], crs=CRS)
    points = pd.DataFrame({"x": [X0 + 50.0], "y": [Y0 + 50.0], "category": [SVG],
                           "occurred_from": pd.to_datetime(["2025-03-01 22:10"])})
    survey = districts[["area_id", "name", "value", "geometry"]]
    layers = MapLayers(districts=districts, district_metric=SCRIPT, places=places, points=points, survey=survey,
                       survey_label=IMG, crs=CRS)
    html = build_map(layers, (17.0, 59.0, 17.1, 59.1)).get_root().render()
    _assert_no_raw_markup(html)
    # folium's own tooltip (an HTML string into innerHTML) is gone; every tooltip sets textContent.
    assert "div.innerHTML=table" not in html
    assert html.count(".bindTooltip(function(layer)") == 4  # districts, places, points, survey
    assert html.count("textContent = text(layer.feature.properties[field])") == 4
    # The names travel as JSON strings with < and > escaped, so no tag can close the script.
    assert "\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e" in html


def test_pinned_titles_on_the_problem_map_are_text():
    hotspots = gpd.GeoDataFrame({"id": [1, 2, 3], "title": [SCRIPT, IMG, LONG], "picture": ["polis", "kommun",
                                 "gemensam"], "status": [SVG, "prioriterad", "ny"]},
                                geometry=[box(X0, Y0, X0 + 100, Y0 + 100), box(X0 + 200, Y0, X0 + 300, Y0 + 100),
                                          box(X0 + 400, Y0, X0 + 500, Y0 + 100)], crs=CRS)
    html = build_problem_map(hotspots, (17.0, 59.0, 17.1, 59.1), crs=CRS, control_areas=_districts()
                             ).get_root().render()
    _assert_no_raw_markup(html)
    assert "div.innerHTML=table" not in html
    assert html.count(".bindTooltip(function(layer)") == 2  # the comparison areas and the pinned places


def test_escape_html_and_markdown_by_hand():
    assert escape_html(IMG) == "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;"
    assert escape_html(SCRIPT) == "&lt;script&gt;window.__xss=1&lt;/script&gt;"
    assert escape_html(CONTROL) == "Torg[31met"
    assert escape_html(RTL) == "teviL Väst"
    assert escape_html(LONG) == "Lång" * 74 + "Lån…" and len(escape_html(LONG)) == 300
    assert escape_markdown(MD_LINK) == r"\[Klicka här\](javascript:window.\_\_xss=1)"
    assert escape_markdown(SCRIPT) == r"\<script\>window.\_\_xss=1\</script\>"
    assert escape_markdown("**fet** :red[röd] $x$") == r"\*\*fet\*\* :red\[röd\] \$x\$"
    assert escape_markdown("- lista\n# rubrik") == r"\- lista \# rubrik"
    assert escape_markdown("1. först") == r"1\. först"


@pytest.fixture(scope="module")
def hostile_report():
    target = f"POLYGON (({X0} {Y0}, {X0 + 100} {Y0}, {X0 + 100} {Y0 + 100}, {X0} {Y0 + 100}, {X0} {Y0}))"
    days = pd.Timestamp("2025-03-01 22:00") + pd.to_timedelta(range(20), unit="D")
    incidents = pd.DataFrame({"x": X0 + 50.0, "y": Y0 + 50.0, "occurred_from": days,
                              "occurred_to": days + pd.Timedelta(minutes=30), "category": "Klotter"})
    incidents.attrs["crs"] = CRS
    picture = ProblemPicture(
        hotspots=[Hotspot(SCRIPT + CONTROL, target, categories=["Klotter"], priority=1, status="prioriterad", id=1,
                          notes=IMG)],
        causes=[Cause(1, "situationell", "närliggande", SVG + " " + RTL, shareable=True, id=1)],
        measures=[Measure(MD_LINK + LONG, description=JS_URL, start="2025-03-01", status="pågår", hotspot_ids=[1],
                          id=1)],
        goals=[Goal("processmål", IMG + "\x0b", hotspot_id=1, measure_id=1, planned=10, done=4, unit="kvällar", id=1)],
        place_name="Exempel<b>stad</b>",
    )
    return build_report(picture, incidents, title=SCRIPT, generated_at=datetime(2026, 3, 10, 9, 0))


def test_the_html_report_escapes_every_text(hostile_report):
    html = render_html(hostile_report)
    _assert_no_raw_markup(html)
    assert "<b>stad</b>" not in html
    # What a reader sees: the characters themselves.
    assert "<title>&lt;script&gt;window.__xss=1&lt;/script&gt;</title>" in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;Torg[31met" in html
    assert "&quot;&gt;&lt;svg onload=window.__xss=1&gt; teviL Väst" in html


def test_the_word_report_survives_control_characters(hostile_report, tmp_path):
    path = write_docx(hostile_report, tmp_path / "rapport.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    tables = "\n".join(cell.text for table in Document(str(path)).tables for row in table.rows for cell in row.cells)
    assert "<script>window.__xss=1</script>" in text  # Word shows the characters; it runs no script
    assert "\x00" not in text + tables and "\x1b" not in text + tables
    assert "<script>window.__xss=1</script>Torg[31met" in text + tables
    assert re.search(r"\[Klicka här\]\(javascript:window.__xss=1\)(Lång)+", text + tables)


def test_figures_draw_a_name_that_would_break_tex(tmp_path):
    # Two "$" around an unfinished \frac make matplotlib's mathtext raise; a name is drawn as text.
    from reports.figures import map_png, trend_png

    name = r"Polisens $\frac{ export$ mars"
    districts = _districts().assign(name=name)
    png = map_png(bounds=(X0, Y0, X0 + 4000, Y0 + 500), districts=districts, title=name,
                  extra=[(name, box(X0, Y0, X0 + 500, Y0 + 500), "#000000")])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    series = {name: pd.DataFrame({"period_start": ["2025-01-01", "2025-02-01"], "count": [3, 4]})}
    assert trend_png(series, title=name)[:8] == b"\x89PNG\r\n\x1a\n"
