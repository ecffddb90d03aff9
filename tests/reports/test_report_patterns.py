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

import pandas as pd
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
        assert "Nära upprepning (Inbrott inom platsen och 200 m runt den): Efter ett inbrott" in text
        assert NOTE_SV in text


def test_block_in_english(english):
    text = english.text()
    assert "Patterns in time and space" in text
    assert STABLE_EN in text
    assert "Cell size | 200 m | 816 | 100% | hot" in text
    if NEARREPEAT:
        assert "Near-repeat (Inbrott within the place and 200 m around it): After a burglary" in text
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


@pytest.mark.skipif(not NEARREPEAT, reason="analysis.nearrepeat is built beside this block")
def test_a_nearest_band_of_two_pairs_is_not_read_out_below_the_owners_level(swedish):
    from datetime import date

    from analysis.nearrepeat import KnoxResult
    from reports.patterns import PlacePatterns, pattern_blocks, pattern_dict

    table = pd.DataFrame({"distance_from": [0.0], "distance_to": [100.0], "days_from": [0.0], "days_to": [7.0],
                          "observed": [2], "expected": [0.5], "knox_ratio": [4.0], "p_value": [0.01]})
    knox = KnoxResult(table, 40, 0, 30, 2, 0, 2, 0, 0, 199, 2026, "euclidean", (0.0, 100.0), (0.0, 7.0))
    patterns = PlacePatterns(swedish.patterns[1].robustness, knox, 40, ["Inbrott"],
                             (date(2025, 1, 1), date(2025, 12, 31)))
    joint = View(True, False, "gemensam")
    data = pattern_dict(patterns, view=joint, shown=True, too_few="", lang="sv")
    # 2 pairs and the ratio 4.0 × expected 0.5 that gives them back are all "..".
    assert data["near_repeat"]["table"][0]["observed"] == ".."
    assert data["near_repeat"]["table"][0]["knox_ratio"] == ".."
    assert data["near_repeat"]["sentence"] == ("Nära upprepning (Inbrott inom platsen och 200 m runt den): det närmaste "
                                               "bandet har för få par för att visas på den här visningsnivån.")
    # The owner sees the reading: 4,0 times the expected with p = 0,01.
    own = [b.text for b in pattern_blocks(1, patterns, view=View.owner_view(), shown=True, too_few="")
           if hasattr(b, "text")]
    assert ("Nära upprepning (Inbrott inom platsen och 200 m runt den): Efter ett inbrott är risken för ett nytt "
            "inom 100\u00a0m under 7 dagar 4,0 gånger den förväntade (p = 0,01).") in own
