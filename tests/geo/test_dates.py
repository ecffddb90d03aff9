"""Timestamp columns parsed with one format chosen from the column, and the exceptions to it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.columns import column_format, parse_datetimes


def _column(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_one_format_for_the_column_and_the_odd_rows_by_value():
    # 3,000 minute stamps in one format; row 1,000 in a Swedish date format, row 2,000 blank, row 2,500 garbage.
    values = [f"2024-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}" for i in range(3000)]
    values[1000] = "05.03.2024"
    values[2000] = " "
    values[2500] = "igår kväll"
    values[2999] = None
    column = _column(values)
    assert column_format(column) == ("%Y-%m-%d %H:%M", "second")
    stamps, precision, bad = parse_datetimes(column)
    # Row 7: day 1 + 7 = 8, hour 7, minute 7.
    assert str(stamps[7]) == "2024-03-08T07:07:00.000000000"
    # Row 1,499: day 1 + 1499 % 28 = 16, hour 1499 % 24 = 11, minute 1499 % 60 = 59.
    assert str(stamps[1499]) == "2024-03-16T11:59:00.000000000"
    assert precision[1499] == 0
    # The odd row: a date without a time, read by its own format.
    assert str(stamps[1000]) == "2024-03-05T00:00:00.000000000"
    assert precision[1000] == 1
    # Blank and missing are missing, not bad; garbage is bad.
    assert np.isnat(stamps[[2000, 2500, 2999]]).all()
    assert precision[[2000, 2500, 2999]].tolist() == [-1, -1, -1]
    assert np.flatnonzero(bad).tolist() == [2500]


def test_day_first_wins_where_both_orders_read_a_value():
    # 25/03 can only be day/month; 03/04 could be either and is 3 April as day/month.
    column = _column(["25/03/2024", "03/04/2024"] * 600)
    assert column_format(column) == ("%d/%m/%Y", "day")
    stamps, _precision, _bad = parse_datetimes(column)
    assert [str(s)[:10] for s in stamps[:2]] == ["2024-03-25", "2024-04-03"]


def test_no_single_format_when_an_earlier_one_reads_part_of_the_sample():
    # 03/25 only reads month-first, but 03/04 reads day-first first: value by value, as before.
    column = _column(["03/25/2024", "03/04/2024"] * 600)
    assert column_format(column) is None
    stamps, _precision, bad = parse_datetimes(column)
    assert [str(s)[:10] for s in stamps[:2]] == ["2024-03-25", "2024-04-03"]
    assert not bad.any()


def test_offsets_are_converted_to_stockholm_time():
    # A UTC offset in the column: no single naive format; +01:00 in March is Swedish winter time.
    column = _column(["2024-03-05 14:30:00 +01:00", "2024-03-05 13:30:00 +00:00"] * 600)
    assert column_format(column) is None
    stamps, precision, _bad = parse_datetimes(column)
    assert [str(s) for s in stamps[:2]] == ["2024-03-05T14:30:00.000000000"] * 2
    assert precision[:2].tolist() == [0, 0]
