"""Effect follow-up with the weighted displacement difference (WDD) test.

Wheeler & Ratcliffe (2018), "A simple weighted displacement difference test to
evaluate place based crime interventions", *Crime Science* 7:11; the same
computation as R ``ptools::wdd``::

    WDD = (T1 − T0) − (C1 − C0) + (D1 − D0) − (Cd1 − Cd0)

with T the target (treated) area, C its control area, D the displacement area
around the target and Cd the displacement area's control; 0 = before,
1 = after. Counts are treated as independent Poisson counts, so the variance
is the sum of the eight counts and the test is a normal approximation —
rough when the counts are a handful.

Unequal periods
---------------
As ``ptools::wdd(time_weights=c(pre, post))``, each count is divided by its
period's weight and its variance by the weight squared. :func:`followup`
sets the weights to ``(days before / days after, 1)``, so every estimate is
"incidents per after-period" and equal periods give weights ``(1, 1)``. The
result records the weights and says so in its notes (``WDDResult.notes(lang)``).

Shared control
--------------
Without a separate displacement control the target's control area stands in
for it (``Cd = C``). The estimate then contains ``−2 (C1 − C0)`` and its exact
Poisson variance counts the control four times (coefficient ²), not twice as
a naïve sum of eight counts would.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from scipy import stats

from core import formatting
from core.errors import InputError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

DateLike = date | datetime | str | pd.Timestamp
Period = tuple[DateLike, DateLike]

Z95 = float(stats.norm.ppf(0.975))
MINUS = "\u2212"


@dataclass(frozen=True)
class Counts:
    """Incidents in one area before and after the measure."""

    before: float
    after: float

    def as_tuple(self) -> tuple[float, float]:
        """``(before, after)``."""
        return (self.before, self.after)


# The notes of a WDD result, as (key, parameters); rendered in the reader's language by
# WDDResult.notes(lang), so the numbers in them are formatted for that language too.
_NOTE_TEXTS: dict[str, dict[str, str]] = {
    "weights": {
        "sv": "Perioderna är olika långa; förperiodens antal har räknats om till efterperiodens längd "
              "(tidsvikter {w_before} och {w_after}), så skillnaderna gäller händelser per efterperiod.",
        "en": "The periods differ in length; the before period's counts have been rescaled to the after "
              "period's length (time weights {w_before} and {w_after}), so the differences are incidents "
              "per after period.",
    },
    "days": {
        "sv": "Förperioden har {days_before} dagar och efterperioden {days_after}; förperiodens antal har "
              "räknats om till efterperiodens längd (tidsvikt {w_before}).",
        "en": "The before period has {days_before} days and the after period {days_after}; the before "
              "period's counts have been rescaled to the after period's length (time weight {w_before}).",
    },
    "shared_control": {
        "sv": "Kontrollområdet används också som kontroll för området runt omkring.",
        "en": "The control area is also used as the control for the surrounding area.",
    },
    "small": {
        "sv": "Några antal är mindre än 10; testets normalapproximation är då osäker.",
        "en": "Some counts are below 10; the test's normal approximation is then uncertain.",
    },
    "overlap": {
        "sv": "{first} överlappar {second}; samma händelser räknas då på båda sidor och effekten underskattas.",
        "en": "{first} overlaps {second}; the same incidents then count on both sides and the effect is "
              "underestimated.",
    },
}
_AREA_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    # area: (as the subject of a sentence, as its object)
    "control": {"sv": ("Kontrollområdet", "kontrollområdet"), "en": ("The control area", "the control area")},
    "target": {"sv": ("Målområdet", "målområdet"), "en": ("The target area", "the target area")},
    "displacement": {"sv": ("Området runt omkring", "området runt omkring"),
                     "en": ("The surrounding area", "the surrounding area")},
    "displacement_control": {"sv": ("Kontrollen för området runt omkring", "kontrollen för området runt omkring"),
                             "en": ("The control for the surrounding area", "the control for the surrounding area")},
}
Note = tuple[str, dict[str, Any]]


def note_text(note: Note, lang: str = "sv") -> str:
    """One note of a WDD result in ``lang`` (numbers formatted for that language).

    Examples
    --------
    >>> note_text(("days", {"days_before": 365, "days_after": 306, "w_before": 365 / 306}), "en")[:44]
    'The before period has 365 days and the after'
    >>> note_text(("overlap", {"first": "control", "second": "target"}))
    'Kontrollområdet överlappar målområdet; samma händelser räknas då på båda sidor och effekten underskattas.'
    """
    key, params = note
    values = dict(params)
    for name in ("w_before", "w_after"):
        if name in values:
            values[name] = formatting.number(values[name], 2, lang=lang)
    if key == "overlap":
        values = {"first": _AREA_NAMES[params["first"]][lang][0], "second": _AREA_NAMES[params["second"]][lang][1]}
    return _NOTE_TEXTS[key][lang].format(**values)


@dataclass(frozen=True)
class WDDResult:
    """Result of the WDD test; estimates are in incidents per after-period."""

    control: Counts
    target: Counts
    displacement_control: Counts | None
    displacement: Counts | None
    time_weights: tuple[float, float]
    est_local: float
    se_local: float
    est_displace: float
    se_displace: float
    est_total: float
    se: float
    z: float
    p: float
    ci95: tuple[float, float]
    pct_change: dict[str, float | None]
    summary_sv: str
    note_items: tuple[Note, ...] = ()
    periods: dict[str, Any] | None = None
    label: str | None = None
    shared_control: bool = False

    @property
    def p_local(self) -> float:
        """Two-sided p of the target against the control alone (``est_local / se_local``)."""
        return _z_p(self.est_local, self.se_local)[1]

    @property
    def p_displace(self) -> float:
        """Two-sided p of the displacement ring against its control alone."""
        return _z_p(self.est_displace, self.se_displace)[1]

    def notes(self, lang: str = "sv") -> list[str]:
        """What the reader should know about the test (period weights, shared control, small counts…)."""
        return [note_text(note, lang) for note in self.note_items]

    @property
    def notes_sv(self) -> list[str]:
        """The notes in Swedish."""
        return self.notes("sv")

    def sentences(self, lang: str = "sv") -> list[str]:
        """The plain-language sentences of :func:`wdd_sentences` in ``lang``."""
        return wdd_sentences(self, lang=lang)

    def summary(self, lang: str = "sv") -> str:
        """The sentences as one paragraph."""
        return " ".join(self.sentences(lang))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary (the ``samsyn followup`` output)."""
        data = asdict(self)
        del data["note_items"]
        data["notes_sv"] = self.notes("sv")
        data["notes"] = {"sv": self.notes("sv"), "en": self.notes("en")}
        data["ci95"] = list(self.ci95)
        data["p_local"] = self.p_local
        data["p_displace"] = self.p_displace
        data["sentences"] = {"sv": self.sentences("sv"), "en": self.sentences("en")}
        data["time_weights"] = {
            "before": self.time_weights[0],
            "after": self.time_weights[1],
            "description_sv": (
                "Varje antal delas med sin periods vikt (som ptools::wdd time_weights); "
                "skattningarna gäller händelser per efterperiod."
            ),
        }
        return data


def _safe_pct(counts: Counts | None, weights: tuple[float, float]) -> float | None:
    if counts is None or counts.before == 0:
        return None
    before = counts.before / weights[0]
    return 100.0 * (counts.after / weights[1] - before) / before


WORDS = {
    "sv": {
        "target": "I målområdet",
        "control": "I jämförelseområdet",
        "ring": "I området runt omkring",
        "ring_control": "I kontrollområdet för området runt omkring",
        "fell": "minskade {what} från {before} till {after}{unit}",
        "rose": "ökade {what} från {before} till {after}{unit}",
        "same": "var {what} oförändrat ({before} före och {after} efter)",
        "events": " händelser",
        "count": "antalet händelser",
        "count_short": "antalet",
        "rescaled": " ({value} omräknat till efterperiodens längd)",
        "local": (
            "Målområdets förändring jämfört med jämförelseområdets är {est} händelser "
            "(95 % konfidensintervall {low} till {high}), {verdict} ({p})."
        ),
        "beyond": "vilket är större än normal slumpvariation",
        "within": "vilket ryms inom normal slumpvariation",
        "no_ring": "Undanträngning till området runt omkring har inte undersökts.",
        "displaced": (
            "Området runt omkring ökade med {est} händelser mer än sin kontroll, vilket är större än "
            "normal slumpvariation ({p}) och kan vara undanträngning."
        ),
        "diffused": (
            "Området runt omkring minskade med {est} händelser mer än sin kontroll, vilket är större än "
            "normal slumpvariation ({p}) och tyder på spridning av nytta."
        ),
        "neither": (
            "Ingen säker undanträngning och ingen säker spridning av nytta syns i området runt omkring: "
            "skillnaden mot dess kontroll, {est} händelser, ryms inom normal slumpvariation ({p})."
        ),
        "total": (
            "Sammantaget (WDD-testet, målområdet och området runt omkring mot sina kontroller) är "
            "skillnaden {est} händelser (95 % konfidensintervall {low} till {high}, {p})."
        ),
        "small": "Några antal är mindre än 10, så testet är bara ungefärligt.",
    },
    "en": {
        "target": "In the target area",
        "control": "In the comparison area",
        "ring": "In the surrounding area",
        "ring_control": "In the comparison area for the surrounding area",
        "fell": "{what} fell from {before} to {after}{unit}",
        "rose": "{what} rose from {before} to {after}{unit}",
        "same": "{what} was unchanged ({before} before and {after} after)",
        "events": " incidents",
        "count": "the number of incidents",
        "count_short": "the number",
        "rescaled": " ({value} rescaled to the length of the after period)",
        "local": (
            "The target area's change compared with the comparison area's is {est} incidents "
            "(95% confidence interval {low} to {high}), {verdict} ({p})."
        ),
        "beyond": "which is larger than normal random variation",
        "within": "which is within normal random variation",
        "no_ring": "Displacement to the surrounding area has not been examined.",
        "displaced": (
            "The surrounding area rose by {est} incidents more than its comparison area, which is larger "
            "than normal random variation ({p}) and may be displacement."
        ),
        "diffused": (
            "The surrounding area fell by {est} incidents more than its comparison area, which is larger "
            "than normal random variation ({p}) and suggests a diffusion of benefits."
        ),
        "neither": (
            "No reliable displacement and no reliable diffusion of benefits is seen in the surrounding area: "
            "the difference from its comparison area, {est} incidents, is within normal random variation ({p})."
        ),
        "total": (
            "Overall (the WDD test, target and surrounding area against their comparison areas) the "
            "difference is {est} incidents (95% confidence interval {low} to {high}, {p})."
        ),
        "small": "Some counts are below 10, so the test is only approximate.",
    },
}


def _area_sentence(
    opening: str, counts: Counts, weights: tuple[float, float], what: str, unit: str, lang: str
) -> str:
    words = WORDS[lang]
    w_before, w_after = weights
    before, after = formatting.number(counts.before, lang=lang), formatting.number(counts.after, lang=lang)
    if (w_before, w_after) != (1.0, 1.0):
        before += words["rescaled"].format(value=formatting.number(counts.before / w_before * w_after, 1, lang=lang))
    per_before, per_after = counts.before / w_before, counts.after / w_after
    key = "fell" if per_after < per_before else "rose" if per_after > per_before else "same"
    body = words[key].format(what=what, before=before, after=after, unit=unit)
    pct = _safe_pct(counts, weights)
    if pct is not None and key != "same":
        body += f" ({formatting.percent(pct / 100, lang=lang, signed=True)})"
    return f"{opening} {body}."


def _z_p(est: float, se: float) -> tuple[float, float]:
    z = est / se if se > 0 else 0.0
    return z, float(2 * stats.norm.sf(abs(z)))


def wdd_parts(result: WDDResult | dict[str, Any], *, lang: str = "sv") -> dict[str, str]:
    """The follow-up in plain sentences, each claiming only what its own part of the test supports.

    Keyed ``target``, ``control``, ``local``, ``ring``, ``ring_control``, ``ring_test``, ``total``
    and ``small`` (absent keys do not apply). One sentence each for the target area's change, the comparison area's, the target against the
    comparison area (``est_local`` and its own normal test), the displacement ring against *its*
    control (``est_displace`` and its own test: "undanträngning" or "spridning av nytta" only when
    that difference is beyond normal random variation, p < 0,05, as Wheeler & Ratcliffe 2018
    separate the local and the displacement estimate), and the WDD total. A last sentence warns
    when some count is below 10.

    Examples
    --------
    >>> r = wdd((308, 318), (207, 110), (150, 140), (178, 157), label="misshandel utomhus")
    >>> wdd_parts(r, lang="en")["ring_test"]
    'No reliable displacement and no reliable diffusion of benefits is seen in the surrounding area: the difference from its comparison area, -11 incidents, is within normal random variation (p = 0.660).'
    """
    data = asdict(result) if isinstance(result, WDDResult) else result
    formatting.locale(lang)  # a ValueError for an unknown language
    words = WORDS[lang]

    def counts_of(name: str) -> Counts | None:
        value = data.get(name)
        if value is None or isinstance(value, Counts):
            return value
        return Counts(**value)

    target, control = counts_of("target"), counts_of("control")
    ring, ring_control = counts_of("displacement"), counts_of("displacement_control")
    assert target is not None and control is not None
    weights = tuple(data["time_weights"])
    decimals = 0 if weights == (1.0, 1.0) else 1
    label = data.get("label")
    what, unit = (label, words["events"]) if label else (words["count"], "")

    def num(value: float) -> str:
        return formatting.number(value, decimals, lang=lang, signed=round(value, decimals) != 0)

    sentences = {
        "target": _area_sentence(words["target"], target, weights, what, unit, lang),
        "control": _area_sentence(words["control"], control, weights, words["count_short"], "", lang),
    }
    z_local, p_local = _z_p(data["est_local"], data["se_local"])
    low, high = data["est_local"] - Z95 * data["se_local"], data["est_local"] + Z95 * data["se_local"]
    sentences["local"] = (words["local"].format(
        est=num(data["est_local"]), low=num(low), high=num(high),
        verdict=words["beyond"] if p_local < 0.05 else words["within"], p=formatting.p_value(p_local, lang=lang)))
    if ring is None:
        sentences["ring_test"] = words["no_ring"]
    else:
        assert ring_control is not None
        z_ring, p_ring = _z_p(data["est_displace"], data["se_displace"])
        sentences["ring"] = _area_sentence(words["ring"], ring, weights, words["count_short"], "", lang)
        if not data.get("shared_control"):
            sentences["ring_control"] = _area_sentence(words["ring_control"], ring_control, weights,
                                                       words["count_short"], "", lang)
        p_text = formatting.p_value(p_ring, lang=lang)
        if p_ring < 0.05 and data["est_displace"] > 0:
            sentences["ring_test"] = (words["displaced"].format(est=formatting.number(abs(data["est_displace"]), decimals,
                                                                             lang=lang), p=p_text))
        elif p_ring < 0.05 and data["est_displace"] < 0:
            sentences["ring_test"] = (words["diffused"].format(est=formatting.number(abs(data["est_displace"]), decimals,
                                                                            lang=lang), p=p_text))
        else:
            sentences["ring_test"] = words["neither"].format(est=num(data["est_displace"]), p=p_text)
        total_low, total_high = data["ci95"]
        sentences["total"] = words["total"].format(est=num(data["est_total"]), low=num(total_low),
                                                   high=num(total_high), p=formatting.p_value(data["p"], lang=lang))
    values = [v for c in (target, control, ring, ring_control) if c is not None for v in c.as_tuple()]
    if values and min(values) < 10:
        sentences["small"] = words["small"]
    return sentences


def wdd_sentences(result: WDDResult | dict[str, Any], *, lang: str = "sv") -> list[str]:
    """The sentences of :func:`wdd_parts` in reading order.

    Examples
    --------
    >>> wdd_sentences(wdd((100, 100), (50, 50)))[2]
    'Målområdets förändring jämfört med jämförelseområdets är 0 händelser (95 % konfidensintervall −34 till +34), vilket ryms inom normal slumpvariation (p = 1,000).'
    """
    return list(wdd_parts(result, lang=lang).values())


def _counts(value: Counts | tuple[float, float] | None) -> Counts | None:
    if value is None or isinstance(value, Counts):
        return value
    before, after = value
    if before < 0 or after < 0:
        raise ValueError("Antal händelser kan inte vara negativa.")
    return Counts(float(before), float(after))


def wdd(
    control: Counts | tuple[float, float],
    treated: Counts | tuple[float, float],
    disp_control: Counts | tuple[float, float] | None = None,
    displace: Counts | tuple[float, float] | None = None,
    *,
    time_weights: tuple[float, float] | None = None,
    label: str | None = None,
) -> WDDResult:
    """Weighted displacement difference test on ``(before, after)`` counts.

    Parameters
    ----------
    control, treated
        Counts ``(before, after)`` in the control (jämförelseområde) and the
        target area (målområde).
    disp_control, displace
        Counts in the displacement area's control and in the displacement area
        (området runt omkring). Without ``displace`` both displacement terms
        are 0. With ``displace`` but no ``disp_control`` the control's counts
        are used for the displacement term (and the variance accounts for the
        control being used twice).
    time_weights
        ``(before, after)`` period weights as in ``ptools::wdd``: every count
        is divided by its period's weight, its variance by the weight squared.
        E.g. ``(2, 1)`` for two years before and one after. Default ``(1, 1)``.
    label
        What was counted, for the sentence (e.g. ``"misshandel utomhus"``).

    Returns
    -------
    WDDResult
        ``est_local`` (target vs control), ``est_displace`` (displacement area
        vs its control), ``est_total``, their standard errors, ``z``, the
        two-sided ``p`` from the normal, ``ci95`` of ``est_total``, per-cent
        changes per area and ``summary_sv``.

    Examples
    --------
    The example of Wheeler & Ratcliffe (2018):

    >>> r = wdd((308, 318), (207, 110), (150, 140), (178, 157))
    >>> r.est_total, r.se**2, round(r.z, 2), [round(v) for v in r.ci95]
    (-118.0, 1568.0, -2.98, [-196, -40])
    """
    c, t = _counts(control), _counts(treated)
    d, dc = _counts(displace), _counts(disp_control)
    assert c is not None and t is not None
    w_before, w_after = (1.0, 1.0) if time_weights is None else (float(time_weights[0]), float(time_weights[1]))
    if not (w_before > 0 and w_after > 0):
        raise ValueError("Tidsvikterna måste vara större än 0.")

    def change(counts: Counts) -> float:
        return counts.after / w_after - counts.before / w_before

    def variance(counts: Counts, coefficient: float = 1.0) -> float:
        return coefficient**2 * (counts.after / w_after**2 + counts.before / w_before**2)

    est_local = change(t) - change(c)
    var_local = variance(t) + variance(c)
    shared_control = d is not None and dc is None
    if d is None:
        est_displace = var_displace = 0.0
        var_total = var_local
    else:
        reference = c if shared_control else dc
        assert reference is not None
        est_displace = change(d) - change(reference)
        var_displace = variance(d) + variance(reference)
        if shared_control:
            # The control enters twice: its coefficient is −2, its variance ×4.
            var_total = variance(t) + variance(d) + variance(c, 2.0)
        else:
            var_total = var_local + var_displace
    est_total = est_local + est_displace
    se = math.sqrt(var_total)
    z = est_total / se if se > 0 else 0.0
    p = float(2 * stats.norm.sf(abs(z)))
    weights = (w_before, w_after)
    notes: list[Note] = []
    if weights != (1.0, 1.0):
        notes.append(("weights", {"w_before": w_before, "w_after": w_after}))
    if shared_control:
        notes.append(("shared_control", {}))
    small = [v for counts in (c, t, d, dc) if counts is not None for v in counts.as_tuple()]
    if min(small) < 10:
        notes.append(("small", {}))
    result: dict[str, Any] = {
        "control": c,
        "target": t,
        "displacement_control": (c if shared_control else dc) if d is not None else dc,
        "displacement": d,
        "time_weights": weights,
        "est_local": est_local,
        "se_local": math.sqrt(var_local),
        "est_displace": est_displace,
        "se_displace": math.sqrt(var_displace),
        "est_total": est_total,
        "se": se,
        "z": z,
        "p": p,
        "ci95": (est_total - Z95 * se, est_total + Z95 * se),
    }
    result["pct_change"] = {
        "target": _safe_pct(t, weights),
        "control": _safe_pct(c, weights),
        "displacement": _safe_pct(d, weights),
        "displacement_control": _safe_pct(result["displacement_control"], weights),
    }
    result["label"] = label
    result["shared_control"] = shared_control
    result["summary_sv"] = " ".join(wdd_sentences(result, lang="sv"))
    return WDDResult(**result, note_items=tuple(notes))


def parse_period(period: Period, *, name: str = "perioden") -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start and inclusive end date of a period; :class:`InputError` if it is not one.

    Examples
    --------
    >>> parse_period(("2023-05-01", "2023-10-31"))
    (Timestamp('2023-05-01 00:00:00'), Timestamp('2023-10-31 00:00:00'))
    """
    try:
        start, end = period
        start_ts, end_ts = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    except (TypeError, ValueError) as error:
        raise InputError(f"Ogiltig {name}: {period!r}. Skriv ÅÅÅÅ-MM-DD:ÅÅÅÅ-MM-DD.") from error
    if pd.isna(start_ts) or pd.isna(end_ts):
        raise InputError(f"Ogiltig {name}: {period!r}. Skriv ÅÅÅÅ-MM-DD:ÅÅÅÅ-MM-DD.")
    if end_ts < start_ts:
        raise InputError(
            f"I {name} ligger slutdatum {end_ts:%Y-%m-%d} före startdatum {start_ts:%Y-%m-%d}."
        )
    return start_ts, end_ts


def _inside(geometry: BaseGeometry, x: np.ndarray, y: np.ndarray, *, edges: bool = False) -> np.ndarray:
    """Points inside ``geometry`` (bounding box first, then ``contains_xy``; ``edges`` counts the boundary).

    The target counts its edges, as :func:`analysis.filters.within_geometry` and so every place
    count do; the ring and the controls do not, so a point on the target's edge is never counted twice.
    """
    xmin, ymin, xmax, ymax = geometry.bounds
    candidate = (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)
    result = np.zeros(len(x), dtype=bool)
    if candidate.any():
        shapely.prepare(geometry)
        test = shapely.intersects_xy if edges else shapely.contains_xy
        result[candidate] = test(geometry, x[candidate], y[candidate])
    return result


def _overlaps(a: BaseGeometry | None, b: BaseGeometry | None) -> bool:
    return a is not None and b is not None and shapely.intersection(a, b).area > 0


def followup(
    incidents: pd.DataFrame,
    *,
    target: BaseGeometry,
    control: BaseGeometry,
    displacement: BaseGeometry | None = None,
    displacement_buffer: float | None = None,
    displacement_control: BaseGeometry | None = None,
    before: Period,
    after: Period,
    label: str | None = None,
) -> WDDResult:
    """Count incidents in the areas before and after a measure and run :func:`wdd`.

    Parameters
    ----------
    incidents
        Canonical incidents frame, already filtered to what the measure aims at
        (category, source). An incident belongs to a period by its
        ``occurred_from`` date; the periods' end dates are inclusive.
    target, control
        Polygons of the target area (målområde) and its control area
        (jämförelseområde), in the incidents' CRS.
    displacement, displacement_buffer
        The displacement area (området runt omkring) as a polygon, or as a
        ring of ``displacement_buffer`` metres around the target (the target
        itself excluded). At most one of them.
    displacement_control
        Control for the displacement area; default the control area.
    before, after
        ``(start, end)`` dates of the periods before and after the measure.
        Unequal lengths are weighted as ``ptools::wdd`` ``time_weights``
        (``(days before / days after, 1)``).
    label
        What was counted, for the sentence.

    Raises
    ------
    InputError
        Bad or overlapping periods, or both kinds of displacement area.

    Warns
    -----
    UserWarning
        If the control area overlaps the target or the displacement area
        (the same incidents would count on both sides). Also in the result's notes.

    Examples
    --------
    >>> from shapely import box
    >>> frame = pd.DataFrame({"x": [50.0, 60, 70, 550, 40], "y": [50.0, 50, 50, 50, 45],
    ...     "occurred_from": pd.to_datetime(["2023-06-01", "2023-07-01", "2024-06-01",
    ...                                      "2024-06-02", "2023-06-03"])})
    >>> r = followup(frame, target=box(0, 0, 100, 100), control=box(500, 0, 600, 100),
    ...              before=("2023-05-01", "2023-10-31"), after=("2024-05-01", "2024-10-31"))
    >>> r.target, r.control, r.est_local
    (Counts(before=3.0, after=1.0), Counts(before=0.0, after=1.0), -3.0)
    """
    start0, end0 = parse_period(before, name="förperioden")
    start1, end1 = parse_period(after, name="efterperioden")
    if start1 <= end0 and start0 <= end1:
        raise InputError(
            f"För- och efterperioden överlappar ({start0:%Y-%m-%d}–{end0:%Y-%m-%d} och "
            f"{start1:%Y-%m-%d}–{end1:%Y-%m-%d}); samma händelser skulle räknas två gånger."
        )
    if start1 < start0:
        raise InputError("Efterperioden måste ligga efter förperioden.")
    if displacement is not None and displacement_buffer is not None:
        raise InputError("Ange antingen ett område för undanträngning eller en buffert runt målområdet, inte båda.")
    if displacement_buffer is not None:
        if not displacement_buffer > 0:
            raise InputError("Bufferten runt målområdet måste vara större än 0 meter.")
        displacement = shapely.difference(target.buffer(displacement_buffer), target)

    notes: list[Note] = []
    checks = [
        (control, target, "control", "target"),
        (control, displacement, "control", "displacement"),
        (displacement_control, target, "displacement_control", "target"),
        (displacement_control, displacement, "displacement_control", "displacement"),
    ]
    for a, b, first, second in checks:
        if _overlaps(a, b):
            note: Note = ("overlap", {"first": first, "second": second})
            warnings.warn(note_text(note), UserWarning, stacklevel=2)
            notes.append(note)

    x = incidents["x"].to_numpy(dtype=float)
    y = incidents["y"].to_numpy(dtype=float)
    when = incidents["occurred_from"].to_numpy(dtype="datetime64[ns]")
    one_day = np.timedelta64(1, "D")
    in_before = (when >= start0.to_datetime64()) & (when < end0.to_datetime64() + one_day)
    in_after = (when >= start1.to_datetime64()) & (when < end1.to_datetime64() + one_day)
    in_either = in_before | in_after
    x, y, in_before, in_after = x[in_either], y[in_either], in_before[in_either], in_after[in_either]

    def count(area: BaseGeometry | None, *, edges: bool = False) -> tuple[float, float] | None:
        if area is None:
            return None
        inside = _inside(area, x, y, edges=edges)
        return (float(np.count_nonzero(inside & in_before)), float(np.count_nonzero(inside & in_after)))

    days_before = (end0 - start0).days + 1
    days_after = (end1 - start1).days + 1
    weights = (days_before / days_after, 1.0)
    result = wdd(
        count(control),  # type: ignore[arg-type]
        count(target, edges=True),  # type: ignore[arg-type]
        count(displacement_control),
        count(displacement),
        time_weights=weights,
        label=label,
    )
    periods = {
        "before": {"start": f"{start0:%Y-%m-%d}", "end": f"{end0:%Y-%m-%d}", "days": days_before},
        "after": {"start": f"{start1:%Y-%m-%d}", "end": f"{end1:%Y-%m-%d}", "days": days_after},
    }
    if displacement_buffer is not None:
        periods["displacement_buffer_m"] = float(displacement_buffer)
    if days_before != days_after:
        notes.insert(0, ("days", {"days_before": days_before, "days_after": days_after, "w_before": weights[0]}))
    kept = [n for n in result.note_items if n[0] != "weights"]  # said more plainly by the "days" note
    return replace(result, note_items=tuple(notes + kept), periods=periods)
