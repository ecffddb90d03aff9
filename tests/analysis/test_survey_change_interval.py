"""The survey change's own 95 % interval, which the steering group reads beside "bättre" / "sämre"."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.survey import survey_change
from dashboard.components.steering import survey_change_lines


def _survey(value_a: float, value_b: float, n: int | None) -> pd.DataFrame:
    return pd.DataFrame({"area_id": ["C1", "C1"], "year": [2023, 2024], "indicator": ["otrygg_kvall"] * 2,
                         "label": ["Otrygga ute sent"] * 2, "value": [value_a, value_b], "unit": ["share"] * 2,
                         "direction": ["lower_better"] * 2, "n": [n, n]})


def test_change_interval_of_two_shares_by_hand():
    # 30 % → 20 %, n = 400 each: pooled p = 0,25, SE = √(0,25 · 0,75 · 2/400) = 0,030619;
    # −0,10 ± 1,96 · 0,030619 = −0,1600 … −0,0400.
    row = survey_change(_survey(0.30, 0.20, 400), 2023, 2024).iloc[0]
    assert row["change_low"] == pytest.approx(-0.16001, abs=1e-4)
    assert row["change_high"] == pytest.approx(-0.03999, abs=1e-4)
    line = survey_change_lines(pd.DataFrame([row]), {"C1": "Centrum"})[0].replace("\xa0", " ")
    assert line == "Centrum, Otrygga ute sent: bättre (−10 procentenheter, 95 % intervall −16 till −4)"


def test_no_certain_change_spans_zero_and_untested_has_no_interval():
    # 30 % → 28 %, n = 100: pooled 0,29, SE = √(0,29 · 0,71 · 2/100) = 0,064172; −0,02 ± 0,1258 = −0,146 … +0,106.
    row = survey_change(_survey(0.30, 0.28, 100), 2023, 2024).iloc[0]
    line = survey_change_lines(pd.DataFrame([row]), {"C1": "Centrum"}, lang="en")[0]
    assert line == ("Centrum, Otrygga ute sent: no certain change (-2 percentage points, 95% interval -15 to "
                    "+11)")
    untested = survey_change(_survey(0.30, 0.20, None), 2023, 2024)
    assert survey_change_lines(untested, {"C1": "Centrum"}) == ["Centrum, Otrygga ute sent: kan inte bedömas"]


def test_brief_lines_count_the_untested_and_never_say_minus_zero():
    rows = [{"area_id": "C1", "label": "Otrygga ute sent", "unit": "share", "assessment": "ingen säker förändring",
             "change": -0.004, "change_low": -0.09, "change_high": 0.09},
            {"area_id": "C1", "label": "Klotter", "unit": "index", "assessment": "kan inte bedömas", "change": 0.2,
             "change_low": None, "change_high": None},
            {"area_id": "C1", "label": "Nedskräpning", "unit": "index", "assessment": "kan inte bedömas",
             "change": -0.1, "change_low": None, "change_high": None}]
    lines = [line.replace("\xa0", " ") for line in survey_change_lines(pd.DataFrame(rows), {"C1": "Centrum"},
                                                                        brief=True)]
    assert lines == ["Centrum, Otrygga ute sent: ingen säker förändring (0 procentenheter, 95 % intervall −9 till +9)",
                     "2 resultat till kan inte bedömas (ingen felmarginal publicerad)"]
