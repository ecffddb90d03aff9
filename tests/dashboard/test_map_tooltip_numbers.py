"""The numbers in Karta's tooltips in the reader's format: "4,67", "1 204", "38,2 %" — never 4.67 or 0.3819."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import streamlit as st
from shapely.geometry import box

from dashboard.components.maps import MapLayers, build_map

CRS = "EPSG:3006"
X0, Y0 = 674_000.0, 6_580_000.0


def _properties(html: str) -> list[dict]:
    """Every feature's properties in the map's GeoJSON layers."""
    found = []
    for match in re.finditer(r'"properties": (\{[^{}]*\})', html):
        found.append(json.loads(match.group(1)))
    return found


def _layers() -> MapLayers:
    hot = gpd.GeoDataFrame({"cell_id": ["100m_E674000_N6580000"], "count": [1204], "gi_z": [4.6712],
                            "class": ["hot99"]}, geometry=[box(X0, Y0, X0 + 100, Y0 + 100)], crs=CRS)
    # Survey shares as Karta passes them: 0.382 of respondents → 38.2 (percent).
    survey = gpd.GeoDataFrame({"area_id": ["D1"], "name": ["Centrum"], "value": [38.2]},
                              geometry=[box(X0, Y0, X0 + 500, Y0 + 500)], crs=CRS)
    return MapLayers(hot_cells=hot, survey=survey, survey_label="Andel otrygga (2025)", survey_percent=True,
                     crs=CRS)


def test_tooltips_in_swedish_and_english(monkeypatch):
    for english, z, count, share in ((False, "4,67", "1\xa0204", "38,2\xa0%"), (True, "4.67", "1,204", "38.2\xa0%")):
        monkeypatch.setitem(st.session_state, "english", english)
        html = build_map(_layers(), (17.0, 59.0, 17.1, 59.1)).get_root().render()
        properties = _properties(html)
        cell = next(p for p in properties if p.get("samsyn_kind") == "cell")
        assert (cell["gi_z"], cell["count"]) == (z, count)
        area = next(p for p in properties if "value_text" in p)
        assert area["value_text"] == share
