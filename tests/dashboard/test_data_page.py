"""The Data page: an import a person can follow, and nothing raw kept.

Files are made here the way source systems write them: a police export in cp1252 with ``;`` and
decimal commas, a column of personnummer (the injured party's) and free text beside the kept
columns. The expected rows, reasons and counts are worked out by hand from the rows below.
"""

from __future__ import annotations

import io
import json
import re
import tempfile

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from tests.dashboard.apptest import APP

PERSONNUMMER = "811218-9876"  # valid check digit: what the importer must never let through
FREE_TEXT = "Bråk utanför krogen, Kalle Svensson"
HEADER = "Ärendenummer;Brottskod/Brott;Brottsdatum;Klockslag;Latitud;Longitud;Målsägande personnummer;Fritext"
# Rows as the file numbers them (header = row 1): row 5 has 31 April, row 7 no latitude, row 9 the time 25:15.
ROWS = [
    ("5000-K101-25", "Misshandel", "2025-04-01", "22:10", "59,3101", "17,6402"),
    ("5000-K102-25", "Klotter", "2025-04-02", "03:05", "59,3105", "17,6410"),
    ("5000-K103-25", "Cykelstöld", "2025-04-02", "14:45", "59,3110", "17,6420"),
    ("5000-K104-25", "Skadegörelse", "2025-04-31", "09:30", "59,3112", "17,6425"),
    ("5000-K105-25", "Klotter", "2025-04-04", "11:00", "59,3115", "17,6430"),
    ("5000-K106-25", "Cykelstöld", "2025-04-05", "16:20", "", "17,6435"),
    ("5000-K107-25", "Misshandel", "2025-04-06", "23:40", "59,3120", "17,6440"),
    ("5000-K108-25", "Klotter", "2025-04-07", "25:15", "59,3125", "17,6445"),
    ("5000-K109-25", "Cykelstöld", "2025-04-08", "08:05", "59,3130", "17,6450"),
]
DATE_REASON = "datumet kan inte tolkas (skriv t.ex. 2024-03-05)"
LAT_REASON = "koordinat saknas"
TIME_REASON = "klockslaget kan inte tolkas (skriv t.ex. 14:30)"


def police_export(rows=ROWS) -> bytes:
    """The export as the police system writes it: cp1252, semicolons, CRLF, decimal commas."""
    lines = [HEADER] + [";".join((*row, PERSONNUMMER, FREE_TEXT)) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    data_dir, temp_dir = tmp_path / "userdata", tmp_path / "systemtemp"
    temp_dir.mkdir()
    monkeypatch.setenv("SAMSYN_DATA", str(data_dir))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(temp_dir))
    monkeypatch.chdir(tmp_path)
    return data_dir, temp_dir


@pytest.fixture
def downloads(monkeypatch):
    """The bytes the page hands to each st.download_button, by the button's key."""
    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        stored[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)

    def of(at: AppTest, key: str) -> bytes:
        [button] = [b for b in at.get("download_button") if b.proto.id.endswith(key) or key in b.proto.id]
        file_id = re.search(r"/([0-9a-f]+)\.\w+$", button.proto.url).group(1)
        return stored[file_id]

    return of


@pytest.fixture
def importer_calls(monkeypatch):
    """Count the importer's runs (the page imports it from geo.importer on every run)."""
    import geo.importer

    calls = []
    real = geo.importer.import_incidents

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(geo.importer, "import_incidents", counted)
    return calls


def _shown(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "error", "success", "warning", "info", "code")
             for e in getattr(at, kind)]
    parts += [df.value.to_csv() for df in at.dataframe] + [t.value.to_csv() for t in at.table]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def _open(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="upload_file").set_value((name, content, "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _click(at: AppTest, label: str) -> AppTest:
    at.button(key=f"FormSubmitter:mapping-{label}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _bad_rows(at: AppTest) -> list[tuple]:
    [table] = [df.value for df in at.dataframe if "Rad" in df.value.columns]
    return list(table.itertuples(index=False, name=None))


def test_three_bad_rows_named_in_the_pages_own_words_and_nothing_kept(dirs, downloads):
    data_dir, temp_dir = dirs
    at = _click(_upload(_open(), "polisens_export.csv", police_export()), "Kontrollera")
    [error] = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert error == ("Fil polisens_export.csv, kolumn 'Latitud', rad 7: koordinat saknas. Dessutom har 2 andra rader "
                     "andra fel. Rätta filen, eller kryssa i Hoppa över felaktiga rader för att spara de giltiga raderna "
                     "(de felaktiga kan du ladda ner med orsak).")
    assert "--" not in _shown(at)
    assert _bad_rows(at) == [("polisens_export.csv", 5, "Brottsdatum", DATE_REASON),
                             ("polisens_export.csv", 7, "Latitud", LAT_REASON),
                             ("polisens_export.csv", 9, "Klockslag", TIME_REASON)]
    assert "rader till" not in _shown(at)
    # The download: all three rows with the columns the importer uses (never the id) and the reason.
    rejected = downloads(at, "download_rejected").decode("utf-8-sig")
    assert rejected.splitlines() == [
        "rad;Brottsdatum;Klockslag;Brottskod/Brott;Latitud;Longitud;reason",
        f"5;2025-04-31;09:30;Skadegörelse;59,3112;17,6425;{DATE_REASON} (Brottsdatum)",
        f"7;2025-04-05;16:20;Cykelstöld;;17,6435;{LAT_REASON} (Latitud)",
        f"9;2025-04-07;25:15;Klotter;59,3125;17,6445;{TIME_REASON} (Klockslag)",
    ]
    assert PERSONNUMMER not in rejected and "5000-K1" not in rejected and FREE_TEXT not in rejected
    assert PERSONNUMMER not in _shown(at) and FREE_TEXT not in _shown(at)
    # A refused file leaves nothing: no dataset, no temporary copy.
    assert not (data_dir / "datasets").exists() or list((data_dir / "datasets").iterdir()) == []
    assert list(temp_dir.iterdir()) == []


def test_check_once_save_once_with_the_import_report_stored(dirs, downloads, importer_calls):
    data_dir, temp_dir = dirs
    at = _upload(_open(), "20261201T202145-Polisens_export_april.csv", police_export())
    # The dataset's name is the user's: the file's name without its time stamp and extension.
    assert at.text_input(key="upload_name").value == "Polisens export april"
    at.checkbox(key="map_skip").check()
    at = _click(at, "Kontrollera")
    assert len(importer_calls) == 1
    [status] = at.get("status")
    assert status.label == "Kontrollen är klar" and status.state == "complete"
    assert [m.value for m in status.markdown] == ["Läser fil …", "Koordinater …", "Tolkar datum …",
                                                 "Anonymiserar …"]
    assert _bad_rows(at) == [("20261201T202145-Polisens_export_april.csv", 5, "Brottsdatum", DATE_REASON),
                             ("20261201T202145-Polisens_export_april.csv", 7, "Latitud", LAT_REASON),
                             ("20261201T202145-Polisens_export_april.csv", 9, "Klockslag", TIME_REASON)]
    assert len(downloads(at, "download_rejected").decode("utf-8-sig").splitlines()) == 4
    # The preview: the canonical columns of the six rows kept (under their Swedish headers), nothing else of the file.
    [preview] = [df.value for df in at.dataframe if "Kategori" in df.value.columns]
    assert {"Id", "Kategori", "Från", "Till", "X (öster)", "Y (norr)", "Källa", "Platstyp"} <= set(preview.columns)
    assert not set(preview.columns) & set(HEADER.split(";"))  # none of the file's own columns
    assert not preview.isin([PERSONNUMMER, FREE_TEXT, "5000-K101-25"]).any().any()
    assert list(preview["Kategori"]) == ["Misshandel utomhus", "Klotter", "Cykelstöld", "Klotter",
                                         "Misshandel utomhus", "Cykelstöld"]
    assert list(preview["Från"]) == [
        "2025-04-01 22:10", "2025-04-02 03:05", "2025-04-02 14:45", "2025-04-04 11:00", "2025-04-06 23:40",
        "2025-04-08 08:05"]
    shown = _shown(at)
    # The report names the user's file, never the private temporary copy it was read from.
    assert "Fil: 20261201T202145-Polisens_export_april.csv (CSV, semikolonseparerad, cp1252)" in shown
    assert "samsyn-upload-" not in shown and str(temp_dir) not in shown

    at = _click(at, "Spara")
    assert len(importer_calls) == 1  # Spara wrote the checked result; the importer did not run again
    assert "Sparat i datasetet **Polisens export april**." in [s.value for s in at.success]
    directory = data_dir / "datasets" / "polisens-export-april"
    assert sorted(p.name for p in directory.iterdir()) == ["dataset.json", "import-report.json", "incidents.parquet"]
    report = json.loads((directory / "import-report.json").read_text(encoding="utf-8"))["incidents"]
    assert (report["rows_read"], report["rows_written"], report["rows_rejected"]) == (9, 6, 3)
    assert report["rejected_reasons"] == {f"{DATE_REASON} (Brottsdatum)": 1, f"{LAT_REASON} (Latitud)": 1,
                                          f"{TIME_REASON} (Klockslag)": 1}
    assert report["columns_dropped"] == ["Målsägande personnummer", "Fritext"]
    assert report["date_formats"] == {"Brottsdatum": "år-månad-dag (ISO 8601)"}
    assert report["crs_found"] == "EPSG:4326" and report["file"] == "20261201T202145-Polisens_export_april.csv"
    # Nothing of the raw file anywhere on disk: no rejected rows, case numbers, personnummer or free text.
    for path in data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in (PERSONNUMMER, "5000-K10", "Kalle Svensson", "2025-04-31"):
                assert needle.encode() not in data, (path, needle)
    assert list(temp_dir.iterdir()) == []

    # The report can be read later on the page, under the dataset.
    at = _open()
    at.selectbox(key="dataset_choice").select("polisens-export-april").run()
    [expander] = [e for e in at.expander if e.label == "Importrapport"]
    text = "\n".join(c.value for c in expander.code)
    assert "Rader lästa: 9\n" in text and "Rader skrivna: 6\n" in text and "Rader avvisade: 3\n" in text
    assert f"  1 – {LAT_REASON} (Latitud)" in text
    table = at.table[0].value
    assert table.loc["Polisens export april", "Innehåll"] == "händelser"
    assert not any("incidents.parquet" in str(v) for v in table.to_numpy().ravel())


def test_changed_bytes_after_the_check_are_checked_again(dirs, importer_calls):
    at = _upload(_open(), "polisens_export.csv", police_export(ROWS[:3]))
    at = _click(at, "Kontrollera")
    assert len(importer_calls) == 1
    at = _upload(at, "polisens_export.csv", police_export(ROWS[:2]))
    at = _click(at, "Spara")
    assert len(importer_calls) == 2  # other bytes: the earlier check does not count for them
    [preview] = [df.value for df in at.dataframe if "Kategori" in df.value.columns]
    assert len(preview) == 2


def test_more_than_ten_bad_rows_lists_ten_and_counts_the_rest(dirs):
    rows = [(f"5000-K{i}-25", "Klotter", "2025-04-31", "10:00", "59,31", "17,64") for i in range(47)]
    rows += [("5000-K900-25", "Klotter", "2025-04-01", "10:00", "59,31", "17,64")]
    at = _click(_upload(_open(), "export.csv", police_export(rows)), "Kontrollera")
    assert [row[1] for row in _bad_rows(at)] == list(range(2, 12))
    assert "och 37 rader till" in [c.value for c in at.caption]


def test_a_personnummer_in_a_kept_column_leaves_with_its_row_and_never_reaches_the_download(dirs, downloads):
    rows = list(ROWS[:3]) + [("5000-K110-25", f"Olaga hot {PERSONNUMMER}", "2025-04-09", "12:00", "59,3135",
                              "17,6455")]
    at = _upload(_open(), "export.csv", police_export(rows))
    at.checkbox(key="map_skip").check()
    at = _click(at, "Kontrollera")
    assert _bad_rows(at) == [("export.csv", 5, "Brottskod/Brott",
                              "innehåller något som ser ut som personnummer (värdet är borttaget)")]
    rejected = downloads(at, "download_rejected").decode("utf-8-sig")
    assert rejected.splitlines()[1] == ("5;2025-04-09;12:00;(personnummer – borttaget);59,3135;17,6455;innehåller "
                                        "något som ser ut som personnummer (värdet är borttaget) (Brottskod/Brott)")
    assert PERSONNUMMER not in rejected and "811218" not in _shown(at)
    [preview] = [df.value for df in at.dataframe if "Kategori" in df.value.columns]
    assert len(preview) == 3


def test_an_unknown_crs_asks_for_the_pages_list_and_the_list_resolves_it(dirs):
    # SWEREF 99 13 30 (EPSG:3008) values: the local zones share a false easting, so Samsyn asks.
    content = (b"Id,Brottstyp,Datum,X,Y\r\n1,Klotter,2025-04-01 10:00,153000,6163000\r\n"
               b"2,Klotter,2025-04-02 11:00,153200,6163100\r\n")
    at = _click(_upload(_open(), "zon.csv", content), "Kontrollera")
    [error] = [e.value for e in at.error]
    assert error.endswith("Välj koordinatsystem i listan Koordinatsystem och tryck Kontrollera igen.")
    assert "--crs" not in error
    at.selectbox(key="map_crs").select("EPSG:3008")
    at = _click(at, "Kontrollera")
    assert not at.error
    text = "\n".join(c.value for c in at.code)
    assert "Koordinatsystem i filen: SWEREF 99 lokal zon (EPSG:3008) – angivet under Koordinatsystem" in text
    assert "--" not in text


def test_the_date_question_in_english(dirs):
    content = (b"Id;Brottstyp;Datum;Latitud;Longitud\r\n1;Klotter;03/05/2024 14:30;59,31;17,64\r\n"
               b"2;Klotter;04/06/2024 09:00;59,31;17,64\r\n3;Klotter;12/01/2024 23:15;59,31;17,64\r\n")
    at = _click(_upload(_open({"lang": "en"}), "oklar.csv", content), "Check")
    [error] = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert error == ("Column 'Datum': the dates read both as day/month/year and as month/day/year, so Samsyn does "
                     "not guess (e.g. 03/05/2024 14:30, 04/06/2024 09:00, 12/01/2024 23:15). Choose how the dates are to be read in the "
                     "Date format list and press Check again.")
    options = at.selectbox(key="map_date_format").options
    assert options[1] == "day/month/year: 03/05/2024 14:30 → 3 May 2024, 04/06/2024 09:00 → 4 June 2024, " \
                         "12/01/2024 23:15 → 12 January 2024"


def test_the_templates_download_and_reimport_with_the_exact_time(dirs, downloads, tmp_path):
    from cli import main
    from geo.dataset import read_incidents

    at = _open()
    csv = downloads(at, "template_csv")
    assert csv.decode("utf-8-sig") == (
        "Ärendenummer;Brottstyp;Brottstidpunkt från;Brottstidpunkt till;X;Y;Källa;Platstyp\r\n"
        "5000-K1-25;Inbrott i bostad;2025-03-14 22:00;2025-03-15 06:30;674032;6580822;polis;inomhus\r\n")
    xlsx = downloads(at, "template_xlsx")
    sheet = pd.read_excel(io.BytesIO(xlsx), sheet_name=0, dtype=str, engine="openpyxl")
    assert list(sheet.columns) == ["Ärendenummer", "Brottstyp", "Brottstidpunkt från", "Brottstidpunkt till", "X",
                                   "Y", "Källa", "Platstyp"]
    for name, content in (("mall.csv", csv), ("mall.xlsx", xlsx)):
        source, out = tmp_path / name, tmp_path / f"{name}.parquet"
        source.write_bytes(content)
        assert main(["import", str(source), "--out", str(out), "--salt", "s"]) == 0
        frame = read_incidents(out)
        assert len(frame) == 1
        row = frame.iloc[0]
        assert (f"{row['occurred_from']:%Y-%m-%d %H:%M}", f"{row['occurred_to']:%Y-%m-%d %H:%M}") == (
            "2025-03-14 22:00", "2025-03-15 06:30")
        assert (row["category"], row["source"], row["place_type"]) == ("Inbrott i bostad", "polis", "inomhus")
        assert (row["x"], row["y"]) == (674032.0, 6580822.0)


def test_title_rows_above_the_header_chosen_on_the_page_and_rows_counted_as_in_the_file(dirs):
    # Two title lines above the header, as a report generator writes them: the header is row 3.
    content = ("Polisens export\r\nUttag 2025-04-10\r\n").encode("cp1252") + police_export(ROWS[:4])
    at = _upload(_open(), "rubriker.csv", content)
    at.number_input(key="read_header_row").set_value(3).run()
    assert "Kolumner i filen (värdena visas först när importen har kontrollerat dem): Ärendenummer, " \
           "Brottskod/Brott, Brottsdatum" in _shown(at)
    at = _click(at, "Kontrollera")
    # The fourth data row (31 April) is the file's row 7: two title rows, the header, three rows before it.
    assert _bad_rows(at) == [("rubriker.csv", 7, "Brottsdatum", DATE_REASON)]


def test_the_bad_rows_in_english(dirs):
    at = _upload(_open({"lang": "en"}), "polisens_export.csv", police_export())
    at.checkbox(key="map_skip").check()
    at = _click(at, "Check")
    [table] = [df.value for df in at.dataframe if "Row" in df.value.columns]
    assert list(table.columns) == ["File", "Row", "Column", "What is wrong"]
    assert list(table.itertuples(index=False, name=None)) == [
        ("polisens_export.csv", 5, "Brottsdatum", "the date cannot be read (write e.g. 2024-03-05)"),
        ("polisens_export.csv", 7, "Latitud", "coordinate missing"),
        ("polisens_export.csv", 9, "Klockslag", "the time of day cannot be read (write e.g. 14:30)")]
    report = "\n".join(c.value for c in at.code).splitlines()
    for line in ("File: polisens_export.csv (CSV, semikolonseparerad, cp1252)", "Rows read: 9", "Rows written: 6",
                 "Rows rejected: 3", "Columns used:", "  category: Brottskod/Brott", "  latitude: Latitud",
                 "Columns removed (not saved): Målsägande personnummer, Fritext", "Date formats:",
                 "Working coordinate system: SWEREF 99 TM (EPSG:3006)"):
        assert line in report, line
    [status] = at.get("status")
    assert status.label == "Check complete"
    assert [m.value for m in status.markdown] == ["Reading the file …", "Coordinates …", "Reading dates …",
                                                 "Anonymising …"]
    assert [b.label for b in at.get("download_button")] == [
        "Template as CSV", "Template as Excel (xlsx)", "Download all rejected rows with reasons (CSV)"]


def test_an_area_layer_without_crs_asks_for_the_pages_list(dirs, tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    # Two districts in SWEREF 99 13 30 (EPSG:3008) in a GeoPackage that names no CRS.
    layer = gpd.GeoDataFrame({"kod": ["C", "N"], "namn": ["Centrum", "Norr"]},
                             geometry=[box(153000, 6163000, 154000, 6164000), box(153000, 6164000, 154000, 6165000)],
                             crs=None)
    path = tmp_path / "stadsdelar.gpkg"
    layer.to_file(path, driver="GPKG")
    at = _open()
    at.radio(key="upload_kind").set_value("districts").run()
    at.file_uploader(key="upload_file").set_value(("stadsdelar.gpkg", path.read_bytes(), "application/geopackage"))
    at = _click(at.run(), "Kontrollera")
    [error] = [e.value for e in at.error]
    assert error.endswith("Välj koordinatsystem i listan Koordinatsystem och tryck Kontrollera igen.")
    assert "--crs" not in error
    at.selectbox(key="map_area_crs").select("EPSG:3008")
    at = _click(at, "Kontrollera")
    assert not at.error
    text = "\n".join(c.value for c in at.code)
    assert "Fil: stadsdelar.gpkg\nRader lästa: 2\nKolumner som används:\n  area_id: kod\n  name: namn\n" in text
    assert "Koordinatsystem i filen: SWEREF 99 lokal zon (EPSG:3008) – angivet av användaren" in text


def test_a_crs_not_in_the_list_by_its_epsg_code(dirs):
    # RT 90 2.5 gon V (EPSG:3021) is in the list; RT 90 5 gon V (EPSG:3024) is not – typed as a code.
    content = b"Id,Brottstyp,Datum,X,Y\r\n1,Klotter,2025-04-01 10:00,1283000,6580000\r\n"
    at = _upload(_open(), "rt90.csv", content)
    at.text_input(key="map_crs_other").input("EPSG:3024")
    at = _click(at, "Kontrollera")
    assert not at.error, [e.value for e in at.error]
    text = "\n".join(c.value for c in at.code)
    assert "(EPSG:3024) – angivet under Koordinatsystem" in text


def test_a_survey_without_unit_and_direction_is_answered_with_the_pages_controls(dirs):
    content = "Område;År;Indikator;Värde;Antal svar\r\nC;2024;otrygg_kvall;0,31;312\r\nN;2024;otrygg_kvall;0,24;298\r\n"
    at = _open()
    at.radio(key="upload_kind").set_value("survey").run()
    at = _click(_upload(at, "trygghet.csv", content.encode("cp1252")), "Kontrollera")
    text = "\n".join(c.value for c in at.code)
    assert ("Enhet saknas för 2 rader; gissades till andel 0–1 utifrån värdena. Välj Enhet för hela filen för att "
            "vara säker.") in text
    assert ("Riktning saknas; antog lower_better (lägre är bättre, som Polisens index och andel otrygga). Välj "
            "Riktning, t.ex. högre är bättre för andel trygga.") in text
    assert "--" not in text
    at.selectbox(key="map_unit").select("share")
    at.selectbox(key="map_direction").select("lower_better")
    at = _click(at, "Kontrollera")
    text = "\n".join(c.value for c in at.code)
    assert "Rader lästa: 2\n" in text and "saknas" not in text
    [preview] = [df.value for df in at.dataframe if "Värde" in df.value.columns]
    assert list(preview["Värde"]) == ["0,31", "0,24"] and list(preview["Antal svar"]) == ["312", "298"]


def test_the_refusals_in_english(dirs):
    at = _click(_upload(_open({"lang": "en"}), "polisens_export.csv", police_export()), "Check")
    [error] = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert error == ("File polisens_export.csv, column 'Latitud', row 7: coordinate missing. Another 2 rows have other "
                     "errors. Correct the file, or tick Skip invalid rows to save the valid rows (the invalid ones can "
                     "be downloaded with their reasons).")
    rows = [*ROWS[:2], ("5000-K110-25", f"Olaga hot {PERSONNUMMER}", "2025-04-09", "12:00", "59,3135", "17,6455")]
    at = _click(_upload(at, "polisens_export.csv", police_export(rows)), "Check")
    [error] = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert error == ("File polisens_export.csv, column 'Brottskod/Brott', row 4: the column holds something that looks "
                     "like a personal identity number. The file is not imported: personal data must not leave the "
                     "import. Remove or replace the values and try again.")
