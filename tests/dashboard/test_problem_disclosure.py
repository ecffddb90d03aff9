"""Problembild and Uppföljning through the session's view, and the report made there for the same view.

The sample belongs to the police and is shared at ``styrgrupp``: Kerstin (kommunanalytiker) sees it
below the owner's level; the workstation sees it in full. Hand-counted in ``data/sample`` within
50 m of the pinned point (see tests/reports/test_report_disclosure.py, which recounts them):
Klotter at (589542, 6544968): 6 in 2025 and 1 in 2024; Personrån at (589951, 6544830): 2 in 2025.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from store.datasets import create_dataset
from store.model import Followup, Goal, Hotspot, Measure
from store.problem_store import open_store
from tests.conftest import REPO
from tests.dashboard.test_sign_in import AUTH

APP = str(REPO / "dashboard" / "app.py")
KERSTIN = {"is_logged_in": True, "name": "Kerstin Holm", "email": "kerstin@kommun.example.se",
           "samsyn_roles": ["kommunanalytiker"], "samsyn_org": "kommunen"}
BADGE = (":material/visibility: Visningsnivå: styrgrupp/offentlig – antal 1–2 visas som ”..”, platser med färre "
         "än 5 händelser visas inte var för sig och inga enskilda händelser visas.")
TOO_FEW = "för få händelser för att visas (under 5)"
POLICE_ONLY = "Spaningsplatsen bakom stationen"


@pytest.fixture()
def pins(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    police = create_dataset(tmp_path / "userdata", "Polisens egna", crs="EPSG:3006", owner="polisen", sharing="egen")
    with open_store(tmp_path / "userdata" / "problembild.db") as store:
        graffiti = store.add_hotspot(Hotspot("Klottret vid gångtunneln", "POINT (589542 6544968)",
                                             categories=["Klotter"], snapshot={"count": 2}), user="Anna")
        store.add_hotspot(Hotspot("Rånen vid busshållplatsen", "POINT (589951 6544830)", categories=["Personrån"]),
                          user="Anna")
        store.add_hotspot(Hotspot(POLICE_ONLY, "POINT (589700 6545000)", categories=["Klotter"],
                                  dataset_id=police.id), user="Anna")
        measure = store.add_measure(Measure("Belysning i gångtunneln", start="2025-01-01", hotspot_ids=[graffiti.id]),
                                    user="Anna")
        store.add_goal(Goal("effektmål", "Mindre klotter i tunneln", hotspot_id=graffiti.id, measure_id=measure.id,
                            categories=["Klotter"], baseline_start="2024-01-01", baseline_end="2024-12-31",
                            followup_start="2025-01-01", followup_end="2025-12-31", target_change=-0.2),
                       user="Anna")
    return tmp_path


def _open(page: str, user: dict | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    at.query_params["fran"] = "2025-01-01"
    at.query_params["till"] = "2025-12-31"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page(f"pages/{page}").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_problem_page_below_the_owners_level(pins):
    at = _open("problem.py", KERSTIN)
    assert BADGE in [c.value for c in at.caption]
    table = at.dataframe[0].value.set_index("Plats")
    assert list(table.index) == ["Klottret vid gångtunneln", "Rånen vid busshållplatsen"]  # not the police's own
    assert table.loc["Klottret vid gångtunneln", "Nu"] == "6"
    assert table.loc["Klottret vid gångtunneln", "Mot året innan"] == ".."  # +500 % gives the 1 back
    assert table.loc["Klottret vid gångtunneln", "Då (vid fästning)"] == TOO_FEW  # the snapshot's 2
    assert table.loc["Rånen vid busshållplatsen", "Nu"] == TOO_FEW
    assert table.loc["Rånen vid busshållplatsen", "Flest händelser nu"] == ".."


def test_problem_page_on_the_workstation_shows_everything(pins):
    at = _open("problem.py", None)
    table = at.dataframe[0].value.set_index("Plats")
    assert POLICE_ONLY in table.index
    assert table.loc["Klottret vid gångtunneln", "Nu"] == "6"
    assert table.loc["Klottret vid gångtunneln", "Mot året innan"] == "+500\u00a0%"  # 1 → 6
    assert table.loc["Klottret vid gångtunneln", "Då (vid fästning)"] == "2"
    assert table.loc["Rånen vid busshållplatsen", "Nu"] == "2"


def test_followup_page_goal_and_report_for_the_session_view(pins):
    at = _open("followup.py", KERSTIN)
    assert BADGE in [c.value for c in at.caption]
    text = "\n".join(m.value for m in at.markdown)
    assert "Effektmålet räknar för få händelser för att visas (under 5)." in text
    assert "1 händelser under" not in text
    next(b for b in at.button if b.label == "Skapa rapport").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    html = at.session_state["report_files"]["problembild.html"].decode("utf-8")
    assert "Visningsnivå: styrgrupp/offentlig – antal 1–2 visas som ”..”" in html
    assert TOO_FEW in html and POLICE_ONLY not in html
    csv = at.session_state["report_files"]["platser.csv"].decode("utf-8-sig")
    assert "Klottret vid gångtunneln" in csv and POLICE_ONLY not in csv


def test_followup_page_on_the_workstation(pins):
    at = _open("followup.py", None)
    text = "\n".join(m.value for m in at.markdown)
    # 1 in 2024 and 6 in 2025 at the tunnel: the goal's own counts, shown in full.
    assert "Klotter vid platsen: 1 händelser under" in text and "och 6 under" in text


@pytest.mark.parametrize(("user", "before", "estimate"), [(KERSTIN, "..", ".."), (None, "1", "7")])
def test_followup_wdd_counts_through_the_view(pins, user, before, estimate):
    """Target the tunnel (Klotter 1 in 2023, 6 in 2025), comparison the square 588500–588900 ×
    6546500–6546900 (Klotter 8 in 2023, 6 in 2025; counted by hand in tests/reports/test_report_disclosure.py):
    WDD = (6 − 1) − (6 − 8) = 7, shown only in the full view, since it gives the hidden 1 back."""
    with open_store(pins / "userdata" / "problembild.db") as store:
        measure = store.list_measures()[0]
        store.add_followup(Followup(measure.id, "POLYGON ((588500 6546500, 588900 6546500, 588900 6546900, "
                                    "588500 6546900, 588500 6546500))", control_name="Nordväst",
                                    hotspot_id=measure.hotspot_ids[0], displacement_m=None, categories=["Klotter"],
                                    before_start="2023-01-01", before_end="2023-12-31", after_start="2025-01-01",
                                    after_end="2025-12-31"), user="Anna")
    at = _open("followup.py", user)
    counts = next(d.value for d in at.dataframe if "Före" in d.value.columns).set_index("Område")
    shown = counts.map(lambda v: v if isinstance(v, str) else f"{v:g}")  # the full view keeps numbers
    assert shown.loc["Målområdet", "Före"] == before and shown.loc["Målområdet", "Efter"] == "6"
    assert shown.loc["Nordväst", ["Före", "Efter"]].tolist() == ["8", "6"]
    assert next(m.value for m in at.metric if m.label == "Skattad effekt (WDD)") == estimate
