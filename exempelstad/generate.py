"""Exempelstad (fiktiv ort): the generated sample town of the Brå handbook's worked example.

``generate(out_dir, seed, scale)`` writes every file of ``data/sample/``:
incidents (GeoParquet), districts, places, streets and a background map
(GeoJSON, EPSG:3006), a safety survey and the kommun's repair costs (CSV), the
planted ground truth (``truth.json``) and a README describing it. The same seed
and scale give byte-identical files.

The map lives in :mod:`exempelstad.town_map`, the incident components in
:mod:`exempelstad.incidents`, the README text in
:mod:`exempelstad.readme`.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from data.sample import SamplePaths, paths
from exempelstad import incidents as inc
from exempelstad import town_map as m
from exempelstad.incidents import generate_incidents
from exempelstad.town_map import TOWN, background, districts, places, streets
from geo.dataset import write_incidents
from geo.model import SURVEY_COLUMNS, WORK_CRS

__all__ = [
    "TOWN", "background", "districts", "generate", "generate_incidents", "places", "repair_costs",
    "streets", "survey", "truth", "wdd",
]

DEFAULT_SEED = 2026
BEFORE = ("2024-03-01", "2024-12-31")
AFTER = ("2025-03-01", "2025-12-31")
ISO_WEEKEND_NIGHT_CELLS = [[5, 21], [5, 22], [5, 23], [6, 0], [6, 1], [6, 2],
                           [6, 22], [6, 23], [7, 0], [7, 1], [7, 2], [7, 3]]
ISO_WEEKEND_EVENING_CELLS = [[5, 18], [5, 19], [5, 20], [5, 21], [5, 22], [5, 23], [6, 0], [6, 1],
                             [6, 18], [6, 19], [6, 20], [6, 21], [6, 22], [6, 23], [7, 0], [7, 1]]
ISO_DISCO_CELLS = [[4, 20], [4, 21], [4, 22], [4, 23], [5, 0]]


# --- survey ---------------------------------------------------------------------

# indicator, label, unit, direction, source, related categories, base value, spread
SURVEY_INDICATORS: tuple[tuple[str, str, str, str, str, tuple[str, ...], float, float], ...] = (
    ("problem_nedskrapning", "Nedskräpning", "index", "lower_better", "Polisens trygghetsmätning",
     ("Nedskräpning",), 2.0, 0.6),
    ("problem_belysning", "Dålig belysning", "index", "lower_better", "Polisens trygghetsmätning",
     ("Trasig belysning", "Otrygg plats"), 1.4, 0.5),
    ("problem_klotter", "Klotter", "index", "lower_better", "Polisens trygghetsmätning", ("Klotter",), 1.5, 0.6),
    ("problem_skadegorelse", "Skadegörelse", "index", "lower_better", "Polisens trygghetsmätning",
     ("Övrig skadegörelse", "Skadegörelse stat/kommun/region", "Skadegörelse på motorfordon"), 1.5, 0.6),
    ("problem_ungdomar", "Ungdomar som stör ordningen", "index", "lower_better", "Polisens trygghetsmätning",
     ("Störande ungdomar",), 1.4, 0.6),
    ("problem_berusade", "Berusade personer som stör ordningen", "index", "lower_better",
     "Polisens trygghetsmätning", ("Berusad person", "Ordningsstörning"), 1.3, 0.6),
    ("problem_buskorning", "Buskörning med bil, moped eller motorcykel", "index", "lower_better",
     "Polisens trygghetsmätning", ("Buskörning",), 1.6, 0.5),
    ("oro_inbrott", "Oro för inbrott i bostaden", "index", "lower_better", "Polisens trygghetsmätning",
     ("Inbrott i bostad", "Inbrott i källare/vind"), 1.6, 0.5),
    ("oro_overfall", "Oro för att utsättas för överfall eller misshandel", "index", "lower_better",
     "Polisens trygghetsmätning", ("Misshandel utomhus", "Personrån", "Olaga hot"), 1.3, 0.6),
    ("otrygg_ute_sent_index", "Otrygghet ute sent en kväll i området", "index", "lower_better",
     "Polisens trygghetsmätning", ("Misshandel utomhus", "Berusad person", "Störande ungdomar", "Otrygg plats"),
     1.5, 0.6),
    ("andel_otrygga_ute_sent", "Andel som känner sig mycket eller ganska otrygga ute sent en kväll i sitt "
     "bostadsområde", "share", "lower_better", "Kommunens enkät",
     ("Misshandel utomhus", "Berusad person", "Störande ungdomar", "Otrygg plats"), 0.22, 0.07),
    ("andel_utsatta_vald", "Andel som utsatts för våld eller hot det senaste året", "share", "lower_better",
     "Kommunens enkät", ("Misshandel utomhus", "Misshandel inomhus", "Olaga hot"), 0.06, 0.02),
    ("fortroende_polis", "Andel med mycket eller ganska stort förtroende för polisen i området", "share",
     "higher_better", "Kommunens enkät", ("Misshandel utomhus", "Ordningsstörning", "Narkotikabrott, innehav"),
     0.62, -0.05),
)
# After the 2025 measures people in Centrum worry a little less (on top of fewer assaults).
CENTRUM_2025_RELIEF = {"oro_overfall": -0.25, "otrygg_ute_sent_index": -0.25, "problem_belysning": -0.3,
                       "andel_otrygga_ute_sent": -0.04}


def _assign_districts(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """area_id of the district containing each point ('' outside the town)."""
    out = np.full(len(x), "", dtype=object)
    for area_id, poly in m.district_polygons().items():
        shapely.prepare(poly)
        hit = (out == "") & shapely.contains_xy(poly, x, y)
        out[hit] = area_id
    return out


def wilson(p: np.ndarray, n: np.ndarray, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of shares ``p`` observed among ``n`` respondents."""
    p, n = np.asarray(p, dtype=float), np.asarray(n, dtype=float)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def survey(incidents: pd.DataFrame, seed: int = DEFAULT_SEED, scale: float = 1.0) -> pd.DataFrame:
    """Trygghetsmätning per district and year 2023–2025, columns ``geo.model.SURVEY_COLUMNS``.

    Index values follow the log incident rate per inhabitant of related
    categories (standardised over all district-years), plus a little noise.
    """
    rng = np.random.default_rng([int(seed), 2])
    area = _assign_districts(incidents["x"].to_numpy(), incidents["y"].to_numpy())
    year = incidents["occurred_from"].dt.year.to_numpy()
    category = incidents["category"].astype(str).to_numpy()
    dists = m.DISTRICTS
    years = (2023, 2024, 2025)
    pop = np.array([d.population for d in dists], dtype=float)
    n_police = {(d.area_id, y): int(min(350, round(d.population * 0.065 * rng.uniform(0.9, 1.1))))
                for y in years for d in dists}
    n_kommun = {(d.area_id, y): int(min(320, round(d.population * 0.05 * rng.uniform(0.9, 1.1))))
                for y in years for d in dists}
    rows = []
    for indicator, label, unit, direction, source, cats, base, spread in SURVEY_INDICATORS:
        related = np.isin(category, cats)
        counts = np.array([[np.sum(related & (area == d.area_id) & (year == y)) for d in dists] for y in years])
        score = np.log(counts / scale / pop * 1000 + 1)
        z = np.clip((score - score.mean()) / (score.std() or 1), -2.5, 3.0)
        for i, y in enumerate(years):
            for j, d in enumerate(dists):
                relief = CENTRUM_2025_RELIEF.get(indicator, 0.0) if (d.area_id == m.CENTRUM_ID and y == 2025) else 0
                if unit == "index":
                    value = float(np.clip(base + spread * z[i, j] + relief + rng.normal(0, 0.1), 0.1, 5.9))
                    n = n_police[(d.area_id, y)]
                    rows.append((d.area_id, y, indicator, label, round(value, 2), unit, direction, n,
                                 np.nan, np.nan, source))
                else:
                    n = n_kommun[(d.area_id, y)]
                    expected = float(np.clip(base + spread * z[i, j] + relief, 0.01, 0.95))
                    share = rng.binomial(n, expected) / n
                    lo, hi = wilson(np.array([share]), np.array([n]))
                    rows.append((d.area_id, y, indicator, label, round(share, 4), unit, direction, n,
                                 round(float(lo[0]), 4), round(float(hi[0]), 4), source))
    frame = pd.DataFrame(rows, columns=list(SURVEY_COLUMNS))
    return frame.sort_values(["area_id", "year", "indicator"], kind="stable").reset_index(drop=True)


# --- repair costs -----------------------------------------------------------------

REPAIR_CATEGORIES = {"Klotter": (2500.0, 0.8), "Skadegörelse stat/kommun/region": (6000.0, 1.0)}


def repair_costs(incidents: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Repair costs (SEK) of the kommun's klotter and skadegörelse reports: id, repair_cost_sek."""
    rng = np.random.default_rng([int(seed), 3])
    kommun = incidents[(incidents["source"] == "kommun")
                       & incidents["category"].isin(list(REPAIR_CATEGORIES))]
    median = kommun["category"].astype(str).map({k: v[0] for k, v in REPAIR_CATEGORIES.items()}).to_numpy(float)
    sigma = kommun["category"].astype(str).map({k: v[1] for k, v in REPAIR_CATEGORIES.items()}).to_numpy(float)
    cost = np.round(median * np.exp(rng.normal(0, 1, len(kommun)) * sigma), -1).astype(np.int64)
    return pd.DataFrame({"id": kommun["id"].astype(str).to_numpy(), "repair_cost_sek": np.maximum(cost, 200)})


# --- ground truth -----------------------------------------------------------------


def wdd(t0: float, t1: float, c0: float, c1: float, d0: float = 0, d1: float = 0, cd0: float = 0,
        cd1: float = 0) -> dict[str, float]:
    """Weighted displacement difference (Wheeler & Ratcliffe 2018): estimate, SE and z.

    >>> r = wdd(207, 110, 308, 318, 178, 157, 150, 140)
    >>> r["wdd"], round(r["z"], 2)
    (-118, -2.98)
    """
    est = (t1 - t0) - (c1 - c0) + (d1 - d0) - (cd1 - cd0)
    se = math.sqrt(t0 + t1 + c0 + c1 + d0 + d1 + cd0 + cd1)
    return {"wdd": est, "se": se, "z": est / se if se else 0.0}


def _count(incidents: pd.DataFrame, mask: np.ndarray, period: tuple[str, str]) -> int:
    t = incidents["occurred_from"]
    inside = (t >= pd.Timestamp(period[0])) & (t < pd.Timestamp(period[1]) + pd.Timedelta(days=1))
    return int((mask & inside.to_numpy()).sum())


def intervention_counts(incidents: pd.DataFrame) -> dict[str, int]:
    """Outdoor assaults in the target area and the control district, before and after."""
    x, y = incidents["x"].to_numpy(), incidents["y"].to_numpy()
    assault = (incidents["category"] == "Misshandel utomhus").to_numpy()
    in_target = assault & shapely.contains_xy(m.TARGET_AREA, x, y)
    in_control = assault & shapely.contains_xy(m.district_polygons()[m.CONTROL_ID], x, y)
    return {
        "target_before": _count(incidents, in_target, BEFORE),
        "target_after": _count(incidents, in_target, AFTER),
        "control_before": _count(incidents, in_control, BEFORE),
        "control_after": _count(incidents, in_control, AFTER),
    }


def _hotspot(place_id: str, categories: list[str], sd: float, cells, n: int, basis: str = "start",
             name: str | None = None) -> dict:
    place = m.PLACE_BY_ID[place_id]
    x, y = place.xy
    weekdays = sorted({c[0] for c in cells})
    hours = list(dict.fromkeys(c[1] for c in cells))  # in the order of the night, e.g. 21, 22, 23, 0
    return {"name": name or place.name, "place_id": place_id, "x": round(x, 1), "y": round(y, 1),
            "radius_m": round(3 * sd), "categories": categories, "weekdays": weekdays, "hours": hours,
            "cells": [list(c) for c in cells], "time_basis": basis, "n_planted": n}


def _cells(weekdays: list[int], hours: list[int]) -> list[list[int]]:
    return [[d, h] for d in weekdays for h in hours]


def truth(incidents: pd.DataFrame, seed: int = DEFAULT_SEED, scale: float = 1.0,
          survey_frame: pd.DataFrame | None = None) -> dict:
    """The planted ground truth as a JSON-ready dict (see README for the prose)."""
    companions = [c for c, _ in inc.HOTSPOT_COMPANIONS]
    hotspots = []
    for place_id, sd, n in inc.CENTRUM_HOTSPOTS:
        total = n * (1 + sum(s for _, s in inc.HOTSPOT_COMPANIONS))
        hotspots.append(_hotspot(place_id, ["Misshandel utomhus", *companions], sd, ISO_WEEKEND_NIGHT_CELLS,
                                 round(total * scale)))
    disco = [c for c, _ in inc.DISCO_CATEGORIES]
    hotspots.append(_hotspot("P07", disco, 40, ISO_DISCO_CELLS, round(sum(n for _, n in inc.DISCO_CATEGORIES)
                                                                          * scale)))
    vehicle = ["Stöld ur motordrivet fordon", "Skadegörelse på motorfordon", "Tillgrepp av motordrivet fordon"]
    night = [22, 23, 0, 1, 2, 3, 4, 5]
    hotspots.append(_hotspot("P08", vehicle, 30, _cells(list(range(1, 8)), night), round(720 * scale),
                             basis="aoristic"))
    hotspots.append(_hotspot("P09", ["Cykelstöld"], 30, _cells([1, 2, 3, 4, 5], list(range(8, 17))),
                             round(450 * scale), basis="aoristic",
                             name="Resecentrum och Busstorget (cykelstöld)"))
    hotspots.append(_hotspot("P20", ["Misshandel utomhus", "Ordningsstörning", "Berusad person"], 45,
                             ISO_WEEKEND_EVENING_CELLS, round(490 * scale),
                             name="Österby torg och Puben Ankaret"))
    time_peaks = [
        {"category": "Misshandel utomhus", "place": "Centrum: krogarna F, G, H, busstorget och snabbmatstället I",
         "weekdays": [5, 6, 7], "hours": [21, 22, 23, 0, 1, 2, 3], "cells": ISO_WEEKEND_NIGHT_CELLS,
         "time_basis": "start", "description": "fredag 21–03 och lördag 22–04"},
        {"category": "Störande ungdomar", "place": "Fritidsgården J", "weekdays": [4, 5],
         "hours": [20, 21, 22, 23, 0], "cells": ISO_DISCO_CELLS, "time_basis": "start",
         "description": "torsdag 20–01 (ungdomsdiscot), ej sommar och jul"},
        {"category": "Inbrott i bostad", "place": "Bostadsområde K (Kvarnbacken)", "weekdays": [1, 2, 3, 4, 5],
         "hours": list(range(8, 17)), "cells": _cells([1, 2, 3, 4, 5], list(range(8, 17))),
         "time_basis": "aoristic", "description": "vardagar 08–17 medan de boende är på arbetet"},
        {"category": "Stöld ur motordrivet fordon", "place": "Parkeringsplats N", "weekdays": list(range(1, 8)),
         "hours": night, "cells": _cells(list(range(1, 8)), night), "time_basis": "aoristic",
         "description": "nätter 22–06"},
        {"category": "Cykelstöld", "place": "Busstorget och Resecentrum", "weekdays": [1, 2, 3, 4, 5],
         "hours": list(range(8, 17)), "cells": _cells([1, 2, 3, 4, 5], list(range(8, 17))),
         "time_basis": "aoristic", "description": "vardagar dagtid (pendlarnas cyklar)"},
    ]
    counts = intervention_counts(incidents)
    test = wdd(counts["target_before"], counts["target_after"], counts["control_before"], counts["control_after"])
    intervention = {
        "place": "Stortorget/centrum",
        "measures": m.INTERVENTION_MEASURES,
        "date": m.INTERVENTION_DATE,
        "target_polygon_wkt": shapely.to_wkt(m.TARGET_AREA, rounding_precision=1),
        "district_id": m.CENTRUM_ID,
        "control_district_id": m.CONTROL_ID,
        "category": "Misshandel utomhus",
        "expected_change": -0.25,
        "before": list(BEFORE),
        "after": list(AFTER),
        "observed": {**counts, "target_change": round(counts["target_after"] / max(counts["target_before"], 1) - 1,
                                                      4),
                     "control_change": round(counts["control_after"] / max(counts["control_before"], 1) - 1, 4),
                     "wdd": test["wdd"], "se": round(test["se"], 3), "z": round(test["z"], 3)},
    }
    burglary = {
        "place": "Bostadsområde K (Kvarnbacken)",
        "district_id": "A02",
        "streets": ["Lärkvägen (gata L)", "Mossvägen (gata M)"],
        "categories": [c for c, _ in inc.BURGLARY_K],
        "n_planted": {c: round(n * scale) for c, n in inc.BURGLARY_K},
        "types": [
            {"label": "dagtid medan de boende är på arbetet", "share": 0.55, "start_weekdays": [1, 2, 3, 4, 5],
             "start_hours": [6, 7, 8], "window_hours": [7, 10]},
            {"label": "kväll", "share": 0.15, "start_weekdays": list(range(1, 8)), "start_hours": [17, 18, 19, 20, 21],
             "window_hours": [2, 6]},
            {"label": "helgresa (fredag–söndag)", "share": 0.05, "start_weekdays": [5], "start_hours": [15, 16, 17],
             "window_hours": [48, 50]},
            {"label": "okänd tid (00:00–23:59)", "share": 0.15, "start_weekdays": list(range(1, 8)),
             "start_hours": [0], "window_hours": [23.98, 23.98]},
            {"label": "exakt tid", "share": 0.10, "start_weekdays": list(range(1, 8)), "start_hours": list(range(24)),
             "window_hours": [0, 0]},
        ],
        "aoristic_peak": {"weekdays": [1, 2, 3, 4, 5], "hours": list(range(8, 17))},
        "unknown_time": "00:00–23:59 (occurred_to = samma dag 23:59) ska behandlas som ett 24-timmarsfönster",
    }
    area = _assign_districts(incidents["x"].to_numpy(), incidents["y"].to_numpy())
    if survey_frame is not None:
        small = sorted(survey_frame.loc[survey_frame["n"] < 30, "area_id"].unique().tolist())
    else:
        small = list(m.SMALL_DISTRICTS)
    return {
        "town": TOWN,
        "fictional": True,
        "crs": WORK_CRS,
        "seed": int(seed),
        "scale": float(scale),
        "period": ["2023-01-01", "2025-12-31"],
        "n_incidents": int(len(incidents)),
        "outside_districts": int((area == "").sum()),
        "hotspots": hotspots,
        "time_peaks": time_peaks,
        "intervention": intervention,
        "burglary_windows": burglary,
        "small_n_districts": small,
        "trends": {"Bedrägeri": 0.12, "Klotter": 0.10, "Ofredande": 0.06},
        "seasonality": "de flesta kategorier har fler händelser på sommaren (topp i juli); "
                       "felanmäld trasig belysning har fler på vintern",
    }


# --- writing ----------------------------------------------------------------------


def _replace(tmp: Path, target: Path) -> None:
    os.replace(tmp, target)


def _write_geojson(frame: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp.geojson")
    if tmp.exists():
        tmp.unlink()
    pyogrio.write_dataframe(frame, tmp, driver="GeoJSON", layer=layer,
                            layer_options={"COORDINATE_PRECISION": "1", "WRITE_BBOX": "NO"})
    _replace(tmp, path)


def _write_text(text: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    _replace(tmp, path)


def generate(out_dir: str | Path | None = None, seed: int = DEFAULT_SEED, scale: float = 1.0) -> SamplePaths:
    """Write every file of the sample into ``out_dir`` (default data/sample) and return their paths.

    The same ``seed`` and ``scale`` give byte-identical files.
    """
    from exempelstad.readme import readme

    target = paths(out_dir)
    target.directory.mkdir(parents=True, exist_ok=True)
    incidents = generate_incidents(seed=seed, scale=scale)
    survey_frame = survey(incidents, seed=seed, scale=scale)
    costs = repair_costs(incidents, seed=seed)
    facts = truth(incidents, seed=seed, scale=scale, survey_frame=survey_frame)

    tmp = target.incidents.with_name(f".{target.incidents.name}.tmp")
    write_incidents(incidents, tmp)
    _replace(tmp, target.incidents)
    _write_geojson(districts(), target.districts, "Exempelstad (fiktiv ort) – stadsdelar")
    _write_geojson(places(), target.places, "Exempelstad (fiktiv ort) – platser")
    _write_geojson(streets(), target.streets, "Exempelstad (fiktiv ort) – gator")
    _write_geojson(background(), target.background, "Exempelstad (fiktiv ort) – bakgrundskarta")
    _write_text(survey_frame.to_csv(index=False, lineterminator="\n"), target.survey)
    _write_text(costs.to_csv(index=False, lineterminator="\n"), target.repair_costs)
    _write_text(json.dumps(facts, ensure_ascii=False, indent=2) + "\n", target.truth)
    _write_text(readme(facts, incidents, survey_frame, costs), target.readme)
    return target
