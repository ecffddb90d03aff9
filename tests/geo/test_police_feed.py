"""The Police's public event feed: event types, the event time from the title, summaries left out.

The expected figures are worked by hand from the feed's own type counts (``type`` column of
``polisen_events_2023-2026.csv.gz``) and from titles read in the file.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from geo.categories import BY_NAME, GROUPS, NON_CRIME_GROUPS, canonical_category, is_protected
from geo.importer import import_incidents

FEED = ("sweden", "polisen_events_2023-2026.csv.gz")
SNAPSHOT = ("sweden", "polisen_events_api_snapshot.json")
HEADER = "id,datetime,name,summary,url,type,location_name,latitude,longitude"


def write_feed(path, rows):
    """A small file in the feed's CSV shape (as polisen-se-events-history writes it)."""
    lines = [HEADER] + [",".join(f'"{v}"' for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def feed_row(i, published, title, kind, place="Malmö", lat=55.604981, lon=13.003822):
    return [i, published, title, "Text som inte sparas.", f"/aktuellt/handelser/{i}/", kind, place, lat, lon]


@pytest.fixture(scope="module")
def feed(real_data):
    path = real_data.joinpath(*FEED)
    return import_incidents(path), pd.read_csv(path)


def test_every_type_of_the_feed_has_a_category(real_data):
    raw = pd.read_csv(real_data.joinpath(*FEED), usecols=["type"])
    types = raw["type"].unique()
    assert len(types) == 97
    unknown = sorted(t for t in types if canonical_category(t) is None and not t.startswith("Sammanfattning"))
    assert unknown == []
    # "Övrigt" is the feed's own word for a note of no type; it stays Övrigt, the only one that does.
    assert sorted(t for t in types if canonical_category(t) == "Övrigt") == ["Övrigt"]


def test_events_per_group_after_mapping(feed):
    result, raw = feed
    groups = result.frame["category"].astype(str).map(lambda c: BY_NAME[c].group).value_counts().to_dict()
    # Sums of the feed's type counts, by hand:
    assert groups["Ej brott: trafik"] == 13256 + 2476 + 1220 + 1024 + 317 + 4910  # olyckor, vilt, singel, hinder, kontroll
    assert groups["Trafikbrott"] == 5006 + 1957 + 556 + 336  # rattfylleri, trafikbrott, olovlig körning, smitning
    assert groups["Ej brott: brand, olycka och räddning"] == 5543 + 10 + 1460 + 283 + 405 + 66 + 5
    assert groups["Sexualbrott"] == 171 + 25 + 112 + 81  # våldtäkt, försök, sexualbrott, sedlighetsbrott
    assert groups["Brott mot allmän verksamhet"] == 511 + 31  # våld/hot mot tjänsteman, sabotage blåljus
    assert groups["Allmänfarliga brott"] == 56 + 241 + 116 + 4 + 4  # mordbrand, explosion, detonation, bombhot, smitta
    assert groups["Ordningsstörningar"] == 1252 + 187 + 470 + 79 + 37  # fylleri/LOB, fylleri, bråk, ordningslagen, smällar
    assert groups["Övrigt"] == 4760
    assert sum(groups.values()) == 84530 - 14556


def test_summaries_are_left_out_and_counted(feed):
    result, raw = feed
    summaries = 12872 + 1663 + 7 + 6 + 4 + 2 + 1 + 1  # natt, kväll och natt, dag, kväll, eftermiddag, helg, vecka, dygn
    assert summaries == 14556 == int(raw["type"].str.startswith("Sammanfattning").sum())
    assert result.report.rows_read == 84530 and result.report.rows_written == 84530 - 14556
    assert result.report.rows_rejected == 0
    lines = result.report.lines()
    assert "14556 sammanfattningar lämnades utanför (\"Sammanfattning natt\" m.fl. återger händelser som har egna " \
           "notiser)." in lines
    assert "Polisens händelser: händelsetiden tas ur rubriken ('name'). Publiceringstiden ('datetime') används " \
           "inte i analysen." in lines
    assert not any("Övrigt" in w for w in result.warnings)
    assert set(result.frame["source"].astype(str)) == {"polis"}


def test_protected_event_types_stay_protected():
    for kind in ("Våldtäkt", "Våldtäkt, försök", "Misshandel, grov", "Mord/dråp", "Skottlossning", "Rån väpnat",
                 "Anträffad död"):
        assert is_protected(canonical_category(kind)), kind
    for kind in ("Trafikolycka", "Rattfylleri", "Brand", "Försvunnen person"):
        assert not is_protected(canonical_category(kind)), kind


def test_non_crime_groups_come_after_the_crimes():
    assert GROUPS[-4:] == ("Ej brott: brand, olycka och räddning", "Ej brott: trafik", "Ej brott: övrigt polisarbete",
                           "Övrigt")
    assert set(GROUPS[-4:-1]) == set(NON_CRIME_GROUPS)
    assert canonical_category("Trafikolycka, vilt") == "Viltolycka"
    assert BY_NAME[canonical_category("Försvunnen person")].group == "Ej brott: övrigt polisarbete"


def _event(result, raw, feed_id):
    """The imported row of the feed's event ``feed_id`` (ids are hashed; rows keep the file's order)."""
    kept = raw[~raw["type"].str.startswith("Sammanfattning")].reset_index(drop=True)
    position = int(np.flatnonzero(kept["id"].to_numpy() == feed_id)[0])
    return result.frame.iloc[position]


@pytest.mark.parametrize(("feed_id", "title", "published", "local"), [
    # ':' as the separator
    (409534, "20 mars 10:14, Trafikolycka, Malmö", "2023-03-20 10:19:26 +01:00", "2023-03-20 10:14"),
    # across the new year: published on 1 January, the event on 31 December of the year before
    (619868, "31 december 23.08, Vållande till kroppsskada, Solna", "2026-01-01 0:05:56 +01:00",
     "2025-12-31 23:08"),
    (480687, "31 december 00.07, Brand, Nacka", "2024-01-01 0:40:16 +01:00", "2023-12-31 00:07"),
    # the day summer time began (02:00 → 03:00): a morning event, published at 07:07 CEST
    (514303, "31 mars 04.39, Misshandel, Stockholm", "2024-03-31 7:07:38 +02:00", "2024-03-31 04:39"),
    # the day summer time ended: 02.23 is the wall-clock time the title says
    (555208, "27 oktober 02.23, Narkotikabrott, Malmö", "2024-10-27 6:32:11 +01:00", "2024-10-27 02:23"),
])
def test_event_time_from_the_title(feed, feed_id, title, published, local):
    result, raw = feed
    row = raw[raw["id"] == feed_id].iloc[0]
    assert (row["name"], row["datetime"]) == (title, published)
    event = _event(result, raw, feed_id)
    assert event["occurred_from"] == pd.Timestamp(local)
    assert pd.isna(event["occurred_to"])
    assert "datetime" not in result.frame.columns and "published_at" not in result.frame.columns


def test_json_snapshot_imports_without_its_summaries(real_data):
    path = real_data.joinpath(*SNAPSHOT)
    records = json.loads(path.read_text(encoding="utf-8"))
    summaries = sum(r["type"].startswith("Sammanfattning") for r in records)
    assert (len(records), summaries) == (500, 96)
    result = import_incidents(path)
    assert result.report.rows_written == 500 - 96 == len(result.frame)
    first = result.frame.iloc[0]  # "22 augusti 17.59, Brand, Kävlinge", published 2026-08-22 19:51:41 +02:00
    assert first["occurred_from"] == pd.Timestamp("2026-08-22 17:59") and first["category"] == "Brand"
    assert "96 sammanfattningar lämnades utanför" in " ".join(result.report.lines())


def test_titles_as_the_feed_writes_them(tmp_path):
    path = write_feed(tmp_path / "handelser.csv", [
        feed_row(1, "2024-08-22 19:51:41 +02:00", "22 augusti 17.59, Brand, Kävlinge", "Brand", "Skåne län"),
        feed_row(2, "2024-08-22 08:00:00 +02:00", "21 augusti 23.00–02.00, Bråk, Malmö", "Bråk"),
        feed_row(3, "2024-08-22 10:00:00 +02:00", "22 augusti, Stöld, Malmö", "Stöld"),
        feed_row(4, "2024-08-22 10:00:00 +02:00", "Stöld i butik, Malmö", "Stöld"),
        feed_row(5, "2025-01-02 1:05:00 +01:00", "31 december 23.50, Våldtäkt, Malmö", "Våldtäkt"),
        feed_row(6, "2024-08-22 07:05:00 +02:00", "22 augusti 07.00, Sammanfattning natt, Skåne län",
                 "Sammanfattning natt", "Skåne län"),
    ])
    result = import_incidents(path)
    frame = result.frame
    assert len(frame) == 5
    assert frame["occurred_from"].tolist() == [
        pd.Timestamp("2024-08-22 17:59"), pd.Timestamp("2024-08-21 23:00"), pd.Timestamp("2024-08-22 00:00"),
        pd.Timestamp("2024-08-21 10:00"), pd.Timestamp("2024-12-31 23:50")]
    assert frame["occurred_to"].tolist()[:4] == [
        pd.NaT, pd.Timestamp("2024-08-22 02:00"), pd.Timestamp("2024-08-23 00:00"), pd.Timestamp("2024-08-22 10:00")]
    assert frame["category"].astype(str).tolist() == ["Brand", "Ordningsstörning", "Övriga tillgreppsbrott",
                                                       "Övriga tillgreppsbrott", "Våldtäkt inomhus"]
    assert is_protected(frame["category"].iloc[4])
    assert frame["position_precision"].astype(str).tolist() == ["län", "kommun", "kommun", "kommun", "kommun"]
    lines = result.report.lines()
    assert "1 sammanfattning lämnades utanför (\"Sammanfattning natt\" m.fl. återger händelser som har egna " \
           "notiser)." in lines
    assert "1 rubriker har datum men inget klockslag; de räknas som hela dygnet." in lines
    assert "1 rubriker saknar datum; de räknas som dygnet före publiceringen." in lines
    assert "1 händelser ligger på ett läns mittpunkt; de räknas inte på platser, hotspots och täthet (men i det " \
           "område punkten ligger i)." in lines
    assert {"summary", "url", "location_name"} <= set(result.report.columns_dropped)


def test_samsyn_import_of_the_json_snapshot(real_data, tmp_path, run_cli):
    from geo.dataset import read_incidents

    out = tmp_path / "handelser.parquet"
    result = run_cli("import", real_data.joinpath(*SNAPSHOT), "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Rader skrivna: 404" in result.stdout
    assert "Polisens händelser: händelsetiden tas ur rubriken ('name')." in result.stdout
    frame = read_incidents(out)
    assert len(frame) == 404 and set(frame["source"].astype(str)) == {"polis"}
    # Every location of this snapshot is a län ("Skåne län", "Västra Götalands län" …).
    assert frame["position_precision"].astype(str).value_counts().to_dict() == {"län": 404}


def test_the_feeds_positions_are_kommun_and_lan_centroids(feed):
    result, raw = feed
    kept = raw[~raw["type"].str.startswith("Sammanfattning")]
    on_lan = int(kept["location_name"].str.endswith(" län").sum())
    assert (on_lan, len(kept) - on_lan) == (17_390, 52_584)
    # Of the whole feed, summaries included, 38 % name a län.
    assert round(raw["location_name"].str.endswith(" län").mean(), 2) == 0.38
    assert result.frame["position_precision"].astype(str).value_counts().to_dict() == {"kommun": 52_584,
                                                                                        "län": 17_390}
    lines = result.report.lines()
    assert ("52\u00a0584 händelser ligger på en kommuns mittpunkt; de räknas inte på platser, hotspots och täthet "
            "(men i det område punkten ligger i).") in lines
