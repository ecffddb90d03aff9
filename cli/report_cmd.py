"""Subcommand ``report``: the problem picture as a Word or HTML document.

``samsyn report --out problembild.docx`` reads the pinned hotspots, causes, measures, goals and
follow-ups from the problem store and the active dataset's incidents, and writes the report that can
be the basis of the lägesbild and åtgärdsplan under lag (2023:196). ``--followup`` adds follow-ups
on top of the stored ones. ``--level gemensam`` (the other party's analysts and the workshop) or
``--level styrgrupp`` (the steering group, the public) writes the controlled report for that
reader: counts of 1–2 as "..", places under k incidents without their numbers, non-shareable text
and datasets not shared at that level left out; the default ``egen`` is the owner's full view, the
operator's. ``--audience public`` is the public version of the same rules.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import InputError
from workspace import DEFAULT_STORE_NAME

if TYPE_CHECKING:
    import geopandas as gpd

_FOLLOWUP = re.compile(r"^(?P<measure>\d+):(?P<area>[^:]+)(?::(?P<metres>\d+(?:\.\d+)?))?$")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``samsyn report``."""
    parser = subparsers.add_parser(
        "report",
        help="skriv problembilden som rapport (.docx eller .html)",
        description=(
            "Skriv den gemensamma problembilden med lägesbild, utpekade platser, orsaksanalys, "
            "åtgärdsplan, mål och uppföljning som Word- eller HTML-dokument. Dokumentet kan vara "
            "underlag för lägesbild och åtgärdsplan enligt lag (2023:196)."
        ),
    )
    parser.add_argument("--out", required=True, metavar="FIL",
                        help="utfil: .docx (Word), .html eller .json (alla siffror och meningar, maskinläsbart)")
    parser.add_argument("--db", metavar="SÖKVÄG_ELLER_URL",
                        help="problembildens databas (standard: [database] url i samsyn.toml, annars "
                             f"<datakatalog>/{DEFAULT_STORE_NAME})")
    parser.add_argument("--data", metavar="KATALOG",
                        help="datakatalog med dataset (standard: SAMSYN_DATA, [data] directory i samsyn.toml, "
                             "annars ./userdata)")
    parser.add_argument("--dataset", metavar="NAMN_ELLER_ID",
                        help="datasetet rapporten räknar på (standard: det som valts med samsyn dataset use, "
                             "annars Exempelstad)")
    parser.add_argument("--config", metavar="FIL",
                        help="konfigurationsfil (standard: $SAMSYN_CONFIG eller ./samsyn.toml)")
    parser.add_argument("--audience", choices=("internal", "public"), default="internal",
                        help="internal (standard) eller public: små antal visas som .. och "
                             "fritext som inte är delbar tas bort")
    parser.add_argument("--level", choices=("egen", "gemensam", "styrgrupp"), default="egen",
                        help="visningsnivå: egen (standard, ägarens fulla vy), gemensam (den andra partens "
                             "analytiker och arbetsgruppen) eller styrgrupp (styrgruppen och allmänheten); under "
                             "egen nivå visas antal 1–2 som .., platser med för få händelser utan siffror och "
                             "dataset som inte delas på nivån inte alls")
    parser.add_argument("--followup", action="append", default=[], metavar="ÅTGÄRD:OMRÅDE[:METER]",
                        help="effektuppföljning av åtgärden med id ÅTGÄRD mot jämförelseområdet OMRÅDE "
                             "(id eller namn i datasetets områden), undanträngning inom METER (standard 200); "
                             "läggs till uppföljningarna som är sparade i problembilden; kan upprepas")
    parser.add_argument("--party", action="append", metavar="NAMN",
                        help="part på titelsidan, t.ex. 'Exempelstads kommun' (kan upprepas)")
    parser.add_argument("--title", metavar="TITEL", help="egen titel")
    parser.add_argument("--lang", choices=("sv", "en"), default="sv",
                        help="rapportens språk: sv (standard) eller en; kategorinamnen står kvar på svenska")
    parser.set_defaults(handler=run)


def _followup_plans(specs: list[str], districts: gpd.GeoDataFrame | None, dataset_id: str = "") -> list:
    from reports.report import FollowupPlan

    plans = []
    for spec in specs:
        match = _FOLLOWUP.match(spec.strip())
        if match is None:
            raise InputError(f"Ogiltig --followup '{spec}'; skriv ÅTGÄRD:OMRÅDE eller ÅTGÄRD:OMRÅDE:METER, t.ex. 1:B01:200.")
        if districts is None:
            raise InputError("Datasetet har inga områden, så --followup kan inte peka ut ett jämförelseområde.")
        area = match["area"]
        hits = districts[(districts["area_id"].astype(str) == area)
                         | (districts["name"].astype(str).str.casefold() == area.casefold())]
        if hits.empty:
            examples = ", ".join(districts["area_id"].astype(str).head(5))
            raise InputError(f"Området '{area}' finns inte (id eller namn; t.ex. {examples}).")
        row = hits.iloc[0]
        metres = float(match["metres"]) if match["metres"] else 200.0
        plans.append(FollowupPlan(
            measure_id=int(match["measure"]), control_wkt=row.geometry.wkt,
            displacement_m=metres if metres > 0 else None,
            control_name=f"Jämförelseområde {row['name']} ({row['area_id']})",
            dataset_id=dataset_id,  # drawn on this dataset's areas, so counted on it
        ))
    return plans


def run(args: argparse.Namespace) -> int:
    """Build and write the report; 0 on success, 2 on bad input."""
    from reports.levels import level_view
    from reports.report import (
        ProblemPicture,
        build_report,
        plan_from_followup,
        write_docx,
        write_html,
        write_json,
    )
    from workspace import Workspace

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".html", ".htm", ".json"):
        raise InputError("Utfilen måste sluta på .docx, .html eller .json.", path=out)
    # The same door as the dashboard: samsyn.toml's data directory and database unless overridden.
    workspace = Workspace.open(args.config, data_dir=args.data, database_url=args.db)
    dataset = workspace.find_dataset(args.dataset) if args.dataset else workspace.default_dataset()
    rules = workspace.config.disclosure
    view = level_view(args.level, dataset.owner, dataset.sharing, rules)
    if not view.visible:
        raise InputError(f"Datasetet '{dataset.name}' delas på nivån {dataset.sharing} och kan inte bli en rapport "
                         f"på nivån {args.level}; välj ett annat dataset med --dataset eller en annan --level.")
    frames = workspace.load(dataset)
    if frames.incidents is None:
        raise InputError(f"Datasetet '{dataset.name}' har inga händelser.")
    incidents, districts, background, survey = frames.incidents, frames.districts, frames.background, frames.survey

    extra_plans = _followup_plans(args.followup, districts, dataset.id)  # on top of the follow-ups in the store
    with workspace.store() as store:
        hotspots = store.list_hotspots()
        followups = store.list_followups()
        picture = ProblemPicture(
            hotspots=hotspots,
            causes=store.list_causes(),
            measures=store.list_measures(),
            goals=store.list_goals(),
            followups=[plan_from_followup(f) for f in followups] + extra_plans,
            place_name="Exempelstad" if dataset.builtin else dataset.name,
            is_sample=dataset.builtin,
        )
    sources = _Sources(workspace, frames, hotspots, picture.measures, args.lang, args.level)
    # Say on the terminal too which places and follow-ups are counted on another dataset.
    for item, noun in [*((h, "Platsen") for h in hotspots), *((f, "Uppföljningen") for f in followups)]:
        notice = sources.notice(item, noun)
        if notice:
            label = f"#{item.id} {item.title}" if noun == "Platsen" else f"#{item.id} {item.control_name}"
            print(f"Obs ({label}): {notice}", file=sys.stderr)
    report = build_report(
        picture, incidents, districts=districts, background=background, survey=survey,
        audience=args.audience, title=args.title, organisation_names=args.party, lang=args.lang,
        source_of=sources, view=view,
    )
    writer = {".docx": write_docx, ".json": write_json}.get(suffix, write_html)
    writer(report, out)
    print(f"Skrev {out} ({len(picture.hotspots)} platser, {len(picture.measures)} åtgärder, "
          f"{len(picture.goals)} mål, {len(picture.followups)} "
          f"{'uppföljning' if len(picture.followups) == 1 else 'uppföljningar'}; "
          f"{'offentlig' if args.audience == 'public' else 'intern'} version, visningsnivå {args.level}).",
          file=sys.stdout)
    return 0


class _Sources:
    """Each place, goal and follow-up counted in the dataset it was made on (loaded once per dataset).

    Measures and goals follow their hotspot (a goal without one follows its measure's). When that
    dataset is gone from the data directory or has no incidents, the item is not counted, and the
    notice says so, rather than being counted on another dataset.
    """

    def __init__(self, workspace, frames, hotspots, measures, lang: str, level: str = "egen") -> None:
        self.workspace, self.active, self.lang, self.level = workspace, frames, lang, level
        self.hotspots = {h.id: h for h in hotspots}
        self.measures = {m.id: m for m in measures}
        self.loaded = {frames.dataset.id: frames}

    def _owner(self, item):
        # A goal tied only to a measure belongs where the measure's hotspot does.
        if getattr(item, "hotspot_id", "x") is None and getattr(item, "measure_id", None) in self.measures:
            return self.measures[item.measure_id]
        return item

    def notice(self, item, noun: str) -> str:
        """The sentence for an item that is not counted on the report's dataset; empty when it is."""
        from workspace import attachment_notice

        owner = self._owner(item)
        attached = self.workspace.dataset_of(owner, self.hotspots)
        active = self.active.dataset
        if attached is not None and attached.id == active.id:
            return ""
        if attached is None or attached.path("incidents") is None:
            missing = attached if attached is not None else self.workspace.dataset_id_of(owner, self.hotspots)
            text = attachment_notice(noun, missing, active, lang=self.lang) or ""
            return text + (" It is not counted on another dataset." if self.lang == "en"
                           else " Den räknas inte på något annat dataset.")
        text = attachment_notice(noun, attached, active, lang=self.lang) or ""
        return text + (f" The numbers are counted on {attached.name}." if self.lang == "en"
                       else f" Siffrorna räknas på {attached.name}.")

    def __call__(self, item):
        """The :class:`reports.report.Source` of a hotspot, follow-up plan or goal."""
        from reports.levels import level_view
        from reports.report import Source

        noun = {"FollowupPlan": "Uppföljningen", "Goal": "Målet"}.get(type(item).__name__, "Platsen")
        owner = self._owner(item)
        attached = self.workspace.dataset_of(owner, self.hotspots)
        notice = self.notice(item, noun)
        if attached is None:
            return Source(None, notice=notice)
        view = level_view(self.level, attached.owner, attached.sharing, self.workspace.config.disclosure)
        if not view.visible:  # not shared at this level: left out of the report, never loaded
            return Source(None, notice=notice, view=view)
        if attached.path("incidents") is None:
            return Source(None, notice=notice, view=view)
        if attached.id not in self.loaded:
            self.loaded[attached.id] = self.workspace.load(attached)
        frames = self.loaded[attached.id]
        return Source(frames.incidents, frames.districts, frames.background, notice, view)
