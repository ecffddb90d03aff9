"""The problem store: hotspots, causes, measures, goals and follow-ups of the joint problem picture.

One API over two backends — a SQLite file (a workshop laptop, one town) and PostgreSQL (a server
shared by kommun and police) — opened with :func:`open_store`::

    store = open_store(tmp_path / "problembild.db")        # or "postgresql://…"
    spot = store.add_hotspot(Hotspot(title="Österby torg", geometry_wkt="POINT (1 2)"), user="Anna (polisen)")
    spot = store.update_hotspot(spot.id, {"status": "prioriterad"}, expected_version=spot.version,
                                user="Anna (polisen)")

Rules the store keeps:

* **Optimistic concurrency.** Every row has a ``version``; an update or archive names the version
  the caller read, and a stale one raises :class:`ConflictError` saying in Swedish what changed and
  by whom. Nothing is silently overwritten.
* **Audit log.** Every change writes an :class:`AuditEntry` (``changes`` = ``{field: [old, new]}``)
  in the same transaction as the change itself.
* **Deleting is archiving.** :meth:`ProblemStore.purge` destroys only archived rows, only when the
  caller passes ``confirm="RADERA"``; it also blanks the values in the row's earlier audit entries
  (the fact that changes were made, when and by whom, stays), because purging is how text that
  should never have been written down — a name, a case number — is removed for good.
* Timestamps are ISO 8601 strings in local time with the UTC offset, to the second.
* Durability (SQLite): WAL with ``synchronous=FULL`` — a save that returned survives a killed
  process and a power cut; see ``store.backends``.

Validation errors raise ``ValueError`` with a Swedish message; pages show it with ``st.error``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import shapely

from store import roles as roles_table
from store.backends import Backend, PostgresBackend, SQLiteBackend, StoreUnavailableError, Tx
from store.model import (
    GOAL_KINDS,
    MEASURE_KINDS,
    MEASURE_STATUSES,
    ORGANISATIONS,
    PERSPECTIVES,
    PICTURES,
    PRIORITIES,
    PROXIMITIES,
    STATUSES,
    Cause,
    Followup,
    Goal,
    Hotspot,
    Measure,
)
from store.roles import RoleEntry
from store.schema import LATEST_VERSION

__all__ = [
    "CONFIRM_PURGE",
    "ENTITIES",
    "AuditEntry",
    "BulkImport",
    "ConflictError",
    "NotFoundError",
    "ProblemStore",
    "StoreUnavailableError",
    "open_store",
    "validate",
]

CONFIRM_PURGE = "RADERA"
ENTITIES: tuple[str, ...] = ("hotspot", "cause", "measure", "goal", "followup")

FIELD_LABELS: dict[str, str] = {
    "title": "titel",
    "geometry_wkt": "geometri",
    "crs": "koordinatsystem",
    "source_kind": "källtyp",
    "source_id": "käll-id",
    "categories": "brottskategorier",
    "weekdays": "veckodagar",
    "hours": "timmar",
    "organisation": "organisation",
    "created_by": "skapad av",
    "picture": "problembild",
    "priority": "prioritet",
    "status": "status",
    "notes": "anteckningar",
    "snapshot": "ögonblicksbild",
    "merged_into": "sammanslagen med",
    "archived": "arkiverad",
    "hotspot_id": "plats",
    "perspective": "perspektiv",
    "proximity": "närhet",
    "text": "text",
    "shareable": "delbar",
    "description": "beskrivning",
    "responsible": "ansvarig",
    "kind": "typ",
    "start": "start",
    "end": "slut",
    "hotspot_ids": "platser",
    "measure_id": "åtgärd",
    "baseline_start": "basperiodens start",
    "baseline_end": "basperiodens slut",
    "followup_start": "uppföljningens start",
    "followup_end": "uppföljningens slut",
    "target_change": "målförändring",
    "planned": "planerat",
    "done": "utfört",
    "unit": "enhet",
    "control_wkt": "jämförelseområde",
    "control_name": "jämförelseområdets namn",
    "displacement_m": "undanträngningsavstånd (m)",
    "before_start": "förperiodens start",
    "before_end": "förperiodens slut",
    "after_start": "efterperiodens start",
    "after_end": "efterperiodens slut",
    "dataset_id": "dataset",
}
# Free text and geometry are named in a conflict message, not quoted.
# A dataset's owner and sharing changes are logged under this entity (``log_dataset_change``).
DATASET_ENTITY = "dataset"
_LONG_FIELDS = frozenset({"notes", "text", "description", "geometry_wkt", "snapshot", "control_wkt"})
_SYSTEM_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})


class ConflictError(ValueError):
    """Someone else changed the row since the caller read it.

    Attributes
    ----------
    current
        The row as it is now (a Hotspot, Cause, Measure, Goal or Followup).
    fields
        Names of the fields changed since the caller's version.
    changed_by
        Who changed them, in order.
    """

    def __init__(self, message: str, *, current: Any, fields: list[str], changed_by: list[str]) -> None:
        super().__init__(message)
        self.current = current
        self.fields = fields
        self.changed_by = changed_by


class NotFoundError(LookupError, ValueError):
    """No row with that id."""


@dataclass(frozen=True)
class AuditEntry:
    """One change: who did what to which row, with ``changes`` as ``{field: [old, new]}``."""

    id: int
    at: str
    user: str
    entity: str
    entity_id: int
    action: str  # create | update | archive | restore | merge | link | purge | delete (a role-table row) | share
    changes: dict[str, list[Any]] = field(default_factory=dict)
    version: int | None = None


@dataclass(frozen=True)
class _Kind:
    """How one entity is stored and named."""

    name: str
    table: str
    cls: type
    noun: str  # "Platsen" — definite, starts a sentence
    pronoun: str  # "den" / "det"
    indefinite: str  # "plats"
    json_fields: frozenset[str]
    bool_fields: frozenset[str]

    @property
    def columns(self) -> list[str]:
        return [f.name for f in fields(self.cls) if f.name not in ("id", "hotspot_ids")]

    @property
    def editable(self) -> frozenset[str]:
        return (
            frozenset(f.name for f in fields(self.cls))
            - _SYSTEM_FIELDS
            - {
                "archived",
                "merged_into",
                "created_by",
            }
        )


_KINDS: dict[str, _Kind] = {
    "hotspot": _Kind(
        "hotspot", "hotspots", Hotspot, "Platsen", "den", "plats",
        frozenset({"categories", "weekdays", "hours", "snapshot"}), frozenset({"archived"}),
    ),
    "cause": _Kind(
        "cause", "causes", Cause, "Orsaken", "den", "orsak",
        frozenset(), frozenset({"archived", "shareable"}),
    ),
    "measure": _Kind(
        "measure", "measures", Measure, "Åtgärden", "den", "åtgärd",
        frozenset(), frozenset({"archived", "shareable"}),
    ),
    "goal": _Kind(
        "goal", "goals", Goal, "Målet", "det", "mål",
        frozenset({"categories"}), frozenset({"archived"}),
    ),
    "followup": _Kind(
        "followup", "followups", Followup, "Uppföljningen", "den", "uppföljning",
        frozenset({"categories"}), frozenset({"archived"}),
    ),
}  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Values: JSON, timestamps, messages


def _json_default(value: Any) -> Any:
    # Snapshots come from pandas/numpy; store their plain Python values.
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _plain(value: Any) -> Any:
    """The value as it comes back from the database (JSON round trip; NaN and ±inf become None)."""

    def finite(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None  # NaN != NaN would make every save look like a change
        if isinstance(v, list):
            return [finite(x) for x in v]
        if isinstance(v, dict):
            return {k: finite(x) for k, x in v.items()}
        return v

    return finite(json.loads(_dumps(value)))


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _quoted(columns: Sequence[str]) -> str:
    # "end", "start" and "user" are SQL keywords: quote every column name.
    return ", ".join('"' + c + '"' for c in columns)


def _choices(values: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _when(at: str) -> str:
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    today = datetime.now(moment.tzinfo).date() if moment.tzinfo else date.today()
    clock = f"kl. {moment:%H:%M}"
    return clock if moment.date() == today else f"den {moment:%Y-%m-%d} {clock}"


def _names(users: list[str]) -> str:
    return users[0] if len(users) == 1 else ", ".join(users[:-1]) + " och " + users[-1]


def _require_user(user: str) -> str:
    if not isinstance(user, str) or not user.strip():
        raise ValueError("Ange vem som gör ändringen (namn och organisation).")
    return user.strip()


# --------------------------------------------------------------------------------------------------
# Validation (Swedish messages); every check returns the normalised object


def _check_choice(value: Any, allowed: Sequence[Any], label: str) -> None:
    if isinstance(value, bool) or value not in allowed:
        raise ValueError(f"{label} '{value}' finns inte; välj bland: {_choices(allowed)}.")


def _check_text(value: Any, message: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(message)
    return value.strip()


def _check_str(value: Any, label: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{label} ska vara text, inte {value!r}.")
    return value


def _check_date(value: Any, label: str) -> str:
    value = _check_str(value, label).strip()
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{label} '{value}' är inget datum (ÅÅÅÅ-MM-DD).") from None
    return value


def _check_period(start: str, end: str, what: str) -> None:
    if start and end and end < start:
        raise ValueError(f"{what}: slutdatum {end} ligger före startdatum {start}.")


def _check_ints(values: Any, low: int, high: int, message: str) -> list[int]:
    if values is None:
        return []
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError(message)
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | float) or int(v) != v or not low <= v <= high:
            raise ValueError(message)
        out.append(int(v))
    return sorted(set(out))


def _check_strings(values: Any, label: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValueError(f"{label} ska vara en lista med text.")
    out: list[str] = []
    for v in values:
        if not isinstance(v, str) or not v.strip():
            raise ValueError(f"{label} ska vara en lista med text.")
        if v.strip() not in out:
            out.append(v.strip())
    return out


def _check_number(value: Any, label: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(float(value)):
        raise ValueError(f"{label} ska vara ett tal, inte {value!r}.")
    return float(value)


def _check_bool(value: Any, label: str) -> bool:
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    raise ValueError(f"{label} ska vara ja eller nej, inte {value!r}.")


def _check_geometry(wkt: Any) -> str:
    if not isinstance(wkt, str) or not wkt.strip():
        raise ValueError("Platsen saknar geometri.")
    try:
        geom = shapely.from_wkt(wkt)
    except shapely.errors.ShapelyError as exc:
        raise ValueError(f"Geometrin går inte att läsa (ogiltig WKT): {exc}") from None
    if geom is None or geom.is_empty:
        raise ValueError("Geometrin är tom.")
    return wkt.strip()


def _validate_hotspot(h: Hotspot) -> Hotspot:
    h = replace(
        h,
        title=_check_text(h.title, "Platsen behöver en titel."),
        geometry_wkt=_check_geometry(h.geometry_wkt),
        crs=_check_text(h.crs, "Ange koordinatsystem, t.ex. EPSG:3006."),
        source_kind=_check_str(h.source_kind, "Källtyp"),
        source_id=_check_str(h.source_id, "Käll-id"),
        categories=_check_strings(h.categories, "Brottskategorier"),
        weekdays=_check_ints(h.weekdays, 1, 7, "Veckodagar anges som tal 1–7 (måndag = 1)."),
        hours=_check_ints(h.hours, 0, 23, "Timmar anges som tal 0–23."),
        notes=_check_str(h.notes, "Anteckningar"),
        created_by=_check_str(h.created_by, "Skapad av"),
        dataset_id=_check_text(h.dataset_id, "Ange vilket dataset platsen fästes i."),
    )
    _check_choice(h.organisation, ORGANISATIONS, "Organisation")
    _check_choice(h.picture, PICTURES, "Problembild")
    _check_choice(h.priority, PRIORITIES, "Prioritet")
    _check_choice(h.status, STATUSES, "Status")
    if not isinstance(h.snapshot, Mapping):
        raise ValueError("Ögonblicksbilden ska vara en ordlista (dict).")
    return replace(h, snapshot=_plain(dict(h.snapshot)), priority=int(h.priority))


def _validate_cause(c: Cause) -> Cause:
    _check_choice(c.perspective, PERSPECTIVES, "Perspektiv")
    _check_choice(c.proximity, PROXIMITIES, "Närhet")
    c = replace(
        c,
        text=_check_text(c.text, "Orsaken behöver en text."),
        shareable=_check_bool(c.shareable, "Delbar"),
        created_by=_check_str(c.created_by, "Skapad av"),
    )
    return c


def _validate_measure(m: Measure) -> Measure:
    _check_choice(m.organisation, ORGANISATIONS, "Organisation")
    _check_choice(m.kind, MEASURE_KINDS, "Typ av åtgärd")
    _check_choice(m.status, MEASURE_STATUSES, "Status")
    m = replace(
        m,
        title=_check_text(m.title, "Åtgärden behöver en titel."),
        description=_check_str(m.description, "Beskrivning"),
        responsible=_check_str(m.responsible, "Ansvarig"),
        shareable=_check_bool(m.shareable, "Delbar"),
        start=_check_date(m.start, "Startdatum"),
        end=_check_date(m.end, "Slutdatum"),
        hotspot_ids=_check_ints(m.hotspot_ids, 1, 2**31 - 1, "Platser anges med sina id (heltal)."),
        created_by=_check_str(m.created_by, "Skapad av"),
    )
    _check_period(m.start, m.end, "Åtgärden")
    return m


def _validate_goal(g: Goal) -> Goal:
    _check_choice(g.kind, GOAL_KINDS, "Måltyp")
    g = replace(
        g,
        description=_check_text(g.description, "Målet behöver en beskrivning."),
        categories=_check_strings(g.categories, "Brottskategorier"),
        baseline_start=_check_date(g.baseline_start, "Basperiodens start"),
        baseline_end=_check_date(g.baseline_end, "Basperiodens slut"),
        followup_start=_check_date(g.followup_start, "Uppföljningens start"),
        followup_end=_check_date(g.followup_end, "Uppföljningens slut"),
        target_change=_check_number(g.target_change, "Målförändringen"),
        planned=_check_number(g.planned, "Planerat"),
        done=_check_number(g.done, "Utfört"),
        unit=_check_str(g.unit, "Enhet"),
        created_by=_check_str(g.created_by, "Skapad av"),
    )
    _check_period(g.baseline_start, g.baseline_end, "Basperioden")
    _check_period(g.followup_start, g.followup_end, "Uppföljningsperioden")
    return g


def _check_control_area(wkt: Any) -> str:
    if not isinstance(wkt, str) or not wkt.strip():
        raise ValueError("Uppföljningen behöver ett jämförelseområde; rita det på kartan eller välj ett område.")
    try:
        geom = shapely.from_wkt(wkt)
    except shapely.errors.ShapelyError as exc:
        raise ValueError(f"Jämförelseområdet går inte att läsa (ogiltig WKT): {exc}") from None
    if geom is None or geom.is_empty:
        raise ValueError("Jämförelseområdet är tomt.")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"Jämförelseområdet ska vara en yta (polygon), inte {geom.geom_type}.")
    if not geom.is_valid:
        # The WDD test subtracts the target from the control area; that fails on invalid rings.
        raise ValueError(
            f"Jämförelseområdet är ogiltigt ({shapely.is_valid_reason(geom)}); rita om det utan att "
            "kanterna korsar varandra."
        )
    return wkt.strip()


def _check_distance(value: Any) -> float | None:
    metres = _check_number(value, "Undanträngningsavståndet")
    if metres is not None and (not math.isfinite(metres) or metres < 0):
        raise ValueError(
            f"Undanträngningsavståndet ska vara 0 meter eller mer (eller tomt), inte {value!r}."
        )
    return metres


def _check_both_or_neither(start: str, end: str, what: str) -> None:
    if bool(start) != bool(end):
        raise ValueError(f"{what}: ange både start- och slutdatum, eller lämna båda tomma för standardperioden.")
    _check_period(start, end, what)


def _validate_followup(f: Followup) -> Followup:
    f = replace(
        f,
        control_wkt=_check_control_area(f.control_wkt),
        control_name=_check_str(f.control_name, "Jämförelseområdets namn").strip(),
        displacement_m=_check_distance(f.displacement_m),
        categories=_check_strings(f.categories, "Brottskategorier"),
        before_start=_check_date(f.before_start, "Förperiodens start"),
        before_end=_check_date(f.before_end, "Förperiodens slut"),
        after_start=_check_date(f.after_start, "Efterperiodens start"),
        after_end=_check_date(f.after_end, "Efterperiodens slut"),
        created_by=_check_str(f.created_by, "Skapad av"),
        dataset_id=_check_text(f.dataset_id, "Ange vilket dataset uppföljningen gjordes i."),
    )
    _check_both_or_neither(f.before_start, f.before_end, "Förperioden")
    _check_both_or_neither(f.after_start, f.after_end, "Efterperioden")
    return f


_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "hotspot": _validate_hotspot,
    "cause": _validate_cause,
    "measure": _validate_measure,
    "goal": _validate_goal,
    "followup": _validate_followup,
}


def _check_references(tx: Tx, entity: str, current: Any | None, new: Any) -> None:
    """Rows that ``new`` starts pointing to must exist; new links go to active hotspots only."""

    def changed(name: str) -> bool:
        return current is None or getattr(current, name) != getattr(new, name)

    if entity == "cause" and changed("hotspot_id"):
        _require_active_hotspot(tx, new.hotspot_id)
    elif entity == "measure":
        for hid in sorted(set(new.hotspot_ids) - set(current.hotspot_ids if current else [])):
            _require_active_hotspot(tx, hid)
    elif entity == "goal":
        if new.hotspot_id is not None and changed("hotspot_id"):
            _require_row(tx, "hotspot", new.hotspot_id)
        if new.measure_id is not None and changed("measure_id"):
            _require_row(tx, "measure", new.measure_id)
    elif entity == "followup":
        if changed("measure_id"):
            if new.measure_id is None:
                raise ValueError("Välj vilken åtgärd uppföljningen gäller.")
            _require_row(tx, "measure", new.measure_id)
        if new.hotspot_id is not None and changed("hotspot_id"):
            _require_active_hotspot(tx, new.hotspot_id)


def _require_row(tx: Tx, entity: str, entity_id: Any) -> dict[str, Any]:
    kind = _KINDS[entity]
    if isinstance(entity_id, bool) or not isinstance(entity_id, int):
        raise ValueError(f"Id för {kind.indefinite} ska vara ett heltal, inte {entity_id!r}.")
    row = tx.one(f"SELECT * FROM {kind.table} WHERE id = ?", (entity_id,))
    if row is None:
        raise NotFoundError(f"Det finns ingen {kind.indefinite} med id {entity_id}.")
    return row


def _require_active_hotspot(tx: Tx, hotspot_id: Any) -> dict[str, Any]:
    row = _require_row(tx, "hotspot", hotspot_id)
    if row["archived"]:
        if row["merged_into"] is not None:
            raise ValueError(
                f"Plats {hotspot_id} har slagits ihop med plats {row['merged_into']}; använd den i stället."
            )
        raise ValueError(f"Plats {hotspot_id} är arkiverad.")
    return row


# --------------------------------------------------------------------------------------------------
# The store


def open_store(url_or_path: str | Path) -> ProblemStore:
    """Open (and create or migrate) the problem store at a path or URL.

    Parameters
    ----------
    url_or_path
        A file path or ``sqlite:///path`` (``sqlite:////abs/path``) for SQLite;
        ``postgresql://…`` (or ``postgres://…``) for PostgreSQL.

    Returns
    -------
    ProblemStore
        Safe to share between the threads of one process; every process opens its own.

    Examples
    --------
    >>> import tempfile
    >>> store = open_store(Path(tempfile.mkdtemp()) / "problembild.db")
    >>> store.dialect, store.schema_version()
    ('sqlite', 6)
    """
    text = str(url_or_path)
    backend: Backend
    if re.match(r"postgres(ql)?://", text):
        backend = PostgresBackend(text)
    else:
        if text.startswith("sqlite:///"):
            text = text[len("sqlite:///") :]
        elif re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:/", text):  # a URL, but not one we know (C:\ is a path)
            raise ValueError(
                f"Okänd databasadress '{text}'; ange en filsökväg, sqlite:/// eller postgresql://."
            )
        if text in ("", ":memory:"):
            raise ValueError("Ange en fil för databasen; en databas i minnet sparas inte.")
        backend = SQLiteBackend(Path(text).expanduser())
    # Version 0 before migrating: this call creates the store (a first start may load the demo picture).
    created = backend.migrate(target=0) == 0
    backend.migrate()
    store = ProblemStore(backend)
    store.created = created
    return store


class ProblemStore:
    """Hotspots, causes, measures, goals and follow-ups, with versions, an audit log and archiving.

    Create it with :func:`open_store`. Every method opens its own transaction, so one instance
    can serve all threads of a process (the dashboard keeps one in ``st.cache_resource``).
    """

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.created = False  # True when open_store made the schema: a store that did not exist before

    # -- housekeeping ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Where the store lives (``sqlite:///…`` or the PostgreSQL URL)."""
        return self._backend.url

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._backend.dialect

    def schema_version(self) -> int:
        """The schema version of the database (the highest migration applied)."""
        return self._backend.schema_version()

    def close(self) -> None:
        """Release pooled connections (SQLite holds none between calls)."""
        self._backend.close()

    def __enter__(self) -> ProblemStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ProblemStore({self.url!r})"

    # -- hotspots ----------------------------------------------------------------------------------

    def add_hotspot(self, hotspot: Hotspot, *, user: str) -> Hotspot:
        """Pin a new hotspot; returns it with ``id``, ``version=1`` and timestamps."""
        return self._add("hotspot", hotspot, user)

    def get_hotspot(self, hotspot_id: int) -> Hotspot:
        """The hotspot with this id (archived ones too); :class:`NotFoundError` if none."""
        return self._get("hotspot", hotspot_id)

    def list_hotspots(self, *, include_archived: bool = False, picture: str | None = None) -> list[Hotspot]:
        """Hotspots by id, optionally of one picture (``polis``, ``kommun``, ``gemensam``)."""
        where, params = [], []
        if picture is not None:
            _check_choice(picture, PICTURES, "Problembild")
            where.append("picture = ?")
            params.append(picture)
        return self._list("hotspot", where, params, include_archived)

    def update_hotspot(
        self, hotspot_id: int, changes: Mapping[str, Any], *, expected_version: int, user: str
    ) -> Hotspot:
        """Change fields of a hotspot read at ``expected_version``; :class:`ConflictError` if stale."""
        return self._update("hotspot", hotspot_id, changes, expected_version, user)

    def archive_hotspot(self, hotspot_id: int, *, expected_version: int, user: str) -> Hotspot:
        """Archive (the store's delete) a hotspot; its causes, goals and measure links stay."""
        return self._update("hotspot", hotspot_id, {"archived": True}, expected_version, user, "archive")

    def merge_hotspots(
        self,
        hotspot_ids: Sequence[int],
        *,
        title: str,
        user: str,
        expected_versions: Mapping[int, int] | None = None,
    ) -> Hotspot:
        """Merge hotspots into a new one; the originals are archived with ``merged_into`` set.

        The new hotspot has the union of the geometries, categories, weekdays and hours, the notes
        joined (each headed by its original's title), the highest priority, the common status,
        organisation and picture (else ``förslag``, the first one's organisation, ``gemensam``),
        and ``snapshot = {"merged_from": [{"id", "title", "snapshot"}, …]}``. Causes, goals and
        follow-ups move to it; measures linked to an original are linked to it instead.
        """
        user = _require_user(user)
        ids = list(dict.fromkeys(hotspot_ids))
        if len(ids) < 2:
            raise ValueError("Välj minst två platser att slå ihop.")
        title = _check_text(title, "Den sammanslagna platsen behöver en titel.")
        with self._backend.transaction() as tx:
            originals: list[Hotspot] = []
            for hid in sorted(ids):  # lock in id order: two merges never wait for each other in a circle
                _require_row(tx, "hotspot", hid)
                row = tx.one(f"SELECT * FROM hotspots WHERE id = ?{tx.for_update}", (hid,))
                originals.append(self._from_row(tx, "hotspot", row))
            originals.sort(key=lambda h: ids.index(h.id))
            for h in originals:
                if expected_versions and expected_versions.get(h.id, h.version) != h.version:
                    raise self._conflict(tx, "hotspot", h, expected_versions[h.id])
                if h.archived:
                    _require_active_hotspot(tx, h.id)
            crs = {h.crs for h in originals}
            if len(crs) > 1:
                raise ValueError(
                    f"Platserna har olika koordinatsystem ({', '.join(sorted(crs))}) och kan inte slås ihop."
                )
            datasets = {h.dataset_id for h in originals}
            if len(datasets) > 1:
                raise ValueError(
                    f"Platserna är fästa i olika dataset ({', '.join(sorted(datasets))}) och kan inte slås ihop."
                )
            geometry = shapely.union_all(
                [shapely.make_valid(shapely.from_wkt(h.geometry_wkt)) for h in originals]
            )

            def common(attr: str, fallback: Any) -> Any:
                values = {getattr(h, attr) for h in originals}
                return values.pop() if len(values) == 1 else fallback

            merged = Hotspot(
                title=title,
                geometry_wkt=shapely.to_wkt(geometry, rounding_precision=-1),
                crs=originals[0].crs,
                dataset_id=originals[0].dataset_id,
                source_kind="merged",
                source_id=",".join(str(h.id) for h in originals),
                categories=list(dict.fromkeys(c for h in originals for c in h.categories)),
                weekdays=sorted({d for h in originals for d in h.weekdays}),
                hours=sorted({t for h in originals for t in h.hours}),
                organisation=common("organisation", originals[0].organisation),
                created_by=user,
                picture=common("picture", "gemensam"),
                priority=min(h.priority for h in originals),
                status=common("status", "förslag"),
                notes="\n\n".join(f"{h.title}: {h.notes}" for h in originals if h.notes.strip()),
                snapshot={
                    "merged_from": [{"id": h.id, "title": h.title, "snapshot": h.snapshot} for h in originals]
                },
            )
            merged = self._insert(tx, "hotspot", merged, user, action="merge")
            now = _now()
            for h in originals:
                self._write(
                    tx, "hotspot", h, replace(h, archived=True, merged_into=merged.id), user, "merge", now
                )
            placeholders = ", ".join("?" * len(ids))
            for entity, table in (("cause", "causes"), ("goal", "goals"), ("followup", "followups")):
                for row in tx.query(
                    f"SELECT * FROM {table} WHERE hotspot_id IN ({placeholders}) ORDER BY id{tx.for_update}",
                    ids,
                ):
                    item = self._from_row(tx, entity, row)
                    self._write(tx, entity, item, replace(item, hotspot_id=merged.id), user, "update", now)
            for row in tx.query(
                f"SELECT DISTINCT measure_id FROM measure_hotspots WHERE hotspot_id IN ({placeholders}) "
                "ORDER BY measure_id",
                ids,
            ):
                measure = self._locked(tx, "measure", row["measure_id"])
                linked = sorted({i for i in measure.hotspot_ids if i not in ids} | {merged.id})
                self._write(tx, "measure", measure, replace(measure, hotspot_ids=linked), user, "link", now)
            return merged

    # -- causes ------------------------------------------------------------------------------------

    def add_cause(self, cause: Cause, *, user: str) -> Cause:
        """Add a line of cause analysis to an active hotspot."""
        return self._add("cause", cause, user)

    def get_cause(self, cause_id: int) -> Cause:
        """The cause with this id; :class:`NotFoundError` if none."""
        return self._get("cause", cause_id)

    def list_causes(self, hotspot_id: int | None = None, *, include_archived: bool = False) -> list[Cause]:
        """Causes by id, optionally of one hotspot."""
        where, params = ([], []) if hotspot_id is None else (["hotspot_id = ?"], [hotspot_id])
        return self._list("cause", where, params, include_archived)

    def update_cause(
        self, cause_id: int, changes: Mapping[str, Any], *, expected_version: int, user: str
    ) -> Cause:
        """Change fields of a cause read at ``expected_version``."""
        return self._update("cause", cause_id, changes, expected_version, user)

    def archive_cause(self, cause_id: int, *, expected_version: int, user: str) -> Cause:
        """Archive a cause."""
        return self._update("cause", cause_id, {"archived": True}, expected_version, user, "archive")

    # -- measures ----------------------------------------------------------------------------------

    def add_measure(self, measure: Measure, *, user: str) -> Measure:
        """Add a measure, linked to ``measure.hotspot_ids`` (active hotspots)."""
        return self._add("measure", measure, user)

    def get_measure(self, measure_id: int) -> Measure:
        """The measure with this id, with its linked hotspot ids; :class:`NotFoundError` if none."""
        return self._get("measure", measure_id)

    def list_measures(
        self, *, hotspot_id: int | None = None, include_archived: bool = False
    ) -> list[Measure]:
        """Measures by id, optionally those linked to one hotspot."""
        where, params = [], []
        if hotspot_id is not None:
            where.append("id IN (SELECT measure_id FROM measure_hotspots WHERE hotspot_id = ?)")
            params.append(hotspot_id)
        return self._list("measure", where, params, include_archived)

    def update_measure(
        self, measure_id: int, changes: Mapping[str, Any], *, expected_version: int, user: str
    ) -> Measure:
        """Change fields of a measure (``hotspot_ids`` replaces its links)."""
        return self._update("measure", measure_id, changes, expected_version, user)

    def archive_measure(self, measure_id: int, *, expected_version: int, user: str) -> Measure:
        """Archive a measure; its links stay."""
        return self._update("measure", measure_id, {"archived": True}, expected_version, user, "archive")

    def link_measure(
        self,
        measure_id: int,
        hotspot_ids: Iterable[int],
        *,
        user: str,
        replace_links: bool = False,
        expected_version: int | None = None,
    ) -> Measure:
        """Link a measure to hotspots: add to its links, or set them exactly with ``replace_links``.

        Adding links is safe without ``expected_version`` (it commutes with other changes);
        give it to detect concurrent edits anyway.
        """
        user = _require_user(user)
        with self._backend.transaction() as tx:
            current = self._locked(tx, "measure", measure_id)
            if expected_version is not None and expected_version != current.version:
                raise self._conflict(tx, "measure", current, expected_version)
            wanted = _check_ints(list(hotspot_ids), 1, 2**31 - 1, "Platser anges med sina id (heltal).")
            for hid in set(wanted) - set(current.hotspot_ids):
                _require_active_hotspot(tx, hid)
            linked = wanted if replace_links else sorted(set(current.hotspot_ids) | set(wanted))
            new = replace(current, hotspot_ids=linked)
            if new == current:
                return current
            return self._write(tx, "measure", current, new, user, "link", _now())

    # -- goals -------------------------------------------------------------------------------------

    def add_goal(self, goal: Goal, *, user: str) -> Goal:
        """Add an effekt-, process- or produktionsmål for a hotspot and/or a measure."""
        return self._add("goal", goal, user)

    def get_goal(self, goal_id: int) -> Goal:
        """The goal with this id; :class:`NotFoundError` if none."""
        return self._get("goal", goal_id)

    def list_goals(
        self, hotspot_id: int | None = None, measure_id: int | None = None, *, include_archived: bool = False
    ) -> list[Goal]:
        """Goals by id, optionally of one hotspot and/or one measure."""
        where, params = [], []
        if hotspot_id is not None:
            where.append("hotspot_id = ?")
            params.append(hotspot_id)
        if measure_id is not None:
            where.append("measure_id = ?")
            params.append(measure_id)
        return self._list("goal", where, params, include_archived)

    def update_goal(
        self, goal_id: int, changes: Mapping[str, Any], *, expected_version: int, user: str
    ) -> Goal:
        """Change fields of a goal read at ``expected_version``."""
        return self._update("goal", goal_id, changes, expected_version, user)

    def archive_goal(self, goal_id: int, *, expected_version: int, user: str) -> Goal:
        """Archive a goal."""
        return self._update("goal", goal_id, {"archived": True}, expected_version, user, "archive")

    # -- follow-ups --------------------------------------------------------------------------------

    def add_followup(self, followup: Followup, *, user: str) -> Followup:
        """Plan how a measure's effect is followed up: control area, ring, categories, periods.

        ``measure_id`` must name an existing measure and ``hotspot_id`` (the target; empty = the
        measure's first hotspot) an active hotspot. Each period is two ISO dates or left empty
        (the default periods).
        """
        return self._add("followup", followup, user)

    def get_followup(self, followup_id: int) -> Followup:
        """The follow-up with this id; :class:`NotFoundError` if none."""
        return self._get("followup", followup_id)

    def list_followups(self, measure_id: int | None = None, *, include_archived: bool = False) -> list[Followup]:
        """Follow-ups by id, optionally of one measure."""
        where, params = ([], []) if measure_id is None else (["measure_id = ?"], [measure_id])
        return self._list("followup", where, params, include_archived)

    def update_followup(
        self, followup_id: int, changes: Mapping[str, Any], *, expected_version: int, user: str
    ) -> Followup:
        """Change fields of a follow-up read at ``expected_version``."""
        return self._update("followup", followup_id, changes, expected_version, user)

    def archive_followup(self, followup_id: int, *, expected_version: int, user: str) -> Followup:
        """Archive a follow-up; the report no longer runs it."""
        return self._update("followup", followup_id, {"archived": True}, expected_version, user, "archive")

    # -- archive, restore, purge -------------------------------------------------------------------

    def restore(self, entity: str, entity_id: int, *, expected_version: int, user: str) -> Any:
        """Bring an archived row back (not a hotspot that was merged into another)."""
        kind = self._kind(entity)
        if entity == "hotspot":
            current = self.get_hotspot(entity_id)
            if current.merged_into is not None:
                raise ValueError(
                    f"Platsen har slagits ihop med plats {current.merged_into} och kan inte återställas."
                )
        return self._update(kind.name, entity_id, {"archived": False}, expected_version, user, "restore")

    def purge(self, entity: str, entity_id: int, *, user: str, confirm: str) -> None:
        """Destroy an archived row for good; only with ``confirm="RADERA"``.

        A hotspot that causes, goals or follow-ups still point to is refused, as is a measure
        that goals or follow-ups point to (purge those first); measure
        links to it are removed (logged on the measures). The values in the row's earlier audit
        entries are blanked; the entries themselves (who, when, which fields) stay.
        """
        kind = self._kind(entity)
        user = _require_user(user)
        if confirm != CONFIRM_PURGE:
            raise ValueError(
                f"Radering går inte att ångra. Skriv {CONFIRM_PURGE} för att bekräfta att "
                f"{kind.indefinite} {entity_id} ska raderas för gott."
            )
        with self._backend.transaction() as tx:
            current = self._locked(tx, entity, entity_id)
            if not current.archived:
                raise ValueError(
                    f"Bara arkiverade poster kan raderas; arkivera {kind.indefinite} {entity_id} först."
                )
            now = _now()
            if entity in ("hotspot", "measure"):
                refs = []
                for other, table, noun in (
                    ("cause", "causes", "orsaker"),
                    ("goal", "goals", "mål"),
                    ("followup", "followups", "uppföljningar"),
                ):
                    if entity == "measure" and other == "cause":
                        continue
                    row = tx.one(f"SELECT COUNT(*) AS n FROM {table} WHERE {entity}_id = ?", (entity_id,))
                    if row and row["n"]:
                        refs.append(f"{row['n']} {noun}")
                if refs:
                    raise ValueError(
                        f"{kind.noun} har fortfarande {_names(refs)} kopplade till sig; "
                        "radera eller flytta dem först."
                    )
            if entity == "hotspot":
                for row in tx.query(
                    "SELECT measure_id FROM measure_hotspots WHERE hotspot_id = ? ORDER BY measure_id",
                    (entity_id,),
                ):
                    measure = self._locked(tx, "measure", row["measure_id"])
                    linked = [i for i in measure.hotspot_ids if i != entity_id]
                    self._write(
                        tx, "measure", measure, replace(measure, hotspot_ids=linked), user, "link", now
                    )
                for row in tx.query(
                    f"SELECT * FROM hotspots WHERE merged_into = ? ORDER BY id{tx.for_update}", (entity_id,)
                ):
                    item = self._from_row(tx, "hotspot", row)
                    self._write(tx, "hotspot", item, replace(item, merged_into=None), user, "update", now)
            for row in tx.query(
                "SELECT id, changes FROM audit WHERE entity = ? AND entity_id = ?", (entity, entity_id)
            ):
                blank = {name: [None, None] for name in json.loads(row["changes"])}
                tx.run("UPDATE audit SET changes = ? WHERE id = ?", (_dumps(blank), row["id"]))
            tx.run(f"DELETE FROM {kind.table} WHERE id = ?", (entity_id,))
            self._audit(tx, now, user, entity, entity_id, "purge", {}, None)

    # -- the whole picture at once: backup, export, import ----------------------------------------

    def all_rows(self) -> dict[str, list[Any]]:
        """Every row of every kind, archived and merged ones too, in id order, read as one snapshot.

        Returns
        -------
        dict
            ``{"hotspot": [Hotspot, …], "cause": […], "measure": […], "goal": […], "followup": […]}``.
            On PostgreSQL the five tables are read in one ``REPEATABLE READ`` transaction, so a save
            meanwhile cannot leave a cause pointing to a hotspot that the result lacks.
        """
        with self._backend.transaction(write=False) as tx:
            if tx.dialect == "postgresql":
                tx.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return {
                entity: [
                    self._from_row(tx, entity, row)
                    for row in tx.query(f"SELECT * FROM {_KINDS[entity].table} ORDER BY id")
                ]
                for entity in ENTITIES
            }

    @contextmanager
    def import_transaction(self, *, user: str) -> Iterator[BulkImport]:
        """Write many rows as they are — a backup, a moved or merged picture — in one transaction.

        Unlike :meth:`add_hotspot` and the other ``add_*`` methods (one transaction per call, a
        fresh ``version=1`` and timestamps), rows keep their ``created_by``, ``created_at``,
        ``updated_at``, ``version`` and ``archived``. Every row gets one ``import`` audit entry,
        written when the block ends, with the row as it was finally stored. An exception inside
        the block rolls everything back: nothing is half-written.

        Parameters
        ----------
        user
            Who imports: the audit entries name them, and rows without ``created_by`` get it.

        Yields
        ------
        BulkImport
            :meth:`BulkImport.add` a row, :meth:`BulkImport.set_merge` once the hotspots a merge
            refers to exist, :meth:`BulkImport.counts` for what the store held already.

        Examples
        --------
        >>> import tempfile
        >>> store = open_store(Path(tempfile.mkdtemp()) / "problembild.db")
        >>> with store.import_transaction(user="Anna (polisen)") as bulk:
        ...     spot = bulk.add("hotspot", Hotspot(title="Torget", geometry_wkt="POINT (1 2)", version=4,
        ...                                        created_at="2025-03-01T10:00:00+01:00"), origin="backup.json")
        >>> stored = store.get_hotspot(spot.id)
        >>> stored.version, stored.created_at, stored.created_by
        (4, '2025-03-01T10:00:00+01:00', 'Anna (polisen)')
        >>> [(e.action, e.changes["imported_from"]) for e in store.audit_log("hotspot", spot.id)]
        [('import', [None, 'backup.json'])]
        """
        user = _require_user(user)
        with self._backend.transaction() as tx:
            bulk = BulkImport(tx, user=user)
            yield bulk
            bulk._write_audit()

    # -- the role table (store.roles) ------------------------------------------------------------

    def list_roles(self) -> list[RoleEntry]:
        """Every row of the role table, by identity."""
        with self._backend.transaction(write=False) as tx:
            return roles_table.list_entries(tx)

    def role_for(self, *identities: object) -> RoleEntry | None:
        """The role-table row of the first identity (the provider's ``sub``, the e-mail …) that has one."""
        with self._backend.transaction(write=False) as tx:
            return roles_table.find(tx, identities)

    def set_role(self, identity: str, *, roles: Iterable[str] | str, organisation: str | None = None,
                 name: str = "", user: str, actor: Iterable[str] = ()) -> RoleEntry:
        """Add or change a person's roles and organisation (administrators only, see ``store.access``).

        ``actor`` are the identities of the person making the change: nobody takes away their own
        administrator role, and the last administrator row keeps it (``store.roles.AdministratorKeptError``).
        """
        user = _require_user(user)
        with self._backend.transaction() as tx:
            return roles_table.set_entry(tx, self._audit, _now(), user, identity, roles=roles,
                                         organisation=organisation, name=name, actor=actor)

    def remove_role(self, identity: str, *, user: str, actor: Iterable[str] = ()) -> RoleEntry:
        """Remove a person's row: their identity provider's claims decide their roles again.

        Refused for the last administrator row and for the remover's own administrator row (``actor``).
        """
        user = _require_user(user)
        with self._backend.transaction() as tx:
            return roles_table.remove_entry(tx, self._audit, _now(), user, identity, actor=actor)

    # -- a dataset's owner and sharing ---------------------------------------------------------------

    def log_dataset_change(self, dataset_id: str, changes: Mapping[str, Sequence[Any]], *, user: str,
                           write: Callable[[], None] | None = None) -> AuditEntry:
        """Log a change of a dataset's owner or sharing level (``{"owner": [old, new], ...}``) in the change log.

        The dataset's settings live in its ``dataset.json``, not in the store: ``write`` (which rewrites
        that file) runs inside the log's transaction, so a file that cannot be written logs nothing and a
        log that cannot be written raises before the transaction ends (``store.datasets.set_sharing``
        then puts the file back). Entity ``dataset``, action ``share``; the entry's ``entity_id`` is the
        dataset's key in table ``logged_datasets``.
        """
        user = _require_user(user)
        if not changes:
            raise ValueError("Ingen ändring av ägare eller delning att föra in i ändringsloggen.")
        now = _now()
        with self._backend.transaction() as tx:
            tx.run("INSERT INTO logged_datasets (dataset_id) VALUES (?) ON CONFLICT (dataset_id) DO NOTHING",
                   (dataset_id,))
            key = int(tx.one("SELECT id FROM logged_datasets WHERE dataset_id = ?", (dataset_id,))["id"])
            plain = {name: list(pair) for name, pair in changes.items()}
            self._audit(tx, now, user, DATASET_ENTITY, key, "share", plain, None)
            if write is not None:
                write()
            row = tx.one("SELECT * FROM audit WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1",
                         (DATASET_ENTITY, key))
        return _audit_entry(row)

    def dataset_log(self, dataset_id: str) -> list[AuditEntry]:
        """The changes of one dataset's owner and sharing level, oldest first (empty when it never changed)."""
        with self._backend.transaction(write=False) as tx:
            rows = tx.query(
                "SELECT a.* FROM audit a JOIN logged_datasets d ON a.entity_id = d.id "
                "WHERE a.entity = ? AND d.dataset_id = ? ORDER BY a.id", (DATASET_ENTITY, dataset_id))
        return [_audit_entry(row) for row in rows]

    # -- audit and integrity -----------------------------------------------------------------------

    def audit_log(self, entity: str | None = None, entity_id: int | None = None) -> list[AuditEntry]:
        """Audit entries, oldest first, optionally for one entity kind and/or one row."""
        where, params = [], []
        if entity is not None:
            if entity not in (roles_table.ENTITY, DATASET_ENTITY):  # logged beside the picture's changes
                self._kind(entity)
            where.append("entity = ?")
            params.append(entity)
        if entity_id is not None:
            where.append("entity_id = ?")
            params.append(entity_id)
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        with self._backend.transaction(write=False) as tx:
            rows = tx.query(sql, params)
        return [_audit_entry(row) for row in rows]

    def integrity_check(self) -> list[str]:
        """Problems found in the database, in Swedish; an empty list means clean.

        The engine's own check (SQLite ``PRAGMA integrity_check`` and ``foreign_key_check``)
        followed by consistency queries that hold on both backends.
        """
        problems = self._backend.engine_problems()
        checks = [
            (
                "SELECT c.id FROM causes c LEFT JOIN hotspots h ON h.id = c.hotspot_id WHERE h.id IS NULL",
                "Orsak {id} hör till en plats som inte finns.",
            ),
            (
                "SELECT l.measure_id AS id FROM measure_hotspots l LEFT JOIN hotspots h ON h.id = l.hotspot_id "
                "WHERE h.id IS NULL",
                "Åtgärd {id} är kopplad till en plats som inte finns.",
            ),
            (
                "SELECT l.measure_id AS id FROM measure_hotspots l LEFT JOIN measures m ON m.id = l.measure_id "
                "WHERE m.id IS NULL",
                "En platskoppling pekar på åtgärd {id} som inte finns.",
            ),
            (
                "SELECT g.id FROM goals g LEFT JOIN hotspots h ON h.id = g.hotspot_id "
                "WHERE g.hotspot_id IS NOT NULL AND h.id IS NULL",
                "Mål {id} hör till en plats som inte finns.",
            ),
            (
                "SELECT g.id FROM goals g LEFT JOIN measures m ON m.id = g.measure_id "
                "WHERE g.measure_id IS NOT NULL AND m.id IS NULL",
                "Mål {id} hör till en åtgärd som inte finns.",
            ),
            (
                "SELECT f.id FROM followups f LEFT JOIN measures m ON m.id = f.measure_id WHERE m.id IS NULL",
                "Uppföljning {id} hör till en åtgärd som inte finns.",
            ),
            (
                "SELECT f.id FROM followups f LEFT JOIN hotspots h ON h.id = f.hotspot_id "
                "WHERE f.hotspot_id IS NOT NULL AND h.id IS NULL",
                "Uppföljning {id} hör till en plats som inte finns.",
            ),
            (
                "SELECT id FROM hotspots WHERE merged_into IS NOT NULL AND NOT archived",
                "Plats {id} är sammanslagen med en annan men inte arkiverad.",
            ),
        ]
        checks += [
            (f"SELECT id FROM {k.table} WHERE version < 1", f"{k.noun} med id {{id}} har ogiltig version.")
            for k in _KINDS.values()
        ]
        with self._backend.transaction(write=False) as tx:
            version = tx.one("SELECT MAX(version) AS v FROM schema_version")
            if not version or version["v"] != LATEST_VERSION:
                problems.append(f"Schemaversionen är {version and version['v']}, väntad {LATEST_VERSION}.")
            for sql, message in checks:
                problems += [message.format(id=row["id"]) for row in tx.query(sql)]
        return problems

    # -- generic machinery -------------------------------------------------------------------------

    @staticmethod
    def _kind(entity: str) -> _Kind:
        if entity not in _KINDS:
            raise ValueError(f"Okänd posttyp '{entity}'; välj bland: {_choices(ENTITIES)}.")
        return _KINDS[entity]

    def _from_row(self, tx: Tx, entity: str, row: Mapping[str, Any]) -> Any:
        kind = _KINDS[entity]
        values: dict[str, Any] = {}
        for name in [*kind.columns, "id"]:
            value = row[name]
            if name in kind.json_fields:
                value = json.loads(value)
            elif name in kind.bool_fields:
                value = bool(value)
            values[name] = value
        if entity == "measure":
            values["hotspot_ids"] = [
                r["hotspot_id"]
                for r in tx.query(
                    "SELECT hotspot_id FROM measure_hotspots WHERE measure_id = ? ORDER BY hotspot_id",
                    (row["id"],),
                )
            ]
        return kind.cls(**values)

    def _params(self, entity: str, item: Any) -> list[Any]:
        kind = _KINDS[entity]
        return [_dumps(getattr(item, c)) if c in kind.json_fields else getattr(item, c) for c in kind.columns]

    def _get(self, entity: str, entity_id: int) -> Any:
        with self._backend.transaction(write=False) as tx:
            return self._from_row(tx, entity, _require_row(tx, entity, entity_id))

    def _list(self, entity: str, where: list[str], params: list[Any], include_archived: bool) -> list[Any]:
        kind = _KINDS[entity]
        if not include_archived:
            where = [*where, "NOT archived"]
        sql = (
            f"SELECT * FROM {kind.table}"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY id"
        )
        with self._backend.transaction(write=False) as tx:
            return [self._from_row(tx, entity, row) for row in tx.query(sql, params)]

    def _locked(self, tx: Tx, entity: str, entity_id: int) -> Any:
        _require_row(tx, entity, entity_id)
        row = tx.one(f"SELECT * FROM {_KINDS[entity].table} WHERE id = ?{tx.for_update}", (entity_id,))
        return self._from_row(tx, entity, row)

    def _add(self, entity: str, item: Any, user: str) -> Any:
        kind = _KINDS[entity]
        if not isinstance(item, kind.cls):
            raise TypeError(f"expected a {kind.cls.__name__}, got {type(item).__name__}")
        user = _require_user(user)
        with self._backend.transaction() as tx:
            return self._insert(tx, entity, item, user)

    def _insert(self, tx: Tx, entity: str, item: Any, user: str, action: str = "create") -> Any:
        kind = _KINDS[entity]
        item = replace(item, id=None, version=1, archived=False, created_by=item.created_by or user)
        if entity == "hotspot":
            item = replace(item, merged_into=None)
        item = _VALIDATORS[entity](item)
        _check_references(tx, entity, None, item)
        now = _now()
        item = replace(item, created_at=now, updated_at=now)
        columns = kind.columns
        new_id = tx.insert(
            f"INSERT INTO {kind.table} ({_quoted(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))}) RETURNING id",
            self._params(entity, item),
        )
        item = replace(item, id=new_id)
        if entity == "measure":
            self._set_links(tx, new_id, [], item.hotspot_ids)
        changes = {
            name: [None, getattr(item, name)]
            for name in [*columns, *(["hotspot_ids"] if entity == "measure" else [])]
            if name not in _SYSTEM_FIELDS and name not in ("archived", "merged_into")
        }
        if action == "merge":
            changes["merged_from"] = [None, [int(i) for i in item.source_id.split(",")]]
        self._audit(tx, now, user, entity, new_id, action, changes, 1)
        return item

    def _update(
        self,
        entity: str,
        entity_id: int,
        changes: Mapping[str, Any],
        expected_version: int,
        user: str,
        action: str = "update",
    ) -> Any:
        kind = _KINDS[entity]
        user = _require_user(user)
        if not isinstance(changes, Mapping):
            raise TypeError("changes must be a mapping of field name to new value")
        if action == "update":
            unknown = [name for name in changes if name not in kind.editable]
            if unknown:
                raise ValueError(
                    f"Fältet {', '.join(repr(n) for n in unknown)} kan inte ändras här; "
                    f"ändringsbara fält: {_choices(sorted(kind.editable))}."
                )
        with self._backend.transaction() as tx:
            current = self._locked(tx, entity, entity_id)
            if expected_version != current.version:
                raise self._conflict(tx, entity, current, expected_version)
            new = _VALIDATORS[entity](replace(current, **dict(changes)))
            _check_references(tx, entity, current, new)
            if new == current:
                return current
            return self._write(tx, entity, current, new, user, action, _now())

    def _write(self, tx: Tx, entity: str, current: Any, new: Any, user: str, action: str, now: str) -> Any:
        """Store ``new`` over ``current`` (already locked), bump the version, log the difference."""
        kind = _KINDS[entity]
        names = [*kind.columns, *(["hotspot_ids"] if entity == "measure" else [])]
        diff = {
            name: [getattr(current, name), getattr(new, name)]
            for name in names
            if name not in _SYSTEM_FIELDS and getattr(current, name) != getattr(new, name)
        }
        new = replace(new, version=current.version + 1, updated_at=now)
        columns = [c for c in kind.columns if c not in ("created_at", "created_by")]
        assignments = ", ".join(f"{_quoted([c])} = ?" for c in columns)
        row_params = [p for c, p in zip(kind.columns, self._params(entity, new), strict=True) if c in columns]
        changed = tx.run(
            f"UPDATE {kind.table} SET {assignments} WHERE id = ? AND version = ?",
            [*row_params, current.id, current.version],
        )
        if changed != 1:  # cannot happen while the row is locked; never overwrite if it does
            raise self._conflict(tx, entity, self._locked(tx, entity, current.id), current.version)
        if entity == "measure" and new.hotspot_ids != current.hotspot_ids:
            self._set_links(tx, new.id, current.hotspot_ids, new.hotspot_ids)
        self._audit(tx, now, user, entity, current.id, action, diff, new.version)
        return new

    @staticmethod
    def _set_links(tx: Tx, measure_id: int, old: Sequence[int], new: Sequence[int]) -> None:
        for hid in set(old) - set(new):
            tx.run("DELETE FROM measure_hotspots WHERE measure_id = ? AND hotspot_id = ?", (measure_id, hid))
        for hid in sorted(set(new) - set(old)):
            tx.run("INSERT INTO measure_hotspots (measure_id, hotspot_id) VALUES (?, ?)", (measure_id, hid))

    @staticmethod
    def _audit(
        tx: Tx,
        now: str,
        user: str,
        entity: str,
        entity_id: int,
        action: str,
        changes: Mapping[str, Any],
        version: int | None,
    ) -> None:
        tx.run(
            'INSERT INTO audit (at, "user", entity, entity_id, action, changes, version) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now, user, entity, entity_id, action, _dumps(changes), version),
        )

    def _conflict(self, tx: Tx, entity: str, current: Any, expected_version: int) -> ConflictError:
        """Build the Swedish conflict message from the audit entries after the caller's version."""
        kind = _KINDS[entity]
        rows = tx.query(
            "SELECT * FROM audit WHERE entity = ? AND entity_id = ? AND version > ? ORDER BY id",
            (entity, current.id, expected_version),
        )
        entries = [_audit_entry(row) for row in rows]
        first_old: dict[str, Any] = {}
        for entry in entries:
            for name, (old, _new) in entry.changes.items():
                first_old.setdefault(name, old)
        names = [n for n in first_old if n != "merged_from"]
        users = list(dict.fromkeys(e.user for e in entries))
        details = []
        for name in names:
            label = FIELD_LABELS.get(name, name)
            old, new = _shown(first_old[name]), _shown(getattr(current, name, None))
            if name in _LONG_FIELDS or len(old) > 40 or len(new) > 40:
                details.append(label)
            else:
                details.append(f"{label} '{old}' → '{new}'")
        if entries:
            message = (
                f"{kind.noun} har ändrats av {_names(users)} {_when(entries[-1].at)} sedan du öppnade "
                f"{kind.pronoun}: {', '.join(details) or 'inga synliga fält'}. "
                f"Läs in {kind.pronoun} igen och gör din ändring på nytt."
            )
        else:
            message = (
                f"{kind.noun} har ändrats sedan du öppnade {kind.pronoun} (din version {expected_version}, "
                f"nu {current.version}). Läs in {kind.pronoun} igen och gör din ändring på nytt."
            )
        return ConflictError(message, current=current, fields=names, changed_by=users)


class BulkImport:
    """The rows of one :meth:`ProblemStore.import_transaction`, written as they are.

    References (``hotspot_id``, ``measure_id``, a measure's ``hotspot_ids``) are ids already in
    the store or returned by an earlier :meth:`add` in the same import. Rows are checked by the
    store's field rules (:func:`validate`) but not against the current state of other rows, so an
    archived picture can be restored with causes on its archived places.
    """

    def __init__(self, tx: Tx, *, user: str) -> None:
        self._tx = tx
        self.user = user
        self.now = _now()  # one time for the whole import: blank timestamps and the audit entries
        self._written: list[tuple[str, Any, str]] = []  # entity, row as stored, origin

    def counts(self) -> dict[str, int]:
        """How many rows of each kind the store holds now (archived ones included)."""
        return {
            entity: int(self._tx.one(f"SELECT COUNT(*) AS n FROM {_KINDS[entity].table}")["n"])
            for entity in ENTITIES
        }

    def add(self, entity: str, item: Any, *, origin: str = "") -> Any:
        """Insert one row as it is and return it with its new ``id``.

        Parameters
        ----------
        entity
            ``"hotspot"``, ``"cause"``, ``"measure"``, ``"goal"`` or ``"followup"``.
        item
            The row; its ``id`` is ignored. Blank ``created_by`` / ``created_at`` / ``updated_at``
            become the importing user / the import's time / ``created_at``, and a row never stored
            (``version=0``, the model's default) starts at version 1. A hotspot's ``merged_into``
            is written only by :meth:`set_merge`.
        origin
            Where the row came from (a file and its key); the audit entry keeps it as ``imported_from``.

        Raises
        ------
        ValueError
            The row breaks one of the store's rules (Swedish message); the whole import is undone.
        """
        kind = ProblemStore._kind(entity)
        if not isinstance(item, kind.cls):
            raise TypeError(f"expected a {kind.cls.__name__}, got {type(item).__name__}")
        item = replace(item, id=None, created_by=item.created_by or self.user,
                       created_at=item.created_at or self.now,
                       updated_at=item.updated_at or item.created_at or self.now, version=item.version or 1)
        if entity == "hotspot":
            item = replace(item, merged_into=None)
        item = validate(entity, item)
        columns = kind.columns
        params = [_dumps(getattr(item, c)) if c in kind.json_fields else getattr(item, c) for c in columns]
        new_id = self._tx.insert(
            f"INSERT INTO {kind.table} ({_quoted(columns)}) VALUES ({', '.join('?' * len(columns))}) RETURNING id",
            params,
        )
        item = replace(item, id=new_id)
        if entity == "measure":
            ProblemStore._set_links(self._tx, new_id, [], item.hotspot_ids)
        self._written.append((entity, item, origin))
        return item

    def set_merge(self, hotspot_id: int, *, merged_into: int | None, source_id: str, snapshot: Any) -> Hotspot:
        """Record a merge on a hotspot added in this import, once every hotspot it names exists.

        A merge points both ways (the originals' ``merged_into``, the merged one's ``source_id``
        listing the originals and its snapshot naming them), so it can only be written after all
        of them have their new ids.
        """
        position, (entity, item, origin) = next(
            (n, entry) for n, entry in enumerate(self._written) if entry[0] == "hotspot" and entry[1].id == hotspot_id
        )
        self._tx.run(
            "UPDATE hotspots SET merged_into = ?, source_id = ?, snapshot = ? WHERE id = ?",
            (merged_into, source_id, _dumps(snapshot), hotspot_id),
        )
        item = replace(item, merged_into=merged_into, source_id=source_id, snapshot=snapshot)
        self._written[position] = (entity, item, origin)
        return item

    def _write_audit(self) -> None:
        for entity, item, origin in self._written:
            names = [*_KINDS[entity].columns, *(["hotspot_ids"] if entity == "measure" else [])]
            changes = {
                name: [None, getattr(item, name)]
                for name in names
                if name not in _SYSTEM_FIELDS and name not in ("archived", "merged_into")
            }
            changes["imported_from"] = [None, origin]
            ProblemStore._audit(self._tx, self.now, self.user, entity, item.id, "import", changes, item.version)


def validate(entity: str, item: Any) -> Any:
    """Check a row by the store's rules for its kind; return it checked, or raise ``ValueError`` (Swedish).

    The same checks the ``add_*`` and ``update_*`` methods make, for a caller that prepares many
    rows before writing any (an import names every problem in a file, not only the first).

    Examples
    --------
    >>> validate("cause", Cause(hotspot_id=1, perspective="situationell", proximity="närliggande", text=" Mörkt ")).text
    'Mörkt'
    >>> validate("cause", Cause(hotspot_id=1, perspective="okänt", proximity="närliggande", text="Mörkt"))
    Traceback (most recent call last):
    ...
    ValueError: Perspektiv 'okänt' finns inte; välj bland: situationell, brottsoffer, gärningsperson.
    """
    return _VALIDATORS[ProblemStore._kind(entity).name](item)


def _audit_entry(row: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=int(row["id"]),
        at=row["at"],
        user=row["user"],
        entity=row["entity"],
        entity_id=int(row["entity_id"]),
        action=row["action"],
        changes=json.loads(row["changes"]),
        version=row["version"],
    )
