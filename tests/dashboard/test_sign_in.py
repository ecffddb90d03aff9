"""The app with and without sign-in: a workstation says so; with sign-in, nothing shows before it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "en-lang-slumpmassig-text",
    "client_id": "samsyn",
    "client_secret": "hemligt",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption]


def test_workstation_without_sign_in_says_so_in_swedish_and_english():
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert "Arbetsstation för en användare – ingen inloggning" in _captions(at)
    assert not [b for b in at.button if b.label in ("Logga in", "Logga ut")]
    english = AppTest.from_file(APP, default_timeout=180)
    english.query_params["lang"] = "en"
    english.run()
    assert "Single-user workstation – no sign-in" in _captions(english)


def test_with_sign_in_a_visitor_sees_only_the_sign_in_page():
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception
    assert [h.value for h in at.subheader] == ["Logga in med din organisations konto"]
    assert [b.label for b in at.button] == ["Logga in"]
    # No dataset, no filters, no page: nothing of the data reaches the browser before sign-in.
    assert not at.sidebar.caption and not at.metric and not at.sidebar.multiselect
    assert "active" not in at.session_state


def test_signed_in_user_is_named_in_the_sidebar_with_sign_out():
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "name": "Anna Andersson", "email": "anna.andersson@kommun.example.se",
               "samsyn_roles": ["kommunanalytiker"]}
    at.run()
    assert not at.exception
    assert "Inloggad som **Anna Andersson**" in _captions(at)
    assert "Arbetsstation för en användare – ingen inloggning" not in _captions(at)
    assert "Logga ut" in [b.label for b in at.sidebar.button]
    assert at.metric  # the Översikt page is drawn


# --- who the change log names -----------------------------------------------------------------

@pytest.fixture()
def store(tmp_path):
    from store.problem_store import open_store

    (tmp_path / "userdata").mkdir()
    return open_store(tmp_path / "userdata" / "problembild.db")


def _pin(store):
    from store.model import Hotspot

    return store.add_hotspot(Hotspot(title="Stortorget", geometry_wkt="POINT (500 500)", created_by="Anna"),
                             user="Anna")


def _problem_page(user: dict | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    at.run()
    at.switch_page("pages/problem.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _save_status(at: AppTest) -> None:
    next(w for w in at.selectbox if w.label == "Status").set_value("prioriterad")
    next(b for b in at.button if b.label == "Spara ändringar").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_signed_in_saves_are_logged_under_the_providers_identity_with_no_name_box(store):
    hotspot = _pin(store)
    at = _problem_page({"is_logged_in": True, "name": "Anna Andersson", "email": "anna.andersson@kommun.example.se",
                        "samsyn_roles": ["kommunanalytiker"]})
    labels = [w.label for w in at.text_input]
    assert "Ditt namn (för ändringsloggen)" not in labels and "Ditt namn" not in labels
    assert ("Ändringar sparas i ändringsloggen som **Anna Andersson (anna.andersson@kommun.example.se)**"
            in [c.value for c in at.caption])
    _save_status(at)
    assert store.get_hotspot(hotspot.id).status == "prioriterad"
    assert store.audit_log("hotspot", hotspot.id)[-1].user == "Anna Andersson (anna.andersson@kommun.example.se)"


def test_workstation_save_without_a_typed_name_is_logged_as_arbetsstation(store):
    hotspot = _pin(store)
    at = _problem_page(None)
    assert "Ditt namn (för ändringsloggen)" in [w.label for w in at.text_input]  # the box stays here
    _save_status(at)
    assert store.audit_log("hotspot", hotspot.id)[-1].user == "arbetsstation"


# --- roles from the provider's samsyn_roles claim ---------------------------------------------

def test_a_workshop_participants_forced_save_is_refused_by_the_store(store):
    hotspot = _pin(store)
    at = _problem_page({"is_logged_in": True, "name": "Cilla Ek", "email": "cilla@skolan.example.se",
                        "samsyn_roles": ["deltagare"]})
    _save_status(at)  # the button is there (the form is shared); the store refuses the write
    assert [e.value for e in at.error] == [
        "Din roll (deltagare) får inte ändra problembilden på det här sättet; ändringen sparades inte. "
        "Be en analytiker eller administratören om hjälp."]
    assert store.get_hotspot(hotspot.id).status == hotspot.status and store.get_hotspot(hotspot.id).version == 1
    assert [entry.user for entry in store.audit_log()] == ["Anna"]


def test_a_person_without_a_role_is_told_nothing_is_shared_and_sees_no_page(store):
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "name": "Bo Lind", "email": "bo@kommun.example.se", "samsyn_roles": []}
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == ["Inga dataset delas med dig ännu. Be en analytiker eller administratören "
                                          "att dela ett dataset med din organisation."]
    assert "active" not in at.session_state and not at.metric
    assert "Inloggad som **Bo Lind**" in _captions(at)


def test_styrgrupp_gets_only_oversikt_and_uppfoljning(store):
    _pin(store)
    for roles in ("styrgrupp",):
        at = AppTest.from_file(APP, default_timeout=180)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "name": "Bo Lind", "email": "bo@kommun.example.se", "samsyn_roles": roles}
        at.run()
        assert not at.exception
        assert [h.value for h in at.title] == ["Översikt"]
        at.switch_page("pages/followup.py").run()
        assert [h.value for h in at.title] == ["Uppföljning"]
        for page in ("problem.py", "map.py", "data.py"):  # not registered in the navigation at all
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"pages/{page}")
