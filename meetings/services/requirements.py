"""Requirements (考核要求) as data: the seeded defaults, the engine's rules, admins' changes.

A change never edits a row in place: the version in force is closed the day before the
new one takes effect, so periods already judged keep the rule they were judged by.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meetings.domain.compliance import Rule
from meetings.domain.requirements import DEFAULT_REQUIREMENTS, REGULATIONS_IN_FORCE
from meetings.domain.terms import AppliesTo, PeriodKind
from meetings.extensions import db
from meetings.models import MeetingType, Person, Requirement
from meetings.services import audit

MAX_COUNT = 31  # more than daily would be a typo


class RequirementError(ValueError):
    def __init__(self, message, field: str = "effective_from"):
        super().__init__(str(message))
        self.message, self.field = message, field


@dataclass
class RequirementFields:
    """What an administrator may change in a new version of a requirement."""

    min_count: int
    needs_attendance: bool
    needs_quorum: bool
    needs_final_minutes: bool
    effective_from: date
    applies_to: AppliesTo | None = None
    period: PeriodKind | None = None


def install_defaults() -> list[Requirement]:
    """Create the requirements of DESIGN §5 when there are none (the migration does the same)."""
    if db.session.scalar(sa.select(sa.func.count(Requirement.id))):
        return all_versions()
    types = {t.code: t for t in db.session.scalars(sa.select(MeetingType))}
    for spec in DEFAULT_REQUIREMENTS:
        if spec.type_code in types:
            db.session.add(Requirement(
                meeting_type=types[spec.type_code], applies_to=spec.applies_to, period=spec.period,
                min_count=spec.min_count, needs_quorum=spec.needs_quorum, source=spec.source,
                is_local_rule=spec.is_local_rule, effective_from=REGULATIONS_IN_FORCE))
    db.session.flush()
    return all_versions()


def all_versions() -> list[Requirement]:
    """Every version, grouped by type, the newest last."""
    return list(db.session.scalars(
        sa.select(Requirement).join(Requirement.meeting_type)
        .options(sa.orm.contains_eager(Requirement.meeting_type))
        .order_by(MeetingType.sort_order, Requirement.applies_to, Requirement.effective_from)))


def current(today: date) -> list[Requirement]:
    """The versions in force on ``today``."""
    return [r for r in all_versions() if r.is_in_force(today)]


def rule_of(requirement: Requirement) -> Rule:
    """The engine's view of one version; versions of one requirement share ``requirement_id``
    (the first version's id), so the dashboard shows them as one column."""
    return Rule(id=requirement.id, type_id=requirement.meeting_type_id, applies_to=requirement.applies_to,
                period=requirement.period, min_count=requirement.min_count,
                needs_attendance=requirement.needs_attendance, needs_quorum=requirement.needs_quorum,
                needs_final_minutes=requirement.needs_final_minutes,
                effective_from=requirement.effective_from, effective_to=requirement.effective_to,
                requirement_id=_lineage(requirement))


def rules() -> list[Rule]:
    return [rule_of(r) for r in all_versions()]


def _lineage(requirement: Requirement) -> int:
    return requirement.replaces_id or requirement.id


def change(actor: Person, requirement: Requirement, fields: RequirementFields) -> Requirement:
    """A new version from ``fields.effective_from``; the old one ends the day before."""
    _check(requirement, fields)
    successor = Requirement(
        meeting_type_id=requirement.meeting_type_id,
        applies_to=fields.applies_to or requirement.applies_to, period=fields.period or requirement.period,
        min_count=fields.min_count, needs_attendance=fields.needs_attendance,
        needs_quorum=fields.needs_quorum, needs_final_minutes=fields.needs_final_minutes,
        effective_from=fields.effective_from, effective_to=requirement.effective_to,
        source=requirement.source, is_local_rule=requirement.is_local_rule,
        replaces_id=_lineage(requirement))
    requirement.effective_to = fields.effective_from - timedelta(days=1)
    db.session.add(successor)
    db.session.flush()
    audit.record(actor, "requirement.change", successor, before=_facts(requirement), after=_facts(successor))
    return successor


def _check(requirement: Requirement, fields: RequirementFields) -> None:
    if not 1 <= fields.min_count <= MAX_COUNT:
        raise RequirementError(_l("次数须在 1 到 %(n)s 之间。", n=MAX_COUNT), field="min_count")
    if fields.effective_from <= requirement.effective_from:
        raise RequirementError(_l("新规定的生效日期须晚于现行规定的生效日期（%(day)s）。",
                                  day=requirement.effective_from.isoformat()))
    if requirement.effective_to is not None and fields.effective_from > requirement.effective_to:
        raise RequirementError(_l("这一版规定已于 %(day)s 停止执行，请修改最新的一版。",
                                  day=requirement.effective_to.isoformat()))


def _facts(requirement: Requirement) -> dict:
    return {"min_count": requirement.min_count, "applies_to": str(requirement.applies_to),
            "period": str(requirement.period), "needs_quorum": requirement.needs_quorum,
            "needs_attendance": requirement.needs_attendance,
            "needs_final_minutes": requirement.needs_final_minutes,
            "effective_from": requirement.effective_from.isoformat(),
            "effective_to": requirement.effective_to.isoformat() if requirement.effective_to else None}
