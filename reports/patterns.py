"""The report's "Mönster i tid och rum" block for a pinned place: robustness, emerging class, near-repeat.

For each pinned place the report says how stable its hot-spot status is
(:func:`analysis.robustness.place_robustness`: cell sizes 50/100/200 m, the four quarters of the
report's period, and — when :mod:`analysis.emerging` is available — the emerging class at week,
month and quarter steps), and, when :mod:`analysis.nearrepeat` is available, the near-repeat
reading for the place's categories within the place and :data:`NEAR_REPEAT_BUFFER_M` around it.

The Knox test is a Monte Carlo test; in the report it runs with :data:`NEAR_REPEAT_PERMUTATIONS`
permutations and the fixed seed :data:`NEAR_REPEAT_SEED`, so the same data give the same
document, and the method note says so. Below the owner's level a place with fewer than
``min_place`` incidents gets no block numbers at all (as its other numbers), and every count in the
tables is masked by the place's :class:`core.disclosure.View`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.filters import filter_incidents, within_geometry
from analysis.problem_numbers import place_geometry
from analysis.robustness import PART_WORDS, Robustness, place_robustness
from core import formatting
from core.disclosure import HIDDEN
from geo.stacked import exact_only
from reports.blocks import Block, Heading, Paragraph, Table

if TYPE_CHECKING:
    import geopandas as gpd

    from core.disclosure import View
    from store.model import Hotspot

__all__ = [
    "NEAR_REPEAT_BUFFER_M",
    "NEAR_REPEAT_PERMUTATIONS",
    "NEAR_REPEAT_SEED",
    "PlacePatterns",
    "pattern_blocks",
    "pattern_dict",
    "place_patterns",
]

NEAR_REPEAT_BUFFER_M = 200.0  # the place and this far around it: a repeat just outside the place counts
NEAR_REPEAT_DISTANCES: tuple[float, ...] = (0.0, 100.0, 200.0, 400.0)
NEAR_REPEAT_DAYS: tuple[float, ...] = (0.0, 7.0, 14.0, 28.0)
NEAR_REPEAT_PERMUTATIONS = 199  # enough for p down to 0.005 and a report built in seconds
NEAR_REPEAT_SEED = 2026
NEAR_REPEAT_MIN_EVENTS = 10  # fewer incidents make hardly any pairs: no test
EMERGING_STEP = "month"  # the class the report names, as Karta's layer shows by default
ROBUSTNESS_STEPS: tuple[str, ...] = ("week", "month", "quarter")

WORDS = {
    "sv": {
        "heading": "Mönster i tid och rum",
        "too_few": "Mönster i tid och rum visas inte, {too_few}.",
        "aspect": "Jämförelse", "setting": "Läge", "incidents": "Händelser i platsen",
        "share": "Andel av platsen i heta rutor", "result": "Resultat",
        "rutstorlek": "Rutstorlek", "period": "Period", "tidssteg": "Tidssteg",
        "hot": "het", "not_hot": "inte het", "in_class": "{share} i klassen",
        "caption": "Plats {number}: hur stabil platsens status som hot spot är – andelen av platsens yta i heta "
                   "rutor (Gi* med FDR, 95 %) vid varje rutstorlek och i varje {part}; het = minst hälften av ytan.",
        "emerging": "Framväxande hot spots (per månad, rutor om 100 m): platsen är mest {label} – {reading}.",
        "near": "Nära upprepning ({categories} inom platsen och {buffer} m runt den): {sentence}",
        "near_few": "Nära upprepning: för få händelser inom platsen och {buffer} m runt den för ett test "
                    "(under {minimum}).",
        "near_note": "Nära upprepning: Knoxtest med avståndsbanden {distances} m och tidsbanden {days} dagar, "
                     "{permutations} permutationer av datumen med slumpfrö {seed}, så att samma data ger samma "
                     "rapport; {period}.",
        "near_hidden": "det närmaste bandet har för få par för att visas på den här visningsnivån.",
        "all": "alla kategorier",
    },
    "en": {
        "heading": "Patterns in time and space",
        "too_few": "Patterns in time and space are not shown, {too_few}.",
        "aspect": "Comparison", "setting": "Setting", "incidents": "Incidents at the place",
        "share": "Share of the place in hot cells", "result": "Result",
        "rutstorlek": "Cell size", "period": "Period", "tidssteg": "Time step",
        "hot": "hot", "not_hot": "not hot", "in_class": "{share} in the class",
        "caption": "Place {number}: how stable the place's hot-spot status is – the share of its area in hot cells "
                   "(Gi* with FDR, 95%) at each cell size and in each {part}; hot = at least half of the area.",
        "emerging": "Emerging hot spots (by month, 100 m cells): the place is mostly {label} – {reading}.",
        "near": "Near-repeat ({categories} within the place and {buffer} m around it): {sentence}",
        "near_few": "Near-repeat: too few incidents within the place and {buffer} m around it for a test "
                    "(under {minimum}).",
        "near_note": "Near-repeat: Knox test with distance bands {distances} m and time bands {days} days, "
                     "{permutations} permutations of the dates with seed {seed}, so the same data give the same "
                     "report; {period}.",
        "near_hidden": "the nearest band has too few pairs to be shown at this view level.",
        "all": "all categories",
    },
}


@dataclass
class PlacePatterns:
    """What the block shows for one place: robustness, the Knox result and the incidents it ran on."""

    robustness: Robustness | None
    knox: Any = None  # analysis.nearrepeat.KnoxResult, when that module is available
    knox_events: int = 0
    categories: list[str] = field(default_factory=list)
    period: tuple[date, date] | None = None


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def place_patterns(
    incidents: pd.DataFrame, hotspot: Hotspot, period: tuple[date, date], *,
    extent: gpd.GeoDataFrame | None = None,
) -> PlacePatterns:
    """Robustness and near-repeat of one place in ``period`` (inclusive dates)."""
    steps = ROBUSTNESS_STEPS if _optional("analysis.emerging") is not None else ()
    robustness = place_robustness(incidents, hotspot, period[0], period[1], extent=extent, steps=steps)
    patterns = PlacePatterns(robustness, categories=list(hotspot.categories or []), period=period)
    nearrepeat = _optional("analysis.nearrepeat")
    if nearrepeat is None:
        return patterns
    region = place_geometry(hotspot.geometry_wkt, title=hotspot.title).buffer(NEAR_REPEAT_BUFFER_M)
    around = exact_only(filter_incidents(incidents, categories=hotspot.categories or None, start=period[0],
                                         end=period[1]))
    around = within_geometry(around, region)
    patterns.knox_events = len(around)
    if len(around) >= NEAR_REPEAT_MIN_EVENTS:
        patterns.knox = nearrepeat.knox_test(around, distance_bands=NEAR_REPEAT_DISTANCES,
                                             time_bands=NEAR_REPEAT_DAYS, permutations=NEAR_REPEAT_PERMUTATIONS,
                                             seed=NEAR_REPEAT_SEED)
    return patterns


def _share(value: float, lang: str) -> str:
    return "–" if value != value else formatting.percent(value, lang=lang)


def _emerging_text(patterns: PlacePatterns, lang: str) -> str:
    robustness = patterns.robustness
    if robustness is None or robustness.steps.empty or EMERGING_STEP not in set(robustness.steps["step"]):
        return ""
    emerging = _optional("analysis.emerging")
    row = robustness.steps.set_index("step").loc[EMERGING_STEP]
    label = row["label_en"] if lang == "en" else row["label"]
    reading = (emerging.PATTERN_READINGS_EN.get(row["pattern"], "") if lang == "en"
               else emerging.PATTERN_LABELS.get(row["pattern"], ("", "", ""))[2])
    return WORDS[lang]["emerging"].format(label=str(label)[:1].lower() + str(label)[1:],
                                          reading=str(reading)[:1].lower() + str(reading)[1:])


def _near_texts(patterns: PlacePatterns, lang: str, view: View) -> list[str]:
    words = WORDS[lang]
    nearrepeat = _optional("analysis.nearrepeat")
    if nearrepeat is None or patterns.period is None:
        return []
    buffer = formatting.number(NEAR_REPEAT_BUFFER_M, lang=lang)
    if patterns.knox is None:
        return [words["near_few"].format(buffer=buffer, minimum=NEAR_REPEAT_MIN_EVENTS)]
    categories = (formatting.listing(patterns.categories, lang=lang) if patterns.categories else words["all"])
    if view.hides(patterns.knox.table["observed"].iloc[0]):
        # The ratio times the expected count gives a hidden pair count back (as on Tid).
        sentence = words["near_hidden"]
    else:
        first, another = nearrepeat.event_nouns(patterns.categories, lang=lang)
        sentence = nearrepeat.knox_sentence(patterns.knox, lang=lang, first=first, another=another)
    return [words["near"].format(categories=categories, buffer=buffer, sentence=sentence)]


def _near_note(lang: str, period: tuple[date, date]) -> str:
    words = WORDS[lang]

    def breaks(values: tuple[float, ...]) -> str:
        return formatting.listing([formatting.number(v, lang=lang) for v in values], lang=lang)

    return words["near_note"].format(distances=breaks(NEAR_REPEAT_DISTANCES), days=breaks(NEAR_REPEAT_DAYS),
                                     permutations=formatting.number(NEAR_REPEAT_PERMUTATIONS, lang=lang),
                                     seed=NEAR_REPEAT_SEED, period=formatting.date_span(*period, lang=lang))


def pattern_blocks(number: int, patterns: PlacePatterns | None, *, view: View, shown: bool, too_few: str,
                   lang: str = "sv") -> list[Block]:
    """The block for place ``number``: its sentences, the robustness table and the method note.

    ``shown`` is False below the owner's level for a place with fewer than ``min_place``
    incidents: then one line says why and no number is given.
    """
    lang = "en" if lang == "en" else "sv"
    words = WORDS[lang]
    if patterns is None or patterns.robustness is None:
        return []
    blocks: list[Block] = [Heading(words["heading"], 3)]
    if not shown:
        blocks.append(Paragraph(words["too_few"].format(too_few=too_few), "note"))
        return blocks
    robustness = patterns.robustness
    blocks.append(Paragraph(robustness.sentence(lang)))
    if robustness.steps_sentence(lang):
        blocks.append(Paragraph(robustness.steps_sentence(lang)))
    emerging = _emerging_text(patterns, lang)
    if emerging:
        blocks.append(Paragraph(emerging))
    table = robustness.frame(lang=lang, view=view)
    rows = []
    for row in table.itertuples():
        result = (row.label if row.aspect == "tidssteg" else words["hot"] if row.hot else words["not_hot"])
        incidents = HIDDEN if row.incidents == HIDDEN else formatting.count(row.incidents, lang=lang)
        share = _share(row.hot_share, lang)
        if row.aspect == "tidssteg":  # the share of the place in the class the row names, not in hot cells
            incidents, share = "–", words["in_class"].format(share=share)
        rows.append([words[row.aspect], row.setting, incidents, share, result])
    blocks.append(Table([words["aspect"], words["setting"], words["incidents"], words["share"], words["result"]],
                        rows, words["caption"].format(number=number, part=PART_WORDS[lang][robustness.part_months][0]), [1.3, 2.6, 1.3, 1.5, 1.8]))
    blocks.append(Paragraph(robustness.overlap_sentence(lang), "note"))
    near = _near_texts(patterns, lang, view)
    blocks += [Paragraph(text) for text in near]
    if patterns.knox is not None and patterns.period is not None:
        blocks.append(Paragraph(_near_note(lang, patterns.period), "note"))
    return blocks


def pattern_dict(patterns: PlacePatterns | None, *, view: View, shown: bool, too_few: str,
                 lang: str = "sv") -> dict[str, Any] | None:
    """The block's numbers and sentences for the report's JSON, masked as the documents are."""
    if patterns is None or patterns.robustness is None:
        return None
    if not shown:
        return {"too_few": too_few}
    data: dict[str, Any] = {"robustness": patterns.robustness.to_dict(lang=lang, view=view),
                            "emerging": _emerging_text(patterns, lang) or None}
    if patterns.knox is not None:
        knox = patterns.knox
        table = knox.table.astype(object)
        hidden = [view.hides(v) for v in knox.table["observed"]]
        # A hidden pair count hides what is computed from it too (expected × ratio gives it back).
        for column in ("observed", "expected", "knox_ratio", "p_value"):
            table[column] = [HIDDEN if h else v for h, v in zip(hidden, table[column], strict=True)]
        data["near_repeat"] = {
            "sentence": _near_texts(patterns, lang, view)[0], "sentence_en": _near_texts(patterns, "en", view)[0],
            "buffer_m": NEAR_REPEAT_BUFFER_M, "permutations": NEAR_REPEAT_PERMUTATIONS, "seed": NEAR_REPEAT_SEED,
            "events": view.masked(patterns.knox_events), "table": table.to_dict("records"),
            "note": _near_note(lang, patterns.period) if patterns.period else "",
        }
    elif _near_texts(patterns, lang, view):
        data["near_repeat"] = {"sentence": _near_texts(patterns, lang, view)[0],
                               "sentence_en": _near_texts(patterns, "en", view)[0]}
    return data
