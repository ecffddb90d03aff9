"""The time slider's frames: incidents per grid cell and month, against counts worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.time_frames import monthly_cells
from data.sample import paths


def test_small_case_worked_by_hand():
    # Four incidents: two in cell (0, 0) in January, one in cell (100, 0) in January, one in cell (0, 0) in
    # March; a fifth has a district's centroid (not a place) and is left out.
    frame = pd.DataFrame({
        "x": [10.0, 99.9, 100.0, 50.0, 20.0],
        "y": [5.0, 99.0, 0.0, 50.0, 20.0],
        "occurred_from": pd.to_datetime(["2025-01-01 00:10", "2025-01-31 23:59", "2025-01-15 12:00", "2025-03-02 08:00",
                                         "2025-01-05 09:00"]),
        "position_precision": ["exakt", "exakt", "exakt", "exakt", "kommun"],
    })
    cells = monthly_cells(frame, cell=100)
    assert cells.to_dict("records") == [
        {"month": pd.Period("2025-01", "M"), "x0": 0.0, "y0": 0.0, "count": 2},
        {"month": pd.Period("2025-01", "M"), "x0": 100.0, "y0": 0.0, "count": 1},
        {"month": pd.Period("2025-03", "M"), "x0": 0.0, "y0": 0.0, "count": 1},
    ]
    # Below the owner's level (min_place 2) only January's cell with two incidents is left.
    assert monthly_cells(frame, cell=100, min_count=2)["count"].tolist() == [2]


def test_bad_cell_size_is_a_swedish_error():
    with pytest.raises(ValueError, match="Rutstorleken"):
        monthly_cells(pd.DataFrame({"x": [], "y": [], "occurred_from": []}), cell=0)


def test_monthly_counts_of_cykelstold_in_the_sample_2025():
    incidents = pd.read_parquet(paths().incidents)
    bikes = incidents[(incidents["category"] == "Cykelstöld") & (incidents["occurred_from"].dt.year == 2025)]
    cells = monthly_cells(bikes, cell=100)
    per_month = cells.groupby("month")["count"].sum()
    # Counted by hand in the sample's incidents.parquet (678 bicycle thefts in 2025, by starting month).
    assert per_month.tolist() == [28, 30, 41, 54, 72, 81, 88, 82, 70, 57, 40, 35]
    assert [str(m) for m in per_month.index] == [f"2025-{m:02d}" for m in range(1, 13)]
    # The busiest cell, 590100–590200 E, 6544800–6544900 N: 49 thefts, most in summer.
    busiest = cells[(cells["x0"] == 590100.0) & (cells["y0"] == 6544800.0)]
    assert dict(zip(busiest["month"].dt.month, busiest["count"], strict=True)) == {
        1: 2, 3: 2, 4: 4, 5: 2, 6: 7, 7: 10, 8: 6, 9: 6, 10: 4, 11: 3, 12: 3}
