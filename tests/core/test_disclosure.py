"""Who sees a dataset, and how much: the sharing levels and Brå's "..", worked by hand."""

from __future__ import annotations

import pytest

from core.config import ConfigError, parse_config
from core.disclosure import DisclosureRules, View, Viewer, organisation_of, view_for

POLICE_ANALYST = Viewer(frozenset({"polisanalytiker"}), "polisen")
KOMMUN_ANALYST = Viewer(frozenset({"kommunanalytiker"}), "kommunen")
PARTICIPANT = Viewer(frozenset({"deltagare"}), "kommunen")
STEERING = Viewer(frozenset({"styrgrupp"}), None)
NOBODY = Viewer(frozenset(), "polisen")


@pytest.mark.parametrize(("viewer", "sharing", "visible", "full"), [
    (POLICE_ANALYST, "egen", True, True),
    (KOMMUN_ANALYST, "egen", False, False),
    (PARTICIPANT, "egen", False, False),
    (STEERING, "egen", False, False),
    (KOMMUN_ANALYST, "gemensam", True, False),
    (PARTICIPANT, "gemensam", True, False),
    (STEERING, "gemensam", False, False),
    (STEERING, "styrgrupp", True, False),
    (POLICE_ANALYST, "styrgrupp", True, True),
    (NOBODY, "styrgrupp", False, False),
    (Viewer.local(), "egen", True, True),
])
def test_who_sees_a_police_dataset(viewer, sharing, visible, full):
    view = view_for(viewer, "polisen", sharing)
    assert (view.visible, view.full) == (visible, full)


def test_counts_of_one_and_two_are_dots_below_the_owners_level():
    view = view_for(KOMMUN_ANALYST, "polisen", "gemensam")
    assert [view.masked(n) for n in (0, 1, 2, 3, 17)] == [0, "..", "..", 3, 17]
    assert view.count(2, "2") == ".." and view.count(3, "3") == "3"
    assert view.masked(1.4) == ".."  # an aoristic cell of 1.4 incidents is as small as one of 1
    assert not view.place_shown(4) and view.place_shown(5)
    assert not view.points_allowed
    assert view.label() == ("Visningsnivå: gemensam – antal 1–2 visas som ”..”, platser med färre än 5 "
                            "händelser visas inte var för sig och inga enskilda händelser visas.")
    full = View.owner_view()
    assert full.masked(1) == 1 and full.place_shown(1) and full.points_allowed


def test_the_owner_sets_the_thresholds_in_samsyn_toml(tmp_path):
    config = parse_config({"disclosure": {"min_count": 5, "min_place": 10}}, base_dir=tmp_path)
    view = view_for(STEERING, "polisen", "styrgrupp", config.disclosure)
    assert view.masked(4) == ".." and view.masked(5) == 5
    assert "antal 1–4 visas" in view.label()
    assert "counts of 1–4 are shown" in view.label("en")
    with pytest.raises(ConfigError, match=r"\[disclosure\] min_count måste vara ett heltal"):
        parse_config({"disclosure": {"min_count": "två"}}, base_dir=tmp_path)
    with pytest.raises(ConfigError, match="känner inte till k"):
        parse_config({"disclosure": {"k": 3}}, base_dir=tmp_path)
    assert DisclosureRules().min_count == 3


def test_an_analysts_organisation_follows_the_role_unless_the_provider_names_one():
    assert organisation_of({"polisanalytiker"}) == "polisen"
    assert organisation_of({"polisanalytiker", "kommunanalytiker"}) is None
    assert organisation_of({"styrgrupp"}, "Kommunen") == "kommunen"
