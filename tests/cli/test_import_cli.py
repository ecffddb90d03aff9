"""``samsyn import`` in a subprocess: report, exit codes, no output file on failure."""

from __future__ import annotations

import pytest

from cli import main
from geo.dataset import read_incidents
from tests.geo.helpers import police_rows, write_text


@pytest.fixture()
def run_here(capsys):
    """Run the CLI in this process (fast) for the success paths; bad input also runs in a subprocess."""

    def _run(*args):
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def test_import_writes_geoparquet_and_prints_report(tmp_path, run_here):
    src = write_text(tmp_path / "export.csv", police_rows())
    code, out, err = run_here("import", src, "--out", tmp_path / "out.parquet", "--source-value", "polis",
                              "--salt", "s")
    assert code == 0, err
    assert "Rader lästa: 3" in out and "Rader skrivna: 3" in out
    assert "kategori: Brottstyp" in out and "Fritext" in out
    assert "SWEREF 99 TM" in out
    frame = read_incidents(tmp_path / "out.parquet")
    assert len(frame) == 3 and frame.attrs["crs"] == "EPSG:3006"


def test_bad_input_exit_2_no_traceback_no_output(tmp_path, run_cli):
    rows = police_rows()
    rows[2][1] = "igår"
    src = write_text(tmp_path / "bad.csv", rows)
    out = tmp_path / "out.parquet"
    result = run_cli("import", src, "--out", out)
    assert result.returncode == 2
    assert result.stderr.startswith("Fel: ") and "Traceback" not in result.stderr
    assert "bad.csv" in result.stderr and "rad 3" in result.stderr and "Datum" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".out*"))


def test_personnummer_refused_via_cli(tmp_path, run_cli):
    rows = police_rows()
    rows[1][3] = "811218-9876"
    out = tmp_path / "out.gpkg"
    result = run_cli("import", write_text(tmp_path / "p.csv", rows), "--out", out)
    assert result.returncode == 2 and "personnummer" in result.stderr and "811218" not in result.stderr
    assert not out.exists()


def test_skip_invalid_writes_rejected_file(tmp_path, run_here):
    rows = police_rows()
    rows[3][4] = "okänd"
    out = tmp_path / "out.gpkg"
    code, stdout, err = run_here("import", write_text(tmp_path / "z.csv", rows), "--out", out, "--skip-invalid")
    assert code == 0, err
    assert "Rader avvisade: 1" in stdout
    rejected = (tmp_path / "out.rejected.csv").read_text(encoding="utf-8-sig")
    assert "reason" in rejected and "koordinaten är inte ett tal" in rejected and "5000-K" not in rejected
    assert out.exists()


def test_missing_file_and_wrong_output_suffix(tmp_path, run_here):
    code, _, err = run_here("import", tmp_path / "nope.csv", "--out", tmp_path / "o.parquet")
    assert code == 2 and "finns inte" in err
    src = write_text(tmp_path / "export.csv", police_rows())
    code, _, err = run_here("import", src, "--out", tmp_path / "o.xlsx")
    assert code == 2 and not (tmp_path / "o.xlsx").exists()


def test_areas_and_survey_kinds(tmp_path, run_here, real_data):
    out = tmp_path / "malmo.gpkg"
    code, stdout, err = run_here("import", real_data / "sweden" / "malmo_delomraden_epsg3008.geojson", "--kind",
                                 "areas", "--out", out)
    assert code == 0, err
    assert "136 områden" in stdout and "EPSG:3008" in stdout
    survey = write_text(tmp_path / "s.csv", [["Område", "År", "Indikator", "Andel"], ["A", "2024", "otrygg", "0,3"]])
    code, _, err = run_here("import", survey, "--kind", "survey", "--out", tmp_path / "s.parquet", "--unit", "share")
    assert code == 0, err
    assert (tmp_path / "s.parquet").exists()


AMBIGUOUS_ROWS = [["Datum", "Brottstyp", "X", "Y"],
                  ["03/05/2024 14:30", "Klotter", "386300.0", "6164100.0"],
                  ["04/06/2024 09:00", "Klotter", "386700.0", "6162500.0"],
                  ["12/01/2024 23:15", "Klotter", "384800.0", "6164700.0"]]


def test_ambiguous_dates_refused_exit_2_no_output(tmp_path, run_cli):
    src = write_text(tmp_path / "oklar.csv", AMBIGUOUS_ROWS)
    out = tmp_path / "out.parquet"
    result = run_cli("import", src, "--out", out, "--source-value", "kommun")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Fel: Fil oklar.csv, kolumn 'Datum': datumen kan läsas både som dag/månad/år och som månad/dag/år (t.ex. "
        "03/05/2024 14:30, 04/06/2024 09:00, 12/01/2024 23:15), så Samsyn gissar inte. Ange formatet med "
        "--date-format, t.ex. --date-format \"%d/%m/%Y %H:%M\" (dag/månad/år) eller --date-format "
        "\"%m/%d/%Y %H:%M\" (månad/dag/år).")
    assert not out.exists() and not list(tmp_path.glob(".out*"))


def test_date_format_flag_resolves_and_the_report_names_the_format(tmp_path, run_here):
    src = write_text(tmp_path / "oklar.csv", AMBIGUOUS_ROWS)
    out = tmp_path / "out.parquet"
    code, stdout, err = run_here("import", src, "--out", out, "--source-value", "kommun", "--salt", "s",
                                 "--date-format", "%d/%m/%Y %H:%M")
    assert code == 0, err
    assert "Datumformat:\n  Datum: dag/månad/år med klockslag (valt format %d/%m/%Y %H:%M)" in stdout
    frame = read_incidents(out)
    assert [str(v)[:16] for v in frame["occurred_from"]] == ["2024-05-03 14:30", "2024-06-04 09:00",
                                                             "2024-01-12 23:15"]


def test_iso_report_line(tmp_path, run_here):
    code, stdout, err = run_here("import", write_text(tmp_path / "export.csv", police_rows()), "--out",
                                 tmp_path / "o.parquet", "--source-value", "polis", "--salt", "s")
    assert code == 0, err
    assert "Datumformat:\n  Datum: år-månad-dag (ISO 8601)\n" in stdout
