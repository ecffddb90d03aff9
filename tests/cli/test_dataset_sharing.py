"""``samsyn dataset add --owner --sharing``, ``dataset share``, ``dataset list`` and ``samsyn roles``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.problem_store import open_store
from tests.cli.test_dataset_cli import POLICE_CSV


@pytest.fixture()
def incidents(tmp_path) -> Path:
    path = tmp_path / "export" / "polisen-maj-2025.csv"
    path.parent.mkdir()
    path.write_text(POLICE_CSV, encoding="utf-8")
    return path


def _meta(tmp_path, dataset_id):
    path = tmp_path / "userdata" / "datasets" / dataset_id / "dataset.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_add_with_owner_and_sharing_writes_them_and_list_shows_them(tmp_path, incidents, run_cli):
    added = run_cli("dataset", "add", "Polisens export maj", "--incidents", incidents, "--salt", "t",
                    "--owner", "Polisen", "--sharing", "gemensam")
    assert added.returncode == 0, added.stderr
    assert "Datasetet polisens-export-maj ägs av polisen och delas gemensam." in added.stdout.splitlines()
    assert (_meta(tmp_path, "polisens-export-maj")["owner"], _meta(tmp_path, "polisens-export-maj")["sharing"]) == (
        "polisen", "gemensam")

    listed = run_cli("dataset", "list")
    assert listed.returncode == 0, listed.stderr
    header, *lines = [line for line in listed.stdout.splitlines() if line.strip()]
    assert header.split()[:7] == ["ID", "NAMN", "SKAPAD", "ÄGARE", "DELNING", "LAGER", "KOORDINATSYSTEM"]
    own = next(line for line in lines if line.split()[0] == "polisens-export-maj")
    assert own.split()[-4:] == ["polisen", "gemensam", "incidents", "EPSG:3006"]
    sample = next(line for line in lines if " exempelstad " in line)
    assert "polisen  styrgrupp/offentlig" in sample


def test_add_without_owner_is_egen_with_no_owner_and_says_so(tmp_path, incidents, run_cli):
    added = run_cli("dataset", "add", "Maj", "--incidents", incidents, "--salt", "t")
    assert added.returncode == 0, added.stderr
    assert ("Datasetet maj har ingen ägare (syns bara på en arbetsstation tills en ägare anges med "
            "`samsyn dataset share`) och delas egen.") in added.stdout
    assert (_meta(tmp_path, "maj")["owner"], _meta(tmp_path, "maj")["sharing"]) == (None, "egen")


@pytest.mark.parametrize(("flags", "message"), [
    (["--sharing", "offentlig"],
     "Fel: --sharing: Okänd delningsnivå 'offentlig'; välj en av egen, gemensam, styrgrupp.\n"),
    (["--owner", "  "], "Fel: --owner behöver en organisation, t.ex. polisen eller kommunen.\n"),
])
def test_a_bad_owner_or_level_is_refused_before_anything_is_written(tmp_path, incidents, run_cli, flags, message):
    result = run_cli("dataset", "add", "Maj", "--incidents", incidents, *flags)
    assert result.returncode == 2 and result.stderr == message and result.stdout == ""
    assert not (tmp_path / "userdata" / "datasets").exists()


def test_share_changes_owner_and_level_by_name_or_id(tmp_path, incidents, run_cli):
    assert run_cli("dataset", "add", "Kommunens klotter", "--incidents", incidents, "--salt", "t",
                   "--owner", "kommunen").returncode == 0
    shared = run_cli("dataset", "share", "kommunens KLOTTER", "--sharing", "styrgrupp")
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout == "Datasetet kommunens-klotter ägs av kommunen och delas styrgrupp/offentlig.\n"
    moved = run_cli("dataset", "share", "kommunens-klotter", "--owner", "Räddningstjänsten")
    assert moved.stdout == "Datasetet kommunens-klotter ägs av räddningstjänsten och delas styrgrupp/offentlig.\n"
    assert (_meta(tmp_path, "kommunens-klotter")["owner"], _meta(tmp_path, "kommunens-klotter")["sharing"]) == (
        "räddningstjänsten", "styrgrupp")


@pytest.mark.parametrize(("args", "message"), [
    (["kommunens-klotter"], "Fel: Ange --sharing egen|gemensam|styrgrupp och/eller --owner ORGANISATION.\n"),
    (["kommunens-klotter", "--sharing", "alla"],
     "Fel: --sharing: Okänd delningsnivå 'alla'; välj en av egen, gemensam, styrgrupp.\n"),
    (["exempelstad", "--sharing", "egen"], "Fel: Exempeldatan kan inte ändras eller tas bort.\n"),
])
def test_share_with_bad_values_exits_2_and_changes_nothing(tmp_path, incidents, run_cli, args, message):
    assert run_cli("dataset", "add", "Kommunens klotter", "--incidents", incidents, "--salt", "t",
                   "--owner", "kommunen").returncode == 0
    result = run_cli("dataset", "share", *args)
    assert (result.returncode, result.stderr) == (2, message)
    assert _meta(tmp_path, "kommunens-klotter")["sharing"] == "egen"


def test_share_of_a_dataset_that_does_not_exist_names_the_ones_there_are(tmp_path, run_cli):
    result = run_cli("dataset", "share", "finns-inte", "--sharing", "egen")
    assert result.returncode == 2
    assert result.stderr.startswith("Fel: Datasetet 'finns-inte' finns inte i ")
    assert result.stderr.endswith("(det finns: exempelstad).\n")


# -- samsyn roles ---------------------------------------------------------------------------------

def test_roles_set_list_and_remove_against_the_workspace_store(tmp_path, run_cli):
    assert run_cli("roles", "list").stdout == "Rolltabellen är tom: alla har de roller inloggningstjänsten anger.\n"
    put = run_cli("roles", "set", "Anna.Andersson@Kommun.example.se", "--roles", "kommunanalytiker,deltagare",
                  "--org", "Kommunen", "--name", "Anna Andersson", "--user", "Eva (drift)")
    assert put.returncode == 0, put.stderr
    assert put.stdout == ("Sparat i rolltabellen: anna.andersson@kommun.example.se: kommunanalytiker, deltagare; "
                          "organisation kommunen. Det gäller från personens nästa klick i Samsyn.\n")
    listed = run_cli("roles", "list").stdout.splitlines()
    assert listed[0].split() == ["IDENTITET", "NAMN", "ORGANISATION", "ROLLER", "ÄNDRAD", "AV", "ÄNDRAD"]
    assert listed[1].split()[:6] == ["anna.andersson@kommun.example.se", "Anna", "Andersson", "kommunen",
                                     "kommunanalytiker,deltagare", "Eva"]
    with open_store(tmp_path / "userdata" / "problembild.db") as store:
        [entry] = store.list_roles()
        assert (entry.roles, entry.changed_by) == (("kommunanalytiker", "deltagare"), "Eva (drift)")
        assert [(e.action, e.user) for e in store.audit_log("role")] == [("create", "Eva (drift)")]

    removed = run_cli("roles", "remove", "anna.andersson@kommun.example.se", "--user", "Eva (drift)")
    assert removed.stdout == ("Raden för anna.andersson@kommun.example.se är borttagen; nu gäller det "
                              "inloggningstjänsten anger.\n")
    with open_store(tmp_path / "userdata" / "problembild.db") as store:
        assert store.list_roles() == []
        assert [e.action for e in store.audit_log("role")] == ["create", "delete"]


@pytest.mark.parametrize(("args", "message"), [
    (["set", "anna@x.se", "--roles", "chef"],
     "Fel: Okänd roll 'chef'; välj bland: polisanalytiker, kommunanalytiker, deltagare, styrgrupp, administratör.\n"),
    (["set", "  ", "--roles", "styrgrupp"],
     "Fel: Ange personens identitet: e-postadressen eller id:t (sub) hos inloggningstjänsten.\n"),
    (["remove", "ingen@x.se"], "Fel: Rolltabellen har ingen rad för 'ingen@x.se'.\n"),
])
def test_roles_with_bad_values_exit_2_and_write_nothing(tmp_path, run_cli, args, message):
    result = run_cli("roles", *args)
    assert (result.returncode, result.stderr, result.stdout) == (2, message, "")
    with open_store(tmp_path / "userdata" / "problembild.db") as store:
        assert store.list_roles() == [] and store.audit_log("role") == []


@pytest.mark.parametrize("args", [["remove", "eva@kommun.example.se"],
                                  ["set", "eva@kommun.example.se", "--roles", "styrgrupp"]])
def test_roles_refuse_to_take_the_role_from_the_last_administrator_exit_2(tmp_path, run_cli, args):
    assert run_cli("roles", "set", "eva@kommun.example.se", "--roles", "administratör").returncode == 0
    result = run_cli("roles", *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "Fel: 'eva@kommun.example.se' är den enda administratören i rolltabellen, och utan administratör kan "
        "ingen ändra roller eller delning. Ge först någon annan rollen administratör. Ingenting ändrades.\n")
    with open_store(tmp_path / "userdata" / "problembild.db") as store:
        assert [e.roles for e in store.list_roles()] == [("administratör",)]
        assert [e.action for e in store.audit_log("role")] == ["create"]


def test_share_is_logged_and_show_lists_who_changed_what_and_when(tmp_path, incidents, run_cli):
    import re

    assert run_cli("dataset", "add", "Kommunens klotter", "--incidents", incidents, "--salt", "t",
                   "--owner", "kommunen").returncode == 0
    first = run_cli("dataset", "show", "kommunens-klotter")
    assert "Ändringar av ägare och delning: inga sedan datasetet skapades." in first.stdout.splitlines()
    assert run_cli("dataset", "share", "kommunens-klotter", "--sharing", "gemensam", "--user",
                   "Eva (drift)").returncode == 0
    assert run_cli("dataset", "share", "kommunens-klotter", "--owner", "Räddningstjänsten", "--sharing",
                   "styrgrupp", "--user", "Olle").returncode == 0
    shown = run_cli("dataset", "show", "kommunens-klotter")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    at = lines.index("Ändringar av ägare och delning:")
    when = r"  \d{1,2} [a-zåäö]+ \d{4} kl\. \d\d:\d\d: "
    assert re.fullmatch(when + r"Eva \(drift\) ändrade delning egen → gemensam\.", lines[at + 1]), lines[at + 1]
    assert re.fullmatch(when + "Olle ändrade ägare kommunen → räddningstjänsten och delning gemensam → "
                        r"styrgrupp/offentlig\.", lines[at + 2]), lines[at + 2]
    with open_store(tmp_path / "userdata" / "problembild.db") as store:
        assert [(e.user, e.changes) for e in store.dataset_log("kommunens-klotter")] == [
            ("Eva (drift)", {"sharing": ["egen", "gemensam"]}),
            ("Olle", {"owner": ["kommunen", "räddningstjänsten"], "sharing": ["gemensam", "styrgrupp"]})]
