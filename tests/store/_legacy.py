"""Write rows as an older Samsyn did, to test that opening its database migrates them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from store import problem_store


@contextlib.contextmanager
def before_dataset_ids() -> Iterator[None]:
    """The store as it was before migration 4: hotspots and follow-ups without ``dataset_id``
    (and so also before migration 6: measures without ``shareable``)."""
    columns = problem_store._Kind.columns.fget
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(problem_store._Kind, "columns", property(lambda kind: [
            c for c in columns(kind) if c != "dataset_id" and not (kind.name == "measure" and c == "shareable")]))
        yield


@contextlib.contextmanager
def before_measure_shareable() -> Iterator[None]:
    """The store as it was before migration 6: measures without ``shareable``."""
    columns = problem_store._Kind.columns.fget
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(problem_store._Kind, "columns", property(lambda kind: [
            c for c in columns(kind) if not (kind.name == "measure" and c == "shareable")]))
        yield
