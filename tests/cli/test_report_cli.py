"""``samsyn report`` reads the data directory and the database that samsyn.toml names, as the dashboard does."""

from __future__ import annotations

from pathlib import Path

from store.model import Hotspot
from store.problem_store import open_store

TOML = """
[data]
directory = "delad/data"

[database]
url = "sqlite:///{db}"
"""


def _pin(db: Path, titles: list[str], dataset_id: str = "exempelstad") -> None:
    with open_store(db) as store:
        for number, title in enumerate(titles):
            x, y = 152_000 + 200 * number, 6_580_000
            store.add_hotspot(Hotspot(title=title, geometry_wkt=f"POINT ({x} {y})", dataset_id=dataset_id),
                              user="Test")


def test_report_reads_the_store_named_in_samsyn_toml(tmp_path, run_cli):
    db = tmp_path / "server" / "problembild-gemensam.db"
    _pin(db, ["Stortorget", "Resecentrum", "Parken vid skolan"])
    (tmp_path / "samsyn.toml").write_text(TOML.format(db=db), encoding="utf-8")

    result = run_cli("report", "--out", "rapport.html", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "(3 platser," in result.stdout
    assert (tmp_path / "rapport.html").is_file()
    # Nothing was created where the old code looked: no ./userdata, no database in the data directory.
    assert not (tmp_path / "userdata").exists()
    assert not (tmp_path / "delad" / "data" / "problembild.db").exists()
    html = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "Parken vid skolan" in html


def test_report_uses_the_configured_data_directory_when_no_database_is_set(tmp_path, run_cli):
    data = tmp_path / "delad" / "data"
    _pin(data / "problembild.db", ["Stortorget", "Resecentrum"])
    (tmp_path / "samsyn.toml").write_text('[data]\ndirectory = "delad/data"\n', encoding="utf-8")

    result = run_cli("report", "--out", "rapport.html", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "(2 platser," in result.stdout
    assert not (tmp_path / "userdata").exists()


def test_db_flag_overrides_samsyn_toml(tmp_path, run_cli):
    _pin(tmp_path / "server" / "problembild-gemensam.db", ["Stortorget", "Resecentrum", "Parken vid skolan"])
    (tmp_path / "samsyn.toml").write_text(TOML.format(db=tmp_path / "server" / "problembild-gemensam.db"),
                                          encoding="utf-8")
    other = tmp_path / "annan.db"
    _pin(other, ["Stortorget", "Resecentrum"])

    result = run_cli("report", "--out", "rapport.html", "--db", other, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "(2 platser," in result.stdout


def test_report_says_when_a_place_was_pinned_on_another_dataset(tmp_path, run_cli):
    data = tmp_path / "delad" / "data"
    _pin(data / "problembild.db", ["Stortorget"], dataset_id="polisens-export-april")
    (tmp_path / "samsyn.toml").write_text('[data]\ndirectory = "delad/data"\n', encoding="utf-8")

    result = run_cli("report", "--out", "rapport.html", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert ("Obs (#1 Stortorget): Platsen är fäst i datasetet 'polisens-export-april', som inte längre finns "
            "i datamappen; aktivt dataset är Exempelstad (fiktiv ort, exempeldata).") in result.stderr


def test_unknown_dataset_is_bad_input_and_writes_nothing(tmp_path, run_cli):
    result = run_cli("report", "--out", "rapport.html", "--dataset", "finns-inte", cwd=tmp_path)

    assert result.returncode == 2
    assert "Datasetet 'finns-inte' finns inte" in result.stderr
    assert not (tmp_path / "rapport.html").exists()


# Two exports from the same town: the place was pinned on April's, May's is the default.
HEADER = "Datum;Klockslag;Brottstyp;X-koordinat;Y-koordinat\n"
APRIL_CSV = HEADER + "".join(f"2025-04-{day:02d};22:00;Klotter;374100;6164100\n" for day in (3, 10, 17))
MAY_CSV = HEADER + "2025-04-05;21:00;Klotter;374200;6164200\n2025-05-31;12:00;Klotter;379000;6169000\n"
SQUARE = "POLYGON ((374000 6164000, 374400 6164000, 374400 6164400, 374000 6164400, 374000 6164000))"


def test_each_place_is_counted_in_its_own_dataset(tmp_path, run_cli):
    import json

    from workspace import Workspace

    for name, text, use in (("April", APRIL_CSV, ()), ("Maj", MAY_CSV, ("--use",))):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
        added = run_cli("dataset", "add", name, "--incidents", f"{name}.csv", *use)
        assert added.returncode == 0, added.stderr
    ids = {d.name: d.id for d in Workspace(Workspace.open(data_dir=tmp_path / "userdata").config,
                                           data_dir=tmp_path / "userdata").datasets()}
    with open_store(tmp_path / "userdata" / "problembild.db") as store:
        store.add_hotspot(Hotspot(title="Skolgården", geometry_wkt=SQUARE, categories=["Klotter"],
                                  dataset_id=ids["April"]), user="Test")
        store.add_hotspot(Hotspot(title="Tunneln", geometry_wkt=SQUARE, categories=["Klotter"],
                                  dataset_id="mars-som-arkiverats"), user="Test")

    result = run_cli("report", "--out", "rapport.json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    # Counted by hand: April's export has 3 klotter in the square (3, 10 and 17 April), May's only 1.
    (school,) = [p for p in data["places"] if p["title"] == "Skolgården"]
    assert school["now"]["count"] == 3
    assert school["notice"] == ("Platsen är fäst i datasetet April; aktivt dataset är Maj. Siffrorna räknas på "
                                "April.")
    # The place on a dataset that is gone is not counted on May's instead, and the report says so.
    assert [p["title"] for p in data["places"]] == ["Skolgården"]
    paragraphs = [b.get("paragraph", "") for b in data["document"]]
    assert ("Platsen är fäst i datasetet 'mars-som-arkiverats', som inte längre finns i datamappen; aktivt "
            "dataset är Maj. Den räknas inte på något annat dataset.") in paragraphs
    assert "Obs (#1 Skolgården): Platsen är fäst i datasetet April" in result.stderr

    english = run_cli("report", "--out", "report.json", "--lang", "en", cwd=tmp_path)
    assert english.returncode == 0, english.stderr
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["lang"] == "en" and data["places"][0]["now"]["count"] == 3
    assert data["places"][0]["notice"] == ("The place is pinned to the dataset April; the active dataset is Maj. "
                                           "The numbers are counted on April.")
