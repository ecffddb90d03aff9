"""The demo problem picture of Exempelstad: the handbook's own worked example on the sample's places.

Brå's handbook *Samverkan i lokalt brottsförebyggande arbete* walks through one fictional town:
outdoor assaults on the town square around bars F, G and H, the bus square, the Thursday youth
disco at the youth centre J and liquor sold from lorries at car park N; a cause analysis, effect,
process and production goals, measures, and a follow-up. The sample town (``data/sample``) is
built on that story, so this module writes the same story as a picture file
(``store/picture_file.py`` format, docs/picture-format.md) on the sample's own geometry: the
effect goal at Stortorget is followed up over the periods the sample planted its intervention in,
so every page shows the numbers the sample was built for (530 → 397, −25 %).

Regenerate the shipped file with ``python -m exempelstad.demo_picture``; a new store gets it on
first start (:func:`load_if_new`), ``samsyn picture demo --reset`` and the Problembild page's
"Återställ exempelbilden" put it back (:func:`reset`).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely

from data.sample import DIRECTORY, paths

if TYPE_CHECKING:
    from store.problem_store import ProblemStore

DEMO_FILE = DIRECTORY / "problembild.json"
DATASET_ID = "exempelstad"
DATASET_NAME = "Exempelstad (fiktiv ort, exempeldata)"
CRS = "EPSG:3006"
DEMO_USER = "Exempelbilden (Samsyn)"
ENTITIES = ("hotspot", "cause", "measure", "goal", "followup")

# The evening and night the handbook's square is violent: Friday to Sunday morning, 21–04.
NIGHT_DAYS = [5, 6, 7]
NIGHT_HOURS = [21, 22, 23, 0, 1, 2, 3]


def _features(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["area_id"]: f for f in data["features"]}


def _circle(spot: dict[str, Any]) -> str:
    # A planted place is a point and a radius in the sample's truth; pin it as the circle the room would draw.
    return shapely.Point(spot["x"], spot["y"]).buffer(spot["radius_m"], quad_segs=8).wkt


def build_document(directory: str | Path | None = None) -> dict[str, Any]:
    """The demo picture as a document of the picture file format, built from the sample in ``directory``.

    Parameters
    ----------
    directory
        The sample's folder (default ``data/sample``): its ``truth.json`` gives the target area,
        the intervention's date and periods and the planted places; ``districts.geojson`` the
        comparison area (Östra Strand, B01).

    Returns
    -------
    dict
        JSON-ready, with 4 places, 8 causes, 5 measures, 5 goals and 1 follow-up.
    """
    from store.picture_file import FORMAT, FORMAT_VERSION, wkt_to_geojson

    sample = paths(directory)
    truth = json.loads(sample.truth.read_text(encoding="utf-8"))
    intervention = truth["intervention"]
    planted = {spot["place_id"]: spot for spot in truth["hotspots"]}
    districts = _features(sample.districts)
    control = districts[intervention["control_district_id"]]
    control_wkt = shapely.geometry.shape(control["geometry"]).wkt

    def geometry(wkt: str) -> dict[str, Any]:
        return wkt_to_geojson(wkt, CRS)

    youth, parking, buses = planted["P07"], planted["P08"], planted["P02"]
    hotspots = [
        {"key": "torget", "title": "Stortorget – krogstråket", "organisation": "polis", "picture": "gemensam",
         "geometry": geometry(intervention["target_polygon_wkt"]), "source_kind": "place", "source_id": "P01",
         "categories": [intervention["category"]], "weekdays": NIGHT_DAYS, "hours": NIGHT_HOURS, "priority": 1,
         "status": "åtgärdad",
         "notes": "Krogarna F (Stadskällaren), G (Tre Kronor) och H (Nattklubben Kvarnen) och snabbmatstället I "
                  "(Torggrillen) ligger runt torget; misshandeln sker när krogarna stänger."},
        {"key": "fritidsgarden", "title": "Fritidsgården J – torsdagsdiscot", "organisation": "kommun",
         "picture": "gemensam", "geometry": geometry(_circle(youth)), "source_kind": "place", "source_id": "P07",
         "categories": ["Störande ungdomar", "Misshandel utomhus", "Ofredande"], "weekdays": [4, 5],
         "hours": [20, 21, 22, 23, 0], "priority": 2, "status": "åtgärdad",
         "notes": "Ungdomsdiscot för 13–17 år varje torsdag kväll."},
        {"key": "busstorget", "title": "Busstorget – nattbussarna", "organisation": "kommun", "picture": "kommun",
         "geometry": geometry(_circle(buses)), "source_kind": "place", "source_id": "P02",
         "categories": [intervention["category"], "Ordningsstörning"], "weekdays": NIGHT_DAYS,
         "hours": NIGHT_HOURS, "priority": 2, "status": "prioriterad"},
        {"key": "parkeringen", "title": "Parkeringsplats N – infartsparkeringen", "organisation": "polis",
         "picture": "polis", "geometry": geometry(_circle(parking)), "source_kind": "place", "source_id": "P08",
         "categories": parking["categories"], "hours": parking["hours"], "priority": 3, "status": "förslag"},
    ]
    for hotspot in hotspots:
        hotspot["dataset"] = DATASET_ID
    causes = [
        ("torget", "situationell", "närliggande", "Överservering på krog F, ibland också till minderåriga.", True),
        ("torget", "situationell", "närliggande",
         "Lång kö till krog G på fredagskvällarna; trängseln i kön leder till bråk.", True),
        ("torget", "gärningsperson", "närliggande",
         "Ordningsvakterna och entrévärdarna vid krog H uppträder stöddigt och skapar snarare än förebygger bråk.",
         True),
        ("torget", "situationell", "närliggande",
         "Svarttaxi utanför krogarna vid stängningsdags; bråk och ordningsstörningar uppstår kring bilarna.", True),
        ("busstorget", "brottsoffer", "avlägsen",
         "För få nattbussar när krogarna stänger, och alla går inom 15 minuter: de som inte kommer med blir "
         "kvar på torget.", True),
        ("fritidsgarden", "gärningsperson", "närliggande",
         "Många ungdomar är berusade på torsdagsdiscot, fast det vänder sig till 13–17-åringar.", True),
        ("fritidsgarden", "situationell", "närliggande",
         "Bara två fritidsledare arbetar på discot och inga andra vuxna finns i närheten.", True),
        ("parkeringen", "gärningsperson", "avlägsen",
         "Tips om att importerad sprit och öl säljs från lastbilar på parkeringen.", False),
    ]
    measures = [
        {"key": "vakter", "title": "Kamera, belysning och ordningsvakter vid Stortorget", "organisation": "polis",
         "description": f"{intervention['measures'].capitalize()}; polisen leder ordningsvakterna vid krogarna "
                        "fredag och lördag och avdelar fyra poliser för centrum kl. 02–03.30.",
         "responsible": "Kommunpolisen", "kind": "situationell", "start": intervention["date"], "status": "pågår",
         "hotspots": ["torget"]},
        {"key": "aas", "title": "Ansvarsfull alkoholservering och krogtillsyn vid krogarna F, G och H",
         "organisation": "kommun", "responsible": "Alkoholhandläggarna, socialförvaltningen",
         "kind": "situationell", "start": intervention["date"], "status": "pågår", "hotspots": ["torget"]},
        {"key": "nattbussar", "title": "Fler och utspridda nattbussar från Busstorget", "organisation": "kommun",
         "description": "Handlingsplan med Länstrafiken: tre nya nattavgångar fredag och lördag, avgångarna "
                        "spridda över 45 minuter i stället för 15.",
         "responsible": "Samhällsbyggnadsförvaltningen", "kind": "situationell", "start": "2025-05-25",
         "status": "pågår", "hotspots": ["busstorget"]},
        {"key": "vuxna", "title": "Fler vuxna på torsdagsdiscot på fritidsgården J", "organisation": "kommun",
         "description": "Sex fritidsledare i stället för två, och vuxna från frivilligorganisationer varje torsdag; "
                        "polisens ungdomsgrupp på plats kl. 20–01 i maj.",
         "responsible": "Fritidsförvaltningen", "kind": "social", "start": "2025-05-01", "end": "2025-06-30",
         "status": "genomförd", "hotspots": ["fritidsgarden"]},
        {"key": "spaning", "title": "Riktad spaning mot spritförsäljning på parkeringsplats N",
         "organisation": "polis", "responsible": "Lokalpolisområdet", "kind": "situationell", "start": "2026-01-15",
         "status": "planerad", "hotspots": ["parkeringen"]},
    ]
    goals = [
        {"key": "effekt-torget", "kind": "effektmål", "description": "Misshandel utomhus vid Stortorget ska minska "
         "med 20 % jämfört med samma period året innan", "measure": "vakter", "hotspot": "torget",
         "categories": [intervention["category"]], "target_change": -0.20},
        {"key": "tillsyn", "kind": "produktionsmål", "description": "Krogtillsyn vid krogarna F, G och H vid "
         "12 tillfällen under perioden", "measure": "aas", "hotspot": "torget", "planned": 12, "done": 9,
         "unit": "tillsynsbesök"},
        {"key": "vaktledning", "kind": "processmål", "description": "Polisen leder ordningsvakternas arbetspass "
         "vid krogarna varje fredag och lördag", "measure": "vakter", "hotspot": "torget", "planned": 80,
         "done": 70, "unit": "arbetspass"},
        {"key": "fritidsledare", "kind": "produktionsmål", "description": "Minst sex fritidsledare på varje "
         "torsdagsdisco", "measure": "vuxna", "hotspot": "fritidsgarden", "planned": 6, "done": 6,
         "unit": "fritidsledare"},
        {"key": "effekt-fritidsgarden", "kind": "effektmål", "description": "Störande ungdomar och misshandel vid "
         "fritidsgården J ska minska med 30 % i maj–juni jämfört med året innan", "measure": "vuxna",
         "hotspot": "fritidsgarden", "categories": ["Störande ungdomar", "Misshandel utomhus"],
         "baseline": ["2024-05-01", "2024-06-30"], "followup": ["2025-05-01", "2025-06-30"],
         "target_change": -0.30},
    ]
    followups = [
        {"key": "uppfoljning-torget", "measure": "vakter", "hotspot": "torget", "dataset": DATASET_ID,
         "control": geometry(control_wkt),
         "control_name": f"{control['properties']['name']} ({intervention['control_district_id']})",
         "displacement_buffer_m": 200.0, "categories": [intervention["category"]],
         "before": intervention["before"], "after": intervention["after"]},
    ]
    for item in [*hotspots, *measures, *goals, *followups]:
        item["created_by"] = DEMO_USER
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "dataset": {"id": DATASET_ID, "name": DATASET_NAME, "crs": CRS},
        "hotspots": hotspots,
        "causes": [{"key": f"orsak{n}", "hotspot": h, "perspective": p, "proximity": near, "text": text,
                    "shareable": shareable, "created_by": DEMO_USER}
                   for n, (h, p, near, text, shareable) in enumerate(causes, start=1)],
        "measures": measures,
        "goals": goals,
        "followups": followups,
    }


def write_demo(path: str | Path = DEMO_FILE, directory: str | Path | None = None) -> Path:
    """Write the demo picture file (atomically) and return its path."""
    from core.files import atomic_path
    from store.picture_file import dumps_picture

    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(dumps_picture(build_document(directory)), encoding="utf-8")
    return path


@dataclass(frozen=True)
class DemoResult:
    """What loading the demo did: how many rows were archived first and how many were imported."""

    archived: int
    imported: dict[str, int]

    def sentence(self, lang: str = "sv") -> str:
        """The result in one sentence (Swedish or English)."""
        from store.picture_file import NOUNS

        english = {"hotspot": ("place", "places"), "cause": ("cause", "causes"), "measure": ("measure", "measures"),
                   "goal": ("goal", "goals"), "followup": ("follow-up", "follow-ups")}
        names = english if lang == "en" else NOUNS
        parts = [f"{n} {names[e][0] if n == 1 else names[e][1]}" for e, n in self.imported.items() if n]
        joined = ", ".join(parts[:-1]) + (" and " if lang == "en" else " och ") + parts[-1] if len(parts) > 1 \
            else "".join(parts)
        if lang == "en":
            head = f"The example picture was loaded: {joined}."
            return head + (f" {self.archived} earlier rows of the example data were archived." if self.archived
                           else "")
        head = f"Exempelbilden är inläst: {joined}."
        return head + (f" {self.archived} tidigare poster i exempeldatat arkiverades." if self.archived else "")


def _sample_rows(store: ProblemStore) -> dict[str, list[Any]]:
    """The active rows of the sample dataset: its places and follow-ups, and what hangs on those places."""
    hotspots = [h for h in store.list_hotspots() if h.dataset_id == DATASET_ID]
    ids = {h.id for h in hotspots}
    measures = [m for m in store.list_measures() if m.hotspot_ids and set(m.hotspot_ids) <= ids]
    measure_ids = {m.id for m in measures}
    return {
        "followup": [f for f in store.list_followups() if f.dataset_id == DATASET_ID],
        "goal": [g for g in store.list_goals()
                 if g.hotspot_id in ids or (g.hotspot_id is None and g.measure_id in measure_ids)],
        "cause": [c for c in store.list_causes() if c.hotspot_id in ids],
        "measure": measures,
        "hotspot": hotspots,
    }


def reset(store: ProblemStore, *, user: str, path: str | Path = DEMO_FILE) -> DemoResult:
    """Archive the sample dataset's picture and load the demo again.

    Only rows of dataset ``exempelstad`` are archived (places and follow-ups made on it, their causes,
    goals and the measures that concern only its places); a user's own datasets are left as they are.
    Archiving keeps every row and its history; nothing is deleted.
    """
    from store.picture_file import import_picture, read_picture

    document = read_picture(path)  # checked before anything is archived
    archived = 0
    for entity, rows in _sample_rows(store).items():
        for row in rows:
            current = getattr(store, f"get_{entity}")(row.id)
            if current.archived:  # archiving a place does not archive what hangs on it, but be safe
                continue
            getattr(store, f"archive_{entity}")(row.id, expected_version=current.version, user=user)
            archived += 1
    summary = import_picture(store, document, user=user, merge=True, source=Path(path))
    return DemoResult(archived, dict(summary.counts))


def load_if_new(store: ProblemStore, *, path: str | Path = DEMO_FILE) -> DemoResult | None:
    """Load the demo into a store created just now; leave every other store as it is.

    A store is new when this process created its schema (``ProblemStore.created``): an existing
    store, even one the user emptied by archiving everything, is never touched. The import refuses
    a store that is no longer empty, so two processes starting at once do not load it twice.
    """
    from core.errors import InputError
    from store.picture_file import import_picture, read_picture

    if not getattr(store, "created", False) or not Path(path).exists():
        return None
    try:
        summary = import_picture(store, read_picture(path), user=DEMO_USER, source=Path(path))
    except InputError:  # another process got there first; its copy is the demo
        return None
    return DemoResult(0, dict(summary.counts))


def main(argv: list[str] | None = None) -> int:
    """Write ``data/sample/problembild.json`` (or the path given) from the sample."""
    args = sys.argv[1:] if argv is None else argv
    out = write_demo(args[0]) if args else write_demo()
    print(f"Skrev {out}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
