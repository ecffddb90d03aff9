"""``samsyn picture export|import``: the configured store, exit codes, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import main
from store.model import Cause, Hotspot, Measure
from store.problem_store import open_store
from tests.store.test_picture_file import HAND_WRITTEN

TORGET = "POLYGON ((674000 6580800, 674100 6580800, 674100 6580900, 674000 6580900, 674000 6580800))"


@pytest.fixture()
def run_here(capsys, monkeypatch, tmp_path):
    """Run the CLI in this process, from ``tmp_path`` (where samsyn.toml is looked for), no SAMSYN_* set."""
    monkeypatch.chdir(tmp_path)
    for name in ("SAMSYN_CONFIG", "SAMSYN_DATA"):
        monkeypatch.delenv(name, raising=False)

    def _run(*args):
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def _configured(tmp_path: Path) -> Path:
    """A samsyn.toml naming its own database, as an installation's would."""
    db = tmp_path / "server" / "gemensam.db"
    db.parent.mkdir()
    (tmp_path / "samsyn.toml").write_text(f'[data]\ndirectory = "data"\n\n[database]\nurl = "sqlite:///{db}"\n',
                                          encoding="utf-8")
    return db


def _seed(db: Path) -> None:
    with open_store(db) as store:
        spot = store.add_hotspot(Hotspot("Stortorget", TORGET, organisation="polis", picture="polis"),
                                 user="Anna (polisen)")
        store.add_cause(Cause(spot.id, "situationell", "närliggande", "Taxikön"), user="Anna (polisen)")
        store.add_measure(Measure("Belysning", hotspot_ids=[spot.id]), user="Bo (kommunen)")


def test_export_reads_the_store_samsyn_toml_names(tmp_path, run_here):
    db = _configured(tmp_path)
    _seed(db)
    code, out, err = run_here("picture", "export", "--out", "problembild.json")
    assert code == 0, err
    assert out == ("Skrev problembild.json (1 plats, 1 orsak, 1 åtgärd, 0 mål och 0 uppföljningar; "
                   "dataset exempelstad, formatversion 1).\n")
    document = json.loads((tmp_path / "problembild.json").read_text(encoding="utf-8"))
    assert (document["format"], document["version"], document["dataset"]["crs"]) == (
        "samsyn-problembild", 1, "EPSG:3006")
    assert [h["title"] for h in document["hotspots"]] == ["Stortorget"]
    assert not (tmp_path / "data" / "problembild.db").exists()  # not the default file beside the data


def test_import_into_empty_store_then_refused_then_merged(tmp_path, run_here):
    db = _configured(tmp_path)
    (tmp_path / "polisens.json").write_text(HAND_WRITTEN, encoding="utf-8")
    code, out, err = run_here("picture", "import", "polisens.json", "--user", "Bo (kommunen)")
    assert code == 0, err
    assert out == (f"Importerade 2 platser, 1 orsak, 1 åtgärd, 1 mål och 1 uppföljning från polisens.json "
                   f"till sqlite:///{db}.\n")

    code, out, err = run_here("picture", "import", "polisens.json", "--user", "Bo (kommunen)")
    assert code == 2 and out == ""
    assert err.startswith("Fel: Fil polisens.json: problembilden i databasen är inte tom (2 platser,")
    assert "använd --merge" in err

    code, out, err = run_here("picture", "import", "polisens.json", "--merge", "--user", "Bo (kommunen)")
    assert code == 0, err
    with open_store(db) as store:
        assert [h.title for h in store.list_hotspots()] == ["Stortorget", "Parken", "Stortorget", "Parken"]
        assert [e.user for e in store.audit_log("hotspot")] == ["Bo (kommunen)"] * 4


def test_bad_file_exit_2_names_path_and_writes_nothing(tmp_path, run_cli):
    db = tmp_path / "tom.db"
    document = json.loads(HAND_WRITTEN)
    document["goals"].append({"key": "g2", "kind": "effektmål", "description": "Baklänges",
                              "baseline": ["2024-12-31", "2024-01-01"]})
    (tmp_path / "bad.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = run_cli("picture", "import", "bad.json", "--db", db)
    assert result.returncode == 2
    assert result.stderr.startswith("Fel: Fil bad.json: filen importerades inte, 1 fel:")
    assert "goals[1] (g2).baseline: slutdatum 2024-01-01 ligger före startdatum 2024-12-31" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not db.exists()  # the file is checked before the store is even opened


def test_export_then_import_elsewhere_gives_the_same_file(tmp_path, run_here):
    _seed(tmp_path / "a.db")
    assert run_here("picture", "export", "--db", tmp_path / "a.db", "--out", "a.json")[0] == 0
    assert run_here("picture", "import", "a.json", "--db", tmp_path / "b.db", "--user", "Bo")[0] == 0
    assert run_here("picture", "export", "--db", tmp_path / "b.db", "--out", "b.json")[0] == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_export_wants_a_json_file_and_leaves_nothing_on_failure(tmp_path, run_here):
    code, out, err = run_here("picture", "export", "--db", tmp_path / "a.db", "--out", "problembild.txt")
    assert (code, out) == (2, "")
    assert err == "Fel: Fil problembild.txt: Utfilen måste sluta på .json.\n"
    assert not (tmp_path / "problembild.txt").exists()
