"""Emerging hot spots: space-time Gi* against esda, Mann–Kendall against pymannkendall, the 17 patterns
worked out by hand from ArcGIS's definitions and by a port of sfdep's classify_hotspot, planted patterns."""

from __future__ import annotations

import warnings

import esda
import libpysal
import numpy as np
import pandas as pd
import pymannkendall
import pytest

from analysis import emerging as em
from analysis.hotspots import hotspots

# --- (a) space-time Gi* of every bin against esda.G_Local on a W built for the space-time neighbourhood


def space_time_w(locations: np.ndarray, n_steps: int, radius_cells: float, k: int) -> tuple[libpysal.weights.W, list]:
    """Binary W over the bins (t, row, col) of the locations: cells whose centres lie within
    ``radius_cells`` (√2 = queen) in the same step and the k steps before. Self excluded (G_Local adds it)."""
    rows, cols = np.nonzero(locations)
    cells = list(zip(rows.tolist(), cols.tolist(), strict=True))
    bins = [(t, r, c) for t in range(n_steps) for r, c in cells]
    number = {b: i for i, b in enumerate(bins)}
    neighbours: dict[int, list[int]] = {}
    for t, r, c in bins:
        found = []
        for t2 in range(max(0, t - k), t + 1):
            for r2, c2 in cells:
                if (r2 - r) ** 2 + (c2 - c) ** 2 <= radius_cells**2 + 1e-9 and (t2, r2, c2) != (t, r, c):
                    found.append(number[(t2, r2, c2)])
        neighbours[number[(t, r, c)]] = found
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands and asymmetry are intended here
        return libpysal.weights.W(neighbours, silence_warnings=True), bins


@pytest.mark.parametrize(("neighbours", "radius", "k"), [("queen", np.sqrt(2), 1), ("rook", 1.0, 2),
                                                         (("distance", 200.0), 2.0, 0)])
def test_space_time_gi_star_equals_esda_on_a_space_time_w(neighbours, radius, k):
    rng = np.random.default_rng(12)
    n_steps, ny, nx = 5, 4, 6
    cube = rng.poisson(2.0, (n_steps, ny, nx)).astype(float)
    cube[:, 1, 2] += np.array([0, 1, 3, 6, 10])  # a growing cell
    locations = np.ones((ny, nx), dtype=bool)
    locations[0, 0] = locations[3, 5] = False  # cells without data are not in the test
    cube[:, ~locations] = 0
    w, bins = space_time_w(locations, n_steps, radius, k)
    y = np.array([cube[t, r, c] for t, r, c in bins])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = esda.G_Local(y, w, star=True, transform="B", permutations=0).Zs
    ours = em.space_time_gi_star(cube, locations, neighbours=neighbours, cell=100.0, time_window=k)
    ours_flat = np.array([ours[t, r, c] for t, r, c in bins])
    np.testing.assert_allclose(ours_flat, expected, atol=1e-9, rtol=0)
    assert np.isnan(ours[:, 0, 0]).all()


def test_gi_star_hand_worked_bin():
    # 2 steps × 1 × 3 cells, all zero but the middle cell in step 2 (4 incidents). n = 6 bins,
    # mean 4/6, variance 16/6 − (4/6)² = 2.2222. The middle cell in step 2 with queen and one time
    # step: neighbours are all 3 cells in both steps, K = 6 = n, so the denominator is 0 → z = 0.
    # Its left neighbour in step 2 has cells 0 and 1 in both steps: K = 4, sum 4:
    # z = (4 − 4·4/6) / (√2.2222 · √((6·4 − 16)/5)) = 1.3333 / (1.4907 · 1.2649) = 0.7071.
    cube = np.zeros((2, 1, 3))
    cube[1, 0, 1] = 4
    z = em.space_time_gi_star(cube, np.ones((1, 3), bool))
    assert round(float(z[1, 0, 0]), 4) == 0.7071
    assert float(z[1, 0, 1]) == 0.0


# --- (b) Mann–Kendall against pymannkendall.original_test


SERIES = {
    "no ties": [0.3, 1.2, -0.4, 2.2, 1.9, 3.1, 2.8, 4.0, 3.7, 5.2],
    "ties": [1, 2, 2, 3, 3, 3, 2, 5, 5, 4, 6, 6],
    "falling with ties": [9, 9, 8, 8, 8, 7, 6, 6, 2, 1],
    "flat": [2.0, 2.0, 2.0, 2.0, 2.0],
    "short": [1.0, 3.0, 2.0],
}


@pytest.mark.parametrize("name", list(SERIES))
def test_mann_kendall_equals_pymannkendall(name):
    values = np.asarray(SERIES[name], dtype=float)
    reference = pymannkendall.original_test(values)
    ours = em.mann_kendall(values[None])
    assert ours.s[0] == reference.s
    assert ours.var_s[0] == pytest.approx(reference.var_s, abs=1e-9)
    assert ours.z[0] == pytest.approx(reference.z, abs=1e-9)
    assert ours.p[0] == pytest.approx(reference.p, abs=1e-9)
    assert ours.tau[0] == pytest.approx(reference.Tau, abs=1e-9)


def test_mann_kendall_many_rows_at_once_and_by_hand():
    rows = np.array([SERIES["ties"][:10], SERIES["falling with ties"], SERIES["no ties"]], dtype=float)
    ours = em.mann_kendall(rows)
    for i, row in enumerate(rows):
        assert ours.s[i] == pymannkendall.original_test(row).s
    # [9, 9, 8, 8, 8, 7, 6, 6, 2, 1] by hand: every later value is lower except ties within
    # {9, 9}, {8, 8, 8}, {6, 6} (1 + 3 + 1 = 5 tied pairs) → S = −(45 − 5) = −40;
    # Var = (10·9·25 − [2·1·9 + 3·2·11 + 2·1·9]) / 18 = (2250 − 102) / 18 = 119.333.
    assert ours.s[1] == -40
    assert ours.var_s[1] == pytest.approx(2148 / 18)
    assert ours.z[1] == pytest.approx(-39 / np.sqrt(2148 / 18))


# --- (c) the 17 patterns: hand-worked from ArcGIS's definitions, and a port of sfdep


def bins(pattern: str, z_values: list[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """z and p of a 10-step series written as H (hot, p 0.001), C (cold), . (not significant, p 0.5)."""
    z = np.array([{"H": 3.0, "C": -3.0, ".": 0.2}[ch] for ch in pattern])
    if z_values is not None:
        z = np.asarray(z_values, dtype=float)
    p = np.array([0.001 if ch in "HC" else 0.5 for ch in pattern])
    return z, p


RISING = [2.5, 2.8, 3.0, 3.3, 3.5, 3.9, 4.2, 4.4, 4.8, 5.1]
LEVEL = [3.2, 3.0, 3.4, 2.9, 3.3, 3.1, 2.8, 3.5, 3.0, 3.2]

# Each case: name, bins, the class worked out from ArcGIS's definitions, and why.
CASES = [
    # Hot only in the final step and never before: "new hot spot".
    ("new_hot", bins(".........H", [0.1, -0.2, 0.3, 0.0, 0.2, -0.1, 0.1, 0.2, 0.0, 3.5]), "new_hot"),
    # An unbroken run of 3 hot bins ending at the final step, nothing hot before, 30 % < 90 %: consecutive.
    ("consecutive_hot", bins(".......HHH", [0.1, 0.0, 0.2, -0.1, 0.1, 0.3, 0.2, 3.1, 3.4, 3.2]), "consecutive_hot"),
    # Hot in 10 of 10 steps (≥ 90 %) including the final one, z rising every step (S = 45, p ≈ 0.0001).
    ("intensifying_hot", bins("HHHHHHHHHH", RISING), "intensifying_hot"),
    # Hot in all steps, z going up and down around 3.1 (Mann–Kendall S = 0, p = 1): no trend → persistent.
    ("persistent_hot", bins("HHHHHHHHHH", LEVEL), "persistent_hot"),
    # Hot in all steps including the final one, z falling every step: diminishing.
    ("diminishing_hot", bins("HHHHHHHHHH", RISING[::-1]), "diminishing_hot"),
    # Hot in the final step and on and off before (4 of 10 < 90 %), never cold: sporadic.
    ("sporadic_hot", bins("H..H...H.H"), "sporadic_hot"),
    # Hot in the final step (2 of 10 hot), cold in the first step: oscillating.
    ("oscillating_hot", bins("C....H...H"), "oscillating_hot"),
    # Hot in 9 of 10 steps (exactly 90 %) but not in the final one: historical.
    ("historical_hot", bins("HHHHHHHHH.", [3.0] * 9 + [1.0]), "historical_hot"),
    # The cold mirror images.
    ("new_cold", bins(".........C", [0.1, -0.2, 0.3, 0.0, 0.2, -0.1, 0.1, 0.2, 0.0, -3.5]), "new_cold"),
    ("consecutive_cold", bins(".......CCC", [0.1, 0.0, 0.2, -0.1, 0.1, 0.3, 0.2, -3.1, -3.4, -3.2]),
     "consecutive_cold"),
    # Cold in every step and ever colder (z falling): the clustering of low counts intensifies.
    ("intensifying_cold", bins("CCCCCCCCCC", [-v for v in RISING]), "intensifying_cold"),
    ("persistent_cold", bins("CCCCCCCCCC", [-v for v in LEVEL]), "persistent_cold"),
    # Cold in every step but less and less cold (z rising towards 0).
    ("diminishing_cold", bins("CCCCCCCCCC", [-v for v in RISING[::-1]]), "diminishing_cold"),
    ("sporadic_cold", bins("C..C...C.C"), "sporadic_cold"),
    ("oscillating_cold", bins("H....C...C"), "oscillating_cold"),
    ("historical_cold", bins("CCCCCCCCC.", [-3.0] * 9 + [-1.0]), "historical_cold"),
    # Nothing significant anywhere.
    ("none", bins(".........."), "none"),
    # Hot in the first two steps only: no ArcGIS Pro pattern fits (sporadic needs the final step hot).
    ("hot long ago", bins("HH........", [3.0, 3.1] + [0.2] * 8), "none"),
]


def trend(z: np.ndarray) -> tuple[float, float]:
    reference = pymannkendall.original_test(z)
    return reference.z, reference.p


def test_every_pattern_has_a_hand_worked_case():
    assert {expected for _, _, expected in CASES} == set(em.PATTERNS)
    assert len(em.PATTERNS) == 17


@pytest.mark.parametrize(("name", "series", "expected"), CASES, ids=[c[0] for c in CASES])
def test_pattern_from_arcgis_definitions(name, series, expected):
    z, p = series
    trend_z, trend_p = trend(z)
    if name.startswith(("intensifying", "diminishing")):
        assert trend_p < 0.01  # the hand-worked premise: a clear trend
    if name.startswith("persistent"):
        assert trend_p > 0.5  # and here none
    assert em.classify_patterns(z[None], p[None], np.array([trend_z]), np.array([trend_p]))[0] == expected


# A direct port of sfdep R/emerging-hostpot-classifications.R (classify_hotspot and its 16 tests, in the
# order of its `fxs` list). R's Kendall::MannKendall is replaced by pymannkendall (same S; tau and p
# used only for sign and significance). `threshold` is both the bin and the trend level, as in sfdep.

def _final_run(sigs: np.ndarray) -> int:
    reverse = np.r_[sigs[::-1], False]
    return int(np.flatnonzero(~reverse[1:])[0]) + 1  # which(diff(cumsum(c(rev(sigs), FALSE))) == 0)[1]


def _consecutive(gs, sigs, n, sign):
    if not (sigs[-1] and sign * gs[-1] > 0):
        return False
    run = _final_run(sigs)
    rest = sigs[: n - run]
    return (not rest.any()) and sigs[n - run:].all() and (np.sum(sigs & (sign * gs > 0)) / n < 0.9)


def sfdep_classify(gs: np.ndarray, p: np.ndarray, threshold: float = 0.10) -> str:
    sigs = p <= threshold
    n = len(gs)
    reference = pymannkendall.original_test(gs)
    tau, tau_p = reference.Tau, reference.p
    hot, cold = np.sum(sigs & (gs > 0)) / n, np.sum(sigs & (gs < 0)) / n
    tests = [
        ("new_hot", sigs.sum() == 1 and sigs[-1] and gs[-1] > 0),
        ("new_cold", sigs.sum() == 1 and sigs[-1] and gs[-1] < 0),
        ("consecutive_hot", _consecutive(gs, sigs, n, 1)),
        ("consecutive_cold", _consecutive(gs, sigs, n, -1)),
        ("intensifying_hot", sigs.sum() / n >= 0.9 and sigs[-1] and tau > 0 and tau_p < threshold),
        ("intensifying_cold", cold >= 0.9 and sigs[-1] and tau < 0 and tau_p <= threshold),
        ("persistent_hot", hot >= 0.9 and tau_p > threshold),
        ("persistent_cold", cold >= 0.9 and tau_p > threshold),
        ("diminishing_hot", hot >= 0.9 and sigs[-1] and tau < 0 and tau_p <= threshold),
        ("diminishing_cold", cold >= 0.9 and sigs[-1] and tau > 0 and tau_p <= threshold),
        ("oscillating_hot", hot <= 0.9 and gs[-1] > 0 and sigs[-1] and (sigs & (gs < 0)).any()),
        ("oscillating_cold", cold < 0.9 and gs[-1] < 0 and sigs[-1] and (sigs & (gs > 0)).any()),
        ("historical_hot", hot >= 0.9 and gs[-1] < 0),
        ("historical_cold", gs[-1] > 0 and cold >= 0.9),
        ("sporadic_hot", hot < 0.9 and not (sigs & (gs < 0)).any() and (sigs & (gs > 0)).any()),
        ("sporadic_cold", cold < 0.9 and not (sigs & (gs > 0)).any() and (sigs & (gs < 0)).any()),
    ]
    return next((name for name, found in tests if found), "none")


# Where sfdep's code and ArcGIS's definitions part (docs/methods.md lists them):
SFDEP_DIFFERS = {
    # sfdep's persistent test does not look at the final step and comes before historical, whose own
    # test asks for a negative final z: 9 hot steps then a quiet one is "persistent" there.
    "historical_hot": "persistent_hot",
    "historical_cold": "persistent_cold",
    # sfdep's intensifying-hot test counts every significant bin (sum(sigs)), hot or cold, so a cold
    # spot that fades (z rising) is called an intensifying *hot* spot.
    "diminishing_cold": "intensifying_hot",
    # sfdep's sporadic test does not ask for the final step to be hot (ArcMap 10.3's wording; Pro's asks).
    "hot long ago": "sporadic_hot",
}


@pytest.mark.parametrize(("name", "series", "expected"), CASES, ids=[c[0] for c in CASES])
def test_sfdep_port_agrees_except_where_documented(name, series, expected):
    z, p = series
    assert sfdep_classify(z, p) == SFDEP_DIFFERS.get(name, expected)


# --- the cube: aoristic weights over steps, and the grid shared with hotspots()


def frame(x, y, start, end=None) -> pd.DataFrame:
    result = pd.DataFrame({
        "x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float),
        "occurred_from": pd.to_datetime(start),
        "occurred_to": pd.to_datetime(end if end is not None else [None] * len(start)),
    })
    result.attrs["crs"] = "EPSG:3006"
    return result


def test_a_window_across_a_month_end_is_split_between_the_months():
    from geo.grid import grid_for_extent

    incidents = frame([601050, 601050, 601150], [6501050] * 3,
                      ["2024-01-31 18:00", "2024-02-10 12:00", "2024-03-31 20:00"],
                      ["2024-02-01 06:00", None, "2024-04-01 00:00"])
    grid = grid_for_extent(601000, 6501000, 601199, 6501099, 100, crs="EPSG:3006")
    edges = em.step_starts("2024-01-01", "2024-03-31", "month")
    cube = em.space_time_cube(incidents, grid, edges)
    # 18:00–06:00 is 12 hours: 6 in January, 6 in February. The third ends at midnight: all March.
    assert cube[:, 0, 0].tolist() == [0.5, 1.5, 0.0]
    assert cube[:, 0, 1].tolist() == [0.0, 0.0, 1.0]


def test_iso_weeks_and_quarters():
    weeks = em.step_starts("2024-12-30", "2025-01-12", "week")
    assert [d.strftime("%Y-%m-%d") for d in weeks] == ["2024-12-30", "2025-01-06", "2025-01-13"]
    quarters = em.step_starts("2024-02-10", "2024-08-01", "quarter")
    assert [d.strftime("%Y-%m-%d") for d in quarters] == ["2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01"]


# --- (d) planted patterns in generated data


CELL = 100.0
X0, Y0 = 600000.0, 6500000.0
NEW, GROWING, FADING = (3, 3), (3, 15), (15, 9)  # (col, row) of the planted cells, ≥ 6 cells apart


def planted() -> pd.DataFrame:
    """20 × 20 cells, 36 months of uniform background (one incident per cell and month on average)
    and three planted cells: 150 more in the last month; 60, 62 … 130 more (growing); 130, 128 … 60 more
    (fading, still well above the background at the end)."""
    rng = np.random.default_rng(2026)
    months = pd.date_range("2023-01-01", periods=36, freq="MS")
    xs, ys, times = [], [], []

    def add(n, col=None, row=None, month=0):
        if col is None:
            xs.append(rng.uniform(X0, X0 + 20 * CELL, n))
            ys.append(rng.uniform(Y0, Y0 + 20 * CELL, n))
        else:
            xs.append(X0 + (col + rng.uniform(0.1, 0.9, n)) * CELL)
            ys.append(Y0 + (row + rng.uniform(0.1, 0.9, n)) * CELL)
        start = months[month]
        days = (months[month] + pd.offsets.MonthBegin(1) - start).days
        times.append(start + pd.to_timedelta(rng.uniform(0, days * 24, n), "h"))

    for month in range(36):
        add(rng.poisson(400), month=month)
        add(60 + 2 * month, *GROWING, month=month)
        add(130 - 2 * month, *FADING, month=month)
    add(150, *NEW, month=35)
    incidents = frame(np.concatenate(xs), np.concatenate(ys), np.concatenate(times))
    return incidents


def cell_id(col: int, row: int) -> str:
    return f"100m_E{X0 + col * CELL:.0f}_N{Y0 + row * CELL:.0f}"


def test_planted_patterns_are_found():
    result = em.emerging_hotspots(planted(), cell=CELL, step="month", extent=(X0, Y0, X0 + 1999, Y0 + 1999))
    cells = result.cells.set_index("cell_id")
    assert result.n_steps == 36
    assert cells.loc[cell_id(*NEW), "pattern"] == "new_hot"
    assert cells.loc[cell_id(*NEW), "n_hot_steps"] == 1
    assert cells.loc[cell_id(*GROWING), "pattern"] == "intensifying_hot"
    # The first steps have no earlier step in their neighbourhood and the background is small beside
    # the planted cells, so the growing cell is hot from month 2 or 3 on: still ≥ 90 % of 36 steps.
    assert cells.loc[cell_id(*GROWING), "n_hot_steps"] >= 33
    assert cells.loc[cell_id(*FADING), "pattern"] == "diminishing_hot"
    # Background: every cell more than two cells from a planted one has no pattern.
    cols = ((cells.geometry.bounds["minx"] - X0) / CELL).round().astype(int)
    rows = ((cells.geometry.bounds["miny"] - Y0) / CELL).round().astype(int)
    far = np.ones(len(cells), dtype=bool)
    for col, row in (NEW, GROWING, FADING):
        far &= (np.abs(cols - col) > 2) | (np.abs(rows - row) > 2)
    assert far.sum() > 300
    assert (cells.loc[far, "pattern"] == "none").all(), cells.loc[far, "pattern"].value_counts()
    # The planted new cell holds its 150 late incidents plus its share of the background.
    assert cells.loc[cell_id(*NEW), "count"] >= 150


def test_cell_ids_are_those_of_hotspots():
    incidents = planted()
    result = em.emerging_hotspots(incidents, cell=CELL, step="quarter")
    plain = hotspots(incidents, cell=CELL)
    assert set(result.cells["cell_id"]) <= set(plain["cell_id"])
    merged = result.cells[["cell_id", "count"]].merge(plain[["cell_id", "count"]], on="cell_id")
    # No windows here, so the cube's counts summed over time are the plain counts.
    np.testing.assert_allclose(merged["count_x"], merged["count_y"])


def test_bad_input_says_what_to_change():
    incidents = frame([601050], [6501050], ["2024-01-05"])
    with pytest.raises(ValueError, match="minst 3"):
        em.emerging_hotspots(incidents, step="month")
    with pytest.raises(ValueError, match="Okänt tidssteg"):
        em.emerging_hotspots(incidents, step="day")


def test_a_steady_hot_spot_is_persistent_not_intensifying():
    """A cell with the same 100 extra incidents every month for 36 months is a persistent hot spot.

    Background: one incident in every cell every month, so every month's z is the same except the
    first, which has no earlier month in its time neighbourhood (K = 1) and so a lower z. Read into the
    trend that one edge gives S = 35 with 35 tied values: var S = (36·35·77 − 35·34·75)/18 = 431.7,
    z = 34/√431.7 = 1.64, p = 0.10 — at the 90 % level an "intensifying" hot spot out of nothing.
    From the first full window on (months 2–36) the series is flat: S = 0, no trend, persistent.
    """
    months = pd.date_range("2023-01-01", periods=36, freq="MS")
    cols, rows = np.meshgrid(np.arange(20), np.arange(20))
    xs, ys, times = [], [], []
    for month in months:
        xs.append(X0 + (cols.ravel() + 0.5) * CELL)
        ys.append(Y0 + (rows.ravel() + 0.5) * CELL)
        xs.append(np.full(100, X0 + 10.5 * CELL))
        ys.append(np.full(100, Y0 + 10.5 * CELL))
        times.append(pd.DatetimeIndex([month + pd.Timedelta(hours=12)] * 500))
    incidents = frame(np.concatenate(xs), np.concatenate(ys), np.concatenate(times))
    result = em.emerging_hotspots(incidents, cell=CELL, step="month", extent=(X0, Y0, X0 + 1999, Y0 + 1999))
    steady = result.cells.set_index("cell_id").loc[cell_id(10, 10)]
    assert steady["n_hot_steps"] == 36
    assert steady["pattern"] == "persistent_hot", (steady["mk_z"], steady["mk_p"])
    assert steady["mk_z"] == 0.0
