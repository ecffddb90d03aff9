"""Disclosure control on Översikt, Karta, Tid and Trygghet, and in their downloads.

The sample is owned by the police (``polisen``) and shared at ``styrgrupp``: a kommunanalytiker signed
in sees it below the owner's level (counts 1–2 as "..", places with fewer than 5 incidents not on their
own, no points); a workstation sees it in full. Every expected number below is worked by hand from
``data/sample``'s files with pandas and geopandas (``sjoin``), not with the functions the pages call.

Hand-worked, category "Inbrott i skola", 2025 (the default period, 1 Jan – 31 Dec 2025), 21 incidents:
Centrum 4, Kvarnbacken 7, Prästgärdet 3, Björkhagen 1, Östra Strand 2, Sörby 4, the other five 0.
Sörby's four: 22 Apr 01:38 (a Tuesday, no window), 15–16 Aug (a window over 24 h: unknown time),
12 Sep 02:43 (a Friday, no window) and 31 Dec 00:44–23:39 (a Wednesday window of 22 h 55 min).
"""

from __future__ import annotations

import base64
import io
import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO
from tests.dashboard.test_sign_in import AUTH

APP = str(REPO / "dashboard" / "app.py")
SAMPLE = REPO / "data" / "sample"
KERSTIN = {"is_logged_in": True, "name": "Kerstin Holm", "email": "kerstin@kommun.example.se",
           "samsyn_roles": ["kommunanalytiker"], "samsyn_org": "kommunen"}
CONTROLLED_BADGE = (":material/visibility: Visningsnivå: styrgrupp/offentlig – antal 1–2 visas som ”..”, platser "
                    "med färre än 5 händelser visas inte var för sig och inga enskilda händelser visas.")
FULL_BADGE = ":material/visibility: Visningsnivå: egen (ägarens analytiker) – alla antal visas."
SCHOOL = "Inbrott i skola"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here


@pytest.fixture()
def downloads(monkeypatch):
    """The bytes behind every download button: AppTest's media storage, kept after the run."""
    stores: list[MemoryMediaFileStorage] = []

    class Kept(MemoryMediaFileStorage):
        def __init__(self, prefix: str) -> None:
            super().__init__(prefix)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Kept)

    def read(at: AppTest, key: str) -> pd.DataFrame:
        [button] = [b for b in at.get("download_button") if b.proto.id.endswith(key)]
        name = button.proto.url.rsplit("/", 1)[1]
        content = stores[-1].get_file(name).content
        return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig")

    return read


def _open(page: str, user: dict | None, **query: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page(f"pages/{page}").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.main.caption]


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _table(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _districts_by_hand(category: str, year: int) -> pd.Series:
    """Incidents of ``category`` in ``year`` per district name, by a spatial join of the sample's files."""
    incidents = pd.read_parquet(SAMPLE / "incidents.parquet")
    districts = gpd.read_file(SAMPLE / "districts.geojson")
    chosen = incidents[(incidents["category"] == category) & (incidents["occurred_from"].dt.year == year)]
    points = gpd.GeoDataFrame(chosen, geometry=gpd.points_from_xy(chosen["x"], chosen["y"]), crs=districts.crs)
    joined = gpd.sjoin(points, districts[["name", "geometry"]], predicate="within")
    return joined.groupby("name").size().reindex(districts["name"], fill_value=0)


def _map_script(at: AppTest) -> str:
    component = at.get("component_instance")[0]
    return json.loads(component.proto.json_args)["script"]


def _plotly(at: AppTest, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def _array(values) -> np.ndarray:
    if isinstance(values, dict):  # plotly sends numeric arrays as base64
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).reshape(
            [int(n) for n in str(values.get("shape", "-1")).split(",")])
    return np.asarray(values, dtype=object)


# --- Översikt -----------------------------------------------------------------------------------

def test_hand_count_behind_the_overview_cases():
    by_hand = _districts_by_hand(SCHOOL, 2025)
    assert by_hand.to_dict() == {"Centrum": 4, "Kvarnbacken": 7, "Prästgärdet": 3, "Västra Skogen": 0,
                                 "Björkhagen": 1, "Verkstadsområdet": 0, "Östra Strand": 2, "Norrbacka": 0,
                                 "Sörby": 4, "Ekudden": 0, "Högberga": 0}


def test_overview_hides_counts_of_one_and_two_and_their_rates_for_a_kommunanalytiker(downloads):
    at = _open("overview.py", KERSTIN, kat=SCHOOL)
    assert CONTROLLED_BADGE in _captions(at)
    table = _table(at, "Område").set_index("Område")
    # Östra Strand 2 and Björkhagen 1: "..", and so are their rates (2 / 4 800 inhabitants would give 2 back).
    assert table.loc["Östra Strand", "Antal"] == ".." and table.loc["Östra Strand", "per 1 000 inv."] == ".."
    assert table.loc["Björkhagen", "Antal"] == ".." and table.loc["Björkhagen", "per 1 000 inv."] == ".."
    # 3 and more are shown, zero stays 0: Prästgärdet 3 / 4 200 × 1 000 = 0.714… → 0.7.
    assert table.loc["Prästgärdet", "Antal"] == "3" and table.loc["Prästgärdet", "per 1 000 inv."] == "0,7"
    assert table.loc["Kvarnbacken", "Antal"] == "7" and table.loc["Ekudden", "Antal"] == "0"
    assert _metric(at, "Händelser") == "21"

    csv = downloads(at, "csv-overview-districts").set_index("name")
    assert csv.loc["Östra Strand", "count"] == ".." and csv.loc["Björkhagen", "rate_per_1000"] == ".."
    assert csv.loc["Prästgärdet", "count"] == "3"
    assert not set(csv["count"]) & {"1", "2"}


def test_overview_in_english_says_the_level_and_dots_the_same_cells():
    at = _open("overview.py", KERSTIN, kat=SCHOOL, lang="en")
    assert (":material/visibility: View level: steering group/public – counts of 1–2 are shown as “..”, places "
            "with fewer than 5 incidents are not shown on their own, and no individual incidents are shown."
            in _captions(at))
    table = _table(at, "District").set_index("District")
    assert table.loc["Östra Strand", "Count"] == ".." and table.loc["Östra Strand", "per 1,000 inhabitants"] == ".."
    assert table.loc["Prästgärdet", "Count"] == "3"
    assert "Places with fewer than 5 incidents are not shown at this view level." in _captions(at)


def test_the_owners_thresholds_from_samsyn_toml_apply_on_the_page(tmp_path, monkeypatch, downloads):
    config = tmp_path / "samsyn.toml"
    config.write_text("[disclosure]\nmin_count = 5\nmin_place = 8\n", encoding="utf-8")
    monkeypatch.setenv("SAMSYN_CONFIG", str(config))
    at = _open("overview.py", KERSTIN, kat=SCHOOL)
    assert any("antal 1–4 visas som ”..”, platser med färre än 8 händelser" in c for c in _captions(at))
    table = _table(at, "Område").set_index("Område")
    # Centrum 4 and Prästgärdet 3 are now below 5; Kvarnbacken 7 is shown, and so is its rate 7 / 5 400 × 1 000.
    assert table.loc[["Centrum", "Prästgärdet", "Östra Strand"], "Antal"].tolist() == ["..", "..", ".."]
    assert table.loc["Kvarnbacken", "Antal"] == "7" and table.loc["Kvarnbacken", "per 1 000 inv."] == "1,3"
    # Kvarnbackeskolan's 7 is below the 8 a place now needs: no place is listed.
    assert _table(at, "Plats").empty and downloads(at, "csv-overview-places").empty


def test_overview_shows_the_numbers_in_the_full_view():
    at = _open("overview.py", None, kat=SCHOOL)
    assert FULL_BADGE in _captions(at)
    table = _table(at, "Område").set_index("Område")
    assert table.loc["Östra Strand", "Antal"] == "2" and table.loc["Björkhagen", "Antal"] == "1"
    assert table.loc["Östra Strand", "per 1 000 inv."] == "0,4"  # 2 / 4 800 · 1 000 = 0,42, as the page writes it


def _places_by_hand(category: str, year: int) -> dict[str, int]:
    """Incidents of ``category`` in ``year`` per named place (a polygon, or a point's radius), by hand."""
    incidents = pd.read_parquet(SAMPLE / "incidents.parquet")
    places = gpd.read_file(SAMPLE / "places.geojson")
    chosen = incidents[(incidents["category"] == category) & (incidents["occurred_from"].dt.year == year)]
    points = gpd.GeoSeries(gpd.points_from_xy(chosen["x"], chosen["y"]), crs=places.crs)
    counts = {}
    for _, place in places.iterrows():
        shape = place.geometry.buffer(place["radius_m"]) if place.geometry.geom_type == "Point" else place.geometry
        counts[place["name"]] = int(points.intersects(shape).sum())
    return {name: n for name, n in counts.items() if n}


def test_hand_count_behind_the_place_cases():
    assert _places_by_hand(SCHOOL, 2025) == {"Centralskolan": 4, "Kvarnbackeskolan": 7, "Prästgärdets skola": 2,
                                             "Björkhagens skola": 1, "Östra Strands skola": 2, "Sörbyskolan": 2}


def test_overview_lists_only_places_with_five_incidents_or_more(downloads):
    at = _open("overview.py", KERSTIN, kat=SCHOOL)
    assert "Platser med färre än 5 händelser visas inte på den här visningsnivån." in _captions(at)
    # Kvarnbackeskolan (7) is the only school with 5 or more: Centralskolan's 4 is not listed on its own.
    assert _table(at, "Plats")[["Plats", "Antal"]].values.tolist() == [["Kvarnbackeskolan", "7"]]
    assert downloads(at, "csv-overview-places")[["name", "count"]].values.tolist() == [["Kvarnbackeskolan", "7"]]
    full = _open("overview.py", None, kat=SCHOOL)
    shown = dict(_table(full, "Plats")[["Plats", "Antal"]].values.tolist())
    assert shown["Centralskolan"] == "4" and shown["Björkhagens skola"] == "1"


# --- Karta --------------------------------------------------------------------------------------

def _features(script: str, kind: str | None) -> list[dict]:
    """The properties of every GeoJSON feature of ``kind`` (district, cell, place; None: the points) in the
    Leaflet script."""
    found = []
    for match in re.finditer(r'"properties": (\{[^{}]*\})', script):
        properties = json.loads(match.group(1))
        if properties.get("samsyn_kind") == kind:
            found.append(properties)
    return found


def _district_labels(script: str) -> dict[str, str]:
    """District name → the tooltip's value."""
    return {f["name"]: f["label"] for f in _features(script, "district")}


def test_map_for_a_kommunanalytiker_has_no_points_and_hides_small_districts(downloads):
    at = _open("map.py", KERSTIN, kat=SCHOOL)
    assert CONTROLLED_BADGE in _captions(at)
    assert "Enskilda händelser visas inte på den här visningsnivån." in _captions(at)
    script = _map_script(at)
    # The full view of the same filters draws the 21 burglaries as points (below); here there is none.
    assert not [f for f in _features(script, None) if "kategori" in f]
    assert "L.CircleMarker(" not in script
    labels = _district_labels(script)
    assert labels["Östra Strand"] == ".." and labels["Björkhagen"] == ".."
    assert labels["Prästgärdet"] == "3" and labels["Kvarnbacken"] == "7" and labels["Ekudden"] == "0"
    # Only Kvarnbackeskolan has 5 school burglaries or more: no other named place is drawn.
    assert [f["name"] for f in _features(script, "place")] == ["Kvarnbackeskolan"]
    csv = downloads(at, "csv-map-districts").set_index("name")
    assert csv.loc["Östra Strand", "count"] == ".." and csv.loc["Östra Strand", "rate"] == ".."
    assert not set(csv["count"]) & {"1", "2"}


def test_a_change_from_last_years_small_count_is_hidden_even_when_this_years_is_shown(downloads):
    # 2024 by hand: Kvarnbacken 1 and Prästgärdet 2 school burglaries, so 7 and 3 in 2025 are shown but
    # their changes (+600 %, +50 %) would give last year's count back; Centrum 8 → 4 (−50 %) stays.
    last_year = _districts_by_hand(SCHOOL, 2024)
    assert (last_year["Kvarnbacken"], last_year["Prästgärdet"], last_year["Centrum"]) == (1, 2, 8)
    at = _open("map.py", KERSTIN, kat=SCHOOL)
    csv = downloads(at, "csv-map-districts").set_index("name")
    assert csv.loc["Kvarnbacken", ["count", "change"]].tolist() == ["7", ".."]
    assert csv.loc["Prästgärdet", ["count", "change"]].tolist() == ["3", ".."]
    assert csv.loc["Centrum", ["count", "change"]].tolist() == ["4", "-50.0"]


def test_the_selection_panel_and_the_pin_preview_hide_a_small_count():
    for user, shown in ((KERSTIN, ".."), (None, "2")):
        at = _open("map.py", user, kat=SCHOOL)
        at.session_state["map_selected"] = {"kind": "district", "id": "B01"}  # Östra Strand, as if clicked
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert _metric(at, "Händelser") == shown and _metric(at, "Händelser som fäst plats") == shown
        categories = _table(at, "Kategori")
        assert categories.values.tolist() == [[SCHOOL, shown]]
        said = " ".join(_captions(at))
        if user:
            assert "Antalen är för få för att visas på den här visningsnivån" in said and "2 händelser" not in said
            assert next(m for m in at.metric if m.label == "Händelser").delta in (None, "")
        else:
            assert "2 händelser jan–dec 2025 mot 2 samma period 2024" in said


def _cell_by_hand(cell_id: str, category: str, year: int) -> int:
    """Incidents of ``category`` in ``year`` inside the grid cell ``100m_E<x0>_N<y0>``, counted with pandas."""
    size = float(cell_id.split("m_")[0])
    x0, y0 = float(cell_id.split("_E")[1].split("_N")[0]), float(cell_id.split("_N")[1])
    incidents = pd.read_parquet(SAMPLE / "incidents.parquet")
    chosen = incidents[(incidents["category"] == category) & (incidents["occurred_from"].dt.year == year)]
    inside = chosen["x"].between(x0, x0 + size, inclusive="left") & chosen["y"].between(y0, y0 + size,
                                                                                       inclusive="left")
    return int(inside.sum())


def test_hot_spot_cells_with_fewer_than_five_incidents_are_not_drawn_for_a_kommunanalytiker():
    controlled = _features(_map_script(_open("map.py", KERSTIN, kat="Cykelstöld")), "cell")
    full = _features(_map_script(_open("map.py", None, kat="Cykelstöld")), "cell")
    # Gi* marks cells with few or no bicycle thefts of their own as hot (their neighbours are busy); the full
    # view draws them, the controlled one only the cells with 5 or more, with the same class.
    # The tooltip's counts are text as the reader sees them ("7"; "1 204" would carry a space).
    assert any(int(cell["count"]) < 5 for cell in full)
    assert controlled and all(int(cell["count"]) >= 5 for cell in controlled)
    assert sorted(c["cell_id"] for c in controlled) == sorted(c["cell_id"] for c in full if int(c["count"]) >= 5)
    for cell in controlled:
        assert int(cell["count"]) == _cell_by_hand(cell["cell_id"], "Cykelstöld", 2025), cell


def _school_circle(name: str) -> str:
    places = gpd.read_file(SAMPLE / "places.geojson").set_index("name")
    return places.loc[name, "geometry"].buffer(places.loc[name, "radius_m"]).wkt


def test_a_drawn_area_with_fewer_than_five_incidents_shows_no_numbers_for_a_kommunanalytiker():
    # Drawn around Centralskolan: 4 school burglaries (by hand, above); around Kvarnbackeskolan: 7.
    for user, school, expected in ((KERSTIN, "Centralskolan", None), (None, "Centralskolan", "4"),
                                   (KERSTIN, "Kvarnbackeskolan", "7")):
        at = _open("map.py", user, kat=SCHOOL)
        at.session_state["map_selected"] = {"kind": "drawn", "id": "ritad", "wkt": _school_circle(school)}
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        shown = [m.value for m in at.metric if m.label == "Händelser"]
        if expected is None:
            assert shown == [] and _metric(at, "Händelser som fäst plats") == ".."  # 4 at a micro-place
            assert ("Platsen har färre än 5 händelser med filtren och visas inte var för sig på den här "
                    "visningsnivån.") in [i.value for i in at.info]
        else:
            assert shown == [expected]
            # The pin counts the busiest weekdays and hours only (its own window): below the owner's level a
            # number under 5 there is dotted too.
            pinned = _metric(at, "Händelser som fäst plats")
            assert pinned == ".." or int(pinned) >= 5 or user is None, pinned


def test_map_in_the_full_view_draws_points_but_never_protected_categories():
    # 21 school burglaries and 8 rapes outdoors (protected) in 2025: only the burglaries become points.
    at = _open("map.py", None, kat=[SCHOOL, "Våldtäkt utomhus"])
    assert FULL_BADGE in _captions(at)
    script = _map_script(at)
    assert "L.CircleMarker(" in script
    points = [f["kategori"] for f in _features(script, None) if "kategori" in f]
    assert points == [SCHOOL] * 21
    assert "Våldtäkt" not in script and "V\\u00e5ldt\\u00e4kt" not in script  # as written, or JSON-escaped
    labels = _district_labels(script)
    assert labels["Östra Strand"] == "3"  # 2 burglaries + 1 rape outdoors, shown in full
    assert {"Stortorget", "Centralskolan", "Björkhagens skola"} <= {f["name"] for f in _features(script, "place")}


# --- Tid ----------------------------------------------------------------------------------------

def test_time_heatmap_cells_of_a_kommunanalytiker_are_dotted_and_drawn_as_empty(downloads):
    at = _open("time.py", KERSTIN, kat=SCHOOL, omr="B03")  # Sörby: the four incidents above
    assert CONTROLLED_BADGE in _captions(at)
    assert _metric(at, "Med känd tid") == "3" and _metric(at, "Okänd tid") == ".."
    heat = _plotly(at, 0)["data"][0]
    z, text = _array(heat["z"]).astype(float), np.asarray(heat["text"], dtype=object)
    # Every cell holds less than 3 (the most is Tuesday 01 and Friday 02 with 1.0): all are "..",
    # and none is coloured above the empty cells' class.
    assert text[1][1] == ".." and text[4][2] == ".." and np.all(z == 0) and heat["zmin"] == 0
    hover = np.asarray(heat["customdata"], dtype=object)  # what the hover says
    assert hover[1][1] == ".." and hover[0][0] == "0" and "%{z" not in heat["hovertemplate"]
    assert set(text.ravel()) == {"..", ""}  # an empty cell is blank, a hidden one ".."
    csv = downloads(at, "csv-weekday-hour")
    assert ".." in set(csv["weight"]) and set(csv["weight"]) <= {"..", "0.0"}
    profile = downloads(at, "csv-hour-profile")  # Friday and Saturday: Friday 02 is 1.0
    assert profile.iloc[2, -1] == ".."
    # The monthly trend: Sörby has at most one school burglary a month (Apr, Aug, Sep, Dec 2025): dotted,
    # and the line has no point there at all (a gap, not a height).
    trend = downloads(at, "csv-trend")
    this_year = trend[trend["serie"] == "Vald period"].set_index("period")["count"]
    assert this_year[["2025-04", "2025-08", "2025-09", "2025-12"]].tolist() == [".."] * 4
    assert set(this_year) == {"..", "0"}
    line = next(tr for tr in _plotly(at, -1)["data"] if tr["name"] == "Vald period")
    heights = _array(line["y"]).astype(float)
    assert np.isnan(heights[[3, 7, 8, 11]]).all() and np.nansum(heights) == 0


def test_time_heatmap_in_the_full_view_shows_the_counts():
    at = _open("time.py", None, kat=SCHOOL, omr="B03")
    assert _metric(at, "Med känd tid") == "3" and _metric(at, "Okänd tid") == "1"
    heat = _plotly(at, 0)["data"][0]
    z = _array(heat["z"]).astype(float)
    assert z[1][1] == pytest.approx(1.0) and z[4][2] == pytest.approx(1.0)  # Tuesday 01, Friday 02
    assert z.sum() == pytest.approx(3.0)  # three incidents with a known time, weight 1 each
    assert "text" not in heat


# --- Trygghet -----------------------------------------------------------------------------------

def test_survey_quadrant_leaves_out_districts_whose_incident_count_is_hidden(downloads):
    at = _open("survey.py", KERSTIN, kat=SCHOOL)
    csv = downloads(at, "csv-survey-quadrant")
    assert "Östra Strand" not in set(csv["name"]) and "Prästgärdet" in set(csv["name"])
    # Prästgärdet: 3 school burglaries in 2025 / 4 200 inhabitants × 1 000 = 0.714…
    assert float(csv.set_index("name").loc["Prästgärdet", "rate_per_1000"]) == pytest.approx(3 / 4.2)
    assert CONTROLLED_BADGE in _captions(at)
    quadrant = _plotly(at, -1)["data"][0]
    names = list(quadrant["text"])
    assert "Östra Strand" not in names and "Björkhagen" not in names and "Prästgärdet" in names
    assert ("Områden som inte visas på den här visningsnivån, för att de har för få händelser (antalet kan "
            "räknas fram ur invånartalet): 2.") in _captions(at)
    full = _open("survey.py", None, kat=SCHOOL)
    assert {"Östra Strand", "Björkhagen"} <= set(_plotly(full, -1)["data"][0]["text"])
