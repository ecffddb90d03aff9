"""Samsyn's Streamlit entry: page config, shared state and filters, navigation."""

from __future__ import annotations

import streamlit as st

from dashboard.auth import page_allowed, sidebar_identity, sign_in_gate
from dashboard.components import workshop
from dashboard.components.errors import log_unexpected, run_page
from dashboard.components.projector import projector_css
from dashboard.components.safe_text import escape_markdown
from dashboard.components.widget_texts import inject as inject_widget_texts
from dashboard.filters import sidebar_filters
from dashboard.i18n import t
from dashboard.loaders import (
    NOTHING_SHARED,
    ActiveData,
    choose_dataset,
    fallback_datasets,
    load_dataset,
    workspace,
)

UNREADABLE = ("Datasetet {dataset} kunde inte läsas: en av dess filer är skadad eller har fel format. Välj ett "
              "annat dataset på sidan Data eller ladda upp filen igen. Så länge visas {name}. Om det händer igen: "
              "kontakta den som driver Samsyn och uppge referensen {ref}.")

projector = st.query_params.get("projektor") == "1"
st.set_page_config(
    page_title="Samsyn",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="collapsed" if projector else "expanded",
)


def _keep(name: str) -> None:
    st.session_state[f"_{name}"] = st.session_state[f"{name}_toggle"]


def _projector_layout(page: str) -> None:
    """The page's projector CSS; in projector mode the sidebar is hidden on every page until asked for.

    ``initial_sidebar_state`` applies only when the browser first opens the app, and Streamlit opens
    the sidebar again on a page change; hiding it with CSS keeps the whole screen for the room. A
    small button in the top bar shows it (filters, settings, leaving projector mode) on this page.
    """
    if st.session_state.get("_projector_page") != page:
        st.session_state["_projector_page"] = page
        st.session_state["_projector_sidebar"] = False
    projector = st.session_state["projector"]
    sidebar = projector and st.session_state.get("_projector_sidebar", False)
    st.markdown(projector_css(projector, sidebar=sidebar), unsafe_allow_html=True)
    if projector and st.button(t("Dölj filter och inställningar") if sidebar else t("Filter och inställningar"),
                               icon=":material/tune:", key="projector_sidebar", type="secondary"):
        st.session_state["_projector_sidebar"] = not sidebar
        st.rerun()


def _load_active() -> ActiveData | None:
    """Load the session's dataset; one whose files cannot be read gives way to the default, with a notice.

    The dataset belongs to this session and its address (``?dataset=<id>``, so a shared link opens
    the same data); a new session without one starts on the workspace default (``samsyn dataset use``).
    A broken user dataset must not lock the user out: the default (else the sample) is shown, so
    the Data page stays reachable to choose another dataset or upload the file again.
    """
    space = workspace()
    dataset, notice = choose_dataset(space, st.query_params.get("dataset"), st.session_state.get("_dataset"))
    if dataset is None:  # nothing is shared with this person: no data is loaded at all
        return None
    if notice is not None:
        st.session_state["_dataset_notice"] = notice
    candidates = [dataset]
    for fallback in fallback_datasets(space):  # only datasets shared with this session's viewer
        if fallback.id not in {c.id for c in candidates}:
            candidates.append(fallback)
    broken = None
    for position, candidate in enumerate(candidates):
        try:
            active = load_dataset(candidate)
        except Exception as error:
            if position == len(candidates) - 1:
                raise  # nothing left to show: the app's own handler reports it
            reference = log_unexpected(error, page=f"dataset {candidate.id}")
            broken = broken or (candidate, reference)
            continue
        if broken is not None:
            # Kept until the user picks a dataset on the Data page, like the other dataset notices.
            st.session_state["_dataset_notice"] = (
                UNREADABLE, {"dataset": broken[0].name, "name": candidate.name, "ref": broken[1]}, "error")
        break
    st.session_state["_dataset"] = candidate.id
    if st.query_params.get("dataset") != candidate.id:
        st.query_params["dataset"] = candidate.id
    return active


def _app() -> None:
    """Shared state, the dataset, the sidebar and navigation; the page itself runs in its own handler."""
    # Preferences live in plain session keys (not only in widget state, which Streamlit may clear when
    # the page changes) and in the URL, so a shared link opens in the same mode.
    if "_english" not in st.session_state:
        st.session_state["_english"] = st.query_params.get("lang") == "en"
    if "_projector" not in st.session_state:
        st.session_state["_projector"] = projector
    st.session_state["projector"] = st.session_state["_projector"]
    st.session_state["english"] = st.session_state["_english"]
    # With sign-in configured, a visitor who has not signed in sees the sign-in page and nothing else:
    # no dataset is loaded, no sidebar, no page (a page address typed directly runs this file first).
    if not sign_in_gate():
        return

    active = _load_active()
    if active is None:
        with st.sidebar:
            sidebar_identity()
        st.title("Samsyn")
        st.info(t(NOTHING_SHARED))
        return
    st.session_state["active"] = active

    with st.sidebar:
        st.toggle(t("Projektorläge"), value=st.session_state["_projector"], key="projector_toggle",
                  on_change=_keep, args=("projector",))
        st.toggle(t("English"), value=st.session_state["_english"], key="english_toggle", on_change=_keep,
                  args=("english",))
        workshop.sidebar_button()
        caption = f"{t('Aktivt dataset')}: **{escape_markdown(active.dataset.name)}**"
        st.caption(caption)
        sidebar_identity()
    if "_dataset_notice" in st.session_state:  # until the user picks a dataset on the Data page
        template, values, *kind = st.session_state["_dataset_notice"]
        show = st.error if kind == ["error"] else st.warning
        # The values are dataset names: text from users, not Markdown.
        show(t(template).format(**{key: escape_markdown(value) if isinstance(value, str) else value
                                   for key, value in values.items()}))

    if st.session_state["projector"]:
        st.query_params["projektor"] = "1"
    elif "projektor" in st.query_params:
        del st.query_params["projektor"]
    if st.session_state["english"]:
        st.query_params["lang"] = "en"
    elif "lang" in st.query_params:
        del st.query_params["lang"]
    inject_widget_texts()  # Streamlit's own English widget texts in the page's language

    st.session_state["filters"] = sidebar_filters(active.incidents, active.districts, active.dataset.id)

    pages = [
        st.Page("pages/overview.py", title=t("Översikt"), icon=":material/dashboard:", url_path="oversikt",
                default=True),
        st.Page("pages/map.py", title=t("Karta"), icon=":material/map:", url_path="karta"),
        st.Page("pages/time.py", title=t("Tid"), icon=":material/schedule:", url_path="tid"),
        st.Page("pages/survey.py", title=t("Trygghet"), icon=":material/shield:", url_path="trygghet"),
        st.Page("pages/problem.py", title=t("Problembild"), icon=":material/push_pin:", url_path="problembild"),
        st.Page("pages/followup.py", title=t("Uppföljning"), icon=":material/trending_down:",
                url_path="uppfoljning"),
        st.Page("pages/steering.py", title=t("Styrgrupp"), icon=":material/groups:", url_path="styrgrupp"),
        st.Page("pages/data.py", title=t("Data"), icon=":material/folder_open:", url_path="data"),
        st.Page("pages/admin.py", title=t("Administration"), icon=":material/admin_panel_settings:",
                url_path="administration"),
    ]
    # A page the session's role may not open is not in the navigation at all (its address shows the first).
    pages = [page for page in pages if page_allowed(page.url_path)]
    navigation = st.navigation(pages, position="top" if st.session_state["projector"] else "sidebar")
    _projector_layout(navigation.url_path)
    workshop.step_bar(navigation.url_path)  # the workshop's step bar above every page while one runs
    # A failing page is reported here, under its own name, and the sidebar above stays usable.
    run_page(navigation.run, page=navigation.url_path)


try:
    # Anything that fails before or around the page (a dataset that cannot be read, the sidebar, the
    # navigation) shows the same message with a reference as a failing page, never a traceback.
    run_page(_app, page="app")
finally:
    # An invisible run counter at the very end of the page (also after a page ends early with end_page()): browser
    # tests and the benchmark wait for it to change to know that a run has finished drawing.
    st.session_state["_run"] = st.session_state.get("_run", 0) + 1
    st.html(f'<span class="samsyn-run" data-run="{st.session_state["_run"]}" hidden></span>')
