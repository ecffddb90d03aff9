"""The Problembild and Uppföljning pages through AppTest, against a real SQLite store."""

from __future__ import annotations

import json
import re

import pytest
import shapely

from store.model import Goal, Hotspot, Measure
from store.problem_store import open_store
from tests.dashboard.apptest import open_page as _page


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "userdata").mkdir()
    return open_store(tmp_path / "userdata" / "problembild.db")


@pytest.fixture()
def truth():
    from data.sample import paths

    return json.loads(paths().truth.read_text(encoding="utf-8"))


def _pin(store, spot: dict, picture: str = "gemensam") -> Hotspot:
    geometry = shapely.Point(spot["x"], spot["y"]).buffer(spot["radius_m"])
    return store.add_hotspot(Hotspot(title=spot["name"], geometry_wkt=geometry.wkt, categories=["Misshandel utomhus"],
                                     picture=picture, created_by="Anna", snapshot={"count": 42}), user="Anna")


def _named(widgets, label):
    return next(w for w in widgets if w.label == label)


def _submit(at, label):
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_problem_page_lists_pins_then_and_now(store, truth):
    first = _pin(store, truth["hotspots"][0])
    _pin(store, truth["hotspots"][1], picture="polis")
    at = _page("problem.py", fran="2025-01-01", till="2025-12-31")
    table = at.dataframe[0].value
    assert table["#"].tolist() == [str(first.id)]  # the joint picture by default
    assert table["Då (vid fästning)"].iloc[0] == "42" and int(table["Nu"].iloc[0].replace("\u00a0", "")) > 0


def test_edit_then_conflict_then_reload(store, truth):
    hotspot = _pin(store, truth["hotspots"][0])
    at = _page("problem.py")
    _named(at.text_input, "Ditt namn (för ändringsloggen)").input("Bertil")
    _named(at.selectbox, "Status").set_value("prioriterad")
    _submit(at, "Spara ändringar")
    assert any("sparade" in s.value for s in at.success)
    saved = store.get_hotspot(hotspot.id)
    assert saved.status == "prioriterad" and saved.version == 2
    assert store.audit_log("hotspot", hotspot.id)[-1].user == "Bertil"

    # Someone else saves while this form is open: the second save is refused, showing what changed.
    at.run()
    store.update_hotspot(hotspot.id, {"notes": "Ny belysning beställd"}, expected_version=2, user="Cecilia")
    _named(at.text_area, "Anteckningar").input("Min anteckning")
    _submit(at, "Spara ändringar")
    assert any("Cecilia" in e.value and "anteckningar" in e.value for e in at.error)
    assert store.get_hotspot(hotspot.id).notes == "Ny belysning beställd"


def test_merge_two_places(store, truth):
    a, b = _pin(store, truth["hotspots"][0]), _pin(store, truth["hotspots"][1])
    at = _page("problem.py")
    _named(at.text_input, "Ditt namn (för ändringsloggen)").input("Bertil")
    _named(at.multiselect, "Slå ihop platserna").set_value([a.id, b.id])
    _named(at.text_input, "Rubrik för den sammanslagna platsen").input("Krogstråket")
    _submit(at, "Slå ihop")
    active = store.list_hotspots()
    assert [h.title for h in active] == ["Krogstråket"]
    assert {h.merged_into for h in store.list_hotspots(include_archived=True) if h.archived} == {active[0].id}


def test_cause_measure_and_goal_forms(store, truth):
    hotspot = _pin(store, truth["hotspots"][0])
    at = _page("problem.py")
    _named(at.text_input, "Ditt namn (för ändringsloggen)").input("Bertil")
    _named(at.text_area, "Hypotes").input("Många berusade vid stängning")
    _submit(at, "Lägg till orsak")
    assert store.list_causes(hotspot.id)[0].text == "Många berusade vid stängning"
    _named(at.text_input, "Åtgärd").input("Ordningsvakter fredag och lördag natt")
    _named(at.multiselect, "Platser").set_value([hotspot.id])
    _submit(at, "Lägg till åtgärd")
    measure = store.list_measures()[0]
    assert measure.hotspot_ids == [hotspot.id]
    next(w for w in at.get("button_group") if w.label == "Lägg till").set_value("goal").run()
    _named(at.selectbox, "Måltyp").set_value("produktionsmål").run()  # the form follows the kind at once
    _named(at.text_input, "Mål").input("Tolv trygghetsvandringar")
    _named(at.number_input, "Planerat").set_value(12.0)
    _named(at.number_input, "Utfört").set_value(5.0)
    _submit(at, "Lägg till mål")
    goal = store.list_goals()[0]
    assert (goal.kind, goal.planned, goal.done) == ("produktionsmål", 12.0, 5.0)


def test_followup_page_runs_the_wdd_for_the_planted_intervention(store, truth):
    intervention = truth["intervention"]
    target = store.add_hotspot(Hotspot(title="Stortorget", geometry_wkt=intervention["target_polygon_wkt"],
                                       categories=["Misshandel utomhus"], created_by="Anna"), user="Anna")
    measure = store.add_measure(Measure(title="Kameror och ordningsvakter", start=intervention["date"],
                                        hotspot_ids=[target.id]), user="Anna")
    store.add_goal(Goal(kind="effektmål", description="−20 %", hotspot_id=target.id, measure_id=measure.id,
                        categories=["Misshandel utomhus"], target_change=-0.2), user="Anna")
    at = _page("followup.py")
    _named(at.text_input, "Ditt namn (för ändringsloggen)").input("Styrgruppen")
    _named(at.selectbox, "Jämförelseområde").set_value(intervention["control_district_id"])
    _named(at.number_input, "Område runt omkring (m) för undanträngning").set_value(0)
    _named(at.date_input, "Före").set_value(tuple(map(_date, intervention["before"])))
    _named(at.date_input, "Efter").set_value(tuple(map(_date, intervention["after"])))
    _submit(at, "Spara uppföljningen")
    at.run()
    assert not at.exception
    plan = store.list_followups(measure.id)[0]
    assert plan.control_name and plan.created_by == "Styrgruppen"
    sentence = " ".join(m.value for m in at.markdown)
    assert "minskade" in sentence
    # The planted intervention: 530 → 397 against 99 → 99, z = −133 / √1125 = −3,97, so p ≈ 0,00007.
    assert next(m for m in at.metric if m.label == "p").value == "< 0,001"
    assert next(m for m in at.metric if m.label == "Skattad effekt (WDD)").value == "−133"
    assert "Grönt – målet nås" in _lights(at)  # drawn, with its word (dashboard/components/steering.py)


def _lights(at) -> str:
    """The drawn traffic lights' HTML on the page."""
    return " ".join(e.proto.body for e in at.get("html") if "samsyn-light" in e.proto.body)


def _date(text: str):
    from datetime import date

    return date.fromisoformat(text)


def test_followup_page_updates_production_progress(store, truth):
    hotspot = _pin(store, truth["hotspots"][0])
    measure = store.add_measure(Measure(title="Trygghetsvandringar", start="2025-03-01", hotspot_ids=[hotspot.id]),
                                user="Anna")
    goal = store.add_goal(Goal(kind="produktionsmål", description="Tolv trygghetsvandringar", measure_id=measure.id,
                               planned=12, done=3, unit="vandringar"), user="Anna")
    at = _page("followup.py")
    _named(at.text_input, "Ditt namn (för ändringsloggen)").input("Styrgruppen")
    assert "Rött – fel håll" in _lights(at)  # 3 of 12: red
    _named(at.number_input, "Utfört").set_value(12.0)
    _submit(at, "Spara utfört")
    assert store.get_goal(goal.id).done == 12
    assert "Grönt – målet nås" in _lights(at)


# --- one number for a pinned place: the page, the report and a hand count agree ----------------------

PERIOD = ("2025-01-01", "2025-12-31")


def _hand_count(incidents, *, inside, categories, weekdays, hours) -> int:
    """A plain pandas count: inside the area, the categories, the start's weekday and hour, the period."""
    when = incidents["occurred_from"]
    keep = inside & incidents["category"].isin(categories).to_numpy()
    keep &= ((when >= PERIOD[0]) & (when < "2026-01-01")).to_numpy()
    if weekdays:
        keep &= (when.dt.day_of_week + 1).isin(weekdays).to_numpy()
    if hours:
        keep &= when.dt.hour.isin(hours).to_numpy()
    return int(keep.sum())


def _report_now(store, incidents, title) -> str:
    from reports.report import ProblemPicture, build_report

    report = build_report(ProblemPicture(hotspots=store.list_hotspots()), incidents, period=PERIOD)
    lines = report.text().splitlines()
    start = lines.index(next(line for line in lines if line.endswith(f": {title}")))
    return next(line for line in lines[start:] if line.startswith("Antal händelser |")).split(" | ")[-1]


@pytest.fixture(scope="module")
def incidents():
    from data.sample import paths
    from geo.dataset import read_incidents

    return read_incidents(paths().incidents)


def test_a_cell_pinned_through_the_page_has_one_number(store, incidents):
    at = _page("problem.py", fran=PERIOD[0], till=PERIOD[1])
    next(w for w in at.get("button_group") if w.label == "Lägg till").set_value("suggest").run()
    assert not at.exception, [e.message for e in at.exception]
    cell_id = _named(at.selectbox, "Fäst rutan").value
    _named(at.text_input, "Ditt namn").input("Anna")
    _submit(at, "Fäst")
    pinned = store.list_hotspots()[0]
    assert pinned.source_id == cell_id

    # The cell's square from its id (e.g. "100m_E589300_N6545200"), counted by hand.
    size = float(cell_id.split("m_")[0])
    x0, y0 = float(cell_id.split("_E")[1].split("_N")[0]), float(cell_id.split("_N")[1])
    x, y = incidents["x"].to_numpy(), incidents["y"].to_numpy()
    inside = (x >= x0) & (x <= x0 + size) & (y >= y0) & (y <= y0 + size)
    expected = _hand_count(incidents, inside=inside, categories=pinned.categories, weekdays=pinned.weekdays,
                           hours=pinned.hours)
    assert expected > 0

    at.run()
    table = at.dataframe[0].value
    row = table[table["#"] == str(pinned.id)].iloc[0]
    shown = format(expected, ",").replace(",", "\u00a0")  # as the page writes it: 1 234
    assert row["Nu"] == shown
    assert row["Då (vid fästning)"] == shown  # pinned over the same period: then = now
    assert _report_now(store, incidents, pinned.title) == format(expected, ",").replace(",", "\u00a0")


def test_a_point_pin_counts_within_50_m_on_the_page_and_in_the_report(store, incidents, truth):
    spot = truth["hotspots"][0]
    pinned = store.add_hotspot(Hotspot(title="Krogen som punkt", geometry_wkt=f"POINT ({spot['x']} {spot['y']})",
                                       categories=["Misshandel utomhus"], weekdays=[5, 6, 7], hours=[22, 23, 0, 1],
                                       created_by="Anna"), user="Anna")
    x, y = incidents["x"].to_numpy(), incidents["y"].to_numpy()
    inside = (x - spot["x"]) ** 2 + (y - spot["y"]) ** 2 <= 50.0**2
    expected = _hand_count(incidents, inside=inside, categories=["Misshandel utomhus"], weekdays=[5, 6, 7],
                           hours=[22, 23, 0, 1])
    assert expected > 0
    at = _page("problem.py", fran=PERIOD[0], till=PERIOD[1])
    row = at.dataframe[0].value.set_index("#").loc[str(pinned.id)]
    assert row["Nu"] == format(expected, ",").replace(",", "\u00a0")
    assert row["Räknas"] == "Misshandel utomhus, fre–sön 22–02"
    assert _report_now(store, incidents, pinned.title) == str(expected)
    assert any("50 m åt varje håll" in c.value for c in at.caption)


def test_followup_page_in_english_translates_the_findings(store, truth):
    intervention = truth["intervention"]
    target = store.add_hotspot(Hotspot(title="Stortorget", geometry_wkt=intervention["target_polygon_wkt"],
                                       categories=["Misshandel utomhus"], created_by="Anna"), user="Anna")
    measure = store.add_measure(Measure(title="Kameror", start=intervention["date"], hotspot_ids=[target.id]),
                                user="Anna")
    store.add_goal(Goal(kind="effektmål", description="−20 %", hotspot_id=target.id, measure_id=measure.id,
                        categories=["Misshandel utomhus"], target_change=-0.2), user="Anna")
    # The plan is stored directly: the planted comparison district, the planted periods, no ring.
    from data.sample import paths
    from geo.dataset import read_areas
    from store.model import Followup

    districts = read_areas(paths().districts).set_index("area_id")
    store.add_followup(Followup(measure.id, districts.geometry[intervention["control_district_id"]].wkt,
                                hotspot_id=target.id, displacement_m=None,
                                before_start=intervention["before"][0], before_end=intervention["before"][1],
                                after_start=intervention["after"][0], after_end=intervention["after"][1],
                                control_name="Östra Strand"), user="Anna")
    at = _page("followup.py", lang="en")
    text = " ".join(m.value for m in at.markdown).replace("\xa0", " ")
    # The planted counts, 530 → 397 (−25 %), against 99 → 99: −133, and the goal −25 % against −20 %.
    assert "In the target area misshandel utomhus fell from 530 to 397 incidents (-25%)." in text
    assert "In the comparison area the number was unchanged (99 before and 99 after)." in text
    assert "Displacement to the surrounding area has not been examined." in text
    assert "change -25%, goal -20%" in text and "The goal is reached" in text
    assert "Green – the goal is reached" in _lights(at)


def test_projector_shows_the_rooms_columns_of_the_places_table(store, truth):
    """On the projector the places' table has #, Plats, Status, Nu, Mot året innan and Bedömning only, so
    nothing is cut off at the panel's edge; the counting rule, the earlier period and who pinned stay in the CSV."""
    first = _pin(store, truth["hotspots"][0])
    at = _page("problem.py", projektor="1", fran="2025-01-01", till="2025-12-31")
    tables = [h.proto.body for h in at.get("html") if "<table" in h.proto.body]
    assert tables, "no HTML table in projector mode"
    headers = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", tables[0])
    assert headers == ["#", "Plats", "Status", "Nu", "Mot året innan", "Bedömning"]
    assert first.title in tables[0]
