"""The data model: canonical columns, sources, units and the working CRS.

See docs/data-model.md for the prose version a user reads.
"""

from __future__ import annotations

WORK_CRS = "EPSG:3006"  # SWEREF 99 TM, the national system
TIMEZONE = "Europe/Stockholm"  # times are local wall-clock times in this zone

# Incident columns, in the order datasets store them.
INCIDENT_COLUMNS: tuple[str, ...] = (
    "id",
    "category",
    "occurred_from",
    "occurred_to",
    "x",
    "y",
    "source",
    "place_type",
)
INCIDENT_REQUIRED: tuple[str, ...] = ("category", "occurred_from", "x", "y")
# Columns the importer writes when it knows them; a dataset without them reads as before.
# position_precision: exakt, ungefärlig, kommun, län, saknas (geo/stacked.py).
INCIDENT_OPTIONAL: tuple[str, ...] = ("position_precision",)

SOURCES: tuple[str, ...] = (
    "polis",
    "kommun",
    "räddningstjänst",
    "fastighetsägare",
    "trygghetsvandring",
    "annan",
)
PLACE_TYPES: tuple[str, ...] = ("utomhus", "inomhus")

# Area layers: districts and micro-places.
AREA_COLUMNS: tuple[str, ...] = ("area_id", "name", "population", "parent", "kind", "radius_m")

# Survey results (trygghetsmätning).
SURVEY_COLUMNS: tuple[str, ...] = (
    "area_id",
    "year",
    "indicator",
    "label",
    "value",
    "unit",
    "direction",
    "n",
    "ci_low",
    "ci_high",
    "source",
)
SURVEY_UNITS: tuple[str, ...] = ("share", "index")  # share 0–1, index 0–6
SURVEY_DIRECTIONS: tuple[str, ...] = ("lower_better", "higher_better")
SURVEY_SOURCES: tuple[str, ...] = ("Polisens trygghetsmätning", "NTU", "Kommunens enkät")
