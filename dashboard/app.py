"""Samsyn's Streamlit entry: page config, shared state and filters, navigation."""

from __future__ import annotations

import streamlit as st

from dashboard.components.errors import run_page
from dashboard.components.projector import projector_css
from dashboard.filters import sidebar_filters
from dashboard.i18n import t
from dashboard.loaders import choose_dataset, load_dataset, workspace

projector = st.query_params.get("projektor") == "1"
st.set_page_config(
    page_title="Samsyn",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="collapsed" if projector else "expanded",
)

# Preferences live in plain session keys (not only in widget state, which Streamlit may clear when
# the page changes) and in the URL, so a shared link opens in the same mode.
if "_english" not in st.session_state:
    st.session_state["_english"] = st.query_params.get("lang") == "en"
if "_projector" not in st.session_state:
    st.session_state["_projector"] = projector


def _keep(name: str) -> None:
    st.session_state[f"_{name}"] = st.session_state[f"{name}_toggle"]


st.session_state["projector"] = st.session_state["_projector"]
st.session_state["english"] = st.session_state["_english"]

# The dataset belongs to this session and its address (?dataset=<id>, so a shared link opens the
# same data); a new session without one starts on the workspace default (`samsyn dataset use`).
dataset, notice = choose_dataset(workspace(), st.query_params.get("dataset"), st.session_state.get("_dataset"))
if notice is not None:
    st.session_state["_dataset_notice"] = notice
st.session_state["_dataset"] = dataset.id
if st.query_params.get("dataset") != dataset.id:
    st.query_params["dataset"] = dataset.id
active = load_dataset(dataset)
st.session_state["active"] = active

with st.sidebar:
    st.toggle(t("Projektorläge"), value=st.session_state["_projector"], key="projector_toggle",
              on_change=_keep, args=("projector",))
    st.toggle(t("English"), value=st.session_state["_english"], key="english_toggle", on_change=_keep,
              args=("english",))
    caption = f"{t('Aktivt dataset')}: **{active.dataset.name}**"
    st.caption(caption)
if "_dataset_notice" in st.session_state:  # until the user picks a dataset on the Data page
    template, values = st.session_state["_dataset_notice"]
    st.warning(t(template).format(**values))

if st.session_state["projector"]:
    st.query_params["projektor"] = "1"
elif "projektor" in st.query_params:
    del st.query_params["projektor"]
if st.session_state["english"]:
    st.query_params["lang"] = "en"
elif "lang" in st.query_params:
    del st.query_params["lang"]
st.markdown(projector_css(st.session_state["projector"]), unsafe_allow_html=True)

st.session_state["filters"] = sidebar_filters(active.incidents, active.districts, active.dataset.id)

pages = [
    st.Page("pages/overview.py", title=t("Översikt"), icon=":material/dashboard:", url_path="oversikt", default=True),
    st.Page("pages/map.py", title=t("Karta"), icon=":material/map:", url_path="karta"),
    st.Page("pages/time.py", title=t("Tid"), icon=":material/schedule:", url_path="tid"),
    st.Page("pages/survey.py", title=t("Trygghet"), icon=":material/shield:", url_path="trygghet"),
    st.Page("pages/problem.py", title=t("Problembild"), icon=":material/push_pin:", url_path="problembild"),
    st.Page("pages/followup.py", title=t("Uppföljning"), icon=":material/trending_down:", url_path="uppfoljning"),
    st.Page("pages/data.py", title=t("Data"), icon=":material/folder_open:", url_path="data"),
]
navigation = st.navigation(pages, position="top" if st.session_state["projector"] else "sidebar")
try:
    # A failing page shows a message with a reference (the traceback goes to the server log), never a traceback.
    run_page(navigation.run, page=navigation.url_path)
finally:
    # An invisible run counter at the very end of the page (also after a page's st.stop()): browser
    # tests and the benchmark wait for it to change to know that a run has finished drawing.
    st.session_state["_run"] = st.session_state.get("_run", 0) + 1
    st.html(f'<span class="samsyn-run" data-run="{st.session_state["_run"]}" hidden></span>')
