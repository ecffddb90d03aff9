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
