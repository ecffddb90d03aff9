"""Every page, in Swedish and English, on every shape of dataset a user can activate.

The shapes: the Exempelstad sample; incidents only (the police's export alone, the most natural
first upload); districts but no survey; one day of data; a filter that leaves nothing (a category
absent from the period, a period with no data); and a real dataset in another working CRS
(Vancouver, EPSG:26910, imported with the project's own importer).

Each dataset is written into a temporary data directory through ``store.datasets`` and opened
through the address (``?dataset=<id>``), as a shared link opens it, and the problem picture gets one pinned place, one measure, one goal and a follow-up,
so Problembild and Uppföljning draw more than their empty states. The numbers asserted are
hand-worked from the way each fixture is built (or, for Vancouver, counted in the raw CSV).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from geo.dataset import incident_frame, write_incidents
from store.datasets import create_dataset, save_role
from tests.conftest import REPO
from workspace import Workspace

APP = str(REPO / "dashboard" / "app.py")
PAGES = sorted(p.name for p in (REPO / "dashboard" / "pages").glob("*.py"))
VANCOUVER = Path(os.environ.get("SAMSYN_REAL_DATA", REPO.parent / "shared" / "data" / "real")) / "vancouver"

# The synthetic town, in SWEREF 99 TM: Norrby north of Söderby, each one kilometre square.
X0, Y0 = 674_000.0, 6_580_000.0
NORRBY = shapely.box(X0, Y0 + 1000, X0 + 1000, Y0 + 2000)
SODERBY = shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)


@dataclass
class Shape:
    """A dataset shape: how to build it, and the URL the test opens it with."""

    name: str
    query: dict[str, str] = field(default_factory=dict)


SHAPES = {
    "sample": Shape("sample"),
    "incidents_only": Shape("incidents_only"),
    "districts_no_survey": Shape("districts_no_survey"),
    "one_day": Shape("one_day"),
    # Misshandel utomhus occurs only in March 2025; March 2024 has none.
    "empty_category": Shape("empty_category", {"fran": "2024-03-01", "till": "2024-03-31",
                                               "kat": "Misshandel utomhus"}),
    # June 2024 lies between the town's two Marches.
    "empty_period": Shape("empty_period", {"fran": "2024-06-01", "till": "2024-06-30"}),
    "vancouver": Shape("vancouver"),
}


def _rows(category: str, source: str, days: list[str], hour: int, xy: list[tuple[float, float]]) -> list[dict]:
    return [{"category": category, "source": source, "occurred_from": pd.Timestamp(f"{day} {hour:02d}:00"),
             "occurred_to": pd.Timestamp(f"{day} {hour:02d}:00"), "x": x, "y": y, "place_type": "utomhus"}
            for day, (x, y) in zip(days, xy, strict=True)]


def town_incidents() -> pd.DataFrame:
    """The town's incidents: March 2024 and March 2025, nothing in between.

    March 2025: 30 Klotter in Norrby (a 5 × 6 cluster, 4 m apart, 22:00), 10 Cykelstöld in Söderby
    (08:00) and 5 Misshandel utomhus in Söderby (01:00, protected) = 45.
    March 2024: 20 Klotter in Norrby and 10 Cykelstöld in Söderby = 30.
    """
    cluster = [(X0 + 500 + (i % 5) * 4, Y0 + 1500 + (i // 5) * 4) for i in range(30)]
    spread = [(X0 + 100 + 80 * i, Y0 + 200 + 50 * i) for i in range(10)]
    rows = [
        *_rows("Klotter", "kommun", [f"2025-03-{d:02d}" for d in range(1, 31)], 22, cluster),
        *_rows("Cykelstöld", "polis", [f"2025-03-{d:02d}" for d in range(3, 31, 3)], 8, spread),
        *_rows("Misshandel utomhus", "polis", ["2025-03-01", "2025-03-08", "2025-03-15", "2025-03-22",
                                                "2025-03-29"], 1, [(X0 + 700, Y0 + 600)] * 5),
        *_rows("Klotter", "kommun", [f"2024-03-{d:02d}" for d in range(1, 21)], 22, cluster[:20]),
        *_rows("Cykelstöld", "polis", [f"2024-03-{d:02d}" for d in range(3, 31, 3)], 8, spread),
    ]
    frame = pd.DataFrame(rows)
    frame["id"] = [f"T-{i}" for i in range(len(frame))]
    return incident_frame(frame)


def one_day_incidents() -> pd.DataFrame:
    """Saturday 14 June 2025 only: 8 Ordningsstörning in Norrby at 23:00, 4 Klotter in Söderby at 02:00."""
    rows = [
        *_rows("Ordningsstörning", "polis", ["2025-06-14"] * 8, 23,
               [(X0 + 300 + 10 * i, Y0 + 1300) for i in range(8)]),
        *_rows("Klotter", "kommun", ["2025-06-14"] * 4, 2, [(X0 + 600, Y0 + 400 + 10 * i) for i in range(4)]),
    ]
    frame = pd.DataFrame(rows)
    frame["id"] = [f"D-{i}" for i in range(len(frame))]
    return incident_frame(frame)


def town_districts() -> gpd.GeoDataFrame:
    """Norrby (2,000 inhabitants) and Söderby (500)."""
    return gpd.GeoDataFrame({"area_id": ["N01", "S01"], "name": ["Norrby", "Söderby"],
                             "population": [2000.0, 500.0], "parent": [None, None]},
                            geometry=[NORRBY, SODERBY], crs="EPSG:3006")


@pytest.fixture(scope="session")
def vancouver_data():
    """Vancouver 2024–2025 through the importer (incidents) and the area reader (local areas)."""
    if not (VANCOUVER / "crimedata_csv_AllNeighbourhoods_2025.csv").exists():
        pytest.skip(f"The real Vancouver files are not at {VANCOUVER} (../shared/data/real beside the checkout).")
    from geo.areas import read_areas_report
    from geo.importer import ImportOptions, import_incidents

    options = ImportOptions(work_crs="EPSG:26910", skip_invalid=True, source_value="polis")
    years = [import_incidents(VANCOUVER / f"crimedata_csv_AllNeighbourhoods_{year}.csv", options).frame
             for year in (2024, 2025)]
    incidents = incident_frame(pd.concat(years, ignore_index=True), crs="EPSG:26910")
    districts, _report = read_areas_report(VANCOUVER / "local-area-boundary.geojson", name_column="name",
                                           work_crs="EPSG:26910")
    return incidents, districts


@pytest.fixture(scope="session")
def vancouver_raw() -> pd.DataFrame:
    """The raw Vancouver CSV rows the importer keeps: blank positions left out; the privacy rows at X = Y = 0
    are kept without a position (position_precision "saknas")."""
    if not (VANCOUVER / "crimedata_csv_AllNeighbourhoods_2025.csv").exists():
        pytest.skip(f"The real Vancouver files are not at {VANCOUVER} (../shared/data/real beside the checkout).")
    raw = pd.concat([pd.read_csv(VANCOUVER / f"crimedata_csv_AllNeighbourhoods_{year}.csv")
                     for year in (2024, 2025)], ignore_index=True)
    raw = raw[raw["X"].notna() & raw["Y"].notna()]
    return raw.assign(day=pd.to_datetime(raw[["YEAR", "MONTH", "DAY"]].rename(columns=str.lower)))


def _save_incidents(dataset, incidents):
    return save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(incidents, p))


def _save_areas(dataset, role, areas):
    from geo.areas import write_areas

    return save_role(dataset, role, ".gpkg", lambda p: write_areas(areas, p))


def _seed_problem_picture(data_dir: Path, incidents: pd.DataFrame, crs: str, start: str) -> None:
    """One pinned place around the busiest 200 m, a measure starting ``start``, a goal and a follow-up."""
    from store.model import Followup, Goal, Hotspot, Measure
    from store.problem_store import open_store

    incidents = incidents[incidents["x"].notna() & incidents["y"].notna()]  # rows without a position are no place
    cells = (incidents["x"] // 200).astype(int).astype(str) + "_" + (incidents["y"] // 200).astype(int).astype(str)
    busiest = incidents[cells == cells.value_counts().index[0]]
    centre = shapely.Point(busiest["x"].median(), busiest["y"].median())
    store = open_store(data_dir / "problembild.db")
    spot = store.add_hotspot(Hotspot(title="Torget", geometry_wkt=centre.buffer(150).wkt, crs=crs,
                                     categories=[str(busiest["category"].iloc[0])], created_by="Anna",
                                     snapshot={"count": len(busiest)}), user="Anna")
    measure = store.add_measure(Measure(title="Belysning", start=start, status="pågår", hotspot_ids=[spot.id]),
                                user="Anna")
    store.add_goal(Goal(kind="effektmål", description="Färre händelser", hotspot_id=spot.id, measure_id=measure.id,
                        target_change=-0.2), user="Anna")
    control = shapely.Point(centre.x + 1500, centre.y).buffer(300)
    store.add_followup(Followup(measure_id=measure.id, control_wkt=control.wkt, control_name="Jämförelse",
                                hotspot_id=spot.id), user="Anna")


def build_shape(name: str, data_dir: Path, request) -> str | None:
    """Write the dataset of a shape into ``data_dir``; return its id (None: the built-in sample)."""
    from data.sample import paths

    if name == "sample":
        _seed_problem_picture(data_dir, pd.read_parquet(paths().incidents, columns=["category", "x", "y"]),
                              "EPSG:3006", "2025-03-01")
        return None
    if name == "vancouver":
        incidents, districts = request.getfixturevalue("vancouver_data")
        dataset = create_dataset(data_dir, "Vancouver", crs="EPSG:26910")
        dataset = _save_incidents(dataset, incidents)
        dataset = _save_areas(dataset, "districts", districts)
        start = "2025-03-01"
    else:
        incidents = one_day_incidents() if name == "one_day" else town_incidents()
        dataset = create_dataset(data_dir, {"incidents_only": "Polisens export"}.get(name, "Tätorten"))
        dataset = _save_incidents(dataset, incidents)
        if name != "incidents_only":
            dataset = _save_areas(dataset, "districts", town_districts())
        start = "2025-06-14" if name == "one_day" else "2025-03-01"
    # a dataset made from files has the working CRS its incident file declares
    _seed_problem_picture(data_dir, incidents, Workspace.open(data_dir=data_dir).working_crs(dataset), start)
    return dataset.id


@pytest.fixture()
def data_dir(tmp_path, monkeypatch) -> Path:
    """An empty data directory of this test's own."""
    directory = tmp_path / "userdata"
    directory.mkdir()
    monkeypatch.setenv("SAMSYN_DATA", str(directory))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return directory


def open_page(shape: str, page: str | None, data_dir: Path, request, *, english: bool = False,
              **query: str) -> AppTest:
    """Build ``shape``, open the app on it (``?dataset=<id>``, in English when asked), then switch to ``page``."""
    dataset_id = build_shape(shape, data_dir, request)
    at = AppTest.from_file(APP, default_timeout=240)
    chosen = {"dataset": dataset_id} if dataset_id else {}
    for key, value in {**SHAPES[shape].query, **query, **chosen, **({"lang": "en"} if english else {})}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if page is not None:
        at.switch_page(f"pages/{page}").run()
        assert not at.exception, [e.message for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    """Everything the page says in text elements, joined (for guidance sentences)."""
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title"):
        parts.extend(str(e.value) for e in at.get(kind))
    return "\n".join(parts)


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _count(text: str) -> int:
    return int(text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ""))


# --- every page × every shape × both languages ---------------------------------------------------

@pytest.mark.parametrize("english", [False, True], ids=["sv", "en"])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_page_opens_on_every_dataset_shape(shape, page, english, data_dir, request):
    at = open_page(shape, page, data_dir, request, english=english)
    assert at.title, f"{page} on {shape} shows no title"
    assert not at.error, [e.value for e in at.error]
    assert "Traceback" not in _texts(at)


# --- real values on each shape -------------------------------------------------------------------

def _map_script(at: AppTest) -> str:
    """The Leaflet script of the page's first map (streamlit-folium's component arguments)."""
    import json

    component = at.get("component_instance")[0]
    return json.loads(component.proto.json_args)["script"]


@pytest.mark.parametrize("english", [False, True], ids=["sv", "en"])
def test_incidents_only_overview_counts_and_says_what_to_add(english, data_dir, request):
    at = open_page("incidents_only", None, data_dir, request, english=english)
    # Default period: 1 January of the last year to the last day, 2025-01-01 – 2025-03-31.
    # By construction: 30 Klotter + 10 Cykelstöld + 5 Misshandel utomhus = 45; a year before 20 + 10 = 30.
    assert _count(_metric(at, "Incidents" if english else "Händelser")) == 45
    assert next(m.delta for m in at.metric if m.label == ("Incidents" if english else "Händelser")).startswith("+50")
    assert _count(_metric(at, "Graffiti" if english else "Klotter")) == 30  # the category by its English name
    info = [i.value for i in at.info]
    if english:
        assert any("Add a district layer on the Data page" in text for text in info), info
        assert any("Add a safety survey on the Data page" in text for text in info), info
        assert any("Add a layer of named places on the Data page" in text for text in info), info
    else:
        assert any("Lägg till ett områdeslager på sidan Data" in text for text in info), info
        assert any("Lägg till en trygghetsmätning på sidan Data" in text for text in info), info
        assert any("Lägg till ett lager med namngivna platser på sidan Data" in text for text in info), info


def test_incidents_only_map_shows_hot_spots_and_density_without_districts(data_dir, request):
    at = open_page("incidents_only", "map.py", data_dir, request)
    assert any("Lägg till ett områdeslager på sidan Data" in i.value for i in at.info)
    script = _map_script(at)
    # The 30 Klotter lie in one 100 m cell (x 674 500–674 600, y 6 581 500–6 581 600): a Gi* hot spot.
    assert '"cell_id": "100m_E674500_N6581500"' in script
    assert '"count": "30"' in script  # the tooltip's text, as the reader sees it
    assert "hot99" in script
    assert "data:image/png;base64" in script  # the density surface
    # The view is framed by the incidents themselves (the town lies at about 59.3° N, 18.0° E).
    assert "fitBounds" in script and "59.3" in script and "18.0" in script


def test_incidents_only_map_png_and_problem_map_without_any_area_layer(data_dir, request):
    at = open_page("incidents_only", "map.py", data_dir, request)
    next(b for b in at.button if b.label == "Skapa kartbild (PNG)").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["map_png_bytes"][:8] == b"\x89PNG\r\n\x1a\n"
    at.switch_page("pages/problem.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Torget" in _map_script(at)  # the pinned place is drawn on the problem map


def test_incidents_only_followup_says_where_to_add_districts(data_dir, request):
    at = open_page("incidents_only", "followup.py", data_dir, request)
    assert any("Lägg till ett områdeslager på sidan Data" in w.value for w in at.warning)


def test_districts_without_survey(data_dir, request):
    at = open_page("districts_no_survey", None, data_dir, request)
    table = at.dataframe[0].value.set_index("Kod")  # the district code, under its Swedish header
    assert list(table.columns) == ["Område", "Invånare", "Antal", "per 1 000 inv."]
    # Norrby holds the 30 Klotter (2,000 inhabitants), Söderby 10 Cykelstöld + 5 Misshandel (500 inhabitants).
    assert table.loc["N01", "Antal"] == "30" and table.loc["S01", "Antal"] == "15"
    assert table.loc["N01", "per 1 000 inv."] == "15,0"
    assert table.loc["S01", "per 1 000 inv."] == "30,0"
    assert any("Lägg till en trygghetsmätning på sidan Data" in i.value for i in at.info)
    at.switch_page("pages/survey.py").run()
    assert not at.exception
    assert [i.value for i in at.info] == ["Ingen trygghetsmätning är inläst. Lägg till en trygghetsmätning på sidan Data."]


@pytest.mark.parametrize("english", [False, True], ids=["sv", "en"])
def test_one_day_of_data(english, data_dir, request):
    at = open_page("one_day", None, data_dir, request, english=english)
    label = "Incidents" if english else "Händelser"
    assert _count(_metric(at, label)) == 12  # 8 Ordningsstörning + 4 Klotter on 14 June 2025
    assert next(m.delta for m in at.metric if m.label == label) in (None, "")  # nothing a year before
    at.switch_page("pages/time.py").run()
    assert not at.exception
    assert _count(_metric(at, "With known time" if english else "Med känd tid")) == 12
    # 8 of the 12 at 23:00 on a Saturday.
    peak = "Peak: **Sat at 23**" if english else "Toppen: **lör kl. 23**"
    assert any(peak in m.value for m in at.markdown), [m.value for m in at.markdown]


def _trend_points(at: AppTest) -> dict[str, list[tuple[str, float]]]:
    """The monthly trend chart's lines: series name -> [(month, count)], decoded from plotly's JSON."""
    import base64
    import json

    import numpy as np

    def values(array):
        if isinstance(array, dict):  # plotly sends numeric arrays as base64
            return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
        return list(array)

    [chart] = at.get("plotly_chart")  # the page's only chart when the view is empty
    figure = json.loads(chart.proto.spec)
    return {trace["name"]: [(str(x)[:7], y) for x, y in zip(values(trace["x"]), values(trace["y"]), strict=True)]
            for trace in figure["data"]}


# Hand-worked from town_incidents(): the period, and every date the other filters keep.
EMPTY_FILTERS = {
    # June 2024 with no other filter: all 75 incidents, March 2024 (20 + 10) and March 2025 (30 + 10 + 5),
    # the last on 30 March 2025 (Klotter every day 1–30, Cykelstöld every third day 3–30).
    "empty_period": {
        "sv": ("juni 2024", "1 mars 2024–30 mars 2025"), "en": ("Jun 2024", "1 Mar 2024–30 Mar 2025"),
        "trend": [("2024-03", 30), *[(f"2024-{m:02d}", 0) for m in range(4, 13)],
                  *[(f"2025-{m:02d}", 0) for m in (1, 2)], ("2025-03", 45)],
    },
    # March 2024 and Misshandel utomhus: its five are on 1, 8, 15, 22 and 29 March 2025.
    "empty_category": {
        "sv": ("mars 2024", "1–29 mars 2025"), "en": ("Mar 2024", "1–29 Mar 2025"),
        "trend": [("2025-03", 5)],
    },
}


@pytest.mark.parametrize("english", [False, True], ids=["sv", "en"])
@pytest.mark.parametrize("shape", ["empty_category", "empty_period"])
def test_filter_that_leaves_nothing(shape, english, data_dir, request):
    empty = "No incidents match the filters." if english else "Inga händelser matchar filtren."
    at = open_page(shape, None, data_dir, request, english=english)
    # Översikt: the zero, the districts at zero, and a sentence saying why.
    assert _count(_metric(at, "Incidents" if english else "Händelser")) == 0
    assert empty in [w.value for w in at.warning]
    table = at.dataframe[0].value.set_index("Code" if english else "Kod")
    assert table["Count" if english else "Antal"].tolist() == ["0", "0"]

    # Tid: says so, then shows the monthly trend over every date the other filters keep.
    at.switch_page("pages/time.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert [w.value for w in at.warning] == [empty]
    period, span = EMPTY_FILTERS[shape]["en" if english else "sv"]
    if english:
        expected = (f"The period {period} has no incidents with these filters. The trend shows every date ({span}) "
                    "with the other filters.")
    else:
        expected = (f"Perioden {period} har inga händelser med de här filtren. Trenden visar alla datum ({span}) "
                    "med de övriga filtren.")
    assert [i.value for i in at.info] == [expected]
    assert _trend_points(at) == {("Every date" if english else "Alla datum"): EMPTY_FILTERS[shape]["trend"]}
    assert not at.metric  # no heatmap figures for an empty view

    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert empty in [w.value for w in at.warning]
    assert at.get("component_instance"), "the map is still drawn"


def test_filter_that_leaves_nothing_on_any_date(data_dir, request):
    # Klotter from the police only: the town's Klotter all come from the kommun.
    at = open_page("districts_no_survey", "time.py", data_dir, request, kat="Klotter", kalla="polis")
    assert [w.value for w in at.warning] == ["Inga händelser matchar filtren."]
    assert [i.value for i in at.info] == [
        "Inte heller på något annat datum: ändra kategorier, källor, områden, veckodagar eller timmar."]
    assert not at.get("plotly_chart")


def test_vancouver_in_its_own_working_crs(data_dir, request, vancouver_raw):
    at = open_page("vancouver", None, data_dir, request)
    last = vancouver_raw["day"].max()
    in_period = vancouver_raw["day"].between("2025-01-01", last)
    year_before = vancouver_raw["day"].between("2024-01-01", last - pd.DateOffset(years=1))
    assert _count(_metric(at, "Händelser")) == int(in_period.sum())
    change = 100 * (in_period.sum() - year_before.sum()) / year_before.sum()
    delta = next(m.delta for m in at.metric if m.label == "Händelser")
    assert delta.replace("\u2212", "-").split("\u00a0")[0].split(" ")[0] == f"{change:+.0f}", delta
    assert len(at.dataframe[0].value) == 22  # Vancouver's local areas
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    script = _map_script(at)
    assert "49.2" in script and "-123.1" in script  # framed on Vancouver, not moved to Sweden
