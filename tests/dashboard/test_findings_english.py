"""With ``?lang=en`` the findings on the pages are English sentences, not Swedish ones with English labels."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from scipy import stats
from streamlit.testing.v1 import AppTest

from analysis.change import previous_year_period
from geo.dataset import read_incidents
from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")
SWEDISH_FINDING_WORDS = ("ökning", "minskning", "jämfört", "händelser", "slumpvariation", "samma period",
                         "säkert sämre", "ligger utanför", "tidsfönster", " mot ")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def _sample():
    from data.sample import paths

    return read_incidents(paths().incidents)


def _counts(start: str, end: str, district: str | None = None) -> tuple[int, int]:
    """Incidents in the period and in the same period a year earlier, counted here from the sample file."""
    sample = _sample()
    if district is not None:  # points in the district's polygon (its edge counted in), by plain shapely
        from data.sample import paths

        areas = gpd.read_file(paths().districts).to_crs(sample.attrs.get("crs", "EPSG:3006"))
        polygon = areas.loc[areas["area_id"] == district].geometry.iloc[0]
        inside = shapely.intersects_xy(polygon, sample["x"].to_numpy(), sample["y"].to_numpy())
        sample = sample[inside]
    when = sample["occurred_from"]
    prev_start, prev_end = previous_year_period(start, end)

    def within(first, last) -> int:
        return int(((when >= str(first)) & (when < f"{last} 23:59:59.999999")).sum())

    return within(start, end), within(prev_start, prev_end)


def _expected_jan_apr_2025(after: int, before: int) -> str:
    """The English change sentence for Jan–Apr 2025 (120 days) against Jan–Apr 2024 (121 days), worked here."""
    # The exact test on the conditional binomial, p0 = 120 / (120 + 121).
    p = stats.binomtest(after, after + before, 120 / 241).pvalue
    rounded = round(100 * (after / before - 1))
    change = "±0%" if rounded == 0 else f"{rounded:+d}%"
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 or abs(p - 0.05) < 0.005 else f"p = {p:.2f}"
    verdict = ("The change is within normal random variation" if p >= 0.05 else
               f"The {'increase' if after > before * 120 / 121 else 'decrease'} is larger than normal random variation")
    return (f"All incidents: {after:,} incidents in Jan–Apr 2025 against {before:,} in the same period in "
            f"2024 ({change}). {verdict} ({p_text}).")


def test_overview_in_english_shows_an_english_verdict_sentence():
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params.update(fran="2025-01-01", till="2025-04-30", lang="en")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    after, before = _counts("2025-01-01", "2025-04-30")
    texts = [m.value for m in at.markdown]
    expected = f"**{_expected_jan_apr_2025(after, before)}**"
    assert expected in texts
    findings = [text for text in texts if any(ch.isdigit() for ch in text)]
    loaded = _sample()["occurred_from"]
    span = f"{loaded.min():%-d %B %Y} – {loaded.max():%-d %B %Y}"
    assert any(text.startswith(f"{len(loaded):,} incidents {span}. ") for text in findings)  # what is loaded
    for text in findings:
        for word in SWEDISH_FINDING_WORDS:
            assert word not in text.lower(), (word, text)
    metric = next(m for m in at.metric if m.label == "Incidents")
    assert metric.value == f"{after:,}"


def test_map_detail_for_a_district_in_english():
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params.update(fran="2025-01-01", till="2025-04-30", lang="en")
    at.run()
    # Chosen before the page first runs: AppTest cannot re-send a selectbox whose format_func translates.
    at.session_state["map_selected"] = {"kind": "district", "id": "A01"}
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    after, before = _counts("2025-01-01", "2025-04-30", district="A01")
    assert _expected_jan_apr_2025(after, before) in [c.value for c in at.caption]
