"""The policy on plain, unsaved objects: roles cover their subtree, members see their branch."""
import pytest

from meetings.domain.terms import OrgKind, PersonStatus, Role, TransferStatus
from meetings.models import (
    ActionItem,
    Invitation,
    Meeting,
    Organization,
    Person,
    RoleAssignment,
    Transfer,
)
from meetings.policy import Action, can, can_grant_role, scope_roots


def org(oid: int, kind: OrgKind, parent: Organization | None = None) -> Organization:
    path = (parent.path if parent else "/") + f"{oid}/"
    return Organization(id=oid, kind=kind, name=f"org{oid}", path=path,
                        depth=path.count("/") - 2, is_active=True, parent=parent)


@pytest.fixture
def tree():
    root = org(1, OrgKind.COMMITTEE)
    pc = org(2, OrgKind.PARTY_COMMITTEE, root)
    a = org(3, OrgKind.BRANCH, pc)
    b = org(4, OrgKind.BRANCH, pc)
    group = org(5, OrgKind.PARTY_GROUP, a)
    return {"root": root, "pc": pc, "a": a, "b": b, "group": group}


def person(pid: int, branch=None, roles=(), **kw) -> Person:
    p = Person(id=pid, name=f"p{pid}", branch=branch, can_sign_in=True,
               status=kw.get("status", PersonStatus.ACTIVE))
    p.roles = [RoleAssignment(role=r, organization=o) for r, o in roles]
    return p


def test_admin_role_covers_the_subtree_only(tree):
    admin = person(1, roles=[(Role.ADMIN, tree["pc"])])
    assert can(admin, Action.MANAGE_ORG, tree["a"])
    assert can(admin, Action.MANAGE_ROSTER, tree["group"])
    assert not can(admin, Action.VIEW_ORG, tree["root"])


def test_liaison_reads_but_never_writes(tree):
    liaison = person(2, roles=[(Role.LIAISON, tree["pc"])])
    assert can(liaison, Action.VIEW_ROSTER, tree["a"])
    assert not can(liaison, Action.MANAGE_ROSTER, tree["a"])
    assert not can(liaison, Action.MANAGE_ORG, tree["a"])


def test_secretary_runs_own_branch_and_its_groups_only(tree):
    sec = person(3, tree["a"], [(Role.SECRETARY, tree["a"])])
    assert can(sec, Action.MANAGE_ROSTER, tree["a"])
    assert can(sec, Action.MANAGE_ORG, tree["group"])
    assert not can(sec, Action.MANAGE_ORG, tree["a"])
    assert not can(sec, Action.VIEW_ORG, tree["b"])
    assert can_grant_role(sec, Role.RECORDER, tree["a"])
    assert not can_grant_role(sec, Role.ADMIN, tree["a"])


def test_member_sees_own_branch_but_not_contacts(tree):
    member = person(4, tree["a"])
    assert can(member, Action.VIEW_ORG, tree["a"]) and can(member, Action.VIEW_ORG, tree["group"])
    assert not can(member, Action.VIEW_ROSTER, tree["a"])
    assert not can(member, Action.VIEW_ORG, tree["b"])
    assert can(member, Action.VIEW_PERSON, member)


def test_roles_on_deactivated_units_lapse(tree):
    admin = person(5, roles=[(Role.ADMIN, tree["pc"])])
    tree["pc"].is_active = False
    assert not can(admin, Action.VIEW_ORG, tree["a"])


def test_people_who_may_not_sign_in_may_do_nothing(tree):
    gone = person(6, tree["a"], [(Role.ADMIN, tree["root"])], status=PersonStatus.TRANSFERRED_OUT)
    assert not can(gone, Action.VIEW_ORG, tree["a"])
    assert not can(None, Action.VIEW_ORG, tree["a"])


def test_transfer_is_decided_by_the_receiving_side(tree):
    mover = person(7, tree["a"])
    transfer = Transfer(person=mover, from_branch=tree["a"], to_branch=tree["b"],
                        status=TransferStatus.PENDING)
    sending = person(8, tree["a"], [(Role.SECRETARY, tree["a"])])
    receiving = person(9, tree["b"], [(Role.SECRETARY, tree["b"])])
    assert can(receiving, Action.DECIDE_TRANSFER, transfer)
    assert not can(sending, Action.DECIDE_TRANSFER, transfer)
    assert can(sending, Action.CANCEL_TRANSFER, transfer)
    transfer.status = TransferStatus.ACCEPTED
    assert not can(receiving, Action.DECIDE_TRANSFER, transfer)


def test_scope_roots_keep_only_topmost(tree):
    sec = person(10, tree["a"], [(Role.ADMIN, tree["pc"]), (Role.SECRETARY, tree["a"])])
    assert [o.id for o in scope_roots(sec, Action.VIEW_ORG)] == [tree["pc"].id]


def meeting_of(branch: Organization, *invitees: Person) -> Meeting:
    return Meeting(id=1, organization=branch, title="主题党日",
                   invitations=[Invitation(person_id=p.id, person=p) for p in invitees])


def test_members_see_their_branch_meetings_and_invitees_see_theirs(tree):
    member, stranger, guest = person(10, tree["a"]), person(11, tree["b"]), person(12, tree["b"])
    meeting = meeting_of(tree["a"], member, guest)
    assert can(member, Action.VIEW_MEETINGS, meeting)
    assert can(guest, Action.VIEW_MEETINGS, meeting)  # 列席 from another branch
    assert not can(stranger, Action.VIEW_MEETINGS, meeting)
    assert not can(member, Action.SCHEDULE_MEETING, meeting)


def test_recorder_schedules_but_only_the_secretary_decides_leave(tree):
    recorder = person(13, tree["a"], roles=[(Role.RECORDER, tree["a"])])
    secretary = person(14, tree["a"], roles=[(Role.SECRETARY, tree["a"])])
    meeting = meeting_of(tree["a"])
    assert can(recorder, Action.SCHEDULE_MEETING, meeting)
    assert can(secretary, Action.SCHEDULE_MEETING, meeting)
    assert not can(recorder, Action.DECIDE_LEAVE, meeting)
    assert can(secretary, Action.DECIDE_LEAVE, meeting)
    assert not can(secretary, Action.SCHEDULE_MEETING, tree["b"])


def test_liaison_sees_meetings_but_changes_nothing(tree):
    liaison = person(15, roles=[(Role.LIAISON, tree["pc"])])
    meeting = meeting_of(tree["a"])
    assert can(liaison, Action.VIEW_MEETINGS, meeting)
    assert not can(liaison, Action.SCHEDULE_MEETING, meeting)
    assert not can(liaison, Action.DECIDE_LEAVE, meeting)


def test_only_the_invitee_answers_an_invitation(tree):
    member, secretary = person(16, tree["a"]), person(17, tree["a"], roles=[(Role.SECRETARY, tree["a"])])
    invitation = Invitation(person_id=member.id, person=member)
    assert can(member, Action.RESPOND, invitation) and not can(secretary, Action.RESPOND, invitation)


def test_meeting_types_are_edited_by_an_administrator_at_the_root_only(tree):
    assert can(person(18, roles=[(Role.ADMIN, tree["root"])]), Action.MANAGE_TYPES, None)
    assert not can(person(19, roles=[(Role.ADMIN, tree["pc"])]), Action.MANAGE_TYPES, None)


def test_final_minutes_are_for_the_branch_not_a_guest_from_elsewhere(tree):
    member, guest = person(20, tree["a"]), person(21, tree["b"])
    liaison = person(22, roles=[(Role.LIAISON, tree["pc"])])
    meeting = meeting_of(tree["a"], member, guest)
    assert can(member, Action.VIEW_MINUTES, meeting) and can(liaison, Action.VIEW_MINUTES, meeting)
    assert can(guest, Action.VIEW_MEETINGS, meeting) and not can(guest, Action.VIEW_MINUTES, meeting)
    assert not can(member, Action.RECORD_MEETING, meeting)
    assert not can(liaison, Action.RECORD_MEETING, meeting)


def test_the_recorder_records_and_only_the_secretary_finalizes(tree):
    recorder = person(23, tree["a"], roles=[(Role.RECORDER, tree["a"])])
    secretary = person(24, tree["a"], roles=[(Role.SECRETARY, tree["a"])])
    meeting = meeting_of(tree["a"])
    assert can(recorder, Action.RECORD_MEETING, meeting)
    assert not can(recorder, Action.FINALIZE_MINUTES, meeting)
    assert can(secretary, Action.FINALIZE_MINUTES, meeting)
    assert not can(secretary, Action.RECORD_MEETING, meeting_of(tree["b"]))


def test_only_the_invitee_checks_in(tree):
    member, secretary = person(25, tree["a"]), person(26, tree["a"], roles=[(Role.SECRETARY, tree["a"])])
    invitation = Invitation(person_id=member.id, person=member)
    assert can(member, Action.CHECK_IN, invitation) and not can(secretary, Action.CHECK_IN, invitation)


def test_an_action_item_is_closed_by_its_owner_or_the_officers(tree):
    owner, other = person(27, tree["a"]), person(28, tree["a"])
    recorder = person(29, tree["a"], roles=[(Role.RECORDER, tree["a"])])
    item = ActionItem(owner_id=owner.id, meeting=meeting_of(tree["a"]))
    assert can(owner, Action.CLOSE_ACTION, item) and can(recorder, Action.CLOSE_ACTION, item)
    assert not can(other, Action.CLOSE_ACTION, item)
    assert not can(owner, Action.RECORD_MEETING, item) and can(recorder, Action.RECORD_MEETING, item)
