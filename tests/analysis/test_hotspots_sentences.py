"""The hot-spot stability sentence in Swedish and English, on hand-made stability tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.hotspots import stability_text

NBSP = "\u00a0"


def table(kept: list[float], jaccard: list[float], cells=(50.0, 100.0, 200.0), reference=100.0,
          level=0.05) -> pd.DataFrame:
    frame = pd.DataFrame({"cell": list(cells), "jaccard": jaccard, "reference_kept": kept})
    frame.attrs.update(reference=reference, level=level)
    return frame


def test_fairly_stable_picture():
    # The smallest share kept is 60 %: from 40 % up to 70 % the picture is "ganska stabil".
    stability = table([0.6, 1.0, 0.9], [0.5, 1.0, 0.75])
    assert stability_text(stability) == (
        f"Av de heta områdena (95{NBSP}%) med 100 m rutor är 60{NBSP}% vid 50 m (Jaccardindex 0,50) och "
        f"90{NBSP}% vid 200 m (Jaccardindex 0,75) också heta. Bilden är ganska stabil när rutstorleken ändras.")
    assert stability_text(stability, lang="en") == (
        "Of the hot areas (95%) with 100 m cells, 60% at 50 m (Jaccard index 0.50) and 90% at 200 m "
        "(Jaccard index 0.75) are also hot. The picture is fairly stable when the cell size changes.")


def test_stable_and_unstable_pictures():
    assert stability_text(table([0.7, 1.0], [0.66, 1.0], cells=(50.0, 100.0)), lang="en").endswith(
        "The picture is stable when the cell size changes.")
    assert stability_text(table([0.39, 1.0], [0.2, 1.0], cells=(50.0, 100.0))).endswith(
        "Bilden är instabil när rutstorleken ändras.")


def test_no_hot_area_at_the_reference_size():
    nothing = table([np.nan, np.nan, np.nan], [np.nan, np.nan, np.nan], level=0.01)
    assert stability_text(nothing) == (
        f"Inga heta områden (99{NBSP}%) med 100 m rutor, så stabiliteten kan inte bedömas.")
    assert stability_text(nothing, lang="en") == (
        "No hot areas (99%) with 100 m cells, so the stability cannot be assessed.")


def test_three_other_sizes_are_listed_with_commas():
    stability = table([0.8, 1.0, 0.75, 0.5], [0.7, 1.0, 0.6, 0.4], cells=(50.0, 100.0, 200.0, 400.0))
    text = stability_text(stability, lang="en")
    assert ("80% at 50 m (Jaccard index 0.70), 75% at 200 m (Jaccard index 0.60) and 50% at 400 m "
            "(Jaccard index 0.40) are also hot.") in text


def test_hotspot_stability_keeps_the_swedish_sentence_beside_the_chosen_language():
    from analysis.hotspots import hotspot_stability
    from tests.analysis.test_hotspots import planted_incidents

    result = hotspot_stability(planted_incidents(), cells=(50, 100, 200), lang="en")
    assert result.attrs["summary"].startswith("Of the hot areas (95%) with 100 m cells, ")
    assert result.attrs["summary_sv"].startswith(f"Av de heta områdena (95{NBSP}%) med 100 m rutor är ")
