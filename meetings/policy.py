"""Every permission decision of OrgLife, in one place: ``can(person, action, obj)``.

Roles apply to an organization's whole subtree (DESIGN §2). Every person is also an
implicit member of their own branch. Views and services ask here; nothing else decides.
"""
from __future__ import annotations

from enum import StrEnum

from meetings.domain.terms import OrgKind, Role, TransferStatus
from meetings.models import (
    ActionItem,
    ApiToken,
    Campaign,
    Invitation,
    Meeting,
    Notice,
    Organization,
    Person,
    RoleAssignment,
    SignIn,
    Transfer,
    Visit,
)


class Action(StrEnum):
    """What someone may want to do."""

    VIEW_ORG = "org.view"  # see the unit, its sub-units, officers and member names
    MANAGE_ORG = "org.manage"  # create a sub-unit, rename, move, deactivate
    VIEW_ROSTER = "roster.view"  # contacts and statuses of the members
    MANAGE_ROSTER = "roster.manage"  # add, edit, move, mark status, import, transfer out
    ASSIGN_ROLES = "roles.assign"  # give or take a role / committee seat in the unit
    VIEW_PERSON = "person.view"
    EDIT_PERSON = "person.edit"
    DECIDE_TRANSFER = "transfer.decide"  # the receiving branch accepts or declines
    CANCEL_TRANSFER = "transfer.cancel"  # the sending branch withdraws it
    VIEW_OVERSIGHT = "oversight.view"  # the committee's views across many branches
    VIEW_MEETINGS = "meetings.view"  # a branch's meetings, its calendar feed, a meeting page
    SCHEDULE_MEETING = "meetings.schedule"  # schedule, change, cancel, remind (on a branch or meeting)
    DECIDE_LEAVE = "leave.decide"  # approve or reject a leave request (请假审批)
    RESPOND = "invitation.respond"  # attend or request leave (on one's own invitation)
    MANAGE_TYPES = "types.manage"  # edit the meeting types (the whole tree's)
    RECORD_MEETING = "meetings.record"  # attendance, draft minutes, attachments, action items
    FINALIZE_MINUTES = "minutes.finalize"  # 定稿, and amend final minutes with a reason
    VIEW_MINUTES = "minutes.view"  # final minutes (drafts need RECORD_MEETING)
    CHECK_IN = "invitation.check_in"  # self check-in (on one's own invitation)
    CLOSE_ACTION = "action.close"  # report an action item done (its owner, or the officers)
    VIEW_COMPLIANCE = "compliance.view"  # the dashboard, to-do and alerts of units in scope
    MANAGE_REQUIREMENTS = "requirements.manage"  # edit the requirements (the whole tree's)
    MANAGE_CAMPAIGNS = "campaigns.manage"  # launch, change and close 专项行动 for a subtree
    MANAGE_TOKEN = "token.manage"  # revoke a personal API token (only its owner)
    END_SIGN_IN = "sign_in.end"  # end a signed-in session (退出某台设备; only its owner)
    VIEW_AUDIT = "audit.view"  # the 审计日志 of the units in scope (administrators only)
    MANAGE_MAIL = "mail.manage"  # the site's mail queue: undelivered mail, re-queue (the whole tree's)
    SEND_NOTICE = "notice.send"  # 催办: remind a branch in scope of what it owes (on a branch)
    ANSWER_NOTICE = "notice.answer"  # read receipt and reply of the branch (on a branch or notice)
    VIEW_NOTICE = "notice.view"  # a notice: its sender's side (overseers) and its branch's
    RECORD_VISIT = "visit.record"  # 督导记录: record a visit to a unit in scope, its findings, their 整改
    VIEW_VISIT = "visit.view"  # a visit record: the overseers of its unit, the secretaries it names


# Which role lets its holder do what inside its subtree.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.LIAISON: frozenset(
        {Action.VIEW_ORG, Action.VIEW_ROSTER, Action.VIEW_PERSON, Action.VIEW_OVERSIGHT,
         Action.VIEW_MEETINGS, Action.VIEW_MINUTES, Action.VIEW_COMPLIANCE, Action.SEND_NOTICE,
         Action.RECORD_VISIT}
    ),
    Role.SECRETARY: frozenset(
        {
            Action.VIEW_ORG,
            Action.VIEW_ROSTER,
            Action.MANAGE_ROSTER,
            Action.ASSIGN_ROLES,
            Action.VIEW_PERSON,
            Action.EDIT_PERSON,
            Action.DECIDE_TRANSFER,
            Action.CANCEL_TRANSFER,
            Action.VIEW_MEETINGS,
            Action.SCHEDULE_MEETING,
            Action.DECIDE_LEAVE,
            Action.RECORD_MEETING,
            Action.FINALIZE_MINUTES,
            Action.VIEW_MINUTES,
            Action.CLOSE_ACTION,
            Action.VIEW_COMPLIANCE,
            Action.ANSWER_NOTICE,
        }
    ),
    Role.RECORDER: frozenset(
        {Action.VIEW_ORG, Action.VIEW_ROSTER, Action.VIEW_PERSON, Action.VIEW_MEETINGS,
         Action.SCHEDULE_MEETING, Action.RECORD_MEETING, Action.VIEW_MINUTES, Action.CLOSE_ACTION}
    ),
}
# What every member may do in their own branch without any role.
MEMBER_ACTIONS = frozenset({Action.VIEW_ORG, Action.VIEW_MEETINGS, Action.VIEW_MINUTES})

# Roles a secretary may hand out inside their own branch; the others are the committee's.
SECRETARY_GRANTABLE = frozenset({Role.SECRETARY, Role.RECORDER})


def active_roles(person: Person) -> list[RoleAssignment]:
    """The person's role assignments on organizations that still exist."""
    return [r for r in person.roles if r.organization.is_active]


def roles_over(person: Person, org: Organization) -> set[Role]:
    """Roles the person holds on ``org`` through any ancestor (or ``org`` itself)."""
    return {r.role for r in active_roles(person) if org.is_within(r.organization)}


def is_member_of(person: Person, org: Organization) -> bool:
    """Implicit membership: the person's home branch is ``org`` or contains it."""
    branch = person.branch
    return branch is not None and org.is_within(branch)


def can(person: Person | None, action: Action, obj: object) -> bool:
    """Decide whether ``person`` may do ``action`` to ``obj`` (organization, person, transfer,
    meeting, invitation, action item, or ``None`` for tree-wide actions)."""
    if person is None or not person.may_sign_in:
        return False
    if obj is None:
        return _can_tree_wide(person, action)
    if isinstance(obj, Meeting):
        return _can_on_meeting(person, action, obj)
    if isinstance(obj, Invitation):
        return _can_on_invitation(person, action, obj)
    if isinstance(obj, ActionItem):
        return _can_on_action_item(person, action, obj)
    if isinstance(obj, Organization):
        return _can_on_org(person, action, obj)
    if isinstance(obj, Person):
        return _can_on_person(person, action, obj)
    if isinstance(obj, Transfer):
        return _can_on_transfer(person, action, obj)
    if isinstance(obj, Campaign):
        return _can_on_campaign(person, action, obj)
    if isinstance(obj, Notice):
        return _can_on_notice(person, action, obj)
    if isinstance(obj, Visit):
        return _can_on_visit(person, action, obj)
    if isinstance(obj, ApiToken):  # personal: nobody, not even an administrator, uses another's
        return action == Action.MANAGE_TOKEN and obj.person_id == person.id
    if isinstance(obj, SignIn):  # personal too: an officer ends sessions by resetting the password
        return action == Action.END_SIGN_IN and obj.person_id == person.id
    raise TypeError(f"no policy for {type(obj).__name__}")


# What a person must be able to do to an object to know that it exists at all.
SEEING = {Meeting: Action.VIEW_MEETINGS, ActionItem: Action.VIEW_MEETINGS, Notice: Action.VIEW_NOTICE,
          Visit: Action.VIEW_VISIT,
          Organization: Action.VIEW_ORG,
          Person: Action.VIEW_PERSON}


def may_see(person: Person | None, obj: object) -> bool:
    """Whether ``person`` may know ``obj`` exists: a refusal is then a 403; otherwise the
    answer is the 404 of a missing object, so that ids reveal nothing (no existence oracle)."""
    if isinstance(obj, Invitation):
        obj = obj.meeting
    elif isinstance(obj, Transfer):
        obj = obj.person
    if isinstance(obj, ApiToken | SignIn):
        return person is not None and obj.person_id == person.id
    seeing = SEEING.get(type(obj))
    return seeing is None or can(person, seeing, obj)


def _can_on_org(person: Person, action: Action, org: Organization) -> bool:
    roles = roles_over(person, org)
    if any(action in ROLE_ACTIONS[role] for role in roles if role != Role.SECRETARY):
        return True
    if Role.SECRETARY in roles and _secretary_may(action, org):
        return True
    return action in MEMBER_ACTIONS and is_member_of(person, org)


def _secretary_may(action: Action, org: Organization) -> bool:
    # A secretary runs the branch and its party groups, never the branch unit itself.
    if action == Action.MANAGE_ORG:
        return org.kind == OrgKind.PARTY_GROUP
    return action in ROLE_ACTIONS[Role.SECRETARY]


# Changing these of a person (password, login, status, branch) could take over their account:
# only someone who could have granted each of their roles may do it.
OVER_THE_ACCOUNT = frozenset({Action.EDIT_PERSON, Action.MANAGE_ROSTER})


def _can_on_person(actor: Person, action: Action, subject: Person) -> bool:
    if action == Action.VIEW_PERSON and actor.id is not None and actor.id == subject.id:
        return True
    if action in OVER_THE_ACCOUNT and not outranks(actor, subject):
        return False
    if subject.branch is None:
        return Role.ADMIN in {r.role for r in active_roles(actor) if r.organization.depth == 0}
    return _can_on_org(actor, action, subject.branch)


def outranks(actor: Person, subject: Person) -> bool:
    """The actor could have granted every role the subject holds (a secretary their branch's
    secretary and recorder roles, an administrator anything in their subtree) — so a branch
    secretary cannot reset the password of a member who is an administrator at the root, nor a
    subtree administrator that of a higher one."""
    return all(can_grant_role(actor, grant.role, grant.organization) for grant in active_roles(subject))


def _can_on_transfer(actor: Person, action: Action, transfer: Transfer) -> bool:
    if transfer.status != TransferStatus.PENDING:
        return False
    if action == Action.DECIDE_TRANSFER:
        return _can_on_org(actor, Action.DECIDE_TRANSFER, transfer.to_branch)
    if action == Action.CANCEL_TRANSFER:
        return _can_on_org(actor, Action.CANCEL_TRANSFER, transfer.from_branch)
    return _can_on_org(actor, Action.VIEW_ORG, transfer.from_branch) or _can_on_org(
        actor, Action.VIEW_ORG, transfer.to_branch
    )


def _can_tree_wide(person: Person, action: Action) -> bool:
    # Meeting types, requirements and the one mail relay are shared by the whole tree: only
    # an administrator at its root manages them.
    if action in (Action.MANAGE_TYPES, Action.MANAGE_REQUIREMENTS, Action.MANAGE_MAIL):
        return any(r.role == Role.ADMIN and r.organization.depth == 0 for r in active_roles(person))
    raise TypeError(f"{action} needs an object")


def _can_on_meeting(person: Person, action: Action, meeting: Meeting) -> bool:
    if action == Action.VIEW_MEETINGS:
        invited = any(i.person_id == person.id for i in meeting.invitations)
        return invited or _can_on_org(person, action, meeting.organization)
    # Final minutes are the branch's record: its members and officers above it, not a 列席
    # guest from elsewhere who merely saw the invitation.
    if action in (Action.SCHEDULE_MEETING, Action.DECIDE_LEAVE, Action.RECORD_MEETING,
                  Action.FINALIZE_MINUTES, Action.VIEW_MINUTES):
        return _can_on_org(person, action, meeting.organization)
    return False


def _can_on_invitation(person: Person, action: Action, invitation: Invitation) -> bool:
    # Only the invitee answers or checks in on their own invitation; officers act through
    # DECIDE_LEAVE and RECORD_MEETING.
    return action in (Action.RESPOND, Action.CHECK_IN) and invitation.person_id == person.id


def _can_on_action_item(person: Person, action: Action, item: ActionItem) -> bool:
    """整改事项: its owner reports it done; the branch's officers manage every one, whether it
    came from a meeting or from a 督导记录."""
    unit = item.meeting.organization if item.meeting is not None else item.organization
    if action == Action.CLOSE_ACTION and item.owner_id == person.id:
        return True
    if action in (Action.CLOSE_ACTION, Action.RECORD_MEETING):
        return _can_on_org(person, action, unit)
    if action == Action.VIEW_MEETINGS:
        return item.owner_id == person.id or _can_on_org(person, action, unit)
    return False


def _can_on_visit(person: Person, action: Action, visit: Visit) -> bool:
    """督导记录: the overseers of the visited unit see it, those who may record visits there
    add findings; the secretary of the branch visited, or of a branch a finding names, reads
    it (it is about them) but never writes in it."""
    if action == Action.RECORD_VISIT:
        return _can_on_org(person, action, visit.organization)
    if action != Action.VIEW_VISIT:
        return False
    if _can_on_org(person, Action.VIEW_OVERSIGHT, visit.organization):
        return True
    if Role.SECRETARY in roles_over(person, visit.organization):
        return True
    return any(Role.SECRETARY in roles_over(person, f.branch) for f in visit.findings)  # read only now


def _can_on_campaign(person: Person, action: Action, campaign: Campaign) -> bool:
    """专项行动: the admins of its scope change it; whoever oversees a unit it covers sees it."""
    if action == Action.MANAGE_CAMPAIGNS:
        return _can_on_org(person, action, campaign.scope)
    return action == Action.VIEW_COMPLIANCE and bool(campaign_view_roots(person, campaign))


def _can_on_notice(person: Person, action: Action, notice: Notice) -> bool:
    """催办: the overseers of its branch see it; the branch's secretary reads and answers it.
    A secretary never sees another branch's notices, nor an overseer another scope's."""
    branch = notice.branch
    # Only the branch answers for itself: an administrator above it holds every action, but
    # opening the notice is no read receipt of the branch, nor may they reply in its name.
    answers = Role.SECRETARY in roles_over(person, branch)
    if action == Action.ANSWER_NOTICE:
        return answers
    if action == Action.VIEW_NOTICE:
        return answers or _can_on_org(person, Action.VIEW_OVERSIGHT, branch)
    return False


def campaign_view_roots(person: Person, campaign: Campaign) -> list[Organization]:
    """The part of a campaign's scope the person oversees: the whole scope, or their units in it."""
    scope, inside = campaign.scope, []
    for root in scope_roots(person, Action.VIEW_COMPLIANCE):
        if scope.is_within(root):
            return [scope]
        if root.is_within(scope):
            inside.append(root)
    return inside


def can_grant_role(actor: Person, role: Role, org: Organization) -> bool:
    """Admins grant any role in scope; a secretary grants secretary/recorder in the branch."""
    roles = roles_over(actor, org)
    if Role.ADMIN in roles:
        return True
    return Role.SECRETARY in roles and role in SECRETARY_GRANTABLE and org.kind == OrgKind.BRANCH


def can_subscribe_branch(person: Person | None, org: Organization) -> bool:
    """A branch's calendar feed is for those who see its meetings through a role (书记, 记录,
    联络员, 管理员), not for its plain members, who have their personal feed."""
    if person is None or not person.may_sign_in or not (org.is_branch and org.is_active):
        return False
    return any(Action.VIEW_MEETINGS in ROLE_ACTIONS[role] for role in roles_over(person, org))


def is_own_admin_grant(actor: Person, grant: RoleAssignment) -> bool:
    """Admins may not drop their own admin role: the tree could be left with no administrator."""
    return grant.person_id == actor.id and grant.role == Role.ADMIN


def scope_roots(person: Person, action: Action) -> list[Organization]:
    """Top-most organizations where ``person`` may do ``action`` (for listings and trees)."""
    roots = [r.organization for r in active_roles(person) if action in ROLE_ACTIONS[r.role]]
    if action in MEMBER_ACTIONS and person.branch is not None:
        roots.append(person.branch)
    roots.sort(key=lambda o: len(o.path))
    kept: list[Organization] = []
    for org in roots:
        if not any(org.is_within(k) for k in kept):
            kept.append(org)
    return kept
