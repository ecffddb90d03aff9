"""The smallest change a WDD follow-up of a place can detect (minimum detectable effect).

A place pinned with ten incidents a year can never show that a measure worked: the follow-up's
weighted displacement difference test (:func:`analysis.followup.wdd`, Wheeler & Ratcliffe 2018)
has too much Poisson noise. Said before the measure is planned, the room can choose a bigger
area or a longer period instead of learning it a year later.

The test's variance is the sum of its counts (Poisson): with the target area's before count
``A``, its after count ``B``, the comparison area's ``C`` and ``D``,
``Var = A + B + C + D``. Planning, the after counts are expected at the before counts (no effect)
and the comparison is of similar size (``C = D = A`` unless given), so ``Var = 2A + 2C``. The
smallest change the test finds with probability ``power`` at two-sided level ``alpha`` is

    MDE = (z_{1 − alpha/2} + z_{power}) · √Var  ≈ (1.96 + 0.84) · √Var

e.g. ``A = C = 10``: ``Var = 40``, ``MDE = 2.80 · 6.32 = 17.7`` incidents — 177 % of the ten,
more than all of them: no reduction at all can be shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from core import formatting

# Above this smallest detectable reduction a follow-up cannot show the goals places are given
# (effektmål of a fifth to a third are usual); the page warns the room before it pins.
WARN_SHARE = 0.5


@dataclass(frozen=True)
class MinimumDetectable:
    """The WDD test's minimum detectable effect for one place.

    Attributes
    ----------
    before, comparison_before
        The place's and the comparison area's counts in the before period.
    variance
        ``before + before + comparison_before + comparison_before`` (after counts expected at the before counts).
    incidents
        The smallest detectable change in incidents.
    share
        ``incidents / before`` (infinite when ``before`` is 0).
    """

    before: float
    comparison_before: float
    variance: float
    incidents: float
    share: float

    @property
    def possible(self) -> bool:
        """True when a reduction smaller than all the place's incidents can be detected."""
        return self.share < 1

    @property
    def warn(self) -> bool:
        """True when the smallest detectable reduction is at least :data:`WARN_SHARE`."""
        return self.share >= WARN_SHARE


def wdd_minimum_detectable(before: float, comparison_before: float | None = None, *, alpha: float = 0.05,
                           power: float = 0.8) -> MinimumDetectable:
    """The smallest change the WDD test detects at level ``alpha`` (two-sided) with ``power``.

    Parameters
    ----------
    before
        Incidents at the place in the before period.
    comparison_before
        Incidents in the comparison area in a period of the same length; default ``before`` (a
        comparison of similar size).
    alpha, power
        Two-sided significance level and power (5 % and 80 %: ``z = 1.96 + 0.84``).

    Examples
    --------
    >>> r = wdd_minimum_detectable(10)
    >>> r.variance, round(r.incidents, 1), round(r.share, 2), r.possible
    (40.0, 17.7, 1.77, False)
    >>> round(wdd_minimum_detectable(100, 300).share, 2)  # √800 · 2.80 = 79.2
    0.79
    """
    comparison = float(before if comparison_before is None else comparison_before)
    before = float(before)
    if before < 0 or comparison < 0 or not (math.isfinite(before) and math.isfinite(comparison)):
        raise ValueError("Antalet händelser före måste vara ett tal som är 0 eller större.")
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ValueError("Signifikansnivån och styrkan måste ligga mellan 0 och 1.")
    variance = 2 * before + 2 * comparison
    incidents = float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) * math.sqrt(variance)
    share = incidents / before if before > 0 else math.inf
    return MinimumDetectable(before, comparison, variance, incidents, share)


def detectable_text(result: MinimumDetectable, *, days: int, lang: str = "sv") -> str:
    """One sentence for the room: the place's count, the smallest reduction a follow-up can show, advice.

    ``days`` is the length of the period ``result.before`` was counted in (365 or 366: "per år").

    Examples
    --------
    >>> detectable_text(wdd_minimum_detectable(39), days=365)
    'Med 39 händelser per år kan en uppföljning bara visa en minskning på minst 90\xa0% – välj ett större område eller en längre period.'
    >>> detectable_text(wdd_minimum_detectable(10), days=181, lang="en")
    'With 10 incidents in 181 days a follow-up cannot show a reduction even if every incident stopped – choose a larger area or a longer period.'
    """
    count = formatting.count(result.before, lang=lang)
    yearly = days in (365, 366)
    if lang == "en":
        span = "a year" if yearly else f"in {formatting.number(days, lang=lang)} days"
        lead = f"With {count} incidents {span}" if not yearly else f"With {count} incidents a year"
        advice = "choose a larger area or a longer period."
        if not result.possible:
            return f"{lead} a follow-up cannot show a reduction even if every incident stopped – {advice}"
        shown = formatting.percent(result.share, lang=lang)
        if result.warn:
            return f"{lead} a follow-up can only show a reduction of at least {shown} – {advice}"
        return f"{lead} a follow-up can show a reduction of {shown} or more."
    lead = f"Med {count} händelser " + ("per år" if yearly else f"på {formatting.number(days, lang=lang)} dagar")
    advice = "välj ett större område eller en längre period."
    if not result.possible:
        return f"{lead} kan en uppföljning inte visa en minskning ens om alla händelser upphörde – {advice}"
    shown = formatting.percent(result.share, lang=lang)
    if result.warn:
        return f"{lead} kan en uppföljning bara visa en minskning på minst {shown} – {advice}"
    return f"{lead} kan en uppföljning visa en minskning på {shown} eller mer."
