"""Alerts: at-risk periods and overdue campaigns reach the branch secretaries once, via the outbox."""
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import Campaign, ComplianceAlert, OutboxMessage
from meetings.services.compliance import alerts as compliance_alerts
from tests.builders import elect_committee
from tests.compliance_builders import install_rules

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 20 November: 11 days left in the month


def _messages() -> dict[str, str]:
    found = {}
    for row in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "alert")):
        mail = message_from_bytes(row.message, policy=policy.default)
        found[row.recipient] = mail["Subject"] + "\n" + mail.get_body(("plain",)).get_content()
    return found


def test_at_risk_periods_are_mailed_once_to_each_branch_secretary(world):
    install_rules()
    elect_committee(world.a1)  # seven full members and three seats: a 支部委员会 to remind
    db.session.commit()
    result = compliance_alerts.run(NOW)
    db.session.commit()
    mails = _messages()
    assert set(mails) == {"secretary@example.org", "other_secretary@example.org"}
    a1 = mails["secretary@example.org"]
    assert "办公室党支部" in a1 and "主题党日（2026-11）" in a1 and "支部委员会（2026-11）" in a1
    assert "党小组会（2026-11）" in a1 and f"/compliance?org={world.a1.id}" in a1
    assert "支部委员会" not in mails["other_secretary@example.org"]  # A2 has no committee
    assert result.without_address == ["预算处党支部"]  # B1 has no secretary to tell
    assert compliance_alerts.run(NOW).messages == 0  # remembered: nothing is sent twice
    subjects = set(db.session.scalars(sa.select(ComplianceAlert.subject).where(
        ComplianceAlert.organization_id == world.a1.id)))
    assert any(s.endswith(":2026-11") for s in subjects)


def test_nothing_is_at_risk_with_two_weeks_left(world):
    install_rules()
    db.session.commit()
    assert compliance_alerts.run(datetime(2026, 11, 10, 1, 0, tzinfo=UTC)).messages == 0


def test_an_overdue_campaign_is_mailed_to_branches_that_held_nothing(world):
    types = install_rules()
    db.session.add(Campaign(title="七一专题组织生活会", meeting_type_id=types["special_org_life_meeting"].id,
                            scope_id=world.pc_a.id, window_start=date(2026, 10, 1),
                            deadline=date(2026, 11, 15)))
    db.session.commit()
    compliance_alerts.run(datetime(2026, 11, 10, 1, 0, tzinfo=UTC))  # window still open: no alert
    assert _messages() == {}
    compliance_alerts.run(datetime(2026, 11, 16, 1, 0, tzinfo=UTC))
    mails = _messages()
    assert "七一专题组织生活会" in mails["secretary@example.org"] and "逾期" in mails["secretary@example.org"]
    assert "七一专题组织生活会" in mails["other_secretary@example.org"]
