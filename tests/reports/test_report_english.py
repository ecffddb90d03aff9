"""The report in English: a small hand-built picture whose counts are worked out by hand."""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
import pytest
from docx import Document

from reports.report import FollowupPlan, ProblemPicture, build_report, write_docx, write_html
from store.model import Goal, Hotspot, Measure

X0, Y0 = 150_000.0, 6_580_000.0
TARGET = f"POLYGON (({X0} {Y0}, {X0 + 100} {Y0}, {X0 + 100} {Y0 + 100}, {X0} {Y0 + 100}, {X0} {Y0}))"
CX = X0 + 2_000  # the comparison area, 2 km east
CONTROL = f"POLYGON (({CX} {Y0}, {CX + 100} {Y0}, {CX + 100} {Y0 + 100}, {CX} {Y0 + 100}, {CX} {Y0}))"
# Swedish words that must not be left in the English text (none is in the category name or a title).
SWEDISH = ["och", "händelser", "händelse", "Mål", "mål", "åtgärd", "Åtgärder", "jämfört", "Uppföljning",
           "Lägesbild", "Sammanfattning", "räknat", "platsen", "inom", "året", "Plats", "Metod", "antal",
           "Område", "Förändring", "av", "för", "till", "januari", "mars", "Grön", "Gul"]


def _incidents(x: float, count: int, start: str) -> pd.DataFrame:
    # Spread over the period's 365 days, the first on its last day, at 22:00 in the middle of the square.
    offsets = [364 - i * 365 // count for i in range(count)]
    days = pd.Timestamp(start) + pd.to_timedelta(offsets, unit="D") + pd.Timedelta(hours=22)
    return pd.DataFrame({"x": x + 50.0, "y": Y0 + 50.0, "occurred_from": days,
                         "occurred_to": days + pd.Timedelta(minutes=30), "category": "Misshandel utomhus"})


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    # Target 400 → 300 (−25 %), comparison area 100 → 100; 2024-03-01–2025-02-28 and 2025-03-01–2026-02-28.
    frame = pd.concat([_incidents(X0, 400, "2024-03-01"), _incidents(X0, 300, "2025-03-01"),
                       _incidents(CX, 100, "2024-03-01"), _incidents(CX, 100, "2025-03-01")], ignore_index=True)
    frame.attrs["crs"] = "EPSG:3006"
    return frame


@pytest.fixture(scope="module")
def picture() -> ProblemPicture:
    return ProblemPicture(
        hotspots=[Hotspot("Stortorget", TARGET, categories=["Misshandel utomhus"], priority=1, status="prioriterad",
                          id=1)],
        measures=[Measure("Kameror vid Stortorget", start="2025-03-01", status="pågår", hotspot_ids=[1], id=1)],
        goals=[Goal("effektmål", "Stortorget −20 %", hotspot_id=1, measure_id=1, categories=["Misshandel utomhus"],
                    baseline_start="2024-03-01", baseline_end="2025-02-28", followup_start="2025-03-01",
                    followup_end="2026-02-28", target_change=-0.20, id=1)],
        followups=[FollowupPlan(1, CONTROL, displacement_m=None, before=("2024-03-01", "2025-02-28"),
                                after=("2025-03-01", "2026-02-28"), control_name="Östra Strand")],
        place_name="Exempelstad",
    )


@pytest.fixture(scope="module")
def english(picture, incidents):
    return build_report(picture, incidents, lang="en", generated_at=datetime(2026, 3, 10, 9, 0))


@pytest.fixture(scope="module")
def swedish(picture, incidents):
    return build_report(picture, incidents, generated_at=datetime(2026, 3, 10, 9, 0))


def test_english_goal_and_wdd_sentences_with_english_numbers(english):
    text = english.text()
    # By hand: 300 / 400 − 1 = −25 %; WDD local = (300 − 400) − (100 − 100) = −100,
    # SE = √(400 + 300 + 100 + 100) = 30, z = −3.33, two-sided p = 0.00087 < 0.001: green.
    assert ("Assault outdoors at the place: 400 incidents in 1 March 2024 – 28 February 2025 and 300 in "
            "1 March 2025 – 28 February 2026 (change -25%, goal -20%). The goal is reached, and the place fell more "
            "than the comparison area (WDD test against the comparison area: -100 incidents, p < 0.001); other "
            "changes in the area may still have contributed.") in text
    assert "In the target area misshandel utomhus fell from 400 to 300 incidents (-25%)." in text
    assert "Target area against the comparison area: -100 incidents, p < 0.001" in text
    assert "Standard error 30.0, z = -3.33, p < 0.001" in text
    assert "Joint problem picture and action plan – Exempelstad" in text
    assert "Prioritised | 1 | 0 | 0 | 1" in text
    assert "Green: " in text


def test_english_text_has_no_swedish_words_left(english):
    # The category name and the parties' own titles stay Swedish; take them out before looking.
    text = english.text()
    for own in ("Misshandel utomhus", "misshandel utomhus", "Kameror vid Stortorget", "Stortorget −20 %",
                "Stortorget", "Östra Strand", "Exempelstad"):
        text = text.replace(own, "")
    left = [word for word in SWEDISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
    assert left == [], left


def test_swedish_report_keeps_its_words(swedish):
    text = swedish.text().replace("\xa0", " ")
    assert ("Misshandel utomhus vid platsen: 400 händelser under 1 mars 2024 – 28 februari 2025 och 300 under "
            "1 mars 2025 – 28 februari 2026 (förändring −25 %, målet −20 %).") in text
    assert "Målområdet mot jämförelseområdet: −100 händelser, p < 0,001" in text


def test_docx_and_html_headings_in_english(english, tmp_path):
    docx = Document(str(write_docx(english, tmp_path / "report.docx")))
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    for heading in ("Summary", "Situation report", "Pinned places", "Place 1: Stortorget", "Cause analysis",
                    "Measures and goals", "Action plan", "Follow-up", "Method and uncertainty"):
        assert heading in headings
    assert docx.core_properties.language == "en-GB"
    html = write_html(english, tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    for heading in ("<h1>Summary</h1>", "<h1>Follow-up</h1>", "<h2>Place 1: Stortorget</h2>",
                    "<h1>Method and uncertainty</h1>"):
        assert heading in html
    assert "Sammanfattning" not in html
