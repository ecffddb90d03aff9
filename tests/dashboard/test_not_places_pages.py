"""Översikt and Karta on the Police's events: how many lie on a centroid, said on the page; the new groups filter.

The dataset is a file in the feed's CSV shape, imported by the importer: 6 events in Malmö (a
kommun's centroid), 4 in "Skåne län" (a län's centroid) and one night summary (left out).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.dataset import write_incidents
from geo.importer import import_incidents
from store.datasets import create_dataset, save_role
from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")
HEADER = "id,datetime,name,summary,url,type,location_name,latitude,longitude"
MALMO = ("Malmö", 55.604981, 13.003822)
SKANE = ("Skåne län", 55.990257, 13.595769)
EVENTS = [  # (day, clock, type, place)
    (3, "08.10", "Trafikolycka", MALMO), (4, "17.45", "Trafikolycka", MALMO), (5, "22.05", "Rattfylleri", MALMO),
    (6, "01.30", "Misshandel", MALMO), (7, "14.00", "Stöld", MALMO), (8, "23.15", "Brand", MALMO),
    (9, "10.00", "Trafikolycka", SKANE), (10, "02.40", "Rattfylleri", SKANE), (11, "12.00", "Bedrägeri", SKANE),
    (12, "19.20", "Stöld", SKANE),
]
NOTE_SV = ("6 händelser ligger på en kommuns mittpunkt; 4 händelser ligger på ett läns mittpunkt. De räknas inte på "
           "platser, hotspots och täthet och visas inte som punkter.")
NOTE_EN = ("6 incidents lie on a municipality's centroid; 4 incidents lie on a county's centroid. They are not counted "
           "at places, hot spots or density and not drawn as points.")


@pytest.fixture()
def feed_dataset(tmp_path, monkeypatch):
    lines = [HEADER]
    for i, (day, clock, kind, (place, lat, lon)) in enumerate(EVENTS, start=1):
        title = f"{day} mars {clock}, {kind}, {place}"
        lines.append(f'{i},"2025-03-{day:02d} 23:59:00 +01:00","{title}","Text.","/h/{i}/","{kind}","{place}",{lat},{lon}')
    lines.append('99,"2025-03-12 07:05:00 +01:00","12 mars 07.00, Sammanfattning natt, Skåne län","Text.","/h/99/",'
                 f'"Sammanfattning natt","Skåne län",{SKANE[1]},{SKANE[2]}')
    source = tmp_path / "handelser.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    incidents = import_incidents(source).frame
    assert len(incidents) == 10
    data_dir = tmp_path / "userdata"
    data_dir.mkdir()
    monkeypatch.setenv("SAMSYN_DATA", str(data_dir))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    dataset = create_dataset(data_dir, "Polisens händelser")
    save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(incidents, p))
    return dataset.id


def _open(dataset_id: str, page: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in {"dataset": dataset_id, **query}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page(f"pages/{page}").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _count(at: AppTest, label: str) -> int:
    value = next(m.value for m in at.metric if m.label == label)
    return int(value.replace("\u00a0", "").replace(" ", "").replace(",", ""))


def test_overview_says_how_many_lie_on_a_centroid(feed_dataset):
    at = _open(feed_dataset, "overview.py")
    assert _count(at, "Händelser") == 10
    assert any(NOTE_SV in m.value for m in at.markdown), [m.value for m in at.markdown]


def test_overview_in_english(feed_dataset):
    at = _open(feed_dataset, "overview.py", lang="en")
    assert any(NOTE_EN in m.value for m in at.markdown), [m.value for m in at.markdown]


def test_map_notes_what_was_left_out(feed_dataset):
    at = _open(feed_dataset, "map.py")
    assert NOTE_SV in [c.value for c in at.caption], [c.value for c in at.caption]


def test_the_traffic_group_filters_the_non_crime_traffic_events(feed_dataset):
    # 3 Trafikolycka are "Ej brott: trafik"; the 2 Rattfylleri are Trafikbrott.
    at = _open(feed_dataset, "overview.py", grupp="Ej brott: trafik")
    assert _count(at, "Händelser") == 3
    at = _open(feed_dataset, "overview.py", grupp="Trafikbrott")
    assert _count(at, "Händelser") == 2
