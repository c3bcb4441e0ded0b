"""The vocabulary of the domain (DESIGN §10) as enums shared by models, policy and views."""
from enum import StrEnum


class OrgKind(StrEnum):
    """Levels of the organization tree."""

    COMMITTEE = "committee"  # 机关工委
    PARTY_COMMITTEE = "party_committee"  # 机关党委
    GENERAL_BRANCH = "general_branch"  # 党总支
    BRANCH = "branch"  # 党支部
    PARTY_GROUP = "party_group"  # 党小组


# Which kinds may sit directly under which: the tree follows the Party's structure.
ALLOWED_CHILDREN: dict[OrgKind, tuple[OrgKind, ...]] = {
    OrgKind.COMMITTEE: (OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH),
    OrgKind.PARTY_COMMITTEE: (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH),
    OrgKind.GENERAL_BRANCH: (OrgKind.BRANCH,),
    OrgKind.BRANCH: (OrgKind.PARTY_GROUP,),
    OrgKind.PARTY_GROUP: (),
}


class PersonCategory(StrEnum):
    """正式党员 / 预备党员 / 非党员工作人员."""

    FULL = "full"
    PROBATIONARY = "probationary"
    STAFF = "staff"


class PersonStatus(StrEnum):
    """Whether a person is expected at their branch's meetings."""

    ACTIVE = "active"
    AWAY = "away"  # 流动党员
    EXEMPT = "exempt"  # 年老体弱, 不作硬性要求
    TRANSFERRED_OUT = "transferred_out"


class Role(StrEnum):
    """Role assignments; each applies to an organization's whole subtree."""

    ADMIN = "admin"
    LIAISON = "liaison"
    SECRETARY = "secretary"
    RECORDER = "recorder"


class CommitteeTitle(StrEnum):
    """Seats of a branch committee (支委)."""

    SECRETARY = "secretary"  # 书记
    DEPUTY_SECRETARY = "deputy_secretary"  # 副书记
    ORGANIZER = "organizer"  # 组织委员
    PROPAGANDA = "propaganda"  # 宣传委员
    DISCIPLINE = "discipline"  # 纪检委员
    MEMBER = "member"  # 委员


class InviteeScope(StrEnum):
    """Who a meeting type invites by default."""

    BRANCH = "branch"
    COMMITTEE = "committee"
    PARTY_GROUP = "party_group"


class QuorumRule(StrEnum):
    """How a meeting type decides whether enough people came."""

    NONE = "none"
    FULL_MEMBERS_MAJORITY = "full_members_majority"  # 党员大会: > 1/2 of full members
    COMMITTEE_MAJORITY = "committee_majority"  # 支委会: > 1/2 of the seats


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class InvitationRole(StrEnum):
    ATTENDEE = "attendee"
    OBSERVER = "observer"  # 列席


class Rsvp(StrEnum):
    PENDING = "pending"
    ATTENDING = "attending"
    LEAVE_REQUESTED = "leave_requested"
    LEAVE_APPROVED = "leave_approved"
    LEAVE_REJECTED = "leave_rejected"
    TENTATIVE = "tentative"  # 待定: "maybe", answered in a calendar app


class Attendance(StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    LEAVE = "leave"


class CheckInMethod(StrEnum):
    SELF = "self"
    SECRETARY = "secretary"


class MinutesState(StrEnum):
    DRAFT = "draft"
    FINAL = "final"  # 定稿


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class AttachmentKind(StrEnum):
    SIGN_IN_SHEET = "sign_in_sheet"
    PHOTO = "photo"
    RESOLUTION = "resolution"
    OTHER = "other"


class AppliesTo(StrEnum):
    """Which organizations a requirement binds."""

    BRANCH = "branch"
    PARTY_GROUP = "party_group"
    BRANCH_WITH_COMMITTEE = "branch_with_committee"


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CAMPAIGN = "campaign"


class OutboxStatus(StrEnum):
    """A queued email's state. ``sending`` is written before the SMTP transaction, so a worker
    that dies in it leaves a visible trace; ``superseded`` messages were overtaken by a newer
    state of the same meeting for the same recipient and are never sent."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up after retrying for days, or refused for good by the relay
    SUPERSEDED = "superseded"


class TransferStatus(StrEnum):
    """组织关系转接: the receiving branch accepts or declines."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
