"""Incidents without a working CRS are an error the user reads, never drawn or counted as SWEREF 99 TM."""

from __future__ import annotations

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import InputError
from dashboard.components.maps import MapLayers, build_map
from store.datasets import create_dataset
from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")
MESSAGE = 'Händelserna saknar koordinatsystem (attrs["crs"])'


@pytest.fixture()
def incidents_without_crs(tmp_path, monkeypatch):
    """Every dataset the app loads comes back with incidents that lost ``attrs["crs"]`` on the way."""
    import dashboard.loaders as loaders

    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    original = loaders.load_dataset

    def load_without_crs(dataset):
        active = original(dataset)
        incidents = active.incidents.copy()
        incidents.attrs = {}  # as after a pd.concat or merge that drops attrs
        return dataclasses.replace(active, incidents=incidents)

    # app.py imports load_dataset from dashboard.loaders each time AppTest runs it.
    monkeypatch.setattr(loaders, "load_dataset", load_without_crs)


@pytest.mark.parametrize(("page", "title"), [("map.py", "Karta"), ("problem.py", "Problembild"),
                                             ("followup.py", "Uppföljning")])
def test_page_with_incidents_without_crs_says_so(incidents_without_crs, page, title):
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page(f"pages/{page}").run()
    assert not at.exception, [e.message for e in at.exception]
    errors = [e.value for e in at.error]
    assert any(error.startswith(MESSAGE) for error in errors), errors
    # The page stopped at the CRS: no map, no PNG of it, no "Något gick fel" with a reference.
    assert not any("Något gick fel" in error for error in errors), errors
    assert not [b for b in at.button if b.label == "Skapa kartbild (PNG)"]


def test_map_builder_refuses_layers_without_crs():
    with pytest.raises(InputError, match="saknar koordinatsystem"):
        build_map(MapLayers(), (16.0, 59.0, 16.1, 59.1))


def test_a_new_dataset_has_no_crs_until_a_file_says(tmp_path):
    assert create_dataset(tmp_path, "Polisens export").crs is None
    assert create_dataset(tmp_path, "Lokal zon", crs="EPSG:3008").crs == "EPSG:3008"
