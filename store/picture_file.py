"""The problem picture as a file: a versioned JSON format for moving, merging and backing it up.

The police and the kommun each prepare their own picture (egna förberedelser), often on separate
installations; this file is how one side's picture reaches the joint one, and how a picture is
backed up or moved to a new server. The format is described in ``docs/picture-format.md`` and
checked by the JSON Schema ``store/picture_schema.json``::

    document = export_picture(store, dataset=dataset)      # a dict; write_picture() writes it
    summary = import_picture(other_store, read_picture("problembild.json"), user="Anna (polisen)",
                             source="problembild.json")

What the file keeps and how:

* Every row of every kind, archived ones too, with every field the store keeps (status,
  priority, snapshot, created_by/at, updated_at, version). Ids are *not* in the file: rows refer
  to each other by file-local ``key`` (``h1``, ``m1`` …, numbered in id order), so an export of a
  picture imported into an empty store is the same file again, byte for byte.
* Geometries are GeoJSON in WGS84, longitude before latitude (RFC 7946), to 9 decimals
  (0.1 mm); the store keeps them in the working CRS, so they are converted both ways.
* Empty values ("", [], null) are left out, so that a person can write a file by hand with only
  what they know; left-out fields take the store's defaults.
* A file made *for the other party* (:class:`Recipient`, ``samsyn picture export --for kommunen``)
  holds only what that party may see: items of datasets shared with it, cause texts marked
  ``shareable``, measure descriptions marked ``shareable``, no hotspot notes, and the pinning snapshots' counts
  masked at its level (``".."``); its ``made_for`` header says for whom it was made.

Import checks the whole file before anything is written — the JSON Schema, then what a schema
cannot say (keys that are referred to exist, geometries are valid and inside the area of the
working CRS, periods run forwards, the CRS is known and metric) and the store's own rules — and
then writes everything in one transaction. A bad file raises :class:`core.errors.InputError`
naming the file and the JSON path (``goals[2].baseline``), and the store is left as it was.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import mapping, shape

from core.disclosure import HIDDEN
from core.errors import InputError
from core.files import atomic_path
from store.model import Cause, Followup, Goal, Hotspot, Measure
from store.problem_store import ProblemStore, validate

if TYPE_CHECKING:
    from core.disclosure import View
    from store.datasets import Dataset
    from store.problem_store import BulkImport

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "SCHEMA_PATH",
    "ImportSummary",
    "Recipient",
    "dumps_picture",
    "export_picture",
    "import_picture",
    "load_schema",
    "read_picture",
    "validate_picture",
    "write_picture",
]

FORMAT = "samsyn-problembild"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("picture_schema.json")
WGS84 = "EPSG:4326"
# 1e-9 degree is 0.11 mm of latitude: the round trip stays far inside a millimetre, and a
# re-export of an imported picture rounds to the very same numbers.
DECIMALS = 9
MAX_PROBLEMS_SHOWN = 10

# Sections in the order they are written and imported (references point backwards only, except
# a hotspot's merged_into/merged_from, which are set after all hotspots exist).
SECTIONS: tuple[str, ...] = ("hotspots", "causes", "measures", "goals", "followups")
ENTITY_OF: dict[str, str] = {
    "hotspots": "hotspot", "causes": "cause", "measures": "measure", "goals": "goal", "followups": "followup",
}  # fmt: skip
KEY_PREFIX: dict[str, str] = {"hotspot": "h", "cause": "c", "measure": "m", "goal": "g", "followup": "f"}
NOUNS: dict[str, tuple[str, str]] = {  # singular, plural — for the import summary
    "hotspot": ("plats", "platser"),
    "cause": ("orsak", "orsaker"),
    "measure": ("åtgärd", "åtgärder"),
    "goal": ("mål", "mål"),
    "followup": ("uppföljning", "uppföljningar"),
}


# --------------------------------------------------------------------------------------------------
# Geometry: the store's WKT in the working CRS <-> GeoJSON in WGS84 (lon, lat)


@lru_cache(maxsize=32)
def _transformer(source: str, target: str) -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)  # always lon/lat, east/north


def _reproject(geom: shapely.Geometry, source: str, target: str, decimals: int | None = None) -> shapely.Geometry:
    transformer = _transformer(source, target)

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        out = np.column_stack([np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")])
        return np.round(out, decimals) if decimals is not None else out

    return shapely.transform(geom, move)


def _listify(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_listify(v) for v in value]
    if isinstance(value, dict):
        return {k: _listify(v) for k, v in value.items()}
    return value


def wkt_to_geojson(wkt: str, crs: str) -> dict[str, Any]:
    """A stored WKT geometry in ``crs`` as a GeoJSON geometry in WGS84, lon/lat, 9 decimals.

    Polygons get the exterior ring counter-clockwise, as RFC 7946 (section 3.1.6) asks.

    Examples
    --------
    >>> wkt_to_geojson("POINT (674032.36 6580821.99)", "EPSG:3006")["type"]
    'Point'
    """
    geom = shapely.orient_polygons(shapely.from_wkt(wkt))
    return _listify(mapping(_reproject(geom, crs, WGS84, DECIMALS)))


def geojson_to_wkt(geometry: Mapping[str, Any], crs: str) -> str:
    """A GeoJSON geometry in WGS84 (lon, lat) as WKT in ``crs``, at full precision."""
    return shapely.to_wkt(_reproject(shape(geometry), WGS84, crs), rounding_precision=-1)


# --------------------------------------------------------------------------------------------------
# Export


def _read_all(store: ProblemStore) -> dict[str, list[Any]]:
    # One snapshot of all five tables, so a save during the export cannot leave a cause pointing
    # to a hotspot the file does not have.
    return store.all_rows()


def _keys(items: Sequence[Any], entity: str) -> dict[int, str]:
    return {item.id: f"{KEY_PREFIX[entity]}{n}" for n, item in enumerate(items, start=1)}


def _put(out: dict[str, Any], name: str, value: Any) -> None:
    """Write ``value`` unless it is empty: left-out fields read back as the empty value."""
    if value is None or value == "" or value == [] or value == {}:
        return
    out[name] = value


def _period(start: str, end: str) -> list[str | None] | None:
    return [start or None, end or None] if (start or end) else None


def _common(out: dict[str, Any], item: Any) -> dict[str, Any]:
    _put(out, "created_by", item.created_by)
    out["archived"] = bool(item.archived)
    out["created_at"] = item.created_at
    out["updated_at"] = item.updated_at
    out["version"] = item.version
    return out


def _merged_ids(source_id: str) -> list[int]:
    return [int(part) for part in source_id.split(",") if part.strip().isdigit()]


def _map_merged_snapshot(snapshot: Any, lookup: Callable[[Any], Any]) -> Any:
    """The snapshot with the hotspot ids in its ``merged_from`` list (and nested ones) mapped."""
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("merged_from"), list):
        return snapshot
    merged = []
    for entry in snapshot["merged_from"]:
        if isinstance(entry, dict):
            entry = {**entry, "id": lookup(entry.get("id"))}
            if "snapshot" in entry:
                entry["snapshot"] = _map_merged_snapshot(entry["snapshot"], lookup)
        merged.append(entry)
    return {**snapshot, "merged_from": merged}


def _followup_crs(followup: Followup, hotspots: Mapping[int, Hotspot], measures: Mapping[int, Measure],
                  default: str) -> str:
    """The CRS a follow-up's control area is kept in: that of its target hotspot (else the dataset's)."""
    target = followup.hotspot_id
    if target is None and followup.measure_id in measures and measures[followup.measure_id].hotspot_ids:
        target = measures[followup.measure_id].hotspot_ids[0]
    return hotspots[target].crs if target in hotspots else default


@dataclass(frozen=True)
class Recipient:
    """The party a filtered export is made for, and what it may see of each dataset.

    Attributes
    ----------
    party
        ``kommunen``, ``polisen`` or ``styrgrupp`` (the file's ``made_for.party``).
    view_of
        The party's :class:`core.disclosure.View` of the dataset with this id (not visible when the
        dataset is not shared with the party or is gone).
    label
        The sentence written as ``made_for.label``: for whom, and what was left out.
    """

    party: str
    view_of: Callable[[str], View]
    label: str = ""


# Counts in a pinning snapshot (current and older snapshot versions) and what is derived from them.
_SNAPSHOT_COUNTS = ("count", "count_previous_year")
_SNAPSHOT_DERIVED = ("change", "p_value", "verdict", "busiest", "rate_per_1000", "change_pct", "change_p",
                     "weekday_hour_peak", "trend")


def masked_snapshot(snapshot: Any, view: View) -> Any:
    """A pinning snapshot as ``view`` may see it: counts of 1–2 as ``".."`` with what is derived from them.

    A place with fewer than ``min_place`` incidents keeps only what was counted and when, and
    ``hidden`` says why; merged originals inside ``merged_from`` are masked the same way.

    Examples
    --------
    >>> from core.disclosure import View
    >>> joint = View(True, False, "gemensam")
    >>> masked_snapshot({"count": 7, "count_previous_year": 2, "change": 2.5, "trend_monthly": {"2025-01": 1}}, joint)
    {'count': 7, 'count_previous_year': '..', 'change': '..', 'trend_monthly': {'2025-01': '..'}}
    >>> masked_snapshot({"period": ["2025-01-01", "2025-12-31"], "count": 2, "change": 1.0}, joint)
    {'period': ['2025-01-01', '2025-12-31'], 'count': '..', 'change': '..', 'hidden': 'för få händelser för att visas (under 5)'}
    """
    if not isinstance(snapshot, dict) or view.full:
        return snapshot
    out = dict(snapshot)
    if isinstance(out.get("merged_from"), list):
        out["merged_from"] = [{**e, "snapshot": masked_snapshot(e["snapshot"], view)}
                              if isinstance(e, dict) and "snapshot" in e else e for e in out["merged_from"]]
    count = out.get("count")
    numbers = [out[k] for k in _SNAPSHOT_COUNTS if isinstance(out.get(k), int | float)]
    too_few = isinstance(count, int | float) and not view.place_shown(count)
    small = too_few or any(view.hides(n) for n in numbers)
    for key in _SNAPSHOT_COUNTS:
        if key in out:
            out[key] = HIDDEN if too_few else view.masked(out[key])
    for key in _SNAPSHOT_DERIVED:
        if key in out and small:
            out[key] = HIDDEN
    for key in ("top_categories", "trend_monthly"):
        if isinstance(out.get(key), dict):
            out[key] = {k: HIDDEN if too_few else view.masked(v) for k, v in out[key].items()}
    if too_few:
        out["hidden"] = f"för få händelser för att visas (under {view.rules.min_place})"
    return out


def export_picture(store: ProblemStore, *, dataset: Dataset | None = None, crs: str | None = None,
                   recipient: Recipient | None = None) -> dict[str, Any]:
    """The problem picture in the store as a document of the file format (a dict).

    Parameters
    ----------
    store
        The problem store to read; every row, archived ones too, in one consistent snapshot.
    dataset
        The dataset the picture belongs to; its id and name go into the file's ``dataset``.
    crs
        The working CRS of the dataset (default: the dataset's, else that of the first hotspot).
    recipient
        The other party the file is made for; default none, the operator's unfiltered file. With one:
        only hotspots and follow-ups of datasets the party sees (and the causes, measures and goals
        of those hotspots; a measure or goal without a hotspot follows ``dataset``), only cause texts
        marked ``shareable``, only measure descriptions marked ``shareable``, no hotspot notes
        (free text with no such mark), snapshot counts through :func:`masked_snapshot`, and ``made_for`` in the header.

    Returns
    -------
    dict
        JSON-ready; :func:`dumps_picture` turns it into the file's text.
    """
    rows = _read_all(store)
    if recipient is not None:
        rows = _filtered(rows, recipient, dataset.id if dataset is not None else None)
    hotspots, causes, measures = rows["hotspot"], rows["cause"], rows["measure"]
    goals, followups = rows["goal"], rows["followup"]
    work_crs = crs or (dataset.crs if dataset is not None else None) or (hotspots[0].crs if hotspots else None)
    if not work_crs:
        # The file's dataset.crs places every geometry; an assumed SWEREF 99 TM could put them in another town.
        raise InputError("Problembilden har inget koordinatsystem att skriva: inga platser och inget dataset "
                         "med koordinatsystem. Ange --crs, t.ex. --crs EPSG:3006.")
    keys = {entity: _keys(rows[entity], entity) for entity in ENTITY_OF.values()}
    hkey, mkey = keys["hotspot"], keys["measure"]
    by_hotspot = {h.id: h for h in hotspots}
    by_measure = {m.id: m for m in measures}

    document: dict[str, Any] = {"format": FORMAT, "version": FORMAT_VERSION}
    if recipient is not None:
        document["made_for"] = {"party": recipient.party, **({"label": recipient.label} if recipient.label else {})}
    info: dict[str, Any] = {}
    if dataset is not None:
        _put(info, "id", dataset.id)
        _put(info, "name", dataset.name)
    info["crs"] = work_crs
    document["dataset"] = info

    out_hotspots = []
    for h in hotspots:
        item: dict[str, Any] = {"key": hkey[h.id], "title": h.title, "organisation": h.organisation,
                                "picture": h.picture, "geometry": wkt_to_geojson(h.geometry_wkt, h.crs),
                                "crs": h.crs}
        _put(item, "dataset", getattr(h, "dataset_id", None))
        item["source_kind"] = h.source_kind
        snapshot = h.snapshot
        if h.source_kind == "merged":
            # The ids of the merged originals mean nothing in another store: write their keys.
            _put(item, "merged_from", [hkey[i] for i in _merged_ids(h.source_id) if i in hkey])
            snapshot = _map_merged_snapshot(snapshot, hkey.get)
        else:
            _put(item, "source_id", h.source_id)
        _put(item, "categories", list(h.categories))
        _put(item, "weekdays", list(h.weekdays))
        _put(item, "hours", list(h.hours))
        item["priority"] = h.priority
        item["status"] = h.status
        _put(item, "notes", h.notes)
        _put(item, "snapshot", snapshot)
        _put(item, "merged_into", hkey.get(h.merged_into))
        out_hotspots.append(_common(item, h))

    out_causes = []
    for c in causes:
        item = {"key": keys["cause"][c.id], "hotspot": hkey[c.hotspot_id], "perspective": c.perspective,
                "proximity": c.proximity, "text": c.text, "shareable": bool(c.shareable)}
        out_causes.append(_common(item, c))

    out_measures = []
    for m in measures:
        item = {"key": mkey[m.id], "title": m.title, "organisation": m.organisation, "kind": m.kind}
        _put(item, "description", m.description)
        _put(item, "responsible", m.responsible)
        if m.shareable:  # left out when false: files written before measures had the mark read the same
            item["shareable"] = True
        _put(item, "start", m.start)
        _put(item, "end", m.end)
        item["status"] = m.status
        _put(item, "hotspots", [hkey[i] for i in m.hotspot_ids])
        out_measures.append(_common(item, m))

    out_goals = []
    for g in goals:
        item = {"key": keys["goal"][g.id], "kind": g.kind, "description": g.description}
        _put(item, "measure", mkey.get(g.measure_id))
        _put(item, "hotspot", hkey.get(g.hotspot_id))
        _put(item, "categories", list(g.categories))
        _put(item, "baseline", _period(g.baseline_start, g.baseline_end))
        _put(item, "followup", _period(g.followup_start, g.followup_end))
        _put(item, "target_change", g.target_change)
        _put(item, "planned", g.planned)
        _put(item, "done", g.done)
        _put(item, "unit", g.unit)
        out_goals.append(_common(item, g))

    out_followups = []
    for f in followups:
        item = {"key": keys["followup"][f.id], "measure": mkey[f.measure_id]}
        _put(item, "hotspot", hkey.get(f.hotspot_id))
        _put(item, "dataset", getattr(f, "dataset_id", None))
        control_crs = _followup_crs(f, by_hotspot, by_measure, work_crs)
        item["control"] = wkt_to_geojson(f.control_wkt, control_crs)
        _put(item, "control_name", f.control_name)
        # Always written: null means "no displacement ring", while a left-out value means 200 m.
        item["displacement_buffer_m"] = f.displacement_m
        _put(item, "categories", list(f.categories))
        _put(item, "before", _period(f.before_start, f.before_end))
        _put(item, "after", _period(f.after_start, f.after_end))
        out_followups.append(_common(item, f))

    document.update(hotspots=out_hotspots, causes=out_causes, measures=out_measures, goals=out_goals,
                    followups=out_followups)
    return document


def _filtered(rows: dict[str, list[Any]], recipient: Recipient, file_dataset: str | None) -> dict[str, list[Any]]:
    """The rows the recipient may have (see :func:`export_picture`), with masked snapshots."""
    views: dict[str | None, View] = {}

    def view(dataset_id: str | None) -> View:
        if dataset_id not in views:
            views[dataset_id] = recipient.view_of(dataset_id or file_dataset or "")
        return views[dataset_id]

    hotspots = []
    for h in rows["hotspot"]:
        seen = view(getattr(h, "dataset_id", None))
        if seen.visible:
            hotspots.append(replace(h, notes="", snapshot=masked_snapshot(h.snapshot, seen)))
    kept = {h.id for h in hotspots}  # merged_into/merged_from to a place left out are left out by the writer
    causes = [c for c in rows["cause"] if c.hotspot_id in kept and c.shareable]
    file_visible = view(file_dataset).visible
    measures = [replace(m, description=m.description if m.shareable else "",
                        hotspot_ids=[i for i in m.hotspot_ids if i in kept])
                for m in rows["measure"]
                if (m.hotspot_ids and any(i in kept for i in m.hotspot_ids)) or (not m.hotspot_ids and file_visible)]
    measure_ids = {m.id for m in measures}
    goals = [g for g in rows["goal"]
             if (g.hotspot_id is None or g.hotspot_id in kept) and (g.measure_id is None or g.measure_id in measure_ids)
             and (g.hotspot_id is not None or g.measure_id is not None or file_visible)]
    followups = [f for f in rows["followup"] if f.measure_id in measure_ids
                 and (f.hotspot_id is None or f.hotspot_id in kept) and view(getattr(f, "dataset_id", None)).visible]
    return {"hotspot": hotspots, "cause": causes, "measure": measures, "goal": goals, "followup": followups}


# An array of numbers only (a position, weekdays, hours), as json.dumps spreads it over lines. JSON
# strings cannot hold a raw newline, so this never matches inside a text.
_NUMBER_ARRAY = re.compile(r"\[\n\s+([-+0-9.eE]+(?:,\n\s+[-+0-9.eE]+)*)\n\s*\]")


def dumps_picture(document: Mapping[str, Any]) -> str:
    """The file's text: UTF-8 JSON, two-space indent, members in a fixed order, newline at the end.

    Arrays of numbers (positions, weekdays, hours) stay on one line, so a polygon reads as a column
    of ``[lon, lat]`` pairs.

    Examples
    --------
    >>> print(dumps_picture({"coordinates": [18.07, 59.33], "hours": [22, 23]}))
    {
      "coordinates": [18.07, 59.33],
      "hours": [22, 23]
    }
    <BLANKLINE>
    """
    text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
    text = _NUMBER_ARRAY.sub(lambda m: "[" + re.sub(r",\n\s+", ", ", m.group(1)) + "]", text)
    return text + "\n"


def write_picture(store: ProblemStore, path: str | Path, *, dataset: Dataset | None = None,
                  crs: str | None = None, recipient: Recipient | None = None) -> dict[str, Any]:
    """Export the picture to ``path`` atomically (the file is complete or not there); return the document."""
    document = export_picture(store, dataset=dataset, crs=crs, recipient=recipient)
    text = dumps_picture(document)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return document


# --------------------------------------------------------------------------------------------------
# Reading and checking a file


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The JSON Schema of the format (``store/picture_schema.json``)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _json_path(parts: Sequence[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(filens rot)"


_TYPE_NAMES = {"object": "ett objekt", "array": "en lista", "string": "en text", "number": "ett tal",
               "integer": "ett heltal", "boolean": "true eller false", "null": "null"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "ett tal"
    if isinstance(value, str):
        return "en text"
    if isinstance(value, list):
        return "en lista"
    return "ett objekt"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


class _Problems:
    """Problems found in a file, each with the JSON path it concerns."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.items: list[tuple[str, str]] = []
        self.paths: list[tuple[Any, ...]] = []

    def add(self, parts: Sequence[Any], message: str) -> None:
        where = _json_path(parts)
        # Name the item's key too: "goals[2] (g3)" is easier to find in a long file.
        if len(parts) >= 2 and isinstance(parts[1], int) and isinstance(self.document, dict):
            section = self.document.get(parts[0])
            if isinstance(section, list) and parts[1] < len(section) and isinstance(section[parts[1]], dict):
                key = section[parts[1]].get("key")
                if isinstance(key, str) and key:
                    head = _json_path(parts[:2])
                    where = f"{head} ({key}){where[len(head):]}"
        entry = (where, message)
        if entry not in self.items:
            self.items.append(entry)
            self.paths.append(tuple(parts))

    def about(self, parts: Sequence[Any]) -> bool:
        """Whether a problem was already recorded at or below ``parts``."""
        return any(p[: len(parts)] == tuple(parts) for p in self.paths)

    def raise_if_any(self, path: str | Path | None) -> None:
        if not self.items:
            return
        lines = [f"{where}: {message}" for where, message in self.items[:MAX_PROBLEMS_SHOWN]]
        more = len(self.items) - MAX_PROBLEMS_SHOWN
        if more > 0:
            lines.append(f"… och {more} fel till.")
        head = "filen importerades inte, 1 fel" if len(self.items) == 1 else (
            f"filen importerades inte, {len(self.items)} fel")
        raise InputError(f"{head}:\n  " + "\n  ".join(lines), path=path)


def _schema_message(error: Any) -> tuple[list[Any], str]:
    """A Swedish message for one jsonschema ValidationError, and the path it is about."""
    parts = list(error.absolute_path)
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [name for name in expected if isinstance(value, dict) and name not in value]
        return [*parts, missing[0] if missing else "?"], "saknas (måste finnas)"
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = [name for name in value if name not in allowed] if isinstance(value, dict) else []
        name = extra[0] if extra else "?"
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"; menade du '{close[0]}'?" if close else f"; tillåtna fält: {', '.join(allowed)}"
        return [*parts, name], f"okänt fält{hint}"
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        names = " eller ".join(_TYPE_NAMES.get(w, w) for w in wanted)
        return parts, f"ska vara {names}, inte {_json_type(value)} ({_shown(value)})"
    if kind == "enum":
        return parts, f"{_shown(value)} finns inte; välj bland: {', '.join(_shown(v) for v in expected)}"
    if kind == "const":
        return parts, f"ska vara {_shown(expected)}, inte {_shown(value)}"
    if kind == "pattern":
        if "T" in expected:
            return parts, f"{_shown(value)} är ingen tidpunkt (ÅÅÅÅ-MM-DDTtt:mm:ss+01:00)"
        return parts, f"{_shown(value)} är inget datum (ÅÅÅÅ-MM-DD)"
    if kind in ("minimum", "exclusiveMinimum"):
        if parts and parts[-1] == "target_change":
            return parts, (f"{_shown(value)} är mindre än −1 (−100 %); målförändringen anges som andel, "
                           "t.ex. -0.2 för −20 %")
        return parts, f"ska vara minst {expected}, inte {_shown(value)}"
    if kind in ("maximum", "exclusiveMaximum"):
        return parts, f"får vara högst {expected}, inte {_shown(value)}"
    if kind == "minItems":
        return parts, f"ska ha minst {expected} {'element' if expected != 1 else 'element'}"
    if kind == "maxItems":
        return parts, f"får ha högst {expected} element"
    if kind == "minLength":
        return parts, "får inte vara tom"
    if kind == "uniqueItems":
        return parts, "har samma värde flera gånger"
    return parts, error.message


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _check_stamp(problems: _Problems, parts: list[Any], value: Any) -> None:
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            problems.add(parts, f"{_shown(value)} är ingen tidpunkt (ÅÅÅÅ-MM-DDTtt:mm:ss+01:00)")


def _check_period(problems: _Problems, parts: list[Any], value: Any) -> None:
    if not isinstance(value, list):
        return
    days = []
    for i, text in enumerate(value):
        if text is None:
            days.append(None)
            continue
        day = _parse_date(text)
        if day is None and isinstance(text, str):
            problems.add([*parts, i], f"{_shown(text)} är inget datum som finns (ÅÅÅÅ-MM-DD)")
        days.append(day)
    if len(days) == 2 and days[0] and days[1] and days[1] < days[0]:
        problems.add(parts, f"slutdatum {value[1]} ligger före startdatum {value[0]}")


def _working_crs(problems: _Problems, parts: list[Any], value: Any) -> str | None:
    """The CRS as EPSG:nnnn if pyproj knows it and it is projected in metres; else a problem."""
    if not isinstance(value, str):
        return None
    try:
        crs = CRS.from_user_input(value)
    except (CRSError, TypeError, ValueError):
        problems.add(parts, f"okänt koordinatsystem {_shown(value)}; ange t.ex. EPSG:3006 (SWEREF 99 TM)")
        return None
    units = {axis.unit_name for axis in crs.axis_info}
    if crs.is_geographic or not units <= {"metre", "meter"}:
        problems.add(parts, f"{value} är inget projicerat koordinatsystem i meter; platserna sparas i "
                            "datasetets arbetskoordinatsystem, t.ex. EPSG:3006")
        return None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


@lru_cache(maxsize=32)
def _area_of_use(crs: str) -> tuple[float, float, float, float] | None:
    area = CRS.from_user_input(crs).area_of_use
    if area is None:
        return None
    margin = 1.0  # degrees: border towns and the sea beyond the official area of use
    return area.west - margin, area.south - margin, area.east + margin, area.north + margin


def _geometry(problems: _Problems, parts: list[Any], value: Any, crs: str | None, *,
              areas_only: bool = False) -> str | None:
    """The GeoJSON geometry as WKT in ``crs``, or None after recording what is wrong with it."""
    if not isinstance(value, dict):
        return None
    try:
        geom = shape(value)
    except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.ShapelyError) as error:
        problems.add(parts, f"geometrin går inte att läsa ({error})")
        return None
    if geom.is_empty:
        problems.add(parts, "geometrin är tom")
        return None
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        problems.add(parts, "geometrin har koordinater som inte är tal")
        return None
    lon, lat = coords[:, 0], coords[:, 1]
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        problems.add(parts, (f"koordinaterna ({lon[0]:.0f}, {lat[0]:.0f}) är inte longitud/latitud i WGS84; "
                             "filen ska ha WGS84 med longitud först (RFC 7946), inte t.ex. SWEREF 99 TM"))
        return None
    if areas_only and geom.geom_type not in ("Polygon", "MultiPolygon"):
        problems.add(parts, f"jämförelseområdet ska vara en yta (Polygon), inte {geom.geom_type}")
        return None
    if not geom.is_valid:
        problems.add(parts, f"geometrin är ogiltig ({shapely.is_valid_reason(geom)}); rita om den så att "
                            "kanterna inte korsar varandra")
        return None
    if crs is None:
        return None
    box = _area_of_use(crs)
    if box is not None:
        west, south, east, north = box
        inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
        if not inside.all():
            swapped = ((lat >= west) & (lat <= east) & (lon >= south) & (lon <= north)).all()
            hint = ("; det ser ut som latitud före longitud — GeoJSON har longitud först"
                    if swapped else "")
            first = int(np.argmin(inside))
            problems.add(parts, f"punkten ({lon[first]:.6f}, {lat[first]:.6f}) ligger utanför området där "
                                f"{crs} gäller{hint}")
            return None
    return shapely.to_wkt(_reproject(geom, WGS84, crs), rounding_precision=-1)


def _parse(text: str, path: str | Path | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"filen är ingen giltig JSON (rad {error.lineno}, kolumn {error.colno}).",
                         path=path) from None


def read_picture(path: str | Path) -> dict[str, Any]:
    """Read and check a picture file; :class:`InputError` naming the file and JSON path if it is bad."""
    source = Path(path)
    if not source.is_file():
        raise InputError("filen finns inte.", path=source)
    try:
        text = source.read_text(encoding="utf-8-sig")  # tolerate the BOM some Windows editors write
    except UnicodeDecodeError:
        raise InputError("filen är inte UTF-8-kodad text; spara den som UTF-8.", path=source) from None
    except OSError as error:
        raise InputError(f"filen går inte att läsa ({error.strerror}).", path=source) from None
    document = _parse(text, source)
    validate_picture(document, path=source)
    return document


def validate_picture(document: Any, *, path: str | Path | None = None) -> None:
    """Check a parsed document against the schema and the rules a schema cannot express.

    Raises
    ------
    InputError
        Listing up to ten problems, each with its JSON path, in Swedish.
    """
    _plan(document, path)


# --------------------------------------------------------------------------------------------------
# Import


@dataclass(frozen=True)
class _Row:
    """One row to insert: the store object (references blank) and the keys it refers to."""

    entity: str
    key: str
    item: Any
    refs: Mapping[str, Any]  # hotspot / measure / hotspots / merged_into / merged_from → keys


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote: the number of rows per kind and the new id of every key."""

    counts: Mapping[str, int]
    ids: Mapping[str, Mapping[str, int]]  # entity -> key -> new id
    source: str = ""

    def sentence(self) -> str:
        """``"3 platser, 2 orsaker, 1 åtgärd, 2 mål och 1 uppföljning"``."""
        parts = [f"{n} {NOUNS[e][0] if n == 1 else NOUNS[e][1]}" for e, n in self.counts.items()]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


_DATACLASS = {"hotspot": Hotspot, "cause": Cause, "measure": Measure, "goal": Goal, "followup": Followup}


def _has_field(entity: str, name: str) -> bool:
    return name in {f.name for f in fields(_DATACLASS[entity])}


def _plan(document: Any, path: str | Path | None, *, crs: str | None = None,
          dataset_id: str | None = None) -> list[_Row]:
    """Check the whole document and turn it into rows to insert, or raise with every problem found."""
    import jsonschema

    problems = _Problems(document)
    if not isinstance(document, dict):
        problems.add([], f"filen ska innehålla ett JSON-objekt, inte {_json_type(document)}")
        problems.raise_if_any(path)
    if document.get("format") != FORMAT:
        problems.add(["format"], f"ska vara \"{FORMAT}\"; det här är ingen problembildsfil från Samsyn")
        problems.raise_if_any(path)
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        problems.add(["version"], f"filen har formatversion {version}, men den här versionen av Samsyn läser "
                                  f"version {FORMAT_VERSION}; uppdatera Samsyn")
        problems.raise_if_any(path)

    validator = jsonschema.Draft202012Validator(load_schema())
    for error in validator.iter_errors(document):  # in the order of the file's sections
        if error.validator in ("allOf", "if", "then"):
            continue  # the inner errors say what is wrong
        problems.add(*_schema_message(error))
    problems.raise_if_any(path)  # the checks below rely on the shapes the schema guarantees

    default_crs = _working_crs(problems, ["dataset", "crs"], document["dataset"]["crs"])
    file_dataset = document["dataset"].get("id")
    if crs is not None:
        crs = _working_crs(problems, ["--crs"], crs)
    sections = {name: document.get(name, []) for name in SECTIONS}
    keys: dict[str, dict[str, int]] = {}
    for name in SECTIONS:
        seen: dict[str, int] = {}
        for i, item in enumerate(sections[name]):
            if item["key"] in seen:
                problems.add([name, i, "key"], f"nyckeln '{item['key']}' finns redan i {name}[{seen[item['key']]}]")
            else:
                seen[item["key"]] = i
        keys[ENTITY_OF[name]] = seen

    def ref(parts: list[Any], entity: str, key: Any) -> None:
        if key is not None and key not in keys[entity]:
            section = next(s for s, e in ENTITY_OF.items() if e == entity)
            problems.add(parts, f"'{key}' finns inte bland {section}")

    rows: list[_Row] = []
    hotspot_crs: dict[str, str | None] = {}
    measure_first: dict[str, str | None] = {}

    def common(item: Mapping[str, Any], parts: list[Any]) -> dict[str, Any]:
        for name in ("created_at", "updated_at"):
            _check_stamp(problems, [*parts, name], item.get(name))
        created = item.get("created_at", "")
        return {"created_by": item.get("created_by", ""), "archived": item.get("archived", False),
                "created_at": created, "updated_at": item.get("updated_at", created),
                "version": item.get("version", 1)}

    def checked(entity: str, parts: list[Any], obj: Any) -> Any:
        try:
            return validate(entity, obj)
        except ValueError as error:
            if not problems.about(parts):  # the store stops at its first problem, often one named already
                problems.add(parts, str(error).rstrip("."))
            return obj

    for i, h in enumerate(sections["hotspots"]):
        parts = ["hotspots", i]
        target = crs or (_working_crs(problems, [*parts, "crs"], h["crs"]) if "crs" in h else default_crs)
        hotspot_crs[h["key"]] = target
        wkt = _geometry(problems, [*parts, "geometry"], h["geometry"], target)
        for name in ("merged_into",):
            ref([*parts, name], "hotspot", h.get(name))
        for j, key in enumerate(h.get("merged_from", [])):
            ref([*parts, "merged_from", j], "hotspot", key)
        if h.get("merged_into") == h["key"]:
            problems.add([*parts, "merged_into"], "en plats kan inte vara sammanslagen med sig själv")
        if "merged_into" in h and not h.get("archived", False):
            problems.add([*parts, "archived"], "en plats som är sammanslagen med en annan (merged_into) ska "
                                               "vara arkiverad (\"archived\": true)")
        if "merged_from" in h and h.get("source_kind", "drawn") != "merged":
            problems.add([*parts, "merged_from"], "merged_from hör bara till platser med \"source_kind\": \"merged\"")
        values = dict(
            # Without a CRS or geometry the problem is recorded and nothing is written; the values only fill the row.
            title=h["title"], geometry_wkt=wkt or "POINT (0 0)", crs=target or "",
            source_kind=h.get("source_kind", "drawn"), source_id=h.get("source_id", ""),
            categories=h.get("categories", []), weekdays=h.get("weekdays", []), hours=h.get("hours", []),
            organisation=h["organisation"], picture=h["picture"], priority=h.get("priority", 2),
            status=h.get("status", "förslag"), notes=h.get("notes", ""), snapshot=h.get("snapshot", {}),
            **common(h, parts),
        )
        attached = dataset_id or h.get("dataset") or file_dataset
        if attached and _has_field("hotspot", "dataset_id"):
            values["dataset_id"] = attached
        item = checked("hotspot", parts, Hotspot(**values))
        rows.append(_Row("hotspot", h["key"], item, {"merged_into": h.get("merged_into"),
                                                     "merged_from": list(h.get("merged_from", []))}))

    for i, c in enumerate(sections["causes"]):
        parts = ["causes", i]
        ref([*parts, "hotspot"], "hotspot", c["hotspot"])
        item = checked("cause", parts, Cause(
            hotspot_id=0, perspective=c["perspective"], proximity=c["proximity"], text=c["text"],
            shareable=c.get("shareable", False), **common(c, parts)))
        rows.append(_Row("cause", c["key"], item, {"hotspot": c["hotspot"]}))

    for i, m in enumerate(sections["measures"]):
        parts = ["measures", i]
        for j, key in enumerate(m.get("hotspots", [])):
            ref([*parts, "hotspots", j], "hotspot", key)
        measure_first[m["key"]] = (m.get("hotspots") or [None])[0]
        _check_period(problems, [*parts, "end"], [m.get("start"), m.get("end")])
        item = checked("measure", parts, Measure(
            title=m["title"], description=m.get("description", ""), organisation=m["organisation"],
            responsible=m.get("responsible", ""), kind=m.get("kind", "situationell"),
            shareable=m.get("shareable", False), start=m.get("start") or "", end=m.get("end") or "", status=m.get("status", "planerad"),
            **common(m, parts)))
        rows.append(_Row("measure", m["key"], item, {"hotspots": list(m.get("hotspots", []))}))

    for i, g in enumerate(sections["goals"]):
        parts = ["goals", i]
        ref([*parts, "measure"], "measure", g.get("measure"))
        ref([*parts, "hotspot"], "hotspot", g.get("hotspot"))
        baseline, followup = g.get("baseline") or [None, None], g.get("followup") or [None, None]
        _check_period(problems, [*parts, "baseline"], g.get("baseline"))
        _check_period(problems, [*parts, "followup"], g.get("followup"))
        item = checked("goal", parts, Goal(
            kind=g["kind"], description=g["description"], categories=g.get("categories", []),
            baseline_start=baseline[0] or "", baseline_end=baseline[1] or "",
            followup_start=followup[0] or "", followup_end=followup[1] or "",
            target_change=g.get("target_change"), planned=g.get("planned"), done=g.get("done"),
            unit=g.get("unit", ""), **common(g, parts)))
        rows.append(_Row("goal", g["key"], item, {"measure": g.get("measure"), "hotspot": g.get("hotspot")}))

    for i, f in enumerate(sections["followups"]):
        parts = ["followups", i]
        ref([*parts, "measure"], "measure", f["measure"])
        ref([*parts, "hotspot"], "hotspot", f.get("hotspot"))
        target_key = f.get("hotspot") or measure_first.get(f["measure"])
        control_crs = crs or (hotspot_crs.get(target_key) if target_key else None) or default_crs
        wkt = _geometry(problems, [*parts, "control"], f["control"], control_crs, areas_only=True)
        before, after = f.get("before") or ["", ""], f.get("after") or ["", ""]
        _check_period(problems, [*parts, "before"], f.get("before"))
        _check_period(problems, [*parts, "after"], f.get("after"))
        values = dict(
            measure_id=0, control_wkt=wkt or "POLYGON ((0 0, 1 0, 1 1, 0 0))",
            control_name=f.get("control_name", ""), displacement_m=f.get("displacement_buffer_m", 200.0),
            categories=f.get("categories", []), before_start=before[0], before_end=before[1],
            after_start=after[0], after_end=after[1], **common(f, parts))
        attached = dataset_id or f.get("dataset") or file_dataset
        if attached and _has_field("followup", "dataset_id"):
            values["dataset_id"] = attached
        item = checked("followup", parts, Followup(**values))
        rows.append(_Row("followup", f["key"], item, {"measure": f["measure"], "hotspot": f.get("hotspot")}))

    problems.raise_if_any(path)
    return rows


def _written(rows: Sequence[_Row], bulk: BulkImport, *, source: str) -> Iterator[tuple[str, str, int]]:
    """Insert the rows in file order, resolving keys to the new ids; yield (entity, key, id)."""
    ids: dict[str, dict[str, int]] = {entity: {} for entity in ENTITY_OF.values()}
    for row in rows:
        item, refs = row.item, row.refs
        if row.entity == "cause":
            item = replace(item, hotspot_id=ids["hotspot"][refs["hotspot"]])
        elif row.entity == "goal":
            item = replace(item, hotspot_id=ids["hotspot"].get(refs["hotspot"]),
                           measure_id=ids["measure"].get(refs["measure"]))
        elif row.entity == "followup":
            item = replace(item, hotspot_id=ids["hotspot"].get(refs["hotspot"]),
                           measure_id=ids["measure"][refs["measure"]])
        elif row.entity == "measure":
            item = replace(item, hotspot_ids=sorted(ids["hotspot"][k] for k in refs["hotspots"]))
        origin = f"{source} ({row.key})" if source else row.key
        ids[row.entity][row.key] = bulk.add(row.entity, item, origin=origin).id

    # Merges point both ways (originals -> merged one, merged one -> originals): set them now that
    # every hotspot has its new id.
    hotspot_ids = ids["hotspot"]
    for row in rows:
        if row.entity != "hotspot":
            continue
        into, sources = row.refs["merged_into"], row.refs["merged_from"]
        if into is None and not sources and row.item.source_kind != "merged":
            continue
        source_id = ",".join(str(hotspot_ids[k]) for k in sources) if sources else row.item.source_id
        snapshot = _map_merged_snapshot(row.item.snapshot, lambda k: hotspot_ids.get(k) if isinstance(k, str) else k)
        bulk.set_merge(hotspot_ids[row.key], merged_into=hotspot_ids.get(into) if into else None,
                       source_id=source_id, snapshot=snapshot)

    for row in rows:
        yield row.entity, row.key, ids[row.entity][row.key]


def import_picture(
    store: ProblemStore,
    document: Any,
    *,
    user: str,
    merge: bool = False,
    source: str | Path = "",
    crs: str | None = None,
    dataset_id: str | None = None,
) -> ImportSummary:
    """Write a picture file's rows into the store, all in one transaction.

    Parameters
    ----------
    store
        The store to write to.
    document
        The parsed file (:func:`read_picture` reads and checks one).
    user
        Who imports; the audit log names them, and rows without ``created_by`` get it.
    merge
        Add to a store that already holds a picture. Without it a non-empty store is refused.
        Keys become new ids either way, so importing the same file twice with ``merge`` gives
        two copies of everything.
    source
        The file the document came from: named in messages and in the audit log.
    crs
        Keep the geometries in this working CRS instead of the one the file names.
    dataset_id
        Attach the rows to this dataset instead of the one the file names (once the store records
        datasets on hotspots and follow-ups).

    Returns
    -------
    ImportSummary
        Counts per kind and the new id of every key.

    Raises
    ------
    InputError
        A bad file (with the JSON path of every problem), or a non-empty store without ``merge``;
        nothing has been written.
    """
    if not isinstance(user, str) or not user.strip():
        raise InputError("Ange vem som importerar (namn och organisation).")
    path = Path(source) if source else None
    rows = _plan(document, path, crs=crs, dataset_id=dataset_id)
    origin = path.name if path else ""
    counts = {entity: 0 for entity in ENTITY_OF.values()}
    ids: dict[str, dict[str, int]] = {entity: {} for entity in ENTITY_OF.values()}
    with store.import_transaction(user=user.strip()) as bulk:
        if not merge:
            present = {e: n for e, n in bulk.counts().items() if n}
            if present:
                what = ", ".join(f"{n} {NOUNS[e][0] if n == 1 else NOUNS[e][1]}" for e, n in present.items())
                raise InputError(
                    f"problembilden i databasen är inte tom ({what}); använd --merge för att lägga till "
                    "filens innehåll (nycklarna får nya id), eller importera till en tom databas.",
                    path=path,
                )
        for entity, key, new_id in _written(rows, bulk, source=origin):
            counts[entity] += 1
            ids[entity][key] = new_id
    return ImportSummary({e: n for e, n in counts.items() if n}, ids, origin)

