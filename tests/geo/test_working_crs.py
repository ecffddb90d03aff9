"""The working CRS travels with the data: readers set it, consumers refuse a frame without one."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from core.errors import InputError
from geo.crs import frame_crs
from geo.dataset import incident_frame, is_samsyn_parquet, load_incidents, read_incidents, write_incidents
from geo.grid import grid_for_extent
from geo.microplaces import grid_counts, hex_counts, place_counts
from tests.geo.helpers import X3006, Y3006


def _incidents(crs: str | None) -> pd.DataFrame:
    frame = pd.DataFrame({
        "id": ["a", "b"],
        "category": ["Klotter", "Cykelstöld"],
        "occurred_from": pd.to_datetime(["2024-03-05 14:30", "2024-03-06 09:00"]),
        "x": X3006[:2],
        "y": Y3006[:2],
        "source": ["polis", "kommun"],
        "place_type": ["utomhus", "utomhus"],
    })
    return incident_frame(frame, crs=crs) if crs else frame


def test_a_frame_without_crs_is_refused_with_a_swedish_message():
    with pytest.raises(InputError, match="saknar koordinatsystem") as caught:
        frame_crs(pd.DataFrame({"x": [1.0], "y": [2.0]}), path="händelser.csv")
    assert "händelser.csv" in str(caught.value)


def test_a_local_zone_travels_through_write_and_read(tmp_path):
    # SWEREF 99 13 30 (EPSG:3008): the town's own zone, not the national SWEREF 99 TM.
    out = tmp_path / "incidents.parquet"
    write_incidents(_incidents("EPSG:3008"), out)
    assert read_incidents(out).attrs["crs"] == "EPSG:3008"
    assert load_incidents(out).attrs["crs"] == "EPSG:3008"


def test_writing_incidents_without_crs_is_refused(tmp_path):
    frame = _incidents(None)
    with pytest.raises(InputError, match="saknar koordinatsystem"):
        write_incidents(frame, tmp_path / "incidents.parquet")
    assert not (tmp_path / "incidents.parquet").exists()


def test_parquet_without_crs_is_not_read_as_sweref(tmp_path):
    # The canonical columns but no GeoParquet metadata: read_incidents refuses it, and
    # load_incidents hands it to the importer, which recognises SWEREF 99 TM from the numbers.
    path = tmp_path / "plain.parquet"
    pq.write_table(pa.Table.from_pandas(_incidents(None), preserve_index=False), path)
    assert not is_samsyn_parquet(path)
    with pytest.raises(InputError, match="inget koordinatsystem"):
        read_incidents(path)
    loaded = load_incidents(path)
    assert loaded.attrs["crs"] == "EPSG:3006"
    assert np.allclose(loaded["x"].to_numpy(), X3006[:2], atol=0.01)


def test_counting_places_needs_the_crs():
    places = gpd.GeoDataFrame({"area_id": ["torget"]}, geometry=[shapely.box(X3006[0] - 10, Y3006[0] - 10,
                                                                             X3006[0] + 10, Y3006[0] + 10)],
                              crs="EPSG:3006")
    with pytest.raises(InputError, match="saknar koordinatsystem"):
        place_counts(_incidents(None), places)
    assert place_counts(_incidents("EPSG:3006"), places)["count"].tolist() == [1]


def test_grid_and_hexagon_geometry_needs_a_crs():
    x, y = np.array([5.0, 7.0, 250.0]), np.array([5.0, 9.0, 5.0])
    with pytest.raises(ValueError, match="koordinatsystem"):
        grid_counts(x, y, 100)
    with pytest.raises(ValueError, match="koordinatsystem"):
        hex_counts(x, y, 100)
    with pytest.raises(ValueError, match="koordinatsystem"):
        grid_for_extent(0, 0, 250, 10, 100).frame()
    # Counting alone needs none: two points in the first square, one in the third.
    assert grid_for_extent(0, 0, 250, 10, 100).counts(x, y).tolist() == [2, 0, 1]
    cells = grid_counts(x, y, 100, crs="EPSG:3008")
    assert cells.crs.to_epsg() == 3008 and cells["count"].tolist() == [2, 1]


def test_hotspot_study_area_in_another_crs_is_reprojected():
    # A 300 m square study area given in WGS84 while the incidents are in SWEREF 99 TM:
    # the grid must cover the square (3 × 3 cells of 100 m), not degrees.
    from analysis.hotspots import hotspots

    square = shapely.box(600_000, 6_600_000, 600_300, 6_600_300)
    area = gpd.GeoDataFrame(geometry=[square], crs="EPSG:3006").to_crs("EPSG:4326")
    incidents = pd.DataFrame({"x": [600_050.0, 600_150.0, 600_250.0], "y": [6_600_050.0, 6_600_150.0, 6_600_250.0]})
    incidents.attrs["crs"] = "EPSG:3006"
    cells = hotspots(incidents, cell=100, extent=area)
    assert int(cells["count"].sum()) == 3
    assert 9 <= len(cells) <= 16  # the reprojected square's edges are no longer exactly on the grid lines
