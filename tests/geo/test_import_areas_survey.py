"""--kind areas and --kind survey: recognition and validation."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Polygon, box

from core.errors import InputError
from geo.areas import read_areas_report
from geo.dataset import read_areas, read_survey
from geo.model import SURVEY_COLUMNS
from tests.geo.helpers import write_text


def districts(tmp_path, geometries, ids, name="d.gpkg"):
    frame = gpd.GeoDataFrame({"deso": ids, "namn": [f"Område {i}" for i in ids], "befolkning": [1200, 900][: len(ids)]
                              + [0] * max(0, len(ids) - 2)}, geometry=geometries, crs="EPSG:3006")
    path = tmp_path / name
    frame.to_file(path)
    return path


def test_areas_columns_guessed(tmp_path):
    path = districts(tmp_path, [box(370000, 6160000, 371000, 6161000), box(371000, 6160000, 372000, 6161000)],
                     ["1280A0010", "1280A0020"])
    areas = read_areas(path)
    assert list(areas.columns) == ["area_id", "name", "population", "parent", "geometry"]
    assert areas["area_id"].tolist() == ["1280A0010", "1280A0020"]
    assert areas["population"].tolist() == [1200.0, 900.0]
    assert areas.crs.to_epsg() == 3006 and areas.attrs["crs"] == "EPSG:3006"


def test_areas_invalid_geometry_repaired_with_warning(tmp_path):
    bowtie = Polygon([(370000, 6160000), (371000, 6161000), (371000, 6160000), (370000, 6161000)])
    path = districts(tmp_path, [bowtie, box(371000, 6160000, 372000, 6161000)], ["a", "b"])
    areas, report = read_areas_report(path)
    assert areas.geometry.is_valid.all()
    assert any("make_valid" in w for w in report.warnings)


def test_areas_duplicate_ids_refused(tmp_path):
    path = districts(tmp_path, [box(370000, 6160000, 371000, 6161000)] * 3, ["a", "b", "a"])
    with pytest.raises(InputError) as error:
        read_areas(path)
    assert "rader 1, 3" in str(error.value) and "deso" in str(error.value)


def test_areas_empty_geometry_refused(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},'
                    '"geometry":null}]}', encoding="utf-8")
    with pytest.raises(InputError, match="tom"):
        read_areas(path)


def test_survey_percent_converted_and_ranges_checked(tmp_path):
    rows = [["Område", "År", "Indikator", "Värde", "Enhet", "n"],
            ["0114A0010", "2024", "otrygg_kvall", "23,5", "procent", "310"],
            ["0114A0010", "2024", "index_total", "2,1", "index", "310"]]
    survey = read_survey(write_text(tmp_path / "s.csv", rows))
    assert list(survey.columns) == list(SURVEY_COLUMNS)
    assert survey["value"].tolist() == pytest.approx([0.235, 2.1])
    assert survey["unit"].tolist() == ["share", "index"]
    assert survey["n"].tolist() == [310, 310]
    rows[2][3] = "7,5"
    with pytest.raises(InputError) as error:
        read_survey(write_text(tmp_path / "bad.csv", rows))
    assert "0–6" in str(error.value) and "rad 3" in str(error.value) and "Värde" in str(error.value)


def test_survey_negative_n_refused(tmp_path):
    rows = [["area_id", "year", "indicator", "value", "unit", "direction", "n"],
            ["A", "2024", "x", "0.2", "share", "higher_better", "-3"]]
    with pytest.raises(InputError, match="n"):
        read_survey(write_text(tmp_path / "s.csv", rows, delimiter=","))
    rows[1][6] = "300"
    survey = read_survey(write_text(tmp_path / "s.csv", rows, delimiter=","))
    assert survey["direction"].iloc[0] == "higher_better" and np.isnan(survey["ci_low"].iloc[0])
