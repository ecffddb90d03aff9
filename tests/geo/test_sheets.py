"""Spreadsheets the way source systems write them: title rows, a footer, typed date cells, several sheets.

Every file is written in the test by a real spreadsheet writer (openpyxl for .xlsx, odfpy through pandas for
.ods) and read back through calamine, as a user's file would be. The expected times and positions are worked
out by hand from what the cells say.
"""

from __future__ import annotations

import datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from core.errors import InputError
from geo.importer import import_incidents
from geo.readers import find_header_row, parts_to_choose, read_table

# Three places in Malmö in SWEREF 99 TM, whole metres as a GIS export writes them.
PLACES = [(374_532.0, 6_164_102.0), (374_913.0, 6_162_421.0), (373_050.0, 6_164_670.0)]


def police_workbook(path, *, footer: bool = True, hidden_first: bool = False):
    """An export as the police's analysis tool writes it: two title rows, the table, a source line under it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if hidden_first:
        sheet.title = "Koder"
        sheet.append(["Kod", "Brottstyp"])
        sheet.append([9501, "Cykelstöld"])
        sheet.sheet_state = "hidden"
        sheet = workbook.create_sheet("Brott")
    else:
        sheet.title = "Brott"
    sheet.append(["Anmälda brott i Malmö, januari–mars 2024"])
    sheet.append(["Uttaget 2024-04-02 ur polisens analysverktyg", None, None, datetime.date(2024, 4, 2)])
    sheet.append(["Ärendenummer", "Brottsdatum", "Klockslag", "Brottstyp", "X", "Y", "Fritext"])
    sheet.append(["5000-K1-24", datetime.date(2024, 3, 5), datetime.time(14, 30), "Cykelstöld", *PLACES[0],
                  "Låset uppbrutet"])
    sheet.append(["5000-K2-24", datetime.date(2024, 3, 30), datetime.time(23, 5), "Inbrott i bostad", *PLACES[1], None])
    sheet.append(["5000-K3-24", datetime.date(2024, 1, 2), datetime.time(0, 40), "Klotter", *PLACES[2], "Tunneln"])
    if footer:
        sheet.append([])
        sheet.append(["Källa: Polismyndigheten, Polisregion Syd"])
    workbook.save(path)
    return path


def test_xlsx_with_title_rows_and_footer(tmp_path):
    path = police_workbook(tmp_path / "Anmälda brott Q1.xlsx")
    result = import_incidents(path, source_value="polis")
    frame = result.frame
    assert result.report.rows_read == 3 and result.report.rows_written == 3
    assert frame["occurred_from"].tolist() == [pd.Timestamp("2024-03-05 14:30"), pd.Timestamp("2024-03-30 23:05"),
                                               pd.Timestamp("2024-01-02 00:40")]
    assert frame["occurred_to"].isna().all()  # a time cell makes it a moment, not a day
    assert frame["category"].tolist() == ["Cykelstöld", "Inbrott i bostad", "Klotter"]
    assert list(zip(frame["x"], frame["y"], strict=True)) == PLACES
    assert "Fritext" in result.report.columns_dropped
    notes = " ".join(result.report.notes)
    assert "Rubrikraden är rad 3" in notes
    assert "(rad 8," in notes  # the footer "Källa: …" on row 8 (row 7 is blank)
    assert "blad 'Brott'" in result.report.file_kind


def test_rows_are_numbered_as_the_sheet_shows_them(tmp_path):
    path = tmp_path / "export.xlsx"
    police_workbook(path)
    workbook = openpyxl.load_workbook(path)
    workbook["Brott"]["E5"] = "okänd"  # the second data row sits on Excel row 5
    workbook.save(path)
    with pytest.raises(InputError) as error:
        import_incidents(path, source_value="polis")
    message = str(error.value)
    assert "rad 5" in message and "kolumn 'X'" in message and "export.xlsx" in message
    assert read_table(path).rows.tolist() == [4, 5, 6]


def test_header_row_chosen_by_hand(tmp_path):
    # A criteria row that names every column with text looks like a header; the user says where it is.
    path = tmp_path / "urval.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Urval:", "Malmö", "alla brott", "Q1", "SWEREF", "99 TM"])
    sheet.append([])
    sheet.append(["Datum", "Tid", "Brottstyp", "X", "Y", "Ärende"])
    sheet.append([datetime.date(2024, 2, 29), datetime.time(8, 15), "Rån", *PLACES[0], "5000-K9-24"])
    workbook.save(path)
    with pytest.raises(InputError, match="datum/tid"):
        import_incidents(path, source_value="polis")
    result = import_incidents(path, source_value="polis", header_row=3)
    assert result.frame["occurred_from"].tolist() == [pd.Timestamp("2024-02-29 08:15")]
    assert (result.frame["x"].iloc[0], result.frame["y"].iloc[0]) == PLACES[0]
    assert read_table(path, header_row=3).rows.tolist() == [4]
    with pytest.raises(InputError, match="Rubrikraden 9 finns inte"):
        read_table(path, header_row=9)
    with pytest.raises(InputError, match="rad 2.*tom"):
        read_table(path, header_row=2)


def test_sheet_by_name_number_and_first_visible(tmp_path):
    path = police_workbook(tmp_path / "export.xlsx", hidden_first=True)
    # The hidden lookup sheet comes first in the file; the first visible one holds the data.
    assert len(import_incidents(path, source_value="polis").frame) == 3
    assert read_table(path, sheet="2").sheet == "Brott"
    assert read_table(path, sheet="brott").sheet == "Brott"
    assert read_table(path, sheet=1).frame.columns.tolist() == ["Kod", "Brottstyp"]
    assert parts_to_choose(path) == ("sheet", ["Koder", "Brott"])
    with pytest.raises(InputError) as error:
        read_table(path, sheet="3")
    assert "2 blad" in str(error.value) and "'Koder', 'Brott'" in str(error.value)
    with pytest.raises(InputError, match="Bladet 'Blad1' finns inte"):
        read_table(path, sheet="Blad1")


def test_excel_serial_numbers_and_datetime_cells(tmp_path):
    # Systems that export through a "General" format write dates as Excel's day numbers.
    path = tmp_path / "serienummer.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Brottstidpunkt", "Registrerad", "Kategori", "X", "Y"])
    sheet.append([45356.5, datetime.datetime(2024, 3, 5, 12, 0), "Klotter", *PLACES[0]])
    sheet.append([45382.75, datetime.datetime(2024, 3, 31, 3, 30), "Klotter", *PLACES[1]])
    sheet.append([45293, datetime.datetime(2024, 1, 2, 0, 0), "Klotter", *PLACES[2]])
    workbook.save(path)
    result = import_incidents(path, source_value="kommun")
    # 45356 = 2024-03-05 (days from 1899-12-30), .5 = 12:00; 45382.75 = 2024-03-31 18:00; 45293 = 2024-01-02.
    assert result.frame["occurred_from"].tolist() == [pd.Timestamp("2024-03-05 12:00"),
                                                      pd.Timestamp("2024-03-31 18:00"),
                                                      pd.Timestamp("2024-01-02 00:00")]
    assert result.frame["occurred_to"].iloc[2] == pd.Timestamp("2024-01-03 00:00")  # a whole day, not midnight
    cells = read_table(path).frame["Registrerad"].tolist()
    assert cells == ["2024-03-05 12:00:00", "2024-03-31 03:30:00", "2024-01-02"]


def test_time_as_duration_cell(tmp_path):
    path = tmp_path / "tid.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Datum", "Klockslag", "Kategori", "X", "Y"])
    sheet.append([datetime.date(2024, 6, 1), datetime.timedelta(hours=21, minutes=7), "Klotter", *PLACES[0]])
    sheet["B2"].number_format = "[h]:mm"
    workbook.save(path)
    result = import_incidents(path, source_value="kommun")
    assert result.frame["occurred_from"].tolist() == [pd.Timestamp("2024-06-01 21:07")]


def test_ods_from_libreoffice_kind_of_writer(tmp_path):
    pytest.importorskip("odf", reason="odfpy (a test dependency in pyproject.toml) writes the .ods file")
    path = tmp_path / "trygghetsvandring.ods"
    rows = [
        ["Trygghetsvandring Möllevången", None, None, None, None],
        [None, None, None, None, None],
        ["Datum", "Klockan", "Kategori", "X", "Y"],
        ["2024-09-12", "19:30", "Skadegörelse stat/kommun/region", PLACES[0][0], PLACES[0][1]],
        ["2024-09-12", "20:10", "Klotter", PLACES[1][0], PLACES[1][1]],
    ]
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame(rows).to_excel(writer, sheet_name="Fynd", index=False, header=False)
    result = import_incidents(path, source_value="trygghetsvandring")
    assert result.frame["occurred_from"].tolist() == [pd.Timestamp("2024-09-12 19:30"),
                                                      pd.Timestamp("2024-09-12 20:10")]
    assert list(zip(result.frame["x"], result.frame["y"], strict=True)) == PLACES[:2]
    assert read_table(path).rows.tolist() == [4, 5]
    assert "Rubrikraden är rad 3" in " ".join(result.report.notes)


def test_xls_as_older_police_and_municipal_systems_write_it(tmp_path):
    xlwt = pytest.importorskip("xlwt", reason="xlwt (a test dependency in pyproject.toml) writes the .xls file")
    path = tmp_path / "Anmälda brott 2023.xls"
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Brott")
    date_cell = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    time_cell = xlwt.easyxf(num_format_str="HH:MM")
    sheet.write(0, 0, "Anmälda brott, utdrag ur RAR")
    for column, name in enumerate(["Ärendenummer", "Brottsdatum", "Klockslag", "Brottstyp", "X", "Y"]):
        sheet.write(2, column, name)
    rows = [("5000-K7-23", datetime.date(2023, 11, 4), datetime.time(22, 15), "Skadegörelse", *PLACES[0]),
            ("5000-K8-23", datetime.date(2023, 12, 31), datetime.time(23, 55), "Klotter", *PLACES[1])]
    for r, (case, day, clock, category, x, y) in enumerate(rows, start=3):
        sheet.write(r, 0, case)
        sheet.write(r, 1, day, date_cell)
        sheet.write(r, 2, clock, time_cell)
        sheet.write(r, 3, category)
        sheet.write(r, 4, x)
        sheet.write(r, 5, y)
    book.save(str(path))
    result = import_incidents(path, source_value="polis")
    assert result.report.rows_written == 2
    assert result.frame["occurred_from"].tolist() == [pd.Timestamp("2023-11-04 22:15"),
                                                      pd.Timestamp("2023-12-31 23:55")]
    assert result.frame["category"].tolist() == ["Övrig skadegörelse", "Klotter"]
    assert list(zip(result.frame["x"], result.frame["y"], strict=True)) == PLACES[:2]
    assert "Rubrikraden är rad 3" in " ".join(result.report.notes)


def test_broken_workbook_is_refused_in_swedish(tmp_path):
    path = tmp_path / "trasig.xlsx"
    path.write_bytes(b"PK\x03\x04 inte en riktig arbetsbok")
    with pytest.raises(InputError) as error:
        read_table(path)
    assert "trasig.xlsx" in str(error.value) and "kalkylblad" in str(error.value)


def test_table_that_starts_in_column_b(tmp_path):
    # Reports laid out for print: a margin column A, the title in B1, the source under the table in column B.
    path = tmp_path / "utskrift.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B1"] = "Skadegörelse på kommunens fastigheter 2024"
    for r, row in enumerate([["Datum", "Kategori", "Kostnad", "X", "Y"],
                             [datetime.date(2024, 5, 17), "Klotter", 4500, *PLACES[0]],
                             [datetime.date(2024, 5, 20), "Klotter", 1200, *PLACES[1]]], start=3):
        for c, value in enumerate(row, start=2):
            sheet.cell(row=r, column=c, value=value)
    sheet["B7"] = "Källa: Tekniska förvaltningen"
    workbook.save(path)
    table = read_table(path)
    assert table.frame.columns.tolist() == ["Datum", "Kategori", "Kostnad", "X", "Y"]
    assert table.rows.tolist() == [4, 5]
    result = import_incidents(path, source_value="kommun")
    assert result.frame["occurred_from"].tolist() == [pd.Timestamp("2024-05-17"), pd.Timestamp("2024-05-20")]
    assert result.frame["occurred_to"].tolist() == [pd.Timestamp("2024-05-18"), pd.Timestamp("2024-05-21")]
    assert "(rad 7," in " ".join(result.report.notes)


def test_find_header_row_skips_titles_not_data():
    cells = [["Rapport"], ["Period", datetime.date(2024, 1, 1)], [], ["Datum", "Brott", "X", "Y"],
             [datetime.date(2024, 1, 3), "Rån", 1.0, 2.0]]
    assert find_header_row(cells) == 3
    assert find_header_row([["Datum", "Brott"], ["2024-01-01", "Rån"]]) == 0
    # A survey sheet heads its value columns with years.
    survey = [["Trygghetsmätning 2024"], ["Område", "Indikator", 2022.0, 2023.0, 2024.0],
              ["Centrum", "Otrygghet", 0.21, 0.24, 0.19]]
    assert find_header_row(survey) == 1


def test_csv_with_title_lines_and_header_row(tmp_path, run_cli):
    path = tmp_path / "export.csv"
    path.write_text(
        "Anmälda brott – utdrag\n"
        "\n"
        "Datum;Klockslag;Brottstyp;X;Y\n"
        f"2024-03-05;14:30;Cykelstöld;{PLACES[0][0]:.0f};{PLACES[0][1]:.0f}\n"
        f"2024-03-06;9:05;Klotter;{PLACES[1][0]:.0f};{PLACES[1][1]:.0f}\n",
        encoding="cp1252",
    )
    table = read_table(path)
    assert table.rows.tolist() == [4, 5] and table.encoding == "cp1252"
    assert table.frame.columns.tolist() == ["Datum", "Klockslag", "Brottstyp", "X", "Y"]
    result = import_incidents(path, source_value="polis")
    assert result.frame["occurred_from"].tolist() == [pd.Timestamp("2024-03-05 14:30"),
                                                      pd.Timestamp("2024-03-06 09:05")]
    assert read_table(path, header_row=3).rows.tolist() == [4, 5]
    out = tmp_path / "brott.parquet"
    done = run_cli("import", path, "--out", out, "--header-row", "3", "--source-value", "polis")
    assert done.returncode == 0, done.stderr
    assert "Skrev 2 rader" in done.stdout
    refused = run_cli("import", path, "--out", tmp_path / "fel.parquet", "--header-row", "0")
    assert refused.returncode == 2 and "Rubrikraden måste vara ett radnummer från 1" in refused.stderr
    assert not (tmp_path / "fel.parquet").exists()


def test_csv_saved_from_excel_keeps_the_title_row_as_empty_fields(tmp_path):
    # Excel writes a title row to CSV with the delimiters of the empty cells: "Titel;;;;".
    path = tmp_path / "sparad_fran_excel.csv"
    path.write_text(
        "Anmälda brott Q1;;;;\n"
        "Uttaget 2024-04-02;;;;\n"
        "Datum;Klockslag;Brottstyp;X;Y\n"
        f"2024-03-05;14:30;Cykelstöld;{PLACES[0][0]:.0f};{PLACES[0][1]:.0f}\n"
        ";;;;\n"
        "Källa: Polisen;;;;\n",
        encoding="utf-8-sig",
    )
    table = read_table(path)
    assert table.frame.columns.tolist() == ["Datum", "Klockslag", "Brottstyp", "X", "Y"]
    assert table.rows.tolist() == [4]
    assert "Text under tabellen (rad 6," in " ".join(table.notes)
    result = import_incidents(path, source_value="polis")
    assert result.frame["occurred_from"].tolist() == [pd.Timestamp("2024-03-05 14:30")]
    assert (result.frame["x"].iloc[0], result.frame["y"].iloc[0]) == PLACES[0]


def test_a_last_row_with_only_a_case_number_is_a_row_not_a_footer(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Ärende;Datum;Brottstyp;X;Y\n"
                    f"5000-K1-24;2024-03-05;Klotter;{PLACES[0][0]:.0f};{PLACES[0][1]:.0f}\n"
                    "5000-K2-24;;;;\n", encoding="utf-8")
    assert read_table(path).rows.tolist() == [2, 3]
    with pytest.raises(InputError) as error:
        import_incidents(path, source_value="polis")
    assert "rad 3" in str(error.value)


def test_cli_sheet_and_header_row(tmp_path, run_cli):
    path = police_workbook(tmp_path / "export.xlsx", hidden_first=True)
    out = tmp_path / "brott.parquet"
    done = run_cli("import", path, "--out", out, "--sheet", "2", "--header-row", "3", "--source-value", "polis")
    assert done.returncode == 0, done.stderr
    assert "Rader skrivna: 3" in done.stdout and "blad 'Brott'" in done.stdout
    from geo.dataset import read_incidents

    written = read_incidents(out)
    assert written["occurred_from"].iloc[1] == pd.Timestamp("2024-03-30 23:05")
    np.testing.assert_array_equal(written["x"].to_numpy(), [p[0] for p in PLACES])
    wrong = run_cli("import", path, "--out", tmp_path / "x.parquet", "--sheet", "Blad1")
    assert wrong.returncode == 2 and "'Koder', 'Brott'" in wrong.stderr
