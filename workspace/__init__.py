"""One door to Samsyn's data: configuration, data directory, datasets, the problem-picture store.

Both front-ends build the same object (as every ``datasette`` command and the web server build
``Datasette(...)``), so the CLI and the dashboard can no longer read different directories or
databases::

    workspace = Workspace.open()                  # samsyn.toml / SAMSYN_CONFIG / SAMSYN_DATA
    dataset = workspace.default_dataset()         # `samsyn dataset use`, else Exempelstad
    frames = workspace.load(dataset)              # incidents, districts, … and the working CRS
    with workspace.store() as store:              # [database] url, else <data>/problembild.db
        store.list_hotspots()
"""

from workspace.core import DEFAULT_STORE_NAME, FileReader, Frames, SharingChange, Workspace, attachment_notice

__all__ = ["DEFAULT_STORE_NAME", "FileReader", "Frames", "SharingChange", "Workspace", "attachment_notice"]
