"""Robustness of a pinned place's hot-spot status, on planted data whose answer is known by hand.

The town is a 2 × 2 km square with one incident at the centre of every 50 m cell in every
quarter (1,600 a quarter): a perfectly even background, so no cell is hot on its own. A cluster
of 200 incidents a quarter (in the quarters a test chooses) is planted evenly inside one 100 m cell, ``[1000, 1100] × [1000, 1100]``. That
cell is aligned with the 50, 100 and 200 m grids (cells lie on multiples of their size), so the
place's 10,000 m² lie wholly in hot cells at every size: four 50 m cells, one 100 m cell, and a
quarter of the 200 m cell ``[1000, 1200]²`` — a hot share of exactly 1.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from analysis.problem_numbers import Place
from analysis.robustness import Robustness, equal_periods, hot_share, place_robustness, steps_text

X0, Y0 = 600_000.0, 6_500_000.0
QUARTERS = [("2025-01-01", "2025-03-31"), ("2025-04-01", "2025-06-30"), ("2025-07-01", "2025-09-30"),
            ("2025-10-01", "2025-12-31")]


def _box(x0: float, y0: float, x1: float, y1: float) -> str:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1).wkt


PLACE = Place(_box(1000, 1000, 1100, 1100), ["Inbrott"], title="Planterade rutan")


def _spread(start: str, end: str, count: int) -> pd.DatetimeIndex:
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
    return pd.Timestamp(start) + pd.to_timedelta(np.arange(count) * days // count, unit="D") + pd.Timedelta(hours=20)


def _town(cluster_quarters: list[int], cluster_size: int = 200, *, shuffled: bool = False) -> pd.DataFrame:
    centres = np.arange(25.0, 2000.0, 50.0)
    gx, gy = np.meshgrid(centres, centres)
    frames = []
    rng = np.random.default_rng(7)
    for start, end in QUARTERS:
        when = _spread(start, end, gx.size)
        if shuffled:  # every week's background spread over the town, not row by row (for weekly steps)
            when = pd.DatetimeIndex(rng.permutation(when.to_numpy()))
        frames.append(pd.DataFrame({"x": X0 + gx.ravel(), "y": Y0 + gy.ravel(), "occurred_from": when}))
    for quarter in cluster_quarters:
        # 200 incidents on a 10 × 10 lattice (two each) strictly inside the planted cell.
        inner = np.arange(1005.0, 1100.0, 10.0)
        cx, cy = np.meshgrid(inner, inner)
        xs, ys = np.tile(cx.ravel(), cluster_size // 100), np.tile(cy.ravel(), cluster_size // 100)
        frames.append(pd.DataFrame({"x": X0 + xs, "y": Y0 + ys, "occurred_from": _spread(*QUARTERS[quarter],
                                                                                            len(xs))}))
    frame = pd.concat(frames, ignore_index=True)
    frame["category"] = "Inbrott"
    frame["occurred_to"] = frame["occurred_from"] + pd.Timedelta(hours=1)
    frame.attrs["crs"] = "EPSG:3006"
    return frame


@pytest.fixture(scope="module")
def persistent():
    return place_robustness(_town([0, 1, 2, 3]), PLACE, "2025-01-01", "2025-12-31")


@pytest.fixture(scope="module")
def one_quarter():
    return place_robustness(_town([1]), PLACE, "2025-01-01", "2025-12-31")


def test_persistent_cluster_is_hot_at_every_size_and_quarter(persistent):
    # The place is wholly in hot cells at each size (see the module notes): share 1.0 each.
    assert persistent.sizes["cell"].tolist() == [50.0, 100.0, 200.0]
    assert persistent.sizes["hot_share"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    # Each quarter: 200 planted + the background's 4 incidents in the cell (one per 50 m cell) = 204.
    assert persistent.periods["incidents"].tolist() == [204, 204, 204, 204]
    assert persistent.incidents == 816
    assert persistent.periods["hot_share"].tolist() == pytest.approx([1.0] * 4)
    assert persistent.overlap == pytest.approx(1.0)
    assert persistent.verdict == "stabil"
    assert persistent.sentence() == ("Platsen är het vid alla tre rutstorlekar och i alla fyra kvartal – "
                                     "ett stabilt mönster.")
    assert persistent.sentence("en") == "The place is hot at all three cell sizes and in all four quarters – " \
                                        "a stable pattern."
    assert persistent.overlap_sentence() == ("Den del av platsen som är het vid alla rutstorlekar och i alla kvartal "
                                             "är 100\u00a0% av den del som är het vid någon av dem.")


def test_cluster_in_one_quarter_is_unstable(one_quarter):
    # Over the year the 200 planted incidents still make the cell hot at every size.
    assert one_quarter.sizes["hot_share"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    # Q2: 200 planted + 4 = 204; the other quarters only the even background (4): no variation, nothing hot.
    assert one_quarter.periods["incidents"].tolist() == [4, 204, 4, 4]
    assert one_quarter.periods["hot"].tolist() == [False, True, False, False]
    assert one_quarter.periods["hot_share"].tolist() == pytest.approx([0.0, 1.0, 0.0, 0.0])
    # Hot in every setting: nothing (Q1 has no hot cell); hot in some: the whole place → 0 / 10,000 m² = 0.
    assert one_quarter.overlap == pytest.approx(0.0)
    assert one_quarter.verdict == "instabil"  # min(3/3, 1/4) = 0.25 < 0.5
    assert one_quarter.sentence() == ("Platsen är het vid alla tre rutstorlekar och i 1 av 4 kvartal – ett instabilt "
                                      "mönster; läs det med försiktighet.")
    assert one_quarter.sentence("en") == ("The place is hot at all three cell sizes and in 1 of 4 quarters – an "
                                          "unstable pattern; read it with caution.")
    assert one_quarter.overlap_sentence("en") == ("The part of the place that is hot at every cell size and in every "
                                                  "one of the quarters is 0% of the part that is hot at any of them.")


def test_three_quarters_is_stable_as_the_workshop_reads_it():
    result = place_robustness(_town([0, 1, 2]), PLACE, "2025-01-01", "2025-12-31")
    assert result.periods["hot"].tolist() == [True, True, True, False]
    assert result.sentence() == "Platsen är het vid alla tre rutstorlekar och i 3 av 4 kvartal – ett stabilt mönster."


def test_two_halves_name_half_years_and_a_quiet_place_has_nothing_to_assess():
    town = _town([0, 1, 2, 3])
    halves = place_robustness(town, PLACE, "2025-01-01", "2025-12-31", n_periods=2)
    # Each half: 2 × 204 = 408 at the place.
    assert halves.periods["incidents"].tolist() == [408, 408]
    assert halves.sentence() == "Platsen är het vid alla tre rutstorlekar och i alla två halvår – ett stabilt mönster."
    quiet = place_robustness(town, Place(_box(200, 200, 300, 300), ["Inbrott"]), "2025-01-01", "2025-12-31")
    # Four background incidents per quarter and a Gi* z below 0 (the cluster raises the mean): never hot.
    assert quiet.sizes["hot_share"].tolist() == pytest.approx([0.0, 0.0, 0.0])
    assert quiet.verdict == "ingen"
    assert np.isnan(quiet.overlap)
    assert quiet.sentence() == ("Platsen är inte het vid någon av rutstorlekarna (50, 100 och 200 m) och inte i "
                                "något av de fyra kvartal – det finns inget mönster av hot spot att bedöma.")


def test_other_categories_do_not_make_the_place_hot():
    town = _town([0, 1, 2, 3])
    result = place_robustness(town, Place(PLACE.geometry_wkt, ["Klotter"]), "2025-01-01", "2025-12-31")
    assert result.incidents == 0
    assert result.verdict == "ingen"


def test_hot_share_of_a_place_over_a_cell_edge_and_of_a_pinned_point():
    cells = gpd.GeoDataFrame({"p_fdr": [0.001, 0.2, 0.04], "gi_z": [4.0, 1.0, -3.0]},
                             geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100),
                                       shapely.box(0, 100, 100, 200)])
    # 30 of the place's 100 m width lie in the hot cell (0–100); the not-significant and the cold cell count nothing.
    assert hot_share(cells, shapely.box(70, 0, 170, 100)) == pytest.approx(0.30)
    # A place half in the hot cell and half in the cold one: 0.5.
    assert hot_share(cells, shapely.box(0, 50, 100, 150)) == pytest.approx(0.5)
    # At the 90 % level the second cell (p_fdr 0.2) is still not hot.
    assert hot_share(cells, shapely.box(70, 0, 170, 100), level=0.10) == pytest.approx(0.30)


def test_equal_periods_in_months_when_they_divide_and_in_days_otherwise():
    assert equal_periods("2025-01-01", "2025-12-31", 4) == [
        (date(2025, 1, 1), date(2025, 3, 31)), (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)), (date(2025, 10, 1), date(2025, 12, 31))]
    assert equal_periods("2024-07-01", "2025-06-30", 2) == [(date(2024, 7, 1), date(2024, 12, 31)),
                                                           (date(2025, 1, 1), date(2025, 6, 30))]
    # 1 March – 15 April is 46 days: 23 + 23.
    assert equal_periods("2025-03-01", "2025-04-15", 2) == [(date(2025, 3, 1), date(2025, 3, 23)),
                                                           (date(2025, 3, 24), date(2025, 4, 15))]
    with pytest.raises(ValueError, match="före"):
        equal_periods("2025-02-01", "2025-01-01", 2)


def test_steps_sentence_same_class_and_a_flip():
    same = pd.DataFrame({"step": ["week", "month", "quarter"], "pattern": ["persistent_hot"] * 3,
                         "label": ["ihållande het punkt"] * 3, "share": [1.0, 1.0, 1.0]})
    assert steps_text(same) == "Mönstret är detsamma vid alla tidssteg: ihållande het punkt per vecka, månad och kvartal."
    flip = pd.DataFrame({"step": ["week", "month"], "pattern": ["new_hot", "sporadic_hot"],
                         "label": ["new hot spot", "sporadic hot spot"], "share": [1.0, 1.0]})
    assert steps_text(flip, lang="en") == ("The pattern changes class with the time step (new hot spot by week, "
                                           "sporadic hot spot by month) – read the class with caution.")
    assert steps_text(pd.DataFrame()) == ""


def test_table_masks_small_counts_below_the_owners_level(one_quarter):
    from core.disclosure import View

    joint = View(True, False, "gemensam")
    table = one_quarter.frame(view=joint)
    periods = table[table["aspect"] == "period"]
    # Counts of 4 stay (min_count is 3); the full table has the sizes, the quarters and no time steps.
    assert periods["incidents"].tolist() == [4, 204, 4, 4]
    assert table["aspect"].tolist() == ["rutstorlek"] * 3 + ["period"] * 4
    assert periods["setting"].iloc[0] == "1 januari 2025 – 31 mars 2025"
    # A part of the period with 2 incidents at the place: ".." below the owner's level, 2 in the owner's view.
    small = Robustness(one_quarter.sizes, pd.DataFrame({"start": [date(2025, 1, 1), date(2025, 7, 1)],
                                                        "end": [date(2025, 6, 30), date(2025, 12, 31)],
                                                        "incidents": [2, 5], "hot_share": [0.0, 1.0],
                                                        "hot": [False, True]}),
                       pd.DataFrame(columns=["step", "pattern", "label", "share"]), 0.0, 7,
                       (date(2025, 1, 1), date(2025, 12, 31)), part_months=6)
    assert small.frame(view=joint).loc[3:, "incidents"].tolist() == ["..", 5]
    assert small.frame().loc[3:, "incidents"].tolist() == [2, 5]
    assert small.frame(view=joint).loc[0, "incidents"] == 7


def test_a_cluster_of_the_last_quarter_changes_class_with_the_time_step():
    # ArcGIS's definitions: by quarter the cell is hot only in the final step, never before → new;
    # by week and by month it is hot in an unbroken run of the final steps (October–December, 3 of 12
    # months, under 90 %), never before → consecutive.
    pytest.importorskip("analysis.emerging")  # built beside this module; until it lands, no time steps
    result = place_robustness(_town([3], shuffled=True), PLACE, "2025-01-01", "2025-12-31",
                              steps=("week", "month", "quarter"))
    assert result.steps["pattern"].tolist() == ["consecutive_hot", "consecutive_hot", "new_hot"]
    assert result.steps["share"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert result.steps_sentence() == ("Mönstret byter klass med tidssteget (sammanhängande het punkt per vecka och "
                                       "månad, ny het punkt per kvartal) – läs klassen med försiktighet.")
    assert result.steps_sentence("en") == ("The pattern changes class with the time step (consecutive hot spot by "
                                           "week and month, new hot spot by quarter) – read the class with caution.")
    table = result.frame()
    assert table.loc[table["aspect"] == "tidssteg", "setting"].tolist() == ["vecka", "månad", "kvartal"]


def test_a_sample_cluster_whose_overlay_once_failed_reads_its_shares():
    """Misshandel utomhus 2025 in the sample: the 7-cell hot cluster at (588600–588900, 6543900–6544200).

    GEOS's floating overlay of its seven hot areas (the 50/100/200 m grids and four quarters, two of them
    empty) stopped with "Unable to determine overlay result", and Karta's pin form with it (seen in the
    30-session load test). By hand: 4 of its 7 cells (40 000 of 70 000 m²) are hot at 50 and at 100 m,
    none at 200 m, so nothing is hot in every setting and the overlap is 0.
    """
    from analysis.clusters import hotspot_clusters
    from analysis.hotspots import hotspots
    from data.sample import paths

    incidents = pd.read_parquet(paths().incidents)
    incidents.attrs["crs"] = "EPSG:3006"
    year = incidents[(incidents["category"] == "Misshandel utomhus")
                     & (incidents["occurred_from"] >= "2025-01-01") & (incidents["occurred_from"] < "2026-01-01")]
    year.attrs["crs"] = "EPSG:3006"
    cells = hotspots(year, cell=100, extent=gpd.read_file(paths().districts))
    clusters = hotspot_clusters(cells[cells["class"].astype(str) != "none"])
    [cluster] = [g for g in clusters.geometry if g.bounds == (588600.0, 6543900.0, 588900.0, 6544200.0)]
    assert cluster.area == 70_000
    result = place_robustness(incidents, Place(cluster.wkt, ["Misshandel utomhus"]), "2025-01-01", "2025-12-31")
    assert result.sizes["hot_share"].round(4).tolist() == [round(4 / 7, 4), round(4 / 7, 4), 0.0]
    assert result.overlap == 0.0
