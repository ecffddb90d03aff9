"""The problem-picture report on the Exempelstad sample: content, secrecy, goals, files and CLI."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from docx import Document

from analysis.change import format_number_sv
from core.errors import InputError
from data.sample import paths
from geo.dataset import read_areas, read_incidents
from reports.report import (
    FollowupPlan,
    Image,
    ProblemPicture,
    build_report,
    evaluate_goal,
    write_docx,
    write_html,
)
from store.model import Cause, Goal, Hotspot, Measure

REPO = Path(__file__).resolve().parents[2]
SECRET = "HEMLIG: en känd grupp från kvarteret Kvarnen"
NOTE = "Intern anteckning om vakterna"
GENERATED = datetime(2026, 1, 15, 9, 30)


@pytest.fixture(scope="module")
def sample() -> dict:
    p = paths()
    return {
        "incidents": read_incidents(p.incidents),
        "districts": read_areas(p.districts),
        "background": gpd.read_file(p.background).to_crs("EPSG:3006"),
        "truth": json.loads(p.truth.read_text(encoding="utf-8")),
    }


def _hotspots(truth: dict) -> list[Hotspot]:
    planted = {h["place_id"]: h for h in truth["hotspots"]}
    youth, parking = planted["P07"], planted["P08"]
    return [
        Hotspot("Stortorget och krogarna", truth["intervention"]["target_polygon_wkt"],
                categories=["Misshandel utomhus"], weekdays=[5, 6, 7], hours=[21, 22, 23, 0, 1, 2, 3],
                organisation="polis", priority=1, status="åtgärdad", created_at="2024-02-10T10:00:00+01:00",
                snapshot={"period": "jan–dec 2023", "count": 612, "trend": "ökning"}, id=1),
        Hotspot("Infartsparkeringen", f"POINT ({parking['x']} {parking['y']})",
                categories=parking["categories"][:2], organisation="kommun", priority=2, status="prioriterad",
                notes=NOTE, id=2),
        Hotspot("Fritidsgården Kvarnhuset", f"POINT ({youth['x']} {youth['y']})",
                categories=["Störande ungdomar", "Klotter"], weekdays=[4], priority=3, status="förslag", id=3),
    ]


def _picture(truth: dict, districts: gpd.GeoDataFrame) -> ProblemPicture:
    b01 = districts.loc[districts["area_id"] == "B01", "geometry"].iloc[0].wkt
    intervention = truth["intervention"]
    causes = [
        Cause(1, "situationell", "närliggande", "Trängsel vid taxikön när krogarna stänger", shareable=True),
        Cause(1, "brottsoffer", "närliggande", "Berusade besökare går ensamma hem", shareable=True),
        Cause(1, "gärningsperson", "avlägsen", SECRET, shareable=False),
    ]
    measures = [
        Measure("Kamera, belysning och ordningsvakter vid Stortorget", intervention["measures"],
                organisation="polis", responsible="Kommunpolisen", start=intervention["date"], status="pågår",
                hotspot_ids=[1], id=1),
        Measure("Ny belysning vid infartsparkeringen", organisation="kommun", responsible="Tekniska förvaltningen",
                start="2026-02-01", status="planerad", hotspot_ids=[2], id=2),
        Measure("Längre öppettider på fritidsgården", kind="social", responsible="Fritidsförvaltningen",
                start="2024-09-01", end="2025-06-30", status="genomförd", hotspot_ids=[3], id=3),
    ]
    goals = [
        Goal("effektmål", "Minska misshandel utomhus vid Stortorget med 20 %", hotspot_id=1, measure_id=1,
             categories=["Misshandel utomhus"], target_change=-0.20, id=1),
        Goal("processmål", "Ordningsvakter på plats fredag och lördag kväll", measure_id=1, planned=80, done=70,
             unit="kvällar", id=2),
        Goal("produktionsmål", "Byta armaturer vid infartsparkeringen", hotspot_id=2, measure_id=2, planned=40,
             done=12, unit="armaturer", id=3),
        Goal("effektmål", "Minska fordonsbrott vid infartsparkeringen med 15 %", hotspot_id=2,
             categories=["Stöld ur motordrivet fordon"], baseline_start="2025-01-01", baseline_end="2025-12-31",
             target_change=-0.15, id=4),
    ]
    followups = [
        FollowupPlan(1, b01, before=tuple(intervention["before"]), categories=[intervention["category"]],
                     control_name="Jämförelseområde Östra Strand (B01)"),
        FollowupPlan(3, b01, displacement_m=None),  # default periods, the hotspot's categories
    ]
    return ProblemPicture(_hotspots(truth), causes, measures, goals, followups, is_sample=True)


@pytest.fixture(scope="module")
def picture(sample) -> ProblemPicture:
    return _picture(sample["truth"], sample["districts"])


def _build(sample, picture, audience):
    return build_report(picture, sample["incidents"], districts=sample["districts"],
                        background=sample["background"], audience=audience, generated_at=GENERATED)


@pytest.fixture(scope="module")
def internal(sample, picture):
    return _build(sample, picture, "internal")


@pytest.fixture(scope="module")
def public(sample, picture):
    return _build(sample, picture, "public")


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_docx_holds_title_page_hotspots_measures_goals_and_wdd(internal, picture, tmp_path):
    out = write_docx(internal, tmp_path / "problembild.docx")
    text = _docx_text(out)
    assert "Gemensam problembild och åtgärdsplan – Exempelstad" in text
    assert "Exempeldata – fiktiv ort" in text.replace("EXEMPELDATA – FIKTIV ORT", "Exempeldata – fiktiv ort")
    assert "lag (2023:196)" in text and "lägesbild och åtgärdsplan" in text
    assert "Kommunen, Polisen" in text and "2026-01-15" in text and "2023-01-01–2025-12-31" in text
    for hotspot in picture.hotspots:
        assert hotspot.title in text
    for measure in picture.measures:
        assert measure.title in text
    for goal in picture.goals:
        assert goal.description in text
    for heading in ("Sammanfattning", "Lägesbild", "Orsaksanalys", "Åtgärdsplan", "Uppföljning",
                    "Metod och osäkerhet"):
        assert heading in text
    result = internal.followups[0].result
    assert result is not None
    low, high = result.ci95
    for number in (result.target.before, result.target.after, result.control.before, result.control.after):
        assert format_number_sv(number) in text
    decimals = 0 if result.time_weights == (1.0, 1.0) else 1
    assert f"{format_number_sv(low, decimals)} till {format_number_sv(high, decimals)}" in text
    assert f"Skattad effekt (WDD): {format_number_sv(result.est_total, decimals)}" in text
    for sentence in result.sentences("sv"):  # every part of the follow-up, each its own paragraph
        assert sentence in text
    assert SECRET in text and NOTE in text  # the internal version keeps the room's free text
    assert len(Document(str(out)).inline_shapes) == sum(isinstance(b, Image) for b in internal.blocks)


def test_followup_counts_match_the_planted_intervention(internal, sample):
    observed = sample["truth"]["intervention"]["observed"]
    stortorget, youth = internal.followups
    assert (stortorget.result.target.before, stortorget.result.target.after) == (
        observed["target_before"], observed["target_after"])
    assert stortorget.result.est_total < 0 and stortorget.result.p < 0.05
    # Default periods: the 12 months before the start, and the start up to the latest data.
    assert youth.result.periods["before"] == {"start": "2023-09-01", "end": "2024-08-31", "days": 366}
    assert youth.result.periods["after"]["start"] == "2024-09-01"
    assert youth.result.periods["after"]["end"] == "2025-12-31"
    assert youth.categories == ["Störande ungdomar", "Klotter"]


def test_goal_lights(internal):
    lights = {s.goal.id: s.status for s in internal.goal_statuses}
    assert lights == {1: "grön", 2: "gul", 3: "röd", 4: "grå"}
    for status in internal.goal_statuses:
        assert status.sentence.endswith((".", ".)"))


def test_effect_goal_red_and_yellow_on_hand_counts():
    frame = pd.DataFrame({
        "x": [5.0] * 60, "y": [5.0] * 60, "category": ["Klotter"] * 60,
        "occurred_from": pd.to_datetime(["2023-03-01"] * 20 + ["2024-03-01"] * 17 + ["2024-06-01"] * 23),
    })
    spot = Hotspot("Torget", "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", id=1)
    goal = Goal("effektmål", "Minska klotter", hotspot_id=1, baseline_start="2023-01-01",
                baseline_end="2023-12-31", target_change=-0.2)
    args = {"incidents": frame, "hotspots": {1: spot}, "outcomes": {}, "data_end": pd.Timestamp("2024-12-31").date()}
    # 20 → 40: the wrong way.
    assert evaluate_goal(goal, **args).status == "röd"
    # 20 → 17 (−15 %): the right way, but neither certain nor as big as the target.
    fewer = frame.iloc[:37]
    status = evaluate_goal(goal, **{**args, "incidents": fewer})
    assert status.status == "gul" and "slumpen" in status.sentence
    # Process goals: done / planned.
    assert evaluate_goal(Goal("processmål", "Vandringar", planned=4, done=4), **args).status == "grön"
    assert evaluate_goal(Goal("processmål", "Vandringar", planned=4, done=None), **args).status == "grå"


def test_public_version_hides_free_text_and_small_counts(internal, public, tmp_path):
    internal_text = _docx_text(write_docx(internal, tmp_path / "intern.docx"))
    public_text = _docx_text(write_docx(public, tmp_path / "offentlig.docx"))
    assert SECRET not in public_text and NOTE not in public_text
    assert "texten delas inte" in public_text
    assert "Trängsel vid taxikön när krogarna stänger" in public_text  # shareable text stays
    # The ring around Stortorget has one or two assaults a period: hidden only in the public version.
    ring = public.followups[0].result.displacement
    assert 0 < ring.before < 3 or 0 < ring.after < 3
    ring_row = next(line for line in public_text.splitlines() if line.startswith("Området runt omkring ("))
    assert ".." in ring_row
    internal_row = next(line for line in internal_text.splitlines() if line.startswith("Området runt omkring ("))
    assert ".." not in internal_row
    # The ring's estimate, and the total minus the local estimate, would give its counts back: left out.
    assert "Området runt omkring mot sin kontroll" in internal_text and "Skattad effekt (WDD): −132" in internal_text
    assert "Området runt omkring mot sin kontroll" not in public_text and "Skattad effekt (WDD): −132" not in public_text
    assert "för små för att redovisas i den offentliga versionen, så undanträngning" in public_text
    assert "Målområdet mot jämförelseområdet: −133 händelser" in public_text  # 530 → 397 against 99 → 99
    assert "Offentlig version" in public_text


def test_html_is_self_contained(public, tmp_path):
    out = write_html(public, tmp_path / "problembild.html")
    page = out.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page and "<link" not in page and "@import" not in page
    images = sum(isinstance(b, Image) for b in public.blocks)
    assert images >= 6
    assert page.count('src="data:image/png;base64,') == images
    assert page.count("<img") == images
    assert "Gemensam problembild och åtgärdsplan – Exempelstad" in page
    assert SECRET not in page


def test_writes_are_atomic(internal, tmp_path, monkeypatch):
    import docx.document

    def broken_save(self, path):
        Path(path).write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    target = tmp_path / "rapport.docx"
    with pytest.raises(OSError):
        write_docx(internal, target)
    assert list(tmp_path.iterdir()) == []

    def broken_render(report):
        raise RuntimeError("stopp")

    monkeypatch.setattr("reports.report_html.render_html", broken_render)
    old = tmp_path / "rapport.html"
    old.write_text("förra versionen", encoding="utf-8")
    with pytest.raises(RuntimeError):
        write_html(internal, old)
    assert old.read_text(encoding="utf-8") == "förra versionen"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.html"]


def test_bad_input_is_a_swedish_error(sample, picture):
    with pytest.raises(InputError, match="målgrupp"):
        build_report(picture, sample["incidents"], audience="press")
    with pytest.raises(InputError, match="saknar kolumnerna"):
        build_report(picture, pd.DataFrame({"x": [1.0]}))


def test_empty_picture_still_reports(sample):
    incidents = sample["incidents"]
    report = build_report(ProblemPicture(), incidents.iloc[:2000], generated_at=GENERATED)
    text = report.text()
    assert "Inga platser är utpekade ännu." in text
    assert "Ingen effektuppföljning är planerad ännu." in text


def test_cli_report_from_store(tmp_path, sample):
    from store.problem_store import open_store

    picture = _picture(sample["truth"], sample["districts"])
    store = open_store(tmp_path / "problembild.db")
    ids = {}
    for hotspot in picture.hotspots:
        ids[hotspot.id] = store.add_hotspot(replace(hotspot, id=None), user="Test").id
    for cause in picture.causes:
        store.add_cause(replace(cause, id=None, hotspot_id=ids[cause.hotspot_id]), user="Test")
    measure_ids = {}
    for measure in picture.measures:
        added = store.add_measure(replace(measure, id=None, hotspot_ids=[ids[h] for h in measure.hotspot_ids]),
                                  user="Test")
        measure_ids[measure.id] = added.id
    for goal in picture.goals:
        store.add_goal(replace(goal, id=None, hotspot_id=ids.get(goal.hotspot_id),
                               measure_id=measure_ids.get(goal.measure_id)), user="Test")
    store.close()

    env = {**os.environ, "PYTHONPATH": str(REPO), "SAMSYN_DATA": str(tmp_path / "data")}
    out = tmp_path / "ut" / "problembild.docx"
    command = [sys.executable, "-m", "cli", "report", "--out", str(out), "--db", str(tmp_path / "problembild.db"),
               "--data", str(tmp_path / "data"), "--audience", "public", "--followup", f"{measure_ids[1]}:B01"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    as_json = tmp_path / "ut" / "problembild.json"
    written = subprocess.run([*command[:5], str(as_json), *command[6:]], capture_output=True, text=True, env=env,
                             cwd=REPO, timeout=120)
    assert written.returncode == 0, written.stderr
    numbers = json.loads(as_json.read_text(encoding="utf-8"))
    assert {p["title"] for p in numbers["places"]} == {h.title for h in picture.hotspots}
    assert {g["status"] for g in numbers["goals"]} <= {"grön", "gul", "röd", "grå"}
    # The CLI's plan takes the default periods: after = the start up to the latest data, as planted.
    assert numbers["followups"][0]["counts"]["target"]["after"] == 397
    assert "Skrev" in done.stdout
    text = _docx_text(out)
    for hotspot in picture.hotspots:
        assert hotspot.title in text
    assert "Östra Strand" in text and "WDD" in text
    assert SECRET not in text

    bad = subprocess.run([*command[:5], str(tmp_path / "x.pdf"), *command[6:]], capture_output=True, text=True,
                         env=env, cwd=REPO, timeout=60)
    assert bad.returncode == 2 and ".docx" in bad.stderr


# --- effektmål: the place's own change, per day -------------------------------------------------


def _goal_frame(before: int, after: int, after_dates: tuple[str, str]) -> pd.DataFrame:
    """``before`` incidents spread over 2023 and ``after`` over ``after_dates`` at (5, 5), plus noise outside."""
    first = pd.date_range("2023-01-05", "2023-12-20", periods=before) if before else pd.DatetimeIndex([])
    second = pd.date_range(after_dates[0], after_dates[1], periods=after) if after else pd.DatetimeIndex([])
    when = list(first) + list(second) + [pd.Timestamp("2023-06-01")] * 4
    x = [5.0] * (before + after) + [500.0] * 4  # four incidents far away never count
    return pd.DataFrame({"x": x, "y": 5.0, "category": "Klotter", "occurred_from": pd.to_datetime(when)})


def _effect(frame, *, followup=("2024-01-01", "2024-12-31"), target=-0.2):
    spot = Hotspot("Torget", "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", categories=["Klotter"], id=1)
    goal = Goal("effektmål", "Minska klotter", hotspot_id=1, categories=["Klotter"], baseline_start="2023-01-01",
                baseline_end="2023-12-31", followup_start=followup[0], followup_end=followup[1],
                target_change=target)
    return evaluate_goal(goal, incidents=frame, hotspots={1: spot}, outcomes={},
                         data_end=pd.Timestamp("2024-12-31").date())


def test_effect_goal_is_the_places_own_change():
    # 10 in 2023 (365 days) → 3 in 2024 (366 days): (3/366)/(10/365) − 1 = −0,7008, i.e. −70 %.
    status = _effect(_goal_frame(10, 3, ("2024-01-10", "2024-12-20")))
    assert status.change == pytest.approx(3 / 366 / (10 / 365) - 1)
    assert status.counts == (10, 3)
    sentence = status.sentence.replace("\xa0", " ")
    assert "10 händelser under 1 januari 2023 – 31 december 2023 och 3 under 1 januari 2024 – 31 december 2024" \
        in sentence
    assert "förändring −70 %, målet −20 %" in sentence
    # Exact test, 3 of 13 with p0 = 366/731 (a hair above ½): P(X ≤ 3) + P(X ≥ 11) = (378 + 92) / 2¹³ = 0,057
    # (X = 10 is a shade likelier than X = 3, so it is not in the tail). Reached, but may be chance.
    assert status.status == "gul" and "kan bero på slumpen (Poissontest, p = 0,057)" in sentence


def test_effect_goal_unequal_periods_are_counted_per_day():
    # 10 in 365 days → 3 in the 182 days of January–June 2024: 3/182 ÷ 10/365 − 1 = −0,398 → −40 %.
    status = _effect(_goal_frame(10, 3, ("2024-01-10", "2024-06-20")), followup=("2024-01-01", "2024-06-30"))
    assert status.change == pytest.approx(-0.3984, abs=1e-4)
    assert "−40 %" in status.sentence.replace("\xa0", " ") and "räknat per dag" in status.sentence


def test_effect_goal_cannot_fall_more_than_all():
    status = _effect(_goal_frame(40, 0, ("2024-01-10", "2024-12-20")))
    assert status.change == pytest.approx(-1.0)
    assert status.status == "grön"  # 40 → 0: p < 0,001 by the exact test, and −100 % reaches −20 %
    assert "−100 %" in status.sentence.replace("\xa0", " ")


def test_effect_goal_with_a_followup_uses_the_targets_own_counts(internal, sample):
    observed = sample["truth"]["intervention"]["observed"]
    goal = next(s for s in internal.goal_statuses if s.goal.id == 1)
    # The planted counts (530 → 397) over equal periods: 397/530 − 1 = −25 %, not the WDD total over 530.
    assert goal.counts == (observed["target_before"], observed["target_after"])
    assert goal.change == pytest.approx(observed["target_after"] / observed["target_before"] - 1)
    assert goal.status == "grön"
    assert "förändring −25 %, målet −20 %" in goal.sentence.replace("\xa0", " ")
    assert "WDD-test mot jämförelseområdet: −133 händelser" in goal.sentence


# --- places: then and now in words ---------------------------------------------------------------


def test_then_and_now_in_words_never_stored_keys(sample):
    old_snapshot = {"period": ["2025-01-01", "2025-06-30"], "count": 12, "count_previous_year": 20,
                    "change_pct": -40.0, "change_p": 0.2, "weekday_hour_peak": [6, 1],
                    "trend_monthly": {"2025-01": 2}, "filters": {"projektor": "1", "lang": "en"}}
    spot = Hotspot("Torget", sample["truth"]["intervention"]["target_polygon_wkt"], categories=["Misshandel utomhus"],
                   weekdays=[5, 6, 7], hours=[22, 23, 0, 1], snapshot=old_snapshot, id=1)
    report = build_report(ProblemPicture(hotspots=[spot]), sample["incidents"], generated_at=GENERATED,
                          period=("2025-01-01", "2025-12-31"))
    text = report.text().replace("\xa0", " ")
    for key in ("count_previous_year", "change_p", "change_pct", "trend_monthly", "weekday_hour_peak", "projektor",
                "filters"):
        assert key not in text
    assert "Räknas | Misshandel utomhus, fre–sön 22–02" in text
    assert "Period | 1 januari 2025 – 30 juni 2025 | 1 januari 2025 – 31 december 2025" in text
    assert "Antal händelser | 12 |" in text and "Samma period året innan | 20 |" in text
    assert "Förändring | −40 %, " in text
    assert "Flest händelser | lördag 01–02 |" in text


# --- JSON ------------------------------------------------------------------------------------------


def test_json_holds_the_numbers_and_sentences(internal, public, tmp_path):
    from reports.report import write_json

    data = json.loads(write_json(internal, tmp_path / "r.json").read_text(encoding="utf-8"))
    goal = next(g for g in data["goals"] if g["id"] == 1)
    assert goal["status"] == "grön" and goal["change"] == pytest.approx(397 / 530 - 1)
    assert goal["baseline"]["count"] == 530 and goal["followup"]["count"] == 397
    first = data["followups"][0]
    counts = first["counts"]
    assert (counts["target"]["before"], counts["target"]["after"]) == (530, 397)
    assert (counts["control"]["before"], counts["control"]["after"]) == (99, 99)
    assert len([v for c in counts.values() if c for v in c.values()]) == 8
    # WDD by hand: (397 − 530) − (99 − 99) + (ring change) − 0 with the ring's own counts.
    ring = counts["displacement"]
    assert first["estimate"] == pytest.approx(-133 + ring["after"] - ring["before"])
    assert first["se"] == pytest.approx(math.sqrt(530 + 397 + ring["before"] + ring["after"] + 4 * 198))
    assert first["ci95"][0] < first["estimate"] < first["ci95"][1] and 0 < first["p"] < 0.05
    assert first["sentences"][0].replace("\xa0", " ") == (
        "I målområdet minskade misshandel utomhus från 530 till 397 händelser (−25 %).")
    assert first["sentences_en"][0].startswith("In the target area misshandel utomhus fell from 530 to 397")
    place = data["places"][0]
    assert place["title"] == "Stortorget och krogarna" and place["then"]["count"] == 612
    assert place["now"]["count"] == internal.places[0][2].count
    texts = [b.get("paragraph") for b in data["document"]]
    assert all(s in texts for s in first["sentences"])
    # Public: the ring's one or two assaults are ".." in the JSON too.
    hidden = json.loads(write_json(public, tmp_path / "p.json").read_text(encoding="utf-8"))
    assert ".." in hidden["followups"][0]["counts"]["displacement"].values()
    assert hidden["followups"][0]["estimate"] == ".." and hidden["followups"][0]["local"]["estimate"] == -133
