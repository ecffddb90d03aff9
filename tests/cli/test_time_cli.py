"""``samsyn timeheat``, ``change`` and ``survey`` run as a user would, in a subprocess."""

from __future__ import annotations

import json

import pandas as pd
import pytest

HEADER = "id,category,occurred_from,occurred_to,x,y,source\n"

# Two districts side by side in SWEREF 99 TM: Centrum (x < 675 000) and Öster.
AREAS = {
    "type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
    "features": [
        {"type": "Feature", "properties": {"area_id": "C1", "name": "Centrum", "population": 2000},
         "geometry": {"type": "Polygon", "coordinates": [[[673000, 6579000], [675000, 6579000],
                                                         [675000, 6581000], [673000, 6581000],
                                                         [673000, 6579000]]]}},
        {"type": "Feature", "properties": {"area_id": "O2", "name": "Öster", "population": 1000},
         "geometry": {"type": "Polygon", "coordinates": [[[675000, 6579000], [677000, 6579000],
                                                         [677000, 6581000], [675000, 6581000],
                                                         [675000, 6579000]]]}},
    ],
}


@pytest.fixture()
def areas(tmp_path):
    path = tmp_path / "omraden.geojson"
    path.write_text(json.dumps(AREAS), encoding="utf-8")
    return path


@pytest.fixture()
def windows(tmp_path):
    """Hand-checkable incidents: a working day, a week-end wrap, a point time, a too-long window."""
    path = tmp_path / "handelser.csv"
    path.write_text(
        HEADER
        + "1,Klotter,2024-01-01 08:00,2024-01-01 17:00,674000,6580000,kommun\n"  # Monday, Centrum
        + "2,Klotter,2024-01-07 23:00,2024-01-08 02:00,674500,6580500,kommun\n"  # Sunday → Monday, Centrum
        + "3,Cykelstöld,2024-01-03 14:30,,675500,6580500,polis\n"  # Wednesday, Öster
        + "4,Cykelstöld,2024-01-03 00:00,2024-01-05 00:00,675500,6580500,polis\n",  # 48 h: unknown
        encoding="utf-8",
    )
    return path


def test_timeheat_writes_all_168_cells(run_cli, windows, tmp_path):
    out = tmp_path / "heat.csv"
    done = run_cli("timeheat", windows, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "1 händelse med okänd tid (fönster längre än 24 h) ingår inte" in done.stdout
    table = pd.read_csv(out)
    assert list(table.columns) == ["weekday", "hour", "weight"]
    assert len(table) == 168
    weight = table.set_index(["weekday", "hour"])["weight"]
    assert weight.sum() == pytest.approx(3.0, abs=1e-4)
    assert weight[(1, 8)] == pytest.approx(1 / 9, abs=1e-6)
    assert weight[(7, 23)] == pytest.approx(1 / 3, abs=1e-6)
    assert weight[(1, 1)] == pytest.approx(1 / 3, abs=1e-6)
    assert weight[(3, 14)] == pytest.approx(1.0)


def test_timeheat_for_one_area_with_filters_and_a_longer_limit(run_cli, windows, areas, tmp_path):
    out = tmp_path / "heat.csv"
    done = run_cli("timeheat", windows, "--areas", areas, "--area", "O2", "--max-window-hours", "48",
                   "--category", "Cykelstöld", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "i Öster" in done.stdout
    assert "0 händelser med okänd tid (fönster längre än 48 h)" in done.stdout
    weight = pd.read_csv(out).set_index(["weekday", "hour"])["weight"]
    assert weight.sum() == pytest.approx(2.0, abs=1e-4)
    assert weight[(3, 14)] == pytest.approx(1 + 1 / 48, abs=1e-6)
    assert weight[(4, 5)] == pytest.approx(1 / 48, abs=1e-6)


def test_timeheat_by_month(run_cli, windows, tmp_path):
    out = tmp_path / "month.csv"
    done = run_cli("timeheat", windows, "--by", "month", "--out", out)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out)
    assert list(table.columns) == ["month", "hour", "weight"]
    assert len(table) == 12 * 24
    assert table.loc[table.month == 1, "weight"].sum() == pytest.approx(3.0, abs=1e-4)


def test_timeheat_unknown_area_is_a_swedish_error(run_cli, windows, areas, tmp_path):
    out = tmp_path / "heat.csv"
    done = run_cli("timeheat", windows, "--areas", areas, "--area", "Väster", "--out", out)
    assert done.returncode == 2
    assert "Området 'Väster' finns inte" in done.stderr
    assert not out.exists()
    done = run_cli("timeheat", windows, "--areas", areas, "--out", out)
    assert done.returncode == 2 and "--area" in done.stderr


def test_timeheat_end_before_start_exits_2(run_cli, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "A1,Klotter,2024-01-01 10:00,2024-01-01 09:00,674000,6580000,polis\n",
                    encoding="utf-8")
    done = run_cli("timeheat", path, "--max-window-hours", "24", "--out", tmp_path / "x.csv")
    # The importer may refuse the row itself; either way a Swedish message and exit code 2.
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.csv").exists()


@pytest.fixture()
def two_years(tmp_path):
    """Jan–Apr 2024 and 2025: Centrum 20 → 7 Klotter, Öster 5 → 6 Cykelstöld, plus rows outside both periods."""
    rows = []

    def add(n: int, year: int, category: str, x: int) -> None:
        for k in range(n):
            rows.append(f"{len(rows) + 1},{category},{year}-0{1 + k % 4}-1{k % 9} 1{k % 10}:00,,{x},6580000,polis")

    add(20, 2024, "Klotter", 674000)
    add(7, 2025, "Klotter", 674000)
    add(5, 2024, "Cykelstöld", 676000)
    add(6, 2025, "Cykelstöld", 676000)
    add(30, 2023, "Klotter", 674000)
    rows.append(f"{len(rows) + 1},Klotter,2025-05-01 00:00,,674000,6580000,polis")
    path = tmp_path / "tva_ar.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_change_prints_a_swedish_sentence(run_cli, two_years):
    done = run_cli("change", two_years, "--from", "2025-01-01", "--to", "2025-04-30")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Alla händelser: 13 händelser jan–apr 2025 mot 25 samma period 2024 (−48\u00a0%).")
    assert "slumpvariation (p = " in done.stdout


def test_change_per_area_and_category(run_cli, two_years, areas, tmp_path):
    out = tmp_path / "change.csv"
    done = run_cli("change", two_years, "--areas", areas, "--from", "2025-01-01", "--to", "2025-04-30",
                   "--by", "category", "--out", out)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out).set_index(["area_id", "category"])
    for column in ("area_name", "before", "after", "change_pct", "p", "verdict", "summary_sv"):
        assert column in table.columns
    assert table.loc[("C1", "Klotter"), ["before", "after"]].tolist() == [20, 7]
    assert table.loc[("C1", "Klotter"), "change_pct"] == pytest.approx(-65.0)
    assert table.loc[("C1", "Klotter"), "verdict"] == "minskning"
    assert table.loc[("O2", "Cykelstöld"), "verdict"] == "inom slumpvariation"
    assert table.loc[("C1", "Klotter"), "summary_sv"].startswith("Klotter i Centrum: 7 händelser jan–apr 2025")
    assert "Förändringen ryms inom normal slumpvariation" in table.loc[("O2", "Cykelstöld"), "summary_sv"]


def test_change_for_one_area_and_category(run_cli, two_years, areas):
    done = run_cli("change", two_years, "--areas", areas, "--area", "Centrum", "--category", "Klotter",
                   "--from", "2025-01-01", "--to", "2025-04-30")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Klotter i Centrum: 7 händelser jan–apr 2025 mot 20 samma period 2024 (−65\u00a0%).")
    assert "Minskningen är större än normal slumpvariation" in done.stdout


def test_change_needs_a_period(run_cli, two_years):
    done = run_cli("change", two_years, "--from", "2025-01-01")
    assert done.returncode == 2
    assert "--from och --to" in done.stderr


SURVEY = """area_id,year,indicator,label,value,unit,direction,n,ci_low,ci_high,source
C1,2022,otrygg_kvall,Otrygg ute sent,0.30,share,lower_better,400,,,NTU
C1,2024,otrygg_kvall,Otrygg ute sent,0.20,share,lower_better,400,,,NTU
O2,2022,otrygg_kvall,Otrygg ute sent,0.50,share,lower_better,20,,,NTU
O2,2024,otrygg_kvall,Otrygg ute sent,0.50,share,lower_better,100,,,NTU
C1,2022,nedskrapning,Nedskräpning,2.1,index,lower_better,,,,Polisens trygghetsmätning
C1,2024,nedskrapning,Nedskräpning,2.5,index,lower_better,,,,Polisens trygghetsmätning
"""


@pytest.fixture()
def survey_file(tmp_path):
    path = tmp_path / "trygghet.csv"
    path.write_text(SURVEY, encoding="utf-8")
    return path


def test_survey_table_with_intervals_and_flags(run_cli, survey_file, tmp_path):
    out = tmp_path / "s.csv"
    done = run_cli("survey", survey_file, "--year", "2024", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "markerade som osäkra" in done.stdout
    table = pd.read_csv(out).set_index(["area_id", "indicator"])
    assert len(table) == 3
    assert table.loc[("O2", "otrygg_kvall"), "ci_low"] == pytest.approx(0.40383, abs=5e-5)
    assert table.loc[("O2", "otrygg_kvall"), "ci_high"] == pytest.approx(0.59617, abs=5e-5)
    assert not table.loc[("O2", "otrygg_kvall"), "uncertain"]
    assert table.loc[("C1", "nedskrapning"), "uncertain"]


def test_survey_compare_between_years(run_cli, survey_file, tmp_path):
    out = tmp_path / "c.csv"
    done = run_cli("survey", survey_file, "--compare", "2022:2024", "--out", out)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out).set_index(["area_id", "indicator"])
    assert table.loc[("C1", "otrygg_kvall"), "assessment"] == "bättre"
    assert table.loc[("C1", "otrygg_kvall"), "z"] == pytest.approx(-3.26599, abs=1e-4)
    assert table.loc[("C1", "nedskrapning"), "assessment"] == "kan inte bedömas"
    assert table.loc[("O2", "otrygg_kvall"), "uncertain"]
    assert "kan inte testas" in done.stdout


def test_survey_errors(run_cli, survey_file, tmp_path):
    out = tmp_path / "c.csv"
    done = run_cli("survey", survey_file, "--indicator", "belysning", "--out", out)
    assert done.returncode == 2 and "Indikatorn 'belysning' finns inte" in done.stderr
    done = run_cli("survey", survey_file, "--compare", "2022", "--out", out)
    assert done.returncode == 2 and "ÅR1:ÅR2" in done.stderr
    assert not out.exists()
