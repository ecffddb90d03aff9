"""The real public files in ../shared/data/real."""

from __future__ import annotations

import pandas as pd

from geo.areas import read_areas_report
from geo.dataset import read_areas
from geo.importer import import_incidents


def test_vancouver_privacy_rows_kept_without_position_blanks_rejected(real_data):
    import pytest

    from core.errors import InputError

    path = real_data / "vancouver" / "crimedata_csv_AllNeighbourhoods_2024.csv"
    with pytest.raises(InputError) as error:
        import_incidents(path, crs="EPSG:26910", work_crs="EPSG:26910")
    assert "koordinat saknas" in str(error.value)  # the ten collisions with blank X and Y
    result = import_incidents(path, crs="EPSG:26910", work_crs="EPSG:26910", skip_invalid=True)
    raw = pd.read_csv(path)
    zero = int(((raw["X"] == 0) & (raw["Y"] == 0)).sum())
    assert (zero, int(raw["X"].isna().sum())) == (3752, 10)
    assert result.report.rows_read == len(raw) == 33749
    assert (result.report.rows_written, result.report.rows_rejected) == (33749 - 10, 10)
    # The privacy rows (X = Y = 0) are kept for the counts and times, with no position.
    precision = result.frame["position_precision"].astype(str)
    assert (precision == "saknas").sum() == zero and (precision == "exakt").sum() == 33749 - 10 - zero
    assert result.frame.loc[precision == "saknas", ["x", "y"]].isna().all().all()
    assert ("3\u00a0752 händelser saknar position (X = Y = 0, positionen saknas eller är skyddad); de räknas i antal "
            "och tider men inte på kartan, platser, hotspots, täthet eller områden.") in result.report.lines()
    assert result.frame.attrs["crs"] == "EPSG:26910"
    assert {"HUNDRED_BLOCK", "NEIGHBOURHOOD"} <= set(result.report.columns_dropped)
    first = raw.iloc[0]
    assert result.frame["occurred_from"].iloc[0] == pd.Timestamp(
        int(first.YEAR), int(first.MONTH), int(first.DAY), int(first.HOUR), int(first.MINUTE))


def test_malmo_delomraden_as_areas(real_data):
    areas, report = read_areas_report(real_data / "sweden" / "malmo_delomraden_epsg3008.geojson")
    assert len(areas) == 136 and areas.crs.to_epsg() == 3006
    assert report.crs_found == "EPSG:3008"
    assert report.columns_used == {"area_id": "do_kod", "name": "delomrade"}
    minx, miny, maxx, maxy = areas.total_bounds
    assert 360_000 < minx < maxx < 390_000 and 6_150_000 < miny < maxy < 6_170_000
    wgs = read_areas(real_data / "sweden" / "malmo_delomraden_wgs84.geojson")
    assert abs(wgs.total_bounds - areas.total_bounds).max() < 1.0


def test_polisen_events(real_data):
    # The feed's event types, title times and centroids in detail: tests/geo/test_police_feed.py.
    result = import_incidents(real_data / "sweden" / "polisen_events_2023-2026.csv.gz", source_value="polis")
    report = result.report
    assert report.rows_read == 84530 and report.rows_written == 84530 - 14556  # summaries left out
    assert {"summary", "url", "location_name"} <= set(report.columns_dropped)
    assert not any("Övrigt" in w for w in result.warnings)
    assert result.frame["occurred_from"].notna().all()
    assert result.frame["x"].between(200_000, 1_000_000).all()
