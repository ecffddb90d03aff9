"""The Knox test (analysis.nearrepeat) against hand counts, the NearRepeat package and planted patterns."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.nearrepeat import knox_sentence, knox_test, parse_bands

DATA = Path(__file__).parent / "data"


def _frame(rows: list[tuple[float, float, str] | tuple[float, float, str, str]]) -> pd.DataFrame:
    return pd.DataFrame({
        "x": [r[0] for r in rows],
        "y": [r[1] for r in rows],
        "occurred_from": pd.to_datetime([r[2] for r in rows]),
        "occurred_to": pd.to_datetime([r[3] if len(r) > 3 else None for r in rows]),
    })


# Seven burglaries drawn on squared paper; day 0 is 1 March 2024.
#   A (0, 0)      day 0
#   B (60, 80)    day 3      A–B is exactly 100 m (3-4-5), so it belongs to [100, 200), not [0, 100)
#   C (0, 0)      day 0      same place and same day as A
#   D (0, 150)    day 7      A–D is 7 days: [7, 14), not [0, 7)
#   G (30, 40)    a window 2 March 20:00 – 16 March 04:00 (320 h); midpoint 9 March 12:00 = day 8
#   E (1000, 0)   day 1
#   F (1000, 50)  day 20     E–F is 50 m but 19 days: in no time band
HAND = _frame([
    (0, 0, "2024-03-01 10:00"),
    (60, 80, "2024-03-04 09:00"),
    (0, 0, "2024-03-01 22:00"),
    (0, 150, "2024-03-08 12:00"),
    (30, 40, "2024-03-02 20:00", "2024-03-16 04:00"),
    (1000, 0, "2024-03-02 12:00"),
    (1000, 50, "2024-03-21 12:00"),
])


def _cells(result) -> dict[tuple[float, float], int]:
    return {(r.distance_from, r.days_from): int(r.observed) for r in result.table.itertuples()}


def test_hand_drawn_euclidean_counts():
    # Pairs closer than 200 m (Euclidean), with distance and day gap:
    #   A–C 0 m 0 d   -> [0,100)×[0,7)      B–D √8500 = 92.2 m 4 d -> [0,100)×[0,7)
    #   B–G 50 m 5 d  -> [0,100)×[0,7)      A–G 50 m 8 d  -> [0,100)×[7,14)
    #   C–G 50 m 8 d  -> [0,100)×[7,14)     A–B 100 m 3 d -> [100,200)×[0,7)
    #   B–C 100 m 3 d -> [100,200)×[0,7)    D–G √13000 = 114 m 1 d -> [100,200)×[0,7)
    #   A–D 150 m 7 d -> [100,200)×[7,14)   C–D 150 m 7 d -> [100,200)×[7,14)
    #   E–F 50 m 19 d -> no cell
    result = knox_test(HAND, distance_bands=[0, 100, 200], time_bands=[0, 7, 14], permutations=19, seed=3)
    assert _cells(result) == {(0, 0): 3, (0, 7): 2, (100, 0): 3, (100, 7): 2}
    assert list(result.table.columns) == ["distance_from", "distance_to", "days_from", "days_to", "observed",
                                          "expected", "knox_ratio", "p_value"]
    assert (result.n_events, result.n_pairs, result.pairs_in_table) == (7, 11, 10)
    # A–C is the only pair at the same place, and the only one on the same day.
    assert (result.same_location_pairs, result.same_day_pairs, result.same_location_same_day_pairs) == (1, 1, 1)
    assert result.window_midpoints == 1
    notes = result.notes()
    assert "1 händelser med tidsfönster placerades mitt i fönstret." in notes
    assert ("Av 11 par närmare än 200\u00a0m ligger 1 på samma plats och 1 samma dag (1 båda); de räknas i banden "
            "som andra par.") in notes


def test_hand_drawn_manhattan_counts():
    # |dx| + |dy|: B–D 60 + 70 = 130 m moves to [100,200); A–B and D–G are 140 m; the 50 m pairs become 70 m.
    result = knox_test(HAND, distance_bands=[0, 100, 200], time_bands=[0, 7, 14], permutations=19, seed=3,
                       metric="manhattan")
    assert _cells(result) == {(0, 0): 2, (0, 7): 2, (100, 0): 4, (100, 7): 2}


def test_same_location_and_same_day_bands():
    # A "same location" band [0, 0.1) and a "same day" band [0, 1), as NearRepeat's vignette forms them:
    # only A–C is 0 m apart and 0 days apart.
    result = knox_test(HAND, distance_bands=[0, 0.1, 200], time_bands=[0, 1, 14], permutations=19, seed=3)
    assert _cells(result) == {(0, 0): 1, (0, 1): 0, (0.1, 0): 0, (0.1, 1): 9}


def test_p_value_and_expected_by_hand():
    # Three incidents, one pair within 100 m: P (0,0) day 0, Q (50,0) day 2, R (5000,0) day 30.
    # A permutation puts the days {0, 2, 30} on P, Q, R; the P–Q gap is < 7 days only when P and Q get
    # 0 and 2 (2 of the 6 orderings). So expected -> 1/3, and the observed 1 is reached by a third of
    # the permutations: p -> (n/3 + 1)/(n + 1).
    frame = _frame([(0, 0, "2024-01-01"), (50, 0, "2024-01-03"), (5000, 0, "2024-01-31")])
    result = knox_test(frame, distance_bands=[0, 100], time_bands=[0, 7], permutations=3000, seed=11)
    row = result.table.iloc[0]
    # Binomial(3000, 1/3): sd of the share is 0.0086; 0.035 is four of them.
    assert row["observed"] == 1
    assert row["expected"] == pytest.approx(1 / 3, abs=0.035)
    assert row["knox_ratio"] == pytest.approx(3.0, rel=0.12)
    assert row["p_value"] == pytest.approx((row["expected"] * 3000 + 1) / 3001)


def _chicago() -> pd.DataFrame:
    # NearRepeat's inst/extdata/chicago_be_month1.csv (commit f48d213): residential burglaries in Chicago,
    # 31 Dec 2015 – 31 Jan 2016, from the Crime Open Database; 970 rows of X, Y (metres), date.
    raw = pd.read_csv(DATA / "chicago_be_month1.csv", header=None, names=["X", "Y", "date"])
    return pd.DataFrame({"x": raw["X"], "y": raw["Y"], "occurred_from": pd.to_datetime(raw["date"])})


def test_chicago_matches_the_near_repeat_calculator_observed_table():
    # The NRC's "Observed frequencies distribution" (chicago_be_month1_NRverbose_2019-09-23_143005.csv),
    # which NearRepeat's vignette "NRC" reproduces with sds = c(0,1,100,200,300,Inf),
    # tds = c(0,7,14,21,Inf), method = "manhattan".
    result = knox_test(_chicago(), distance_bands=[0, 1, 100, 200, 300, math.inf],
                       time_bands=[0, 7, 14, 21, math.inf], permutations=2, seed=1, metric="manhattan")
    published = [
        [28, 5, 5, 2],
        [44, 13, 8, 4],
        [97, 56, 19, 16],
        [77, 67, 45, 20],
        [182194, 146149, 95237, 45879],
    ]
    assert result.table["observed"].to_numpy().reshape(5, 4).tolist() == published
    assert result.n_pairs == 970 * 969 // 2


def test_chicago_matches_the_near_repeat_vignette():
    # vignette("NearRepeat"): set.seed(9489); NearRepeat(x, y, date, sds = c(0, 0.1, 200, 400, 600),
    # tds = c(0, 7, 14, 21)) with the default Manhattan distance and 999 replications.
    result = knox_test(_chicago(), distance_bands=[0, 0.1, 200, 400, 600], time_bands=[0, 7, 14, 21],
                       permutations=999, seed=9489, metric="manhattan")
    observed = [[28, 5, 5], [141, 69, 27], [186, 140, 100], [237, 192, 128]]
    ratio = [[1.8027842, 0.4043552, 0.6128082], [1.4121203, 0.8621871, 0.5170609],
             [1.0144070, 0.9499294, 1.0511474], [0.9754211, 0.9806536, 1.0071754]]
    p = [[0.001, 1.000, 0.943], [0.001, 0.929, 1.000], [0.435, 0.785, 0.312], [0.696, 0.635, 0.479]]
    table = result.table
    assert table["observed"].to_numpy().reshape(4, 3).tolist() == observed
    published_expected = np.array(observed) / np.array(ratio)
    # Both expected counts are means of 999 permuted counts. A permuted count varies no more than a
    # Poisson count (its sd here is 0.75–0.9 of sqrt(expected)), so the difference of two such means has
    # sd <= sqrt(2 * expected / 999); allow four of those.
    tolerance = 4 * np.sqrt(2 * published_expected / 999)
    ours = table["expected"].to_numpy().reshape(4, 3)
    assert (np.abs(ours - published_expected) <= tolerance).all(), (ours, published_expected)
    # A Monte Carlo p from 999 permutations has sd sqrt(p (1 - p) / 1000); four sd of the difference,
    # plus one permutation's step.
    ours_p = table["p_value"].to_numpy().reshape(4, 3)
    mean_p = (ours_p + np.array(p)) / 2
    assert (np.abs(ours_p - np.array(p)) <= 4 * np.sqrt(2 * mean_p * (1 - mean_p) / 1000) + 0.002).all()
    assert table["knox_ratio"].iloc[0] == pytest.approx(1.80, abs=0.08)


def test_chicago_expected_is_the_permutation_mean_in_closed_form():
    # Shuffling the dates gives any one pair a random pair of two of the 970 dates, so a cell's mean
    # count is (pairs in its distance band) × (pairs of dates in its time band) / (970 · 969 / 2),
    # both counted here over all pairs with numpy.
    chicago = _chicago()
    x, y = chicago["x"].to_numpy(), chicago["y"].to_numpy()
    day = chicago["occurred_from"].to_numpy().astype("datetime64[D]").astype(np.int64)
    upper = np.triu_indices(len(x), k=1)
    manhattan = (np.abs(x[:, None] - x[None, :]) + np.abs(y[:, None] - y[None, :]))[upper]
    gap = np.abs(day[:, None] - day[None, :])[upper]
    in_distance = np.bincount(np.digitize(manhattan, [0, 0.1, 200, 400, 600]) - 1, minlength=5)[:4]
    in_time = np.bincount(np.digitize(gap, [0, 7, 14, 21]) - 1, minlength=4)[:3]
    closed_form = np.outer(in_distance, in_time) / len(gap)
    result = knox_test(chicago, distance_bands=[0, 0.1, 200, 400, 600], time_bands=[0, 7, 14, 21],
                       permutations=999, seed=1, metric="manhattan")
    ours = result.table["expected"].to_numpy().reshape(4, 3)
    # Four standard errors of a mean of 999 counts whose sd is at most sqrt(mean).
    assert (np.abs(ours - closed_form) <= 4 * np.sqrt(closed_form / 999)).all(), (ours, closed_form)
    assert closed_form[0, 0] == pytest.approx(28 / 1.8027842, rel=0.03)  # the vignette's expected


def _uniform(rng: np.random.Generator, n: int, *, side: float = 5000.0, days: int = 365) -> pd.DataFrame:
    start = pd.Timestamp("2024-01-01")
    return pd.DataFrame({
        "x": rng.uniform(0, side, n),
        "y": rng.uniform(0, side, n),
        "occurred_from": start + pd.to_timedelta(rng.integers(0, days, n), unit="D")
                         + pd.to_timedelta(rng.integers(0, 24 * 60, n), unit="min"),
    })


def test_planted_near_repeats_are_found():
    # 400 burglaries at random over 5 × 5 km and a year; 150 of them are followed 1–6 days later by
    # another 10–90 m away. By chance a pair is within 100 m with probability pi·100²/5000² = 0.13 %
    # and within 7 days about 3.8 %: ~7 pairs are expected in [0,100)×[0,7), and the 150 planted
    # ones come on top.
    rng = np.random.default_rng(2024)
    base = _uniform(rng, 400)
    seeds = base.sample(150, random_state=1)
    angle = rng.uniform(0, 2 * np.pi, 150)
    radius = rng.uniform(10, 90, 150)
    repeats = pd.DataFrame({
        "x": seeds["x"].to_numpy() + radius * np.cos(angle),
        "y": seeds["y"].to_numpy() + radius * np.sin(angle),
        "occurred_from": seeds["occurred_from"].to_numpy() + pd.to_timedelta(rng.integers(1, 7, 150), unit="D"),
    })
    incidents = pd.concat([base, repeats], ignore_index=True)
    result = knox_test(incidents, distance_bands=[0, 100, 200, 400, 800], time_bands=[0, 7, 14, 28, 56],
                       permutations=199, seed=5)
    near = result.table.iloc[0]
    assert (near["distance_to"], near["days_to"]) == (100, 7)
    assert near["observed"] >= 150
    assert near["knox_ratio"] > 2
    assert near["p_value"] < 0.05
    assert near["p_value"] == pytest.approx(1 / 200)
    sentence = knox_sentence(result)
    assert sentence.startswith("Efter ett inbrott är risken för ett nytt inom 100\u00a0m under 7 dagar ")
    assert sentence.endswith(" gånger den förväntade (p = 0,005).")


def test_pure_poisson_pattern_has_no_near_repeat():
    # Incidents independent in space and time: each of the 16 cells is significant at 5 % only by chance.
    # Over ten such towns that is 160 tests with 8 expected false alarms (binomial sd 2.8); more than
    # 18 would be a test that finds patterns where there are none.
    significant = 0
    ratios = []
    for town in range(10):
        rng = np.random.default_rng(100 + town)
        result = knox_test(_uniform(rng, 500, side=3000.0), distance_bands=[0, 100, 200, 400, 800],
                           time_bands=[0, 7, 14, 28, 56], permutations=199, seed=town)
        significant += int((result.table["p_value"] < 0.05).sum())
        big = result.table[result.table["expected"] >= 50]
        ratios.extend(big["knox_ratio"].tolist())
    assert significant <= 18
    # Cells with 50+ expected pairs: a ratio more than 0.3 from 1 would be 2+ sd away (sd <= 1/sqrt(50)).
    assert ratios and all(0.7 < r < 1.3 for r in ratios)


def test_same_seed_same_table_other_seed_other_expected():
    rng = np.random.default_rng(7)
    incidents = _uniform(rng, 300, side=2000.0)
    kwargs = {"distance_bands": [0, 100, 200, 400], "time_bands": [0, 7, 14], "permutations": 99}
    first = knox_test(incidents, seed=42, **kwargs).table
    again = knox_test(incidents, seed=42, **kwargs).table
    other = knox_test(incidents, seed=43, **kwargs).table
    pd.testing.assert_frame_equal(first, again)
    assert (first["observed"] == other["observed"]).all()
    assert not np.allclose(first["expected"], other["expected"])


def test_sentences_sv_and_en():
    table = pd.DataFrame({
        "distance_from": [0.0, 100.0, 0.0], "distance_to": [100.0, 200.0, 100.0],
        "days_from": [0.0, 7.0, 0.0], "days_to": [7.0, 14.0, 1.0],
        "observed": [46, 30, 0], "expected": [20.0, 28.0, 0.0],
        "knox_ratio": [2.3, 30 / 28, float("nan")], "p_value": [0.001, 0.2134, 1.0],
    })
    from analysis.nearrepeat import KnoxResult

    result = KnoxResult(table, 500, 0, 900, 76, 0, 3, 0, 0, 999, 1, "euclidean", (0.0, 100.0, 200.0),
                        (0.0, 7.0, 14.0))
    assert knox_sentence(result) == ("Efter ett inbrott är risken för ett nytt inom 100\u00a0m under 7 dagar "
                                     "2,3 gånger den förväntade (p = 0,001).")
    assert knox_sentence(result, lang="en") == ("After a burglary, the risk of another within 100\u00a0m in the "
                                                "next 7 days is 2.3 times the expected (p = 0.001).")
    assert knox_sentence(result, cell=1) == ("Efter ett inbrott finns ingen säker förhöjning av risken för ett nytt "
                                             "100–200\u00a0m bort 7–14 dagar senare (1,1 gånger den förväntade, "
                                             "p = 0,21).")
    assert knox_sentence(result, cell=2, first="en händelse", another="en ny") == (
        "För få par inom 100\u00a0m samma dag för att säga något om risken efter en händelse.")


@pytest.mark.parametrize(("text", "message"), [
    ("0", "ange minst två gränser"),
    ("0,200,100", "strikt växande"),
    ("-5,100", "negativa"),
    ("0,inf,800", "bara den sista"),
    ("0,hundra", "inte en lista med tal"),
])
def test_bad_bands_are_named(text, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_bands(text, option="--distance-bands")
    assert str(error.value).startswith("--distance-bands:")


def test_bad_metric_and_permutations():
    with pytest.raises(ValueError, match="euclidean eller manhattan"):
        knox_test(HAND, distance_bands=[0, 100], time_bands=[0, 7], metric="chebyshev")
    with pytest.raises(ValueError, match="minst 2"):
        knox_test(HAND, distance_bands=[0, 100], time_bands=[0, 7], permutations=1)


def test_rows_without_position_or_time_are_dropped():
    frame = pd.concat([HAND, _frame([(float("nan"), 0, "2024-03-01")])], ignore_index=True)
    frame.loc[len(frame)] = [5.0, 5.0, pd.NaT, pd.NaT]
    result = knox_test(frame, distance_bands=[0, 100, 200], time_bands=[0, 7, 14], permutations=9, seed=1)
    assert (result.n_events, result.dropped) == (7, 2)
    assert _cells(result) == {(0, 0): 3, (0, 7): 2, (100, 0): 3, (100, 7): 2}
