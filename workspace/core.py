"""The :class:`Workspace`: what the CLI and the dashboard both open to reach data and store."""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import formatting
from core.config import AppConfig, load_config
from core.disclosure import (
    EGEN,
    SHARING_NAMES,
    View,
    Viewer,
    check_sharing,
    normalise_organisation,
    view_for,
)
from core.errors import InputError
from store import datasets as ds
from store.datasets import SAMPLE_ID, Dataset

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from store.model import Followup, Goal, Hotspot, Measure
    from store.problem_store import ProblemStore

DEFAULT_STORE_NAME = "problembild.db"
LAYER_ROLES: tuple[str, ...] = ("places", "streets", "background")


@dataclass(frozen=True)
class Frames:
    """One dataset read from disk: every layer in the working CRS ``crs``; None when absent."""

    dataset: Dataset
    crs: str
    incidents: pd.DataFrame | None = None
    districts: gpd.GeoDataFrame | None = None
    places: gpd.GeoDataFrame | None = None
    streets: gpd.GeoDataFrame | None = None
    background: gpd.GeoDataFrame | None = None
    survey: pd.DataFrame | None = None


@dataclass(frozen=True)
class SharingChange:
    """One change of a dataset's owner and/or sharing level, as the change log keeps it.

    Attributes
    ----------
    at
        When (ISO 8601 with the UTC offset).
    user
        Who, as the change log names them.
    changes
        ``{"owner": [old, new], "sharing": [old, new]}``, only what changed.
    """

    at: str
    user: str
    changes: dict[str, list[str | None]] = field(default_factory=dict)

    def sentence(self, lang: str = "sv") -> str:
        """The change in one sentence, Swedish or English.

        >>> SharingChange("2026-03-04T09:05:00+01:00", "Eva Admin",
        ...               {"owner": ["polisen", "kommunen"], "sharing": ["egen", "gemensam"]}).sentence()
        '4 mars 2026 kl. 09:05: Eva Admin ändrade ägare polisen → kommunen och delning egen → gemensam.'
        >>> SharingChange("2026-03-04T09:05:00+01:00", "Eva Admin", {"owner": [None, "polisen"]}).sentence("en")
        '4 March 2026 at 09:05: Eva Admin changed owner (none) → polisen.'
        """
        english = lang == "en"
        names = SHARING_NAMES["en" if english else "sv"]
        none = "(none)" if english else "(ingen)"
        labels = {"owner": "owner", "sharing": "sharing"} if english else {"owner": "ägare", "sharing": "delning"}
        parts = []
        for name in ("owner", "sharing"):
            if name in self.changes:
                before, after = (names.get(v, v) if name == "sharing" else v for v in self.changes[name])
                parts.append(f"{labels[name]} {before or none} → {after or none}")
        moment = datetime.fromisoformat(self.at)
        day = formatting.long_date(moment, lang=lang)
        clock = f"at {moment:%H:%M}" if english else f"kl. {moment:%H:%M}"
        verb = "changed" if english else "ändrade"
        return f"{day} {clock}: {self.user} {verb} {formatting.listing(parts, lang=lang)}."


def declared_incident_crs(path: Path) -> str:
    """The CRS an incident file declares in its GeoParquet metadata; an error when it declares none.

    A file without one must not be read as EPSG:3006 by default: the points would land in the
    wrong place without anyone noticing.
    """
    import pyarrow.parquet as pq
    from pyproj import CRS

    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, ValueError) as error:
        raise InputError(f"Kunde inte läsa händelsefilen ({error}).", path=path) from error
    geo = json.loads(metadata.get(b"geo", b"{}") or b"{}")
    column = geo.get("columns", {}).get(geo.get("primary_column", "geometry"), {})
    if column.get("crs") is None:
        raise InputError(
            "Händelsefilen anger inget koordinatsystem. Läs in den igen med `samsyn import` "
            "(eller på sidan Data), så att koordinatsystemet skrivs i filen.", path=path)
    crs = CRS.from_user_input(column["crs"])
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


class FileReader:
    """How :meth:`Workspace.load` reads each file; the dashboard passes one that caches.

    Every method takes the file's path and the working CRS and returns the frame in that CRS.
    """

    def incidents(self, path: Path, crs: str, districts_path: Path | None) -> pd.DataFrame:
        """Incidents with a ``district`` column (area id, categorical; missing outside every area)."""
        import pandas as pd

        from geo.assign import assign_areas
        from geo.dataset import read_incidents

        incidents = read_incidents(path)
        incidents.attrs["crs"] = crs
        if districts_path is not None:
            districts = self.districts(districts_path, crs)
            position = assign_areas(incidents["x"].to_numpy(), incidents["y"].to_numpy(), districts)
            ids = districts["area_id"].astype(str).to_numpy()
            # area ids are unique within a layer (read_areas checks); code -1 becomes missing
            incidents["district"] = pd.Categorical.from_codes(position, categories=ids)
        else:
            incidents["district"] = pd.Categorical([None] * len(incidents))
        return incidents

    def districts(self, path: Path, crs: str) -> gpd.GeoDataFrame:
        """The district layer through ``read_areas`` (ids, names, population) in the working CRS."""
        from geo.dataset import read_areas

        return read_areas(path, work_crs=crs)

    def layer(self, path: Path, crs: str) -> gpd.GeoDataFrame:
        """A drawing layer (places, streets, background) as stored, converted to the working CRS."""
        import geopandas as gpd

        try:
            frame = gpd.read_file(path, engine="pyogrio")
        except Exception as error:  # pyogrio raises its own DataSourceError; the user needs the file named
            raise InputError(f"Kunde inte läsa lagret ({error}).", path=path) from error
        if frame.crs is None:
            raise InputError("Lagret anger inget koordinatsystem; läs in det igen på sidan Data.", path=path)
        return frame.to_crs(crs)

    def survey(self, path: Path) -> pd.DataFrame:
        """Survey results (trygghetsmätning)."""
        from geo.dataset import read_survey

        return read_survey(path)


_NOUNS_EN = {"Platsen": "The place", "Uppföljningen": "The follow-up", "Åtgärden": "The measure",
             "Målet": "The goal"}


def attachment_notice(item_kind: str, attached: Dataset | str, active: Dataset, *, lang: str = "sv") -> str | None:
    """The sentence telling that an item is attached to another dataset than the active one.

    ``item_kind`` is the Swedish definite noun ("Platsen", "Uppföljningen", "Åtgärden", "Målet");
    ``lang="en"`` writes the sentence in English. Returns None when the item belongs to the active
    dataset.

    Examples
    --------
    >>> from pathlib import Path
    >>> april = Dataset("april", "Polisens export april", Path("."))
    >>> may = Dataset("maj", "Polisens export maj", Path("."))
    >>> attachment_notice("Platsen", april, may)
    'Platsen är fäst i datasetet Polisens export april; aktivt dataset är Polisens export maj.'
    >>> attachment_notice("Platsen", april, may, lang="en")
    'The place is pinned to the dataset Polisens export april; the active dataset is Polisens export maj.'
    >>> attachment_notice("Uppföljningen", "mars", may, lang="en")
    "The follow-up is pinned to the dataset 'mars', which is no longer in the data folder; ..."
    >>> attachment_notice("Platsen", may, may) is None
    True
    """
    attached_id = attached.id if isinstance(attached, Dataset) else attached
    if attached_id == active.id:
        return None
    if lang == "en":
        name = attached.name if isinstance(attached, Dataset) else (
            f"'{attached}', which is no longer in the data folder")
        noun = _NOUNS_EN.get(item_kind, item_kind)
        return f"{noun} is pinned to the dataset {name}; the active dataset is {active.name}."
    if isinstance(attached, Dataset):
        name = attached.name
    else:
        name = f"'{attached}', som inte längre finns i datamappen"
    return f"{item_kind} är fäst i datasetet {name}; aktivt dataset är {active.name}."


class Workspace:
    """Configuration, data directory, datasets and the problem-picture store, in one object.

    Build it with :meth:`open`; the constructor takes an already read configuration (tests).

    Parameters
    ----------
    config
        The settings of ``samsyn.toml``.
    data_dir
        Overrides ``[data] directory`` (``--data``).
    database_url
        Overrides ``[database] url`` (``--db``): a path, ``sqlite:///…`` or ``postgresql://…``.
    """

    def __init__(self, config: AppConfig, *, data_dir: str | Path | None = None,
                 database_url: str | None = None) -> None:
        self.config = config
        self.data_dir = Path(data_dir).expanduser().resolve() if data_dir else config.data_directory
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise InputError(f"Datamappen {self.data_dir} är en fil, inte en mapp.")
        self._database_url = database_url or config.database_url

    @classmethod
    def open(cls, config_path: str | Path | None = None, *, data_dir: str | Path | None = None,
             database_url: str | None = None, env: Mapping[str, str] | None = None) -> Workspace:
        """Read the configuration (``config_path``, else ``SAMSYN_CONFIG``, else ``./samsyn.toml``).

        ``SAMSYN_DATA`` in ``env`` (default: the process environment) overrides the data
        directory of the file; ``data_dir`` and ``database_url`` override both.
        """
        return cls(load_config(config_path, env=os.environ if env is None else env),
                   data_dir=data_dir, database_url=database_url)

    def __repr__(self) -> str:
        return f"Workspace(data_dir={str(self.data_dir)!r}, store={self.store_url!r})"

    # -- datasets --------------------------------------------------------------------------------

    def datasets(self) -> list[Dataset]:
        """The built-in sample first, then the user's datasets by creation time."""
        return ds.list_datasets(self.data_dir)

    def view(self, dataset: Dataset, viewer: Viewer) -> View:
        """What ``viewer`` may see of ``dataset``: its owner and sharing level, this installation's thresholds."""
        return view_for(viewer, dataset.owner, dataset.sharing, self.config.disclosure)

    def visible_datasets(self, viewer: Viewer) -> list[Dataset]:
        """The datasets shared with ``viewer`` (all of them on a workstation), sample first."""
        return [d for d in self.datasets() if self.view(d, viewer).visible]

    def dataset(self, dataset_id: str) -> Dataset:
        """The dataset with this id; :class:`InputError` naming the ids there are when it is missing."""
        try:
            return ds.get_dataset(self.data_dir, dataset_id)
        except KeyError:
            known = ", ".join(d.id for d in self.datasets())
            raise InputError(f"Datasetet '{dataset_id}' finns inte i {self.data_dir} (det finns: {known}).") from None

    def find_dataset(self, name_or_id: str) -> Dataset:
        """A dataset by id, or else by its name (case-insensitive); an error if none or several match."""
        text = name_or_id.strip()
        everything = self.datasets()
        for dataset in everything:
            if dataset.id == text:
                return dataset
        named = [d for d in everything if d.name.casefold() == text.casefold()]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            ids = ", ".join(d.id for d in named)
            raise InputError(f"Flera dataset heter '{text}' ({ids}); ange id i stället.")
        return self.dataset(text)

    def default_dataset(self) -> Dataset:
        """What the CLI uses and a new dashboard session starts with.

        The dataset chosen with ``samsyn dataset use``, else (and when that one is gone) the
        built-in Exempelstad sample.
        """
        return ds.default_dataset(self.data_dir)

    def set_default(self, name_or_id: str) -> Dataset:
        """Make a dataset the default (``samsyn dataset use``); it must have incidents."""
        dataset = self.find_dataset(name_or_id)
        if dataset.path("incidents") is None:
            raise InputError(f"Datasetet '{dataset.name}' har inga händelser och kan inte vara standard.")
        return ds.set_default(self.data_dir, dataset.id)

    # -- changing datasets, for a viewer (store.access decides who may) ---------------------------
    # The dashboard calls these, never store.datasets' own functions, so a signed-in person's role
    # and organisation are checked on the server whatever the page showed; the CLI passes Viewer.local().

    def may(self, viewer: Viewer, action: str, dataset: Dataset | None = None) -> bool:
        """True when ``viewer`` may ``create`` a dataset, or ``add_file``/``archive``/``share`` this one."""
        from store.access import dataset_refusal

        if dataset is not None and (dataset.builtin or not self._manages(dataset, viewer)):
            return False
        return dataset_refusal(viewer, action, dataset.owner if dataset else None) is None

    def _manages(self, dataset: Dataset, viewer: Viewer) -> bool:
        # Administrators manage every dataset (owner and sharing), including another organisation's own.
        from store.access import ADMIN

        return ADMIN in viewer.roles or self.view(dataset, viewer).visible

    def _guarded(self, dataset_id: str, viewer: Viewer, action: str) -> Dataset:
        from store.access import check_dataset_action

        try:
            dataset = ds.get_dataset(self.data_dir, dataset_id)
        except KeyError:
            dataset = None
        # A dataset the viewer may not see is answered as if it did not exist: no name leaks.
        if dataset is None or not self._manages(dataset, viewer):
            raise InputError("Datasetet finns inte eller delas inte med dig.")
        if dataset.builtin:
            raise InputError("Exempeldatan kan inte ändras eller tas bort.")
        check_dataset_action(viewer, action, dataset.owner)
        return dataset

    def create_dataset(self, name: str, *, viewer: Viewer, crs: str | None = None, owner: str | None = None,
                       sharing: str = EGEN) -> Dataset:
        """A new, empty dataset owned by ``owner`` (default: the viewer's organisation), shared at ``sharing``.

        Raises
        ------
        store.access.AccessDenied
            When the viewer may not create datasets, or (not an administrator) names another owner.
        """
        from store.access import check_dataset_action

        owner = normalise_organisation(owner) if isinstance(owner, str) and owner.strip() else None
        check_dataset_action(viewer, "create", new_owner=owner)
        try:
            check_sharing(sharing)
        except ValueError as error:
            raise InputError(str(error)) from None
        return ds.create_dataset(self.data_dir, name, crs=crs, owner=owner or viewer.organisation, sharing=sharing)

    def save_role(self, dataset: Dataset, role: str, suffix: str, writer, *, viewer: Viewer,
                  crs: str | None = None) -> Dataset:
        """Write a file of ``dataset`` (``store.datasets.save_role``) when ``viewer`` may add files to it."""
        guarded = self._guarded(dataset.id, viewer, "add_file")
        return ds.save_role(guarded, role, suffix, writer, crs=crs)

    def archive_dataset(self, dataset_id: str, *, viewer: Viewer) -> Path:
        """Remove a dataset (``store.datasets.archive_dataset``) when ``viewer`` may; returns the note."""
        self._guarded(dataset_id, viewer, "archive")
        return ds.archive_dataset(self.data_dir, dataset_id)

    def set_sharing(self, dataset_id: str, *, viewer: Viewer, owner: str | None = None,
                    sharing: str | None = None, user: str | None = None, store: Any = None) -> Dataset:
        """Change a dataset's owner and/or sharing level (None: leave it) when ``viewer`` may.

        The change is written to the problem store's change log (who, when, from → to) in the same
        step as ``dataset.json`` (``store.datasets.set_sharing``); ``user`` is who the log names
        (default: the login name, as on the command line), ``store`` the session's store (default:
        the workspace's, opened for this change).
        """
        self._guarded(dataset_id, viewer, "share")
        who = user if user is not None and user.strip() else getpass.getuser()

        def record(changes: dict[str, list[str | None]], write: Callable[[], None]) -> None:
            target = store if store is not None else self.store()
            try:
                target.log_dataset_change(dataset_id, changes, user=who, write=write)
            finally:
                if store is None:
                    target.close()

        try:
            return ds.set_sharing(self.data_dir, dataset_id, owner=owner, sharing=sharing, record=record)
        except ValueError as error:
            raise InputError(str(error)) from None

    def sharing_log(self, dataset_id: str, *, store: Any = None) -> list[SharingChange]:
        """The changes of a dataset's owner and sharing level, oldest first, from the change log."""
        target = store if store is not None else self.store()
        try:
            return [SharingChange(e.at, e.user, e.changes) for e in target.dataset_log(dataset_id)]
        finally:
            if store is None:
                target.close()

    # -- reading ---------------------------------------------------------------------------------

    def working_crs(self, dataset: Dataset) -> str:
        """The dataset's working CRS: the one its incident file declares, else its metadata's.

        Raises
        ------
        InputError
            When neither declares one, or they disagree.
        """
        incidents = dataset.path("incidents")
        if incidents is not None:
            declared = declared_incident_crs(incidents)
            if dataset.crs and not dataset.builtin and dataset.crs != declared:
                raise InputError(
                    f"Datasetet '{dataset.name}' anger koordinatsystemet {dataset.crs}, men händelsefilen "
                    f"{declared}. Läs in händelserna igen.", path=incidents)
            return declared
        if dataset.crs:
            return dataset.crs
        raise InputError(f"Datasetet '{dataset.name}' anger inget koordinatsystem.",
                         path=dataset.directory / "dataset.json")

    def load(self, dataset: Dataset | str, *, reader: FileReader | None = None) -> Frames:
        """Read every layer of a dataset in its working CRS.

        Parameters
        ----------
        dataset
            A :class:`Dataset` or its id.
        reader
            How to read each file (default :class:`FileReader`; the dashboard passes a cached one).

        Returns
        -------
        Frames
            ``incidents`` carries ``attrs["crs"]`` and a ``district`` column when there are districts.
            A survey file that cannot be read is left out (``survey=None``): it is a nicety, and a
            bad one must not stop the map or the report.
        """
        if isinstance(dataset, str):
            dataset = self.dataset(dataset)
        reader = reader or FileReader()
        crs = self.working_crs(dataset)
        districts_path = dataset.path("districts")
        incidents_path = dataset.path("incidents")
        survey_path = dataset.path("survey")
        survey = None
        if survey_path is not None:
            try:
                survey = reader.survey(survey_path)
            except InputError:
                survey = None
        layers = {role: reader.layer(dataset.path(role), crs) if dataset.path(role) else None
                  for role in LAYER_ROLES}
        return Frames(
            dataset=dataset,
            crs=crs,
            incidents=reader.incidents(incidents_path, crs, districts_path) if incidents_path else None,
            districts=reader.districts(districts_path, crs) if districts_path else None,
            survey=survey,
            **layers,
        )

    # -- the problem-picture store ---------------------------------------------------------------

    @property
    def store_url(self) -> str:
        """Where the problem picture lives: ``--db``, else ``[database] url``, else SQLite in the data dir."""
        return self._database_url or str(self.data_dir / DEFAULT_STORE_NAME)

    def store(self) -> ProblemStore:
        """Open (create, migrate) the problem-picture store; close it when done (or use ``with``)."""
        from store.problem_store import open_store

        try:
            return open_store(self.store_url)
        except ValueError as error:
            raise InputError(str(error)) from error

    def first_start(self, store: ProblemStore) -> None:
        """Load the demo picture into a store the dashboard created just now, when it starts on the sample.

        The dashboard calls this when it opens its store (``dashboard.services.shared_store``); the
        command line does not, so a script's ``samsyn picture import`` into a new store still finds it
        empty (``samsyn picture demo`` loads the demo from there). A user's own data (another default
        dataset) starts with an empty picture; an existing store is never touched
        (``workspace.demo.load_if_new``).
        """
        if getattr(store, "created", False) and self.default_dataset().id == SAMPLE_ID:
            from workspace.demo import load_if_new

            load_if_new(store)

    # -- which dataset an item of the problem picture belongs to --------------------------------

    def dataset_id_of(self, item: Hotspot | Followup | Measure | Goal,
                      hotspots: Mapping[int, Hotspot] | Iterable[Hotspot] = ()) -> str:
        """The id of the dataset a hotspot or follow-up was made on; measures and goals follow their hotspot.

        ``hotspots`` (by id, or a list) resolves measures and goals; one without a hotspot belongs
        to the sample, as rows from before the dataset was recorded do.
        """
        by_id = dict(hotspots) if isinstance(hotspots, Mapping) else {h.id: h for h in hotspots}
        own = getattr(item, "dataset_id", None)
        if own:
            return own
        ids = list(getattr(item, "hotspot_ids", []) or [])
        if getattr(item, "hotspot_id", None) is not None:
            ids.insert(0, item.hotspot_id)
        for hotspot_id in ids:
            if hotspot_id in by_id:
                return by_id[hotspot_id].dataset_id
        return SAMPLE_ID

    def dataset_of(self, item: Any, hotspots: Mapping[int, Hotspot] | Iterable[Hotspot] = ()) -> Dataset | None:
        """The dataset an item of the problem picture belongs to, or None when it is gone from the data dir."""
        try:
            return ds.get_dataset(self.data_dir, self.dataset_id_of(item, hotspots))
        except KeyError:
            return None
