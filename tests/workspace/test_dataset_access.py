"""Datasets guarded for the person acting: who may create, add files, archive and change owner/sharing."""

from __future__ import annotations

import json

import pytest

from core.disclosure import Viewer
from core.errors import InputError
from store.access import AccessDenied
from store.datasets import create_dataset, set_sharing
from workspace import Workspace

POLICE_ANALYST = Viewer(frozenset({"polisanalytiker"}), "polisen")
MUNICIPAL_ANALYST = Viewer(frozenset({"kommunanalytiker"}), "kommunen")
ADMIN = Viewer(frozenset({"administratör"}), "kommunen")
PARTICIPANT = Viewer(frozenset({"deltagare"}), "skolan")
BOARD = Viewer(frozenset({"styrgrupp"}), "kommunen")


@pytest.fixture()
def space(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return Workspace.open(env={}, data_dir=tmp_path / "userdata")


def _meta(space, dataset_id):
    return json.loads((space.data_dir / "datasets" / dataset_id / "dataset.json").read_text(encoding="utf-8"))


def test_an_analysts_new_dataset_is_owned_by_their_organisation(space):
    made = space.create_dataset("Polisens export maj", viewer=POLICE_ANALYST)
    assert (made.owner, made.sharing) == ("polisen", "egen")
    assert (_meta(space, made.id)["owner"], _meta(space, made.id)["sharing"]) == ("polisen", "egen")
    joint = space.create_dataset("Kommunens skadegörelse", viewer=MUNICIPAL_ANALYST, sharing="gemensam")
    assert (joint.owner, joint.sharing) == ("kommunen", "gemensam")


def test_an_administrator_may_name_another_owner_an_analyst_may_not(space):
    made = space.create_dataset("Räddningstjänstens bränder", viewer=ADMIN, owner=" Räddningstjänsten ")
    assert made.owner == "räddningstjänsten"
    with pytest.raises(AccessDenied, match="^Ett nytt dataset ägs av din egen organisation; bara administratören "
                                           "kan ange en annan. Ingenting sparades.$"):
        space.create_dataset("Fel ägare", viewer=MUNICIPAL_ANALYST, owner="polisen")
    assert [d.name for d in space.datasets()] == ["Exempelstad (fiktiv ort, exempeldata)", "Räddningstjänstens bränder"]


@pytest.mark.parametrize(("viewer", "shown"), [(PARTICIPANT, "deltagare"), (BOARD, "styrgrupp")])
def test_participants_and_the_board_may_not_create_datasets(space, viewer, shown):
    with pytest.raises(AccessDenied) as raised:
        space.create_dataset("Försök", viewer=viewer)
    assert str(raised.value) == (f"Din roll ({shown}) får inte skapa dataset; det får analytiker och "
                                 "administratören. Ingenting sparades.")
    assert not (space.data_dir / "datasets").exists()


def test_an_analyst_of_the_owner_may_archive_and_share_another_organisations_may_not(space):
    police = create_dataset(space.data_dir, "Polisens export", owner="polisen", sharing="gemensam")
    refusal = "^Bara administratören och analytiker i organisationen som äger datasetet får {} det. Ingenting ändrades.$"
    # The kommun's analyst sees the joint dataset but may not change it.
    assert space.view(police, MUNICIPAL_ANALYST).visible
    with pytest.raises(AccessDenied, match=refusal.format("ändra ägare eller delning för")):
        space.set_sharing(police.id, viewer=MUNICIPAL_ANALYST, sharing="styrgrupp")
    with pytest.raises(AccessDenied, match=refusal.format("ta bort")):
        space.archive_dataset(police.id, viewer=MUNICIPAL_ANALYST)
    with pytest.raises(AccessDenied, match=refusal.format("lägga till filer i")):
        space.save_role(police, "survey", ".csv", lambda p: p.write_text("x"), viewer=MUNICIPAL_ANALYST)
    assert _meta(space, police.id)["sharing"] == "gemensam" and "survey" not in _meta(space, police.id)["files"]
    # The police's analyst may.
    shared = space.set_sharing(police.id, viewer=POLICE_ANALYST, sharing="styrgrupp")
    assert (shared.owner, shared.sharing) == ("polisen", "styrgrupp")
    assert _meta(space, police.id)["sharing"] == "styrgrupp"
    space.archive_dataset(police.id, viewer=POLICE_ANALYST)
    assert [d.id for d in space.datasets()] == ["exempelstad"]


def test_a_dataset_the_viewer_cannot_see_is_answered_as_if_it_did_not_exist(space):
    secret = create_dataset(space.data_dir, "Polisens spaning Norra torget", owner="polisen", sharing="egen")
    for dataset_id in (secret.id, "finns-inte"):
        with pytest.raises(InputError) as raised:
            space.set_sharing(dataset_id, viewer=MUNICIPAL_ANALYST, sharing="gemensam")
        assert str(raised.value) == "Datasetet finns inte eller delas inte med dig."
    assert _meta(space, secret.id)["sharing"] == "egen"
    assert [d.id for d in space.visible_datasets(MUNICIPAL_ANALYST)] == ["exempelstad"]
    assert [d.id for d in space.visible_datasets(POLICE_ANALYST)] == ["exempelstad", secret.id]


def test_the_administrator_may_change_any_dataset_and_the_operator_everything(space):
    police = create_dataset(space.data_dir, "Polisens export", owner="polisen", sharing="gemensam")
    moved = space.set_sharing(police.id, viewer=ADMIN, owner="Kommunen", sharing="egen")
    assert (moved.owner, moved.sharing) == ("kommunen", "egen")
    back = space.set_sharing(police.id, viewer=Viewer.local(), owner="polisen")
    assert (back.owner, back.sharing) == ("polisen", "egen")
    assert Workspace.may(space, Viewer.local(), "archive", back)
    assert not space.may(MUNICIPAL_ANALYST, "archive", back) and space.may(POLICE_ANALYST, "share", back)


def test_the_sample_and_bad_levels_cannot_be_set(space):
    with pytest.raises(InputError, match="^Exempeldatan kan inte ändras eller tas bort.$"):
        space.set_sharing("exempelstad", viewer=ADMIN, sharing="egen")
    police = create_dataset(space.data_dir, "Polisens export", owner="polisen")
    with pytest.raises(InputError, match="^Okänd delningsnivå 'offentlig'; välj en av egen, gemensam, styrgrupp.$"):
        space.set_sharing(police.id, viewer=ADMIN, sharing="offentlig")
    with pytest.raises(ValueError, match="^Ange ägarorganisationen"):
        set_sharing(space.data_dir, police.id, owner="  ")
    assert (_meta(space, police.id)["owner"], _meta(space, police.id)["sharing"]) == ("polisen", "egen")


def test_set_sharing_rewrites_dataset_json_whole_and_keeps_its_other_fields(space):
    made = create_dataset(space.data_dir, "Kommunens klotter", crs="EPSG:3006", owner="kommunen")
    before = _meta(space, made.id)
    set_sharing(space.data_dir, made.id, sharing="gemensam")
    after = _meta(space, made.id)
    assert after == {**before, "sharing": "gemensam"}
    # No temporary file left beside it.
    assert sorted(p.name for p in (space.data_dir / "datasets" / made.id).iterdir()) == ["dataset.json"]


def test_the_dashboard_changes_datasets_only_through_the_guarded_workspace_methods():
    # The unguarded functions of store.datasets that write; the dashboard must reach them via Workspace.
    import ast

    from tests.conftest import REPO

    writers = {"create_dataset", "add_file", "save_role", "archive_dataset", "set_sharing", "discard_dataset",
               "set_default"}
    found = []
    for path in sorted((REPO / "dashboard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "store.datasets":
                found += [f"{path.relative_to(REPO)}: {a.name}" for a in node.names if a.name in writers]
            if isinstance(node, ast.Attribute) and node.attr in writers and getattr(node.value, "id", "") == "ds":
                found.append(f"{path.relative_to(REPO)}: ds.{node.attr}")
    assert found == []


@pytest.mark.parametrize("viewer", [POLICE_ANALYST, MUNICIPAL_ANALYST, ADMIN, PARTICIPANT, BOARD])
def test_the_sample_is_visible_to_every_role(space, viewer):
    # Owned by the police, shared "styrgrupp": the police's analysts in full, everyone else controlled.
    [sample] = [d for d in space.visible_datasets(viewer) if d.builtin]
    assert sample.id == "exempelstad"
    assert space.view(sample, viewer).full is (viewer is POLICE_ANALYST)


def _with_incidents(space, name, **kwargs):
    from data.sample import paths
    from geo.dataset import read_incidents, write_incidents
    from store.datasets import save_role

    dataset = create_dataset(space.data_dir, name, **kwargs)
    incidents = read_incidents(paths().incidents).head(20)
    return save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(incidents, p))


def test_a_session_starts_on_a_default_only_when_it_is_shared_with_the_viewer(space):
    from dashboard.loaders import NOTHING_SHARED, choose_dataset
    from store.datasets import set_default

    police = _with_incidents(space, "Polisens export", owner="polisen", sharing="egen")
    set_default(space.data_dir, police.id)
    assert choose_dataset(space, None, None, POLICE_ANALYST) == (space.dataset(police.id), None)
    # Not the kommun's to see: the sample instead, and no word of the police's default.
    assert choose_dataset(space, None, None, MUNICIPAL_ANALYST) == (space.dataset("exempelstad"), None)
    dataset, notice = choose_dataset(space, police.id, None, MUNICIPAL_ANALYST)
    assert dataset.id == "exempelstad"
    assert notice == ("Datasetet finns inte eller delas inte med dig; visar {name}.",
                      {"name": "Exempelstad (fiktiv ort, exempeldata)"})
    # A remembered choice that is no longer shared falls back without a notice (no link to explain).
    assert choose_dataset(space, None, police.id, MUNICIPAL_ANALYST) == (space.dataset("exempelstad"), None)
    # Signed in with no role: nothing at all.
    assert choose_dataset(space, police.id, None, Viewer(frozenset(), "kommunen")) == (None, (NOTHING_SHARED, {}))


def test_a_change_of_owner_or_sharing_is_in_the_change_log_with_who_and_from_to(space):
    police = create_dataset(space.data_dir, "Polisens export", owner="polisen", sharing="egen")
    space.set_sharing(police.id, viewer=ADMIN, sharing="gemensam", user="Eva Admin (eva@kommun.example.se)")
    space.set_sharing(police.id, viewer=POLICE_ANALYST, owner="Kommunen", sharing="gemensam", user="Olle (polisen)")
    space.set_sharing(police.id, viewer=ADMIN, owner="kommunen", user="Eva")  # the same again: nothing to log
    history = space.sharing_log(police.id)
    assert [(c.user, c.changes) for c in history] == [
        ("Eva Admin (eva@kommun.example.se)", {"sharing": ["egen", "gemensam"]}),
        ("Olle (polisen)", {"owner": ["polisen", "kommunen"]})]
    assert history[1].sentence().endswith(": Olle (polisen) ändrade ägare polisen → kommunen.")
    assert history[0].sentence("en").endswith(": Eva Admin (eva@kommun.example.se) changed sharing own → joint.")
    assert (_meta(space, police.id)["owner"], _meta(space, police.id)["sharing"]) == ("kommunen", "gemensam")


def test_a_refused_change_is_not_logged(space):
    police = create_dataset(space.data_dir, "Polisens export", owner="polisen", sharing="egen")
    with pytest.raises(InputError, match="^Datasetet finns inte eller delas inte med dig.$"):  # not theirs to see
        space.set_sharing(police.id, viewer=MUNICIPAL_ANALYST, sharing="gemensam", user="Kim")
    with pytest.raises(InputError, match="^Okänd delningsnivå 'alla'"):
        space.set_sharing(police.id, viewer=ADMIN, sharing="alla", user="Eva")
    assert space.sharing_log(police.id) == []


def test_when_the_log_cannot_be_written_dataset_json_is_put_back(space, monkeypatch):
    from store.problem_store import ProblemStore

    police = create_dataset(space.data_dir, "Polisens export", owner="polisen", sharing="egen")
    before = _meta(space, police.id)

    def write_then_fail(self, dataset_id, changes, *, user, write=None):
        write()  # the file is written, then the commit fails (the database went away)
        assert _meta(space, police.id)["sharing"] == "gemensam"
        raise ConnectionError("databasen svarar inte")

    monkeypatch.setattr(ProblemStore, "log_dataset_change", write_then_fail)
    with pytest.raises(ConnectionError):
        space.set_sharing(police.id, viewer=ADMIN, sharing="gemensam", user="Eva")
    assert _meta(space, police.id) == before
