"""SQLAlchemy models, one file per aggregate; import from here."""
from meetings.models.api_token import ApiToken
from meetings.models.audit import AuditEvent
from meetings.models.base import Base, utcnow
from meetings.models.calendar import CalendarSnapshot
from meetings.models.compliance import Campaign, ComplianceAlert, Requirement
from meetings.models.fact_version import MeetingFactVersion
from meetings.models.history import CommitteeSpan, MembershipSpan, UnitVersion
from meetings.models.inbound import InboundMail
from meetings.models.meeting import (
    Invitation,
    Meeting,
    MeetingSeries,
    MeetingType,
    meeting_meeting_type,
)
from meetings.models.organization import Organization
from meetings.models.outbox import OutboxMessage
from meetings.models.person import CommitteeSeat, Person, RoleAssignment, Transfer
from meetings.models.record import ActionItem, Attachment, Minutes, MinutesRevision
from meetings.models.sign_in import SignIn
from meetings.models.supervision import Notice, NoticeItem, Visit, VisitFinding

__all__ = [
    "ActionItem",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Base",
    "CalendarSnapshot",
    "Campaign",
    "ComplianceAlert",
    "CommitteeSeat",
    "CommitteeSpan",
    "InboundMail",
    "Invitation",
    "Meeting",
    "MeetingFactVersion",
    "MeetingSeries",
    "MeetingType",
    "MembershipSpan",
    "Minutes",
    "MinutesRevision",
    "Notice",
    "NoticeItem",
    "Visit",
    "VisitFinding",
    "Organization",
    "OutboxMessage",
    "Person",
    "Requirement",
    "RoleAssignment",
    "SignIn",
    "Transfer",
    "UnitVersion",
    "meeting_meeting_type",
    "utcnow",
]
