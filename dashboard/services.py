"""The workspace and its problem-picture store, built once per process for every session.

Its own module because both the sign-in (:mod:`dashboard.auth`, which reads the role table) and the
loaders (:mod:`dashboard.loaders`, which guard the store with the session's roles) need them.
"""

from __future__ import annotations

import streamlit as st

from workspace import Workspace


def workspace() -> Workspace:
    """The workspace, built as ``samsyn`` builds it: samsyn.toml, SAMSYN_CONFIG, SAMSYN_DATA."""
    return Workspace.open()


@st.cache_resource(show_spinner=False)
def shared_store(url: str):
    """The store at ``url``, opened once per process (its connections are shared by the sessions)."""
    from store.problem_store import open_store

    store = open_store(url)
    workspace().first_start(store)  # a new store on the sample gets the demo picture, as from the CLI
    return store
