"""WDD test against Wheeler & Ratcliffe (2018) and ptools::wdd; follow-up on areas and periods."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import shapely
from scipy import stats

from analysis.followup import Counts, followup, parse_period, wdd
from core.errors import InputError

# Hand-worked from the paper's counts: target 207 → 110 is −47 %, control 308 → 318 +3 %; target against
# control −97 − 10 = −107, SE √943 = 30,7, 95 % ±60,2 → −167 to −47, z = −3,48, p = 0,0005; the ring
# 178 → 157 (−12 %) against its control 150 → 140 (−7 %) is −21 + 10 = −11, SE √625 = 25, z = −0,44,
# p = 0,660; the total −118, SE √1568, 95 % (−196, −40), z = −2,98, p = 0,003.
PAPER_SENTENCES = [
    "I målområdet minskade misshandel utomhus från 207 till 110 händelser (−47 %).",
    "I jämförelseområdet ökade antalet från 308 till 318 (+3 %).",
    "Målområdets förändring jämfört med jämförelseområdets är −107 händelser (95 % konfidensintervall −167 "
    "till −47), vilket är större än normal slumpvariation (p < 0,001).",
    "I området runt omkring minskade antalet från 178 till 157 (−12 %).",
    "I kontrollområdet för området runt omkring minskade antalet från 150 till 140 (−7 %).",
    "Ingen säker undanträngning och ingen säker spridning av nytta syns i området runt omkring: skillnaden mot "
    "dess kontroll, −11 händelser, ryms inom normal slumpvariation (p = 0,660).",
    "Sammantaget (WDD-testet, målområdet och området runt omkring mot sina kontroller) är skillnaden −118 "
    "händelser (95 % konfidensintervall −196 till −40, p = 0,003).",
]
PAPER_SENTENCE = " ".join(PAPER_SENTENCES)


def plain(text):
    """Sentences with ordinary spaces (formatting puts a no-break space before %)."""
    return [plain(t) for t in text] if isinstance(text, list) else text.replace("\xa0", " ")


def test_paper_example():
    r = wdd((308, 318), (207, 110), (150, 140), (178, 157), label="misshandel utomhus")
    assert r.est_local == pytest.approx(-107)
    assert r.est_displace == pytest.approx(-11)
    assert r.est_total == pytest.approx(-118)
    assert r.se == pytest.approx(math.sqrt(1568))
    assert round(r.z, 2) == -2.98
    assert round(r.ci95[0]) == -196 and round(r.ci95[1]) == -40
    assert r.p == pytest.approx(2 * stats.norm.sf(118 / math.sqrt(1568)))
    assert r.pct_change["target"] == pytest.approx(100 * (110 - 207) / 207)
    assert r.pct_change["control"] == pytest.approx(100 * 10 / 308)
    assert plain(r.sentences("sv")) == PAPER_SENTENCES
    assert plain(r.summary_sv) == PAPER_SENTENCE
    assert r.time_weights == (1.0, 1.0)


def test_paper_example_in_english():
    r = wdd((308, 318), (207, 110), (150, 140), (178, 157), label="misshandel utomhus")
    english = plain(r.sentences("en"))
    assert english[0] == "In the target area misshandel utomhus fell from 207 to 110 incidents (-47%)."
    assert english[2].startswith("The target area's change compared with the comparison area's is -107 incidents "
                                 "(95% confidence interval -167 to -47), which is larger than normal random variation")
    assert "No reliable displacement" in english[5] and "(p = 0.660)" in english[5]
    assert english[6].endswith("the difference is -118 incidents (95% confidence interval -196 to -40, p = 0.003).")


def test_clear_local_fall_with_a_ring_that_is_not_significant():
    # Target 60 → 20 against control 100 → 100: −40, SE √280 = 16,7, 95 % −73 to −7, p = 0,017.
    # Ring 40 → 35 against its control 80 → 80: −5, SE √235 = 15,3, p = 0,744 — no claim about the ring.
    r = wdd((100, 100), (60, 20), (80, 80), (40, 35), label="misshandel utomhus")
    parts = plain(r.sentences("sv"))
    assert parts[0] == "I målområdet minskade misshandel utomhus från 60 till 20 händelser (−67 %)."
    assert parts[1] == "I jämförelseområdet var antalet oförändrat (100 före och 100 efter)."
    assert parts[2] == ("Målområdets förändring jämfört med jämförelseområdets är −40 händelser (95 % "
                        "konfidensintervall −73 till −7), vilket är större än normal slumpvariation (p = 0,017).")
    assert parts[5] == ("Ingen säker undanträngning och ingen säker spridning av nytta syns i området runt omkring: "
                        "skillnaden mot dess kontroll, −5 händelser, ryms inom normal slumpvariation (p = 0,744).")
    assert "spridning av nytta." not in r.summary_sv and "kan vara undanträngning" not in r.summary_sv


def test_ring_claims_only_when_its_own_test_supports_them():
    # Ring 100 → 60 against its control 100 → 100: −40, SE √360 = 19,0, z = −2,11, p = 0,035.
    diffusion = wdd((100, 100), (100, 50), (100, 100), (100, 60))
    assert plain(diffusion.sentences()[5]) == ("Området runt omkring minskade med 40 händelser mer än sin kontroll, vilket "
                                        "är större än normal slumpvariation (p = 0,035) och tyder på spridning av "
                                        "nytta.")
    # Ring 50 → 90 against 100 → 100: +40, SE √340 = 18,4, z = 2,17, p = 0,030.
    displaced = wdd((100, 100), (100, 50), (100, 100), (50, 90))
    assert plain(displaced.sentences()[5]) == ("Området runt omkring ökade med 40 händelser mer än sin kontroll, vilket är "
                                        "större än normal slumpvariation (p = 0,030) och kan vara undanträngning.")
    assert "may be displacement" in displaced.sentences("en")[5]


def test_small_counts_say_the_test_is_rough():
    # Target 10 → 3 (−70 %) against control 12 → 11 (−8 %): −7 + 1 = −6, SE √36 = 6, 95 % −17,8 to +5,8, p = 0,317.
    r = wdd((12, 11), (10, 3), label="misshandel utomhus")
    assert plain(r.sentences()) == [
        "I målområdet minskade misshandel utomhus från 10 till 3 händelser (−70 %).",
        "I jämförelseområdet minskade antalet från 12 till 11 (−8 %).",
        "Målområdets förändring jämfört med jämförelseområdets är −6 händelser (95 % konfidensintervall −18 till "
        "+6), vilket ryms inom normal slumpvariation (p = 0,317).",
        "Undanträngning till området runt omkring har inte undersökts.",
        "Några antal är mindre än 10, så testet är bara ungefärligt.",
    ]


def test_ptools_unit_cases():
    # The expectations of ptools' own tests.
    assert wdd((20, 20), (20, 10)).est_local == -10
    assert wdd((20, 20), (20, 20), (20, 20), (20, 10)).est_displace == -10
    assert wdd((20, 20), (20, 10), (20, 20), (20, 10)).est_total == -20


def test_without_displacement_area_the_terms_are_zero():
    r = wdd((308, 318), (207, 110))
    assert r.est_displace == 0 and r.se_displace == 0
    assert r.se**2 == pytest.approx(308 + 318 + 207 + 110)
    assert r.displacement is None and r.displacement_control is None
    assert "har inte undersökts" in r.summary_sv


def test_shared_control_for_displacement():
    r = wdd((30, 30), (20, 25), None, (10, 30))
    assert r.displacement_control == Counts(30, 30)
    assert r.est_displace == pytest.approx(20)
    assert r.est_total == pytest.approx(5 + 20)
    # The control enters twice (coefficient −2), so its variance counts four times.
    assert r.se**2 == pytest.approx(20 + 25 + 10 + 30 + 4 * 60)
    assert any("också som kontroll" in n for n in r.notes_sv)


def test_time_weights_as_ptools():
    # ptools: counts divided by the period weight, variance by its square.
    r = wdd((308, 318), (207, 110), time_weights=(2, 1))
    assert r.est_local == pytest.approx((110 - 207 / 2) - (318 - 308 / 2))
    assert r.se**2 == pytest.approx(110 + 207 / 4 + 318 + 308 / 4)
    assert r.time_weights == (2.0, 1.0)
    assert any("olika långa" in n for n in r.notes_sv)
    assert json.dumps(r.to_dict(), ensure_ascii=False)


def test_no_change_is_not_significant():
    r = wdd((100, 100), (50, 50))
    assert r.est_total == 0 and r.z == 0 and r.p == pytest.approx(1)


def town() -> pd.DataFrame:
    """Target 0–100 m, ring to 200 m, control 1000–1100 m; counts chosen by hand."""
    rows = []

    def add(x, y, when, n):
        rows.extend([(x, y, pd.Timestamp(when))] * n)

    add(50, 50, "2023-06-01 12:00", 20)   # target before
    add(50, 50, "2024-06-01 12:00", 8)    # target after
    add(150, 50, "2023-06-02", 5)         # ring before
    add(150, 50, "2024-06-02", 9)         # ring after
    add(1050, 50, "2023-06-03", 30)       # control before
    add(1050, 50, "2024-06-03", 33)       # control after
    add(50, 50, "2023-10-31 23:59", 1)    # last minute of the before period counts
    add(50, 50, "2023-11-01 00:00", 4)    # between the periods: not counted
    add(5000, 5000, "2023-06-01", 7)      # elsewhere
    frame = pd.DataFrame(rows, columns=["x", "y", "occurred_from"])
    frame["x"] += 600000.0
    frame["y"] += 6540000.0
    return frame


TARGET = shapely.box(600000, 6540000, 600100, 6540100)
CONTROL = shapely.box(601000, 6540000, 601100, 6540100)
PERIODS = {"before": ("2023-05-01", "2023-10-31"), "after": ("2024-05-01", "2024-10-31")}


def test_followup_counts_areas_periods_and_the_buffer_ring():
    r = followup(town(), target=TARGET, control=CONTROL, displacement_buffer=100, **PERIODS)
    assert r.target == Counts(21, 8)
    assert r.control == Counts(30, 33)
    assert r.displacement == Counts(5, 9)  # the ring excludes the target
    assert r.displacement_control == Counts(30, 33)
    assert r.time_weights == (1.0, 1.0)
    assert r.est_total == pytest.approx((8 - 21) - 2 * (33 - 30) + (9 - 5))
    assert r.periods["before"]["days"] == 184
    data = r.to_dict()
    assert data["target"] == {"before": 21, "after": 8}
    assert data["periods"]["displacement_buffer_m"] == 100


def test_followup_weights_unequal_periods():
    r = followup(town(), target=TARGET, control=CONTROL,
                 before=("2023-01-01", "2023-12-31"), after=("2024-05-01", "2024-10-31"))
    assert r.time_weights[0] == pytest.approx(365 / 184)
    assert r.target == Counts(25, 8)
    assert r.est_local == pytest.approx((8 - 25 * 184 / 365) - (33 - 30 * 184 / 365))
    # 365 / 184 = 1.9837 → "1,98" / "1.98"
    assert r.notes("sv")[0] == ("Förperioden har 365 dagar och efterperioden 184; förperiodens antal har "
                                "räknats om till efterperiodens längd (tidsvikt 1,98).")
    assert r.notes("en")[0] == ("The before period has 365 days and the after period 184; the before period's "
                                "counts have been rescaled to the after period's length (time weight 1.98).")
    assert r.to_dict()["notes"]["en"] == r.notes("en")


def test_control_overlapping_target_warns():
    overlapping = shapely.box(600050, 6540000, 600300, 6540100)
    with pytest.warns(UserWarning, match="överlappar målområdet"):
        r = followup(town(), target=TARGET, control=overlapping, **PERIODS)
    assert any("överlappar målområdet" in n for n in r.notes_sv)


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (("2023-10-31", "2023-05-01"), ("2024-05-01", "2024-10-31"), "före startdatum"),
        (("2023-05-01", "2024-06-01"), ("2024-05-01", "2024-10-31"), "överlappar"),
        (("2023-05-01", "inte ett datum"), ("2024-05-01", "2024-10-31"), "Ogiltig"),
        (("2024-05-01", "2024-10-31"), ("2023-05-01", "2023-10-31"), "efter förperioden"),
    ],
)
def test_bad_periods_raise_input_error(before, after, message):
    with pytest.raises(InputError, match=message):
        followup(town(), target=TARGET, control=CONTROL, before=before, after=after)


def test_both_displacement_kinds_refused():
    with pytest.raises(InputError, match="inte båda"):
        followup(town(), target=TARGET, control=CONTROL, displacement=CONTROL, displacement_buffer=50, **PERIODS)


def test_parse_period_inclusive_dates():
    start, end = parse_period(("2024-01-01", "2024-01-31"))
    assert (end - start).days + 1 == 31
    assert isinstance(start, pd.Timestamp) and np.isfinite(start.value)


# --- ground truth of the Exempelstad sample ----------------------------------------------


@pytest.fixture(scope="module")
def sample():
    """``(truth, incidents, districts)`` from data/sample, or generated in memory until written."""
    from data.sample import paths
    from geo.dataset import load_incidents, read_areas

    files = paths()
    if files.truth.exists() and files.incidents.exists() and files.districts.exists():
        truth = json.loads(files.truth.read_text(encoding="utf-8"))
        return truth, load_incidents(files.incidents), read_areas(files.districts)
    exempelstad = pytest.importorskip("exempelstad.generate", reason="Exempelstad saknas; kör samsyn sample")
    incidents = exempelstad.generate_incidents(seed=exempelstad.DEFAULT_SEED)
    return json.loads(json.dumps(exempelstad.truth(incidents))), incidents, exempelstad.districts()


def test_followup_finds_the_planted_fall(sample):
    from analysis.filters import filter_incidents

    truth, incidents, districts = sample
    planted = truth["intervention"]
    control = districts.set_index("area_id").geometry[planted["control_district_id"]]
    r = followup(
        filter_incidents(incidents, categories=[planted["category"]]),
        target=shapely.from_wkt(planted["target_polygon_wkt"]), control=control,
        before=tuple(planted["before"]), after=tuple(planted["after"]), label=planted["category"].lower(),
    )
    assert r.z < -2
    assert r.pct_change["target"] == pytest.approx(100 * planted["expected_change"], abs=10)
    observed = planted.get("observed", {})
    if "target_before" in observed:
        assert r.target == Counts(observed["target_before"], observed["target_after"])
        assert r.control == Counts(observed["control_before"], observed["control_after"])
    assert r.summary_sv.startswith("I målområdet minskade misshandel utomhus")
