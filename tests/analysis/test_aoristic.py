"""Aoristic weighting against hand-computed cases and a slow per-minute reference."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from analysis.aoristic import (
    expand_weights,
    hour_profile,
    hourly_weights,
    month_hour,
    weekday_hour,
)
from core.errors import InputError

# 2024-01-01 is a Monday; 2024-01-07 a Sunday.
MONDAY = "2024-01-01"


def frame(*windows: tuple[str, str | None], ids: list[str] | None = None) -> pd.DataFrame:
    """Incidents with the given (from, to) pairs as canonical datetime columns."""
    result = pd.DataFrame({
        "occurred_from": pd.to_datetime([w[0] for w in windows]).astype("datetime64[ns]"),
        "occurred_to": pd.to_datetime([w[1] for w in windows]).astype("datetime64[ns]"),
    })
    if ids is not None:
        result.insert(0, "id", ids)
    return result


def cells(result) -> dict[tuple[int, int], float]:
    """The non-zero cells of a matrix as {(row, hour): weight}."""
    stacked = result.matrix.stack()
    return {key: value for key, value in stacked.items() if abs(value) > 1e-12}


def test_point_time_adds_one_to_its_hour():
    result = weekday_hour(frame(("2024-01-03 14:59", None), ("2024-01-03 15:00", "2024-01-03 15:00")))
    assert cells(result) == {(3, 14): pytest.approx(1.0), (3, 15): pytest.approx(1.0)}
    assert (result.known, result.unknown) == (2, 0)
    assert result.matrix.shape == (7, 24)
    assert list(result.matrix.index) == list(range(1, 8))
    assert list(result.matrix.columns) == list(range(24))


def test_working_day_window_gives_one_ninth_to_hours_8_to_16():
    result = weekday_hour(frame((f"{MONDAY} 08:00", f"{MONDAY} 17:00")))
    expected = {(1, h): pytest.approx(1 / 9) for h in range(8, 17)}
    assert cells(result) == expected


def test_window_across_midnight():
    # 22:30–01:30 Tuesday→Wednesday: 180 minutes; 30, 60 | 60, 30.
    result = weekday_hour(frame(("2024-01-02 22:30", "2024-01-03 01:30")))
    assert cells(result) == {
        (2, 22): pytest.approx(30 / 180),
        (2, 23): pytest.approx(60 / 180),
        (3, 0): pytest.approx(60 / 180),
        (3, 1): pytest.approx(30 / 180),
    }


def test_window_across_the_end_of_the_week():
    # Sunday 23:00 → Monday 02:00 wraps to weekday 1.
    result = weekday_hour(frame(("2024-01-07 23:00", "2024-01-08 02:00")))
    assert cells(result) == {(7, 23): pytest.approx(1 / 3), (1, 0): pytest.approx(1 / 3),
                             (1, 1): pytest.approx(1 / 3)}


def test_window_of_exactly_24_hours_is_spread_over_the_day():
    result = weekday_hour(frame(("2024-01-04 06:00", "2024-01-05 06:00")))
    expected = {(4, h): pytest.approx(1 / 24) for h in range(6, 24)}
    expected |= {(5, h): pytest.approx(1 / 24) for h in range(0, 6)}
    assert cells(result) == expected
    assert result.unknown == 0


def test_unknown_time_00_00_to_23_59_is_spread_not_put_at_midnight():
    result = weekday_hour(frame(("2024-01-05 00:00", "2024-01-05 23:59")))
    expected = {(5, h): pytest.approx(60 / 1439) for h in range(23)}
    expected[(5, 23)] = pytest.approx(59 / 1439)
    assert cells(result) == expected
    assert result.matrix.loc[5, 0] < 0.05


def test_window_longer_than_the_limit_is_unknown():
    incidents = frame(("2024-01-01 00:00", "2024-01-02 00:01"), ("2024-01-01 10:00", None))
    result = weekday_hour(incidents)
    assert (result.known, result.unknown) == (1, 1)
    assert cells(result) == {(1, 10): pytest.approx(1.0)}
    # With a higher limit it is kept; with None every window is kept.
    assert weekday_hour(incidents, max_window_hours=48).known == 2
    assert weekday_hour(incidents, max_window_hours=None).unknown == 0


def test_missing_start_time_is_unknown():
    result = weekday_hour(frame((None, None), ("2024-01-01 10:00", None)))
    assert (result.known, result.unknown) == (1, 1)


def test_end_before_start_raises_swedish_error_naming_ids():
    incidents = frame(("2024-01-01 10:00", "2024-01-01 09:00"), ("2024-01-01 10:00", None), ids=["A7", "B8"])
    with pytest.raises(InputError, match="Sluttiden ligger före starttiden") as caught:
        weekday_hour(incidents)
    assert "A7" in str(caught.value)
    assert caught.value.column == "occurred_to"


def test_end_before_start_without_ids_names_rows():
    incidents = frame(("2024-01-01 10:00", None), ("2024-01-01 10:00", "2024-01-01 09:00"))
    with pytest.raises(InputError) as caught:
        weekday_hour(incidents)
    assert caught.value.rows == [3]  # data row 2 of the frame is line 3 of a file with a header


def test_seconds_are_floored_to_minutes():
    # 08:59:30–09:00:10 is the minutes 08:59 → 09:00: one minute, in hour 8.
    result = weekday_hour(frame(("2024-01-01 08:59:30", "2024-01-01 09:00:10")))
    assert cells(result) == {(1, 8): pytest.approx(1.0)}


def test_empty_input():
    result = weekday_hour(frame())
    assert (result.known, result.unknown) == (0, 0)
    assert result.matrix.to_numpy().sum() == 0
    assert month_hour(frame()).matrix.shape == (12, 24)


def test_month_is_taken_from_each_hours_own_date():
    result = month_hour(frame(("2024-01-31 23:30", "2024-02-01 00:30"), ("2023-12-31 23:00", "2024-01-01 01:00")))
    assert cells(result) == {
        (1, 23): pytest.approx(0.5),
        (2, 0): pytest.approx(0.5),
        (12, 23): pytest.approx(0.5),
        (1, 0): pytest.approx(0.5),
    }
    assert result.matrix.index.name == "month"


def test_hour_profile_counts_only_the_chosen_weekdays():
    # Friday 23:00 → Saturday 01:00 and a Monday incident.
    incidents = frame(("2024-01-05 23:00", "2024-01-06 01:00"), ("2024-01-01 23:10", None))
    friday_saturday = hour_profile(incidents)
    assert friday_saturday.weights[23] == pytest.approx(0.5)
    assert friday_saturday.weights[0] == pytest.approx(0.5)
    assert friday_saturday.weights.sum() == pytest.approx(1.0)
    assert hour_profile(incidents, {6}).weights.sum() == pytest.approx(0.5)
    assert hour_profile(incidents, range(1, 8)).weights[23] == pytest.approx(1.5)
    with pytest.raises(InputError):
        hour_profile(incidents, {0})


def test_long_form_has_every_cell():
    long = weekday_hour(frame(("2024-01-01 10:00", None))).long()
    assert list(long.columns) == ["weekday", "hour", "weight"]
    assert len(long) == 168
    assert long.loc[(long.weekday == 1) & (long.hour == 10), "weight"].item() == 1.0


def test_hourly_weights_on_the_absolute_axis():
    hourly = hourly_weights(frame(("2024-03-31 01:30", "2024-03-31 03:30"), ("2024-03-31 05:00", None)))
    assert hourly.weights.index[0] == pd.Timestamp("2024-03-31 01:00")
    assert hourly.weights.tolist() == pytest.approx([0.25, 0.5, 0.25, 0.0, 1.0])


def test_expand_weights_agrees_with_the_matrix():
    incidents = random_incidents(np.random.default_rng(3), 60)
    expanded = expand_weights(incidents)
    assert expanded.groupby("incident")["weight"].sum().to_numpy() == pytest.approx(1.0)
    hours = pd.DatetimeIndex(expanded["hour_start"])
    folded = expanded.groupby([hours.day_of_week + 1, hours.hour])["weight"].sum()
    matrix = weekday_hour(incidents).matrix
    for (weekday, hour), weight in folded.items():
        assert matrix.loc[weekday, hour] == pytest.approx(weight)
    assert matrix.to_numpy().sum() == pytest.approx(folded.sum())


def random_incidents(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Random incidents near week, month and year ends; a third point times, some too long."""
    base = pd.Timestamp("2023-12-29").value // 60_000_000_000
    start = base + rng.integers(0, 14 * 24 * 60, n)
    kind = rng.integers(0, 6, n)
    duration = np.select(
        [kind == 0, kind == 1, kind == 2],
        [0, rng.integers(0, 3 * 60, n), np.full(n, 1439)],
        rng.integers(1, 26 * 60, n),
    )
    # Point times: with and without an end; some equal ends.
    end = np.where(kind == 0, -1, start + duration)
    from_ = pd.to_datetime(start * 60_000_000_000 + rng.integers(0, 60, n) * 1_000_000_000)
    to = pd.to_datetime(np.where(end >= 0, end * 60_000_000_000, np.iinfo("int64").min))
    return pd.DataFrame({"occurred_from": from_.astype("datetime64[ns]"), "occurred_to": to.astype("datetime64[ns]")})


def reference_weekday_hour(incidents: pd.DataFrame, max_window_hours: float) -> tuple[np.ndarray, int, int]:
    """Walk every minute of every window: slow and obviously right."""
    matrix = np.zeros((7, 24))
    known = unknown = 0
    for start, end in zip(incidents["occurred_from"], incidents["occurred_to"], strict=True):
        s = start.to_pydatetime().replace(second=0, microsecond=0)
        e = s if pd.isna(end) else end.to_pydatetime().replace(second=0, microsecond=0)
        minutes = int((e - s) / timedelta(minutes=1))
        if minutes > max_window_hours * 60:
            unknown += 1
            continue
        known += 1
        if minutes == 0:
            matrix[s.isoweekday() - 1, s.hour] += 1
            continue
        t: datetime = s
        for _ in range(minutes):
            matrix[t.isoweekday() - 1, t.hour] += 1 / minutes
            t += timedelta(minutes=1)
    return matrix, known, unknown


@pytest.mark.parametrize("max_window_hours", [24, 6])
def test_random_windows_match_a_per_minute_reference(max_window_hours):
    incidents = random_incidents(np.random.default_rng(2024 + max_window_hours), 200)
    expected, known, unknown = reference_weekday_hour(incidents, max_window_hours)
    result = weekday_hour(incidents, max_window_hours=max_window_hours)
    assert (result.known, result.unknown) == (known, unknown)
    assert unknown > 0 and known > 50
    np.testing.assert_allclose(result.matrix.to_numpy(), expected, atol=1e-9)
    assert result.matrix.to_numpy().sum() == pytest.approx(known)


def test_weights_sum_to_known_count_on_a_large_frame():
    incidents = random_incidents(np.random.default_rng(7), 20_000)
    result = weekday_hour(incidents)
    assert result.matrix.to_numpy().sum() == pytest.approx(result.known, abs=1e-6)
    assert result.known + result.unknown == len(incidents)
    assert month_hour(incidents).matrix.to_numpy().sum() == pytest.approx(result.known, abs=1e-6)
    assert (result.matrix.to_numpy() >= -1e-12).all()


def test_timezone_aware_times_are_read_as_wall_clock():
    incidents = frame(("2024-01-01 10:00", None))
    incidents["occurred_from"] = incidents["occurred_from"].dt.tz_localize("Europe/Stockholm")
    incidents["occurred_to"] = incidents["occurred_to"].dt.tz_localize("Europe/Stockholm")
    assert cells(weekday_hour(incidents)) == {(1, 10): pytest.approx(1.0)}


def test_non_datetime_column_is_an_input_error():
    incidents = pd.DataFrame({"occurred_from": ["igår"], "occurred_to": [None]})
    with pytest.raises(InputError, match="datum och tid"):
        weekday_hour(incidents)
