"""``samsyn sppt``: two periods, two sources or two files, the CSV per area, and bad input."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cli import main
from geo.dataset import incident_frame, write_incidents

X0, Y0 = 601_000.0, 6_540_000.0
NBSP = "\u00a0"
# Lower-left corners of the four 1 km districts SV, SO, NV, NO.
CORNERS = {"SV": (X0, Y0), "SO": (X0 + 1000, Y0), "NV": (X0, Y0 + 1000), "NO": (X0 + 1000, Y0 + 1000)}


@pytest.fixture()
def samsyn(capsys):
    def _run(*args):
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def _incidents(per_district: dict[str, int], start: str, source: str) -> pd.DataFrame:
    rows = []
    for district, n in per_district.items():
        x0, y0 = CORNERS[district]
        for i in range(n):
            rows.append({"x": x0 + 100 + (i % 40) * 20, "y": y0 + 100 + (i // 40) * 20,
                         "occurred_from": pd.Timestamp(start) + pd.Timedelta(hours=i % 2000)})
    frame = pd.DataFrame(rows)
    frame["id"] = [f"{source}{start}{i}" for i in range(len(frame))]
    frame["category"] = "Skadegörelse"
    frame["source"] = source
    frame["place_type"] = "utomhus"
    return frame


@pytest.fixture()
def files(tmp_path):
    """2024 H1: 100 per district. 2024 H2: Sydväst's share doubles-ish (200 of 500). Kommun: as H1."""
    frame = pd.concat([
        _incidents({"SV": 100, "SO": 100, "NV": 100, "NO": 100}, "2024-01-01", "polis"),
        _incidents({"SV": 200, "SO": 100, "NV": 100, "NO": 100}, "2024-07-01", "polis"),
        _incidents({"SV": 50, "SO": 50, "NV": 50, "NO": 50}, "2024-01-01", "kommun"),
    ], ignore_index=True)
    incidents = tmp_path / "incidents.parquet"
    write_incidents(incident_frame(frame), incidents)
    areas = tmp_path / "areas.geojson"
    gpd.GeoDataFrame({"kod": list(CORNERS), "namn": ["Sydväst", "Sydost", "Nordväst", "Nordost"]},
                     geometry=[shapely.box(x, y, x + 1000, y + 1000) for x, y in CORNERS.values()],
                     crs="EPSG:3006").to_file(areas)
    return {"incidents": incidents, "areas": areas}


def test_two_periods_find_the_planted_change(samsyn, files, tmp_path):
    out = tmp_path / "ut" / "sppt.csv"
    code, stdout, err = samsyn("sppt", files["incidents"], "--areas", files["areas"], "--source", "polis",
                               "--base", "2024-01-01:2024-06-30", "--test", "2024-07-01:2024-12-31",
                               "--seed", "4", "--out", out)
    assert code == 0, err
    table = pd.read_csv(out).set_index("area_id")
    assert table.loc[["SV", "SO", "NV", "NO"], "base_count"].tolist() == [100, 100, 100, 100]
    assert table.loc[["SV", "SO", "NV", "NO"], "test_count"].tolist() == [200, 100, 100, 100]
    # Test shares 40 % and 20 %; a resampled share of 425 incidents stays within a few points of
    # them, far from the base's 25 %.
    assert table.loc["SV", "test_share"] == pytest.approx(40.0)
    assert table.loc["SV", "change"] == "higher" and table.loc["SV", "change_sv"] == "högre andel"
    assert (table.loc[["SO", "NV", "NO"], "change"] == "lower").all()
    assert table.loc["SV", "name"] == "Sydväst"
    assert stdout.splitlines()[0] == ("Mönstret har ändrats i 4 av 4 områden: 1 har en högre andel och 3 en lägre "
                                      "(S = 0,00).")
    assert "frö 4" in stdout and "400 händelser i basmängden och 500 i testmängden" in stdout


def test_same_seed_same_file(samsyn, files, tmp_path):
    outs = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for out in outs:
        code, _, err = samsyn("sppt", files["incidents"], "--areas", files["areas"], "--source", "polis",
                              "--base", "2024-01-01:2024-06-30", "--test", "2024-07-01:2024-12-31",
                              "--seed", "17", "--out", out)
        assert code == 0, err
    assert outs[0].read_text(encoding="utf-8") == outs[1].read_text(encoding="utf-8")


def test_proportion_test_by_hand(samsyn, files, tmp_path):
    out = tmp_path / "diff.csv"
    code, _, err = samsyn("sppt", files["incidents"], "--areas", files["areas"], "--source", "polis",
                          "--base", "2024-01-01:2024-06-30", "--test", "2024-07-01:2024-12-31",
                          "--method", "diff", "--out", out)
    assert code == 0, err
    table = pd.read_csv(out).set_index("area_id")
    # Sydväst: [[100, 300], [200, 300]], N = 900, expected 133.3/266.7/166.7/333.3;
    # chi² = 33.3²·(1/133.3 + 1/266.7 + 1/166.7 + 1/333.3) = 20.0; N−1: 20 · 899/900.
    expected = np.array([[400 * 300 / 900, 400 * 600 / 900], [500 * 300 / 900, 500 * 600 / 900]])
    chi2 = ((np.array([[100, 300], [200, 300]]) - expected) ** 2 / expected).sum() * 899 / 900
    assert table.loc["SV", "p_value"] == pytest.approx(math.erfc(math.sqrt(chi2 / 2)), rel=1e-9)
    assert table.loc["SV", "change"] == "higher"


def test_two_sources_with_the_same_pattern(samsyn, files, tmp_path):
    out = tmp_path / "sources.csv"
    code, stdout, err = samsyn("sppt", files["incidents"], "--areas", files["areas"], "--base-source", "polis",
                               "--test-source", "kommun", "--base", "2024-01-01:2024-06-30", "--seed", "1",
                               "--out", out)
    assert code == 0, err
    table = pd.read_csv(out)
    assert table["test_count"].sum() == 200 and table["base_count"].sum() == 400
    assert stdout.splitlines()[0] == (f"Mönstret är i stort sett detsamma: 100{NBSP}% av områdena har en liknande "
                                      "andel (S = 1,00).")


def test_a_second_file(samsyn, files, tmp_path):
    kommun = tmp_path / "kommun.parquet"
    write_incidents(incident_frame(_incidents({"SV": 10, "SO": 10, "NV": 10, "NO": 70}, "2024-02-01", "kommun")),
                    kommun)
    out = tmp_path / "files.csv"
    code, _, err = samsyn("sppt", files["incidents"], "--areas", files["areas"], "--source", "polis",
                          "--base", "2024-01-01:2024-06-30", "--test-file", kommun, "--seed", "2", "--out", out)
    # --source polis filters the second file too, which has only kommun rows.
    assert code == 2 and "testmängden" in err
    code, stdout, err = samsyn("sppt", files["incidents"], "--areas", files["areas"], "--base-source", "polis",
                               "--test-source", "kommun", "--base", "2024-01-01:2024-06-30", "--test-file", kommun,
                               "--seed", "2", "--out", out)
    assert code == 0, err
    table = pd.read_csv(out).set_index("area_id")
    assert table.loc["NO", "test_count"] == 70 and table.loc["NO", "change"] == "higher"


@pytest.mark.parametrize(("args", "message"), [
    (["--base", "2024-13-01:2024-06-30", "--test", "2024-07-01:2024-12-31"], "--base"),
    (["--base", "2024-01-01:2024-06-30", "--test", "2024-12-31:2024-07-01"], "--test"),
    (["--base", "2024-01-01:2024-06-30"], "--test"),
    (["--base", "2030-01-01:2030-06-30", "--test", "2024-07-01:2024-12-31"], "--base"),
    (["--base", "2024-01-01:2024-06-30", "--test", "2024-07-01:2024-12-31", "--conf-level", "0"], "--conf-level"),
    (["--base-source", "polis"], "--test-source"),
])
def test_bad_input_exits_2_naming_the_flag(samsyn, files, tmp_path, args, message):
    out = tmp_path / "bad.csv"
    code, _, err = samsyn("sppt", files["incidents"], "--areas", files["areas"], *args, "--out", out)
    assert code == 2
    assert err.startswith("Fel: ") and message in err
    assert not out.exists()


def test_wrong_output_suffix_writes_nothing(samsyn, files, tmp_path):
    out = tmp_path / "sppt.txt"
    code, _, err = samsyn("sppt", files["incidents"], "--areas", files["areas"], "--base", "2024-01-01:2024-06-30",
                          "--test", "2024-07-01:2024-12-31", "--out", out)
    assert code == 2 and "--out" in err and not out.exists()
