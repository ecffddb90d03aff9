"""``samsyn dataset add|list|use`` with files as a source system writes them (semicolons, decimal commas)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from pyproj import Transformer

from workspace import Workspace

# Two 1 km squares in Malmö in SWEREF 99 TM: Centrum (A) west of Norr (B).
SQUARES = {"A": (374_000, 6_164_000), "B": (375_000, 6_164_000)}
TO_WGS84 = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)

# A police export: Swedish headers, date and time apart, coordinates with decimal commas, free text.
POLICE_CSV = """Ärendenummer;Datum;Klockslag;Brottstyp;X-koordinat;Y-koordinat;Fritext
5000-K100001-25;2025-05-02;08:15;Cykelstöld;374100,5;6164200,25;Cykel vid stationen
5000-K100002-25;2025-05-03;23:40;Klotter;374500,0;6164500,0;Klotter på skolan
5000-K100003-25;2025-05-09;14:05;Skadegörelse;374900,75;6164900,5;Trasig ruta
5000-K100004-25;2025-05-10;02:30;Klotter;375500,0;6164500,0;Tunnel
"""


def _districts_geojson(path: Path) -> Path:
    """The kommun's district layer as GeoJSON in WGS 84 (RFC 7946), as a GIS exports it."""
    features = []
    for code, (x0, y0) in SQUARES.items():
        corners = [(x0, y0), (x0 + 1000, y0), (x0 + 1000, y0 + 1000), (x0, y0 + 1000), (x0, y0)]
        ring = [list(TO_WGS84.transform(x, y)) for x, y in corners]
        features.append({"type": "Feature", "properties": {"kod": code, "namn": {"A": "Centrum", "B": "Norr"}[code]},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


@pytest.fixture()
def export(tmp_path) -> dict[str, Path]:
    incidents = tmp_path / "export" / "polisen-maj-2025.csv"
    incidents.parent.mkdir()
    incidents.write_text(POLICE_CSV, encoding="utf-8")
    return {"incidents": incidents, "districts": _districts_geojson(tmp_path / "export" / "stadsdelar.geojson")}


def _datasets_on_disk(data: Path) -> list[str]:
    root = data / "datasets"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_add_imports_incidents_and_districts_into_a_new_dataset(tmp_path, export, run_cli):
    data = tmp_path / "userdata"
    result = run_cli("dataset", "add", "Polisens export maj 2025", "--incidents", export["incidents"],
                     "--districts", export["districts"], "--source-value", "polis", "--salt", "test")

    assert result.returncode == 0, result.stderr
    assert "Rader lästa: 4" in result.stdout and "Rader skrivna: 4" in result.stdout
    assert "Områden: 2 ur stadsdelar.geojson" in result.stdout
    assert "Skapade datasetet polisens-export-maj-2025 (Polisens export maj 2025)" in result.stdout
    assert _datasets_on_disk(data) == ["polisens-export-maj-2025"]

    frames = Workspace.open(data_dir=data, env={}).load("polisens-export-maj-2025")
    assert frames.crs == "EPSG:3006"
    # The decimal commas were read as decimals, and the free text and case numbers did not pass.
    assert frames.incidents["x"].tolist() == [374100.5, 374500.0, 374900.75, 375500.0]
    assert frames.incidents["y"].tolist() == [6164200.25, 6164500.0, 6164900.5, 6164500.0]
    assert "Fritext" not in frames.incidents.columns
    # Three in Centrum, one in Norr (by hand from the coordinates above).
    assert frames.incidents["district"].astype(str).tolist() == ["A", "A", "A", "B"]
    assert frames.districts.set_index("area_id")["name"].to_dict() == {"A": "Centrum", "B": "Norr"}


def test_list_shows_layers_crs_and_the_default_and_use_changes_it(tmp_path, export, run_cli):
    added = run_cli("dataset", "add", "Polisens export maj 2025", "--incidents", export["incidents"])
    assert added.returncode == 0, added.stderr

    listed = run_cli("dataset", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    sample = next(line for line in lines if " exempelstad " in line)
    own = next(line for line in lines if "polisens-export-maj-2025" in line)
    assert sample.startswith("*") and not own.startswith("*")
    assert own.split()[-2:] == ["incidents", "EPSG:3006"]
    assert "inbyggt" in sample

    used = run_cli("dataset", "use", "polisens export MAJ 2025")  # by name, case-insensitively
    assert used.returncode == 0, used.stderr
    assert "Standarddataset: polisens-export-maj-2025" in used.stdout
    relisted = run_cli("dataset", "list").stdout.splitlines()
    assert next(line for line in relisted if "polisens-export-maj-2025" in line).startswith("*")
    assert Workspace.open(data_dir=tmp_path / "userdata", env={}).default_dataset().id == "polisens-export-maj-2025"


def test_add_honours_samsyn_toml_and_use_flag(tmp_path, export, run_cli):
    (tmp_path / "samsyn.toml").write_text('[data]\ndirectory = "delad/data"\n', encoding="utf-8")
    result = run_cli("dataset", "add", "Maj", "--incidents", export["incidents"], "--use")
    assert result.returncode == 0, result.stderr
    assert "maj är nu standarddataset." in result.stdout
    assert _datasets_on_disk(tmp_path / "delad" / "data") == ["maj"]
    assert not (tmp_path / "userdata").exists()
    assert json.loads((tmp_path / "delad" / "data" / "active.json").read_text())["dataset"] == "maj"


def test_a_bad_incident_row_is_refused_and_nothing_is_left_behind(tmp_path, export, run_cli):
    bad = tmp_path / "export" / "trasig.csv"
    bad.write_text(POLICE_CSV.replace("2025-05-03", "3 maj"), encoding="utf-8")
    result = run_cli("dataset", "add", "Maj", "--incidents", bad, "--districts", export["districts"])
    assert result.returncode == 2
    assert "trasig.csv" in result.stderr and "rad 3" in result.stderr and "Datum" in result.stderr
    assert "Traceback" not in result.stderr
    assert _datasets_on_disk(tmp_path / "userdata") == []


def test_a_bad_district_file_is_refused_and_nothing_is_left_behind(tmp_path, export, run_cli):
    broken = tmp_path / "export" / "stadsdelar-trasig.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    result = run_cli("dataset", "add", "Maj", "--incidents", export["incidents"], "--districts", broken)
    assert result.returncode == 2
    assert result.stderr.startswith("Fel: ") and "stadsdelar-trasig.geojson" in result.stderr
    assert "Traceback" not in result.stderr
    assert _datasets_on_disk(tmp_path / "userdata") == []


def test_skip_invalid_keeps_the_rest_and_the_rejected_rows_with_reason(tmp_path, export, run_cli):
    bad = tmp_path / "export" / "delvis.csv"
    bad.write_text(POLICE_CSV.replace("2025-05-03", "3 maj"), encoding="utf-8")
    result = run_cli("dataset", "add", "Maj", "--incidents", bad, "--skip-invalid", "--rejected",
                     tmp_path / "avvisade.csv")
    assert result.returncode == 0, result.stderr
    assert "Rader skrivna: 3" in result.stdout
    rejected = pd.read_csv(tmp_path / "avvisade.csv", sep=";", encoding="utf-8-sig")
    assert len(rejected) == 1 and "reason" in rejected.columns
    # The data directory holds only what passed the importer (issue 9): no rejected rows in the dataset.
    assert sorted(p.name for p in (tmp_path / "userdata" / "datasets" / "maj").iterdir()) == [
        "dataset.json", "import-report.json", "incidents.parquet"]
    inside = run_cli("dataset", "add", "Maj 2", "--incidents", bad, "--skip-invalid", "--rejected",
                     tmp_path / "userdata" / "avvisade.csv")
    assert inside.returncode == 2 and "sparas inte i datamappen" in inside.stderr


def test_missing_file_and_unknown_dataset_are_bad_input(tmp_path, run_cli):
    missing = run_cli("dataset", "add", "Maj", "--incidents", tmp_path / "finns-inte.csv")
    assert missing.returncode == 2 and "finns-inte.csv" in missing.stderr and "finns inte" in missing.stderr
    unknown = run_cli("dataset", "use", "april")
    assert unknown.returncode == 2
    assert "Datasetet 'april' finns inte" in unknown.stderr and "exempelstad" in unknown.stderr


def test_a_failure_while_writing_removes_the_new_dataset(tmp_path, export, monkeypatch):
    import geo.areas
    from cli import main

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(geo.areas, "write_areas", full_disk)
    # A full disk is the user's to fix: a message and exit code 2 (tests/shared/test_disk_full.py on a real one).
    assert main(["dataset", "add", "Maj", "--incidents", str(export["incidents"]), "--districts",
                 str(export["districts"]), "--data", str(tmp_path / "userdata")]) == 2
    assert _datasets_on_disk(tmp_path / "userdata") == []
