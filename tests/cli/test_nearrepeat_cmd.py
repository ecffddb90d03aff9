"""``samsyn nearrepeat`` as a user runs it: on a hand-made file, the sample, and Vancouver's burglaries."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli import main
from geo.dataset import incident_frame, write_incidents

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "incidents.parquet"
VANCOUVER = ROOT.parent / "shared" / "data" / "real" / "vancouver" / "crimedata_csv_AllNeighbourhoods_2024.csv"
X0, Y0 = 600000.0, 6540000.0


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """Four burglaries and a bicycle theft.

    P (0, 0) 1 May and Q (30, 40) 3 May are 50 m and 2 days apart; R (0, 150) 10 May is 150 m from P
    (9 days) and √(30² + 110²) = 114 m from Q (7 days); S is 5 km away. The bicycle theft sits on P.
    """
    frame = pd.DataFrame({
        "x": [X0, X0 + 30, X0, X0 + 5000, X0],
        "y": [Y0, Y0 + 40, Y0 + 150, Y0, Y0],
        "category": ["Inbrott i bostad"] * 4 + ["Cykelstöld"],
        "source": "polis",
        "place_type": "bostad",
        "occurred_from": pd.to_datetime(["2024-05-01 10:00", "2024-05-03 09:00", "2024-05-10 12:00",
                                         "2024-05-02 12:00", "2024-05-01 11:00"]),
    })
    frame["id"] = [f"h{i}" for i in range(len(frame))]
    path = tmp_path_factory.mktemp("nearrepeat") / "incidents.parquet"
    write_incidents(incident_frame(frame), path)
    return path


def test_small_file_counts_and_sentence(small, tmp_path, capsys):
    out = tmp_path / "nr.csv"
    code = main(["nearrepeat", str(small), "--category", "Inbrott i bostad", "--distance-bands", "0,100,200",
                 "--time-bands", "0,7,14", "--permutations", "99", "--seed", "4", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out)
    assert list(table.columns) == ["distance_from", "distance_to", "days_from", "days_to", "observed", "expected",
                                   "knox_ratio", "p_value"]
    # P–Q in [0,100)×[0,7); Q–R (114 m, 7 days) in [100,200)×[7,14); P–R (150 m, 9 days) too.
    assert table["observed"].tolist() == [1, 0, 0, 2]
    printed = capsys.readouterr().out
    assert "Knox-test på 4 händelser, 3 par närmare än 200 m, 99 permutationer av datumen (frö 4)." in printed
    assert "Efter ett inbrott" in printed
    assert f"Skrev {out}." in printed
    # The same seed writes the same file.
    again = tmp_path / "again.csv"
    main(["nearrepeat", str(small), "--category", "Inbrott i bostad", "--distance-bands", "0,100,200",
          "--time-bands", "0,7,14", "--permutations", "99", "--seed", "4", "--out", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_period_filter_and_no_category(small, tmp_path, capsys):
    out = tmp_path / "nr.csv"
    # From 2 May: P (1 May) and the bicycle theft (1 May) are out; Q–R (114 m, 7 days) is the one pair.
    code = main(["nearrepeat", str(small), "--from", "2024-05-02", "--to", "2024-05-31", "--distance-bands",
                 "0,100,200", "--time-bands", "0,7,14", "--permutations", "9", "--seed", "1", "--out", str(out)])
    assert code == 0
    assert pd.read_csv(out)["observed"].tolist() == [0, 0, 0, 1]
    printed = capsys.readouterr().out
    assert "Knox-test på 3 händelser, 1 par närmare än 200 m" in printed
    # No pair at all within 100 m, so no expected count; without --category it speaks of incidents.
    assert ("För få par inom 100\xa0m under 7 dagar för att säga något om risken efter en händelse."
            in printed.splitlines())


@pytest.mark.parametrize(("flags", "message"), [
    (["--distance-bands", "0,200,100"], "--distance-bands: gränserna måste vara strikt växande"),
    (["--time-bands", "sju"], "--time-bands: 'sju' är inte en lista med tal"),
    (["--permutations", "1"], "--permutations måste vara minst 2"),
    (["--permutations", "många"], "--permutations måste vara ett heltal"),
    (["--seed", "-3"], "--seed måste vara minst 0"),
    (["--metric", "chebyshev"], "--metric: okänt avståndsmått 'chebyshev'"),
])
def test_bad_flags_exit_2_and_write_nothing(small, tmp_path, capsys, flags, message):
    out = tmp_path / "nr.csv"
    code = main(["nearrepeat", str(small), *flags, "--out", str(out)])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_wrong_suffix_and_missing_file(small, tmp_path, capsys):
    assert main(["nearrepeat", str(small), "--out", str(tmp_path / "nr.json")]) == 2
    assert "Utdata måste sluta på .csv." in capsys.readouterr().err
    assert main(["nearrepeat", str(tmp_path / "saknas.parquet"), "--out", str(tmp_path / "nr.csv")]) == 2
    assert "Filen finns inte." in capsys.readouterr().err


def _brute_force(incidents: pd.DataFrame, max_distance: float, max_days: int) -> int:
    """Pairs closer than ``max_distance`` m and fewer than ``max_days`` days apart, from all pairs."""
    x, y = incidents["x"].to_numpy(), incidents["y"].to_numpy()
    start, end = incidents["occurred_from"], incidents["occurred_to"]
    middle = start.where(end.isna() | (end <= start), start + (end - start) / 2)
    day = middle.dt.normalize().to_numpy().astype("datetime64[D]").astype(np.int64)
    close = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) < max_distance
    soon = np.abs(day[:, None] - day[None, :]) < max_days
    return int(np.triu(close & soon, k=1).sum())


def test_sample_burglaries(tmp_path, capsys):
    out = tmp_path / "nr.csv"
    code = main(["nearrepeat", str(SAMPLE), "--category", "Inbrott i bostad", "--category", "Inbrott i källare/vind",
                 "--permutations", "99", "--seed", "1", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out)
    assert len(table) == 16
    assert table[["distance_to", "days_to"]].iloc[0].tolist() == [100, 7]
    incidents = pd.read_parquet(SAMPLE)
    burglaries = incidents[incidents["category"].isin(["Inbrott i bostad", "Inbrott i källare/vind"])]
    assert int(table["observed"].iloc[0]) == _brute_force(burglaries, 100, 7)
    printed = capsys.readouterr().out
    assert f"Knox-test på {len(burglaries):,} händelser".replace(",", "\u00a0") in printed
    assert "händelser med tidsfönster placerades mitt i fönstret." in printed


@pytest.mark.skipif(not VANCOUVER.exists(), reason=f"the real Vancouver file is not at {VANCOUVER} "
                                                   "(../shared lies beside the checkout on the team's machines)")
def test_vancouver_residential_break_and_enter_2024(tmp_path, capsys):
    from geo.importer import import_incidents

    mapping = tmp_path / "kategorier.csv"
    mapping.write_text("namn i filen;kategori\nBreak and Enter Residential/Other;Inbrott i bostad\n", encoding="utf-8")
    imported = import_incidents(VANCOUVER, x="X", y="Y", crs="EPSG:26910", work_crs="EPSG:26910", skip_invalid=True,
                                source_value="polis", category_map=str(mapping))
    path = tmp_path / "vancouver.parquet"
    write_incidents(imported.frame, path)
    raw = pd.read_csv(VANCOUVER)
    residential = raw[raw["TYPE"] == "Break and Enter Residential/Other"]
    assert len(residential) == 977
    out = tmp_path / "nr.csv"
    code = main(["nearrepeat", str(path), "--category", "Inbrott i bostad", "--distance-bands", "0,100,200,400,800",
                 "--time-bands", "0,7,14,28,56", "--permutations", "199", "--seed", "12", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out)
    # The nearest cell counted from the raw file's X/Y and dates over all 476 776 pairs.
    frame = pd.DataFrame({
        "x": residential["X"].to_numpy(dtype=float), "y": residential["Y"].to_numpy(dtype=float),
        "occurred_from": pd.to_datetime(residential[["YEAR", "MONTH", "DAY"]].rename(columns=str.lower)),
        "occurred_to": pd.NaT,
    })
    assert int(table["observed"].iloc[0]) == _brute_force(frame, 100, 7)
    assert int(table["observed"].iloc[-1]) == _brute_force(frame, 800, 56) - int(
        table["observed"].iloc[:-1].sum())
    assert "Knox-test på 977 händelser" in capsys.readouterr().out
