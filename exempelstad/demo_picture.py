"""The demo problem picture of Exempelstad: the handbook's own worked example on the sample's places.

Brå's handbook *Samverkan i lokalt brottsförebyggande arbete* walks through one fictional town:
outdoor assaults on the town square around bars F, G and H, the bus square, the Thursday youth
disco at the youth centre J and liquor sold from lorries at car park N; a cause analysis, effect,
process and production goals, measures, and a follow-up. The sample town (``data/sample``) is
built on that story, so this module writes the same story as a picture file
(``store/picture_file.py`` format, docs/picture-format.md) on the sample's own geometry: the
effect goal at Stortorget is followed up over the periods the sample planted its intervention in,
so every page shows the numbers the sample was built for (530 → 397, −25 %).

Regenerate the shipped file with ``python -m exempelstad.demo_picture``. Loading it into a store
(the dashboard's first start, ``samsyn picture demo [--reset]``, "Återställ exempelbilden") is
:mod:`workspace.demo`'s, through the picture import machinery.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping

from core.files import atomic_path
from data.sample import DEMO_PICTURE, DEMO_USER, paths
from geo.crs import transform

DEMO_FILE = DEMO_PICTURE
# What the file's header says (store/picture_file.py reads it; this layer does not import the store).
FORMAT, FORMAT_VERSION = "samsyn-problembild", 1
DATASET_ID = "exempelstad"
DATASET_NAME = "Exempelstad (fiktiv ort, exempeldata)"
CRS = "EPSG:3006"
DECIMALS = 9  # as an export writes them: about 0.1 mm

# The evening and night the handbook's square is violent: Friday to Sunday morning, 21–04.
NIGHT_DAYS = [5, 6, 7]
NIGHT_HOURS = [21, 22, 23, 0, 1, 2, 3]


def _features(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["area_id"]: f for f in data["features"]}


def _wgs84(wkt: str) -> dict[str, Any]:
    """A geometry in the sample's CRS as GeoJSON in WGS84 (lon, lat), exterior rings counter-clockwise."""

    def move(coords: np.ndarray) -> np.ndarray:
        lon, lat = transform(coords[:, 0], coords[:, 1], CRS, "EPSG:4326")
        return np.round(np.column_stack([lon, lat]), DECIMALS)

    geometry = shapely.transform(shapely.orient_polygons(shapely.from_wkt(wkt)), move)
    return json.loads(json.dumps(mapping(geometry)))  # tuples to lists


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
    sample = paths(directory)
    truth = json.loads(sample.truth.read_text(encoding="utf-8"))
    intervention = truth["intervention"]
    planted = {spot["place_id"]: spot for spot in truth["hotspots"]}
    districts = _features(sample.districts)
    control = districts[intervention["control_district_id"]]
    control_wkt = shapely.geometry.shape(control["geometry"]).wkt

    geometry = _wgs84

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


def dumps_demo(document: dict[str, Any]) -> str:
    """The file's text: UTF-8 JSON with two-space indent and a newline at the end."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_demo(path: str | Path = DEMO_FILE, directory: str | Path | None = None) -> Path:
    """Write the demo picture file (atomically) and return its path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(dumps_demo(build_document(directory)), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Write ``data/sample/problembild.json`` (or the path given) from the sample."""
    args = sys.argv[1:] if argv is None else argv
    out = write_demo(args[0]) if args else write_demo()
    print(f"Skrev {out}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
