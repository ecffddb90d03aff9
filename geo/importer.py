"""Importing users' incident files into Samsyn's canonical incidents frame.

One function, :func:`import_incidents`, does everything ``samsyn import``
does except writing: read the file, find the columns, parse times and
coordinates, recognise and transform the CRS, map categories, anonymise, and
check every row. It prints nothing; it returns an :class:`ImportResult` with
the frame, a report (Swedish lines for the CLI and the dashboard's upload)
and the rejected rows. Bad input raises :class:`~core.errors.InputError`
naming file, rows (as numbered in the file) and column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from core.errors import Hinted, InputError
from geo import anonymise, police_feed, stacked
from geo.categories import CATEGORIES, OTHER, canonical_category, is_summary
from geo.columns import (
    AmbiguousDateOrder,
    factorize,
    find_column,
    normalise_name,
    parse_integers,
    parse_times,
    read_datetimes,
    resolve_column,
    to_number,
)
from geo.crs import (
    WGS84,
    check_work_crs,
    crs_name,
    guess_crs,
    none_inside_error,
    normalise_crs,
    not_degrees,
    outside_area,
    transform,
)
from geo.model import PLACE_TYPES, SOURCES, WORK_CRS
from geo.readers import Table, read_table

CATEGORY_NAMES: tuple[str, ...] = tuple(c.name for c in CATEGORIES)

# Column names recognised without flags (compared after normalise_name: lower
# case, no accents, "_" between words). Order = preference.
GUESSES: dict[str, tuple[str, ...]] = {
    "x": ("x", "x_koordinat", "xkoord", "x_koord", "x_coord", "koordinat_x", "x_sweref", "sweref_x", "sweref99_x",
          "e", "easting", "ost", "ostlig", "ostkoordinat", "east", "e_koordinat", "x_3006"),
    "y": ("y", "y_koordinat", "ykoord", "y_koord", "y_coord", "koordinat_y", "y_sweref", "sweref_y", "sweref99_y",
          "n", "northing", "nord", "nordlig", "nordkoordinat", "north", "n_koordinat", "y_3006"),
    "lat": ("lat", "latitude", "latitud", "breddgrad", "wgs84_lat", "lat_wgs84", "lat_dd", "y_wgs84"),
    "lon": ("lon", "lng", "long", "longitude", "longitud", "langdgrad", "wgs84_lon", "lon_wgs84", "lon_dd",
            "x_wgs84"),
    "datetime": ("datetime", "brottstidpunkt", "tidpunkt", "datum_tid", "datum_och_tid", "datum_klockslag",
                 "handelsetidpunkt", "timestamp", "date_time", "occurred", "occurred_at", "occurred_from",
                 "reported_date"),
    "date": ("datum", "date", "brottsdatum", "handelsedatum", "dag_datum", "incident_date"),
    "time": ("tid", "time", "klockslag", "klockan", "kl", "brottstid", "handelsetid", "incident_time"),
    "hour": ("timme", "hour", "hh", "timmar"),
    "minute": ("minut", "minute", "minuter", "mm_minut"),
    "year": ("ar", "year", "artal"),
    "month": ("manad", "month", "man"),
    "day": ("dag", "day", "dd"),
    "window_from": ("brottstidpunkt_fran", "tidpunkt_fran", "fran_tidpunkt", "datum_tid_fran", "fran", "from",
                    "start", "from_datetime", "starttidpunkt", "occurred_from", "datetime_from", "fran_och_med"),
    "from_date": ("brottsdatum_fran", "datum_fran", "fran_datum", "startdatum", "start_date", "from_date"),
    "from_time": ("brottstid_fran", "tid_fran", "fran_tid", "klockslag_fran", "fran_klockslag", "fran_kl",
                  "starttid", "from_time"),
    "window_to": ("brottstidpunkt_till", "tidpunkt_till", "till_tidpunkt", "datum_tid_till", "till", "to", "end",
                  "slut", "to_datetime", "sluttidpunkt", "occurred_to", "datetime_to", "till_och_med"),
    "to_date": ("brottsdatum_till", "datum_till", "till_datum", "slutdatum", "end_date", "to_date"),
    "to_time": ("brottstid_till", "tid_till", "till_tid", "klockslag_till", "till_klockslag", "till_kl", "sluttid",
                "to_time"),
    "category": ("kategori", "category", "brottskategori", "brottstyp", "brottsbenamning", "brott", "handelsetyp",
                 "handelse", "type", "typ", "crime_type", "offence", "offense", "brottskod_brott", "brott_brottskod",
                 "brottskod"),
    "id": ("id", "arendenummer", "arendenr", "arende_nr", "diarienummer", "diarienr", "dnr", "anmalningsnummer",
           "case_number", "case_id", "incident_id", "event_id", "lopnummer", "lopnr", "objectid"),
    "source": ("kalla", "source", "datakalla"),
    "place_type": ("platstyp", "place_type", "plats_typ", "inomhus_utomhus", "ute_inne", "location_type", "miljo"),
}

ROLE_LABELS: dict[str, str] = {
    "x": "x (östlig)", "y": "y (nordlig)", "lat": "latitud", "lon": "longitud", "geometry": "position",
    "datetime": "datum och tid", "date": "datum", "time": "klockslag", "hour": "timme", "minute": "minut",
    "year": "år", "month": "månad", "day": "dag", "window_from": "tid från", "from_date": "datum från",
    "from_time": "klockslag från", "window_to": "tid till", "to_date": "datum till", "to_time": "klockslag till",
    "category": "kategori", "id": "id", "source": "källa", "place_type": "platstyp",
}
TIME_ROLES = ("datetime", "date", "time", "hour", "minute", "year", "month", "day", "window_from", "from_date",
              "from_time", "window_to", "to_date", "to_time")
COORDINATE_ROLES = ("x", "y", "lat", "lon")
SOURCE_WORDS: dict[str, str] = {
    "polis": "polis", "polisen": "polis", "police": "polis", "kommun": "kommun", "kommunen": "kommun",
    "municipality": "kommun", "raddningstjanst": "räddningstjänst", "raddningstjansten": "räddningstjänst",
    "brandforsvar": "räddningstjänst", "fire": "räddningstjänst", "fastighetsagare": "fastighetsägare",
    "bostadsbolag": "fastighetsägare", "hyresvard": "fastighetsägare", "trygghetsvandring": "trygghetsvandring",
    "annan": "annan", "ovrig": "annan", "other": "annan",
}
PLACE_WORDS: dict[str, str] = {
    "utomhus": "utomhus", "ute": "utomhus", "utomhus_offentlig_plats": "utomhus", "outdoor": "utomhus",
    "outdoors": "utomhus", "inomhus": "inomhus", "inne": "inomhus", "indoor": "inomhus", "indoors": "inomhus",
}
# The stages of an import, in order, for a progress display: the CLI prints them on stderr, the Data
# page shows them in st.status. "write" is the caller's (the importer writes nothing).
STAGES: dict[str, str] = {
    "read": "läser fil",
    "coordinates": "koordinater",
    "dates": "tolkar datum",
    "anonymise": "anonymiserar",
    "write": "skriver",
}
PERSONNUMMER_REMOVED = "(personnummer – borttaget)"
PERSONNUMMER_REASON = "innehåller något som ser ut som personnummer (värdet är borttaget)"
ONE_DAY = np.timedelta64(1, "D").astype("timedelta64[ns]")
LAST_MINUTE = np.timedelta64(23 * 60 + 59, "m").astype("timedelta64[ns]")


@dataclass
class ImportOptions:
    """How to read a file: columns for each role, CRS, and what to do with bad rows.

    Every column option takes a column name of the file (matched exactly, then
    ignoring case and accents). ``window_from``/``window_to`` also take
    ``"DATUMKOLUMN,TIDKOLUMN"``. Options left None are guessed from common
    Swedish and English column names. ``date_format`` (strftime, e.g.
    ``"%d/%m/%Y %H:%M"``) reads every date column with that one format; it is
    needed when a column's dates read both day-first and month-first.
    """

    x: str | None = None
    y: str | None = None
    lat: str | None = None
    lon: str | None = None
    crs: str | None = None
    work_crs: str | None = None
    datetime: str | None = None
    date: str | None = None
    time: str | None = None
    hour: str | None = None
    minute: str | None = None
    year: str | None = None
    month: str | None = None
    day: str | None = None
    window_from: str | None = None
    window_to: str | None = None
    date_format: str | None = None
    category: str | None = None
    category_value: str | None = None
    category_map: str | Path | None = None
    id: str | None = None
    source: str | None = None
    source_value: str | None = None
    place_type: str | None = None
    sheet: str | None = None
    layer: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    header_row: int | None = None
    skip_invalid: bool = False
    salt: str | None = None
    snap: float | None = None
    snap_to: str | Path | None = None
    snap_max: float = 250.0


@dataclass
class ImportReport:
    """What an import found and did; :meth:`lines` gives the Swedish report."""

    path: str
    file_kind: str = ""
    rows_read: int = 0
    rows_written: int = 0
    rows_rejected: int = 0
    blank_rows: int = 0
    columns_used: dict[str, str] = field(default_factory=dict)
    columns_dropped: list[str] = field(default_factory=list)
    crs_found: str | None = None
    crs_how: str = ""
    work_crs: str = WORK_CRS
    id_how: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The report as stored with a dataset (``import_report`` in dataset.json): no personal data.

        Counts, the file's name (not its folder), the columns used and dropped by name, the date
        format per column, the CRS, and rejected rows counted by reason. No value of the file is in
        it: the reasons name a column, never a value, and the warnings that quote a file's values
        (unknown categories and sources) are left out.
        """
        return {
            "file": Path(self.path).name, "file_kind": self.file_kind, "rows_read": self.rows_read,
            "rows_written": self.rows_written, "rows_rejected": self.rows_rejected, "blank_rows": self.blank_rows,
            "columns_used": dict(self.columns_used), "columns_dropped": list(self.columns_dropped),
            "date_formats": dict(self.date_formats), "crs_found": self.crs_found,
            "crs_how": "angivet av användaren" if getattr(self.crs_how, "hint", None) == "crs_given"
            else str(self.crs_how),
            "work_crs": self.work_crs, "id_how": self.id_how,
            "rejected_reasons": {str(k): int(v) for k, v in self.rejected_reasons.items()},
            "notes": [str(n) for n in self.notes],
        }

    @classmethod
    def from_dict(cls, stored: dict) -> ImportReport:
        """A report read back from :meth:`to_dict` (its warnings were not stored)."""
        known = {f.name for f in fields(cls)} - {"path", "warnings"}
        return cls(path=stored.get("file", ""), **{k: v for k, v in stored.items() if k in known})

    def lines(self, words: dict[str, str] | None = None, *,
              label: Callable[[str], str] | None = None) -> list[str]:
        """The report as Swedish lines, in the order the CLI prints them.

        ``words`` words the hints (what to do) for a front-end's controls; default the CLI's flags.
        ``label`` translates the report's own fixed labels (the Data page passes its ``t``); the
        file's column names and the findings' sentences stay as they are.
        """
        say = label or (lambda text: text)
        out = [f"{say('Fil')}: {self.path if words is None else Path(self.path).name} ({self.file_kind})",
               f"{say('Rader lästa')}: {self.rows_read}"]
        if self.blank_rows:
            out.append(f"{say('Tomma rader hoppades över')}: {self.blank_rows}")
        out.append(f"{say('Rader skrivna')}: {self.rows_written}")
        if self.rows_rejected:
            out.append(f"{say('Rader avvisade')}: {self.rows_rejected}")
            out += [f"  {count} – {reason}" for reason, count in self.rejected_reasons.items()]
        out.append(say("Kolumner som används:"))
        out += [f"  {say(ROLE_LABELS.get(role, role))}: {column}" for role, column in self.columns_used.items()]
        if self.columns_dropped:
            out.append(f"{say('Kolumner som tas bort (sparas inte)')}: " + ", ".join(self.columns_dropped))
        else:
            out.append(say("Kolumner som tas bort: inga"))
        if self.date_formats:
            out.append(say("Datumformat:"))
            out += [f"  {column}: {words}" for column, words in self.date_formats.items()]
        out.append(f"{say('Koordinatsystem i filen')}: {crs_name(self.crs_found)}"
                   + (f" – {_worded(self.crs_how, words)}" if self.crs_how else ""))
        out.append(f"{say('Arbets-koordinatsystem')}: {crs_name(self.work_crs)}")
        if self.id_how:
            out.append(f"Id: {self.id_how}")
        out += self.notes
        if self.warnings:
            out.append(say("Varningar:"))
            out += [f"  - {_worded(w, words)}" for w in self.warnings]
        return out


def stored_report_lines(role: str, stored: dict, *, label: Callable[[str], str] | None = None) -> list[str]:
    """A stored import report (``store.import_report``) as the Swedish lines the page and ``dataset show`` print.

    ``label`` translates the fixed labels, as in :meth:`ImportReport.lines`.
    """
    say = label or (lambda text: text)
    saved = str(stored.get("saved", ""))[:16].replace("T", " ")
    head = [f"{say('Sparad')}: {saved}"] if saved else []
    if role == "incidents":
        return head + ImportReport.from_dict(stored).lines(words={}, label=label)
    lines = [*head, f"{say('Fil')}: {stored.get('file', '')}", f"{say('Rader lästa')}: {stored.get('rows_read', 0)}"]
    used = stored.get("columns_used") or {}
    if used:
        lines.append(say("Kolumner som används:"))
        lines += [f"  {role_name}: {column}" for role_name, column in used.items()]
    dropped = stored.get("columns_dropped") or []
    lines.append(f"{say('Kolumner som tas bort (sparas inte)')}: {', '.join(dropped)}" if dropped
                 else say("Kolumner som tas bort: inga"))
    if stored.get("crs_found"):
        lines.append(f"{say('Koordinatsystem i filen')}: {crs_name(stored['crs_found'])}"
                     + (f" – {stored['crs_how']}" if stored.get("crs_how") else ""))
    return lines


def _worded(line: str, words: dict[str, str] | None) -> str:
    return line.worded(words) if isinstance(line, Hinted) else line


class DateFormatNeeded(InputError):
    """A date column whose day/month order cannot be told from its values; the user must choose a format.

    ``examples`` are three of its values, ``day_first`` and ``month_first``
    the two strftime formats to choose between (the Data page offers them as a
    control, the CLI asks for ``--date-format``).
    """

    def __init__(self, ambiguity: AmbiguousDateOrder, *, path: str | Path, column: str) -> None:
        self.examples = ambiguity.examples
        self.day_first = ambiguity.day_first
        self.month_first = ambiguity.month_first
        self.mixed = ambiguity.mixed
        shown = ", ".join(self.examples)
        if self.mixed:
            what = (f"kolumnen blandar dag/månad/år och månad/dag/år (t.ex. {shown}); en kolumn läses med ett "
                    "enda format")
        else:
            what = (f"datumen kan läsas både som dag/månad/år och som månad/dag/år (t.ex. {shown}), så Samsyn "
                    "gissar inte")
        super().__init__(f"{what}.", path=path, column=column, hint="date_format",
                         hint_args={"day_first": self.day_first, "month_first": self.month_first})
        self.what = what


@dataclass
class ImportResult:
    """The outcome of an import: canonical frame, report and rejected rows (with a ``reason`` column)."""

    frame: pd.DataFrame
    report: ImportReport
    rejected: pd.DataFrame | None = None
    # One line per bad row and problem: rad (as the file counts it), kolumn, orsak.
    problems: pd.DataFrame | None = None

    @property
    def warnings(self) -> list[str]:
        """Warnings for the user (Swedish)."""
        return self.report.warnings


def options_from(**mapping) -> ImportOptions:
    """Build :class:`ImportOptions` from keyword arguments, refusing unknown names."""
    known = {f.name for f in fields(ImportOptions)}
    unknown = sorted(set(mapping) - known)
    if unknown:
        raise TypeError(f"Unknown import options: {', '.join(unknown)}")
    return ImportOptions(**mapping)


# --- column resolution -------------------------------------------------------


class _Columns:
    """Roles → columns of one table, explicit first, guesses filling in."""

    def __init__(self, table: Table, options: ImportOptions) -> None:
        self.table = table
        self.names = [str(c) for c in table.frame.columns]
        self.explicit: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        for role in (*COORDINATE_ROLES, *TIME_ROLES, "category", "id", "source", "place_type"):
            given = getattr(options, role, None) if role not in ("from_date", "from_time", "to_date", "to_time") \
                else None
            if given is None:
                continue
            if role in ("window_from", "window_to") and resolve_column(self.names, given) is None and "," in given:
                date_part, time_part = (p.strip() for p in given.split(",", 1))
                prefix = "from" if role == "window_from" else "to"
                self.explicit[f"{prefix}_date"] = self._require(date_part, role)
                self.explicit[f"{prefix}_time"] = self._require(time_part, role)
                continue
            self.explicit[role] = self._require(given, role)
        self.roles = dict(self.explicit)

    def _require(self, name: str, role: str) -> str:
        column = resolve_column(self.names, name)
        if column is None:
            raise InputError(
                f"Kolumnen för {ROLE_LABELS.get(role, role)} finns inte. Kolumnerna i filen är: "
                f"{', '.join(self.names)}.",
                path=self.table.path,
                column=name,
            )
        return column

    def guess(self, role: str) -> str | None:
        if role in self.roles:
            return self.roles[role]
        column = find_column(self.names, GUESSES[role], self.roles.values())
        if column is not None:
            self.roles[role] = column
        return column

    def has(self, role: str) -> bool:
        return role in self.roles


# --- the import --------------------------------------------------------------


class _Problems:
    """Row problems collected in check order: (mask, reason, column)."""

    def __init__(self, n: int) -> None:
        self.items: list[tuple[np.ndarray, str, str | None]] = []
        self.n = n

    def add(self, mask: np.ndarray, reason: str, column: str | None) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.items.append((mask, reason, column))

    def drop(self, rows: np.ndarray) -> None:
        """Forget the problems of rows left out on purpose (the Police's summaries)."""
        if rows.any():
            self.items = [(mask & ~rows, reason, column) for mask, reason, column in self.items
                          if (mask & ~rows).any()]

    def any_mask(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for mask, _, _ in self.items:
            out |= mask
        return out


def import_incidents(path: str | Path, options: ImportOptions | None = None, *,
                     progress: Callable[[str], None] | None = None, **mapping) -> ImportResult:
    """Import an incident file into the canonical incidents frame.

    Parameters
    ----------
    path:
        CSV (also .gz), Excel, GeoJSON, GeoPackage, Shapefile, Parquet or GeoParquet.
    options:
        An :class:`ImportOptions`; or give the same fields as keywords.
    progress:
        Called with each stage's key of :data:`STAGES` as the import reaches it (``"read"``,
        ``"dates"``, ``"coordinates"``, ``"anonymise"``), for a progress display.

    Returns
    -------
    ImportResult
        ``frame`` with the canonical incident columns (``attrs["crs"]`` = the
        working CRS), ``report``, and ``rejected`` rows when ``skip_invalid``.

    Raises
    ------
    InputError
        For any bad input; with invalid rows unless ``skip_invalid`` is set (the
        error's ``rejected`` and ``problems`` then hold every bad row). A file holding
        a personnummer in a kept column is refused; with ``skip_invalid`` only its rows
        are, and the value is removed from the rejected rows.
    """
    if options is None:
        options = options_from(**mapping)
    elif mapping:
        raise TypeError("Give either options or keyword arguments, not both.")
    path = Path(path)
    stage = progress or (lambda _key: None)
    work = check_work_crs(options.work_crs, path=str(path))
    if options.snap is not None and not options.snap > 0:
        raise InputError("--snap måste vara ett positivt antal meter.", path=path)
    stage("read")
    table = read_table(path, sheet=options.sheet, layer=options.layer, delimiter=options.delimiter,
                       encoding=options.encoding, header_row=options.header_row)
    frame = table.frame
    n = len(frame)
    report = ImportReport(path=str(path), file_kind=_kind_label(table), rows_read=n, work_crs=work,
                          blank_rows=table.blank_rows, notes=list(table.notes))
    feed = police_feed.is_police_feed(table.frame.columns)
    if feed and options.source is None and options.source_value is None:
        # Every note of the Police's public feed comes from the police.
        options = replace(options, source_value="polis")
    columns = _Columns(table, options)
    problems = _Problems(n)

    time_roles = _choose_time_roles(columns, table)
    category_column = columns.guess("category") if options.category_value is None else None
    if category_column is None and options.category_value is None:
        raise InputError(
            "Ingen kolumn för kategori hittades (t.ex. 'kategori', 'brottstyp', 'type'). Kolumnerna i filen är: "
            f"{', '.join(columns.names)}.",
            path=path, hint="category",
        )
    id_column = columns.guess("id")
    source_column = columns.guess("source") if options.source_value is None else None
    place_column = columns.guess("place_type")
    coordinate_roles = _choose_coordinate_roles(columns, table)

    used = {role: col for role, col in columns.roles.items()
            if role in (*coordinate_roles, *time_roles, "category", "id", "source", "place_type")}
    if options.category_value is not None:
        used.pop("category", None)
    if options.source_value is not None:
        used.pop("source", None)
    report.columns_used = dict(used)
    if "geometry" in coordinate_roles:
        report.columns_used["geometry"] = "geometri"
    report.columns_dropped = [c for c in columns.names if c not in used.values()]

    personal = _refuse_personnummer(table, used, time_roles, coordinate_roles, problems,
                                    skip_invalid=options.skip_invalid)

    stage("coordinates")
    x, y, source_crs = _coordinates(table, columns, coordinate_roles, options, problems, report, work)
    stage("dates")
    occurred_from, occurred_to = _times(table, columns, time_roles, problems, options.date_format, report)
    if feed and not set(columns.explicit) & set(TIME_ROLES):
        occurred_from, occurred_to = _feed_times(table, columns, occurred_from, problems, report)
    left_out = _summaries(table, category_column, report)
    problems.drop(left_out)
    stage("anonymise")
    category = _categories(table, category_column, options, report)
    ids, id_keys = _ids(table, id_column, options, report)
    source = _sources(table, source_column, options, report)
    place = _place_types(table, place_column, report)

    invalid = problems.any_mask()
    # The file's own category names: mapped ones may all be Övrigt, and a point's mix is what counts.
    kinds = factorize(table.frame[category_column])[0] if category_column is not None else category
    precision = _position_precision(table, feed, x, y, kinds, invalid | left_out)
    rejected = row_problems = None
    if invalid.any():
        rejected = _rejected_rows(table, used, problems, invalid, personal)
        row_problems = _row_problems(table, problems)
        if not options.skip_invalid:
            # Name the commonest problem; the others are counted. Every bad row goes with the error.
            mask, reason, column = max(problems.items, key=lambda item: int(item[0].sum()))
            others = int((invalid & ~mask).sum())
            extra = f" Dessutom har {others} andra rader andra fel." if others else ""
            error = InputError(f"{reason}.{extra}", path=path, rows=table.rows[mask], column=column,
                               row_count=int(mask.sum()), hint="skip_invalid")
            # The parts of the reason, for a front-end that words it in another language.
            error.rejected, error.problems, error.reason_parts = rejected, row_problems, (reason, others)
            raise error
        report.rows_rejected = int(invalid.sum())
        report.rejected_reasons = rejected["reason"].value_counts(sort=True).to_dict()
    keep = ~invalid & ~left_out
    if not keep.any():
        raise InputError("Inga giltiga rader finns kvar efter kontrollen.", path=path)

    x, y = x[keep], y[keep]
    if options.snap_to is not None:
        x, y, snapped = anonymise.snap_to_places(x, y, options.snap_to, max_distance=options.snap_max,
                                                 work_crs=work)
        report.notes.append(f"Flyttade till närmaste mikroplats inom {options.snap_max:g} m: {int(snapped.sum())} "
                            f"av {len(x)} punkter.")
        if options.snap:
            gx, gy = anonymise.snap_to_grid(x[~snapped], y[~snapped], options.snap)
            x[~snapped], y[~snapped] = gx, gy
            report.notes.append(f"Övriga punkter flyttades till mitten av sin {options.snap:g} m-ruta.")
        else:
            report.notes.append("Övriga punkter behåller sin position.")
    elif options.snap:
        x, y = anonymise.snap_to_grid(x, y, options.snap)
        report.notes.append(f"Positioner avrundade till mitten av en {options.snap:g} m-ruta.")

    incidents = pd.DataFrame(
        {
            "id": ids[keep],
            "category": pd.Categorical.from_codes(category[keep], categories=CATEGORY_NAMES),
            "occurred_from": occurred_from[keep],
            "occurred_to": occurred_to[keep],
            "x": x,
            "y": y,
            "source": pd.Categorical.from_codes(source[keep], categories=SOURCES),
            "place_type": pd.Categorical.from_codes(place[keep], categories=PLACE_TYPES),
            "position_precision": pd.Categorical.from_codes(precision[keep], categories=stacked.PRECISIONS),
        }
    )
    _report_precision(incidents["position_precision"], report)
    incidents.attrs["crs"] = work
    report.rows_written = len(incidents)
    if source_crs:
        report.crs_found = source_crs
    duplicated = _repeated(id_keys[keep]) if id_keys is not None else 0
    if duplicated:
        report.warnings.append(f"{duplicated} rader har samma id som en tidigare rad (t.ex. flera brott i samma "
                               "ärende); alla rader behölls.")
    return ImportResult(incidents, report, rejected, row_problems)


def _kind_label(table: Table) -> str:
    label = {"csv": "CSV", "excel": "Excel", "geojson": "GeoJSON", "gpkg": "GeoPackage", "shapefile": "Shapefile",
             "parquet": "Parquet", "json": "JSON"}.get(table.kind, table.kind)
    if table.kind == "csv":
        from geo.readers import DELIMITER_NAMES

        label += f", {DELIMITER_NAMES.get(table.delimiter, table.delimiter)}separerad, {table.encoding}"
    if table.sheet:
        label += f", blad '{table.sheet}'"
    if table.layer:
        label += f", lager '{table.layer}'"
    return label


def _choose_time_roles(columns: _Columns, table: Table) -> tuple[str, ...]:
    """Pick the time scheme: a from–to window, one datetime, date (+ time), or date parts."""
    explicit = set(columns.explicit) & set(TIME_ROLES)

    def fill(*roles: str) -> tuple[str, ...]:
        return tuple(r for r in roles if columns.guess(r) is not None)

    def window() -> tuple[str, ...]:
        chosen = []
        if columns.has("window_from") or (not columns.has("from_date") and columns.guess("window_from")):
            chosen.append("window_from")
        else:
            chosen += [r for r in ("from_date", "from_time") if columns.guess(r)]
        if columns.has("window_to") or (not columns.has("to_date") and columns.guess("window_to")):
            chosen.append("window_to")
        else:
            chosen += [r for r in ("to_date", "to_time") if columns.guess(r)]
        return tuple(chosen)

    if explicit:
        if explicit & {"window_from", "from_date"}:
            return window()
        if "datetime" in explicit:
            return ("datetime",)
        if "date" in explicit:
            return ("date", *_clock(columns))
        if explicit & {"year", "month", "day"}:
            return (*fill("year", "month", "day"), *_clock(columns, allow_time=False))
        raise InputError("Datumkolumnen saknas bland de valda kolumnerna.", path=table.path, hint="date_column")
    if columns.guess("window_from") or columns.guess("from_date"):
        return window()
    if columns.guess("datetime"):
        return ("datetime",)
    if columns.guess("date"):
        return ("date", *_clock(columns))
    if columns.guess("year") and columns.guess("month") and columns.guess("day"):
        return ("year", "month", "day", *_clock(columns, allow_time=False))
    month = columns.guess("month")
    if month is not None and _year_months(table.frame[month]):
        # police.uk and other open data give only "Month" as 2024-12: a whole-month date, not a month number.
        del columns.roles["month"]
        columns.roles["date"] = month
        return ("date",)
    raise InputError(
        f"Ingen kolumn för datum/tid hittades. Kolumnerna i filen är: {', '.join(columns.names)}.",
        path=table.path, hint="time_columns",
    )


def _year_months(values: pd.Series) -> bool:
    """True when every filled value reads as a year and a month, ``2024-12`` or ``2024/12``."""
    text = values.dropna().astype(str).str.strip()
    text = text[text != ""]
    return bool(len(text)) and bool(text.str.fullmatch(r"(19|20)\d\d[-/](0?[1-9]|1[0-2])").all())


def _clock(columns: _Columns, allow_time: bool = True) -> tuple[str, ...]:
    if "time" in columns.explicit or "hour" in columns.explicit:
        return tuple(r for r in ("time", "hour", "minute") if r in columns.explicit)
    if allow_time and columns.guess("time"):
        return ("time",)
    if columns.guess("hour"):
        return ("hour", "minute") if columns.guess("minute") else ("hour",)
    return ()


def _choose_coordinate_roles(columns: _Columns, table: Table) -> tuple[str, ...]:
    explicit = set(columns.explicit) & set(COORDINATE_ROLES)
    for pair in (("x", "y"), ("lat", "lon")):
        if explicit & set(pair):
            missing = [r for r in pair if r not in columns.explicit]
            if missing:
                other = columns.guess(missing[0])
                if other is None:
                    raise InputError(f"Kolumnen för {ROLE_LABELS[missing[0]]} saknas.", path=table.path,
                                     hint="coordinate_pair",
                                     hint_args={"label": ROLE_LABELS[missing[0]], "role": missing[0]})
            return pair
    if columns.guess("lat") and columns.guess("lon"):
        return ("lat", "lon")
    if table.geometry is not None:
        return ("geometry",)
    if columns.guess("x") and columns.guess("y"):
        return ("x", "y")
    raise InputError(
        "Inga koordinatkolumner hittades (t.ex. 'x'/'y', 'lat'/'lon', 'latitude'/'longitude'). Kolumnerna i filen "
        f"är: {', '.join(columns.names)}.",
        path=table.path, hint="coordinate_columns",
    )


def _refuse_personnummer(table: Table, used: dict[str, str], time_roles: Sequence[str],
                         coordinate_roles: Sequence[str], problems: _Problems, *,
                         skip_invalid: bool) -> dict[str, np.ndarray]:
    """Refuse the file if a kept (non-time, non-coordinate) column holds a personnummer.

    With ``skip_invalid`` only those rows are refused: the value is blanked in the table before any
    other step reads it (so no warning can quote it), and the masks are returned so that the
    rejected rows say where it was without holding it.
    """
    parsed_roles = set(time_roles) | set(coordinate_roles)
    found: dict[str, np.ndarray] = {}
    for role, column in used.items():
        if role in parsed_roles:
            continue
        mask = anonymise.personnummer_mask(table.frame[column])
        if mask.any() and skip_invalid:
            problems.add(mask, PERSONNUMMER_REASON, column)
            table.frame.loc[mask, column] = None
            found[column] = mask
        elif mask.any():
            raise InputError(
                "kolumnen innehåller något som ser ut som personnummer. Filen importeras inte: personuppgifter får "
                "inte lämna importen. Ta bort eller ersätt värdena och försök igen.",
                path=table.path, rows=table.rows[mask], column=column, row_count=int(mask.sum()),
            )
    return found


def _coordinates(table: Table, columns: _Columns, roles: Sequence[str], options: ImportOptions,
                 problems: _Problems, report: ImportReport, work: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Parse, recognise, un-swap and transform the coordinates; record row problems."""
    latlon = tuple(roles) == ("lat", "lon")
    if tuple(roles) == ("geometry",):
        geometry = table.geometry.to_numpy()
        missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
        problems.add(missing, "geometrin saknas eller är tom", "geometri")
        type_id = np.where(missing, 0, shapely.get_type_id(geometry))
        single_multi = (type_id == 4) & (shapely.get_num_geometries(geometry) == 1)
        geometry = np.where(single_multi, shapely.get_geometry(geometry, 0), geometry)
        not_point = ~missing & (type_id != 0) & ~single_multi
        problems.add(not_point, "geometrin är inte en punkt", "geometri")
        x = np.where(missing | not_point, np.nan, shapely.get_x(np.where(not_point, None, geometry)))
        y = np.where(missing | not_point, np.nan, shapely.get_y(np.where(not_point, None, geometry)))
        bad_values = ~missing & ~not_point & ~(np.isfinite(x) & np.isfinite(y))
        problems.add(bad_values, "geometrin är ogiltig (koordinaterna är inte tal)", "geometri")
        x_col = y_col = "geometri"
    else:
        x_role, y_role = ("lon", "lat") if latlon else ("x", "y")
        x_col, y_col = columns.roles[x_role], columns.roles[y_role]
        x, bad_x = to_number(table.frame[x_col])
        y, bad_y = to_number(table.frame[y_col])
        problems.add(bad_x, "koordinaten är inte ett tal", x_col)
        problems.add(bad_y, "koordinaten är inte ett tal", y_col)
        problems.add(np.isnan(x) & ~bad_x, "koordinat saknas", x_col)
        problems.add(np.isnan(y) & ~bad_y & ~np.isnan(x), "koordinat saknas", y_col)
    zero = (x == 0) & (y == 0)
    # X = Y = 0 is how exports write a missing or protected position (Vancouver's offences against a
    # person): the row is kept for the counts and the times, with no position (position_precision
    # "saknas", geo.stacked), and is on no map, place or hot spot.
    usable = np.isfinite(x) & np.isfinite(y) & ~zero

    if options.crs:
        source_crs = normalise_crs(options.crs, path=str(table.path))
        report.crs_how = Hinted("angivet", "crs_given")
    elif latlon:
        # Latitude/longitude are WGS84 wherever the points are (geo.crs.CRS_RULE); swaps are found below.
        if not_degrees(x[usable], y[usable]):
            raise InputError(f"kolumnerna '{y_col}' och '{x_col}' ska innehålla latitud och longitud i grader, men "
                             "värdena är inte grader. Är det x/y i meter?", path=table.path, hint="xy_columns")
        source_crs, report.crs_how = WGS84, "kolumner med latitud och longitud"
    elif table.crs:
        source_crs = table.crs
        report.crs_how = "angivet i filen"
    else:
        guess = guess_crs(x[usable], y[usable], latlon_columns=latlon)
        if guess.crs is None:
            fits_work = work != WORK_CRS and usable.any() and not outside_area(x[usable], y[usable], work).mean() > 0.1
            if fits_work:
                source_crs = work
                report.crs_how = "inget angivet; värdena passar arbets-koordinatsystemet"
                report.warnings.append(Hinted(f"Filen anger inget koordinatsystem; antog {work} "
                                              "(arbets-koordinatsystemet) eftersom värdena passar det.", "crs_check"))
            else:
                raise InputError(f"Koordinatsystemet kan inte avgöras: {guess.note}.", hint="crs",
                                 path=table.path, column=f"{x_col}/{y_col}" if x_col != y_col else x_col)
        else:
            source_crs = guess.crs
            report.crs_how = guess.note
            if latlon and not guess.swapped:
                report.crs_how = "latitud/longitud"
            elif not latlon:
                report.warnings.append(Hinted(f"Filen anger inget koordinatsystem; gissade {crs_name(source_crs)} "
                                              f"({guess.note}).", "crs_check"))
    # Swapped columns: keep whichever orientation puts more points in the area of use.
    if usable.any():
        sample = np.flatnonzero(usable)
        if len(sample) > 20000:
            sample = sample[:: len(sample) // 20000]
        straight = _inside_share(x[sample], y[sample], source_crs, work)
        swapped = _inside_share(y[sample], x[sample], source_crs, work)
        if swapped > straight and swapped >= 0.5:
            x, y = y, x
            if latlon:
                what = f"kolumnen '{y_col}' (latitud) innehöll longituder och '{x_col}' (longitud) latituder"
            else:
                what = f"kolumnerna '{x_col}' och '{y_col}' innehöll nordlig respektive östlig koordinat"
            report.warnings.append(f"Koordinaterna var omkastade: {what}. De byttes automatiskt.")
    with np.errstate(invalid="ignore"):
        tx, ty = transform(np.where(usable, x, np.nan), np.where(usable, y, np.nan), source_crs, work)
    outside = usable & (outside_area(tx, ty, work) | ~np.isfinite(tx) | ~np.isfinite(ty))
    if usable.any() and outside[usable].all():
        # Not a few bad rows but the wrong area: say where the points are instead of listing rows.
        lon, lat = transform(x[usable], y[usable], source_crs, WGS84)
        raise none_inside_error(lon, lat, work, source=source_crs, path=table.path,
                                column=x_col if x_col == y_col else f"{x_col}/{y_col}")
    where = "Sverige" if work == WORK_CRS else f"användningsområdet för {work}"
    problems.add(outside, f"punkten ligger utanför {where}", x_col if x_col == y_col else f"{x_col}/{y_col}")
    return tx, ty, source_crs


def _inside_share(x: np.ndarray, y: np.ndarray, source: str, work: str) -> float:
    try:
        with np.errstate(invalid="ignore"):
            tx, ty = transform(x, y, source, work)
    except Exception:  # pyproj may refuse wildly out-of-range input
        return 0.0
    ok = np.isfinite(tx) & np.isfinite(ty)
    return float(np.mean(ok & ~outside_area(np.nan_to_num(tx), np.nan_to_num(ty), work)))


def _read_dates(table: Table, column: str, date_format: str | None, report: ImportReport | None, *,
                date_only: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One date column read with one format; the format's words go to the report."""
    try:
        reading = read_datetimes(table.frame[column], date_format=date_format, date_only=date_only)
    except AmbiguousDateOrder as ambiguity:
        raise DateFormatNeeded(ambiguity, path=table.path, column=column) from None
    except ValueError as error:  # a strftime format pandas cannot use
        raise InputError(f"Datumformatet '{date_format}' går inte att använda ({error}). Skriv det med "
                         "strftime-koder, t.ex. \"%d/%m/%Y %H:%M\".", path=table.path) from None
    if report is not None and reading.layout:
        report.date_formats[column] = reading.layout
    return reading.stamps, reading.precision, reading.bad


def _compose(table: Table, columns: _Columns, problems: _Problems, *, stamp: str | None = None,
             date: str | None = None, clock: str | None = None, hour: str | None = None,
             minute: str | None = None, parts: tuple[str, str, str] | None = None,
             required: bool = True, date_format: str | None = None,
             report: ImportReport | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Build one timestamp column from its parts; return stamps and precision (0 time, 1 day, 2 month)."""
    frame = table.frame
    n = table.row_count
    if stamp is not None:
        column = columns.roles[stamp]
        stamps, precision, bad = _read_dates(table, column, date_format, report, date_only=False)
        problems.add(bad, "datum/tid kan inte tolkas (skriv t.ex. 2024-03-05 14:30)", column)
        if required:
            problems.add(np.isnat(stamps) & ~bad, "datum/tid saknas", column)
        return stamps, precision
    if date is not None:
        column = columns.roles[date]
        # A date beside its own clock column: a written midnight is the date, not a time.
        stamps, precision, bad = _read_dates(table, column, date_format, report,
                                             date_only=clock is not None or hour is not None)
        problems.add(bad, "datumet kan inte tolkas (skriv t.ex. 2024-03-05)", column)
        if required:
            problems.add(np.isnat(stamps) & ~bad, "datum saknas", column)
    else:
        year_col, month_col, day_col = (columns.roles[r] for r in parts)
        year, bad_y = parse_integers(frame[year_col], 1900, 2100)
        month, bad_m = parse_integers(frame[month_col], 1, 12)
        day, bad_d = parse_integers(frame[day_col], 1, 31)
        problems.add(bad_y, "året är inte ett årtal", year_col)
        problems.add(bad_m, "månaden är inte 1–12", month_col)
        problems.add(bad_d, "dagen är inte 1–31", day_col)
        stamps = pd.to_datetime(
            pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
        ).to_numpy(dtype="datetime64[ns]")
        complete = np.isfinite(year) & np.isfinite(month) & np.isfinite(day)
        problems.add(complete & np.isnat(stamps), "datumet finns inte (t.ex. 30 februari)", day_col)
        if required:
            problems.add(~complete & ~(bad_y | bad_m | bad_d), "datum saknas", year_col)
        precision = np.where(np.isnat(stamps), -1, 1).astype(np.int8)
    # A date with the time of day in other columns.
    if clock is not None:
        column = columns.roles[clock]
        offsets, bad = parse_times(frame[column])
        problems.add(bad, "klockslaget kan inte tolkas (skriv t.ex. 14:30)", column)
        has = ~np.isnat(offsets) & (precision == 1)
        stamps = np.where(has, stamps + np.where(has, offsets, np.timedelta64(0, "ns")), stamps)
        precision = np.where(has, 0, precision).astype(np.int8)
    elif hour is not None:
        hour_col = columns.roles[hour]
        hours, bad = parse_integers(frame[hour_col], 0, 23)
        problems.add(bad, "timmen är inte 0–23", hour_col)
        minutes = np.zeros(n)
        if minute is not None:
            minute_col = columns.roles[minute]
            minutes, bad_min = parse_integers(frame[minute_col], 0, 59)
            problems.add(bad_min, "minuten är inte 0–59", minute_col)
            minutes = np.nan_to_num(minutes)
        has = np.isfinite(hours) & (precision == 1)
        offset = (np.nan_to_num(hours) * 3600 + minutes * 60).astype("int64").astype("timedelta64[s]")
        stamps = np.where(has, stamps + offset.astype("timedelta64[ns]"), stamps)
        precision = np.where(has, 0, precision).astype(np.int8)
    return stamps.astype("datetime64[ns]"), precision


def _end_of_period(stamps: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """End of a date-only (next midnight) or month-only (first of next month) value."""
    out = stamps.copy()
    day = precision == 1
    out[day] = stamps[day] + ONE_DAY
    month = precision == 2
    if month.any():
        out[month] = (stamps[month].astype("datetime64[M]") + 1).astype("datetime64[ns]")
    return out


def _times(table: Table, columns: _Columns, roles: Sequence[str], problems: _Problems,
           date_format: str | None = None, report: ImportReport | None = None) -> tuple[np.ndarray, np.ndarray]:
    """occurred_from and occurred_to (NaT = no window) for every row."""
    roles = set(roles)
    formats = {"date_format": date_format, "report": report}

    def spec(prefix: str) -> dict:
        if f"window_{prefix}" in roles:
            return {"stamp": f"window_{prefix}"}
        return {"date": f"{prefix}_date", "clock": f"{prefix}_time" if f"{prefix}_time" in roles else None}

    if "window_from" in roles or "from_date" in roles:
        start, start_precision = _compose(table, columns, problems, **spec("from"), **formats)
        if "window_to" in roles or "to_date" in roles:
            end, end_precision = _compose(table, columns, problems, required=False, **spec("to"), **formats)
        else:
            end, end_precision = np.full(len(start), np.datetime64("NaT"), dtype="datetime64[ns]"), None
    elif "datetime" in roles:
        start, start_precision = _compose(table, columns, problems, stamp="datetime", **formats)
        end, end_precision = np.full(len(start), np.datetime64("NaT"), dtype="datetime64[ns]"), None
    elif "date" in roles:
        start, start_precision = _compose(
            table, columns, problems, date="date", clock="time" if "time" in roles else None,
            hour="hour" if "hour" in roles else None, minute="minute" if "minute" in roles else None, **formats,
        )
        end, end_precision = np.full(len(start), np.datetime64("NaT"), dtype="datetime64[ns]"), None
    else:
        start, start_precision = _compose(
            table, columns, problems, parts=("year", "month", "day"), hour="hour" if "hour" in roles else None,
            minute="minute" if "minute" in roles else None,
        )
        end, end_precision = np.full(len(start), np.datetime64("NaT"), dtype="datetime64[ns]"), None

    if end_precision is None:
        # A date without a time of day is a 24-hour window, never midnight.
        occurred_to = np.where(start_precision >= 1, _end_of_period(start, start_precision),
                               np.datetime64("NaT")).astype("datetime64[ns]")
        return start, occurred_to
    has_end = ~np.isnat(end)
    end_adjusted = _end_of_period(end, end_precision)
    # "Till 23:59" means to the end of that day: the register's 00:00–23:59 for
    # an unknown time becomes a full 24-hour window.
    clock = end_adjusted - end_adjusted.astype("datetime64[D]").astype("datetime64[ns]")
    last_minute = has_end & (end_precision == 0) & (clock >= LAST_MINUTE)
    end_adjusted[last_minute] = end_adjusted[last_minute].astype("datetime64[D]").astype("datetime64[ns]") + ONE_DAY
    has_start = ~np.isnat(start)
    backwards = has_start & has_end & (end_adjusted < start)
    column = columns.roles.get("window_to") or columns.roles.get("to_date")
    problems.add(backwards, "sluttiden (till) är före starttiden (från)", column)
    occurred_to = np.where(has_end & ~backwards, end_adjusted, np.datetime64("NaT")).astype("datetime64[ns]")
    no_end_date_only = ~has_end & (start_precision >= 1)
    occurred_to[no_end_date_only] = _end_of_period(start, start_precision)[no_end_date_only]
    occurred_to[occurred_to == start] = np.datetime64("NaT")
    return start, occurred_to


def _feed_times(table: Table, columns: _Columns, published: np.ndarray, problems: _Problems,
                report: ImportReport) -> tuple[np.ndarray, np.ndarray]:
    """The Police's events: the event's time from the title; the publication only gives the year."""
    names = [str(c) for c in table.frame.columns]
    title = police_feed.feed_column(names, "name")
    published_column = columns.roles.get("datetime") or police_feed.feed_column(names, "datetime")
    times = police_feed.event_times(table.frame[title], published)
    problems.add(np.isnat(times.occurred_from) & ~np.isnat(published), "händelsetiden kan inte tolkas", title)
    report.columns_used.pop("datetime", None)
    report.columns_used["datetime"] = f"{title} (händelsetiden ur rubriken; '{published_column}' ger bara året)"
    report.columns_dropped = [c for c in report.columns_dropped if c != title]
    report.notes.append(f"Polisens händelser: händelsetiden tas ur rubriken ('{title}'). Publiceringstiden "
                        f"('{published_column}') används inte i analysen.")
    if times.date_only.any():
        report.notes.append(f"{int(times.date_only.sum())} rubriker har datum men inget klockslag; de räknas som "
                            "hela dygnet.")
    if times.untimed.any():
        report.notes.append(f"{int(times.untimed.sum())} rubriker saknar datum; de räknas som dygnet före "
                            "publiceringen.")
    return times.occurred_from, times.occurred_to


def _summaries(table: Table, column: str | None, report: ImportReport) -> np.ndarray:
    """Rows that are the Police's summaries ("Sammanfattning natt"): left out, and counted in the report."""
    if column is None:
        return np.zeros(table.row_count, dtype=bool)
    codes, uniques = factorize(table.frame[column])
    summary = np.array([is_summary(u) for u in uniques] or [False], dtype=bool)
    mask = (codes >= 0) & summary[np.maximum(codes, 0)]
    count = int(mask.sum())
    if count:
        word = "sammanfattning" if count == 1 else "sammanfattningar"
        report.notes.append(f"{count} {word} lämnades utanför (\"Sammanfattning natt\" m.fl. återger händelser "
                            "som har egna notiser).")
    return mask


def _position_precision(table: Table, feed: bool, x: np.ndarray, y: np.ndarray, kinds: np.ndarray,
                        excluded: np.ndarray) -> np.ndarray:
    """``position_precision`` codes (into ``stacked.PRECISIONS``): the feed's kommun/län, stacked points, none."""
    n = table.row_count
    code = {name: np.int8(i) for i, name in enumerate(stacked.PRECISIONS)}
    if feed:
        names = [str(c) for c in table.frame.columns]
        location = table.frame[police_feed.feed_column(names, "location_name")]
        return np.where(police_feed.location_precision(location) == stacked.LAN, code[stacked.LAN],
                        code[stacked.KOMMUN]).astype(np.int8)
    precision = np.full(n, code[stacked.EXACT], dtype=np.int8)
    rows = ~excluded
    on_stack = np.zeros(n, dtype=bool)
    on_stack[rows] = stacked.stacked_points(x[rows], y[rows], kinds[rows])
    precision[on_stack] = code[stacked.APPROXIMATE]
    precision[~(np.isfinite(x) & np.isfinite(y))] = code[stacked.MISSING]
    return precision


def _report_precision(precision: pd.Series, report: ImportReport) -> None:
    from core.formatting import number

    for kind, count in stacked.precision_counts(precision).items():
        if kind == stacked.MISSING:
            report.notes.append(f"{number(count)} händelser saknar position (X = Y = 0, positionen saknas eller är "
                                "skyddad); de räknas i antal och tider men inte på kartan, platser, hotspots, täthet "
                                "eller områden.")
        else:
            report.notes.append(f"{number(count)} händelser {stacked.REASONS_SV[kind]}; de räknas inte på platser, "
                                "hotspots och täthet (men i det område punkten ligger i).")


def _category_map(path: str | Path, table_path: Path) -> dict[str, str]:
    """Read a two-column CSV: name in the file → project category."""
    mapping_table = read_table(path)
    frame = mapping_table.frame
    if frame.shape[1] < 2:
        raise InputError("Kategorifilen måste ha två kolumner: namn i filen och projektets kategori.", path=path)
    names = frame.iloc[:, 0].astype("str").str.strip()
    targets = frame.iloc[:, 1].astype("str").str.strip()
    canonical = targets.map(lambda t: canonical_category(t) if isinstance(t, str) else None)
    bad = canonical.isna().to_numpy() & names.notna().to_numpy()
    if bad.any():
        raise InputError(
            "okänd projektkategori. Använd ett namn ur projektets kategorilista (t.ex. 'Cykelstöld', 'Övrigt').",
            path=path, rows=mapping_table.rows[bad], column=str(frame.columns[1]), row_count=int(bad.sum()),
        )
    return {str(k).strip().lower(): v for k, v in zip(names, canonical, strict=True) if isinstance(k, str)}


def _categories(table: Table, column: str | None, options: ImportOptions, report: ImportReport) -> np.ndarray:
    """Category codes into ``CATEGORY_NAMES``; unknown names become Övrigt with a warning."""
    n = table.row_count
    other_code = CATEGORY_NAMES.index(OTHER)
    if column is None:
        name = canonical_category(options.category_value)
        if name is None:
            raise InputError(f"Okänd kategori i --category-value: '{options.category_value}'.", path=table.path)
        return np.full(n, CATEGORY_NAMES.index(name), dtype=np.int16)
    user_map = _category_map(options.category_map, table.path) if options.category_map else {}
    values = table.frame[column]
    codes, uniques = factorize(values)
    unique_codes = np.empty(len(uniques), dtype=np.int16)
    unknown: list[int] = []
    for i, name in enumerate(uniques):
        canonical = user_map.get(str(name).strip().lower()) or canonical_category(name)
        if canonical is None:
            if not is_summary(name):  # summaries are left out and counted on their own
                unknown.append(i)
            canonical = OTHER
        unique_codes[i] = CATEGORY_NAMES.index(canonical)
    out = np.where(codes >= 0, unique_codes[np.maximum(codes, 0)] if len(uniques) else other_code, other_code)
    if unknown:
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        listed = sorted(((uniques[i], int(counts[i])) for i in unknown), key=lambda item: -item[1])
        shown = ", ".join(f"{name} ({count})" for name, count in listed[:15])
        more = f" och {len(listed) - 15} namn till" if len(listed) > 15 else ""
        total = sum(c for _, c in listed)
        report.warnings.append(Hinted(
            f"{total} rader har kategorier som inte finns i projektets lista och blev '{OTHER}': {shown}{more}.",
            "category_map"))
    missing = int((codes < 0).sum())
    if missing:
        report.warnings.append(f"{missing} rader saknar kategori och blev '{OTHER}'.")
    return out.astype(np.int16)


def _repeated(keys: np.ndarray) -> int:
    """How many keys repeat an earlier one: ``Series.duplicated().sum()`` on the 64-bit id hashes.

    Sorting and comparing neighbours takes 0.06 s for a million keys, where pandas' duplicated()
    on the hex text takes 0.8 s and numpy's unique() on uint64 takes seconds (numpy 2.4).
    """
    ordered = np.sort(keys)
    return int(np.count_nonzero(ordered[1:] == ordered[:-1]))


def _ids(table: Table, column: str | None, options: ImportOptions,
         report: ImportReport) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray | None]:
    """Keyed hashes of the file's ids (text, and the 64-bit keys), or sequential ids when there are none."""
    n = table.row_count
    if column is None:
        report.id_how = "filen har ingen id-kolumn; löpnummer 1, 2, 3 … skapades"
        return pd.array(anonymise.sequential_ids(n), dtype="string"), None
    values = table.frame[column]
    salt, origin = anonymise.id_salt(options.salt)
    keys = anonymise.id_keys(values, salt)
    missing = values.isna().to_numpy(dtype=bool)
    hashed = anonymise.hex_id_array(keys, missing)
    if missing.any():
        keys = keys.copy()
        keys[missing] = 0  # all missing ids count as one value, as pandas' duplicated() counts them
    how = {"--salt": "nyckeln från --salt", anonymise.SALT_ENV: f"nyckeln i {anonymise.SALT_ENV}"}.get(
        origin, "slumpad nyckel för just denna import, så id kan inte kopplas till andra importer")
    report.id_how = f"kolumnen '{column}' ersattes med en nycklad hash ({how})"
    return hashed, keys


def _sources(table: Table, column: str | None, options: ImportOptions, report: ImportReport) -> np.ndarray:
    n = table.row_count
    if options.source_value is not None:
        source = SOURCE_WORDS.get(normalise_name(options.source_value))
        if source is None:
            raise InputError(f"Okänd källa i --source-value: '{options.source_value}'. Tillåtna: "
                             f"{', '.join(SOURCES)}.", path=table.path)
        return np.full(n, SOURCES.index(source), dtype=np.int8)
    annan = SOURCES.index("annan")
    if column is None:
        report.warnings.append(Hinted("Ingen källa angavs; alla rader fick källan 'annan'.", "source"))
        return np.full(n, annan, dtype=np.int8)
    values = table.frame[column]
    codes, uniques = factorize(values)
    mapped = [SOURCE_WORDS.get(normalise_name(u)) for u in uniques]
    unknown = [u for u, m in zip(uniques, mapped, strict=True) if m is None]
    unique_codes = np.array([SOURCES.index(m) if m else annan for m in mapped] or [annan], dtype=np.int8)
    if unknown:
        report.warnings.append(f"Okända källor blev 'annan': {', '.join(map(str, unknown[:10]))}.")
    return np.where(codes >= 0, unique_codes[np.maximum(codes, 0)], annan).astype(np.int8)


def _place_types(table: Table, column: str | None, report: ImportReport) -> np.ndarray:
    n = table.row_count
    if column is None:
        return np.full(n, -1, dtype=np.int8)
    values = table.frame[column]
    codes, uniques = factorize(values)
    mapped = [PLACE_WORDS.get(normalise_name(u)) for u in uniques]
    unknown = [u for u, m in zip(uniques, mapped, strict=True) if m is None]
    unique_codes = np.array([PLACE_TYPES.index(m) if m else -1 for m in mapped] or [-1], dtype=np.int8)
    if unknown:
        report.warnings.append(f"Okända platstyper lämnades tomma: {', '.join(map(str, unknown[:10]))} "
                               "(tillåtna: utomhus, inomhus).")
    return np.where(codes >= 0, unique_codes[np.maximum(codes, 0)], -1).astype(np.int8)


def _row_problems(table: Table, problems: _Problems) -> pd.DataFrame:
    """Every bad row's problems, one line each, by row as the file counts it: rad, kolumn, orsak."""
    parts = [pd.DataFrame({"rad": table.rows[mask], "kolumn": column or "", "orsak": reason, "_order": order})
             for order, (mask, reason, column) in enumerate(problems.items)]
    lines = pd.concat(parts, ignore_index=True).sort_values(["rad", "_order"], kind="stable")
    return lines.drop(columns="_order").reset_index(drop=True)


def _rejected_rows(table: Table, used: dict[str, str], problems: _Problems, invalid: np.ndarray,
                   personal: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """The rejected rows: row number, the used columns (ids left out) and a Swedish reason.

    No personnummer goes with them: where a kept column held one, and wherever a value in the
    rows looks like one (a time or coordinate column is not checked before parsing), the cell
    says ``PERSONNUMMER_REMOVED`` instead.
    """
    reasons = np.full(table.row_count, "", dtype=object)
    for mask, reason, column in problems.items:
        text = f"{reason} ({column})" if column else reason
        fresh = mask & (reasons == "")
        reasons[fresh] = text
        both = mask & ~fresh
        if both.any():
            reasons[both] = reasons[both] + "; " + text
    kept = [c for role, c in used.items() if role != "id"]
    original = table.frame.loc[invalid, list(dict.fromkeys(kept))]
    rejected = original.astype("object")
    for column in rejected.columns:
        mask = anonymise.personnummer_mask(original[column])
        if column in (personal or {}):
            mask = mask | personal[column][invalid]
        rejected.loc[mask, column] = PERSONNUMMER_REMOVED
    rejected.insert(0, "rad", table.rows[invalid])
    rejected["reason"] = reasons[invalid]
    return rejected.reset_index(drop=True)
