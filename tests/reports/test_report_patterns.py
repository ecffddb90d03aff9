"""The report's "Mönster i tid och rum" block for a pinned place, in sv and en, html, docx and json.

The planted town of ``tests/analysis/test_robustness.py``: one incident at the centre of every
50 m cell of a 2 × 2 km square in every quarter of 2025, and 200 a quarter evenly inside the
100 m cell ``[1000, 1100]²`` — the pinned place. The place lies wholly in hot cells at 50, 100
and 200 m and in every quarter (worked out in that file), so the sentence is the stable one.
The second place is the 50 m cell ``[200, 250]²``: one background incident a quarter, 4 in the
year, under the joint level's k = 5, so below the owner's level its block has no numbers.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime

import pytest
from docx import Document

from core.disclosure import View
from reports.report import ProblemPicture, build_report, write_docx, write_html
from reports.report_json import render_json
from store.model import Hotspot
from tests.analysis.test_robustness import PLACE, _box, _town

# Built beside the block at the same time; until they land, the block has no time steps or near-repeat.
EMERGING = importlib.util.find_spec("analysis.emerging") is not None
NEARREPEAT = importlib.util.find_spec("analysis.nearrepeat") is not None

STABLE_SV = "Platsen är het vid alla tre rutstorlekar och i alla fyra kvartal – ett stabilt mönster."
STABLE_EN = "The place is hot at all three cell sizes and in all four quarters – a stable pattern."
NOTE_SV = ("Nära upprepning: Knoxtest med avståndsbanden 0, 100, 200 och 400 m och tidsbanden 0, 7, 14 och 28 dagar, "
           "199 permutationer av datumen med slumpfrö 2026, så att samma data ger samma rapport; "
           "1 januari 2025 – 31 december 2025.")
NOTE_EN = ("Near-repeat: Knox test with distance bands 0, 100, 200 and 400 m and time bands 0, 7, 14 and 28 days, "
           "199 permutations of the dates with seed 2026, so the same data give the same report; "
           "1 January 2025 – 31 December 2025.")


@pytest.fixture(scope="module")
def town():
    frame = _town([0, 1, 2, 3], shuffled=True)
    return frame


@pytest.fixture(scope="module")
def picture():
    return ProblemPicture(hotspots=[
        Hotspot("Planterade rutan", PLACE.geometry_wkt, categories=["Inbrott"], priority=1, id=1),
        Hotspot("Tysta hörnet", _box(200, 200, 250, 250), categories=["Inbrott"], priority=2, id=2),
    ])


@pytest.fixture(scope="module")
def swedish(picture, town):
    return build_report(picture, town, period=("2025-01-01", "2025-12-31"), generated_at=datetime(2026, 1, 10, 9))


@pytest.fixture(scope="module")
def english(picture, town):
    return build_report(picture, town, period=("2025-01-01", "2025-12-31"), generated_at=datetime(2026, 1, 10, 9),
                        lang="en")


def test_block_in_swedish_with_the_robustness_table(swedish):
    text = swedish.text()
    assert "Mönster i tid och rum" in text
    assert STABLE_SV in text
    # The table: each size and quarter with the place's incidents (816 in the year, 200 + 4 a quarter) and 100 %.
    assert "Rutstorlek | 50 m | 816 | 100\u00a0% | het" in text
    assert "Period | 1 april 2025 – 30 juni 2025 | 204 | 100\u00a0% | het" in text
    assert ("Den del av platsen som är het vid alla rutstorlekar och i alla kvartal är 100\u00a0% av den del som är "
            "het vid någon av dem.") in text
    if EMERGING:  # a time-step row gives the share of the place in its class, not a count
        assert "Tidssteg | vecka | – | 100\u00a0% i klassen | " in text
    if NEARREPEAT:
        assert "Nära upprepning (Inbrott inom platsen och 200 m runt den): Efter en händelse" in text
        assert NOTE_SV in text


def test_block_in_english(english):
    text = english.text()
    assert "Patterns in time and space" in text
    assert STABLE_EN in text
    assert "Cell size | 200 m | 816 | 100% | hot" in text
    if NEARREPEAT:
        assert "Near-repeat (Inbrott within the place and 200 m around it): After an incident" in text
        assert NOTE_EN in text
    assert "Mönster" not in text and "rutstorlek" not in text


def test_block_in_docx_html_and_json(swedish, english, tmp_path):
    docx = Document(str(write_docx(swedish, tmp_path / "rapport.docx")))
    paragraphs = [p.text for p in docx.paragraphs]
    assert "Mönster i tid och rum" in paragraphs
    assert STABLE_SV in paragraphs
    cells = [[c.text for c in row.cells] for table in docx.tables for row in table.rows]
    assert ["Rutstorlek", "100 m", "816", "100\u00a0%", "het"] in cells
    html = write_html(english, tmp_path / "report.html").read_text(encoding="utf-8")
    assert STABLE_EN in html and "Patterns in time and space" in html
    data = json.loads(render_json(swedish))
    patterns = data["places"][0]["patterns"]
    assert patterns["robustness"]["sentence"] == STABLE_SV
    assert patterns["robustness"]["sentence_en"] == STABLE_EN
    assert patterns["robustness"]["overlap"] == pytest.approx(1.0)
    assert [row["incidents"] for row in patterns["robustness"]["table"] if row["aspect"] == "period"] == [204] * 4
    if NEARREPEAT:
        assert patterns["near_repeat"]["permutations"] == 199 and patterns["near_repeat"]["seed"] == 2026
        assert patterns["near_repeat"]["sentence"].startswith("Nära upprepning (Inbrott inom platsen")


def test_below_the_owners_level_a_small_place_has_no_numbers(picture, town):
    joint = build_report(picture, town, period=("2025-01-01", "2025-12-31"), generated_at=datetime(2026, 1, 10, 9),
                         view=View(True, False, "gemensam"))
    text = joint.text()
    # The planted place (816) is shown whole; the quiet corner (4 < 5) says why it shows nothing.
    assert STABLE_SV in text
    assert "Mönster i tid och rum visas inte, för få händelser för att visas (under 5)." in text
    data = json.loads(render_json(joint))
    assert data["places"][1]["patterns"] == {"too_few": "för få händelser för att visas (under 5)"}
    # One background incident a quarter at the quiet corner: the owner's report shows 1 in each quarter.
    own = build_report(picture, town, period=("2025-01-01", "2025-12-31"), generated_at=datetime(2026, 1, 10, 9))
    rows = [row for row in json.loads(render_json(own))["places"][1]["patterns"]["robustness"]["table"]
            if row["aspect"] == "period"]
    assert [row["incidents"] for row in rows] == [1, 1, 1, 1]
