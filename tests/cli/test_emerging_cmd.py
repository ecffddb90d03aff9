"""``samsyn emerging`` as a user runs it: hand-worked rows, the sample, Vancouver's burglaries, bad input."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from cli import main
from data import sample
from geo.dataset import incident_frame, write_incidents
from tests.conftest import REAL_DATA

SAMPLE = sample.paths().incidents
X0, Y0 = 600000.0, 6540000.0


@pytest.fixture()
def two_cells(tmp_path):
    """Cell A (E600000) has 1, 1, 1 and 9 incidents in the quarters of 2024; cell B (E600500) 1 in each."""
    rows = []
    for quarter, n_a in zip(("2024-02-15", "2024-05-15", "2024-08-15", "2024-11-15"), (1, 1, 1, 9), strict=True):
        rows += [{"x": X0 + 50, "y": Y0 + 50, "occurred_from": pd.Timestamp(f"{quarter} 12:00")}] * n_a
        rows.append({"x": X0 + 550, "y": Y0 + 50, "occurred_from": pd.Timestamp(f"{quarter} 13:00")})
    frame = pd.DataFrame(rows)
    frame["category"], frame["source"], frame["id"] = "Inbrott i bostad", "polis", [f"h{i}" for i in range(len(frame))]
    path = tmp_path / "incidents.parquet"
    write_incidents(incident_frame(frame), path)
    return path


def test_hand_worked_rows(two_cells, tmp_path, capsys):
    out = tmp_path / "emerging.csv"
    code = main(["emerging", str(two_cells), "--cell", "100", "--step", "quarter", "--time-window", "0",
                 "--to", "2024-12-31", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out, encoding="utf-8-sig").set_index("cell_id")
    # The four cells between A and B have no incidents, so they are not analysed: A and B are not
    # neighbours, and with no earlier steps each bin's neighbourhood is the bin itself (K = 1).
    # Then z = (y − ȳ) / s over the 8 bins: ȳ = 16/8 = 2, s² = (7·1 + 81)/8 − 4 = 7.
    # A in Q4: z = 7/√7 = 2.6458, p = 0.00815; every other bin z = −1/√7 = −0.378, p = 0.7055.
    # Benjamini–Hochberg over 8 bins: 0.00815·8 = 0.0652 < 0.10, so A is hot in Q4 only → new hot spot.
    assert list(table.index) == ["100m_E600000_N6540000", "100m_E600500_N6540000"]
    a, b = table.loc["100m_E600000_N6540000"], table.loc["100m_E600500_N6540000"]
    assert (a["pattern"], a["label"], a["label_en"]) == ("new_hot", "Ny het punkt", "New hot spot")
    assert a["reading"] == "Het i sista steget, aldrig tidigare"
    assert (a["n_hot_steps"], a["n_cold_steps"], a["n_steps"], a["count"]) == (1, 0, 4, 12)
    assert a["last_z"] == pytest.approx(2.6458, abs=1e-4)
    assert a["last_p"] == pytest.approx(0.0652, abs=1e-4)
    # Mann–Kendall on A's z: [−0.378, −0.378, −0.378, 2.646]: S = 3, three tied values:
    # Var = (4·3·13 − 3·2·11)/18 = 5, z = (3 − 1)/√5 = 0.894, p = 0.371, tau = 3/6.
    assert (a["mk_tau"], round(a["mk_z"], 3), round(a["mk_p"], 3)) == (0.5, 0.894, 0.371)
    # B is the same every quarter: no hot bin, no trend.
    assert (b["pattern"], b["n_hot_steps"], b["count"], b["mk_z"], b["mk_p"]) == ("none", 0, 4, 0.0, 1.0)
    assert (a["x"], a["y"]) == (X0 + 50, Y0 + 50)
    printed = capsys.readouterr().out
    assert printed.splitlines()[0] == ("2 rutor à 100 m med händelser, 4 kvartal (jan–dec 2024); grannskap queen "
                                       "och inga tidigare steg. Ny het punkt: 1 ruta.")


def test_a_partial_final_step_is_said(two_cells, tmp_path, capsys):
    out = tmp_path / "emerging.csv"
    assert main(["emerging", str(two_cells), "--step", "month", "--to", "2024-11-20", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    # 2024-02 … 2024-11 are 10 months; November is covered up to the 20th.
    assert "10 månader (feb–nov 2024)" in printed
    assert "Obs: sista steget (nov 2024) täcker bara 20 av 30 dagar" in printed
    # 28 of 30 days (93 %) is not worth a warning; the rule is "less than 90 % of the step".
    assert main(["emerging", str(two_cells), "--step", "month", "--to", "2024-11-28", "--out", str(out)]) == 0
    assert "Obs:" not in capsys.readouterr().out


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--step", "day", "Okänt tidssteg för --step: 'day'"),
    ("--time-window", "-1", "--time-window måste vara 0 eller fler"),
    ("--cell", "0", "Cellstorleken (--cell)"),
    ("--neighbours", "hex", "--neighbours: Okänt grannskap 'hex'"),
])
def test_bad_input_names_the_flag_and_writes_nothing(two_cells, tmp_path, capsys, flag, value, message):
    out = tmp_path / "emerging.geojson"
    assert main(["emerging", str(two_cells), flag, value, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [two_cells]


def test_too_few_steps_is_bad_input(two_cells, tmp_path, capsys):
    out = tmp_path / "emerging.csv"
    assert main(["emerging", str(two_cells), "--step", "quarter", "--to", "2024-06-30", "--out", str(out)]) == 2
    assert "bara 2 tidssteg" in capsys.readouterr().err
    assert not out.exists()


def test_sample_geojson_in_wgs84(tmp_path):
    sample = pd.read_parquet(SAMPLE)
    burglaries = sample[sample["category"] == "Inbrott i bostad"]
    out = tmp_path / "emerging.geojson"
    assert main(["emerging", str(SAMPLE), "--cell", "200", "--category", "Inbrott i bostad",
                 "--out", str(out)]) == 0
    cells = gpd.read_file(out)
    assert cells.crs.to_epsg() == 4326
    # One row per 200 m cell with at least one burglary, counted here from the coordinates.
    occupied = set(zip(np.floor(burglaries["x"] / 200).astype(int), np.floor(burglaries["y"] / 200).astype(int),
                       strict=True))
    assert len(cells) == len(occupied)
    assert set(cells["pattern"]) <= {"none", "new_hot", "consecutive_hot", "intensifying_hot", "persistent_hot",
                                     "diminishing_hot", "sporadic_hot", "oscillating_hot", "historical_hot",
                                     "new_cold", "consecutive_cold", "intensifying_cold", "persistent_cold",
                                     "diminishing_cold", "sporadic_cold", "oscillating_cold", "historical_cold"}
    assert (cells["n_steps"] == 36).all()
    # Windows reaching past 31 December 2025 lose the part after it; every other weight is kept.
    assert cells["count"].sum() == pytest.approx(len(burglaries), abs=5)


@pytest.mark.skipif(not (REAL_DATA / "vancouver").is_dir(),
                    reason=f"Vancouver's open data not found at {REAL_DATA / 'vancouver'} (../shared beside the checkout)")
def test_vancouver_break_and_enter_2023_2024(tmp_path, capsys):
    from geo.importer import import_incidents

    raw = pd.concat([pd.read_csv(REAL_DATA / "vancouver" / f"crimedata_csv_AllNeighbourhoods_{year}.csv")
                     for year in (2023, 2024)])
    burglaries = raw[raw["TYPE"].str.startswith("Break and Enter")]
    assert len(burglaries) == 5323  # 3,153 commercial and 2,170 residential/other
    csv = tmp_path / "break_and_enter.csv"
    burglaries.to_csv(csv, index=False)
    imported = import_incidents(csv, x="X", y="Y", work_crs="EPSG:26910", skip_invalid=True, source_value="polis")
    incidents = tmp_path / "break_and_enter.parquet"
    write_incidents(imported.frame, incidents)
    out = tmp_path / "emerging.csv"
    assert main(["emerging", str(incidents), "--cell", "100", "--step", "month", "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    places = imported.frame[imported.frame["position_precision"] == "exakt"]
    occupied = set(zip(np.floor(places["x"] / 100).astype(int), np.floor(places["y"] / 100).astype(int),
                       strict=True))
    assert len(table) == len(occupied)
    assert (table["n_steps"] == 24).all()
    assert table["count"].sum() == pytest.approx(len(places))
    assert table["cell_id"].str.match(r"^100m_E4\d{5}_N54\d{5}$").all()
    printed = capsys.readouterr().out
    cells = f"{len(occupied):,}".replace(",", "\u00a0")
    assert f"{cells} rutor à 100 m med händelser, 24 månader (jan 2023–dec 2024)" in printed
