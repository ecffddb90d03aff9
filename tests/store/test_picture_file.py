"""The problem picture as a file: round trip, a hand-written file, bad files, merge; SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from pyproj import Transformer

from core.errors import InputError
from store import model
from store.model import Cause, Followup, Goal, Hotspot, Measure
from store.picture_file import (
    export_picture,
    import_picture,
    load_schema,
    read_picture,
    write_picture,
)
from store.problem_store import BulkImport, ProblemStore, open_store

ANNA, BO = "Anna (polisen)", "Bo (kommunen)"
# Exempelstad-like places in SWEREF 99 TM (metres).
TORGET = "POLYGON ((674000 6580800, 674000 6580900, 674100 6580900, 674100 6580800, 674000 6580800))"
PARKING = "POINT (674500.5 6581000.25)"
SCHOOL = "POINT (674600 6581100)"
PATH = "LINESTRING (674200 6580700, 674260.125 6580790.5, 674300 6580850)"
CONTROL = "POLYGON ((675000 6580000, 676000 6580000, 676000 6581000, 675000 6581000, 675000 6580000))"
TABLES = ("hotspots", "causes", "measures", "goals", "followups", "measure_hotspots", "audit")


def build_picture(store: ProblemStore) -> None:
    """Every kind of item, archived and merged ones, edited rows (version > 1), every optional field."""
    torget = store.add_hotspot(Hotspot(
        "Stortorget", TORGET, source_kind="district", source_id="D03", categories=["Misshandel utomhus", "Rån"],
        weekdays=[5, 6, 7], hours=[0, 1, 22, 23], organisation="polis", created_by="Anna", picture="polis",
        priority=1, status="prioriterad", notes="Krogarna stänger 02", snapshot={"count": 612, "rate": 4.25,
                                                                              "trend": {"change": -0.12}}),
        user=ANNA)
    torget = store.update_hotspot(torget.id, {"status": "åtgärdad"}, expected_version=1, user=BO)
    parking = store.add_hotspot(Hotspot("Infartsparkeringen", PARKING, source_kind="place", source_id="P08"),
                                user=BO)
    school = store.add_hotspot(Hotspot("Skolan", SCHOOL, organisation="kommun", picture="kommun"), user=BO)
    merged = store.merge_hotspots([parking.id, school.id], title="Parkering och skola", user=BO)
    gangvag = store.add_hotspot(Hotspot("Gångvägen", PATH, notes="mörk", picture="kommun"), user=BO)
    store.archive_hotspot(gangvag.id, expected_version=1, user=BO)
    store.add_cause(Cause(torget.id, "situationell", "närliggande", "Trängsel vid taxikön", shareable=True),
                    user=ANNA)
    hidden = store.add_cause(Cause(merged.id, "gärningsperson", "avlägsen", "Intern uppgift"), user=BO)
    store.archive_cause(hidden.id, expected_version=1, user=BO)
    light = store.add_measure(Measure(
        "Belysning och ordningsvakter", description="LED i parken", organisation="kommun",
        responsible="Tekniska förvaltningen", kind="situationell", start="2024-03-01", end="2024-12-31",
        status="pågår", hotspot_ids=[torget.id, merged.id], shareable=True), user=BO)
    talk = store.add_measure(Measure("Föräldravandringar", organisation="annan", kind="social"), user=BO)
    store.add_goal(Goal("effektmål", "Misshandel −20 %", hotspot_id=torget.id, measure_id=light.id,
                        categories=["Misshandel utomhus"], baseline_start="2023-03-01",
                        baseline_end="2023-12-31", followup_start="2024-03-01", followup_end="2024-12-31",
                        target_change=-0.2), user=ANNA)
    store.add_goal(Goal("processmål", "Vandringar varje fredag", measure_id=talk.id, planned=40.0, done=12.0,
                        unit="vandringar"), user=BO)
    store.add_goal(Goal("produktionsmål", "Nya armaturer", baseline_start="2024-01-01", planned=25.0,
                        unit="st"), user=BO)
    store.add_followup(Followup(light.id, CONTROL, control_name="Västra staden", hotspot_id=torget.id,
                                displacement_m=150.0, categories=["Misshandel utomhus"],
                                before_start="2023-03-01", before_end="2024-02-29",
                                after_start="2024-03-01", after_end="2024-12-31"), user=BO)
    ringless = store.add_followup(Followup(talk.id, CONTROL, displacement_m=None), user=BO)
    store.archive_followup(ringless.id, expected_version=1, user=BO)


def counts(store: ProblemStore) -> dict[str, int]:
    with store._backend.transaction(write=False) as tx:
        return {t: tx.one(f"SELECT COUNT(*) AS n FROM {t}")["n"] for t in TABLES}


def max_shift_m(a_wkt: str, b_wkt: str) -> float:
    """How far apart two geometries' vertices are at most (ring order may differ: RFC 7946 orients rings)."""
    return float(shapely.hausdorff_distance(shapely.from_wkt(a_wkt), shapely.from_wkt(b_wkt)))


@pytest.fixture()
def source(tmp_path: Path) -> ProblemStore:
    with open_store(tmp_path / "source.db") as opened:
        build_picture(opened)
        yield opened


# -- round trip ------------------------------------------------------------------------------------


def test_round_trip_is_the_same_file_and_the_same_rows(source, store, tmp_path):
    first = write_picture(source, tmp_path / "a.json")
    summary = import_picture(store, read_picture(tmp_path / "a.json"), user=BO, source=tmp_path / "a.json")
    assert summary.sentence() == "5 platser, 2 orsaker, 2 åtgärder, 3 mål och 2 uppföljningar"
    write_picture(store, tmp_path / "b.json")
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == (tmp_path / "a.json").read_text(encoding="utf-8")
    assert first == json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))

    # Every stored field but the id survives; geometries within a millimetre in SWEREF 99 TM.
    old = source.list_hotspots(include_archived=True)
    new = store.list_hotspots(include_archived=True)
    new_id = {o.id: n.id for o, n in zip(old, new, strict=True)}
    for o, n in zip(old, new, strict=True):
        assert max_shift_m(o.geometry_wkt, n.geometry_wkt) < 0.001, o.title
        assert (n.title, n.status, n.version, n.created_at, n.updated_at, n.created_by, n.archived) == (
            o.title, o.status, o.version, o.created_at, o.updated_at, o.created_by, o.archived)
        if o.source_kind != "merged":  # a merged one's snapshot names the originals by id: checked below
            assert (n.snapshot, n.source_id, n.notes) == (o.snapshot, o.source_id, o.notes)
        assert n.merged_into == (new_id[o.merged_into] if o.merged_into else None)
    merged = next(h for h in new if h.source_kind == "merged")
    assert merged.source_id == f"{new_id[2]},{new_id[3]}"
    assert [e["id"] for e in merged.snapshot["merged_from"]] == [new_id[2], new_id[3]]
    torget = new[0]
    assert (torget.hours, torget.weekdays, torget.priority, torget.picture) == ([0, 1, 22, 23], [5, 6, 7], 1, "polis")
    measure = store.list_measures(include_archived=True)[0]
    assert measure.hotspot_ids == sorted([new_id[1], new_id[4]])
    goals = store.list_goals(include_archived=True)
    assert (goals[0].target_change, goals[0].baseline_start, goals[0].followup_end) == (-0.2, "2023-03-01",
                                                                                        "2024-12-31")
    assert (goals[1].planned, goals[1].done, goals[1].unit, goals[2].baseline_end) == (40.0, 12.0, "vandringar", "")
    followups = store.list_followups(include_archived=True)
    assert [f.displacement_m for f in followups] == [150.0, None]
    assert max_shift_m(CONTROL, followups[0].control_wkt) < 0.001
    assert [c.shareable for c in store.list_causes(include_archived=True)] == [True, False]
    assert [m.shareable for m in store.list_measures(include_archived=True)] == [True, False]
    assert store.integrity_check() == []
    # One audit entry per imported row, naming the file.
    log = store.audit_log("hotspot", new[0].id)
    assert [(e.action, e.user) for e in log] == [("import", BO)]
    assert log[0].changes["imported_from"] == [None, "a.json (h1)"]


def test_geojson_is_wgs84_lon_lat_per_rfc_7946(source):
    document = export_picture(source)
    merged = document["hotspots"][3]  # parking + school
    lon, lat = merged["geometry"]["coordinates"][0]
    expected = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True).transform(674500.5, 6581000.25)
    assert merged["geometry"]["type"] == "MultiPoint"
    assert abs(lon - expected[0]) < 1e-9 and abs(lat - expected[1]) < 1e-9
    assert 10 < lon < 25 and 55 < lat < 70  # longitude first: Sweden
    ring = document["hotspots"][0]["geometry"]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw  # stored clockwise; RFC 7946 wants the exterior ring ccw
    assert [h.get("merged_into") for h in document["hotspots"]] == [None, "h4", "h4", None, None]
    assert merged["merged_from"] == ["h2", "h3"] and "source_id" not in merged
    assert [e["id"] for e in merged["snapshot"]["merged_from"]] == ["h2", "h3"]
    assert document["followups"][1]["displacement_buffer_m"] is None  # no ring, unlike a left-out value
    assert "hours" not in document["hotspots"][1]  # empty = all hours: left out


def test_schema_lists_the_stores_choices():
    defs = load_schema()["$defs"]
    assert defs["hotspot"]["properties"]["organisation"]["enum"] == list(model.ORGANISATIONS)
    assert defs["hotspot"]["properties"]["picture"]["enum"] == list(model.PICTURES)
    assert defs["hotspot"]["properties"]["status"]["enum"] == list(model.STATUSES)
    assert defs["hotspot"]["properties"]["priority"]["enum"] == list(model.PRIORITIES)
    assert defs["hotspot"]["properties"]["source_kind"]["enum"] == list(model.SOURCE_KINDS)
    assert defs["cause"]["properties"]["perspective"]["enum"] == list(model.PERSPECTIVES)
    assert defs["cause"]["properties"]["proximity"]["enum"] == list(model.PROXIMITIES)
    assert defs["measure"]["properties"]["kind"]["enum"] == list(model.MEASURE_KINDS)
    assert defs["measure"]["properties"]["status"]["enum"] == list(model.MEASURE_STATUSES)
    assert defs["goal"]["properties"]["kind"]["enum"] == list(model.GOAL_KINDS)


def test_export_validates_against_its_own_schema(source):
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(load_schema())
    jsonschema.Draft202012Validator(load_schema()).validate(export_picture(source))


def test_an_export_for_the_other_party_keeps_only_shareable_measure_descriptions(store):
    import jsonschema

    from core.disclosure import View
    from store.picture_file import Recipient

    place = store.add_hotspot(Hotspot("Gångtunneln", PARKING, dataset_id="exempelstad"), user=ANNA)
    store.add_measure(Measure("Belysning", description="Ny LED-belysning i gångtunneln före oktober",
                              hotspot_ids=[place.id], shareable=True), user=BO)
    store.add_measure(Measure("Spaning", description="Civilklädda poliser fredagar 22–02", organisation="polis",
                              hotspot_ids=[place.id]), user=ANNA)
    joint = Recipient("kommunen", lambda dataset_id: View(True, False, "gemensam"), "Gjord för kommunen.")
    document = export_picture(store, recipient=joint)
    jsonschema.Draft202012Validator(load_schema()).validate(document)
    # Both measures go to the kommun by title; only the description marked shareable goes with them.
    assert [(m["title"], m.get("description"), m.get("shareable")) for m in document["measures"]] == [
        ("Belysning", "Ny LED-belysning i gångtunneln före oktober", True), ("Spaning", None, None)]
    assert "Civilklädda" not in json.dumps(document, ensure_ascii=False)
    # The operator's own export keeps both.
    assert [m.get("description") for m in export_picture(store)["measures"]] == [
        "Ny LED-belysning i gångtunneln före oktober", "Civilklädda poliser fredagar 22–02"]


def test_a_version_5_database_gets_measures_not_shareable_and_keeps_them(store_url):
    from store.backends import PostgresBackend, SQLiteBackend
    from tests.store._legacy import before_measure_shareable

    old = PostgresBackend(store_url) if store_url.startswith("postgresql") else SQLiteBackend(store_url)
    assert old.migrate(target=5) == 5
    with before_measure_shareable():
        made = ProblemStore(old).add_measure(Measure("Belysning", description="LED i parken"), user=BO)
    old.close()
    with open_store(store_url) as migrated:
        assert migrated.schema_version() == 6
        measure = migrated.get_measure(made.id)
        assert (measure.title, measure.description, measure.shareable) == ("Belysning", "LED i parken", False)
        marked = migrated.update_measure(made.id, {"shareable": True}, expected_version=1, user=BO)
        assert migrated.get_measure(made.id).shareable is True and marked.version == 2
        assert migrated.audit_log("measure", made.id)[-1].changes == {"shareable": [False, True]}
        # The same migration made the table a dataset's sharing changes are logged under.
        migrated.log_dataset_change("polisens-export", {"sharing": ["egen", "gemensam"]}, user=BO)
        assert [e.changes for e in migrated.dataset_log("polisens-export")] == [{"sharing": ["egen", "gemensam"]}]
        assert migrated.integrity_check() == []


# -- a file written by hand --------------------------------------------------------------------------

HAND_WRITTEN = """{
  "format": "samsyn-problembild",
  "version": 1,
  "dataset": {"id": "polisens-export", "name": "Polisens export 2024", "crs": "EPSG:3006"},
  "hotspots": [
    {"key": "torget", "title": "Stortorget", "organisation": "polis", "picture": "polis",
     "geometry": {"type": "Point", "coordinates": [18.0710, 59.3250]},
     "categories": ["Misshandel utomhus"], "weekdays": [6, 5], "priority": 1},
    {"key": "parken", "title": "Parken", "organisation": "polis", "picture": "polis",
     "geometry": {"type": "Polygon", "coordinates": [[[18.060, 59.330], [18.062, 59.330], [18.062, 59.331],
                                                     [18.060, 59.331], [18.060, 59.330]]]}}
  ],
  "causes": [
    {"key": "o1", "hotspot": "torget", "perspective": "situationell", "proximity": "närliggande",
     "text": "Taxikön", "shareable": true}
  ],
  "measures": [
    {"key": "vakter", "title": "Ordningsvakter", "organisation": "polis", "start": "2024-05-01",
     "hotspots": ["torget", "parken"]}
  ],
  "goals": [
    {"key": "mindre-vald", "kind": "effektmål", "description": "Minska misshandeln med en fjärdedel",
     "measure": "vakter", "hotspot": "torget", "categories": ["Misshandel utomhus"], "target_change": -0.25,
     "baseline": ["2023-05-01", "2024-04-30"], "followup": ["2024-05-01", "2025-04-30"]}
  ],
  "followups": [
    {"key": "u1", "measure": "vakter", "hotspot": "torget",
     "control": {"type": "Polygon", "coordinates": [[[18.08, 59.32], [18.09, 59.32], [18.09, 59.33],
                                                    [18.08, 59.33], [18.08, 59.32]]]}}
  ]
}
"""


def test_hand_written_file_imports_with_defaults_and_sweref_coordinates(store, tmp_path):
    path = tmp_path / "polisens.json"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    summary = import_picture(store, read_picture(path), user=ANNA, source=path)
    assert summary.sentence() == "2 platser, 1 orsak, 1 åtgärd, 1 mål och 1 uppföljning"

    torget, parken = store.list_hotspots()
    # Independent reference: pyproj directly, WGS84 lon/lat -> SWEREF 99 TM east/north.
    east, north = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(18.0710, 59.3250)
    point = shapely.from_wkt(torget.geometry_wkt)
    assert abs(point.x - east) < 0.001 and abs(point.y - north) < 0.001
    # By hand (transverse Mercator series to the third order, central meridian 15° E, k0 0.9996,
    # false easting 500 000 m): Δλ = 3.071° = 0.053599 rad, cos φ = 0.510168, ν = 6 393 992 m,
    # ν·cos φ·Δλ = 174 843.7 m, third-order term −40.1 m, so E ≈ 500 000 + 0.9996 · 174 803.6 ≈ 674 734 m.
    assert point.x == pytest.approx(674_734, abs=5)
    assert 6_580_000 < point.y < 6_580_600
    assert (torget.crs, torget.weekdays, torget.hours, torget.priority, torget.status) == (
        "EPSG:3006", [5, 6], [], 1, "förslag")  # hours absent = all; status the store's default
    assert (torget.created_by, torget.version, torget.archived) == (ANNA, 1, False)
    assert torget.created_at and torget.updated_at == torget.created_at
    assert getattr(torget, "dataset_id", "polisens-export") == "polisens-export"
    assert shapely.from_wkt(parken.geometry_wkt).geom_type == "Polygon"
    # The south edge, 0.002° of longitude at 59.330° N, by hand: ν·cos φ·Δλ = 6 393 993 · 0.510093 ·
    # 3.4907e-5 = 113.85 m on the ellipsoid, times the grid scale 0.99997 at 174 km from the central meridian.
    (x0, y0), (x1, y1) = list(shapely.from_wkt(parken.geometry_wkt).exterior.coords)[:2]
    assert ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 == pytest.approx(113.84, abs=0.1)
    (measure,) = store.list_measures()
    assert (measure.hotspot_ids, measure.status, measure.kind, measure.end) == (
        [torget.id, parken.id], "planerad", "situationell", "")
    (goal,) = store.list_goals()
    assert (goal.measure_id, goal.hotspot_id, goal.target_change, goal.baseline_end) == (
        measure.id, torget.id, -0.25, "2024-04-30")
    (followup,) = store.list_followups()
    assert followup.displacement_m == 200.0  # left out = the store's 200 m ring
    assert shapely.from_wkt(followup.control_wkt).geom_type == "Polygon"
    assert store.list_causes()[0].hotspot_id == torget.id


# -- bad files: one transaction, nothing half-imported -------------------------------------------------


def _with_bad_last_goal() -> dict:
    document = json.loads(HAND_WRITTEN)
    document["goals"] += [
        {"key": "g2", "kind": "processmål", "description": "Vandringar", "planned": 10},
        {"key": "g3", "kind": "effektmål", "description": "Baklänges", "hotspot": "torget",
         "baseline": ["2024-12-31", "2024-01-01"]},
    ]
    return document


def test_bad_last_goal_refuses_the_whole_file(store, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_with_bad_last_goal(), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_picture(store, read_picture(path), user=ANNA, source=path)
    message = str(caught.value)
    assert message.startswith("Fil bad.json: filen importerades inte, 1 fel:")
    assert "goals[2] (g3).baseline: slutdatum 2024-01-01 ligger före startdatum 2024-12-31" in message
    assert all(n == 0 for n in counts(store).values())


def test_a_failure_while_writing_rolls_everything_back(store, tmp_path, monkeypatch):
    real_add = BulkImport.add

    def failing(self, entity, item, *, origin=""):  # the database refuses the last goal, after the rest
        if entity == "goal" and item.description == "Baklänges":
            raise ValueError("simulerat fel i databasen")
        return real_add(self, entity, item, origin=origin)

    document = _with_bad_last_goal()
    document["goals"][-1]["baseline"] = ["2024-01-01", "2024-12-31"]  # valid now: the failure is the database's
    monkeypatch.setattr(BulkImport, "add", failing)
    with pytest.raises(ValueError, match="simulerat fel"):
        import_picture(store, document, user=ANNA, source="bad.json")
    assert all(n == 0 for n in counts(store).values())


def _problems(document: dict, tmp_path: Path) -> str:
    path = tmp_path / "fil.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_picture(path)
    return str(caught.value)


def _edit(change) -> dict:
    document = json.loads(HAND_WRITTEN)
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["hotspots"][0].update(titel=d["hotspots"][0].pop("title")),
         ["hotspots[0] (torget).title: saknas", "hotspots[0] (torget).titel: okänt fält; menade du 'title'?"]),
        (lambda d: d["measures"][0].update(hotspots=["torget", "torg"]),
         ["measures[0] (vakter).hotspots[1]: 'torg' finns inte bland hotspots"]),
        (lambda d: d["hotspots"][0]["geometry"].update(coordinates=[59.3250, 18.0710]),
         ["hotspots[0] (torget).geometry: punkten (59.325000, 18.071000) ligger utanför området där EPSG:3006 "
          "gäller; det ser ut som latitud före longitud"]),
        (lambda d: d["hotspots"][0]["geometry"].update(coordinates=[674032.0, 6580821.0]),
         ["hotspots[0] (torget).geometry: koordinaterna (674032, 6580821) är inte longitud/latitud i WGS84"]),
        (lambda d: d["hotspots"][1]["geometry"].update(coordinates=[[[18.060, 59.330], [18.062, 59.331],
                                                                     [18.062, 59.330], [18.060, 59.331],
                                                                     [18.060, 59.330]]]),
         ["hotspots[1] (parken).geometry: geometrin är ogiltig (Self-intersection"]),
        (lambda d: d["dataset"].update(crs="EPSG:99999"),
         ["dataset.crs: okänt koordinatsystem \"EPSG:99999\""]),
        (lambda d: d["dataset"].update(crs="EPSG:4326"),
         ["dataset.crs: EPSG:4326 är inget projicerat koordinatsystem i meter"]),
        (lambda d: d["goals"][0].update(target_change=-25),
         ["goals[0] (mindre-vald).target_change: -25 är mindre än −1 (−100 %); målförändringen anges som andel"]),
        (lambda d: d["goals"][0].update(baseline=["2023-02-30", "2024-04-30"]),
         ["goals[0] (mindre-vald).baseline[0]: \"2023-02-30\" är inget datum som finns"]),
        (lambda d: d["hotspots"][0].update(organisation="Polisen"),
         ["hotspots[0] (torget).organisation: \"Polisen\" finns inte; välj bland: \"polis\", \"kommun\", \"annan\""]),
        (lambda d: d["hotspots"][1].update(key="torget"),
         ["hotspots[1] (torget).key: nyckeln 'torget' finns redan i hotspots[0]"]),
        (lambda d: d["followups"][0].update(control=d["hotspots"][0]["geometry"]),
         ["followups[0] (u1).control.type: \"Point\" finns inte; välj bland: \"Polygon\", \"MultiPolygon\""]),
        (lambda d: d["hotspots"][0].update(hours=[22, 24]),
         ["hotspots[0] (torget).hours[1]: får vara högst 23, inte 24"]),
        (lambda d: d.update(version=2),
         ["version: filen har formatversion 2, men den här versionen av Samsyn läser version 1"]),
        (lambda d: d.update(format="geojson"),
         ["format: ska vara \"samsyn-problembild\""]),
    ],
    ids=["typo", "missing-key", "lat-lon-swapped", "sweref-not-wgs84", "bowtie", "unknown-crs", "geographic-crs",
         "percent-not-fraction", "no-such-date", "bad-choice", "duplicate-key", "control-not-area", "hour-24",
         "newer-version", "not-samsyn"],
)
def test_bad_file_messages_name_the_json_path(change, expected, tmp_path):
    message = _problems(_edit(change), tmp_path)
    assert message.startswith("Fil fil.json: filen importerades inte")
    for fragment in expected:
        assert fragment in message


def test_not_json_names_line_and_column(tmp_path):
    path = tmp_path / "trasig.json"
    path.write_text('{"format": "samsyn-problembild",\n "version": 1,,}', encoding="utf-8")
    with pytest.raises(InputError, match=r"^Fil trasig.json: filen är ingen giltig JSON \(rad 2, kolumn 15\)\.$"):
        read_picture(path)


# -- merge ------------------------------------------------------------------------------------------


def test_non_empty_store_needs_merge_and_merge_adds_a_copy(store, tmp_path):
    path = tmp_path / "polisens.json"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    document = read_picture(path)
    first = import_picture(store, document, user=ANNA, source=path)
    before = counts(store)
    with pytest.raises(InputError, match="inte tom \\(2 platser, 1 orsak, 1 åtgärd, 1 mål, 1 uppföljning\\); "
                                         "använd --merge"):
        import_picture(store, document, user=ANNA, source=path)
    assert counts(store) == before

    second = import_picture(store, document, user=BO, source=path, merge=True)
    assert second.sentence() == first.sentence()
    assert len(store.list_hotspots()) == 4
    new_torget, new_parken = second.ids["hotspot"]["torget"], second.ids["hotspot"]["parken"]
    assert {new_torget, new_parken}.isdisjoint(first.ids["hotspot"].values())
    copy_measure = store.get_measure(second.ids["measure"]["vakter"])
    assert copy_measure.hotspot_ids == [new_torget, new_parken]
    assert store.get_goal(second.ids["goal"]["mindre-vald"]).hotspot_id == new_torget
    assert store.get_followup(second.ids["followup"]["u1"]).measure_id == copy_measure.id
    assert store.integrity_check() == []


# -- the store's public bulk import (what import_picture writes through) ---------------------------


def test_import_transaction_keeps_history_and_logs_each_row(store):
    created, updated = "2024-02-01T09:30:00+01:00", "2024-05-06T14:00:00+02:00"
    with store.import_transaction(user=BO) as bulk:
        assert bulk.counts() == {"hotspot": 0, "cause": 0, "measure": 0, "goal": 0, "followup": 0}
        # Torget and Parken were merged (so archived) before the backup was taken.
        old = bulk.add("hotspot", Hotspot("Torget", TORGET, created_by="Anna", created_at=created,
                                          updated_at=updated, version=3, archived=True), origin="backup.json (h1)")
        fresh = bulk.add("hotspot", Hotspot("Parken", PARKING, archived=True), origin="backup.json (h2)")
        gone = bulk.add("hotspot", Hotspot("Gångvägen", PATH, archived=True, version=2), origin="h3")
        cause = bulk.add("cause", Cause(gone.id, "situationell", "närliggande", "Mörkt", archived=True), origin="c1")
        measure = bulk.add("measure", Measure("Belysning", hotspot_ids=[old.id, fresh.id]), origin="m1")
        merged = bulk.add("hotspot", Hotspot("Torget och parken", TORGET, source_kind="merged"), origin="h4")
        for original in (old, fresh):
            bulk.set_merge(original.id, merged_into=merged.id, source_id="", snapshot={})
        bulk.set_merge(merged.id, merged_into=None, source_id=f"{old.id},{fresh.id}",
                       snapshot={"merged_from": [old.id, fresh.id]})
        assert bulk.counts()["hotspot"] == 4  # the rows are there inside the transaction

    kept = store.get_hotspot(old.id)
    assert (kept.created_by, kept.created_at, kept.updated_at, kept.version) == ("Anna", created, updated, 3)
    assert kept.merged_into == merged.id and store.get_hotspot(fresh.id).merged_into == merged.id
    # Blank history takes the importing user and one time for the whole import.
    new = store.get_hotspot(fresh.id)
    assert new.created_by == BO and new.version == 1 and new.created_at == new.updated_at
    assert store.get_hotspot(gone.id).archived and store.get_cause(cause.id).archived
    assert store.get_measure(measure.id).hotspot_ids == [old.id, fresh.id]
    assert store.get_hotspot(merged.id).source_id == f"{old.id},{fresh.id}"

    # One "import" entry per row, by the importer, at the import's time, with the row's own version
    # and where it came from; the merge is in the entries as it was finally stored.
    entries = [e for e in store.audit_log() if e.action == "import"]
    assert [(e.entity, e.entity_id, e.version) for e in entries] == [
        ("hotspot", old.id, 3), ("hotspot", fresh.id, 1), ("hotspot", gone.id, 2), ("cause", cause.id, 1),
        ("measure", measure.id, 1), ("hotspot", merged.id, 1)]
    assert {e.user for e in entries} == {BO} and len({e.at for e in entries}) == 1
    assert entries[0].changes["imported_from"] == [None, "backup.json (h1)"]
    assert entries[0].changes["created_by"] == [None, "Anna"] and "version" not in entries[0].changes
    assert entries[4].changes["hotspot_ids"] == [None, [old.id, fresh.id]]
    assert entries[5].changes["source_id"] == [None, f"{old.id},{fresh.id}"]
    assert store.integrity_check() == []


def test_import_transaction_writes_nothing_when_a_row_breaks_the_rules(store):
    with pytest.raises(ValueError, match="Perspektiv 'okänt' finns inte"), store.import_transaction(user=ANNA) as bulk:
        spot = bulk.add("hotspot", Hotspot("Torget", TORGET), origin="h1")
        bulk.add("cause", Cause(spot.id, "okänt", "närliggande", "Mörkt"), origin="c1")
    assert all(n == 0 for n in counts(store).values())
    with pytest.raises(ValueError, match="Ange"), store.import_transaction(user="  "):
        pass


def test_all_rows_reads_every_kind_archived_and_merged_too(source):
    rows = source.all_rows()
    # build_picture: Stortorget, the parking and the school (merged into one), the merged place, Gångvägen.
    assert [h.title for h in rows["hotspot"]] == ["Stortorget", "Infartsparkeringen", "Skolan",
                                                  "Parkering och skola", "Gångvägen"]
    assert [h.archived for h in rows["hotspot"]] == [False, True, True, False, True]
    assert {k: len(v) for k, v in rows.items()} == {"hotspot": 5, "cause": 2, "measure": 2, "goal": 3,
                                                    "followup": 2}
