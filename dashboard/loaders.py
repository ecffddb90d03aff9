"""Cached loaders for the active dataset. Caching lives here, in the dashboard layer.

The loaders take paths and modification times (primitives), so a file replaced on disk
is read again. The incident table is cached with ``st.cache_resource``: ``st.cache_data``
would copy a million rows on every run (about a second), so it is shared read-only
instead — pages only ever derive new frames from it, never change it in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from core.config import load_config
from geo.assign import assign_areas
from geo.dataset import read_areas, read_incidents, read_survey
from store.datasets import Dataset, active_dataset


def _mtime(path: Path | None) -> float:
    return path.stat().st_mtime if path is not None and path.exists() else 0.0


@st.cache_data(show_spinner=False, max_entries=8)
def _areas(path: str, mtime: float) -> gpd.GeoDataFrame:
    return read_areas(path)


@st.cache_data(show_spinner=False, max_entries=8)
def _layer(path: str, mtime: float) -> gpd.GeoDataFrame:
    return gpd.read_file(path, engine="pyogrio")


@st.cache_resource(show_spinner="Läser in händelser …", max_entries=2)
def _incidents(path: str, mtime: float, districts_path: str | None, districts_mtime: float) -> pd.DataFrame:
    # The opaque ids are not shown anywhere in the dashboard; leaving them out saves memory and time.
    incidents = read_incidents(path).drop(columns="id")
    if districts_path:
        districts = _areas(districts_path, districts_mtime)
        position = assign_areas(incidents["x"].to_numpy(), incidents["y"].to_numpy(), districts)
        ids = districts["area_id"].astype(str).to_numpy()
        # area ids are unique within a layer (checked by read_areas); -1 codes become missing
        incidents["district"] = pd.Categorical.from_codes(position, categories=ids)
    else:
        incidents["district"] = pd.Categorical([None] * len(incidents))
    return incidents


@st.cache_data(show_spinner=False, max_entries=4)
def data_quality_for(path: str, mtime: float, districts_path: str | None, districts_mtime: float):
    """The "what data is loaded" summary of a dataset (computed once per file version)."""
    from analysis.overview import data_quality

    return data_quality(_incidents(path, mtime, districts_path, districts_mtime))


@st.cache_data(show_spinner=False, max_entries=4)
def _background_geojson(path: str, mtime: float, crs: str) -> dict:
    from dashboard.components.maps import background_geojson

    return background_geojson(_layer(path, mtime), crs)


@st.cache_data(show_spinner=False, max_entries=8)
def _survey(path: str, mtime: float) -> pd.DataFrame:
    return read_survey(path)


@dataclass(frozen=True)
class ActiveData:
    """The active dataset's frames, as the pages use them."""

    dataset: Dataset
    incidents: pd.DataFrame
    districts: gpd.GeoDataFrame | None
    places: gpd.GeoDataFrame | None
    streets: gpd.GeoDataFrame | None
    background: gpd.GeoDataFrame | None
    survey: pd.DataFrame | None

    def background_geojson(self) -> dict | None:
        """The background layers as WGS 84 GeoJSON for the map (converted once per file version)."""
        path = self.dataset.path("background")
        if path is None:
            return None
        return _background_geojson(str(path), _mtime(path), self.incidents.attrs.get("crs", "EPSG:3006"))

    def data_quality(self):
        """The cached data-quality summary of the active incidents."""
        incidents, districts = self.dataset.path("incidents"), self.dataset.path("districts")
        return data_quality_for(str(incidents), _mtime(incidents), str(districts) if districts else None,
                                _mtime(districts))


def load_active() -> ActiveData:
    """Load the active dataset of the data directory (the Exempelstad sample by default)."""
    dataset = active_dataset(load_config().data_directory)
    districts_path = dataset.path("districts")

    def layer(role: str) -> gpd.GeoDataFrame | None:
        path = dataset.path(role)
        return _layer(str(path), _mtime(path)) if path else None

    survey_path = dataset.path("survey")
    return ActiveData(
        dataset=dataset,
        incidents=_incidents(str(dataset.path("incidents")), _mtime(dataset.path("incidents")),
                             str(districts_path) if districts_path else None, _mtime(districts_path)),
        districts=_areas(str(districts_path), _mtime(districts_path)) if districts_path else None,
        places=layer("places"),
        streets=layer("streets"),
        background=layer("background"),
        survey=_survey(str(survey_path), _mtime(survey_path)) if survey_path else None,
    )


@st.cache_resource(show_spinner=False)
def _problem_store(url: str):
    from store.problem_store import open_store

    return open_store(url)


def problem_store():
    """The problem-picture store: ``[database] url`` in samsyn.toml, else SQLite in the data directory."""
    config = load_config()
    if config.database_url:
        return _problem_store(config.database_url)
    config.data_directory.mkdir(parents=True, exist_ok=True)
    return _problem_store(str(config.data_directory / "problembild.db"))
