"""The joint problem picture (gemensam problembild): what a workshop pins, decides and follows up.

Plain dataclasses shared by the store (SQLite/PostgreSQL), the dashboard pages and the report
export. Geometries are WKT in the dataset's working CRS (``crs``); times are ISO strings in local
time. Swedish values are what users see; identifiers stay English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ORGANISATIONS: tuple[str, ...] = ("polis", "kommun", "annan")
PICTURES: tuple[str, ...] = ("polis", "kommun", "gemensam")  # egna förberedelser, and the joint picture
STATUSES: tuple[str, ...] = ("förslag", "prioriterad", "åtgärdad", "avslutad")
PRIORITIES: tuple[int, ...] = (1, 2, 3)  # 1 = högst
PERSPECTIVES: tuple[str, ...] = ("situationell", "brottsoffer", "gärningsperson")
PROXIMITIES: tuple[str, ...] = ("närliggande", "avlägsen")
MEASURE_KINDS: tuple[str, ...] = ("situationell", "social")
MEASURE_STATUSES: tuple[str, ...] = ("planerad", "pågår", "genomförd", "avbruten")
GOAL_KINDS: tuple[str, ...] = ("effektmål", "processmål", "produktionsmål")


@dataclass
class Hotspot:
    """A pinned place: what the room saw and decided to look at."""

    title: str
    geometry_wkt: str
    crs: str = "EPSG:3006"
    source_kind: str = "drawn"  # cell | district | place | drawn | table
    source_id: str = ""  # the cell id (a hot-spot cluster: its cells' ids, comma-joined), area id or place id
    categories: list[str] = field(default_factory=list)
    weekdays: list[int] = field(default_factory=list)  # ISO 1–7
    hours: list[int] = field(default_factory=list)  # 0–23
    organisation: str = "kommun"
    created_by: str = ""
    picture: str = "gemensam"
    priority: int = 2
    status: str = "förslag"
    notes: str = ""
    snapshot: dict[str, Any] = field(default_factory=dict)  # counts, rate, trend, survey, filters at pinning
    merged_into: int | None = None
    archived: bool = False
    dataset_id: str = "exempelstad"  # the dataset it was pinned on; its numbers come from that dataset
    id: int | None = None
    version: int = 0
    created_at: str = ""
    updated_at: str = ""


@dataclass
class Cause:
    """One line of the cause analysis (orsaksanalys) for a hotspot."""

    hotspot_id: int
    perspective: str  # situationell | brottsoffer | gärningsperson
    proximity: str  # närliggande | avlägsen
    text: str
    shareable: bool = False  # free text leaves the room only when marked shareable
    created_by: str = ""
    archived: bool = False
    id: int | None = None
    version: int = 0
    created_at: str = ""
    updated_at: str = ""


@dataclass
class Measure:
    """An åtgärd: what someone will do, where and when."""

    title: str
    description: str = ""
    organisation: str = "kommun"
    responsible: str = ""
    kind: str = "situationell"  # situationell | social
    start: str = ""  # ISO date
    end: str = ""  # ISO date, may be empty
    status: str = "planerad"
    hotspot_ids: list[int] = field(default_factory=list)
    created_by: str = ""
    archived: bool = False
    id: int | None = None
    version: int = 0
    created_at: str = ""
    updated_at: str = ""
    shareable: bool = False  # the description leaves the room only when marked shareable, as a cause's text


@dataclass
class Goal:
    """An effektmål, processmål or produktionsmål.

    Effektmål: ``categories`` in the hotspot's area, ``baseline_start``/``baseline_end`` against the
    same period a year later, ``target_change`` as a fraction (−0.20 = −20 %). Process- and
    produktionsmål: ``planned`` against ``done`` in ``unit`` (entered by users).
    """

    kind: str
    description: str
    hotspot_id: int | None = None
    measure_id: int | None = None
    categories: list[str] = field(default_factory=list)
    baseline_start: str = ""
    baseline_end: str = ""
    followup_start: str = ""
    followup_end: str = ""
    target_change: float | None = None
    planned: float | None = None
    done: float | None = None
    unit: str = ""
    created_by: str = ""
    archived: bool = False
    id: int | None = None
    version: int = 0
    created_at: str = ""
    updated_at: str = ""


SOURCE_KINDS: tuple[str, ...] = ("cell", "district", "place", "drawn", "table", "merged")


@dataclass
class Followup:
    """How a measure's effect is followed up: target (a pinned place), control area, periods.

    The weighted displacement difference test compares the target with the control area
    (jämförelseområde, chosen on the map) before and after, and looks for displacement in a ring
    of ``displacement_m`` metres around the target. Empty periods mean the defaults: the 12 months
    before the measure's start, and from the start up to the latest data.
    """

    measure_id: int
    control_wkt: str
    control_name: str = ""
    hotspot_id: int | None = None
    displacement_m: float | None = 200.0
    categories: list[str] = field(default_factory=list)
    before_start: str = ""
    before_end: str = ""
    after_start: str = ""
    after_end: str = ""
    created_by: str = ""
    archived: bool = False
    dataset_id: str = "exempelstad"  # the dataset the follow-up was planned on
    id: int | None = None
    version: int = 0
    created_at: str = ""
    updated_at: str = ""
