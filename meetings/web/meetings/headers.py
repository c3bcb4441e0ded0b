"""The stored 会议记录 header (plain JSON) turned back into dates and enums for templates."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from meetings.domain.terms import Attendance, QuorumRule


def header_view(header: dict) -> SimpleNamespace:
    """Attribute access for Jinja, with times as datetimes and marks/rules as enums to label."""
    view = SimpleNamespace(**header)
    view.starts_at = datetime.fromisoformat(header["starts_at"])
    view.ends_at = datetime.fromisoformat(header["ends_at"])
    view.absentees = [(name, Attendance(mark), reason) for name, mark, reason in header["absentees"]]
    view.quorums = [(QuorumRule(rule), present, base, met) for rule, present, base, met in header["quorums"]]
    return view
