"""Cached loaders for the active dataset. Caching lives here, in the dashboard layer.

The loaders take paths and modification times (primitives), so a file replaced on disk
is read again, and return plain frames; nothing mutable is cached as a resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard.config import load_config
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


@st.cache_data(show_spinner="Läser in händelser …", max_entries=4)
def _incidents(path: str, mtime: float, districts_path: str | None, districts_mtime: float) -> pd.DataFrame:
    incidents = read_incidents(path)
    if districts_path:
        districts = _areas(districts_path, districts_mtime)
        position = assign_areas(incidents["x"].to_numpy(), incidents["y"].to_numpy(), districts)
        ids = districts["area_id"].astype(str).to_numpy()
        # area ids are unique within a layer (checked by read_areas); -1 codes become missing
        incidents["district"] = pd.Categorical.from_codes(position, categories=ids)
    else:
        incidents["district"] = pd.Categorical([None] * len(incidents))
    return incidents


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
