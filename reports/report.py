"""The problem picture as a report: a document model built from the store and the incidents.

:func:`build_report` turns a :class:`ProblemPicture` (pinned hotspots, causes, measures, goals and
follow-up plans) and the active dataset's incidents into a :class:`Report`: a flat list of blocks
(headings, paragraphs, tables, images) in Swedish. :func:`reports.report_docx.write_docx` and
:func:`reports.report_html.write_html` render the same blocks, so the Word file the parties attach to
their samverkansöverenskommelse and the offline HTML file say the same thing. The report can be
the basis of the *lägesbild* and *åtgärdsplan* that lag (2023:196) asks every kommun for.

Secrecy
-------
The report is made for a :class:`core.disclosure.View` (default :meth:`View.owner_view`, the
operator's full view), and each place, goal and follow-up for the view of the dataset it is
counted on (:attr:`Source.view`). Below the owner's level (:attr:`View.controlled`) counts of 1 to
``min_count - 1`` are ``..`` (Brå's convention) with the numbers derived from them; a place with
fewer than ``min_place`` incidents keeps its title and texts but its numbers say so
(:data:`TOO_FEW`); map cells with fewer than ``min_place`` incidents are blanked; free text that is
not marked shareable (causes) or has no such mark (hotspot notes) is left out; items on datasets
not shared with the viewer are not in the report at all. ``audience="public"`` is the
steering-group/public level of the same rules. No image ever draws individual incidents: maps show
areas and counts in grid cells only, so protected categories are never points.
"""

from __future__ import annotations

import calendar
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import shapely

from analysis.aoristic import weekday_hour
from analysis.change import counts_over_time, poisson_change_test, same_period_last_year
from analysis.filters import filter_incidents, within_geometry
from analysis.followup import WDDResult, followup, note_text, wdd_parts
from analysis.problem_numbers import (
    PLACE_BUFFER_M,
    Place,
    PlaceNumbers,
    busiest_text,
    filter_text,
    place_geometry,
    place_incidents,
    place_numbers,
)
from analysis.snapshot import snapshot_numbers
from core import formatting
from core.disclosure import HIDDEN, STYRGRUPP, DisclosureRules, View
from core.errors import InputError
from geo.categories import display_name
from reports import figures
from reports.blocks import (
    LIGHT_LABELS,
    LIGHT_LABELS_EN,
    Block,
    BulletList,
    Cell,
    Heading,
    Image,
    Light,
    PageBreak,
    Paragraph,
    Table,
    TitlePage,
)
from reports.patterns import PlacePatterns, pattern_blocks, pattern_dict, place_patterns
from reports.report_docx import write_docx
from reports.report_html import write_html
from reports.report_json import write_json
from reports.words import term, tr
from store.model import GOAL_KINDS, MEASURE_STATUSES, PERSPECTIVES, PRIORITIES, PROXIMITIES, STATUSES

if TYPE_CHECKING:

    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from store.model import Cause, Followup, Goal, Hotspot, Measure

__all__ = [
    "SMALL_COUNT",
    "BulletList",
    "FollowupOutcome",
    "FollowupPlan",
    "GoalStatus",
    "Mask",
    "Heading",
    "Image",
    "Light",
    "PageBreak",
    "Paragraph",
    "ProblemPicture",
    "Report",
    "Source",
    "Table",
    "TitlePage",
    "build_report",
    "evaluate_goal",
    "masked_goal",
    "plan_from_followup",
    "write_docx",
    "write_html",
    "write_json",
]

Audience = Literal["internal", "public"]
SMALL_COUNT = 3  # Brå: counts below this are shown as ".." in public tables (the default min_count)
# What a place's numbers say when it has fewer incidents than min_place below the owner's level.
TOO_FEW = {"sv": "för få händelser för att visas (under {k})", "en": "too few incidents to show (under {k})"}
EN_DASH = "\u2013"
ORGANISATION_NAMES = {"polis": "Polisen", "kommun": "Kommunen", "annan": "Annan part"}
AUDIENCE_TEXT = {
    "internal": "Intern version för parternas arbetsgrupp och styrgrupp.",
    "public": (
        "Offentlig version: antal under 3 visas som ”..”, fritext som inte är markerad som delbar "
        "är borttagen och inga enskilda händelser visas."
    ),
}
LAW_LINE = (
    "Dokumentet kan utgöra underlag för lägesbild och åtgärdsplan enligt lag (2023:196) "
    "om kommuners ansvar för brottsförebyggande arbete."
)
SAMPLE_LINE = "Exempeldata – fiktiv ort"
Lang = Literal["sv", "en"]


# --- the picture ----------------------------------------------------------------------------


@dataclass
class FollowupPlan:
    """How one measure's effect is followed up with the WDD test.

    Attributes
    ----------
    measure_id
        The :class:`store.model.Measure` followed up.
    control_wkt
        Jämförelseområde (WKT, working CRS): similar, not treated and not next to the target.
    hotspot_id
        Whose geometry is the target area; default the measure's first hotspot.
    target_wkt
        Målområde instead of the hotspot's geometry.
    displacement_m
        Width in metres of the ring around the target where displacement is looked for
        (``None`` = not examined).
    before, after
        ``(start, end)`` ISO dates. Default: the 12 months before the measure's start, and the
        measure's start up to the latest data.
    categories
        What is counted; default the measure's effektmål's categories, else the hotspot's.
    control_name
        A name for the control area in the text (e.g. the district's name).
    """

    measure_id: int
    control_wkt: str
    hotspot_id: int | None = None
    target_wkt: str = ""
    displacement_m: float | None = 200.0
    before: tuple[str, str] | None = None
    after: tuple[str, str] | None = None
    categories: list[str] = field(default_factory=list)
    control_name: str = ""
    dataset_id: str = ""  # the dataset the follow-up was made on ("" = not recorded)


def plan_from_followup(followup: Followup) -> FollowupPlan:
    """The report's plan for a follow-up from the store; an empty period becomes the default (None).

    Examples
    --------
    >>> from store.model import Followup
    >>> plan = plan_from_followup(Followup(3, "POLYGON ((0 0, 1 0, 1 1, 0 0))", before_start="2024-01-01",
    ...                                    before_end="2024-06-30"))
    >>> plan.measure_id, plan.before, plan.after, plan.displacement_m
    (3, ('2024-01-01', '2024-06-30'), None, 200.0)
    """

    def period(start: str, end: str) -> tuple[str, str] | None:
        return (start, end) if start and end else None

    return FollowupPlan(
        measure_id=followup.measure_id,
        control_wkt=followup.control_wkt,
        hotspot_id=followup.hotspot_id,
        displacement_m=followup.displacement_m,
        before=period(followup.before_start, followup.before_end),
        after=period(followup.after_start, followup.after_end),
        categories=list(followup.categories),
        control_name=followup.control_name,
        dataset_id=getattr(followup, "dataset_id", "") or "",
    )


@dataclass
class ProblemPicture:
    """Everything the parties pinned and decided, as read from the store."""

    hotspots: list[Hotspot] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    followups: list[FollowupPlan] = field(default_factory=list)
    place_name: str = ""
    is_sample: bool = False


@dataclass(frozen=True)
class Source:
    """Where one place, goal or follow-up is counted: its own dataset's frames, or why it is not counted.

    Attributes
    ----------
    incidents
        The incidents of the dataset the item was made on; ``None`` when that dataset is gone, and
        then the item is not counted at all (never on another dataset).
    districts, background
        That dataset's layers for the place's map.
    notice
        The sentence the report prints with the item, e.g. "Platsen är fäst i datasetet X; …";
        empty when the item belongs to the dataset the report is about.
    view
        What the report's reader may see of that dataset; ``None`` = the report's own view. An
        item whose view is not :attr:`View.visible` is left out of the report.
    """

    incidents: pd.DataFrame | None
    districts: gpd.GeoDataFrame | None = None
    background: gpd.GeoDataFrame | None = None
    notice: str = ""
    view: View | None = None


@dataclass(frozen=True)
class Mask:
    """How the report shows one dataset's numbers to its reader: a :class:`View` and the audience.

    Attributes
    ----------
    view
        The reader's view of the dataset; its :meth:`View.hides` and :meth:`View.place_shown`
        decide every count the report prints from it.
    public
        The public audience: the steering-group/public level, whatever the view says.

    Examples
    --------
    >>> from core.disclosure import View
    >>> full, joint = Mask.of(View.owner_view()), Mask.of(View(True, False, "gemensam"))
    >>> full.n(2, "sv"), joint.n(2, "sv"), joint.n(0, "sv"), joint.n(3, "sv")
    ('2', '..', '0', '3')
    >>> joint.place_shown(4), joint.too_few("sv")
    (False, 'för få händelser för att visas (under 5)')
    """

    view: View = field(default_factory=View.owner_view)
    public: bool = False

    @classmethod
    def of(cls, value: bool | View | Mask | None, *, public: bool = False) -> Mask:
        """A mask from a view, another mask, or the old ``public`` flag (True = the public level)."""
        if isinstance(value, Mask):
            return cls(value.view, value.public or public) if public else value
        view = value if isinstance(value, View) else View.owner_view()
        public = public or value is True
        if public and view.full:
            view = View(True, False, STYRGRUPP, view.rules or DisclosureRules(), view.owner)
        return cls(view, public)

    @property
    def controlled(self) -> bool:
        """Disclosure control applies (below the owner's level, or the public audience)."""
        return self.view.controlled

    @property
    def hide_text(self) -> bool:
        """Free text not marked shareable is left out."""
        return self.public or self.view.controlled

    def hides(self, value: Any) -> bool:
        """``value`` is shown as ``..``."""
        return self.view.hides(value)

    def small(self, values: Sequence[Any]) -> bool:
        """Any of ``values`` is hidden (then what is derived from them is hidden too)."""
        return any(self.view.hides(v) for v in values)

    def n(self, value: Any, lang: str) -> str:
        """A count formatted for ``lang``, ``..`` when hidden, ``–`` when missing."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return formatting.count(value, lang=lang, hidden=self.hides(value))

    def place_shown(self, count: Any) -> bool:
        """A micro-place with ``count`` incidents may be shown on its own."""
        return self.view.place_shown(count)

    def too_few(self, lang: str) -> str:
        """``för få händelser för att visas (under 5)``."""
        return TOO_FEW["en" if lang == "en" else "sv"].format(k=self.view.rules.min_place)

    @property
    def min_cell(self) -> int:
        """Map cells with fewer incidents than this are blanked."""
        return self.view.rules.min_place if self.controlled else 1

    @property
    def min_heat(self) -> int:
        """Weekday × hour cells below this are blanked."""
        return self.view.rules.min_count if self.controlled else 0


# --- the document model ---------------------------------------------------------------------


@dataclass
class GoalStatus:
    """A goal's traffic light and one plain sentence on its uncertainty."""

    goal: Goal
    status: str  # grön | gul | röd | grå
    sentence: str
    change: float | None = None  # the place's own relative change per day (effektmål) or done/planned
    p_value: float | None = None
    counts: tuple[int, int] | None = None  # effektmål: incidents in the baseline and the follow-up period
    periods: tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp]] | None = None
    test: str = ""  # the test beside the change, in words
    hidden: bool = False  # below the owner's level the counts are too small to show (masked_goal)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the goal, its ``status``, ``change`` (fraction), ``p_value`` and sentence.

        When :attr:`hidden`, the counts, the change and the p-value are ``".."``.
        """
        data: dict[str, Any] = {
            "id": self.goal.id, "kind": self.goal.kind, "description": self.goal.description,
            "target_change": self.goal.target_change, "status": self.status,
            "change": HIDDEN if self.hidden else self.change, "p_value": HIDDEN if self.hidden else self.p_value,
            "sentence": self.sentence,
        }
        if self.counts is not None and self.periods is not None:
            (b0, b1), (a0, a1) = self.periods
            before, after = (HIDDEN, HIDDEN) if self.hidden else self.counts
            data["baseline"] = {"start": _iso(b0), "end": _iso(b1), "count": before}
            data["followup"] = {"start": _iso(a0), "end": _iso(a1), "count": after}
        if self.goal.kind != "effektmål":
            data.update(planned=self.goal.planned, done=self.goal.done, unit=self.goal.unit)
        return data


@dataclass
class FollowupOutcome:
    """The WDD follow-up of one measure, or why it could not be computed."""

    plan: FollowupPlan
    measure: Measure
    result: WDDResult | None
    message: str = ""
    series: dict[str, pd.DataFrame] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    place: Any = None  # the target as a place (a Hotspot or analysis.problem_numbers.Place)
    notice: str = ""  # which dataset it is counted on, when not the report's own
    mask: Mask | None = None  # how its counts are shown (its dataset's view); None = the report's


@dataclass
class Report:
    """A built report: the title page, the blocks and the numbers behind them."""

    title: str
    audience: str
    generated_at: datetime
    title_page: TitlePage
    blocks: list[Block]
    period: tuple[date, date]
    data_period: tuple[date, date]
    goal_statuses: list[GoalStatus] = field(default_factory=list)
    followups: list[FollowupOutcome] = field(default_factory=list)
    places: list[tuple[int, Hotspot, PlaceNumbers]] = field(default_factory=list)  # number, place, its Nu
    lang: str = "sv"  # the language of every heading, label and sentence
    notices: dict[int, str] = field(default_factory=dict)  # per hotspot id: the dataset it is counted on
    mask: Mask = field(default_factory=Mask)  # the reader's view of the report's own dataset
    place_masks: dict[int, Mask] = field(default_factory=dict)  # per place number: its dataset's view
    patterns: dict[int, PlacePatterns] = field(default_factory=dict)  # per place number: Mönster i tid och rum

    @property
    def level(self) -> str:
        """The view level the report is made for: ``egen``, ``gemensam`` or ``styrgrupp``."""
        return self.mask.view.level

    @property
    def view_label(self) -> str:
        """The sentence naming the view level and what it hides (:meth:`View.label`)."""
        return self.mask.view.label(self.lang)

    def to_dict(self) -> dict[str, Any]:
        """Every number and sentence the documents show, machine-readable (``samsyn report --out X.json``).

        ``goals``: per goal ``status``, ``change`` (a fraction), ``p_value`` and ``sentence``;
        ``followups``: per follow-up the eight counts, ``estimate``, ``se``, ``z``, ``p``, ``ci95``,
        the local and ring parts and the sentences; ``places``: per place the *then* and *now*
        numbers; ``document``: the text blocks in order. Sentences (``sentence``, ``sentences``,
        ``notes``, ``document``) are in the report's ``lang``; ``sentences_en`` is always English.
        Below the owner's level: counts of 1–2, and what is derived from them, are ``".."`` as in
        the documents; a place column under ``min_place`` has every number ``".."`` and ``too_few``
        says why. ``level`` and ``view`` name the view level.
        """
        lang = self.lang

        def masked_numbers(data: dict[str, Any], mask: Mask) -> dict[str, Any]:
            def count(value: Any) -> Any:
                return None if value is None else mask.view.masked(value)

            data = dict(data)
            if data.get("count") is not None and not mask.place_shown(data["count"]):
                for key in ("count", "count_previous_year", "change", "p_value", "verdict", "busiest",
                            "rate_per_1000"):
                    if key in data:
                        data[key] = HIDDEN
                data["top_categories"] = {k: HIDDEN for k in data.get("top_categories") or {}}
                data["too_few"] = mask.too_few(lang)
                return data
            small = mask.small([v for v in (data.get("count"), data.get("count_previous_year")) if v is not None])
            for key in ("count", "count_previous_year"):
                data[key] = count(data.get(key))
            if small:
                data.update(change=HIDDEN, p_value=HIDDEN, busiest=HIDDEN)
            data["top_categories"] = {k: count(v) for k, v in (data.get("top_categories") or {}).items()}
            return data

        places = []
        for number, hotspot, now in self.places:
            mask = self.place_masks.get(number, self.mask)
            then = snapshot_numbers(hotspot.snapshot)
            table = then_and_now(hotspot, now, mask, lang=lang)
            now_data = masked_numbers(now.to_dict(), mask)
            then_data = {**then, "period": list(then["period"]) if isinstance(then["period"], tuple)
                         else then["period"], "busiest": list(then["busiest"]) if then["busiest"] else None}
            then_data = masked_numbers(then_data, mask)
            places.append({
                "number": number, "id": hotspot.id, "title": hotspot.title,
                "counted": filter_text(hotspot.categories, hotspot.weekdays, hotspot.hours, lang=lang),
                "notice": self.notices.get(hotspot.id, "") if hotspot.id is not None else "",
                "then": then_data, "now": now_data,
                "table": {"columns": table.columns, "rows": [[str(c) for c in row] for row in table.rows]},
                "patterns": pattern_dict(self.patterns.get(number), view=mask.view,
                                         shown=mask.place_shown(now.count), too_few=mask.too_few(lang), lang=lang),
            })

        followups = []
        for outcome in self.followups:
            entry: dict[str, Any] = {"measure_id": outcome.measure.id, "measure": outcome.measure.title,
                                     "categories": list(outcome.categories), "message": outcome.message}
            result = outcome.result
            mask = outcome.mask or self.mask

            def count(value: float | None, mask: Mask = mask) -> float | str | None:
                return None if value is None else mask.view.masked(value)

            if result is not None:
                shown = bool(followup_parts(outcome, mask))
                areas = {"target": result.target, "control": result.control,
                         "displacement": result.displacement, "displacement_control": result.displacement_control}
                entry["counts"] = {name: None if c is None else {"before": count(c.before), "after": count(c.after)}
                                   for name, c in areas.items()}
                entry["periods"] = result.periods
                entry["time_weights"] = list(result.time_weights)
                if shown:
                    entry["local"] = {"estimate": result.est_local, "se": result.se_local, "p": result.p_local}
                if shown and not ring_hidden(result, mask):
                    entry.update(
                        estimate=result.est_total, se=result.se, z=result.z, p=result.p, ci95=list(result.ci95),
                        displacement={"estimate": result.est_displace, "se": result.se_displace,
                                      "p": result.p_displace} if result.displacement is not None else None,
                    )
                else:  # hidden below the owner's level, as in the documents
                    entry.update(estimate=HIDDEN, se=HIDDEN, z=HIDDEN, p=HIDDEN, ci95=HIDDEN, displacement=HIDDEN)
                entry["sentences"] = list(followup_parts(outcome, mask, lang=lang).values())
                entry["sentences_en"] = list(followup_parts(outcome, mask, lang="en").values())
                entry["notes"] = outcome.notes + wdd_notes(result, lang)
            followups.append(entry)

        document: list[dict[str, Any]] = []
        for block in self.blocks:
            if isinstance(block, Heading):
                document.append({"heading": block.text, "level": block.level})
            elif isinstance(block, Paragraph):
                document.append({"paragraph": block.text, "kind": block.kind})
            elif isinstance(block, BulletList):
                document.append({"list": list(block.items)})
            elif isinstance(block, Table):
                document.append({"table": block.caption, "columns": block.columns,
                                 "rows": [[str(c) for c in row] for row in block.rows]})
            elif isinstance(block, Image):
                document.append({"image": block.caption})
        return {
            "title": self.title, "audience": self.audience, "lang": self.lang,
            "level": self.level, "view": self.view_label,
            "generated_at": self.generated_at.isoformat(),
            "period": [_iso(self.period[0]), _iso(self.period[1])],
            "data_period": [_iso(self.data_period[0]), _iso(self.data_period[1])],
            "places": places, "goals": [s.to_dict() for s in self.goal_statuses], "followups": followups,
            "document": document,
        }

    def text(self) -> str:
        """All the report's text (title page, headings, paragraphs, lists, tables, captions)."""
        parts = [self.title_page.title, self.title_page.subtitle]
        parts += [f"{k}: {v}" for k, v in self.title_page.facts] + self.title_page.notices
        for block in self.blocks:
            if isinstance(block, Heading | Paragraph):
                parts.append(block.text)
            elif isinstance(block, BulletList):
                parts += block.items
            elif isinstance(block, Table):
                parts += [block.caption, " | ".join(block.columns)]
                parts += [" | ".join(str(c) for c in row) for row in block.rows]
            elif isinstance(block, Image):
                parts.append(block.caption)
        return "\n".join(p for p in parts if p)


# --- formatting -----------------------------------------------------------------------------


def _n(value: float, mask: Mask, lang: str = "sv") -> str:
    """A count; ``..`` for 1–2 below the owner's level (0 identifies nobody and stays 0)."""
    return mask.n(value, lang)


def _small(values: Sequence[float], mask: Mask) -> bool:
    return mask.small(values)


def _change(percent: float | None, lang: str) -> str:
    """A change given in per cent (``-24.6`` → ``−25 %``); ``–`` when there is none."""
    if percent is None or not math.isfinite(percent):
        return "–"
    return formatting.change_percent(percent / 100, lang=lang)


def _iso(value: date | datetime | pd.Timestamp | str) -> str:
    """A date as ISO 8601 for the machine-readable JSON (not for sentences: those use core.formatting)."""
    return pd.Timestamp(value).date().isoformat()


def _day(value: date | datetime | pd.Timestamp | str, lang: str) -> str:
    return formatting.short_date(pd.Timestamp(value).date(), lang=lang)


def _span(start: str, end: str, lang: str = "sv") -> str:
    if not start and not end:
        return "–"
    first = _day(start, lang) if start else "…"
    last = _day(end, lang) if end else tr("tills vidare", lang)
    return f"{first}{EN_DASH}{last}"


def _plural(count: int, one: str, many: str, lang: str) -> str:
    return f"{formatting.count(count, lang=lang)} {tr(one if count == 1 else many, lang)}"


def _categories(categories: Sequence[str], lang: str = "sv") -> str:
    return ", ".join(categories) if categories else tr("alla kategorier", lang)


# --- data helpers ---------------------------------------------------------------------------


def _check_incidents(incidents: pd.DataFrame) -> None:
    missing = [c for c in ("x", "y", "occurred_from", "category") if c not in incidents]
    if missing:
        raise InputError(f"Händelserna saknar kolumnerna {', '.join(missing)}.")
    if len(incidents) == 0:
        raise InputError("Det finns inga händelser att göra en rapport av.")


def _report_period(last: date) -> tuple[date, date]:
    """The last 12 whole months of data."""
    month_end = calendar.monthrange(last.year, last.month)[1]
    end = last if last.day == month_end else (pd.Timestamp(last).replace(day=1) - pd.Timedelta(days=1)).date()
    start = (pd.Timestamp(end) + pd.Timedelta(days=1) - pd.DateOffset(years=1)).date()
    return start, end


def _geometry(hotspot: Hotspot) -> BaseGeometry:
    return place_geometry(hotspot.geometry_wkt, title=hotspot.title)


def _active(items: list[Any]) -> list[Any]:
    return [i for i in items if not getattr(i, "archived", False) and getattr(i, "merged_into", None) is None]


# --- goals and follow-up --------------------------------------------------------------------


LIGHT_RULE_SV = (
    "Trafikljus för effektmål: förändringen är platsens egen, från basperioden till "
    "uppföljningsperioden, räknad per dag så att olika långa perioder går att jämföra (en minskning "
    "kan aldrig bli större än −100 %). Grön när förändringen når målet och är säkrare än slumpen: "
    "med ett jämförelseområde ska platsen också ha minskat mer än jämförelseområdet (WDD-testets "
    "jämförelse mellan målområde och jämförelseområde, p < 0,05); utan jämförelseområde ska "
    "förändringen vara större än normal slumpvariation (Poissontest, p < 0,05). Gul när förändringen "
    "går åt rätt håll men inte når målet eller inte är säker. Röd när den inte går åt målets håll. "
    "Grå när det ännu inte går att mäta (ingen plats, ingen basperiod, inga händelser under "
    "basperioden eller uppföljningsperioden är inte slut). Process- och produktionsmål: grön när "
    "allt planerat är utfört, gul vid minst hälften, annars röd."
)
LIGHT_RULE_EN = (
    "Traffic lights for impact goals: the change is the place's own, from the baseline period to the "
    "follow-up period, counted per day so that periods of different length compare (a fall can never "
    "exceed −100%). Green when the change reaches the goal and is beyond chance: with a comparison "
    "area the place must also have fallen more than the comparison area (the WDD test's comparison of "
    "target and comparison area, p < 0.05); without one the change must be larger than normal random "
    "variation (Poisson test, p < 0.05). Yellow when it moves the goal's way but falls short or is "
    "uncertain. Red when it does not move the goal's way. Grey when it cannot be measured yet. Process "
    "and output goals: green when everything planned is done, yellow at half or more, else red."
)


def effect_change(before: int, after: int, days_before: int, days_after: int) -> float:
    """A place's own relative change from the baseline to the follow-up period, per day.

    ``(after / days_after) / (before / days_before) − 1``: always ≥ −1 (−100 %), and equal to the
    plain change ``after / before − 1`` when the periods are equally long.

    Examples
    --------
    >>> effect_change(10, 3, 365, 365)
    -0.7
    >>> round(effect_change(10, 3, 365, 182), 3)  # half the time: 3 in 182 days is 6,0 per 365
    -0.398
    """
    if before <= 0 or days_before <= 0 or days_after <= 0:
        raise ValueError("The baseline needs incidents and both periods days.")
    return (after / days_after) / (before / days_before) - 1.0


def effect_light(change: float, target: float | None, p_value: float, *, beyond: bool | None = None) -> str:
    """The traffic light of an effektmål (the rule in :data:`LIGHT_RULE_SV`, the report's method section).

    Parameters
    ----------
    change
        The place's own change (:func:`effect_change`), a fraction.
    target
        The goal, e.g. ``-0.2``; ``None`` = "a fall".
    p_value
        The own Poisson test of the change (used when there is no comparison area).
    beyond
        With a comparison area: whether the place changed more than it, in the goal's direction, at
        p < 0,05 (the WDD comparison). ``None`` when there is no comparison area.

    Examples
    --------
    >>> effect_light(-0.7, -0.2, 0.04), effect_light(-0.7, -0.2, 0.2), effect_light(0.1, -0.2, 0.01)
    ('grön', 'gul', 'röd')
    >>> effect_light(-0.3, -0.2, 0.001, beyond=False), effect_light(-0.1, -0.2, 0.001, beyond=True)
    ('gul', 'gul')
    """
    direction = 1.0 if target is not None and target > 0 else -1.0
    moved = change * direction
    if moved <= 0:
        return "röd"
    reached = target is None or moved >= abs(target)
    sure = (p_value < 0.05) if beyond is None else beyond
    return "grön" if reached and sure else "gul"


GOAL_WORDS = {
    "sv": {
        "counted": "{what} vid platsen: {before} händelser under {first} och {after} under {second}",
        "per_day": ", räknat per dag",
        "change": "förändring {change}, målet {target}",
        "fall": "en minskning",
        "grön_wdd": "Målet är nått, och platsen minskade mer än jämförelseområdet ({test}); andra förändringar i "
                    "området kan ändå ha bidragit.",
        "grön": "Målet är nått, och förändringen är större än normal slumpvariation ({test}); utan "
                "jämförelseområde kan den också bero på något som hänt i hela orten.",
        "reached_wdd": "Förändringen når målet men platsen har inte säkert minskat mer än jämförelseområdet ({test}).",
        "reached": "Förändringen når målet men kan bero på slumpen ({test}).",
        "short_sure_wdd": "Utvecklingen går åt rätt håll och mer än i jämförelseområdet ({test}) men når ännu inte "
                          "målet.",
        "short_sure": "Förändringen är större än normal slumpvariation ({test}) men når ännu inte målet.",
        "short_wdd": "Utvecklingen går åt rätt håll men når inte målet och är inte säkert större än i "
                     "jämförelseområdet ({test}).",
        "short": "Utvecklingen går åt rätt håll men når inte målet och kan bero på slumpen ({test}).",
        "wrong_sure": "Utvecklingen går åt fel håll och är större än normal slumpvariation ({test}).",
        "wrong": "Utvecklingen går åt fel håll men ryms inom normal slumpvariation ({test}).",
        "wdd_test": "WDD-test mot jämförelseområdet: {est} händelser, {p}",
        "poisson_test": "Poissontest, {p}",
        "no_place": "Målet saknar plats eller basperiod, så det kan inte mätas ännu.",
        "not_yet": "Ännu inte mätbart: uppföljningsperioden slutar {end} men data finns bara till {data_end}.",
        "no_base": "Inga händelser under basperioden; förändringen kan inte mätas.",
        "not_filled": "Planerat och utfört är inte ifyllt ännu, så målet kan inte bedömas.",
        "done": "{done} av {planned}{unit} utfört ({ratio}). Siffrorna är parternas egna uppgifter och säger inget "
                "om effekten på brottsligheten.",
        "all": "alla kategorier",
    },
    "en": {
        "counted": "{what} at the place: {before} incidents in {first} and {after} in {second}",
        "per_day": ", counted per day",
        "change": "change {change}, goal {target}",
        "fall": "a fall",
        "grön_wdd": "The goal is reached, and the place fell more than the comparison area ({test}); other changes "
                    "in the area may still have contributed.",
        "grön": "The goal is reached, and the change is larger than normal random variation ({test}); without a "
                "comparison area it may also reflect something that happened in the whole town.",
        "reached_wdd": "The change reaches the goal but the place has not reliably fallen more than the comparison "
                       "area ({test}).",
        "reached": "The change reaches the goal but may be chance ({test}).",
        "short_sure_wdd": "It moves the right way and more than the comparison area ({test}) but does not reach "
                          "the goal yet.",
        "short_sure": "The change is larger than normal random variation ({test}) but does not reach the goal yet.",
        "short_wdd": "It moves the right way but falls short of the goal and is not reliably larger than in the "
                     "comparison area ({test}).",
        "short": "It moves the right way but falls short of the goal and may be chance ({test}).",
        "wrong_sure": "It moves the wrong way, more than normal random variation ({test}).",
        "wrong": "It moves the wrong way, within normal random variation ({test}).",
        "wdd_test": "WDD test against the comparison area: {est} incidents, {p}",
        "poisson_test": "Poisson test, {p}",
        "no_place": "The goal has no place or baseline period, so it cannot be measured yet.",
        "not_yet": "Not measurable yet: the follow-up period ends {end} but data only reach {data_end}.",
        "no_base": "No incidents in the baseline period; the change cannot be measured.",
        "not_filled": "Planned and done are not filled in yet, so the goal cannot be assessed.",
        "done": "{done} of {planned}{unit} done ({ratio}). These are the parties' own figures and say nothing about "
                "the effect on crime.",
        "all": "all categories",
    },
}


def _effect_sentence(
    status: str, change: float, target: float | None, test: str, *, with_comparison: bool, p_or_beyond: bool,
    lang: str,
) -> str:
    words = GOAL_WORDS[lang]
    suffix = "_wdd" if with_comparison else ""
    if status == "grön":
        return words["grön" + suffix].format(test=test)
    if status == "röd":
        return words["wrong_sure" if p_or_beyond else "wrong"].format(test=test)
    direction = 1.0 if target is not None and target > 0 else -1.0
    reached = target is None or change * direction >= abs(target)
    if reached:
        return words["reached" + suffix].format(test=test)
    return words[("short_sure" if p_or_beyond else "short") + suffix].format(test=test)


def _goal_periods(goal: Goal, outcome: FollowupOutcome | None) -> tuple[tuple[pd.Timestamp, pd.Timestamp] | None,
                                                                      tuple[pd.Timestamp, pd.Timestamp] | None]:
    periods = (outcome.result.periods or {}) if outcome is not None and outcome.result is not None else {}
    if goal.baseline_start and goal.baseline_end:
        baseline = (pd.Timestamp(goal.baseline_start), pd.Timestamp(goal.baseline_end))
    elif "before" in periods:
        baseline = (pd.Timestamp(periods["before"]["start"]), pd.Timestamp(periods["before"]["end"]))
    else:
        return None, None
    if goal.followup_start and goal.followup_end:
        later = (pd.Timestamp(goal.followup_start), pd.Timestamp(goal.followup_end))
    elif "after" in periods and not (goal.baseline_start and goal.baseline_end):
        later = (pd.Timestamp(periods["after"]["start"]), pd.Timestamp(periods["after"]["end"]))
    else:
        later = (baseline[0] + pd.DateOffset(years=1), baseline[1] + pd.DateOffset(years=1))
    return baseline, later


def evaluate_goal(
    goal: Goal,
    *,
    incidents: pd.DataFrame,
    hotspots: dict[int, Hotspot],
    outcomes: dict[int, FollowupOutcome],
    data_end: date,
    lang: str = "sv",
) -> GoalStatus:
    """Traffic light of a goal with one plain sentence on its uncertainty.

    Effektmål: the change is the place's own change from the baseline period to the follow-up
    period, per day (:func:`effect_change`, never below −100 %), counted with
    :func:`analysis.problem_numbers.place_incidents` (the goal's categories, all hours). When the
    goal's measure has a follow-up, its WDD comparison of the target with the comparison area is
    the test beside it; otherwise the exact Poisson test of the two counts. The light follows
    :func:`effect_light` (the rule in :data:`LIGHT_RULE_SV`). The baseline is the goal's own, else
    the follow-up's before period; the follow-up period the goal's own, else the follow-up's after
    period, else the baseline a year later. Process- and produktionsmål: done / planned ≥ 1 green,
    ≥ 0,5 yellow, else red; grey when not filled in.
    """
    words = GOAL_WORDS[lang]
    if goal.kind != "effektmål":
        if goal.planned is None or goal.planned <= 0 or goal.done is None:
            return GoalStatus(goal, "grå", words["not_filled"])
        ratio = goal.done / goal.planned
        status = "grön" if ratio >= 1 else "gul" if ratio >= 0.5 else "röd"
        unit = f" {goal.unit}" if goal.unit else ""
        sentence = words["done"].format(done=formatting.count(goal.done, lang=lang),
                                        planned=formatting.count(goal.planned, lang=lang), unit=unit,
                                        ratio=formatting.percent(ratio, lang=lang))
        return GoalStatus(goal, status, sentence, ratio)

    outcome = outcomes.get(goal.measure_id) if goal.measure_id is not None else None
    hotspot = hotspots.get(goal.hotspot_id) if goal.hotspot_id is not None else None
    place = hotspot if hotspot is not None else (outcome.place if outcome is not None else None)
    baseline, later = _goal_periods(goal, outcome)
    if place is None or baseline is None or later is None:
        return GoalStatus(goal, "grå", words["no_place"])
    if later[1].date() > data_end:
        return GoalStatus(goal, "grå", words["not_yet"].format(end=formatting.short_date(later[1], lang=lang),
                                                               data_end=formatting.short_date(data_end, lang=lang)))
    categories = list(goal.categories) or (list(outcome.categories) if outcome is not None else []) or list(
        place.categories or [])
    at_place = place_incidents(incidents, place, start=baseline[0], end=later[1], categories=categories,
                               time_window=False)
    before = len(filter_incidents(at_place, start=baseline[0], end=baseline[1]))
    after = len(filter_incidents(at_place, start=later[0], end=later[1]))
    if before == 0:
        return GoalStatus(goal, "grå", words["no_base"])
    days_before = (baseline[1] - baseline[0]).days + 1
    days_after = (later[1] - later[0]).days + 1
    change = effect_change(before, after, days_before, days_after)
    poisson = poisson_change_test(before, after, exposure_ratio=days_after / days_before)
    result = outcome.result if outcome is not None else None
    if result is not None:
        beyond = bool(result.p_local < 0.05 and result.est_local * (1 if (goal.target_change or -1) > 0 else -1) > 0)
        decimals = 0 if result.time_weights == (1.0, 1.0) else 1
        test = words["wdd_test"].format(est=formatting.number(result.est_local, decimals, lang=lang, signed=True),
                                        p=formatting.p_value(result.p_local, lang=lang))
        p_value = result.p_local
    else:
        beyond = None
        test = words["poisson_test"].format(p=formatting.p_value(poisson.p_value, lang=lang))
        p_value = poisson.p_value
    status = effect_light(change, goal.target_change, poisson.p_value, beyond=beyond)
    what = formatting.listing([display_name(c, lang=lang) for c in categories], lang=lang) if categories else words["all"]
    counted = words["counted"].format(
        what=what[:1].upper() + what[1:], before=formatting.number(before, lang=lang),
        first=formatting.date_span(*baseline, lang=lang), after=formatting.number(after, lang=lang),
        second=formatting.date_span(*later, lang=lang))
    if days_before != days_after:
        counted += words["per_day"]
    goal_text = formatting.percent(goal.target_change, lang=lang, signed=True) if goal.target_change is not None \
        else words["fall"]
    counted += f" ({words['change'].format(change=formatting.percent(change, lang=lang, signed=True), target=goal_text)})."
    sure = beyond if beyond is not None else poisson.p_value < 0.05
    sentence = _effect_sentence(status, change, goal.target_change, test, with_comparison=beyond is not None,
                                p_or_beyond=bool(sure) if status != "röd" else poisson.p_value < 0.05, lang=lang)
    return GoalStatus(goal, status, f"{counted} {sentence}", change, p_value, counts=(before, after),
                      periods=(baseline, later), test=test)


def masked_goal(status: GoalStatus, view: View | Mask | bool | None, *, lang: str = "sv") -> GoalStatus:
    """The goal's status as a reader at ``view`` may see it.

    An effektmål counts a micro-place: below the owner's level, when either of its two counts is
    hidden or under ``min_place``, the sentence says only what was counted and that there are too
    few incidents to show (the light stays: it names no number), and :attr:`GoalStatus.hidden` is
    set so the JSON shows ``".."``.

    Examples
    --------
    >>> from core.disclosure import View
    >>> from store.model import Goal
    >>> status = GoalStatus(Goal("effektmål", "Färre rån", id=1), "gul", "Rån vid platsen: 4 …", -0.5, 0.4,
    ...                     counts=(4, 2))
    >>> hidden = masked_goal(status, View(True, False, "gemensam"))
    >>> hidden.sentence, hidden.hidden, hidden.to_dict()["p_value"]
    ('Effektmålet räknar för få händelser för att visas (under 5).', True, '..')
    >>> masked_goal(status, View.owner_view()).sentence
    'Rån vid platsen: 4 …'
    """
    mask = Mask.of(view)
    if status.counts is None or not mask.controlled:
        return status
    if not mask.small(status.counts) and all(mask.place_shown(c) for c in status.counts):
        return status
    sentence = (f"The impact goal counts {mask.too_few('en')}." if lang == "en"
                else f"Effektmålet räknar {mask.too_few('sv')}.")
    return replace(status, sentence=sentence, test="", hidden=True)


def _with_categories(hotspot: Hotspot, categories: Sequence[str]) -> Hotspot:
    """A copy of ``hotspot`` counting ``categories`` instead of its own (when given)."""
    return replace(hotspot, categories=list(categories)) if categories else hotspot


def run_followup(
    plan: FollowupPlan,
    *,
    measures: dict[int, Measure],
    hotspots: dict[int, Hotspot],
    goals: list[Goal],
    incidents: pd.DataFrame,
    data_end: date,
    public: bool | View | Mask,
    lang: str = "sv",
) -> FollowupOutcome | None:
    """Run one follow-up plan: count the target, the comparison area and the ring, and the WDD test.

    ``public`` (True, or a controlled :class:`View`) counts the trend per quarter instead of per month.

    ``None`` when the plan's measure is not (or no longer) in the picture; an outcome with a
    ``message`` (in ``lang``) and no result when the follow-up cannot be computed yet.
    """
    measure = measures.get(plan.measure_id)
    if measure is None:
        return None
    hotspot_id = plan.hotspot_id if plan.hotspot_id is not None else (measure.hotspot_ids or [None])[0]
    hotspot = hotspots.get(hotspot_id) if hotspot_id is not None else None
    categories = list(plan.categories)
    if not categories:
        for goal in goals:
            if goal.kind == "effektmål" and goal.measure_id == measure.id and goal.categories:
                categories = list(goal.categories)
                break
    if not categories and hotspot is not None:
        categories = list(hotspot.categories)

    def fail(message: str) -> FollowupOutcome:
        return FollowupOutcome(plan, measure, None, message, categories=categories,
                               place=hotspot if not plan.target_wkt else Place(plan.target_wkt, categories))

    if plan.target_wkt:
        place: Any = Place(plan.target_wkt, categories, title=measure.title)
    elif hotspot is not None:
        place = hotspot
    else:
        return fail(tr("Målområde saknas: åtgärden är inte kopplad till någon plats.", lang))
    if not plan.control_wkt:
        return fail(tr("Jämförelseområde saknas, så effekten kan inte jämföras.", lang))
    # The target is counted as every place count is (analysis.problem_numbers): the same geometry and
    # buffer, the follow-up's categories, all weekdays and hours (the control is counted the same way).
    target = place_geometry(place.geometry_wkt, title=getattr(place, "title", ""))
    control = shapely.from_wkt(plan.control_wkt)
    notes: list[str] = []
    occupied = target.buffer(plan.displacement_m) if plan.displacement_m else target
    if shapely.intersection(control, occupied).area > 0:
        # Counting the same incidents on both sides would hide part of the effect.
        control = shapely.difference(control, occupied)
        notes.append(tr("Jämförelseområdet överlappade målområdet eller området runt omkring; den delen har "
                        "tagits bort ur jämförelseområdet så att inga händelser räknas två gånger.", lang))
    if control.is_empty:
        return fail(tr("Jämförelseområdet ligger helt inom målområdet eller området runt omkring.", lang))
    if not measure.start:
        return fail(tr("Åtgärden saknar startdatum.", lang))
    start = pd.Timestamp(measure.start)
    if start.date() > data_end:
        return fail(tr("Ännu inte mätbart: åtgärden startar {start} och data finns till {end}.", lang).format(
            start=_day(start, lang), end=_day(data_end, lang)))
    before = plan.before or (_iso(start - pd.DateOffset(years=1)), _iso(start - pd.Timedelta(days=1)))
    after = plan.after or (_iso(start), _iso(data_end))
    subset = filter_incidents(incidents, categories=categories or None)
    label = categories[0].lower() if len(categories) == 1 else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the same text is in the result's notes
            result = followup(
                subset, target=target, control=control, displacement_buffer=plan.displacement_m or None,
                before=before, after=after, label=label,
            )
    except InputError as error:
        return fail(str(error))
    freq = "Q" if Mask.of(public).controlled else "M"
    # Whole months (quarters) only: a half-filled first or last period would look like a dip.
    first = pd.Period(pd.Timestamp(before[0]), freq).start_time
    if first < pd.Timestamp(before[0]) and first < pd.Timestamp(incidents["occurred_from"].min()).normalize():
        first = (pd.Period(first, freq) + 1).start_time
    last_period = pd.Period(pd.Timestamp(after[1]), freq)
    last = last_period.end_time.normalize()
    if last.date() > data_end:
        last = (last_period - 1).end_time.normalize()
    areas = {tr("Målområdet", lang): target, plan.control_name or tr("Jämförelseområdet", lang): control}
    if plan.displacement_m:
        areas[_ring_name(plan.displacement_m, lang)] = shapely.difference(
            target.buffer(plan.displacement_m), target
        )
    series = {
        name: counts_over_time(within_geometry(subset, area), freq=freq, start=first, end=last)
        for name, area in areas.items()
    }
    return FollowupOutcome(plan, measure, result, series=series, categories=categories, notes=notes, place=place)


# --- sections -------------------------------------------------------------------------------


def _title_page(
    title: str, picture: ProblemPicture, organisation_names: Sequence[str], generated_at: datetime,
    data_period: tuple[date, date], period: tuple[date, date], audience: str, version: str, lang: str = "sv",
) -> TitlePage:
    when = f"{_day(generated_at, lang)} {generated_at:%H:%M}"
    facts = [
        (tr("Parter", lang), ", ".join(organisation_names)),
        (tr("Datum", lang), _day(generated_at, lang)),
        (tr("Data", lang), f"{_day(data_period[0], lang)}{EN_DASH}{_day(data_period[1], lang)}"),
        (tr("Lägesbildens period", lang), f"{_day(period[0], lang)}{EN_DASH}{_day(period[1], lang)}"),
        (tr("Version", lang), tr("{version}, skapad {when} med Samsyn", lang).format(version=version, when=when)),
    ]
    notices = [tr(LAW_LINE, lang), tr(AUDIENCE_TEXT[audience], lang)]
    if picture.is_sample:
        notices.insert(0, tr(SAMPLE_LINE, lang))
    subtitle = tr("Kommunens och polisens gemensamma problembild, analys, åtgärder, mål och uppföljning", lang)
    return TitlePage(title, subtitle, facts, notices)


def _summary(
    hotspots: list[Hotspot], measures: list[Measure], statuses: list[GoalStatus], period: tuple[date, date],
    lang: str = "sv",
) -> list[Block]:
    blocks: list[Block] = [Heading(tr("Sammanfattning", lang))]
    goals = f"{formatting.count(len(statuses), lang=lang)} " + (
        tr("mål", lang) if lang == "sv" or len(statuses) == 1 else tr("mål_många", lang))
    blocks.append(Paragraph(
        tr("Problembilden har {places}, {measures} och {goals}. Lägesbilden avser {period}.", lang).format(
            places=_plural(len(hotspots), "utpekad plats", "utpekade platser", lang),
            measures=_plural(len(measures), "åtgärd", "åtgärder", lang), goals=goals,
            period=formatting.period_label(*period, lang=lang)),
        "lead",
    ))
    rows: list[list[Cell]] = []
    for status in STATUSES:
        counts = [sum(1 for h in hotspots if h.status == status and h.priority == p) for p in PRIORITIES]
        if sum(counts):
            rows.append([term(status, lang).capitalize(), *[str(c) for c in counts], str(sum(counts))])
    rows.append([tr("Totalt", lang), *[str(sum(1 for h in hotspots if h.priority == p)) for p in PRIORITIES],
                 str(len(hotspots))])
    blocks.append(Table([tr(c, lang) for c in ("Status", "Prioritet 1 (högst)", "Prioritet 2", "Prioritet 3",
                                                "Totalt")], rows,
                        tr("Utpekade platser efter status och prioritet", lang)))
    measure_rows: list[list[Cell]] = [
        [term(s, lang).capitalize(), str(sum(1 for m in measures if m.status == s))] for s in MEASURE_STATUSES
    ]
    blocks.append(Table([tr("Status", lang), tr("Antal åtgärder", lang)], measure_rows,
                        tr("Åtgärder efter status", lang), [3, 1]))
    if statuses:
        goal_rows: list[list[Cell]] = [
            [term(s.goal.kind, lang).capitalize(), s.goal.description, Light(s.status, s.sentence, lang)]
            for s in statuses
        ]
        blocks.append(Table([tr("Typ", lang), tr("Mål", lang), tr("Status och osäkerhet", lang)], goal_rows,
                            tr("Målen med trafikljus: grön = uppnått, gul = på väg men osäkert, röd = fel håll, "
                               "grå = ännu inte mätbart", lang), [1.2, 2.5, 4]))
    return blocks


def _situation(
    incidents: pd.DataFrame,
    period: tuple[date, date],
    *,
    districts: gpd.GeoDataFrame | None,
    background: gpd.GeoDataFrame | None,
    numbered: list[tuple[int, Hotspot]],
    survey: pd.DataFrame | None,
    mask: Mask,
    lang: str = "sv",
) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(tr("Lägesbild", lang))]
    in_period = filter_incidents(incidents, start=period[0], end=period[1])
    label = formatting.period_label(*period, lang=lang)
    blocks.append(Paragraph(tr(
        "Under {period} registrerades {count} händelser i underlaget. Kartan visar antal händelser per ruta "
        "(250 × 250 m) och de utpekade platserna med nummer.", lang).format(
            period=label, count=_n(len(in_period), mask, lang))))
    if districts is not None and len(districts):
        bounds = tuple(districts.total_bounds)
    else:
        bounds = (incidents["x"].min(), incidents["y"].min(), incidents["x"].max(), incidents["y"].max())
    pad = 0.03 * max(bounds[2] - bounds[0], bounds[3] - bounds[1])
    bounds = (bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    outlines = [(str(number), _geometry(h)) for number, h in numbered]
    png = figures.map_png(bounds=bounds, districts=districts, background=background, incidents=in_period,
                          cell=250.0, min_count=mask.min_cell, outlines=outlines,
                          count_label=tr("Antal händelser per ruta", lang))
    blocks.append(Image(png, tr("Översiktskarta: händelser per ruta {period} och utpekade platser (nummer).",
                                lang).format(period=label),
                        tr("Karta över orten med stadsdelar, rutor färgade efter antal händelser och numrerade "
                           "platser.", lang)))
    table = same_period_last_year(incidents, period[0], period[1], by="category", lang=lang)
    table = table.sort_values(["after", "before"], ascending=False)
    shown, rest = table.head(15), table.iloc[15:]
    previous = str(table["previous_period"].iloc[0]) if len(table) else ""
    rows: list[list[Cell]] = []
    for record in shown.to_dict("records"):
        small = _small([record["before"], record["after"]], mask)
        rows.append([
            str(record["category"]), _n(record["before"], mask, lang), _n(record["after"], mask, lang),
            HIDDEN if small else _change(record["change_pct"], lang),
            HIDDEN if small else str(record["verdict" if lang == "sv" else "verdict_text"]),
        ])
    if len(rest):
        rows.append([tr("Övriga {count} kategorier", lang).format(count=len(rest)),
                     _n(int(rest["before"].sum()), mask, lang), _n(int(rest["after"].sum()), mask, lang), "", ""])
    blocks.append(Table([tr("Kategori", lang), previous, label, tr("Förändring", lang),
                         tr("Bedömning (Poissontest)", lang)], rows,
                        tr("Antal per kategori {period} jämfört med samma period året innan", lang).format(
                            period=label), [4.5, 2.2, 2.2, 2.3, 3.5]))
    blocks.append(Paragraph(tr(
        "”Inom slumpvariation” betyder att förändringen är så liten att den lika gärna kan bero på slumpen "
        "(p ≥ {p}).", lang).format(p=formatting.number(0.05, 2, lang=lang)), "note"))
    heat = weekday_hour(in_period)
    blocks.append(Image(
        figures.heatmap_png(heat.matrix, min_count=mask.min_heat, lang=lang),
        tr("Veckodag och timme {period}, alla kategorier (aoristisk viktning, {count} händelser med för långt "
           "tidsfönster är inte med).", lang).format(period=label, count=_n(heat.unknown, mask, lang)),
        tr("Värmekarta med veckodagar som rader och timmar som kolumner.", lang),
    ))
    if survey is not None and len(survey):
        blocks += _survey_block(survey, lang)
    return blocks


def _survey_block(survey: pd.DataFrame, lang: str = "sv") -> list[Block]:
    needed = {"area_id", "year", "label", "value", "unit"}
    if not needed <= set(survey.columns):
        return []
    latest = survey[survey["year"] == survey["year"].max()]
    shares = latest[latest["unit"] == "share"]
    if not len(shares):
        return []
    rows: list[list[Cell]] = []
    for label, group in shares.groupby("label", sort=False):
        values = group["value"].astype(float)
        low = formatting.number(100 * values.min(), lang=lang)
        rows.append([str(label), f"{low}–{formatting.percent(values.max(), lang=lang)}", str(len(group))])
    return [Table([tr("Fråga (trygghetsmätning)", lang), tr("Spann mellan områden", lang), tr("Områden", lang)],
                  rows[:8], tr("Trygghetsmätning {year}: andelar per område (se 95 %-intervall i Samsyn)",
                               lang).format(year=int(latest["year"].iloc[0])), [4, 1.5, 1])]


def _change_text(change: float | None, verdict: str | None, hidden: bool, lang: str = "sv") -> str:
    """``−24 %, en minskning större än normal slumpvariation`` — the change with its plain verdict."""
    if hidden:
        return HIDDEN
    if change is None:
        return tr("– (inga händelser året innan)", lang)
    pct = formatting.change_percent(change, lang=lang)
    words = {"ökning": "en ökning större än normal slumpvariation",
             "minskning": "en minskning större än normal slumpvariation",
             "inom slumpvariation": "inom normal slumpvariation"}
    return f"{pct}, {tr(words[verdict], lang)}" if verdict in words else pct


def _categories_text(top: dict[str, int], mask: Mask, lang: str = "sv") -> str:
    if not top:
        return "–"
    return ", ".join(f"{name} {_n(count, mask, lang)}" for name, count in top.items())


def _period_text(period: tuple[str, str] | str | None, lang: str = "sv") -> str:
    if period is None:
        return "–"
    if isinstance(period, str):
        return period
    return formatting.date_span(*period, lang=lang)


def then_and_now(hotspot: Hotspot, now: PlaceNumbers, public: bool | View | Mask, *, lang: str = "sv") -> Table:
    """The readable table of a place's numbers when it was pinned (*Då*) and now (*Nu*).

    Rows: period, count, the same period a year earlier, the change with its verdict, the busiest
    hour and the categories. Old snapshots are read through :func:`analysis.snapshot.snapshot_numbers`,
    so no stored key is ever shown. Below the owner's level (``public`` True, or a controlled
    :class:`View`): counts of 1–2 and the numbers derived from them are "..", and a column whose
    count is under ``min_place`` says :data:`TOO_FEW` instead of its numbers.
    """
    then = snapshot_numbers(hotspot.snapshot)
    mask = Mask.of(public)

    def column(period, count, previous, change, verdict, busiest, top) -> list[str]:
        if count is not None and not mask.place_shown(count):
            return [_period_text(period, lang), mask.too_few(lang), HIDDEN, HIDDEN, HIDDEN, HIDDEN]
        small = _small([v for v in (count, previous) if v is not None], mask)
        return [
            _period_text(period, lang),
            _n(count, mask, lang) if count is not None else "–",
            _n(previous, mask, lang) if previous is not None else "–",
            _change_text(change, verdict, small, lang) if count is not None and previous is not None else "–",
            HIDDEN if small and busiest else busiest_text(busiest, lang=lang),
            _categories_text(top, mask, lang),
        ]

    then_column = column(then["period"], then["count"], then["count_previous_year"], then["change"],
                         then["verdict"], then["busiest"], then["top_categories"])
    now_column = column((now.start.isoformat(), now.end.isoformat()), now.count, now.count_previous_year,
                        now.change, now.verdict, now.busiest, now.top_categories)
    labels = [tr(label, lang) for label in ("Period", "Antal händelser", "Samma period året innan", "Förändring",
                                             "Flest händelser", "Kategorier")]
    rows: list[list[Cell]] = [[label, a, b] for label, a, b in zip(labels, then_column, now_column, strict=True)]
    return Table(["", tr("Då (när platsen pekades ut)", lang), tr("Nu", lang)], rows,
                 tr("Siffrorna när platsen pekades ut och i dag", lang), [2, 3, 3])


def _area_text(hotspot: Hotspot, lang: str = "sv") -> str:
    kind = shapely.from_wkt(hotspot.geometry_wkt).geom_type
    metres = formatting.number(PLACE_BUFFER_M, lang=lang)
    if kind in ("Point", "MultiPoint"):
        return tr("inom {metres} m från den utpekade punkten", lang).format(metres=metres)
    if kind in ("LineString", "MultiLineString"):
        return tr("inom {metres} m från den utpekade gatan", lang).format(metres=metres)
    return tr("inom den utpekade ytan (kanten räknas med)", lang)


def _causes_table(causes: list[Cause], mask: Mask, lang: str = "sv") -> Table | None:
    if not causes:
        return None
    rows: list[list[Cell]] = []
    for perspective in PERSPECTIVES:
        cells: list[Cell] = [term(perspective, lang).capitalize()]
        for proximity in PROXIMITIES:
            texts = []
            for cause in causes:
                if cause.perspective != perspective or cause.proximity != proximity:
                    continue
                if mask.hide_text and not cause.shareable:
                    texts.append(tr("(orsak dokumenterad; texten delas inte)", lang))
                else:
                    texts.append(f"• {cause.text}")
            cells.append("\n".join(texts) if texts else "–")
        if any(c != "–" for c in cells[1:]):
            rows.append(cells)
    return Table([tr("Perspektiv", lang), tr("Närliggande orsaker", lang), tr("Avlägsna orsaker", lang)], rows,
                 tr("Orsaker per perspektiv: närliggande och avlägsna", lang), [1.3, 3, 3])


def _hotspot_section(
    number: int,
    hotspot: Hotspot,
    *,
    incidents: pd.DataFrame | None,
    period: tuple[date, date],
    districts: gpd.GeoDataFrame | None,
    background: gpd.GeoDataFrame | None,
    causes: list[Cause],
    measures: list[Measure],
    goal_statuses: list[GoalStatus],
    plans: list[FollowupPlan],
    now: PlaceNumbers | None,
    mask: Mask,
    notice: str = "",
    lang: str = "sv",
    patterns: list[Block] | None = None,
) -> list[Block]:
    blocks: list[Block] = [Heading(tr("Plats {number}: {title}", lang).format(number=number, title=hotspot.title),
                                   2)]
    if number > 1:
        blocks.insert(0, PageBreak())
    organisation = tr(ORGANISATION_NAMES[hotspot.organisation], lang) if hotspot.organisation in \
        ORGANISATION_NAMES else hotspot.organisation
    facts: list[list[Cell]] = [
        [tr("Organisation", lang), organisation],
        [tr("Prioritet", lang), f"{hotspot.priority}{tr(' (högst)', lang) if hotspot.priority == 1 else ''}"],
        [tr("Status", lang), term(hotspot.status, lang)],
        [tr("Problembild", lang), term(hotspot.picture, lang)],
        [tr("Räknas", lang), filter_text(hotspot.categories, hotspot.weekdays, hotspot.hours, lang=lang)],
        [tr("Område", lang), _area_text(hotspot, lang)],
    ]
    if hotspot.created_at:
        facts.append([tr("Utpekad", lang), _day(hotspot.created_at, lang)])
    blocks.append(Table([tr("Uppgift", lang), tr("Värde", lang)], facts, "", [1.3, 4]))
    if notice:
        blocks.append(Paragraph(notice, "note"))
    if hotspot.notes and not mask.hide_text:
        blocks.append(Paragraph(tr("Anteckning: {notes}", lang).format(notes=hotspot.notes)))

    if now is not None and incidents is not None:
        blocks.append(then_and_now(hotspot, now, mask, lang=lang))
        if mask.place_shown(now.count):
            blocks += _place_pictures(number, hotspot, incidents=incidents, period=period, districts=districts,
                                      background=background, plans=plans, mask=mask, lang=lang)
        else:  # a map or heatmap of a handful of incidents would show them one by one
            blocks.append(Paragraph(tr("Plats {number}: kartan och värmekartan visas inte, {too_few}.", lang).format(
                number=number, too_few=mask.too_few(lang)), "note"))
    blocks += patterns or []
    blocks += _place_plan(hotspot, causes=causes, measures=measures, goal_statuses=goal_statuses, mask=mask,
                          lang=lang)
    return blocks


def _place_pictures(
    number: int, hotspot: Hotspot, *, incidents: pd.DataFrame, period: tuple[date, date],
    districts: gpd.GeoDataFrame | None, background: gpd.GeoDataFrame | None, plans: list[FollowupPlan],
    mask: Mask, lang: str,
) -> list[Block]:
    blocks: list[Block] = []
    label = formatting.period_label(*period, lang=lang)

    geometry = _geometry(hotspot)
    xmin, ymin, xmax, ymax = geometry.bounds
    margin = max(250.0, 0.6 * max(xmax - xmin, ymax - ymin))
    bounds = (xmin - margin, ymin - margin, xmax + margin, ymax + margin)
    around = filter_incidents(incidents, categories=hotspot.categories or None, start=period[0], end=period[1])
    extra = []
    for plan in plans:
        if plan.displacement_m:
            ring = shapely.difference(geometry.buffer(plan.displacement_m), geometry)
            extra.append((_ring_name(plan.displacement_m, lang), ring, figures.OKABE_ITO["blue"]))
            break
    png = figures.map_png(bounds=bounds, districts=districts, background=background, incidents=around, cell=50.0,
                          min_count=mask.min_cell, outlines=[(str(number), geometry)], extra=extra,
                          count_label=tr("Antal per ruta (50 m)", lang))
    categories = _categories(hotspot.categories, lang)
    blocks.append(Image(png, tr("Plats {number}: {categories} per ruta om 50 × 50 m, {period}.", lang).format(
        number=number, categories=categories, period=label),
        tr("Karta över platsen {title}.", lang).format(title=hotspot.title), 14.0))
    inside = place_incidents(incidents, hotspot, start=period[0], end=period[1], time_window=False)
    heat = weekday_hour(inside)
    if heat.known > 0:
        blocks.append(Image(figures.heatmap_png(heat.matrix, min_count=mask.min_heat, lang=lang),
                            tr("Plats {number}: veckodag och timme, {categories}, {period}, alla veckodagar och "
                               "timmar (aoristisk viktning).", lang).format(
                                number=number, categories=categories, period=label),
                            tr("Värmekarta över veckodag och timme för {title}.", lang).format(title=hotspot.title)))
    else:
        blocks.append(Paragraph(tr("Inga händelser med känd tid i platsen {period}; ingen värmekarta över veckodag "
                                   "och timme.", lang).format(period=label), "note"))
    return blocks


def _organisation(code: str, lang: str) -> str:
    return tr(ORGANISATION_NAMES[code], lang) if code in ORGANISATION_NAMES else code


def _place_plan(
    hotspot: Hotspot, *, causes: list[Cause], measures: list[Measure], goal_statuses: list[GoalStatus],
    mask: Mask, lang: str,
) -> list[Block]:
    blocks: list[Block] = [Heading(tr("Orsaksanalys", lang), 3)]
    table = _causes_table(causes, mask, lang)
    blocks.append(table if table is not None else
                  Paragraph(tr("Ingen orsaksanalys är dokumenterad ännu.", lang), "note"))

    blocks.append(Heading(tr("Åtgärder och mål", lang), 3))
    if measures:
        blocks.append(BulletList([
            f"{m.title} ({term(m.status, lang)}; {_span(m.start, m.end, lang)}; "
            f"{_organisation(m.organisation, lang)}{', ' + m.responsible if m.responsible else ''})"
            for m in measures
        ]))
    else:
        blocks.append(Paragraph(tr("Inga åtgärder är kopplade till platsen ännu.", lang), "note"))
    if goal_statuses:
        labels = LIGHT_LABELS_EN if lang == "en" else LIGHT_LABELS
        blocks.append(BulletList([
            f"{term(s.goal.kind, lang).capitalize()}: {s.goal.description} – {labels[s.status]}. {s.sentence}"
            for s in goal_statuses
        ]))
    return blocks


def _target_text(goal: Goal, lang: str = "sv") -> str:
    if goal.kind == "effektmål":
        what = _categories(goal.categories, lang)
        return f"{_change(100 * goal.target_change, lang)} {what}" if goal.target_change is not None else what
    unit = f" {goal.unit}" if goal.unit else ""
    return f"{formatting.number(goal.planned, lang=lang) if goal.planned is not None else '–'}{unit}"


def _plan(
    measures: list[Measure], statuses: list[GoalStatus], numbers: dict[int, int], titles: dict[int, str],
    lang: str = "sv", mask: Mask | None = None,
) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(tr("Åtgärdsplan", lang))]
    blocks.append(Paragraph(tr(
        "Åtgärderna parterna har beslutat, vem som ansvarar och när de genomförs, och målen de följs upp mot.",
        lang)))
    rows: list[list[Cell]] = []
    for m in measures:
        places = ", ".join(f"{numbers[h]}. {titles[h]}" for h in m.hotspot_ids if h in numbers) or "–"
        who = _organisation(m.organisation, lang) + (f"\n{m.responsible}" if m.responsible else "")
        # A description not marked shareable stays in the room, as a cause's text does.
        shown = m.description and (m.shareable or mask is None or not mask.hide_text)
        what = m.title + (f"\n{m.description}" if shown else "")
        rows.append([what, who, term(m.kind, lang), _span(m.start, m.end, lang), term(m.status, lang), places])
    blocks.append(Table([tr(c, lang) for c in ("Åtgärd", "Ansvarig", "Typ", "Start–slut", "Status", "Platser")],
                        rows, tr("Åtgärder", lang), [4.2, 2.6, 2.2, 2.6, 1.9, 3.0]))
    goal_rows: list[list[Cell]] = []
    for kind in GOAL_KINDS:
        for s in (s for s in statuses if s.goal.kind == kind):
            g = s.goal
            done = "–"
            if g.kind != "effektmål":
                unit = f" {g.unit}" if g.unit else ""
                planned = formatting.number(g.planned, lang=lang) if g.planned is not None else "–"
                actual = formatting.number(g.done, lang=lang) if g.done is not None else "–"
                done = tr("{done} av {planned}{unit}", lang).format(done=actual, planned=planned, unit=unit)
            baseline = _span(g.baseline_start, g.baseline_end, lang) if g.baseline_start else "–"
            goal_rows.append([term(g.kind, lang).capitalize(), g.description, _target_text(g, lang), baseline, done,
                              Light(s.status, lang=lang)])
    blocks.append(Table([tr(c, lang) for c in ("Typ", "Mål", "Målvärde", "Basperiod", "Utfört av planerat",
                                                "Status")], goal_rows,
                        tr("Mål (effektmål, processmål och produktionsmål)", lang), [2.7, 4.4, 2.8, 2.6, 2.2, 1.4]))
    return blocks


def followup_parts(outcome: FollowupOutcome, public: bool | View | Mask, *, lang: str = "sv") -> dict[str, str]:
    """The follow-up's sentences as the report prints them (:func:`analysis.followup.wdd_parts`).

    Public: nothing when the target's or the comparison area's counts are 1–2 (every sentence
    quotes them). When the ring's or its control's counts are, the ring's sentences, its test and
    the WDD total are left out too — the ring's estimate and the total minus the local estimate
    would give its counts back — and a sentence (key ``ring_hidden``) says so.
    """
    result = outcome.result
    if result is None:
        return {}
    mask = Mask.of(public)
    if _small([*result.target.as_tuple(), *result.control.as_tuple()], mask):
        return {}
    parts = wdd_parts(result, lang=lang)
    if ring_hidden(result, mask):
        for key in ("ring", "ring_control", "ring_test", "total"):
            parts.pop(key, None)
        small = parts.pop("small", None)
        parts["ring_hidden"] = RING_HIDDEN[lang] if mask.public else RING_HIDDEN_LEVEL[lang]
        if small:
            parts["small"] = small
    return parts


RING_HIDDEN = {
    "sv": "Antalen i området runt omkring är för små för att redovisas i den offentliga versionen, så "
          "undanträngning och den sammantagna WDD-skattningen visas inte.",
    "en": "The counts in the surrounding area are too small to show in the public version, so displacement and "
          "the overall WDD estimate are not shown.",
}


RING_HIDDEN_LEVEL = {
    "sv": "Antalen i området runt omkring är för små för att redovisas på den här visningsnivån, så "
          "undanträngning och den sammantagna WDD-skattningen visas inte.",
    "en": "The counts in the surrounding area are too small to show at this view level, so displacement and the "
          "overall WDD estimate are not shown.",
}


def ring_hidden(result: WDDResult, public: bool | View | Mask) -> bool:
    """Whether the ring's numbers must be left out below the owner's level (some ring count is 1–2)."""
    if result.displacement is None:
        return False
    counts = [*result.displacement.as_tuple()]
    if result.displacement_control is not None:
        counts += list(result.displacement_control.as_tuple())
    return _small(counts, Mask.of(public))


def _ring_name(metres: float, lang: str) -> str:
    return tr("Området runt omkring ({metres} m)", lang).format(metres=formatting.number(metres, lang=lang))


def wdd_notes(result: WDDResult, lang: str = "sv") -> list[str]:
    """The WDD test's notes in ``lang`` (:meth:`analysis.followup.WDDResult.notes`)."""
    return result.notes(lang)


def _followup_section(outcomes: list[FollowupOutcome], report_mask: Mask, lang: str = "sv") -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(tr("Uppföljning", lang))]
    if not outcomes:
        blocks.append(Paragraph(tr("Ingen effektuppföljning är planerad ännu.", lang), "note"))
        return blocks
    blocks.append(Paragraph(tr(
        "Effekten skattas med WDD-testet (weighted displacement difference): förändringen i målområdet "
        "jämförs med förändringen i ett jämförelseområde, och området runt omkring undersöks för undanträngning.",
        lang)))

    def number(value: float, decimals: int) -> str:
        return formatting.number(value, decimals, lang=lang)

    def p_text(p: float) -> str:
        return formatting.p_value(p, lang=lang, decimals=None)

    for outcome in outcomes:
        measure = outcome.measure
        mask = outcome.mask or report_mask
        blocks.append(Heading(f"{measure.title}", 2))
        start = _day(measure.start, lang) if measure.start else "–"
        blocks.append(Paragraph(tr("Start {start}; räknat: {categories}.", lang).format(
            start=start, categories=_categories(outcome.categories, lang))))
        if outcome.notice:
            blocks.append(Paragraph(outcome.notice, "note"))
        result = outcome.result
        if result is None:
            blocks.append(Paragraph(outcome.message, "note"))
            continue
        periods = result.periods or {}
        before, after = periods.get("before", {}), periods.get("after", {})
        before_label = formatting.period_label(before["start"], before["end"], lang=lang) if before else \
            tr("Före", lang)
        after_label = formatting.period_label(after["start"], after["end"], lang=lang) if after else \
            tr("Efter", lang)
        areas = [(tr("Målområdet", lang), result.target, "target"),
                 (outcome.plan.control_name or tr("Jämförelseområdet", lang), result.control, "control")]
        if result.displacement is not None:
            areas.append((_ring_name(outcome.plan.displacement_m or 0, lang), result.displacement, "displacement"))
            if not result.shared_control and result.displacement_control is not None:
                areas.append((tr("Kontroll för området runt omkring", lang), result.displacement_control,
                              "displacement_control"))
        rows: list[list[Cell]] = []
        for name, counts, key in areas:
            pct = result.pct_change.get(key)
            small = _small([counts.before, counts.after], mask)
            rows.append([name, _n(counts.before, mask, lang), _n(counts.after, mask, lang),
                         HIDDEN if small else _change(pct, lang)])
        blocks.append(Table([tr("Område", lang), tr("Före ({period})", lang).format(period=before_label),
                             tr("Efter ({period})", lang).format(period=after_label), tr("Förändring*", lang)],
                            rows, tr("Antal före och efter åtgärden", lang), [3, 1.6, 1.6, 1.2]))
        parts = followup_parts(outcome, mask, lang=lang)
        if not parts:
            blocks.append(Paragraph(
                tr("Antalen är för små för att skattningen ska redovisas i den offentliga versionen." if mask.public
                   else "Antalen är för små för att skattningen ska redovisas på den här visningsnivån.", lang),
                "note"))
        else:
            low, high = result.ci95
            decimals = 0 if result.time_weights == (1.0, 1.0) else 1
            items = [tr("Målområdet mot jämförelseområdet: {est} händelser, {p}", lang).format(
                est=number(result.est_local, decimals), p=p_text(result.p_local))]
            if not ring_hidden(result, mask):
                if result.displacement is not None:
                    items.append(tr("Området runt omkring mot sin kontroll: {est} händelser, {p}", lang).format(
                        est=number(result.est_displace, decimals), p=p_text(result.p_displace)))
                items += [
                    tr("Skattad effekt (WDD): {est} händelser per efterperiod", lang).format(
                        est=number(result.est_total, decimals)),
                    tr("95 % konfidensintervall: {low} till {high}", lang).format(
                        low=number(low, decimals), high=number(high, decimals)),
                    tr("Standardfel {se}, z = {z}, {p}", lang).format(
                        se=number(result.se, 1), z=number(result.z, 2), p=p_text(result.p)),
                ]
            blocks.append(BulletList(items))
            for sentence in parts.values():
                blocks.append(Paragraph(sentence, "lead" if sentence is parts.get("local") else "body"))
        notes = outcome.notes + wdd_notes(result, lang)
        if "small" in parts:  # the sentences already say the counts are small
            notes = [n for n in notes if n != note_text(("small", {}), lang)]
        blocks.append(Paragraph(tr(
            "* Förändringen räknas om till lika långa perioder när för- och efterperioden är olika långa.", lang),
            "note"))
        if notes:
            blocks.append(BulletList(notes))
        hidden_trend = any(mask.small(list(frame["count"])) for frame in outcome.series.values())
        if outcome.series and hidden_trend:  # a line through a hidden count would draw it
            blocks.append(Paragraph(tr("Diagrammet över tid visas inte: några kvartal har för få händelser för "
                                       "den här visningsnivån.", lang), "note"))
        elif outcome.series:
            unit = tr("kvartal" if mask.controlled else "månad", lang)
            png = figures.trend_png(outcome.series, marker=measure.start or None,
                                    ylabel=tr("Antal per {unit}", lang).format(unit=unit),
                                    marker_label=tr("Åtgärden startar", lang))
            areas_text = tr("målområdet, jämförelseområdet och området runt omkring"
                            if result.displacement is not None else "målområdet och jämförelseområdet", lang)
            blocks.append(Image(
                png, tr("{title}: antal per {unit} i {areas}; den prickade linjen är åtgärdens start.", lang).format(
                    title=measure.title, unit=unit, areas=areas_text),
                tr("Linjediagram över antal händelser före och efter åtgärden.", lang)))
    return blocks


METHOD_NOTES = [
    "Tidpunkter: många brott har ett tidsfönster (t.ex. ett inbrott medan de boende var borta). "
    "Aoristisk viktning fördelar varje händelse jämnt över timmarna i fönstret i stället för att lägga "
    "allt på starttiden; okänd tid (00:00–23:59) sprids över dygnet och hamnar aldrig vid midnatt.",
    "Brottsintensiva platser: Getis-Ords Gi* jämför varje ruta och dess grannar med hela orten. Eftersom "
    "många rutor testas samtidigt justeras p-värdena för andelen falska upptäckter (FDR).",
    "Förändring: antal jämförs med samma period året innan och testas som Poissonfördelade antal, inte "
    "som rå procent. 6 → 9 händelser är +50 % men ryms inom normal slumpvariation.",
    "Effekt av åtgärder: WDD-testet (Wheeler & Ratcliffe 2018) redovisas i delar. Målområdets förändring "
    "jämförs med jämförelseområdets; området runt omkring jämförs med sin egen kontroll, och först när "
    "den skillnaden är större än normal slumpvariation (p < 0,05) talar rapporten om undanträngning "
    "(ökning) eller spridning av nytta (minskning). Summan av delarna är WDD-skattningen. Resultatet "
    "visar samband i tid och rum, inte säkra orsaker.",
    f"Utpekade platser räknas på ett enda sätt i hela rapporten: händelserna inom ytan (kanten räknas "
    f"med); en punkt eller linje räknas med {formatting.number(PLACE_BUFFER_M)} m åt varje håll; platsens "
    "kategorier, och veckodagar och timmar när sådana är valda (efter tidsfönstrets start). Mål och "
    "uppföljning räknar alla veckodagar och timmar, så att jämförelseområdet räknas likadant.",
    LIGHT_RULE_SV,
    "Trygghetsmätningar: andelar redovisas med 95 % konfidensintervall (Wilson). Små urval ger breda "
    "intervall och markeras.",
    "Skyddade kategorier (grovt våld, sexualbrott) visas aldrig som punkter. Kartorna i rapporten visar "
    "bara områden och antal per ruta.",
    "Små antal: några få händelser kan variera mycket av en slump. Under ägarens nivå (den andra parten, "
    "styrgruppen och den offentliga versionen) visas antal under {min_count} som ”..” (Brås praxis) och platser "
    "med färre än {min_place} händelser utan sina siffror, så att ingen enskild person kan pekas ut.",
]


METHOD_NOTES_EN = [
    "Times: many crimes have a time window (e.g. a burglary while the residents were away). Aoristic "
    "weighting spreads each incident evenly over the hours of its window instead of putting it all on the "
    "start time; an unknown time (00:00–23:59) is spread over the day and never lands at midnight.",
    "Crime-intensive places: Getis-Ord Gi* compares each cell and its neighbours with the whole town. As many "
    "cells are tested at once, the p-values are adjusted for the false discovery rate (FDR).",
    "Change: counts are compared with the same period a year earlier and tested as Poisson counts, not as "
    "raw per cent. 6 → 9 incidents is +50% but lies within normal random variation.",
    "Effect of measures: the WDD test (Wheeler & Ratcliffe 2018) is reported in parts. The target area's "
    "change is compared with the comparison area's; the surrounding area is compared with its own control, "
    "and only when that difference is larger than normal random variation (p < 0.05) does the report speak "
    "of displacement (an increase) or diffusion of benefits (a fall). The sum of the parts is the WDD "
    "estimate. The result shows associations in time and space, not certain causes.",
    f"Pinned places are counted one way throughout the report: the incidents inside the area (the edge "
    f"included); a point or line is counted {formatting.number(PLACE_BUFFER_M, lang='en')} m in every direction; "
    "the place's categories, and weekdays and hours when such are chosen (after the start of the time "
    "window). Goals and follow-up count every weekday and hour, so that the comparison area is counted the "
    "same way.",
    LIGHT_RULE_EN,
    "Safety surveys: shares are given with 95% confidence intervals (Wilson). Small samples give wide "
    "intervals and are marked.",
    "Protected categories (serious violence, sexual offences) are never shown as points. The report's maps "
    "show only areas and counts per cell.",
    "Small counts: a few incidents can vary a great deal by chance. Below the owner's level (the other party, "
    "the steering group and the public version) counts below {min_count} are shown as “..” (Brå's practice) and "
    "places with fewer than {min_place} incidents without their numbers, so that no individual can be identified.",
]


def _method(lang: str = "sv", view: View | None = None) -> list[Block]:
    notes = METHOD_NOTES_EN if lang == "en" else METHOD_NOTES
    view = view or View.owner_view()
    # The level first: a reader must know what the numbers leave out before reading them.
    rules = view.rules
    notes = [*notes[:-1], notes[-1].format(min_count=rules.min_count, min_place=rules.min_place)]
    return [PageBreak(), Heading(tr("Metod och osäkerhet", lang)), Paragraph(view.label(lang), "lead"),
            BulletList(notes)]


# --- build ----------------------------------------------------------------------------------


def build_report(
    picture: ProblemPicture,
    incidents: pd.DataFrame,
    *,
    districts: gpd.GeoDataFrame | None = None,
    background: gpd.GeoDataFrame | None = None,
    survey: pd.DataFrame | None = None,
    audience: Audience = "internal",
    title: str | None = None,
    organisation_names: Sequence[str] | None = None,
    generated_at: datetime | None = None,
    period: tuple[date | str, date | str] | None = None,
    version: str = "1",
    lang: str = "sv",
    source_of: Callable[[Hotspot | FollowupPlan | Goal | Measure], Source] | None = None,
    view: View | None = None,
) -> Report:
    """Build the report of a problem picture.

    Parameters
    ----------
    picture
        Hotspots, causes, measures, goals and follow-up plans (archived and merged ones are left out).
    incidents
        Canonical incidents of the dataset the report is about, working CRS (``x``, ``y``,
        ``occurred_from``, ``occurred_to``, ``category``): the lägesbild, and every place, goal and
        follow-up unless ``source_of`` says otherwise.
    districts, background
        Area layers in the same CRS for the maps; ``survey`` for the trygghetsmätning table.
    audience
        ``"internal"`` or ``"public"`` (small counts as ``..``, non-shareable free text left out).
    title
        Default ``"Gemensam problembild och åtgärdsplan – <ort>"`` (English: "Joint problem picture
        and action plan – <town>").
    organisation_names
        The parties; default from the organisations in the picture (Kommunen, Polisen).
    generated_at
        Time stamp on the title page; default now.
    period
        The lägesbild's period; default the last 12 whole months of data.
    version
        Version text for the title page.
    lang
        ``"sv"`` or ``"en"``: every heading, label and sentence, with numbers and dates through
        :mod:`core.formatting`. Brå's category names and the parties' own texts stay as written.
    source_of
        Where each hotspot, follow-up plan and goal is counted (the dataset it was made on); the
        :class:`Source`'s notice is printed with it, and an item whose source has no incidents is
        not counted at all. Default: everything on ``incidents``. Its :attr:`Source.view` is how
        the item's numbers are shown; an item on a dataset not shared with the reader is left out.
    view
        What the reader may see of the report's own dataset (:func:`core.disclosure.view_for`);
        default :meth:`View.owner_view`, the operator's full view. The title page and the method
        section name its level (:meth:`View.label`); below the owner's level the counts are masked.

    Returns
    -------
    Report

    Raises
    ------
    InputError
        Unknown audience or language, incidents without the needed columns or no incidents, or a
        view that does not see the report's dataset.
    """
    if audience not in ("internal", "public"):
        raise InputError(f"Okänd målgrupp '{audience}'; välj internal eller public.")
    if lang not in formatting.LANGS:
        raise InputError(f"Okänt språk '{lang}'; välj sv eller en.")
    _check_incidents(incidents)
    public = audience == "public"
    view = view or View.owner_view()
    if not view.visible:
        raise InputError("Datasetet delas inte på den här visningsnivån, så det går inte att göra en rapport av "
                         "det för den mottagaren.")
    mask = Mask.of(view, public=public)
    generated_at = generated_at or datetime.now().replace(microsecond=0)
    when = incidents["occurred_from"].dropna()
    data_period = (when.min().date(), when.max().date())
    report_period = (
        (pd.Timestamp(period[0]).date(), pd.Timestamp(period[1]).date()) if period else _report_period(data_period[1])
    )
    own = Source(incidents, districts, background, view=view)

    def source(item: Hotspot | FollowupPlan | Goal | Measure) -> Source:
        return own if source_of is None else source_of(item)

    def mask_of(where: Source) -> Mask:
        return mask if where.view is None else Mask.of(where.view, public=public)

    def shared(item: Hotspot | FollowupPlan | Goal | Measure) -> bool:
        where = source(item)
        return where.view is None or where.view.visible

    def data_end(frame: pd.DataFrame) -> date:
        return data_period[1] if frame is incidents else frame["occurred_from"].max().date()

    # Items on a dataset not shared with the reader are not in their report at all (nor their causes,
    # measures, goals and follow-ups).
    active_hotspots = _active(picture.hotspots)
    hidden = {h.id for h in active_hotspots if h.id is not None and not shared(h)}
    hotspots = sorted((h for h in active_hotspots if h.id not in hidden),
                      key=lambda h: (h.priority, h.id if h.id is not None else 0))
    numbered = list(enumerate(hotspots, start=1))
    by_id = {h.id: h for h in hotspots if h.id is not None}
    numbers = {h.id: n for n, h in numbered if h.id is not None}
    every_measure = _active(picture.measures)
    hidden_measures = {m.id for m in every_measure if not shared(m) or (m.hotspot_ids and set(m.hotspot_ids) <= hidden)}
    measures = [m for m in every_measure if m.id not in hidden_measures]
    measures_by_id = {m.id: m for m in measures if m.id is not None}
    goals = [g for g in _active(picture.goals) if g.hotspot_id not in hidden and g.measure_id not in hidden_measures
             and shared(g)]
    causes = [c for c in _active(picture.causes) if c.hotspot_id not in hidden]

    outcomes = []
    for plan in picture.followups:
        if plan.measure_id in hidden_measures or not shared(plan):
            continue
        where = source(plan)
        if where.incidents is None:
            measure = measures_by_id.get(plan.measure_id)
            if measure is not None:
                outcomes.append(FollowupOutcome(plan, measure, None, where.notice, categories=list(plan.categories)))
            continue
        outcome = run_followup(plan, measures=measures_by_id, hotspots=by_id, goals=goals,
                               incidents=where.incidents, data_end=data_end(where.incidents), public=mask_of(where),
                               lang=lang)
        if outcome is not None:
            outcomes.append(replace(outcome, notice=where.notice, mask=mask_of(where)))
    outcome_by_measure = {o.measure.id: o for o in outcomes if o.measure.id is not None}
    statuses = []
    for goal in goals:
        where = source(goal)
        if where.incidents is None:
            statuses.append(GoalStatus(goal, "grå", where.notice))
            continue
        status = evaluate_goal(goal, incidents=where.incidents, hotspots=by_id, outcomes=outcome_by_measure,
                               data_end=data_end(where.incidents), lang=lang)
        statuses.append(masked_goal(status, mask_of(where), lang=lang))

    place = picture.place_name or ("Exempelstad" if picture.is_sample else "")
    title = title or f"{tr('Gemensam problembild och åtgärdsplan', lang)}{' – ' + place if place else ''}"
    if organisation_names is None:
        seen = {h.organisation for h in hotspots} | {m.organisation for m in measures} | {"kommun", "polis"}
        organisation_names = [tr(ORGANISATION_NAMES[o], lang) for o in ("kommun", "polis", "annan") if o in seen]
    title_page = _title_page(title, picture, organisation_names, generated_at, data_period, report_period,
                             audience, version, lang)
    # The title page says which level the report is made for, before anything else but the sample banner.
    title_page.notices.insert(1 if picture.is_sample else 0, mask.view.label(lang))

    blocks: list[Block] = _summary(hotspots, measures, statuses, report_period, lang)
    blocks += _situation(incidents, report_period, districts=districts, background=background, numbered=numbered,
                         survey=survey, mask=mask, lang=lang)
    blocks.append(PageBreak())
    blocks.append(Heading(tr("Utpekade platser", lang)))
    if not hotspots:
        blocks.append(Paragraph(tr("Inga platser är utpekade ännu.", lang), "note"))
    places = []
    notices = {}
    place_masks = {}
    patterns = {}
    for number, hotspot in numbered:
        where = source(hotspot)
        place_masks[number] = mask_of(where)
        if where.notice and hotspot.id is not None:
            notices[hotspot.id] = where.notice
        now = None if where.incidents is None else place_numbers(where.incidents, hotspot, report_period[0],
                                                                 report_period[1])
        linked_measures = [m for m in measures if hotspot.id is not None and hotspot.id in m.hotspot_ids]
        measure_ids = {m.id for m in linked_measures}
        linked_goals = [s for s in statuses
                        if (s.goal.hotspot_id is not None and s.goal.hotspot_id == hotspot.id)
                        or (s.goal.measure_id is not None and s.goal.measure_id in measure_ids)]
        plans = [o.plan for o in outcomes if o.measure.id in measure_ids]
        if now is not None:  # robustness, emerging class and near-repeat (reports.patterns)
            patterns[number] = place_patterns(where.incidents, hotspot, report_period, extent=where.districts)
        blocks += _hotspot_section(
            number, hotspot, incidents=where.incidents, period=report_period, districts=where.districts,
            background=where.background, causes=[c for c in causes if c.hotspot_id == hotspot.id],
            measures=linked_measures, goal_statuses=linked_goals, plans=plans, now=now, mask=place_masks[number],
            notice=where.notice, lang=lang,
            patterns=pattern_blocks(number, patterns.get(number), view=place_masks[number].view,
                                    shown=now is not None and place_masks[number].place_shown(now.count),
                                    too_few=place_masks[number].too_few(lang), lang=lang),
        )
        if now is not None:
            places.append((number, hotspot, now))
    titles = {h.id: h.title for h in hotspots if h.id is not None}
    blocks += _plan(measures, statuses, numbers, titles, lang, mask)
    blocks += _followup_section(outcomes, mask, lang)
    blocks += _method(lang, mask.view)  # the public audience is the steering-group/public level
    return Report(title, audience, generated_at, title_page, blocks, report_period, data_period, statuses, outcomes,
                  places, lang, notices, mask, place_masks, patterns)
