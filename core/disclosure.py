"""Who sees how much of a dataset: owner organisation, sharing level and disclosure control.

Every dataset has an owner organisation (``polisen``, ``kommunen``, or another organisation's id)
and a sharing level:

==============  ============================================================================
``egen``        only the owner's own analysts (and administrators of the owner) see it
``gemensam``    both parties' analysts and the workshop (deltagare) see it
``styrgrupp``   also the steering group and the public: aggregates only
==============  ============================================================================

The owner's own analysts see the dataset in full (:attr:`View.full`): exact counts and, where a
page draws them, individual points of categories that are not protected. Everyone else sees it
*below the owner's level*, with disclosure control (:attr:`View.controlled`), as Brå publishes
its statistics:

- a count from 1 to ``min_count - 1`` (1–2 by default) is shown as ``".."``; zero stays 0;
- a micro-place (a named place, a street segment, a grid cell of a hot-spot map) with fewer than
  ``min_place`` incidents is not shown on its own;
- individual points are never shown.

Protected categories (serious violence, sexual offences) are never drawn as points at any level;
that rule lives with the categories (:data:`geo.categories.PROTECTED`) and the pages that draw
points, and holds for the full view too.

This module is pure Python (no pandas import): pages, the report and the exports ask the same
:class:`View` the same questions, so a table, a tooltip, a CSV and the report cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

EGEN, GEMENSAM, STYRGRUPP = "egen", "gemensam", "styrgrupp"
SHARING_LEVELS: tuple[str, ...] = (EGEN, GEMENSAM, STYRGRUPP)
POLICE, MUNICIPALITY = "polisen", "kommunen"
# The symbol Brå (and SCB) print for a count too small to publish.
HIDDEN = ".."

ADMIN = "administratör"
ANALYST_ROLES = frozenset({"polisanalytiker", "kommunanalytiker"})
PARTICIPANT = "deltagare"
STEERING = "styrgrupp"
# An analyst's organisation when the identity provider names none.
ROLE_ORGANISATION = {"polisanalytiker": POLICE, "kommunanalytiker": MUNICIPALITY}

SHARING_NAMES = {
    "sv": {EGEN: "egen", GEMENSAM: "gemensam", STYRGRUPP: "styrgrupp/offentlig"},
    "en": {EGEN: "own", GEMENSAM: "joint", STYRGRUPP: "steering group/public"},
}
ORGANISATION_NAMES = {
    "sv": {POLICE: "Polisen", MUNICIPALITY: "Kommunen"},
    "en": {POLICE: "the police", MUNICIPALITY: "the municipality"},
}


@dataclass(frozen=True)
class DisclosureRules:
    """The owner's thresholds (``[disclosure]`` in samsyn.toml).

    Attributes
    ----------
    min_count
        Counts from 1 to ``min_count - 1`` are shown as ``".."`` below the owner's level (3: 1–2 hidden).
    min_place
        A micro-place with fewer incidents than this is not shown on its own below the owner's level.
    """

    min_count: int = 3
    min_place: int = 5

    def __post_init__(self) -> None:
        if not (isinstance(self.min_count, int) and 1 <= self.min_count <= 100):
            raise ValueError(f"[disclosure] min_count måste vara ett heltal 1–100, inte {self.min_count!r}.")
        if not (isinstance(self.min_place, int) and 1 <= self.min_place <= 1000):
            raise ValueError(f"[disclosure] min_place måste vara ett heltal 1–1000, inte {self.min_place!r}.")


@dataclass(frozen=True)
class Viewer:
    """The person a page, a report or an export is made for.

    Attributes
    ----------
    roles
        Samsyn roles (see :mod:`store.access`).
    organisation
        The person's organisation id (``polisen``, ``kommunen`` …); None when unknown.
    workstation
        True on a single-user workstation (no sign-in): the one user owns everything on the machine.
    """

    roles: frozenset[str] = frozenset()
    organisation: str | None = None
    workstation: bool = False

    @classmethod
    def local(cls) -> Viewer:
        """The single user of a workstation, or the operator running ``samsyn`` on the server."""
        return cls(frozenset({ADMIN}), None, workstation=True)

    @property
    def is_analyst(self) -> bool:
        return bool(self.roles & (ANALYST_ROLES | {ADMIN}))


def organisation_of(roles: Iterable[str], claimed: object = None) -> str | None:
    """The organisation id from the identity provider's claim, else the one an analyst role implies.

    >>> organisation_of({"kommunanalytiker"})
    'kommunen'
    >>> organisation_of({"deltagare"}, " Polisen ")
    'polisen'
    >>> organisation_of({"styrgrupp"}) is None
    True
    """
    if isinstance(claimed, str) and claimed.strip():
        return normalise_organisation(claimed)
    implied = {ROLE_ORGANISATION[r] for r in roles if r in ROLE_ORGANISATION}
    return implied.pop() if len(implied) == 1 else None


def normalise_organisation(name: str) -> str:
    """An organisation id as stored: trimmed and lower case (``"Polisen"`` → ``"polisen"``)."""
    return " ".join(str(name).split()).lower()


def check_sharing(level: str) -> str:
    """``level`` when it is a sharing level, else a Swedish ``ValueError`` naming the choices."""
    if level not in SHARING_LEVELS:
        raise ValueError(f"Okänd delningsnivå {level!r}; välj en av {', '.join(SHARING_LEVELS)}.")
    return level


@dataclass(frozen=True)
class View:
    """What one viewer may see of one dataset, and how numbers are shown to them.

    Attributes
    ----------
    visible
        False when the dataset is not shared with this viewer at all.
    full
        True at the owner's own level: exact counts, points of categories that are not protected.
    level
        The level the view is at: ``egen`` (full), ``gemensam`` or ``styrgrupp`` (controlled).
    rules
        The thresholds applied when the view is controlled.
    """

    visible: bool
    full: bool
    level: str
    rules: DisclosureRules = field(default_factory=DisclosureRules)
    owner: str | None = None

    @classmethod
    def owner_view(cls, rules: DisclosureRules | None = None) -> View:
        """The full view (workstation, the CLI's operator, the owner's analysts)."""
        return cls(True, True, EGEN, rules or DisclosureRules())

    @property
    def controlled(self) -> bool:
        """True when disclosure control applies (below the owner's level)."""
        return not self.full

    @property
    def points_allowed(self) -> bool:
        """Individual incident points may be drawn (never for protected categories, whatever this says)."""
        return self.full

    def hides(self, value: Any) -> bool:
        """True when ``value`` (a count, possibly aoristic and fractional) is shown as ``".."``.

        Zero and missing values are not hidden: a zero reveals nobody, and "no data" is said otherwise.
        """
        if self.full or value is None:
            return False
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False
        return number == number and 0 < abs(number) < self.rules.min_count

    def place_shown(self, count: Any) -> bool:
        """True when a micro-place with ``count`` incidents may be shown on its own."""
        if self.full:
            return True
        try:
            return float(count) >= self.rules.min_place
        except (TypeError, ValueError):
            return False

    def count(self, value: Any, formatted: str) -> str:
        """``formatted`` (the value already formatted for the reader), or ``".."`` when it is hidden."""
        return HIDDEN if self.hides(value) else formatted

    def masked(self, value: Any) -> Any:
        """``value`` itself, or ``".."`` when it is hidden (for table cells and CSV fields)."""
        return HIDDEN if self.hides(value) else value

    def label(self, lang: str = "sv") -> str:
        """One line for the page, the report and the export: the level and what it hides."""
        names = SHARING_NAMES["en" if lang == "en" else "sv"]
        hidden_to = self.rules.min_count - 1
        if lang == "en":
            if self.full:
                return "View level: own (the owner's analysts) – all counts shown."
            small = "1" if hidden_to == 1 else f"1–{hidden_to}"
            return (f"View level: {names[self.level]} – counts of {small} are shown as “..”, places with "
                    f"fewer than {self.rules.min_place} incidents are not shown on their own, and no "
                    "individual incidents are shown.")
        if self.full:
            return "Visningsnivå: egen (ägarens analytiker) – alla antal visas."
        small = "1" if hidden_to == 1 else f"1–{hidden_to}"
        return (f"Visningsnivå: {names[self.level]} – antal {small} visas som ”..”, platser med färre än "
                f"{self.rules.min_place} händelser visas inte var för sig och inga enskilda händelser visas.")


def view_for(viewer: Viewer, owner: str | None, sharing: str,
             rules: DisclosureRules | None = None) -> View:
    """What ``viewer`` may see of a dataset owned by ``owner`` and shared at ``sharing``.

    - A workstation sees everything in full (its one user owns what is on the machine).
    - Analysts and administrators of the owner organisation see it in full.
    - ``egen``: nobody else sees it.
    - ``gemensam``: every analyst, administrator and workshop participant sees it, controlled;
      the steering group does not.
    - ``styrgrupp``: everyone signed in with a role sees it, controlled.
    - A viewer with no known role sees nothing.
    """
    rules = rules or DisclosureRules()
    check_sharing(sharing)
    if viewer.workstation:
        return View(True, True, EGEN, rules, owner)
    if not viewer.roles:
        return View(False, False, sharing, rules, owner)
    own = owner is not None and viewer.organisation == owner
    if own and viewer.is_analyst:
        return View(True, True, EGEN, rules, owner)
    if sharing == EGEN:
        return View(False, False, EGEN, rules, owner)
    if sharing == GEMENSAM:
        sees = viewer.is_analyst or PARTICIPANT in viewer.roles
        return View(sees, False, GEMENSAM, rules, owner)
    return View(True, False, STYRGRUPP, rules, owner)
