"""Disclosure control in the report, its JSON and the problem-picture file made for the other party.

Hand-counted on the Exempelstad sample (``data/sample/incidents``, EPSG:3006), within 50 m of
the pinned point (the nearest incidents outside are more than 51 m away, so the edge decides
nothing):

- Klotter at (589542, 6544968): 6 in 2025 and 1 in 2024;
- Personrån at (589951, 6544830): 2 in 2025 and none in 2024.

At level ``gemensam`` the 1 is "..", and the robbery place (2 < k = 5) keeps its title and texts
but its numbers say "för få händelser för att visas (under 5)"; at ``egen`` everything shows.
"""

from __future__ import annotations

import json
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import shapely
from docx import Document

from core.disclosure import View
from data.sample import paths
from geo.dataset import read_incidents
from reports.report import FollowupPlan, ProblemPicture, Source, build_report, write_docx, write_html
from reports.report_json import render_json
from store.datasets import create_dataset
from store.model import Cause, Goal, Hotspot, Measure
from store.problem_store import open_store

GRAFFITI_XY = (589542, 6544968)
ROBBERY_XY = (589951, 6544830)
SHARED = "Gångtunneln är mörk och saknar insyn"
SECRET = "HEMLIG: två namngivna ungdomar från kvarteret"
POLICE_ONLY = "Spaningsplatsen bakom stationen"
POLICE_CAUSE = "Polisens egen iakttagelse vid stationen"
PERIOD = ("2025-01-01", "2025-12-31")
GENERATED = datetime(2026, 1, 15, 9, 30)
JOINT = View(True, False, "gemensam")
TOO_FEW = "för få händelser för att visas (under 5)"
JOINT_LABEL = ("Visningsnivå: gemensam – antal 1–2 visas som ”..”, platser med färre än 5 händelser visas inte var "
               "för sig och inga enskilda händelser visas.")
OWN_LABEL = "Visningsnivå: egen (ägarens analytiker) – alla antal visas."


@pytest.fixture(scope="module")
def incidents():
    return read_incidents(paths().incidents)


def test_hand_counts_behind_this_file(incidents):
    """The counts the other tests assert, recounted here from the sample so a new sample shows up at once."""
    def near(category, xy, year):
        rows = incidents[incidents["category"] == category]
        distance = np.hypot(rows["x"] - xy[0], rows["y"] - xy[1])
        return int(((distance <= 50) & (rows["occurred_from"].dt.year == year)).sum())

    assert (near("Klotter", GRAFFITI_XY, 2025), near("Klotter", GRAFFITI_XY, 2024)) == (6, 1)
    assert (near("Personrån", ROBBERY_XY, 2025), near("Personrån", ROBBERY_XY, 2024)) == (2, 0)


def _picture() -> ProblemPicture:
    hotspots = [
        Hotspot("Klottret vid gångtunneln", f"POINT ({GRAFFITI_XY[0]} {GRAFFITI_XY[1]})", categories=["Klotter"],
                priority=1, notes="Anteckning: vaktbolaget vet vem", id=1),
        Hotspot("Rånen vid busshållplatsen", f"POINT ({ROBBERY_XY[0]} {ROBBERY_XY[1]})", categories=["Personrån"],
                priority=2, id=2),
    ]
    causes = [Cause(1, "situationell", "närliggande", SHARED, shareable=True, id=1),
              Cause(1, "gärningsperson", "avlägsen", SECRET, shareable=False, id=2),
              Cause(2, "situationell", "närliggande", "Hållplatsen ligger i mörker", shareable=True, id=3)]
    goals = [Goal("effektmål", "Mindre klotter i tunneln", hotspot_id=1, categories=["Klotter"],
                  baseline_start="2024-01-01", baseline_end="2024-12-31", followup_start="2025-01-01",
                  followup_end="2025-12-31", target_change=-0.2, id=1)]
    return ProblemPicture(hotspots=hotspots, causes=causes, goals=goals, place_name="Exempelstad", is_sample=True)


@pytest.fixture(scope="module")
def reports(incidents):
    picture = _picture()
    return {level: build_report(picture, incidents, period=PERIOD, generated_at=GENERATED, view=view)
            for level, view in (("egen", None), ("gemensam", JOINT))}


class _Rows(HTMLParser):
    """Every table row of an HTML page as a list of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _html_rows(report, tmp_path: Path) -> list[list[str]]:
    parser = _Rows()
    parser.feed(write_html(report, tmp_path / "rapport.html").read_text(encoding="utf-8"))
    return parser.rows


def _docx_rows(report, tmp_path: Path) -> tuple[list[list[str]], str]:
    document = Document(write_docx(report, tmp_path / "rapport.docx"))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return rows, "\n".join(p.text for p in document.paragraphs)


def _place_rows(rows: list[list[str]], label: str) -> list[list[str]]:
    """The then-and-now rows with this label, in place order (place 1 first)."""
    return [row for row in rows if row and row[0] == label and len(row) == 3]


@pytest.mark.parametrize("writer", ["html", "docx"])
def test_documents_hide_small_counts_below_the_owners_level(reports, tmp_path, writer):
    def rows(level):
        out = tmp_path / level
        out.mkdir()
        return _html_rows(reports[level], out) if writer == "html" else _docx_rows(reports[level], out)[0]

    own, joint = rows("egen"), rows("gemensam")
    # Place 1, the Nu column: 6 this year, 1 the year before (".." below the owner's level).
    assert _place_rows(own, "Antal händelser")[0][2] == "6"
    assert _place_rows(own, "Samma period året innan")[0][2] == "1"
    assert _place_rows(joint, "Antal händelser")[0][2] == "6"
    assert _place_rows(joint, "Samma period året innan")[0][2] == ".."
    assert _place_rows(joint, "Förändring")[0][2] == ".."  # +500 % would give the 1 back
    # Place 2: 2 robberies, under k = 5: its numbers say so at gemensam, show at egen.
    assert _place_rows(own, "Antal händelser")[1][2] == "2"
    assert _place_rows(joint, "Antal händelser")[1][2] == TOO_FEW
    assert _place_rows(joint, "Samma period året innan")[1][2] == ".."


def test_controlled_report_keeps_titles_and_shareable_text_only(reports):
    joint = reports["gemensam"].text()
    assert "Plats 2: Rånen vid busshållplatsen" in joint and "Hållplatsen ligger i mörker" in joint
    assert SHARED in joint and SECRET not in joint and "vaktbolaget vet vem" not in joint
    assert SECRET in reports["egen"].text() and "vaktbolaget vet vem" in reports["egen"].text()
    # No map or heatmap of two robberies at the controlled level: the note stands in their place.
    assert f"Plats 2: kartan och värmekartan visas inte, {TOO_FEW}." in joint
    assert "Plats 2: Personrån per ruta" in reports["egen"].text()
    assert "Plats 2: Personrån per ruta" not in joint


def test_the_level_is_on_the_title_page_and_in_the_method_section(reports, tmp_path):
    for level, label in (("egen", OWN_LABEL), ("gemensam", JOINT_LABEL)):
        report = reports[level]
        assert report.title_page.notices[:2] == ["Exempeldata – fiktiv ort", label]
        blocks = [b.text for b in report.blocks if hasattr(b, "text") and isinstance(b.text, str)]
        method = blocks.index("Metod och osäkerhet")
        assert blocks[method + 1] == label
    html = (write_html(reports["gemensam"], tmp_path / "g.html")).read_text(encoding="utf-8")
    assert "Visningsnivå: gemensam – antal 1–2 visas som ”..”" in html


def test_goal_counts_hidden_below_the_owners_level(reports):
    own = reports["egen"].goal_statuses[0]
    joint = reports["gemensam"].goal_statuses[0]
    assert own.counts == (1, 6) and "1 händelser under" in own.sentence and "6 under" in own.sentence
    assert joint.sentence == "Effektmålet räknar för få händelser för att visas (under 5)."
    assert joint.status == own.status  # the light names no number and stays


def test_json_masks_like_the_documents(reports):
    own = json.loads(render_json(reports["egen"]))
    joint = json.loads(render_json(reports["gemensam"]))
    assert (own["level"], joint["level"]) == ("egen", "gemensam")
    assert joint["view"] == JOINT_LABEL
    graffiti, robbery = joint["places"]
    assert graffiti["now"]["count"] == 6 and graffiti["now"]["count_previous_year"] == ".."
    assert graffiti["now"]["change"] == ".." and graffiti["now"]["top_categories"] == {"Klotter": 6}
    assert own["places"][0]["now"]["count_previous_year"] == 1
    assert robbery["now"]["count"] == ".." and robbery["now"]["too_few"] == TOO_FEW
    assert own["places"][1]["now"]["count"] == 2
    assert joint["goals"][0]["baseline"]["count"] == ".." and joint["goals"][0]["followup"]["count"] == ".."
    assert joint["goals"][0]["change"] == ".." and joint["goals"][0]["p_value"] == ".."
    assert (own["goals"][0]["baseline"]["count"], own["goals"][0]["followup"]["count"]) == (1, 6)
    # 1 in leap-year 2024 (366 days), 6 in 2025 (365 days), counted per day: 6·366/365 − 1 ≈ +502 %.
    assert own["goals"][0]["change"] == pytest.approx(6 * 366 / 365 - 1)


def test_a_place_on_a_dataset_not_shared_with_the_reader_is_left_out(incidents):
    picture = _picture()
    police = Hotspot(POLICE_ONLY, "POINT (589700 6545000)", categories=["Klotter"], id=3, dataset_id="polisens")
    picture.hotspots.append(police)
    picture.causes.append(Cause(3, "situationell", "närliggande", POLICE_CAUSE, shareable=True, id=4))

    def source_of(item):
        if getattr(item, "dataset_id", None) == "polisens" or getattr(item, "hotspot_id", None) == 3:
            return Source(incidents, view=View(False, False, "egen", owner="polisen"))
        return Source(incidents, view=JOINT)

    report = build_report(picture, incidents, period=PERIOD, generated_at=GENERATED, view=JOINT, source_of=source_of)
    assert POLICE_ONLY not in report.text() and POLICE_CAUSE not in report.text()
    assert [h.title for _, h, _ in report.places] == ["Klottret vid gångtunneln", "Rånen vid busshållplatsen"]


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def installation(tmp_path):
    """A data directory with the sample's two places and one on the police's own dataset (shared "egen")."""
    data, db = tmp_path / "data", tmp_path / "problembild.db"
    police = create_dataset(data, "Polisens egna", crs="EPSG:3006", owner="polisen", sharing="egen")
    with open_store(db) as store:
        graffiti = store.add_hotspot(Hotspot(
            "Klottret vid gångtunneln", f"POINT ({GRAFFITI_XY[0]} {GRAFFITI_XY[1]})", categories=["Klotter"],
            snapshot={"period": ["2025-01-01", "2025-12-31"], "count": 6, "count_previous_year": 1, "change": 5.0,
                      "top_categories": {"Klotter": 6}},
            dataset_id="exempelstad"), user="Test")
        store.add_hotspot(Hotspot("Rånen vid busshållplatsen", f"POINT ({ROBBERY_XY[0]} {ROBBERY_XY[1]})",
                                  categories=["Personrån"], snapshot={"count": 2}, dataset_id="exempelstad"),
                          user="Test")
        secret = store.add_hotspot(Hotspot(POLICE_ONLY, "POINT (589700 6545000)", categories=["Klotter"],
                                           dataset_id=police.id), user="Test")
        store.add_cause(Cause(graffiti.id, "situationell", "närliggande", SHARED, shareable=True), user="Test")
        store.add_cause(Cause(graffiti.id, "gärningsperson", "avlägsen", SECRET, shareable=False), user="Test")
        store.add_cause(Cause(secret.id, "situationell", "närliggande", POLICE_CAUSE, shareable=True), user="Test")
    return {"data": data, "db": db, "cwd": tmp_path}


def test_cli_report_level(installation, run_cli):
    common = ["--data", installation["data"], "--db", installation["db"], "--dataset", "exempelstad"]
    joint = run_cli("report", "--out", "gemensam.json", "--level", "gemensam", *common, cwd=installation["cwd"])
    assert joint.returncode == 0, joint.stderr
    assert "visningsnivå gemensam" in joint.stdout
    document = json.loads((installation["cwd"] / "gemensam.json").read_text(encoding="utf-8"))
    assert document["level"] == "gemensam" and document["view"] == JOINT_LABEL
    titles = [p["title"] for p in document["places"]]
    assert titles == ["Klottret vid gångtunneln", "Rånen vid busshållplatsen"]  # not the police's own place
    # The report's period is the last 12 whole months of data: 2025, as counted by hand above.
    assert document["period"] == ["2025-01-01", "2025-12-31"]
    assert document["places"][0]["now"]["count_previous_year"] == ".."
    assert document["places"][1]["now"]["too_few"] == TOO_FEW
    text = json.dumps(document, ensure_ascii=False)
    assert SECRET not in text and SHARED in text and POLICE_ONLY not in text

    own = run_cli("report", "--out", "egen.html", *common, cwd=installation["cwd"])
    assert own.returncode == 0, own.stderr
    html = (installation["cwd"] / "egen.html").read_text(encoding="utf-8")
    assert OWN_LABEL in html and POLICE_ONLY in html and SECRET in html
    parser = _Rows()
    parser.feed(html)
    assert _place_rows(parser.rows, "Samma period året innan")[0][2] == "1"


def test_cli_report_level_refuses_a_dataset_not_shared_at_it(installation, run_cli):
    result = run_cli("report", "--out", "r.html", "--level", "gemensam", "--data", installation["data"], "--db",
                     installation["db"], "--dataset", "polisens-egna", cwd=installation["cwd"])
    assert result.returncode == 2
    assert "delas på nivån egen" in result.stderr
    assert not (installation["cwd"] / "r.html").exists()


def test_picture_export_for_the_other_party(installation, run_cli):
    common = ["--data", installation["data"], "--db", installation["db"], "--dataset", "exempelstad"]
    cwd = installation["cwd"]
    for_kommunen = run_cli("picture", "export", "--out", "kommunen.json", "--for", "kommunen", *common, cwd=cwd)
    assert for_kommunen.returncode == 0, for_kommunen.stderr
    assert "filtrerad för kommunen" in for_kommunen.stdout
    everything = run_cli("picture", "export", "--out", "allt.json", *common, cwd=cwd)
    assert everything.returncode == 0, everything.stderr

    filtered = json.loads((cwd / "kommunen.json").read_text(encoding="utf-8"))
    full = json.loads((cwd / "allt.json").read_text(encoding="utf-8"))
    assert filtered["made_for"]["party"] == "kommunen"
    assert filtered["made_for"]["label"].startswith("Gjord för kommunens analytiker:")
    assert list(filtered)[:3] == ["format", "version", "made_for"]  # in the header
    assert "made_for" not in full
    # The police's own dataset is shared "egen": its place and cause are not in the kommun's file.
    assert [h["title"] for h in filtered["hotspots"]] == ["Klottret vid gångtunneln", "Rånen vid busshållplatsen"]
    assert [c["text"] for c in filtered["causes"]] == [SHARED]
    assert [h["title"] for h in full["hotspots"]] == ["Klottret vid gångtunneln", "Rånen vid busshållplatsen",
                                                      POLICE_ONLY]
    assert [c["text"] for c in full["causes"]] == [SHARED, SECRET, POLICE_CAUSE]
    # The sample is the police's, shared with the steering group: the kommun sees its counts masked.
    graffiti, robbery = filtered["hotspots"][0]["snapshot"], filtered["hotspots"][1]["snapshot"]
    assert graffiti["count"] == 6 and graffiti["count_previous_year"] == ".." and graffiti["change"] == ".."
    assert robbery == {"count": "..", "hidden": TOO_FEW}
    assert full["hotspots"][0]["snapshot"]["count_previous_year"] == 1 and full["hotspots"][1]["snapshot"]["count"] == 2

    # The owner's analysts get their own place, in full.
    for_police = run_cli("picture", "export", "--out", "polisen.json", "--for", "polisen", *common, cwd=cwd)
    assert for_police.returncode == 0, for_police.stderr
    police = json.loads((cwd / "polisen.json").read_text(encoding="utf-8"))
    assert POLICE_ONLY in [h["title"] for h in police["hotspots"]]
    assert police["hotspots"][0]["snapshot"]["count_previous_year"] == 1
    assert SECRET not in json.dumps(police, ensure_ascii=False)  # not shareable: never in a file for a party

    # The filtered file imports into an empty store as it is.
    imported = run_cli("picture", "import", "kommunen.json", "--db", cwd / "kommunens.db", "--data",
                       installation["data"], "--user", "Test", cwd=cwd)
    assert imported.returncode == 0, imported.stderr
    assert "2 platser" in imported.stdout


def test_places_file_holds_only_places_the_reader_sees(tmp_path):
    import pandas as pd

    from reports.export import export_hotspots

    places = [Hotspot("Klottret vid gångtunneln", "POINT (589542 6544968)", id=1, crs="EPSG:3006"),
              Hotspot(POLICE_ONLY, "POINT (589700 6545000)", id=2, crs="EPSG:3006", dataset_id="polisens")]
    hidden = View(False, False, "egen", owner="polisen")

    def view_of(hotspot):
        return hidden if hotspot.dataset_id == "polisens" else JOINT

    for_reader = pd.read_csv(export_hotspots(places, tmp_path / "kommunen.csv", view_of=view_of))
    everything = pd.read_csv(export_hotspots(places, tmp_path / "allt.csv"))
    assert for_reader["title"].tolist() == ["Klottret vid gångtunneln"]
    assert everything["title"].tolist() == ["Klottret vid gångtunneln", POLICE_ONLY]


def test_wdd_counts_hidden_below_the_owners_level(incidents, tmp_path):
    """Target: the tunnel (Klotter 1 in 2023, 6 in 2025); comparison: a 400 m square in the north-west with
    Klotter 8 in 2023 and 6 in 2025 (hand-counted below). WDD = (6 − 1) − (6 − 8) = 7."""
    square = shapely.box(588500, 6546500, 588900, 6546900)
    graffiti = incidents[incidents["category"] == "Klotter"]
    inside = graffiti[shapely.covers(square, shapely.points(graffiti["x"], graffiti["y"]))]
    assert inside["occurred_from"].dt.year.value_counts().reindex([2023, 2025]).tolist() == [8, 6]

    picture = _picture()
    picture.measures = [Measure("Belysning i gångtunneln", start="2025-01-01", hotspot_ids=[1], id=1)]
    picture.followups = [FollowupPlan(1, square.wkt, hotspot_id=1, displacement_m=None, categories=["Klotter"],
                                      before=("2023-01-01", "2023-12-31"), after=("2025-01-01", "2025-12-31"))]
    built = {level: build_report(picture, incidents, period=PERIOD, generated_at=GENERATED, view=view)
             for level, view in (("egen", None), ("gemensam", JOINT))}
    rows = {}
    for level, report in built.items():
        (tmp_path / level).mkdir()
        rows[level] = _html_rows(report, tmp_path / level)
    target = {level: next(r for r in found if r and r[0] == "Målområdet") for level, found in rows.items()}
    control = {level: next(r for r in found if r and r[0] == "Jämförelseområdet") for level, found in rows.items()}
    assert target["egen"][:3] == ["Målområdet", "1", "6"]
    assert target["gemensam"] == ["Målområdet", "..", "6", ".."]
    assert control["egen"][:3] == control["gemensam"][:3] == ["Jämförelseområdet", "8", "6"]
    assert "Skattad effekt (WDD): 7 händelser per efterperiod" in built["egen"].text()
    assert "Skattad effekt (WDD)" not in built["gemensam"].text()
    assert "Antalen är för små för att skattningen ska redovisas på den här visningsnivån." in built["gemensam"].text()
    own, joint = (json.loads(render_json(built[level]))["followups"][0] for level in ("egen", "gemensam"))
    assert own["counts"]["target"] == {"before": 1, "after": 6} and own["estimate"] == pytest.approx(7)
    assert joint["counts"]["target"] == {"before": "..", "after": 6}
    assert joint["estimate"] == ".." and joint["sentences"] == []


def test_public_audience_is_the_steering_group_level(incidents):
    report = build_report(_picture(), incidents, period=PERIOD, generated_at=GENERATED, audience="public")
    label = ("Visningsnivå: styrgrupp/offentlig – antal 1–2 visas som ”..”, platser med färre än 5 händelser visas "
             "inte var för sig och inga enskilda händelser visas.")
    assert report.title_page.notices[1] == label and report.level == "styrgrupp"
    assert _place_rows([[c if isinstance(c, str) else str(c) for c in row] for b in report.blocks
                        if hasattr(b, "rows") for row in b.rows], "Samma period året innan")[0][2] == ".."


def test_thresholds_come_from_the_rules(incidents):
    """[disclosure] min_count = 2, min_place = 2: a 1 is still "..", the two robberies now show."""
    from core.disclosure import DisclosureRules

    view = View(True, False, "gemensam", DisclosureRules(min_count=2, min_place=2))
    report = build_report(_picture(), incidents, period=PERIOD, generated_at=GENERATED, view=view)
    rows = [[str(c) for c in row] for b in report.blocks if hasattr(b, "rows") for row in b.rows]
    assert _place_rows(rows, "Samma period året innan")[0][2] == ".."
    assert _place_rows(rows, "Antal händelser")[1][2] == "2"
    method = next(b for b in report.blocks if hasattr(b, "items") and any("Små antal" in i for i in b.items))
    assert method.items[-1].startswith("Små antal: några få händelser kan variera mycket av en slump. Under ägarens "
                                       "nivå (den andra parten, styrgruppen och den offentliga versionen) visas antal "
                                       "under 2 som ”..” (Brås praxis) och platser med färre än 2 händelser")
    assert report.title_page.notices[1] == ("Visningsnivå: gemensam – antal 1 visas som ”..”, platser med färre än 2 "
                                            "händelser visas inte var för sig och inga enskilda händelser visas.")
