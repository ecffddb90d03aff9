"""An uploaded file, handed to the importer without ever reaching the data directory.

Streamlit keeps an upload in memory. The readers (GDAL, openpyxl, pyarrow) want a path, so the bytes
go to a private temporary file — in the system's temp directory, in a folder only this user may
open, mode 0600 — that is removed as soon as the import has finished or been refused.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard.components.safe_text import clean_text

_UNSAFE = re.compile(r"[^\w.\- ]+")
# "20261201T202145-export.csv": the time stamp a system (or Samsyn's old upload folder) put first.
_STAMP = re.compile(r"^\d{8}T?\d{4,6}(?:[-_ ]+|$)")
_SUFFIXES = re.compile(r"(?:\.(?:csv|txt|tsv|gz|zip|xlsx|xlsm|xls|xlsb|ods|geojson|json|gpkg|parquet|geoparquet|shp))+$",
                       re.IGNORECASE)
MAX_NAME = 120


def safe_upload_name(name: str) -> str:
    """A file name for an upload that can never choose a path: no folders, no ``..``, no controls.

    The suffixes (``.csv.gz``) survive, because the readers choose by them.

    >>> safe_upload_name("../../etc/passwd.csv")
    'passwd.csv'
    >>> safe_upload_name("..\\\\..\\\\boot.ini")
    'boot.ini'
    >>> safe_upload_name("..")
    'fil'
    """
    base = re.split(r"[/\\]", clean_text(name))[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > MAX_NAME:
        stem, dot, suffixes = base.partition(".")
        base = stem[: MAX_NAME - len(suffixes) - 1] + dot + suffixes if len(suffixes) < MAX_NAME // 2 else stem[:MAX_NAME]
    return base or "fil"


def dataset_name_from_file(name: str) -> str:
    """A dataset name from an upload's file name: no folder, time stamp prefix or extension; words, not ``_``.

    >>> dataset_name_from_file("20261201T202145-Polisens_export_april.csv.gz")
    'Polisens export april'
    >>> dataset_name_from_file("../../x.csv")
    'x'
    """
    stem = _SUFFIXES.sub("", safe_upload_name(name))
    stem = _STAMP.sub("", stem)
    words = re.sub(r"[_\s]+", " ", stem).strip(" -.")
    return words or "Dataset"


@contextmanager
def private_copy(name: str, content: bytes) -> Iterator[Path]:
    """Yield a private temporary file holding ``content``; remove it (and its folder) afterwards.

    The removal runs however the block ends — an import that succeeds, an ``InputError``, or
    Streamlit's ``st.stop``/``st.rerun`` — so a refused file leaves no trace on disk.
    """
    folder = Path(tempfile.mkdtemp(prefix="samsyn-upload-"))  # mode 0700
    try:
        path = folder / safe_upload_name(name)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
