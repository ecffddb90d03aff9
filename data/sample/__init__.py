"""Exempelstad (fiktiv ort): the generated sample town and the one accessor for its files.

Regenerate with ``samsyn sample`` (see README.md in this folder).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
# The demo problem picture (written by exempelstad.demo_picture, loaded by workspace.demo).
DEMO_PICTURE = DIRECTORY / "problembild.json"
# Who the demo's rows say made them, and who the change log says loaded it on a first start.
DEMO_USER = "Exempelbilden (Samsyn)"

FILE_NAMES: dict[str, str] = {
    "incidents": "incidents.parquet",
    "districts": "districts.geojson",
    "places": "places.geojson",
    "streets": "streets.geojson",
    "background": "background.geojson",
    "survey": "survey.csv",
    "repair_costs": "repair_costs.csv",
    "truth": "truth.json",
    "readme": "README.md",
}


@dataclass(frozen=True)
class SamplePaths:
    """Paths of the sample's files in one directory."""

    directory: Path
    incidents: Path
    districts: Path
    places: Path
    streets: Path
    background: Path
    survey: Path
    repair_costs: Path
    truth: Path
    readme: Path

    def files(self) -> list[Path]:
        """Every data file of the sample (all attributes except ``directory``)."""
        return [getattr(self, key) for key in FILE_NAMES]


def paths(directory: str | Path | None = None) -> SamplePaths:
    """Paths of the sample files in ``directory`` (default: this package folder, data/sample).

    >>> paths().incidents.name
    'incidents.parquet'
    """
    base = DIRECTORY if directory is None else Path(directory)
    return SamplePaths(directory=base, **{key: base / name for key, name in FILE_NAMES.items()})
