"""Micro-place layers keep their kind and radius through the area reader."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from core.errors import InputError
from geo.areas import read_areas_report


def test_named_places_keep_kind_and_radius(tmp_path):
    path = tmp_path / "platser.geojson"
    gpd.GeoDataFrame(
        {"id": ["P1", "P2"], "namn": ["Busstorget", "Krogen F"], "typ": ["hållplats", "krog"], "radie": [None, 60]},
        geometry=[shapely.box(589000, 6545000, 589100, 6545080), shapely.Point(589500, 6545200)],
        crs="EPSG:3006",
    ).to_file(path)
    places, report = read_areas_report(path)
    assert places["kind"].tolist() == ["hållplats", "krog"]
    assert places["radius_m"].iloc[1] == 60 and places["radius_m"].isna().iloc[0]
    assert report.columns_dropped == []


def test_negative_radius_is_refused_naming_the_row(tmp_path):
    path = tmp_path / "platser.geojson"
    gpd.GeoDataFrame({"id": ["P1"], "radius_m": [-5]}, geometry=[shapely.Point(589500, 6545200)],
                     crs="EPSG:3006").to_file(path)
    with pytest.raises(InputError, match="radien") as error:
        read_areas_report(path)
    assert "radius_m" in str(error.value) and "rad 1" in str(error.value)
