"""The Administration page and who sees which dataset, for people signed in (AppTest, the real store)."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from data.sample import paths
from geo.dataset import read_incidents, write_incidents
from store.datasets import create_dataset, save_role
from store.problem_store import open_store
from tests.dashboard.apptest import app
from tests.dashboard.test_sign_in import AUTH

SAMPLE_NAME = "Exempelstad (fiktiv ort, exempeldata)"
EVA = {"is_logged_in": True, "sub": "eva-1", "name": "Eva Admin", "email": "eva@kommun.example.se",
       "samsyn_roles": ["administratör"], "samsyn_org": "kommunen"}
ANNA = {"is_logged_in": True, "sub": "anna-7", "name": "Anna Andersson", "email": "Anna.Andersson@kommun.example.se",
        "samsyn_roles": ["kommunanalytiker"], "samsyn_org": "kommunen"}
SECRET = "Polisens spaning Norra torget"


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "userdata"


@pytest.fixture()
def police_own(data_dir) -> str:
    """A police dataset shared 'egen' (only the police's analysts), 200 incidents."""
    incidents = read_incidents(paths().incidents).head(200)
    dataset = create_dataset(data_dir, SECRET, owner="polisen", sharing="egen")
    save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(incidents, p))
    return dataset.id


def _signed_in(user: dict, **query: str) -> AppTest:
    at = app(**query)
    at.secrets["auth"] = AUTH
    at.user = user
    return at.run()


def _admin_page(user: dict = EVA) -> AppTest:
    at = _signed_in(user)
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page("pages/admin.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _everything_shown(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "title", "subheader")
             for e in getattr(at, kind)]
    parts += [str(o) for box in at.selectbox for o in box.options]
    return "\n".join(str(p) for p in parts)


def test_the_administrator_gives_a_person_a_role_and_it_takes_effect_at_their_next_run(data_dir, police_own):
    # Before: Anna's claims make her a kommunanalytiker; the police's own dataset is not hers to see.
    anna = _signed_in(ANNA, dataset=police_own)
    assert anna.session_state["active"].dataset.id == "exempelstad"
    assert [w.value for w in anna.warning] == [f"Datasetet finns inte eller delas inte med dig; visar {SAMPLE_NAME}."]
    assert SECRET not in _everything_shown(anna)

    at = _admin_page()
    assert [i.value for i in at.info] == ["Rolltabellen är tom: alla har de roller inloggningstjänsten anger."]
    at.text_input(key="role_identity").input(" Anna.Andersson@Kommun.example.se ")
    at.text_input(key="role_name").input("Anna Andersson")
    at.multiselect(key="role_roles").set_value(["polisanalytiker"])
    at.text_input(key="role_org").input("Polisen")
    next(b for b in at.button if b.label == "Spara roller").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.success] == [
        "Sparat: anna.andersson@kommun.example.se har polisanalytiker, organisation polisen. Det gäller från "
        "personens nästa klick."]
    with open_store(data_dir / "problembild.db") as store:
        [row] = store.list_roles()
        assert (row.identity, row.roles, row.organisation, row.changed_by) == (
            "anna.andersson@kommun.example.se", ("polisanalytiker",), "polisen", "Eva Admin (eva@kommun.example.se)")
        assert [(e.entity, e.action, e.user) for e in store.audit_log("role")] == [
            ("role", "create", "Eva Admin (eva@kommun.example.se)")]

    # Anna's next run: the table decides (police analyst), so the police's own dataset opens in full.
    anna.run()
    assert not anna.exception
    anna = _signed_in(ANNA, dataset=police_own)
    assert anna.session_state["active"].dataset.id == police_own
    assert len(anna.session_state["active"].incidents) == 200


def test_a_row_with_the_steering_role_takes_the_analyst_pages_away(data_dir):
    with open_store(data_dir / "problembild.db") as store:
        store.set_role("anna-7", roles=["styrgrupp"], user="Eva Admin")
    at = _signed_in(ANNA)
    assert not at.exception
    for page in ("data.py", "problem.py", "admin.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}")
    at.switch_page("pages/followup.py").run()
    assert [h.value for h in at.title] == ["Uppföljning"]


def test_only_the_administrator_has_the_page(data_dir):
    at = _signed_in(ANNA)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin.py")
    # On a workstation the one user is the administrator.
    workstation = app().run()
    workstation.switch_page("pages/admin.py").run()
    assert not workstation.exception and [h.value for h in workstation.title] == ["Administration"]


def test_the_administrator_shares_a_dataset_and_the_kommun_sees_it_controlled(data_dir, police_own):
    at = _admin_page()
    text = _everything_shown(at)
    assert "- **gemensam**: båda parternas analytiker och workshopen ser det under ägarens nivå: antal 1–2 som ”..”, " \
           "platser med färre än 5 händelser inte var för sig, inga enskilda händelser." in text
    assert (f"{SAMPLE_NAME}: ägs av polisen, delas styrgrupp/offentlig (inbyggt, går inte att ändra).") in text
    at.selectbox(key=f"sharing_{police_own}").set_value("gemensam")
    at.button(key=f"share_{police_own}").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.success] == [f"Sparat: {SECRET} ägs av polisen och delas gemensam."]
    meta = json.loads((data_dir / "datasets" / police_own / "dataset.json").read_text(encoding="utf-8"))
    assert (meta["owner"], meta["sharing"]) == ("polisen", "gemensam")

    anna = _signed_in(ANNA, dataset=police_own)
    assert anna.session_state["active"].dataset.id == police_own and not anna.warning
    anna.switch_page("pages/data.py").run()
    assert not anna.exception, [e.message for e in anna.exception]
    assert anna.selectbox(key="dataset_choice").options == [SAMPLE_NAME, SECRET]
    table = anna.table[0].value
    assert table.loc[SECRET, "Ägare"] == "polisen" and table.loc[SECRET, "Delning"] == "gemensam"
    assert table.loc[SAMPLE_NAME, "Delning"] == "styrgrupp/offentlig"
    # Shared, not hers: no removal for the kommun's analyst; the administrator has it.
    anna.selectbox(key="dataset_choice").set_value(police_own).run()
    assert "confirm_archive" not in [c.key for c in anna.checkbox]
    eva = _signed_in(EVA)
    eva.switch_page("pages/data.py").run()
    eva.selectbox(key="dataset_choice").set_value(police_own).run()
    assert "confirm_archive" in [c.key for c in eva.checkbox]


def test_a_bad_role_row_says_why_and_saves_nothing(data_dir):
    at = _admin_page()
    at.text_input(key="role_identity").input("anna andersson")
    at.multiselect(key="role_roles").set_value(["deltagare"])
    next(b for b in at.button if b.label == "Spara roller").click()
    at.run()
    assert [e.value for e in at.error] == [
        "Identiteten 'anna andersson' innehåller mellanslag; ange en e-postadress eller ett id."]
    with open_store(data_dir / "problembild.db") as store:
        assert store.list_roles() == []


def test_editing_and_removing_a_row(data_dir):
    with open_store(data_dir / "problembild.db") as store:
        store.set_role("anna-7", roles=["kommunanalytiker"], name="Anna", user="Eva Admin")
    at = _admin_page()
    at.selectbox(key="role_pick").set_value("anna-7").run()
    assert at.text_input(key="role_identity").value == "anna-7"
    assert at.multiselect(key="role_roles").value == ["kommunanalytiker"]
    at.multiselect(key="role_roles").set_value(["kommunanalytiker", "deltagare"])
    next(b for b in at.button if b.label == "Spara roller").click()
    at.run()
    assert [s.value for s in at.success] == [
        "Sparat: anna-7 har kommunanalytiker, deltagare, organisation enligt rollen. Det gäller från personens "
        "nästa klick."]
    at.button(key="role_remove").click().run()
    assert [s.value for s in at.success] == [
        "Raden för anna-7 är borttagen; från personens nästa klick gäller det inloggningstjänsten anger."]
    with open_store(data_dir / "problembild.db") as store:
        assert store.list_roles() == []
        assert [e.action for e in store.audit_log("role")] == ["create", "update", "delete"]


def test_when_the_role_table_cannot_be_read_a_signed_in_person_gets_no_role_and_is_told_why(data_dir):
    # A database nobody answers on (port 1): the claims are not trusted instead of the table.
    (data_dir.parent / "samsyn.toml").write_text(
        '[database]\nurl = "postgresql://samsyn@127.0.0.1:1/samsyn?connect_timeout=2"\n', encoding="utf-8")
    at = _signed_in(ANNA)
    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.sidebar.error] == [
        "Rolltabellen kunde inte läsas: databasen svarar inte. Du har ingen roll förrän den svarar igen; försök "
        "om en stund."]
    assert [i.value for i in at.info] == ["Inga dataset delas med dig ännu. Be en analytiker eller administratören "
                                          "att dela ett dataset med din organisation."]
    assert "active" not in at.session_state


def test_the_administrator_names_another_organisation_as_owner(data_dir, police_own):
    at = _admin_page()
    assert at.selectbox(key=f"owner_{police_own}").options == ["kommunen", "polisen", "Annan organisation …"]
    at.selectbox(key=f"owner_{police_own}").set_value("__other__").run()
    at.button(key=f"share_{police_own}").click().run()
    assert [e.value for e in at.error] == ["Skriv den andra organisationens id."]
    at.text_input(key=f"owner_other_{police_own}").input(" Räddningstjänsten ")
    at.button(key=f"share_{police_own}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.success] == [f"Sparat: {SECRET} ägs av räddningstjänsten och delas egen."]
    meta = json.loads((data_dir / "datasets" / police_own / "dataset.json").read_text(encoding="utf-8"))
    assert (meta["owner"], meta["sharing"]) == ("räddningstjänsten", "egen")


def test_an_administrator_demoted_while_the_page_is_open_cannot_save(data_dir):
    at = _admin_page()
    at.text_input(key="role_identity").input("karin@kommun.example.se")
    at.multiselect(key="role_roles").set_value(["administratör"])
    # Meanwhile another administrator takes Eva's role away in the table.
    with open_store(data_dir / "problembild.db") as store:
        store.set_role("eva@kommun.example.se", roles=["styrgrupp"], user="Olle Admin")
    next(b for b in at.button if b.label == "Spara roller").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    # Her next run is the steering group's: the page is gone from the navigation, the first page shows.
    assert not at.success and [h.value for h in at.title] == ["Översikt"]
    with open_store(data_dir / "problembild.db") as store:
        assert [e.identity for e in store.list_roles()] == ["eva@kommun.example.se"]
        assert [e.user for e in store.audit_log("role")] == ["Olle Admin"]


def test_the_administrator_cannot_remove_or_demote_their_own_row(data_dir):
    with open_store(data_dir / "problembild.db") as store:
        store.set_role("eva@kommun.example.se", roles=["administratör"], name="Eva", user="Olle Admin")
        store.set_role("olle@polisen.example.se", roles=["administratör"], name="Olle", user="Olle Admin")
    own = "Du kan inte ta bort din egen administratörsroll; be en annan administratör göra det. Ingenting ändrades."
    at = _admin_page()
    at.selectbox(key="role_remove_pick").set_value("eva@kommun.example.se").run()
    at.button(key="role_remove").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.error] == [own] and not at.success
    at.selectbox(key="role_pick").set_value("eva@kommun.example.se").run()
    at.multiselect(key="role_roles").set_value(["kommunanalytiker"])
    next(b for b in at.button if b.label == "Spara roller").click()
    at.run()
    assert [e.value for e in at.error] == [own] and not at.success
    with open_store(data_dir / "problembild.db") as store:
        assert [(e.identity, e.roles) for e in store.list_roles()] == [
            ("eva@kommun.example.se", ("administratör",)), ("olle@polisen.example.se", ("administratör",))]
        assert [e.action for e in store.audit_log("role")] == ["create", "create"]


def test_a_sharing_change_on_the_page_is_in_the_change_log_under_the_dataset(data_dir, police_own):
    import re

    at = _admin_page()
    assert not [c for c in at.caption if c.value.startswith("Ändringar av ägare och delning:")]
    at.selectbox(key=f"sharing_{police_own}").set_value("gemensam")
    at.button(key=f"share_{police_own}").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    [shown] = [c.value for c in at.caption if c.value.startswith("Ändringar av ägare och delning:")]
    # The provider's name and e-mail, not a typed name; the level by its name.
    assert re.fullmatch(r"Ändringar av ägare och delning:\n- \d{1,2} [a-zåäö]+ \d{4} kl\. \d\d:\d\d: Eva Admin "
                        r"\(eva@kommun\.example\.se\) ändrade delning egen → gemensam\.", shown), shown
    with open_store(data_dir / "problembild.db") as store:
        [entry] = store.dataset_log(police_own)
        assert (entry.user, entry.changes) == ("Eva Admin (eva@kommun.example.se)", {"sharing": ["egen", "gemensam"]})
