"""The command line's side of an import a person can follow: stage lines on stderr, the template,
``dataset show`` with the stored import report, hints in the CLI's own flags."""

from __future__ import annotations

import json

from geo.dataset import read_incidents
from tests.dashboard.test_data_page import (
    DATE_REASON,
    LAT_REASON,
    PERSONNUMMER,
    ROWS,
    TIME_REASON,
    police_export,
)

STAGES = "Läser fil …\nKoordinater …\nTolkar datum …\nAnonymiserar …\nSkriver …\n"


def test_stage_lines_go_to_stderr_for_a_long_file_and_the_report_to_stdout(tmp_path, run_cli):
    source = tmp_path / "polisens_export.csv"
    # 10 800 rows of about 105 bytes: past the 1 MB from which the CLI shows its stages.
    source.write_bytes(police_export([r for r in ROWS if r[3] != "25:15" and r[4] and r[2] != "2025-04-31"] * 1800))
    assert source.stat().st_size > 1_000_000
    out = tmp_path / "ut.parquet"
    result = run_cli("import", source, "--out", out, "--salt", "s", "--source-value", "polis")
    assert result.returncode == 0, result.stderr
    assert result.stderr == STAGES
    assert "…" not in result.stdout and "Rader skrivna: 10800\n" in result.stdout
    assert len(read_incidents(out)) == 10800
    # A short file by a job (stderr not a terminal): no stage lines, stderr stays for errors.
    short = tmp_path / "kort.csv"
    short.write_bytes(police_export(ROWS[:3]))
    quiet = run_cli("import", short, "--out", tmp_path / "kort.parquet", "--salt", "s")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_bad_rows_are_answered_in_flags_and_the_rejected_file_holds_no_personnummer(tmp_path, run_cli):
    source = tmp_path / "polisens_export.csv"
    rows = [*ROWS, ("5000-K110-25", f"Olaga hot {PERSONNUMMER}", "2025-04-09", "12:00", "59,3135", "17,6455")]
    source.write_bytes(police_export(rows))
    out = tmp_path / "ut.parquet"
    refused = run_cli("import", source, "--out", out)
    assert refused.returncode == 2
    assert refused.stderr.endswith(
        "Fel: Fil polisens_export.csv, kolumn 'Brottskod/Brott', rad 11: kolumnen innehåller något som ser ut som "
        "personnummer. Filen importeras inte: personuppgifter får inte lämna importen. Ta bort eller ersätt värdena "
        "och försök igen.\n")
    assert not out.exists()
    kept = run_cli("import", source, "--out", out, "--skip-invalid", "--salt", "s")
    assert kept.returncode == 0, kept.stderr
    assert "Rader skrivna: 6\nRader avvisade: 4\n" in kept.stdout
    rejected = (tmp_path / "ut.rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejected == [
        "rad;Brottsdatum;Klockslag;Brottskod/Brott;Latitud;Longitud;reason",
        f"5;2025-04-31;09:30;Skadegörelse;59,3112;17,6425;{DATE_REASON} (Brottsdatum)",
        f"7;2025-04-05;16:20;Cykelstöld;;17,6435;{LAT_REASON} (Latitud)",
        f"9;2025-04-07;25:15;Klotter;59,3125;17,6445;{TIME_REASON} (Klockslag)",
        "11;2025-04-09;12:00;(personnummer – borttaget);59,3135;17,6455;innehåller något som ser ut som "
        "personnummer (värdet är borttaget) (Brottskod/Brott)",
    ]
    assert PERSONNUMMER not in kept.stdout + kept.stderr


def test_an_unknown_crs_names_the_flag(tmp_path, run_cli):
    source = tmp_path / "zon.csv"
    source.write_text("Id,Brottstyp,Datum,X,Y\n1,Klotter,2025-04-01 10:00,153000,6163000\n", encoding="utf-8")
    result = run_cli("import", source, "--out", tmp_path / "ut.parquet")
    assert result.returncode == 2
    assert result.stderr.rstrip().endswith(
        "Ange --crs, t.ex. --crs EPSG:3006 (SWEREF 99 TM), EPSG:3008 (lokal zon 13 30) eller EPSG:3021 (RT 90).")


def test_the_template_commands_write_files_that_import_as_one_row(tmp_path, run_cli):
    for name in ("mall.csv", "mall.xlsx"):
        written = run_cli("template", "--out", tmp_path / name)
        assert written.returncode == 0, written.stderr
        assert written.stdout == f"Skrev mallen till {tmp_path / name}\n"
        out = tmp_path / f"{name}.parquet"
        imported = run_cli("import", tmp_path / name, "--out", out, "--salt", "s")
        assert imported.returncode == 0, imported.stderr
        [row] = read_incidents(out).to_dict("records")
        assert (f"{row['occurred_from']:%Y-%m-%d %H:%M}", f"{row['occurred_to']:%Y-%m-%d %H:%M}") == (
            "2025-03-14 22:00", "2025-03-15 06:30")
    assert (tmp_path / "mall.csv").read_bytes().startswith(b"\xef\xbb\xbf\xc3\x84rendenummer;Brottstyp;")
    wrong = run_cli("template", "--out", tmp_path / "mall.ods")
    assert wrong.returncode == 2 and "Mallen finns som .csv och .xlsx" in wrong.stderr
    assert not (tmp_path / "mall.ods").exists()


def test_dataset_show_prints_the_stored_import_report(tmp_path, run_cli):
    source = tmp_path / "polisens_export.csv"
    source.write_bytes(police_export())
    added = run_cli("dataset", "add", "Polisens export april", "--incidents", source, "--skip-invalid",
                    "--data", tmp_path / "userdata")
    assert added.returncode == 0, added.stderr
    assert added.stderr == ""  # a short file: no stage lines
    stored = json.loads((tmp_path / "userdata" / "datasets" / "polisens-export-april" / "import-report.json")
                        .read_text(encoding="utf-8"))["incidents"]
    assert (stored["rows_read"], stored["rows_written"], stored["rows_rejected"]) == (9, 6, 3)
    shown = run_cli("dataset", "show", "Polisens export april", "--data", tmp_path / "userdata")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Polisens export april (polisens-export-april)"
    assert "Importrapport – incidents:" in lines
    for expected in ("  Fil: polisens_export.csv (CSV, semikolonseparerad, cp1252)", "  Rader lästa: 9",
                     "  Rader skrivna: 6", "  Rader avvisade: 3", f"    1 – {LAT_REASON} (Latitud)",
                     "  Kolumner som tas bort (sparas inte): Målsägande personnummer, Fritext",
                     "    Brottsdatum: år-månad-dag (ISO 8601)"):
        assert expected in lines, expected
    assert PERSONNUMMER not in shown.stdout and "5000-K" not in shown.stdout
    unknown = run_cli("dataset", "show", "finns-inte", "--data", tmp_path / "userdata")
    assert unknown.returncode == 2
