"""The dashboard's dataset belongs to the session and the address, not to a server-wide file."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from data.sample import paths
from geo.dataset import read_incidents, write_incidents
from store.datasets import create_dataset, save_role, set_default
from tests.dashboard.apptest import app as _app

SAMPLE_NAME = "Exempelstad (fiktiv ort, exempeldata)"


@pytest.fixture()
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "userdata"


@pytest.fixture()
def export_2025(data_dir) -> str:
    """A user's dataset of 500 incidents (the first 500 rows of the sample)."""
    incidents = read_incidents(paths().incidents).head(500)
    dataset = create_dataset(data_dir, "Polisens export 2025")
    save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(incidents, p))
    return dataset.id


def _shown(at: AppTest) -> tuple[str, int]:
    active = at.session_state["active"]
    return active.dataset.id, len(active.incidents)


SAMPLE_ROWS = pq.ParquetFile(paths().incidents).metadata.num_rows  # counted by pyarrow, not by Samsyn


def test_two_sessions_show_different_datasets(export_2025, data_dir):
    first = _app(dataset=export_2025).run()
    second = _app().run()
    assert not first.exception and not second.exception
    assert _shown(first) == (export_2025, 500)
    assert _shown(second) == ("exempelstad", SAMPLE_ROWS)
    assert any("Polisens export 2025" in c.value for c in first.sidebar.caption)
    assert first.query_params["dataset"] == export_2025
    assert not (data_dir / "active.json").exists()


def test_choosing_on_the_data_page_changes_this_session_and_its_address_only(export_2025, data_dir):
    at = _app().run()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="dataset_choice").set_value(export_2025).run()
    at.button(key="activate").click().run()
    assert not at.exception, [e.message for e in at.exception]
    # AppTest runs a switched-to page on its own, so the choice is checked where app.py reads it:
    # the session's key and the address.
    assert at.session_state["_dataset"] == export_2025
    assert at.query_params["dataset"] == export_2025
    assert not (data_dir / "active.json").exists()
    # The address now opens that dataset (a reload, or the link shared with someone else) …
    reopened = _app(**at.query_params).run()
    assert _shown(reopened) == (export_2025, 500)
    # … while someone opening Samsyn without it still gets the default.
    assert _shown(_app().run()) == ("exempelstad", SAMPLE_ROWS)


def test_a_dataset_without_incidents_cannot_be_chosen(data_dir):
    empty = create_dataset(data_dir, "Bara områden")
    at = _app().run()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="dataset_choice").set_value(empty.id).run()
    at.button(key="activate").click().run()
    assert [e.value for e in at.error] == ["Datasetet har inga händelser ännu – läs in en händelsefil först."]
    assert at.session_state["_dataset"] == "exempelstad"
    opened = _app(dataset=empty.id).run()
    assert _shown(opened) == ("exempelstad", SAMPLE_ROWS)
    assert [w.value for w in opened.warning] == [f"Datasetet Bara områden har inga händelser ännu; visar {SAMPLE_NAME}."]


def test_unknown_dataset_in_the_address_falls_back_to_the_default_with_a_notice(export_2025):
    at = _app(dataset="finns-inte").run()
    assert not at.exception
    assert _shown(at) == ("exempelstad", SAMPLE_ROWS)
    assert [w.value for w in at.warning] == [f"Datasetet finns inte eller delas inte med dig; visar {SAMPLE_NAME}."]
    assert at.query_params["dataset"] == "exempelstad"


def test_a_new_session_starts_on_the_default_chosen_with_samsyn_dataset_use(export_2025, data_dir):
    set_default(data_dir, export_2025)
    at = _app().run()
    assert _shown(at) == (export_2025, 500)
    assert at.query_params["dataset"] == export_2025
    # A link to the sample still opens the sample.
    assert _shown(_app(dataset="exempelstad").run()) == ("exempelstad", SAMPLE_ROWS)


def test_filters_and_dataset_live_in_the_address_together(export_2025):
    at = _app(dataset=export_2025, kat="Klotter").run()
    assert not at.exception
    assert at.query_params["kat"] == "Klotter"
    assert at.query_params["dataset"] == export_2025
    at.slider(key="f_hours").set_value((20, 23)).run()
    assert at.query_params["tim"] == "20-23" and at.query_params["dataset"] == export_2025
