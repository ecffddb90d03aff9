"""Subcommands for time and change: ``timeheat``, ``change`` and ``survey``."""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from cli.common import add_filter_arguments, atomic_output, filtered_incidents
from core.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

# pandas, geopandas and analysis/ are imported inside the handlers: building the
# parser (every ``samsyn`` call) must not pay for them.

MAX_SENTENCES_PRINTED = 20


def _fmt(value: float) -> str:
    from analysis.change import format_number_sv

    return format_number_sv(value, 0 if float(value).is_integer() else 1)


def _events(count: int) -> str:
    return f"{_fmt(count)} {'händelse' if count == 1 else 'händelser'}"


def _write_csv(frame: pd.DataFrame, path: str) -> None:
    """Write ``frame`` all-or-nothing, floats rounded to six decimals."""
    floats = frame.select_dtypes("float").columns
    frame = frame.assign(**{c: frame[c].round(6) for c in floats})
    with atomic_output(path) as tmp:
        frame.to_csv(tmp, index=False, encoding="utf-8")


def _incidents(args: argparse.Namespace, *, dates: bool) -> pd.DataFrame:
    """The incidents file, filtered by category and source (and by date when ``dates``)."""
    subset = filtered_incidents(args, dates=dates)
    if len(subset) == 0:
        raise InputError("Inga händelser kvar efter filtren.", path=args.incidents)
    return subset


def _areas(args: argparse.Namespace, incidents: pd.DataFrame) -> gpd.GeoDataFrame:
    from geo.crs import frame_crs
    from geo.dataset import read_areas

    return read_areas(args.areas, id_column=args.area_id, work_crs=frame_crs(incidents, path=args.incidents))


def _find_area(areas: gpd.GeoDataFrame, wanted: str, path: str) -> int:
    """Position of the area whose id (or, failing that, name) is ``wanted``."""
    import numpy as np

    from analysis.aggregate import area_keys

    keys = area_keys(areas).astype(str)
    hits = np.flatnonzero(keys == wanted)
    if hits.size == 0 and "name" in areas:
        names = areas["name"].astype("string").str.casefold()
        hits = np.flatnonzero((names == wanted.casefold()).fillna(False).to_numpy(dtype=bool))
    if hits.size == 0:
        examples = ", ".join(keys[:5])
        raise InputError(f"Området '{wanted}' finns inte (id eller namn; t.ex. {examples}).", path=path)
    return int(hits[0])


def _area_name(areas: gpd.GeoDataFrame, position: int) -> str:
    from analysis.aggregate import area_keys

    name = areas["name"].iloc[position] if "name" in areas else None
    return str(name) if isinstance(name, str) and name else str(area_keys(areas)[position])


def _only_area(args: argparse.Namespace, incidents: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The incidents inside ``--area`` (when ``--areas`` is given) and the area's name."""
    from analysis.aggregate import area_assignment

    if not args.areas:
        if args.area:
            raise InputError("--area kräver --areas (områdesfilen).")
        return incidents, None
    if not args.area:
        raise InputError("Ange vilket område med --area ID tillsammans med --areas.")
    areas = _areas(args, incidents)
    position = _find_area(areas, args.area, args.areas)
    inside = area_assignment(incidents, areas) == position
    subset = incidents[inside]
    subset.attrs = dict(incidents.attrs)
    return subset, _area_name(areas, position)


# --- timeheat --------------------------------------------------------------------


def _timeheat(args: argparse.Namespace) -> int:
    from analysis.aoristic import DEFAULT_MAX_WINDOW_HOURS, month_hour, weekday_hour

    if args.max_window_hours is None:  # not given: the analysis default (kept there, not copied here)
        args.max_window_hours = DEFAULT_MAX_WINDOW_HOURS
    if args.max_window_hours is not None and not args.max_window_hours > 0:
        raise InputError("--max-window-hours måste vara större än 0.")
    incidents, area_name = _only_area(args, _incidents(args, dates=True))
    build = weekday_hour if args.by == "weekday" else month_hour
    result = build(incidents, max_window_hours=args.max_window_hours)
    table = result.long()
    _write_csv(table, args.out)
    where = f" i {area_name}" if area_name else ""
    axis = "veckodag och timme" if args.by == "weekday" else "månad och timme"
    print(f"{_events(result.known)}{where} fördelade över {axis} (aoristisk viktning).")
    print(f"{_events(result.unknown)} med okänd tid (fönster längre än "
          f"{_fmt(args.max_window_hours)} h) ingår inte.")
    print(f"Skrev {len(table)} rader till {args.out}.")
    return 0


# --- change ----------------------------------------------------------------------


def _subject(categories: list[str] | None, lang: str = "sv") -> str | None:
    """What the sentence is about; ``None`` lets the sentence say "all incidents" in its language."""
    if categories and len(categories) <= 3:
        return ", ".join(categories)
    if not categories:
        return None
    return "Valda kategorier" if lang == "sv" else "Chosen categories"


def _change(args: argparse.Namespace) -> int:
    from analysis.aggregate import area_assignment, area_keys
    from analysis.change import same_period_last_year

    if not args.start or not args.end:
        raise InputError("Ange perioden med --from och --to (ÅÅÅÅ-MM-DD); den jämförs med samma period året innan.")
    incidents = _incidents(args, dates=False)
    by: list[str] = []
    area_names: dict[object, str] | None = None
    subject = _subject(args.category, args.lang)
    if args.areas and not args.area:
        areas = _areas(args, incidents)
        keys = area_keys(areas).astype(str)
        assignment = area_assignment(incidents, areas)
        inside = assignment >= 0
        incidents = incidents[inside].assign(area_id=keys.to_numpy()[assignment[inside]])
        area_names = {k: _area_name(areas, i) for i, k in enumerate(keys)}
        by.append("area_id")
    else:
        incidents, area_name = _only_area(args, incidents)
        if area_name:
            everything = "Alla händelser" if args.lang == "sv" else "All incidents"
            subject = f"{subject or everything} {'i' if args.lang == 'sv' else 'in'} {area_name}"
    if args.by == "category":
        by.append("category")
    table = same_period_last_year(incidents, args.start, args.end, by=by or None, area_names=area_names,
                                  subject=subject, lang=args.lang)
    if area_names is not None:
        table.insert(1, "area_name", table["area_id"].map(area_names))
    table = table.rename(columns={"p_value": "p"})
    shown = table["summary"].tolist()
    limit = MAX_SENTENCES_PRINTED if args.out else len(shown)
    for sentence in shown[:limit]:
        print(sentence)
    if len(shown) > limit:
        print(f"… och {_fmt(len(shown) - limit)} grupper till (se {args.out}).")
    if not shown:
        print("Inga händelser någon av perioderna.")
    if args.out:
        output = table.copy()
        output["change_pct"] = output["change_pct"].round(1)
        _write_csv(output, args.out)
        print(f"Skrev {len(output)} rader till {args.out}.")
    return 0


# --- survey ----------------------------------------------------------------------


def _years(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})\s*[:\-–]\s*(\d{4})\s*", text)
    if not match:
        raise InputError(f"--compare anges som ÅR1:ÅR2, t.ex. 2022:2024 (fick '{text}').")
    return int(match.group(1)), int(match.group(2))


def _survey(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis.survey import survey_change, survey_table
    from geo.dataset import read_survey

    survey = read_survey(args.survey)
    if args.indicator:
        chosen = (survey["indicator"].astype("string") == args.indicator).fillna(False).to_numpy(dtype=bool)
        if not chosen.any():
            known = ", ".join(sorted(survey["indicator"].astype("string").dropna().unique()))
            raise InputError(f"Indikatorn '{args.indicator}' finns inte (finns: {known}).", path=args.survey)
        survey = survey[chosen]
    if args.compare:
        if args.year is not None:
            raise InputError("Ange antingen --year eller --compare, inte båda.")
        year_a, year_b = _years(args.compare)
        table = survey_change(survey, year_a, year_b)
        _write_csv(table, args.out)
        counts = table["assessment"].value_counts()
        parts = [f"{_fmt(counts[k])} {k}" for k in ("bättre", "sämre", "ingen säker förändring", "kan inte bedömas")
                 if k in counts]
        print(f"{_fmt(len(table))} jämförelser {year_a}–{year_b}: {', '.join(parts) or 'inga'}.")
        if (table["method"] == "test ej möjligt").any():
            print("Index utan standardfel eller konfidensintervall kan inte testas (markerade 'kan inte bedömas').")
    else:
        if args.year is not None:
            survey = survey[pd.to_numeric(survey["year"], errors="coerce") == args.year]
            if survey.empty:
                raise InputError(f"Inga resultat för år {args.year}.", path=args.survey)
        table = survey_table(survey)
        _write_csv(table, args.out)
        uncertain = int(table["uncertain"].sum())
        print(f"{_fmt(len(table))} resultat; {_fmt(uncertain)} markerade som osäkra (n under 30 eller saknas).")
    print(f"Skrev {len(table)} rader till {args.out}.")
    return 0


# --- registration ----------------------------------------------------------------


def _add_area_arguments(parser: argparse.ArgumentParser, area_help: str) -> None:
    group = parser.add_argument_group("område")
    group.add_argument("--areas", metavar="OMRÅDEN", help="områdesfil (GeoPackage, GeoJSON, Shape …)")
    group.add_argument("--area", metavar="ID", help=area_help)
    group.add_argument("--area-id", metavar="KOLUMN", help="kolumn med områdets id i områdesfilen")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Register ``timeheat``, ``change`` and ``survey``."""
    p = subparsers.add_parser(
        "timeheat",
        help="veckodag × timme (eller månad × timme) med aoristisk viktning",
        description="Fördelar varje händelse över de timmar dess tidsfönster täcker (Ratcliffe 2002). "
                    "Fönster längre än --max-window-hours räknas som okänd tid och ingår inte.",
    )
    p.add_argument("incidents", metavar="HÄNDELSER", help="händelsefil (från samsyn import, eller CSV/Excel)")
    _add_area_arguments(p, "ta bara med händelser i detta område (id eller namn)")
    add_filter_arguments(p)
    p.add_argument("--max-window-hours", type=float, default=None, metavar="TIMMAR",
                   help="längsta tidsfönster som fördelas (standard: 24)")
    p.add_argument("--by", choices=("weekday", "month"), default="weekday",
                   help="rader: veckodag (1 = måndag) eller månad (standard: weekday)")
    p.add_argument("--out", required=True, metavar="UT.csv", help="CSV att skriva")
    p.set_defaults(handler=_timeheat)

    p = subparsers.add_parser(
        "change",
        help="jämför en period med samma period året innan (Poissontest)",
        description="Jämför antalet händelser --from–--to med samma period ett år tidigare och testar "
                    "om förändringen är större än normal slumpvariation.",
    )
    p.add_argument("incidents", metavar="HÄNDELSER", help="händelsefil (från samsyn import, eller CSV/Excel)")
    _add_area_arguments(p, "bara detta område (id eller namn); utan --area en rad per område")
    add_filter_arguments(p)
    p.add_argument("--by", choices=("category",), help="en rad per kategori")
    p.add_argument("--lang", choices=("sv", "en"), default="sv",
                   help="språk för meningarna (standard: sv; kolumnen summary_sv är alltid svensk)")
    p.add_argument("--out", metavar="UT.csv", help="CSV att skriva")
    p.set_defaults(handler=_change)

    p = subparsers.add_parser(
        "survey",
        help="trygghetsmätning: konfidensintervall, osäkra värden, förändring mellan år",
        description="Lägger till 95 %% konfidensintervall (Wilson) för andelar och markerar osäkra värden "
                    "(n under 30); med --compare testas förändringen mellan två år.",
    )
    p.add_argument("survey", metavar="ENKÄT", help="trygghetsmätning (CSV, Excel eller Parquet)")
    p.add_argument("--indicator", metavar="ID", help="bara denna indikator")
    p.add_argument("--year", type=int, metavar="ÅR", help="bara detta år")
    p.add_argument("--compare", metavar="ÅR1:ÅR2", help="förändring mellan två år, t.ex. 2022:2024")
    p.add_argument("--out", required=True, metavar="UT.csv", help="CSV att skriva")
    p.set_defaults(handler=_survey)
