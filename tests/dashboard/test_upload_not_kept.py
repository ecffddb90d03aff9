"""Nothing personal kept: an upload never reaches the data directory, a refused one leaves no trace.

The uploads go through the real Data page in Streamlit's AppTest. The system temp directory is
pointed at a folder of the test's own, so that "no trace" can be checked there too.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")
PERSONNUMMER = "811218-9876"  # a valid check digit (Luhn), a plausible date: what the importer refuses
CASE_NUMBER = "5000-K771-25"
FREE_TEXT = "Bråk utanför krogen, Kalle Svensson"

HEADER = "Ärendenummer;Brottstyp;Datum;Klockslag;Latitud;Longitud;Fritext\n"
GOOD = (HEADER
        + f"{CASE_NUMBER};Misshandel;2025-03-01;22:10;59,3101;17,6402;{FREE_TEXT}\n"
        + "5000-K772-25;Klotter;2025-03-02;03:05;59,3105;17,6410;Tags på vägg\n"
        + "5000-K773-25;Cykelstöld;2025-03-03;14:45;59,3110;17,6420;Låst cykel\n")
# The personnummer sits in the category column on the file's row 3 (header = row 1).
REFUSED = (HEADER
           + f"{CASE_NUMBER};Misshandel;2025-03-01;22:10;59,3101;17,6402;{FREE_TEXT}\n"
           + f"5000-K772-25;Olaga hot {PERSONNUMMER};2025-03-02;03:05;59,3105;17,6410;Hot i trapphus\n")


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    data_dir, temp_dir = tmp_path / "userdata", tmp_path / "systemtemp"
    temp_dir.mkdir()
    monkeypatch.setenv("SAMSYN_DATA", str(data_dir))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(temp_dir))
    monkeypatch.chdir(tmp_path)
    return data_dir, temp_dir


def _shown(at: AppTest) -> str:
    """Everything the page shows as text, Markdown escapes removed (what a person reads)."""
    parts = [e.value for kind in ("markdown", "caption", "error", "success", "warning", "info", "code")
             for e in getattr(at, kind)]
    parts += [str(df.value.to_csv()) for df in at.dataframe] + [str(t.value.to_csv()) for t in at.table]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def _files_holding(folder: Path, *needles: str) -> list[Path]:
    if not folder.exists():
        return []
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(n.encode("utf-8") in data for n in needles):
                found.append(path)
    return found


def _upload(name: str, content: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    at.file_uploader(key="upload_file").set_value((name, content.encode("utf-8"), "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_a_refused_personnummer_upload_leaves_no_trace(dirs):
    data_dir, temp_dir = dirs
    at = _upload("polisens_export.csv", REFUSED)
    # Before the import has run, only the column names are shown – no values at all.
    shown = _shown(at)
    assert "Kolumner i filen (värdena visas först när importen har kontrollerat dem): Ärendenummer, Brottstyp, " \
           "Datum, Klockslag, Latitud, Longitud, Fritext – 2 rader" in shown
    assert CASE_NUMBER not in shown and FREE_TEXT not in shown and PERSONNUMMER not in shown
    at.button(key="FormSubmitter:mapping-Kontrollera").click().run()
    assert not at.exception, at.exception
    errors = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert errors == ["Fil polisens_export.csv, kolumn 'Brottstyp', rad 3: kolumnen innehåller något som ser ut som "
                      "personnummer. Filen importeras inte: personuppgifter får inte lämna importen. Ta bort eller "
                      "ersätt värdena och försök igen."]
    assert PERSONNUMMER not in _shown(at) and "811218" not in _shown(at)
    # Nothing with the file's content anywhere: not in the data directory, not in the temp directory.
    assert _files_holding(data_dir, PERSONNUMMER, CASE_NUMBER, FREE_TEXT) == []
    assert list(temp_dir.iterdir()) == []
    assert not (data_dir / "uploads").exists()


def test_a_saved_upload_keeps_only_what_passed_the_importer(dirs):
    data_dir, temp_dir = dirs
    at = _upload("polisens_export.csv", GOOD)
    at.text_input(key="upload_name").input("Polisens export mars")
    at.button(key="FormSubmitter:mapping-Spara").click().run()
    assert not at.exception, at.exception
    shown = _shown(at)
    assert "Sparat i datasetet **Polisens export mars**." in shown
    # The preview is the importer's output: categories kept, case numbers and free text not.
    [preview] = [df.value for df in at.dataframe]
    # The preview is in the reader's words: "Kategori", not the importer's "category".
    assert len(preview) == 3 and {"Cykelstöld", "Klotter"} <= set(preview["Kategori"])
    assert "Fritext" not in preview.columns
    assert CASE_NUMBER not in shown and FREE_TEXT not in shown and "Låst cykel" not in shown
    # On disk: the dataset's own files only, none holding a case number or the free text.
    files = sorted(p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*") if p.is_file())
    assert files == ["datasets/polisens-export-mars/dataset.json", "datasets/polisens-export-mars/import-report.json",
                     "datasets/polisens-export-mars/incidents.parquet"]
    assert _files_holding(data_dir, CASE_NUMBER, FREE_TEXT, "Tags på vägg") == []
    assert list(temp_dir.iterdir()) == []


def test_an_uploaded_name_never_chooses_a_path(dirs, tmp_path):
    data_dir, temp_dir = dirs
    at = _upload("../../x.csv", GOOD)
    # The readers saw a file called x.csv in the private folder; nothing was written beside the test.
    assert not (tmp_path.parent / "x.csv").exists() and not (tmp_path / "x.csv").exists()
    assert at.text_input(key="upload_name").value == "x"
    assert list(temp_dir.iterdir()) == []
    assert not data_dir.exists() or _files_holding(data_dir, CASE_NUMBER) == []


def test_removing_a_dataset_deletes_its_incidents_and_says_so_first(dirs):
    data_dir, _ = dirs
    at = _upload("polisens_export.csv", GOOD)
    at.text_input(key="upload_name").input("Polisens export mars")
    at.button(key="FormSubmitter:mapping-Spara").click().run()
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="dataset_choice").select("polisens-export-mars").run()
    assert [w.value for w in at.warning] == [
        "Datasetets filer raderas: händelserna och lagren går inte att få tillbaka. Problembildens platser, "
        "åtgärder, mål och ändringslogg finns kvar, men räknas inte längre på datasetet."]
    assert at.button(key="archive").disabled
    at.checkbox(key="confirm_archive").check().run()
    at.button(key="archive").click().run()
    assert not at.exception, at.exception
    assert not (data_dir / "datasets" / "polisens-export-mars").exists()
    # What is left is a note of what the dataset was: no incident, no file of it.
    [note] = (data_dir / "archive").iterdir()
    assert re.fullmatch(r"polisens-export-mars-\d{8}T\d{6}\.json", note.name)
    record = __import__("json").loads(note.read_text(encoding="utf-8"))
    assert record["name"] == "Polisens export mars" and record["deleted_files"] == ["incidents"]
    assert sorted(p.name for p in data_dir.rglob("*") if p.is_file()) == [note.name]
    options = at.selectbox(key="dataset_choice").options
    assert len(options) == 1 and "Polisens export mars" not in options and "polisens-export-mars" not in options


def test_the_cli_refuses_the_same_file_without_echoing_the_personnummer(tmp_path, capsys):
    from cli import main

    source = tmp_path / "polisens_export.csv"
    source.write_text(REFUSED, encoding="utf-8")
    code = main(["import", str(source), "--out", str(tmp_path / "ut.parquet")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.strip() == (
        "Fel: Fil polisens_export.csv, kolumn 'Brottstyp', rad 3: kolumnen innehåller något som ser ut som "
        "personnummer. Filen importeras inte: personuppgifter får inte lämna importen. Ta bort eller ersätt värdena "
        "och försök igen.")
    assert PERSONNUMMER not in captured.out + captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["polisens_export.csv"]  # nothing half-written
