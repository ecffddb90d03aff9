"""Översikt's "Har mönstret ändrats?" on the sample: the sentence, the table, and what a kommunanalytiker sees.

Hand-worked from ``data/sample`` with a geopandas ``sjoin`` (not the page's assignment), category
Bedrägeri, 2025 (the default period) against 2024: 1 298 and 1 173 incidents in the districts.
Andresen's test draws round(0.85 · 1 298) = 1 103 of 2025's incidents; a district with k of them
then has a hypergeometric number in the draw, and its 95 % interval of shares is that
distribution's 2.5 and 97.5 % points over 1 103 (computed below with scipy). Every district's
2024 share lies inside its interval by more than two steps of 1/1 103 (0.18 percentage points) but
Verkstadsområdet's: 3 of 1 173 (0.26 %) in 2024 against 11 of 1 298 in 2025, an interval of
0.63–1.00 %. So S = 10/11 = 0,91 and one district has a higher share.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from scipy import stats

from tests.dashboard.test_disclosure_pages import KERSTIN, SAMPLE, SCHOOL, _map_script, _open, _plotly
from tests.dashboard.test_disclosure_pages import _data_dir as _data_dir  # noqa: F401  (autouse fixture)
from tests.dashboard.test_disclosure_pages import downloads as downloads  # noqa: F401

NBSP = "\u00a0"


def _by_hand(category: str) -> pd.DataFrame:
    incidents = pd.read_parquet(SAMPLE / "incidents.parquet")
    districts = gpd.read_file(SAMPLE / "districts.geojson")
    chosen = incidents[incidents["category"] == category]
    points = gpd.GeoDataFrame(chosen, geometry=gpd.points_from_xy(chosen["x"], chosen["y"]), crs=districts.crs)
    joined = gpd.sjoin(points, districts[["name", "geometry"]], predicate="within")
    year = joined["occurred_from"].dt.year
    return pd.DataFrame({
        "before": joined[year == 2024].groupby("name").size().reindex(districts["name"], fill_value=0),
        "now": joined[year == 2025].groupby("name").size().reindex(districts["name"], fill_value=0),
    })


def _pattern_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Mönster" in d.value.columns).set_index("Område")


def test_hand_worked_verdicts_for_fraud():
    counts = _by_hand("Bedrägeri")
    n, drawn = int(counts["now"].sum()), round(0.85 * int(counts["now"].sum()))
    assert (n, drawn, int(counts["before"].sum())) == (1298, 1103, 1173)
    verdicts = {}
    for name, row in counts.iterrows():
        draw = stats.hypergeom(n, int(row["now"]), drawn)
        low, high = draw.ppf(0.025) / drawn * 100, draw.ppf(0.975) / drawn * 100
        share = row["before"] / counts["before"].sum() * 100
        verdicts[name] = "högre andel" if share < low else "lägre andel" if share > high else "liknande"
        if name != "Verkstadsområdet":
            assert min(share - low, high - share) > 2 / 1103 * 100, name  # well inside
    assert verdicts.pop("Verkstadsområdet") == "högre andel"
    assert set(verdicts.values()) == {"liknande"}


def test_overview_says_whether_the_pattern_changed():
    at = _open("overview.py", None, kat="Bedrägeri")
    counts = _by_hand("Bedrägeri")
    markdown = [m.value for m in at.markdown]
    assert (f"**Mönstret är i stort sett detsamma: 91{NBSP}% av områdena har en liknande andel (S = 0,91). "
            "1 område har en högre andel.**") in markdown
    table = _pattern_table(at)
    assert table.loc["Verkstadsområdet", "Mönster"] == "högre andel"
    assert (table.drop(index="Verkstadsområdet")["Mönster"] == "liknande").all()
    assert table.loc["Verkstadsområdet", "Antal före"] == "3" and table.loc["Verkstadsområdet", "Antal nu"] == "11"
    assert table["Antal nu"].tolist() == [str(v) for v in counts["now"]]
    # 11 of 1 298 = 0.85 %; 3 of 1 173 = 0.26 %.
    assert table.loc["Verkstadsområdet", "Andel nu"] == f"0,8{NBSP}%"
    assert table.loc["Verkstadsområdet", "Andel före"] == f"0,3{NBSP}%"


def test_overview_in_english():
    at = _open("overview.py", None, kat="Bedrägeri", lang="en")
    assert ("**The pattern is much the same: 91% of the areas have a similar share (S = 0.91). 1 area has a "
            "higher share.**") in [m.value for m in at.markdown]


def test_a_kommunanalytiker_sees_dots_for_small_counts_and_their_shares(downloads):  # noqa: F811
    # Inbrott i skola, 2024 → 2025 by hand: Centrum 8 → 4, Kvarnbacken 1 → 7, Prästgärdet 2 → 3, Björkhagen 4 → 1,
    # Östra Strand 2 → 2, Sörby 3 → 4, the other five 0 → 0.
    counts = _by_hand(SCHOOL)
    assert counts.loc["Kvarnbacken"].tolist() == [1, 7] and counts.loc["Björkhagen"].tolist() == [4, 1]
    at = _open("overview.py", KERSTIN, kat=SCHOOL)
    table = _pattern_table(at)
    for name in ("Kvarnbacken", "Björkhagen", "Prästgärdet", "Östra Strand"):
        # A count of 1–2 in either year: both counts' cells that are small, their shares and the verdict are "..".
        assert table.loc[name, "Mönster"] == "..", name
    assert table.loc["Kvarnbacken", "Antal före"] == ".." and table.loc["Kvarnbacken", "Andel före"] == ".."
    assert table.loc["Kvarnbacken", "Antal nu"] == "7"
    assert table.loc["Centrum", "Antal före"] == "8" and table.loc["Centrum", "Mönster"] != ".."
    assert table.loc["Ekudden", "Antal nu"] == "0"
    csv = downloads(at, "csv-pattern-change").set_index("name")
    assert csv.loc["Kvarnbacken", "base_count"] == ".." and csv.loc["Kvarnbacken", "base_share"] == ".."
    assert csv.loc["Björkhagen", "change"] == ".."
    assert not set(csv["base_count"]) & {"1", "2"} and not set(csv["test_count"]) & {"1", "2"}
    assert any(m.value.startswith("**Mönstret") for m in at.markdown)


def test_the_period_just_before_can_be_chosen():
    at = _open("overview.py", None, kat="Bedrägeri")
    at.radio(key="pattern_compare").set_value(1).run()
    assert not at.exception
    assert any("31 dec. 2024" in c.value or "31 december 2024" in c.value for c in at.main.caption)


# --- Karta and Trygghet: the empirical-Bayes rate when districts are small -----------------------

EB_CAPTION = ("Skattad takt (empirisk Bayes) – små områden dras mot snittet. Används eftersom minst ett område har "
              f"färre än 1{NBSP}000 invånare; den uppmätta takten står i tabellen.")


def _eb_by_hand(year: int) -> pd.DataFrame:
    """Marshall's global EB per 1 000 for the sample's districts in ``year``, worked with numpy here."""
    incidents = pd.read_parquet(SAMPLE / "incidents.parquet")
    districts = gpd.read_file(SAMPLE / "districts.geojson")
    chosen = incidents[incidents["occurred_from"].dt.year == year]
    points = gpd.GeoDataFrame(chosen, geometry=gpd.points_from_xy(chosen["x"], chosen["y"]), crs=districts.crs)
    joined = gpd.sjoin(points, districts[["name", "geometry"]], predicate="within")
    e = joined.groupby("name").size().reindex(districts["name"], fill_value=0).to_numpy(dtype=float)
    b = districts["population"].to_numpy(dtype=float)
    theta = e.sum() / b.sum()
    s2 = (b * (e / b - theta) ** 2).sum() / b.sum() - theta / b.mean()
    w = s2 / (s2 + theta / b)
    return pd.DataFrame({"raw": e / b * 1000, "eb": (w * e / b + (1 - w) * theta) * 1000}, index=districts["name"])


def test_map_colours_small_districts_by_the_smoothed_rate_and_says_so():
    rates = _eb_by_hand(2025)
    # Verkstadsområdet: 69 / 140 inhabitants = 493 per 1 000, pulled to 485.
    assert round(rates.loc["Verkstadsområdet", "raw"]) == 493 and round(rates.loc["Verkstadsområdet", "eb"]) == 485
    at = _open("map.py", None)
    assert EB_CAPTION not in [c.value for c in at.main.caption]  # colouring by count: nothing to smooth
    at.selectbox(key="map_metric").set_value("rate").run()
    assert not at.exception
    assert EB_CAPTION in [c.value for c in at.main.caption]
    script = _map_script(at)
    # The tooltip shows both (the GeoJSON in the page is JSON-escaped).
    assert json.dumps(f"485 per 1{NBSP}000 (uppmätt 493 per 1{NBSP}000)")[1:-1] in script


def test_survey_quadrant_uses_the_smoothed_rate_and_says_so(downloads):  # noqa: F811
    at = _open("survey.py", None)
    assert EB_CAPTION in [c.value for c in at.main.caption]
    csv = downloads(at, "csv-survey-quadrant").set_index("name")
    rates = _eb_by_hand(2025)
    assert float(csv.loc["Verkstadsområdet", "rate_eb_per_1000"]) == pytest.approx(rates.loc["Verkstadsområdet", "eb"])
    assert float(csv.loc["Verkstadsområdet", "rate_per_1000"]) == pytest.approx(69 / 140 * 1000)
    figure = _plotly(at, -1)
    assert figure["layout"]["xaxis"]["title"]["text"].startswith("Skattad takt per 1 000 invånare (empirisk Bayes)")


def test_overview_says_why_verkstadsomradet_is_not_named_for_its_rate():
    # 2025, all categories: by raw rate Centrum (1 004), Verkstadsområdet (493) and Kvarnbacken (419) per 1 000.
    rates = _eb_by_hand(2025)
    assert rates["raw"].nlargest(3).index.tolist() == ["Centrum", "Verkstadsområdet", "Kvarnbacken"]
    at = _open("overview.py", None)
    listed = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert [line.split("**")[1] for line in listed] == ["Centrum", "Kvarnbacken", "Prästgärdet"]
    assert (f"Verkstadsområdet: färre än 1{NBSP}000 invånare, så nivån per invånare räknas inte som skäl att sticka "
            "ut (med så få boende säger talet mer om hur få som bor där än om platsen).") in [
        c.value for c in at.main.caption]
