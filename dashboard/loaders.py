"""The dashboard's door to the data: Streamlit caching around :class:`workspace.Workspace` calls.

What is read, and how, lives in ``workspace`` (the CLI reads the same way); this module only
caches it. The loaders take paths and modification times (primitives), so a file replaced on
disk is read again. The incident table is cached with ``st.cache_resource``: ``st.cache_data``
would copy a million rows on every run (about a second), so it is shared read-only instead —
pages only ever derive new frames from it, never change it in place.

Which dataset a session shows is the session's and the address's (``?dataset=<id>``), see
:func:`choose_dataset`; a new session without the parameter starts on the workspace default.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from core.disclosure import Viewer
from dashboard.services import shared_store, workspace
from store.datasets import Dataset
from workspace import FileReader, Frames, Workspace


def _mtime(path: Path | None) -> float:
    return path.stat().st_mtime if path is not None and path.exists() else 0.0


def _optional(path: str | None) -> Path | None:
    return Path(path) if path else None


@st.cache_data(show_spinner=False, max_entries=8)
def _districts(path: str, mtime: float, crs: str) -> gpd.GeoDataFrame:
    return FileReader().districts(Path(path), crs)


@st.cache_data(show_spinner=False, max_entries=16)
def _layer(path: str, mtime: float, crs: str) -> gpd.GeoDataFrame:
    return FileReader().layer(Path(path), crs)


@st.cache_data(show_spinner=False, max_entries=8)
def _survey(path: str, mtime: float) -> pd.DataFrame:
    return FileReader().survey(Path(path))


@st.cache_resource(show_spinner="Läser in händelser …", max_entries=2)
def _incidents(path: str, mtime: float, crs: str, districts_path: str | None, districts_mtime: float) -> pd.DataFrame:
    incidents = CachedReader.uncached_incidents(Path(path), crs, _optional(districts_path))
    # The opaque ids are not shown anywhere in the dashboard; leaving them out saves memory and time.
    return incidents.drop(columns="id")


class CachedReader(FileReader):
    """The workspace's file reader with every file cached by path and modification time."""

    @staticmethod
    def uncached_incidents(path: Path, crs: str, districts_path: Path | None) -> pd.DataFrame:
        """Read incidents as the workspace does, the district layer through the cache."""
        return FileReader.incidents(CachedReader(), path, crs, districts_path)

    def incidents(self, path: Path, crs: str, districts_path: Path | None) -> pd.DataFrame:
        """Cached incidents with their districts assigned."""
        return _incidents(str(path), _mtime(path), crs, str(districts_path) if districts_path else None,
                          _mtime(districts_path))

    def districts(self, path: Path, crs: str) -> gpd.GeoDataFrame:
        """Cached district layer."""
        return _districts(str(path), _mtime(path), crs)

    def layer(self, path: Path, crs: str) -> gpd.GeoDataFrame:
        """Cached drawing layer."""
        return _layer(str(path), _mtime(path), crs)

    def survey(self, path: Path) -> pd.DataFrame:
        """Cached survey results."""
        return _survey(str(path), _mtime(path))


@st.cache_data(show_spinner=False, max_entries=4)
def data_quality_for(path: str, mtime: float, crs: str, districts_path: str | None, districts_mtime: float):
    """The "what data is loaded" summary of a dataset (computed once per file version)."""
    from analysis.overview import data_quality

    return data_quality(_incidents(path, mtime, crs, districts_path, districts_mtime))


@st.cache_data(show_spinner=False, max_entries=4)
def _background_geojson(path: str, mtime: float, crs: str) -> dict:
    from dashboard.components.maps import background_geojson

    return background_geojson(_layer(path, mtime, crs), crs)


@dataclass(frozen=True)
class ActiveData(Frames):
    """A dataset's frames as the pages use them (``st.session_state["active"]``)."""

    def background_geojson(self) -> dict | None:
        """The background layers as WGS 84 GeoJSON for the map (converted once per file version)."""
        path = self.dataset.path("background")
        if path is None:
            return None
        return _background_geojson(str(path), _mtime(path), self.crs)

    def data_quality(self):
        """The cached data-quality summary of the incidents."""
        incidents, districts = self.dataset.path("incidents"), self.dataset.path("districts")
        return data_quality_for(str(incidents), _mtime(incidents), self.crs,
                                str(districts) if districts else None, _mtime(districts))


def load_dataset(dataset: Dataset | str) -> ActiveData:
    """A dataset's frames through the cache (the same frames ``Workspace.load`` gives the CLI)."""
    frames = workspace().load(dataset, reader=CachedReader())
    return ActiveData(**{f.name: getattr(frames, f.name) for f in fields(Frames)})


Notice = tuple[str, dict[str, str]]  # a t() template and its values


NOTHING_SHARED = ("Inga dataset delas med dig ännu. Be en analytiker eller administratören att dela ett "
                  "dataset med din organisation.")
NOT_SHARED = "Datasetet finns inte eller delas inte med dig; visar {name}."


def choose_dataset(space: Workspace, requested: str | None, remembered: str | None,
                   viewer: Viewer | None = None) -> tuple[Dataset | None, Notice | None]:
    """The dataset a session shows, and a Swedish notice when the address asked for one it cannot open.

    Only datasets shared with ``viewer`` (default: this session's, :func:`dashboard.auth.session_viewer`)
    are chosen. ``requested`` is ``?dataset=`` from the address (a shared link), ``remembered`` the
    session's own choice. The address wins; an id that is unknown or not shared with the viewer falls
    back to the workspace default (else the first visible dataset) with one notice for both, so the
    notice does not tell whether a dataset the viewer may not see exists. Without either, a session
    starts on the default. When nothing with incidents is shared with the viewer, the dataset is None
    and the notice is :data:`NOTHING_SHARED`.
    """
    if viewer is None:
        from dashboard.auth import session_viewer

        viewer = session_viewer()
    visible = space.visible_datasets(viewer)
    usable = [d for d in visible if d.path("incidents") is not None]
    if not usable:
        return None, (NOTHING_SHARED, {})
    default = space.default_dataset()
    if default.id not in {d.id for d in usable}:
        default = usable[0]
    wanted = (requested or "").strip() or (remembered or "").strip()
    if not wanted:
        return default, None
    dataset = next((d for d in visible if d.id == wanted), None)
    if dataset is None:
        if not requested:  # the session's own choice was archived or unshared meanwhile: no link to explain
            return default, None
        return default, (NOT_SHARED, {"name": default.name})
    if dataset.path("incidents") is None:
        return default, ("Datasetet {dataset} har inga händelser ännu; visar {name}.",
                         {"dataset": dataset.name, "name": default.name})
    return dataset, None


def fallback_datasets(space: Workspace, viewer: Viewer | None = None) -> list[Dataset]:
    """What a session falls back to when its dataset cannot be read: the default, then the sample,
    each only when it is shared with ``viewer`` (default: this session's)."""
    if viewer is None:
        from dashboard.auth import session_viewer

        viewer = session_viewer()
    from store.datasets import sample_dataset

    return [d for d in (space.default_dataset(), sample_dataset()) if space.view(d, viewer).visible]


def problem_store():
    """The problem-picture store of the workspace: ``[database] url``, else SQLite in the data directory."""
    space = workspace()
    space.data_dir.mkdir(parents=True, exist_ok=True)
    # Every write is checked against the session's roles in the store layer, not only by hiding buttons.
    from dashboard.auth import session_identities, session_roles
    from store.access import RoleGuardedStore

    return RoleGuardedStore(shared_store(space.store_url), session_roles(), session_identities())


def current_view(dataset: Dataset | None = None):
    """What this session's viewer may see of ``dataset`` (default: the active one): a
    :class:`core.disclosure.View` every table, map, download and report of the page asks."""
    from dashboard.auth import session_viewer

    if dataset is None:
        dataset = st.session_state["active"].dataset
    return workspace().view(dataset, session_viewer())


def frames_for(item, hotspots=(), *, active: ActiveData) -> tuple[ActiveData, str | None]:
    """The frames to count a hotspot or follow-up on, and the sentence to show when that is not the active data.

    An item belongs to the dataset it was made on (measures and goals follow their hotspot). When
    that is another dataset, its numbers come from that dataset and the notice says so; when that
    dataset is gone (archived) or has no incidents, the active dataset is used and the notice says that.
    """
    from dashboard.i18n import lang
    from workspace import attachment_notice

    space = workspace()
    noun = {"Followup": "Uppföljningen", "Measure": "Åtgärden", "Goal": "Målet"}.get(type(item).__name__, "Platsen")
    attached = space.dataset_of(item, hotspots)
    if attached is None or attached.path("incidents") is None:
        return active, attachment_notice(noun, space.dataset_id_of(item, hotspots), active.dataset, lang=lang())
    if attached.id == active.dataset.id:
        return active, None
    notice = attachment_notice(noun, attached, active.dataset, lang=lang())
    counted = f"The numbers are counted on {attached.name}." if lang() == "en" else \
        f"Siffrorna räknas på {attached.name}."
    return load_dataset(attached), f"{notice} {counted}"
