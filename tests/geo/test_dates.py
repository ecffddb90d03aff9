"""Timestamp columns parsed with one date order chosen from all the column's values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.columns import AmbiguousDateOrder, parse_datetimes, read_datetimes


def _column(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_iso_column_with_odd_rows():
    # 3,000 minute stamps; row 1,000 in a Swedish date format, row 2,000 blank, row 2,500 garbage.
    values = [f"2024-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}" for i in range(3000)]
    values[1000] = "05.03.2024"
    values[2000] = " "
    values[2500] = "igår kväll"
    values[2999] = None
    stamps, precision, bad = parse_datetimes(_column(values))
    # Row 7: day 1 + 7 = 8, hour 7, minute 7.
    assert str(stamps[7]) == "2024-03-08T07:07:00.000000000"
    # Row 1,499: day 1 + 1499 % 28 = 16, hour 1499 % 24 = 11, minute 1499 % 60 = 59.
    assert str(stamps[1499]) == "2024-03-16T11:59:00.000000000"
    assert precision[1499] == 0
    assert str(stamps[1000]) == "2024-03-05T00:00:00.000000000"
    assert precision[1000] == 1
    # Blank and missing are missing, not bad; garbage is bad.
    assert np.isnat(stamps[[2000, 2500, 2999]]).all()
    assert precision[[2000, 2500, 2999]].tolist() == [-1, -1, -1]
    assert np.flatnonzero(bad).tolist() == [2500]


def test_one_value_that_reads_only_day_first_makes_the_column_day_first():
    # 25/03 can only be day/month, so 03/04 is 3 April.
    stamps, _precision, _bad = parse_datetimes(_column(["25/03/2024", "03/04/2024"] * 600))
    assert [str(s)[:10] for s in stamps[:2]] == ["2024-03-25", "2024-04-03"]


def test_one_value_that_reads_only_month_first_makes_the_column_month_first():
    # Updated: the old per-value search read 03/04 day-first (3 April) beside 03/25 month-first.
    # Now 03/25 makes the whole column month-first, so 03/04 is 4 March.
    reading = read_datetimes(_column(["03/25/2024", "03/04/2024"] * 600))
    assert [str(s)[:10] for s in reading.stamps[:2]] == ["2024-03-25", "2024-03-04"]
    assert reading.layout == "månad/dag/år"
    assert not reading.bad.any()


def test_the_issue_column_is_month_first_throughout():
    reading = read_datetimes(_column(["03/05/2024", "03/25/2024", "12/01/2024"]))
    assert [str(s)[:10] for s in reading.stamps] == ["2024-03-05", "2024-03-25", "2024-12-01"]


def test_both_orders_fit_every_value_is_refused_with_three_examples():
    with pytest.raises(AmbiguousDateOrder) as caught:
        read_datetimes(_column(["03/05/2024 14:30", "04/06/2024 09:00", "12/01/2024 23:15", "01/02/2024 10:00"]))
    assert caught.value.examples == ["03/05/2024 14:30", "04/06/2024 09:00", "12/01/2024 23:15"]
    assert (caught.value.day_first, caught.value.month_first) == ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M")


def test_a_column_mixing_both_orders_is_refused():
    with pytest.raises(AmbiguousDateOrder) as caught:
        read_datetimes(_column(["25/03/2024", "03/25/2024"]))
    assert caught.value.mixed and caught.value.examples == ["25/03/2024", "03/25/2024"]


def test_a_chosen_format_reads_the_ambiguous_column():
    reading = read_datetimes(_column(["03/05/2024 14:30", "12/01/2024 23:15", "31/12/2024 1:00"]),
                             date_format="%d/%m/%Y %H:%M")
    assert [str(s)[:16] for s in reading.stamps] == ["2024-05-03T14:30", "2024-01-12T23:15", "2024-12-31T01:00"]
    assert reading.precision.tolist() == [0, 0, 0]


def test_offsets_are_converted_to_stockholm_time():
    # +01:00 in March is Swedish winter time; 13:30 UTC is 14:30 CET.
    stamps, precision, _bad = parse_datetimes(_column(["2024-03-05 14:30:00 +01:00", "2024-03-05 13:30:00 +00:00"]))
    assert [str(s) for s in stamps] == ["2024-03-05T14:30:00.000000000"] * 2
    assert precision.tolist() == [0, 0]
