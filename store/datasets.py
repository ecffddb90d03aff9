"""Datasets on disk: the embedded sample plus what users upload, and which one is the default.

Layout of the data directory (``workspace.Workspace.data_dir``: ``[data] directory`` in samsyn.toml,
``SAMSYN_DATA`` or ``--data``)::

    <data_dir>/datasets/<id>/dataset.json     name, created, working CRS, files
    <data_dir>/datasets/<id>/incidents.parquet, districts.gpkg, places.gpkg, survey.csv …
    <data_dir>/archive/<id>-<timestamp>.json   a removed dataset's name and dates only: its files are deleted
    <data_dir>/active.json                     {"dataset": "<id>"}: the default, set by ``samsyn dataset use``

The embedded Exempelstad sample is the built-in, read-only dataset ``exempelstad``. ``active.json``
names only the *default*: what the CLI uses and what a new dashboard session starts with. The
dashboard's own choice belongs to the session and its address (``?dataset=<id>``), never to this file.
Every write goes to a temporary file that is renamed into place, so a crash never
leaves a half-written file behind.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from core.disclosure import EGEN, POLICE, STYRGRUPP, check_sharing, normalise_organisation
from core.errors import InputError

SAMPLE_ID = "exempelstad"
ROLES: tuple[str, ...] = ("incidents", "districts", "places", "streets", "background", "survey")


@dataclass(frozen=True)
class Dataset:
    """One dataset: its id, display name and the files it holds, by role."""

    id: str
    name: str
    directory: Path
    files: dict[str, Path] = field(default_factory=dict)
    crs: str | None = None  # the working CRS written at import; None until a file or the importer says
    builtin: bool = False
    created: str = ""
    # Who owns the incidents and who may see them (core.disclosure); None: not yet said (legacy datasets).
    owner: str | None = None
    sharing: str = EGEN

    def path(self, role: str) -> Path | None:
        """The file for a role ("incidents", "districts", …), or None if the dataset has none."""
        return self.files.get(role)


def sample_dataset() -> Dataset:
    """The embedded Exempelstad sample as a read-only dataset."""
    from data.sample import paths

    sample = paths()
    files = {role: getattr(sample, role) for role in ROLES if getattr(sample, role, None)}
    files = {role: p for role, p in files.items() if p.exists()}
    # Fictional data, shared with everyone: the police "own" it so the demo shows what the kommun's
    # analysts and the steering group see below the owner's level.
    return Dataset(SAMPLE_ID, "Exempelstad (fiktiv ort, exempeldata)", sample.directory, files, builtin=True,
                   owner=POLICE, sharing=STYRGRUPP)


DISK_FULL = ("Disken för datamappen är full ({directory}), så filen kunde inte sparas. Inget ändrades – det som "
             "fanns finns kvar som det var. Frigör utrymme på disken (eller flytta [data] directory i samsyn.toml "
             "till en större disk) och försök igen.")


def disk_full(error: BaseException) -> bool:
    """True when ``error`` says the disk (or the account's quota) is full, whichever library raised it.

    >>> import errno
    >>> disk_full(OSError(errno.ENOSPC, "No space left on device")), disk_full(OSError(errno.EACCES, "nej"))
    (True, False)
    """
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    # GDAL (pyogrio) and Arrow put the system's message into exceptions of their own, without an errno.
    text = str(error)
    return os.strerror(errno.ENOSPC) in text or os.strerror(errno.EDQUOT) in text


@contextmanager
def _space_for(directory: Path, what: str) -> Iterator[None]:
    """Turn a full disk while writing ``what`` into the data directory into the user's message."""
    try:
        yield
    except Exception as error:
        if disk_full(error):
            raise InputError(DISK_FULL.format(directory=directory), path=what) from error
        raise


def _atomic_write_text(path: Path, text: str) -> None:
    with _space_for(path.parent, path.name):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):  # a write that failed leaves no temporary file behind
                os.unlink(tmp)


def slugify(name: str) -> str:
    """A file-system-safe id from a dataset name.

    >>> slugify("Polisens export – Södermalm 2024")
    'polisens-export-sodermalm-2024'
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "dataset"


def _read(directory: Path) -> Dataset:
    meta = json.loads((directory / "dataset.json").read_text(encoding="utf-8"))
    files = {role: directory / name for role, name in meta.get("files", {}).items() if (directory / name).exists()}
    return Dataset(meta["id"], meta["name"], directory, files, meta.get("crs") or None,
                   created=meta.get("created", ""), owner=meta.get("owner") or None,
                   sharing=meta.get("sharing") or EGEN)


def _write(dataset: Dataset) -> None:
    meta = {
        "id": dataset.id,
        "name": dataset.name,
        "crs": dataset.crs,
        "created": dataset.created,
        "owner": dataset.owner,
        "sharing": dataset.sharing,
        "files": {role: p.name for role, p in dataset.files.items()},
    }
    _atomic_write_text(dataset.directory / "dataset.json", json.dumps(meta, ensure_ascii=False, indent=2))


def list_datasets(data_dir: Path) -> list[Dataset]:
    """The sample first, then the user's datasets by creation time."""
    root = Path(data_dir) / "datasets"
    own = [_read(d) for d in sorted(root.glob("*")) if (d / "dataset.json").exists()] if root.exists() else []
    return [sample_dataset(), *sorted(own, key=lambda d: d.created)]


def get_dataset(data_dir: Path, dataset_id: str) -> Dataset:
    """The dataset with this id; ``KeyError`` if there is none."""
    for dataset in list_datasets(data_dir):
        if dataset.id == dataset_id:
            return dataset
    raise KeyError(dataset_id)


def create_dataset(data_dir: Path, name: str, *, crs: str | None = None, owner: str | None = None,
                   sharing: str = EGEN) -> Dataset:
    """Create an empty dataset directory with a unique id derived from the name.

    ``crs`` is the working CRS the importer chose; without it the dataset has none until its
    incident file declares one (``Workspace.working_crs``), rather than an assumed SWEREF 99 TM.
    """
    root = Path(data_dir) / "datasets"
    root.mkdir(parents=True, exist_ok=True)
    base = slugify(name)
    dataset_id, n = base, 1
    while (root / dataset_id).exists() or dataset_id == SAMPLE_ID:
        n += 1
        dataset_id = f"{base}-{n}"
    dataset = Dataset(dataset_id, name, root / dataset_id, {}, crs, created=datetime.now().isoformat(timespec="seconds"),
                      owner=owner, sharing=check_sharing(sharing))
    with _space_for(root, dataset_id):
        dataset.directory.mkdir()
    try:
        _write(dataset)
    except BaseException:
        shutil.rmtree(dataset.directory, ignore_errors=True)  # no half-made dataset left on a full disk
        raise
    return dataset


def add_file(dataset: Dataset, role: str, source: Path, *, crs: str | None = None) -> Dataset:
    """Move an already written file into the dataset under a role; return the updated dataset."""
    if dataset.builtin:
        raise ValueError("Exempeldatan kan inte ändras. Skapa ett eget dataset.")
    if role not in ROLES:
        raise ValueError(f"Okänd roll '{role}'.")
    target = dataset.directory / f"{role}{Path(source).suffix}"
    os.replace(source, target)
    files = {r: p for r, p in dataset.files.items() if r != role} | {role: target}
    updated = replace(dataset, files=files, crs=crs or dataset.crs)
    _write(updated)
    return updated


# Logs a change (``{"owner": [old, new], "sharing": [old, new]}``) and calls the writer inside its
# transaction: ProblemStore.log_dataset_change bound to a user (workspace.Workspace.set_sharing).
Record = Callable[[dict[str, list[str | None]], Callable[[], None]], object]


def set_sharing(data_dir: Path, dataset_id: str, *, owner: str | None = None,
                sharing: str | None = None, record: Record | None = None) -> Dataset:
    """Change a dataset's owner organisation and/or sharing level (None: leave it); rewrite dataset.json atomically.

    With ``record``, what changed is written to the change log together with the file: ``record``
    gets the changes and the file's writer and calls the writer inside its transaction; when the log
    fails after the file was written, the file is put back, so the file and the log agree. Saving the
    same owner and level again changes and logs nothing.

    Raises
    ------
    KeyError
        When there is no dataset with this id.
    ValueError
        For the built-in sample, an empty owner or an unknown sharing level (Swedish messages).
    """
    dataset = get_dataset(data_dir, dataset_id)
    if dataset.builtin:
        raise ValueError("Exempeldatan kan inte ändras: den ägs av polisen och delas till styrgruppen.")
    new_owner = dataset.owner
    if owner is not None:
        if not isinstance(owner, str) or not owner.strip():
            raise ValueError("Ange ägarorganisationen, t.ex. polisen eller kommunen.")
        new_owner = normalise_organisation(owner)
    new_sharing = dataset.sharing if sharing is None else check_sharing(sharing)
    updated = replace(dataset, owner=new_owner, sharing=new_sharing)
    changes = {name: [before, after] for name, before, after in (
        ("owner", dataset.owner, new_owner), ("sharing", dataset.sharing, new_sharing)) if before != after}
    if not changes:
        return dataset
    if record is None:
        _write(updated)
        return updated
    written = False

    def write() -> None:
        nonlocal written
        _write(updated)
        written = True

    try:
        record(changes, write)
    except BaseException:
        if written:  # the log's transaction did not commit: the file says what the log says
            _write(dataset)
        raise
    return updated


def default_dataset(data_dir: Path) -> Dataset:
    """The default dataset: the one chosen with ``samsyn dataset use``, else the sample.

    Also the sample when the chosen one is gone (archived) or has no incidents.
    """
    marker = Path(data_dir) / "active.json"
    if marker.exists():
        chosen = json.loads(marker.read_text(encoding="utf-8")).get("dataset")
        try:
            dataset = get_dataset(data_dir, chosen)
        except KeyError:
            return sample_dataset()
        if dataset.path("incidents") is not None:
            return dataset
    return sample_dataset()


def set_default(data_dir: Path, dataset_id: str) -> Dataset:
    """Make a dataset the default one (it must exist); only ``samsyn dataset use`` calls this."""
    dataset = get_dataset(data_dir, dataset_id)
    _atomic_write_text(Path(data_dir) / "active.json", json.dumps({"dataset": dataset_id}))
    return dataset



def archive_dataset(data_dir: Path, dataset_id: str) -> Path:
    """Remove a user's dataset: delete its files (incidents and layers), keep a note of what it was.

    Police incidents are personal data kept only while they are used, so nothing of them is kept.
    The problem picture (store) keeps its places, measures, goals and change log; they refer to the
    dataset by id, and the note — id, name, created and removed — lets them say which dataset it was.

    Returns
    -------
    Path
        The note, ``<data_dir>/archive/<id>-<timestamp>.json``.
    """
    dataset = get_dataset(data_dir, dataset_id)
    if dataset.builtin:
        raise ValueError("Exempeldatan kan inte tas bort.")
    now = datetime.now()
    note = Path(data_dir) / "archive" / f"{dataset_id}-{now.strftime('%Y%m%dT%H%M%S')}.json"
    record = {"id": dataset.id, "name": dataset.name, "created": dataset.created, "crs": dataset.crs,
              "removed": now.isoformat(timespec="seconds"), "deleted_files": sorted(dataset.files)}
    # The note first: if the deletion is interrupted, the dataset is at least known to be going.
    _atomic_write_text(note, json.dumps(record, ensure_ascii=False, indent=2))
    shutil.rmtree(dataset.directory)
    return note


def discard_dataset(dataset: Dataset) -> None:
    """Remove a dataset that was created but never completed (a failed ``samsyn dataset add``).

    Only for a dataset made in the same command: a finished dataset is removed with
    :func:`archive_dataset`, which leaves a note of what it was.
    """
    if dataset.builtin:
        raise ValueError("Exempeldatan kan inte tas bort.")
    shutil.rmtree(dataset.directory, ignore_errors=True)


def save_role(dataset: Dataset, role: str, suffix: str, writer, *, crs: str | None = None) -> Dataset:
    """Write a role's file with ``writer(tmp_path)`` and move it into the dataset only on success.

    A failed or interrupted write leaves the dataset as it was: the old file stays until the new
    one is complete.
    """
    tmp = dataset.directory / f".incoming-{role}{suffix}"
    if tmp.exists():
        tmp.unlink()
    try:
        with _space_for(dataset.directory, f"{role}{suffix}"):
            writer(tmp)
            return add_file(dataset, role, tmp, crs=crs)
    finally:
        if tmp.exists():
            tmp.unlink()
