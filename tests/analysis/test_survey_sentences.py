"""Survey sentences (change between years, verdicts, the small-n flag) in Swedish and English.

The two-proportion z-test is worked by hand: 30 % → 20 % with 400 respondents each year has
the pooled share 0.25, SE = √(0.25 · 0.75 · 2/400) = 0.030619, z = −3.266 and
p = erfc(3.266/√2) = 0.00109.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.survey import assessment_text, change_headline, change_sentence, survey_change

NBSP = "\u00a0"


def survey() -> pd.DataFrame:
    return pd.DataFrame({
        "area_id": ["C1", "C1", "N2", "N2", "S3", "S3"],
        "year": [2023, 2024] * 3,
        "indicator": ["otrygg_kvall", "otrygg_kvall", "nedskrapning", "nedskrapning", "otrygg_kvall", "otrygg_kvall"],
        "label": ["Otrygga ute sent"] * 2 + ["Nedskräpning"] * 2 + ["Otrygga ute sent"] * 2,
        "value": [0.30, 0.20, 2.1, 2.4, 0.40, 0.50],
        "unit": ["share", "share", "index", "index", "share", "share"],
        "direction": ["lower_better"] * 6,
        "n": [400, 400, None, None, 20, 25],
    })


def rows() -> dict[str, dict]:
    change = survey_change(survey(), 2023, 2024)
    years = {"year_a": change.attrs["year_a"], "year_b": change.attrs["year_b"]}
    return {r["area_id"]: {**r, **years} for r in change.to_dict("records")}


def test_hand_worked_z_test_behind_the_sentence():
    se = math.sqrt(0.25 * 0.75 * (1 / 400 + 1 / 400))
    p = math.erfc(abs(-0.10 / se) / math.sqrt(2))
    assert p == pytest.approx(0.00109, abs=1e-5)
    assert rows()["C1"]["p_value"] == pytest.approx(p, rel=1e-9)


def test_a_certain_improvement_in_both_languages():
    row = rows()["C1"]
    assert change_sentence(row, "Centrum") == (
        f"Centrum: Otrygga ute sent 30{NBSP}% (2023) → 20{NBSP}% (2024), bättre (p = 0,001).")
    assert change_sentence(row, "Centrum", lang="en") == (
        "Centrum: Otrygga ute sent 30% (2023) → 20% (2024), better (p = 0.001).")


def test_an_index_without_standard_error_cannot_be_assessed():
    row = rows()["N2"]
    assert change_sentence(row) == (
        "N2: Nedskräpning 2,10 (2023) → 2,40 (2024), kan inte bedömas, osäkert (färre än 30 eller okänt antal svar).")
    assert change_sentence(row, lang="en") == (
        "N2: Nedskräpning 2.10 (2023) → 2.40 (2024), cannot be assessed, uncertain (fewer than 30 or unknown "
        "responses).")


def test_a_small_sample_is_flagged():
    # 40 % of 20 → 50 % of 25: pooled 0.4556, SE = √(0.4556 · 0.5444 · (1/20 + 1/25)) = 0.1494, z = 0.669.
    pooled = (0.4 * 20 + 0.5 * 25) / 45
    se = math.sqrt(pooled * (1 - pooled) * (1 / 20 + 1 / 25))
    p = math.erfc(0.1 / se / math.sqrt(2))
    assert p == pytest.approx(0.5033, abs=1e-3)
    row = rows()["S3"]
    assert change_sentence(row, "Söder", lang="en") == (
        "Söder: Otrygga ute sent 40% (2023) → 50% (2024), no certain change (p = 0.50), uncertain (fewer than 30 "
        "or unknown responses).")
    assert change_sentence(row, "Söder") == (
        f"Söder: Otrygga ute sent 40{NBSP}% (2023) → 50{NBSP}% (2024), ingen säker förändring (p = 0,50), "
        "osäkert (färre än 30 eller okänt antal svar).")


def test_headline_counts_better_and_worse():
    change = survey_change(survey(), 2023, 2024)
    assert change_headline(change) == (
        "Mellan 2023 och 2024: 1 resultat blev säkert bättre och 0 säkert sämre (av 3 jämförda område × fråga).")
    assert change_headline(change, lang="en") == (
        "Between 2023 and 2024: 1 result certainly got better and 0 certainly got worse "
        "(of 3 compared district × question).")


@pytest.mark.parametrize(("assessment", "en"), [
    ("bättre", "better"), ("sämre", "worse"), ("ingen säker förändring", "no certain change"),
    ("kan inte bedömas", "cannot be assessed"),
])
def test_assessment_words(assessment, en):
    assert assessment_text(assessment) == assessment
    assert assessment_text(assessment, lang="en") == en
