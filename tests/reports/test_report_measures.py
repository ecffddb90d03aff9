"""The report's action plan (Åtgärdsplan) shows a measure's description to others only when it is marked shareable."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.disclosure import View
from data.sample import paths
from geo.dataset import read_incidents
from reports.report import ProblemPicture, build_report
from store.model import Hotspot, Measure

SHARED = "Ny LED-belysning i gångtunneln före oktober"
KEPT = "Civilklädda poliser fredagar 22–02 vid tunneln"


@pytest.fixture(scope="module")
def incidents():
    return read_incidents(paths().incidents)


def _picture() -> ProblemPicture:
    place = Hotspot("Klottret vid gångtunneln", "POINT (589542 6544968)", categories=["Klotter"], id=1)
    measures = [Measure("Belysning", description=SHARED, hotspot_ids=[1], start="2025-03-01", shareable=True, id=1),
                Measure("Spaning", description=KEPT, organisation="polis", hotspot_ids=[1], start="2025-03-01",
                        id=2)]
    return ProblemPicture(hotspots=[place], measures=measures, place_name="Exempelstad", is_sample=True)


@pytest.mark.parametrize(("view", "audience", "kept_shown"), [
    (None, "internal", True),                                # the owner's own report: everything
    (View(True, False, "gemensam"), "internal", False),      # below the owner's level
    (None, "public", False),                                 # the public version
])
def test_only_shareable_measure_descriptions_reach_the_other_party(incidents, view, audience, kept_shown):
    report = build_report(_picture(), incidents, period=("2025-01-01", "2025-12-31"),
                          generated_at=datetime(2026, 1, 15, 9, 30), view=view, audience=audience)
    text = report.text()
    assert "Belysning" in text and "Spaning" in text  # every measure is in the plan by its title
    assert SHARED in text
    assert (KEPT in text) is kept_shown
