"""Hot-spot clusters and pin titles on a hand-made grid, checked against areas and counts worked by hand."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from analysis.clusters import cluster_of, hotspot_clusters, place_title

SIZE = 100.0
X0, Y0 = 589_800.0, 6_545_000.0


def _cell(col: int, row: int, count: int, klass: str) -> dict:
    x, y = X0 + col * SIZE, Y0 + row * SIZE
    return {"cell_id": f"100m_E{x:.0f}_N{y:.0f}", "count": count, "gi_z": 3.0 if klass.startswith("hot") else -3.0,
            "class": klass, "geometry": shapely.box(x, y, x + SIZE, y + SIZE)}


@pytest.fixture()
def grid() -> gpd.GeoDataFrame:
    # Row 0: hot hot . . hot(isolated) ; row 1: . . hot(touches (1,0) at a corner) ; a cold cell next to
    # the first hot cell is of the other sign, and "none" cells are never part of a cluster.
    cells = [
        _cell(0, 0, 40, "hot99"), _cell(1, 0, 30, "hot95"), _cell(2, 1, 10, "hot90"),
        _cell(5, 0, 12, "hot95"),
        _cell(0, 1, 0, "cold95"),
        _cell(3, 0, 25, "none"), _cell(1, 1, 20, "none"),
    ]
    return gpd.GeoDataFrame(cells, geometry="geometry", crs="EPSG:3006")


def test_three_touching_hot_cells_and_one_alone_are_two_hot_clusters(grid):
    clusters = hotspot_clusters(grid)
    hot = clusters[clusters["sign"] == "hot"]
    # By hand: cells (0,0)+(1,0)+(2,1) = 40+30+10 = 80 incidents, 3 × 100 m × 100 m = 30,000 m²;
    # the cell at column 5 alone: 12 incidents, 10,000 m².
    assert hot["cells"].tolist() == [3, 1]
    assert hot["incidents"].tolist() == [80, 12]
    assert hot.geometry.area.tolist() == pytest.approx([30_000.0, 10_000.0])
    assert hot["cluster_id"].tolist() == [1, 2]
    assert set(hot.iloc[0]["cell_ids"]) == {"100m_E589800_N6545000", "100m_E589900_N6545000",
                                            "100m_E590000_N6545100"}
    # The cold cell beside the first hot cell is a cluster of its own (another sign).
    cold = clusters[clusters["sign"] == "cold"]
    assert cold["cells"].tolist() == [1] and cold["incidents"].tolist() == [0]
    assert len(clusters) == 3


def test_the_cluster_of_a_clicked_cell(grid):
    clusters = hotspot_clusters(grid)
    assert cluster_of(clusters, "100m_E590000_N6545100")["incidents"] == 80
    assert cluster_of(clusters, "100m_E590100_N6545000") is None  # a "none" cell


def test_no_significant_cell_gives_no_cluster(grid):
    assert hotspot_clusters(grid[grid["class"] == "none"]).empty


def test_cells_of_different_sizes_are_refused(grid):
    mixed = pd.concat([grid, gpd.GeoDataFrame([{**_cell(9, 9, 5, "hot99"),
                                                "geometry": shapely.box(0, 0, 50, 50)}], crs="EPSG:3006")])
    with pytest.raises(ValueError, match="lika stora kvadrater"):
        hotspot_clusters(mixed)


def _incidents(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"category": [c for c, _ in rows], "occurred_from": pd.to_datetime([w for _, w in rows])})


# Tuesday 4 and Wednesday 5 March 2025: weekdays, no weekend lean.
LATE_VIOLENCE = _incidents([("Misshandel utomhus", "2025-03-04 22:10"), ("Olaga hot", "2025-03-04 23:30"),
                            ("Misshandel utomhus", "2025-03-05 01:00"), ("Misshandel inomhus", "2025-03-05 03:00"),
                            ("Misshandel utomhus", "2025-03-05 14:00")])


def test_title_names_the_place_the_group_and_the_time():
    places = gpd.GeoDataFrame({"name": ["Stortorget", "Järnvägsgatan"], "radius_m": [float("nan")] * 2},
                              geometry=[shapely.box(0, 0, 200, 200), shapely.LineString([(-500, 5000), (500, 5000)])])
    # 4 of 5 are violence (Brott mot liv och hälsa); evening 2/5 + night 2/5 = 0.8 of the hours.
    title = place_title(shapely.box(50, 50, 150, 150), LATE_VIOLENCE, places=places)
    assert title == "Stortorget – våld kvällar och nätter"
    assert "Ruta" not in title
    assert place_title(shapely.box(50, 50, 150, 150), LATE_VIOLENCE, places=places, lang="en") == \
        "Stortorget – violence in the evenings and at night"


def test_title_falls_back_to_the_district_and_says_weekends():
    districts = gpd.GeoDataFrame({"name": ["Norr", "Centrum"]},
                                 geometry=[shapely.box(0, 1000, 1000, 2000), shapely.box(0, 0, 1000, 1000)])
    # Saturday 8 March 2025 midday: three bicycle thefts, all at the weekend, in the daytime.
    thefts = _incidents([("Cykelstöld", "2025-03-08 12:00")] * 3)
    assert place_title(shapely.box(100, 100, 200, 200), thefts, districts=districts) == \
        "Centrum – stölder dagtid på helger"


def test_title_leaves_out_what_is_not_true_of_most():
    mixed = _incidents([("Klotter", "2025-03-04 08:00"), ("Cykelstöld", "2025-03-04 13:00"),
                        ("Olaga hot", "2025-03-04 20:00"), ("Bedrägeri", "2025-03-05 02:00")])
    # Four groups of a quarter each; day 2/4, evening and night 2/4: no part reaches its share.
    places = gpd.GeoDataFrame({"name": ["Torget"]}, geometry=[shapely.Point(0, 0)])
    assert place_title(shapely.box(0, 0, 10, 10), mixed, places=places) == "Torget"
    assert place_title(shapely.box(0, 0, 10, 10), mixed, fallback="Hot spot-kluster") == "Hot spot-kluster"


def test_title_names_the_place_with_most_incidents_first():
    # A big park grazed by the cluster and a small square where the incidents are: the square first.
    places = gpd.GeoDataFrame({"name": ["Stadsparken", "Lilla torget"]},
                              geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 1050, 50)])
    cluster = shapely.box(900, 0, 1100, 100)  # 10,000 m² of the park, 2,500 m² of the square
    incidents = _incidents([("Klotter", "2025-03-04 12:00")] * 3).assign(x=[1010.0, 1020.0, 950.0],
                                                                        y=[10.0, 20.0, 50.0])
    assert place_title(cluster, incidents, places=places) == "Lilla torget och Stadsparken – skadegörelse dagtid"
