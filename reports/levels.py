"""Who a report or an exported picture is made for: a view level, or the other party.

``samsyn report --level gemensam`` makes the report the other party's analysts and the workshop
may see, ``--level styrgrupp`` the one for the steering group and the public; ``samsyn picture
export --for kommunen`` the picture file the kommun's analysts may have. Both come down to the
same :class:`core.disclosure.View` per dataset that the dashboard asks, so a page, a report and a
file made for the same reader cannot disagree.
"""

from __future__ import annotations

from core.disclosure import (
    EGEN,
    MUNICIPALITY,
    POLICE,
    SHARING_LEVELS,
    STEERING,
    STYRGRUPP,
    DisclosureRules,
    View,
    Viewer,
    check_sharing,
    view_for,
)
from core.errors import InputError

__all__ = ["PARTIES", "level_view", "party_view", "party_viewer"]

PARTIES: tuple[str, ...] = (MUNICIPALITY, POLICE, STYRGRUPP)
PARTY_ROLES = {MUNICIPALITY: "kommunanalytiker", POLICE: "polisanalytiker", STYRGRUPP: STEERING}
PARTY_NAMES = {
    "sv": {MUNICIPALITY: "kommunens analytiker", POLICE: "polisens analytiker", STYRGRUPP: "styrgruppen"},
    "en": {MUNICIPALITY: "the municipality's analysts", POLICE: "the police's analysts",
           STYRGRUPP: "the steering group"},
}


def level_view(level: str, owner: str | None, sharing: str, rules: DisclosureRules | None = None) -> View:
    """The view of a dataset (``owner``, ``sharing``) for a reader at ``level``.

    ``egen`` is the owner's full view (the operator). ``gemensam`` is a reader of the other party
    (analysts, the workshop): datasets shared ``gemensam`` or ``styrgrupp``, controlled.
    ``styrgrupp``: only datasets shared ``styrgrupp``, controlled.

    Examples
    --------
    >>> level_view("egen", "polisen", "egen").full
    True
    >>> joint = level_view("gemensam", "polisen", "styrgrupp")
    >>> joint.visible, joint.controlled, joint.level
    (True, True, 'gemensam')
    >>> level_view("gemensam", "polisen", "egen").visible, level_view("styrgrupp", "kommunen", "gemensam").visible
    (False, False)
    """
    rules = rules or DisclosureRules()
    check_sharing(level)
    check_sharing(sharing)
    if level == EGEN:
        return View(True, True, EGEN, rules, owner)
    # A dataset is seen at a level when it is shared at that level or more widely.
    visible = SHARING_LEVELS.index(sharing) >= SHARING_LEVELS.index(level)
    return View(visible, False, level, rules, owner)


def party_viewer(party: str) -> Viewer:
    """The reader a file ``--for`` a party is made for: that organisation's analysts, or the steering group.

    >>> party_viewer("kommunen")
    Viewer(roles=frozenset({'kommunanalytiker'}), organisation='kommunen', workstation=False)
    """
    if party not in PARTIES:
        raise InputError(f"Okänd mottagare {party!r}; välj en av {', '.join(PARTIES)}.")
    organisation = None if party == STYRGRUPP else party
    return Viewer(frozenset({PARTY_ROLES[party]}), organisation)


def party_view(party: str, owner: str | None, sharing: str, rules: DisclosureRules | None = None) -> View:
    """What ``party`` may see of a dataset (:func:`core.disclosure.view_for` for :func:`party_viewer`).

    >>> party_view("polisen", "polisen", "egen").full, party_view("kommunen", "polisen", "egen").visible
    (True, False)
    >>> party_view("kommunen", "polisen", "styrgrupp").controlled
    True
    """
    return view_for(party_viewer(party), owner, sharing, rules)
