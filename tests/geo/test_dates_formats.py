"""Dates and times read from files written the way source systems write them (issue 10, "Dates and times").

Every expected time is worked out by hand: Sweden is UTC+1 in winter and UTC+2 from 02:00 local time on
the last Sunday of March (31 March 2024) to the last Sunday of October.
"""

from __future__ import annotations

import datetime

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.datetime import from_excel

from geo.importer import DateFormatNeeded, import_incidents
from tests.geo.helpers import X3006, Y3006, write_text


def _times(frame: pd.DataFrame, column: str = "occurred_from") -> list[str]:
    return [str(value)[:16] for value in frame[column]]


def test_swedish_excel_csv_semicolons_cp1252_month_names_and_clock_forms(tmp_path):
    # Saved from a Swedish Excel: ';', cp1252 (å, ä, ö as single bytes), month names and 'kl.' clocks.
    rows = [["Ärendenummer", "Tidpunkt", "Brottstyp", "X", "Y", "Plats"],
            ["5000-K1-24", "5 mars 2024 kl. 14.30", "Cykelstöld", X3006[0], Y3006[0], "Södergatan"],
            ["5000-K2-24", "12 okt. 2024 kl. 930", "Klotter", X3006[1], Y3006[1], "Möllevången"],
            ["5000-K3-24", "1 maj 2024 kl. 0715", "Skadegörelse", X3006[2], Y3006[2], "Värnhem"],
            ["5000-K4-24", "5 March 2024 2:30 PM", "Cykelstöld", X3006[0], Y3006[0], "Södergatan"]]
    src = write_text(tmp_path / "export.csv", rows, delimiter=";", encoding="cp1252")
    result = import_incidents(src, source_value="kommun", salt="s")
    assert result.report.rows_written == 4
    assert _times(result.frame) == ["2024-03-05 14:30", "2024-10-12 09:30", "2024-05-01 07:15", "2024-03-05 14:30"]
    assert result.frame["occurred_to"].isna().all()  # a time of day: no window
    lines = result.report.lines()
    assert "Datumformat:" in lines
    assert ("  Tidpunkt: dag månadsnamn år (t.ex. 5 mars 2024) med klockslag (3 av 4 rader); dag månadsnamn år "
            "(t.ex. 5 mars 2024) med 12-timmarsklocka (AM/PM) (1 av 4 rader)") in lines


def test_xlsx_with_real_date_and_time_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Datum", "Klockslag", "Brottstyp", "X", "Y"])
    sheet.append([datetime.date(2024, 3, 5), datetime.time(14, 30), "Cykelstöld", X3006[0], Y3006[0]])
    sheet.append([datetime.datetime(2024, 3, 31), datetime.time(2, 30), "Klotter", X3006[1], Y3006[1]])
    sheet.append([datetime.date(2024, 12, 24), None, "Skadegörelse", X3006[2], Y3006[2]])
    workbook.save(tmp_path / "export.xlsx")
    result = import_incidents(tmp_path / "export.xlsx", source_value="polis", salt="s")
    assert result.report.rows_written == 3
    # 02:30 on 31 March does not exist on a Swedish clock, but the cell is wall-clock time as written.
    assert _times(result.frame) == ["2024-03-05 14:30", "2024-03-31 02:30", "2024-12-24 00:00"]
    # The date cell without a time is the whole day, not midnight.
    assert str(result.frame["occurred_to"].iloc[2])[:16] == "2024-12-25 00:00"
    assert pd.isna(result.frame["occurred_to"].iloc[0])
    assert "  Datum: år-månad-dag (ISO 8601)" in result.report.lines()


def test_excel_serial_day_numbers_match_openpyxl(tmp_path):
    # 45356 = 2024-03-05 and 45356.5 = 12:00 that day (serials past 60 skip Excel's 29 February 1900).
    serials = ["45356", "45356,5", "45382.0625", "60000"]
    rows = [["Tidpunkt", "Brottstyp", "X", "Y"]]
    rows += [[s, "Klotter", X3006[0], Y3006[0]] for s in serials]
    result = import_incidents(write_text(tmp_path / "serial.csv", rows), source_value="kommun", salt="s")
    expected = [from_excel(float(s.replace(",", "."))) for s in serials]
    assert _times(result.frame) == [e.strftime("%Y-%m-%d %H:%M") for e in expected]
    assert _times(result.frame) == ["2024-03-05 00:00", "2024-03-05 12:00", "2024-03-31 01:30", "2064-04-08 00:00"]
    # A whole serial is a date (a 24-hour window); one with a fraction has a time.
    assert str(result.frame["occurred_to"].iloc[0])[:16] == "2024-03-06 00:00"
    assert pd.isna(result.frame["occurred_to"].iloc[1])


def test_iso_export_with_offsets_in_stockholm_wall_clock(tmp_path):
    rows = [["datetime", "type", "lat", "lon"],
            ["2024-03-31T00:30:00Z", "Klotter", 55.605, 13.0038],         # 01:30 CET
            ["2024-03-31T01:30:00Z", "Klotter", 55.605, 13.0038],         # 03:30 CEST, after the change
            ["2017/02/28 05:00:00+00", "Klotter", 55.605, 13.0038],       # police open data: 06:00 CET
            ["2024-07-01T12:00:00+02:00", "Klotter", 55.605, 13.0038],    # already Swedish summer time
            ["2024-10-27T01:15:00.250-01:00", "Klotter", 55.605, 13.0038]]  # 02:15 UTC = 03:15 CET
    result = import_incidents(write_text(tmp_path / "iso.csv", rows, delimiter=","), source_value="polis",
                              salt="s")
    assert result.report.rows_written == 5
    assert _times(result.frame) == ["2024-03-31 01:30", "2024-03-31 03:30", "2017-02-28 06:00", "2024-07-01 12:00",
                                    "2024-10-27 03:15"]


def test_midnight_with_offset_beside_an_hour_column_keeps_the_hour(tmp_path):
    # The date's offset says nothing about the hour column: 14 is 14:00 that day, not 15:00.
    rows = [["Datum", "Timme", "Brottstyp", "X", "Y"],
            ["2024-03-05T00:00:00+00:00", "14", "Klotter", X3006[0], Y3006[0]],
            ["2024-03-31T00:00:00Z", "23", "Klotter", X3006[1], Y3006[1]],
            ["2024-06-30T00:00:00+02:00", "0", "Klotter", X3006[2], Y3006[2]]]
    result = import_incidents(write_text(tmp_path / "hours.csv", rows), source_value="polis", salt="s")
    assert _times(result.frame) == ["2024-03-05 14:00", "2024-03-31 23:00", "2024-06-30 00:00"]


def test_unknown_time_window_and_month_only_kept(tmp_path):
    rows = [["Brottstidpunkt från", "Brottstidpunkt till", "Brottstyp", "X", "Y"],
            ["2024-03-05 00:00", "2024-03-05 23:59", "Inbrott i bostad", X3006[0], Y3006[0]],
            ["2024-03", "", "Inbrott i bostad", X3006[1], Y3006[1]]]
    result = import_incidents(write_text(tmp_path / "window.csv", rows), source_value="polis", salt="s")
    assert _times(result.frame) == ["2024-03-05 00:00", "2024-03-01 00:00"]
    assert _times(result.frame, "occurred_to") == ["2024-03-06 00:00", "2024-04-01 00:00"]


def test_one_value_only_month_first_makes_the_whole_column_month_first(tmp_path):
    # 03/25 can only be March 25, so 03/05 is 5 March and 12/01 is 1 December (not 3 May, 12 January).
    rows = [["Datum", "Klockslag", "Brottstyp", "X", "Y"],
            ["03/05/2024", "14:30", "Klotter", X3006[0], Y3006[0]],
            ["03/25/2024", "1430", "Klotter", X3006[1], Y3006[1]],
            ["12/01/2024", "930", "Klotter", X3006[2], Y3006[2]]]
    result = import_incidents(write_text(tmp_path / "us.csv", rows), source_value="kommun", salt="s")
    assert _times(result.frame) == ["2024-03-05 14:30", "2024-03-25 14:30", "2024-12-01 09:30"]
    assert "  Datum: månad/dag/år" in result.report.lines()


AMBIGUOUS = [["Datum", "Brottstyp", "X", "Y"],
             ["03/05/2024 14:30", "Klotter", X3006[0], Y3006[0]],
             ["04/06/2024 09:00", "Klotter", X3006[1], Y3006[1]],
             ["12/01/2024 23:15", "Klotter", X3006[2], Y3006[2]],
             ["01/02/2024 10:00", "Klotter", X3006[2], Y3006[2]]]


def test_both_orders_fitting_every_value_is_refused(tmp_path):
    src = write_text(tmp_path / "oklar.csv", AMBIGUOUS)
    with pytest.raises(DateFormatNeeded) as caught:
        import_incidents(src, source_value="kommun", salt="s")
    assert str(caught.value) == (
        "Fil oklar.csv, kolumn 'Datum': datumen kan läsas både som dag/månad/år och som månad/dag/år (t.ex. "
        "03/05/2024 14:30, 04/06/2024 09:00, 12/01/2024 23:15), så Samsyn gissar inte. Ange formatet med "
        "--date-format, t.ex. --date-format \"%d/%m/%Y %H:%M\" (dag/månad/år) eller --date-format "
        "\"%m/%d/%Y %H:%M\" (månad/dag/år).")


def test_date_format_reads_the_ambiguous_column(tmp_path):
    src = write_text(tmp_path / "oklar.csv", AMBIGUOUS)
    day_first = import_incidents(src, source_value="kommun", salt="s", date_format="%d/%m/%Y %H:%M")
    assert _times(day_first.frame) == ["2024-05-03 14:30", "2024-06-04 09:00", "2024-01-12 23:15",
                                       "2024-02-01 10:00"]
    assert "  Datum: dag/månad/år med klockslag (valt format %d/%m/%Y %H:%M)" in day_first.report.lines()
    month_first = import_incidents(src, source_value="kommun", salt="s", date_format="%m/%d/%Y %H:%M")
    assert _times(month_first.frame) == ["2024-03-05 14:30", "2024-04-06 09:00", "2024-12-01 23:15",
                                         "2024-01-02 10:00"]
