"""A 支部党员大会 invited for part of the branch: who of the quorum's base is left out (DESIGN §5)."""
import pytest

from meetings.domain.attendance import Uninvited, majority_of, uninvited_voters

BASE = frozenset(range(1, 11))  # ten full members with voting rights


def test_six_of_ten_invited_leaves_four_out_and_still_needs_six():
    found = uninvited_voters(BASE, [1, 2, 3, 4, 5, 6])
    assert found == Uninvited(frozenset({7, 8, 9, 10}), 10)
    assert (found.missing, found.invited, found.base, found.needed) == (4, 6, 10, 6)


def test_everyone_with_voting_rights_invited_is_nothing_to_say():
    assert uninvited_voters(BASE, BASE) is None


def test_invitees_outside_the_base_do_not_stand_in_for_members_left_out():
    # 预备党员, exempt members, people of other branches: invited, but not in the base.
    found = uninvited_voters(BASE, [*range(1, 10), 101, 102, 103])
    assert found.person_ids == frozenset({10}) and found.invited == 9


def test_a_branch_with_nobody_voting_has_nothing_missing():
    assert uninvited_voters(frozenset(), [1, 2]) is None


def test_nobody_invited_leaves_the_whole_base_out():
    found = uninvited_voters(BASE, [])
    assert (found.missing, found.invited, found.needed) == (10, 0, 6)


@pytest.mark.parametrize(("base", "needed"), [(1, 1), (2, 2), (3, 2), (4, 3), (7, 4), (10, 6)])
def test_more_than_half_is_needed(base, needed):
    assert majority_of(base) == needed
    assert uninvited_voters(frozenset(range(base)), []).needed == needed
