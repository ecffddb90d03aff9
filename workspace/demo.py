"""The demo problem picture in a store: loaded on the dashboard's first start, reset on request.

The file is ``data/sample/problembild.json`` (written by ``exempelstad.demo_picture`` from the
sample; docs/picture-format.md, "The demo picture"); it goes in through the picture import
machinery (``store.picture_file``), so it is checked and logged like any other picture file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import InputError
from data.sample import DEMO_PICTURE, DEMO_USER
from store.datasets import SAMPLE_ID

if TYPE_CHECKING:
    from store.problem_store import ProblemStore

_ENGLISH = {"hotspot": ("place", "places"), "cause": ("cause", "causes"), "measure": ("measure", "measures"),
            "goal": ("goal", "goals"), "followup": ("follow-up", "follow-ups")}


@dataclass(frozen=True)
class DemoResult:
    """What loading the demo did: how many rows were archived first and how many were imported."""

    archived: int
    imported: dict[str, int]

    def sentence(self, lang: str = "sv") -> str:
        """The result in one sentence, Swedish or English.

        >>> DemoResult(2, {"hotspot": 1, "goal": 2}).sentence()
        'Exempelbilden är inläst: 1 plats och 2 mål. 2 tidigare poster i exempeldatat arkiverades.'
        >>> DemoResult(0, {"hotspot": 4, "cause": 1}).sentence("en")
        'The example picture was loaded: 4 places and 1 cause.'
        """
        from store.picture_file import NOUNS

        names = _ENGLISH if lang == "en" else NOUNS
        parts = [f"{n} {names[e][0] if n == 1 else names[e][1]}" for e, n in self.imported.items() if n]
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + (
            " and " if lang == "en" else " och ") + parts[-1]
        if lang == "en":
            tail = f" {self.archived} earlier rows of the example data were archived." if self.archived else ""
            return f"The example picture was loaded: {joined}.{tail}"
        tail = f" {self.archived} tidigare poster i exempeldatat arkiverades." if self.archived else ""
        return f"Exempelbilden är inläst: {joined}.{tail}"


def sample_rows(store: ProblemStore) -> dict[str, list[Any]]:
    """The active rows of the sample dataset: its places and follow-ups, and what hangs on those places only."""
    hotspots = [h for h in store.list_hotspots() if h.dataset_id == SAMPLE_ID]
    ids = {h.id for h in hotspots}
    measures = [m for m in store.list_measures() if m.hotspot_ids and set(m.hotspot_ids) <= ids]
    measure_ids = {m.id for m in measures}
    # Archived in this order: what points to a place goes before the place.
    return {
        "followup": [f for f in store.list_followups() if f.dataset_id == SAMPLE_ID],
        "goal": [g for g in store.list_goals()
                 if g.hotspot_id in ids or (g.hotspot_id is None and g.measure_id in measure_ids)],
        "cause": [c for c in store.list_causes() if c.hotspot_id in ids],
        "measure": measures,
        "hotspot": hotspots,
    }


def load(store: ProblemStore, *, user: str, path: str | Path = DEMO_PICTURE) -> DemoResult:
    """Import the demo into an empty store (archived rows count: a picture the user emptied is not empty).

    Raises
    ------
    InputError
        The store holds a picture (Swedish message pointing to ``--reset``); nothing is written.
    """
    from store.picture_file import import_picture, read_picture

    if any(store.all_rows().values()):
        raise InputError("Problembilden i databasen är inte tom; exempelbilden läses bara in i en tom databas. "
                         "Använd --reset för att arkivera exempeldatats problembild och läsa in exempelbilden "
                         "på nytt.")
    summary = import_picture(store, read_picture(path), user=user, source=Path(path))
    return DemoResult(0, dict(summary.counts))


def reset(store: ProblemStore, *, user: str, path: str | Path = DEMO_PICTURE) -> DemoResult:
    """Archive the sample dataset's picture and load the demo again.

    Only rows of dataset ``exempelstad`` are archived (places and follow-ups made on it, their causes and
    goals, and the measures that concern only its places); a user's own datasets are left as they are.
    Archiving keeps every row and its history; nothing is deleted.
    """
    from store.picture_file import import_picture, read_picture

    document = read_picture(path)  # checked before anything is archived
    archived = 0
    for entity, rows in sample_rows(store).items():
        for row in rows:
            current = getattr(store, f"get_{entity}")(row.id)
            getattr(store, f"archive_{entity}")(row.id, expected_version=current.version, user=user)
            archived += 1
    summary = import_picture(store, document, user=user, merge=True, source=Path(path))
    return DemoResult(archived, dict(summary.counts))


def load_if_new(store: ProblemStore, *, path: str | Path = DEMO_PICTURE) -> DemoResult | None:
    """Load the demo into a store created just now; leave every other store as it is.

    A store is new when this process created its schema (``ProblemStore.created``): an existing
    store, even one the user emptied by archiving everything, is never touched. The import refuses
    a store that is no longer empty, so two processes starting at once do not load it twice.
    """
    from store.picture_file import import_picture, read_picture

    if not getattr(store, "created", False) or not Path(path).exists():
        return None
    try:
        summary = import_picture(store, read_picture(path), user=DEMO_USER, source=Path(path))
    except InputError:  # another process got there first; its copy is the demo
        return None
    return DemoResult(0, dict(summary.counts))
