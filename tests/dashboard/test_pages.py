"""Every page through Streamlit's AppTest: no exception, the expected elements, and real numbers."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.aoristic import weekday_hour
from analysis.change import same_period_last_year
from analysis.filters import filter_incidents
from geo.dataset import read_incidents
from tests.conftest import REPO
from tests.dashboard.apptest import app as _app

PAGES = sorted(p.name for p in (REPO / "dashboard" / "pages").glob("*.py"))


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    """Each test gets its own empty data directory, so nothing is written into the repository."""
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def sample_incidents() -> pd.DataFrame:
    from data.sample import paths

    return read_incidents(paths().incidents)


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _count(text: str) -> int:
    return int(text.replace("\u00a0", "").replace(" ", ""))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(page):
    at = _app().run()
    assert not at.exception, at.exception
    at.switch_page(f"pages/{page}").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title, f"{page} shows no title"


def test_overview_headline_matches_analysis(sample_incidents):
    at = _app(fran="2025-01-01", till="2025-04-30").run()
    assert not at.exception
    expected = same_period_last_year(sample_incidents, "2025-01-01", "2025-04-30").iloc[0]
    assert _count(_metric(at, "Händelser")) == expected["after"]
    assert any(expected["summary_sv"] in m.value for m in at.markdown)


def test_category_filter_from_url_changes_numbers(sample_incidents):
    everything = _count(_metric(_app(fran="2025-01-01", till="2025-12-31").run(), "Händelser"))
    at = _app(fran="2025-01-01", till="2025-12-31", kat="Klotter").run()
    klotter = filter_incidents(sample_incidents, categories=["Klotter"], start="2025-01-01", end="2025-12-31")
    assert _count(_metric(at, "Händelser")) == len(klotter) < everything


def test_filters_chosen_in_sidebar_are_written_to_the_url():
    at = _app().run()
    at.multiselect(key="f_categories").set_value(["Klotter"]).run()
    at.slider(key="f_hours").set_value((20, 23)).run()
    assert not at.exception
    assert at.query_params["kat"] == "Klotter"
    assert at.query_params["tim"] == "20-23"


def test_time_page_shows_aoristic_known_and_unknown(sample_incidents):
    at = _app(fran="2024-01-01", till="2024-12-31", kat="Inbrott i bostad").run()
    at.switch_page("pages/time.py").run()
    assert not at.exception
    view = filter_incidents(sample_incidents, categories=["Inbrott i bostad"], start="2024-01-01", end="2024-12-31")
    heat = weekday_hour(view)
    assert _count(_metric(at, "Med känd tid")) == heat.known
    assert _count(_metric(at, "Okänd tid")) == heat.unknown
    charts = at.get("plotly_chart")
    assert len(charts) >= 4
    # The hour profile for Friday and Saturday (the default) equals the analysis function's.
    from analysis.aoristic import hour_profile

    encoded = json.loads(charts[1].proto.spec)["data"][0]["y"]  # plotly sends arrays as base64
    profile = np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"])
    assert profile == pytest.approx(hour_profile(view, {5, 6}).weights.to_numpy())


def test_survey_page_has_intervals_change_and_quadrant():
    at = _app().run()
    at.switch_page("pages/survey.py").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    change = at.dataframe[0].value
    assert {"2024", "2025"} <= set(change.columns)


def test_map_page_builds_offline_map_and_detail_panel():
    at = _app(fran="2025-01-01", till="2025-12-31").run()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    at.session_state["map_selected"] = {"kind": "district", "id": "A01"}
    at.run()
    assert not at.exception
    assert any(s.value == "Centrum" for s in at.subheader)
    assert len(at.get("plotly_chart")) >= 2  # the district's own heatmap and trend


def test_english_switch_and_projector_mode():
    at = _app(projektor="1", lang="en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert at.session_state["projector"] is True
    assert any("font-size: 22px" in m.value for m in at.markdown)


def test_data_page_lists_datasets_and_activates_one(tmp_path, sample_incidents):
    from geo.dataset import write_incidents
    from store.datasets import create_dataset, save_role

    data_dir = Path(tmp_path / "userdata")
    dataset = create_dataset(data_dir, "Polisens export 2025")
    save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(sample_incidents.head(500), p))
    at = _app().run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    names = at.table[0].value.index.tolist()
    assert "Polisens export 2025" in names
    at.selectbox(key="dataset_choice").set_value(dataset.id).run()
    at.button(key="activate").click().run()
    assert not at.exception
    # The choice is the session's and the address's (not a server-wide file): the address opens it.
    assert at.query_params["dataset"] == dataset.id and not (data_dir / "active.json").exists()
    fresh = _app(**at.query_params).run()
    assert not fresh.exception, [e.message for e in fresh.exception]
    assert fresh.session_state["active"].dataset.id == dataset.id
    assert len(fresh.session_state["active"].incidents) == 500
    assert any("Polisens export 2025" in c.value for c in fresh.sidebar.caption)


def test_pin_a_district_from_the_map_with_a_snapshot(tmp_path):
    from store.problem_store import open_store

    at = _app(fran="2025-01-01", till="2025-12-31", kat="Misshandel utomhus").run()
    at.switch_page("pages/map.py").run()
    at.session_state["map_selected"] = {"kind": "district", "id": "A01"}
    at.run()
    next(w for w in at.text_input if w.label == "Ditt namn").input("Anna Andersson")
    next(w for w in at.selectbox if w.label == "Organisation").set_value("polis")
    next(b for b in at.button if b.label == "Fäst").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Fäst i problembilden som" in s.value for s in at.success)
    from workspace.demo import DEMO_USER

    # The first start loaded the demo picture; Anna's pin is the one place besides it.
    pinned = [h for h in open_store(tmp_path / "userdata" / "problembild.db").list_hotspots()
              if h.created_by != DEMO_USER]
    assert len(pinned) == 1
    hotspot = pinned[0]
    assert hotspot.title == "Centrum" and hotspot.organisation == "polis" and hotspot.created_by == "Anna Andersson"
    assert hotspot.categories == ["Misshandel utomhus"]
    # The time window comes from the place's own heatmap: the weekend nights.
    assert {5, 6} <= set(hotspot.weekdays) and {22, 23, 0, 1} & set(hotspot.hours)
    assert hotspot.snapshot["count"] > 0 and hotspot.snapshot["counted"]["categories"] == ["Misshandel utomhus"]
    assert "filters" not in hotspot.snapshot  # what was counted is stored, not page settings (projector, language)


def test_map_png_export():
    at = _app(fran="2025-01-01", till="2025-12-31").run()
    at.switch_page("pages/map.py").run()
    next(b for b in at.button if b.label == "Skapa kartbild (PNG)").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    png = at.session_state["map_png_bytes"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def _delta_look(at: AppTest, label: str) -> tuple[str, int, int]:
    """A metric's delta text, colour and direction as Streamlit draws them (proto enums)."""
    metric = next(m for m in at.metric if m.label == label)
    return metric.proto.delta, metric.proto.color, metric.proto.direction


def test_overview_colours_a_change_only_when_the_test_supports_it(sample_incidents):
    from scipy.stats import binomtest
    from streamlit.proto.Metric_pb2 import Metric

    at = _app(fran="2025-01-01", till="2025-12-31").run()
    assert not at.exception
    for label, categories in (("Händelser", None), ("Bedrägeri", ["Bedrägeri"])):
        now = len(filter_incidents(sample_incidents, categories=categories, start="2025-01-01", end="2025-12-31"))
        then = len(filter_incidents(sample_incidents, categories=categories, start="2024-01-01", end="2024-12-31"))
        # equal periods: the exact Poisson test of the change is the binomial test of now out of now + then
        p = binomtest(now, now + then, 0.5).pvalue
        pct = round((now / then - 1) * 100)
        delta, colour, direction = _delta_look(at, label)
        assert delta.startswith("±0" if pct == 0 else f"{pct:+d}"), (label, delta, now, then)
        if pct == 0:
            assert direction == Metric.MetricDirection.NONE and colour == Metric.MetricColor.GRAY
        elif p < 0.05:
            assert colour == (Metric.MetricColor.RED if pct > 0 else Metric.MetricColor.GREEN), (label, p)
        else:
            assert colour == Metric.MetricColor.GRAY, (label, p)
