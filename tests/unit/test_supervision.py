"""催办's plain rules: subjects, a notice's state, overdue, due dates (domain.supervision)."""
from datetime import UTC, date, datetime

import pytest

from meetings.domain.supervision import (
    NoticeState,
    SubjectKind,
    due_problem,
    is_overdue,
    parse_subject,
    period_subject,
    state_of,
)

AT = datetime(2026, 11, 25, 2, tzinfo=UTC)
TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(("text", "kind", "object_id", "key"), [
    ("r3:2026-11", SubjectKind.PERIOD, 3, "r3:2026-11"), ("r3:2026", SubjectKind.PERIOD, 3, "r3:2026"),
    ("r12:2026-Q2", SubjectKind.PERIOD, 12, "r12:2026-Q2"), ("c7", SubjectKind.CAMPAIGN, 7, "c7"),
    ("m42", SubjectKind.MINUTES, 42, "m42")])
def test_a_subject_reads_back_as_it_was_written(text, kind, object_id, key):
    subject = parse_subject(text)
    assert (subject.kind, subject.object_id, subject.key) == (kind, object_id, key)


@pytest.mark.parametrize("text", ["", "r3", "x1", "c7:2026", "r0:2026", "r3:2026-13", "m-1", "c", "c١",
                                  "r99999999999:2026", "m" + "1" * 50, "r3:2026-11:extra", "R3:2026"])
def test_anything_else_is_no_subject(text):
    with pytest.raises(ValueError):
        parse_subject(text)


def test_a_period_subject_keys_requirement_and_period():
    assert period_subject(5, "2026-Q4").key == "r5:2026-Q4"


@pytest.mark.parametrize(("read", "replied", "resolved", "state"), [
    (None, None, False, NoticeState.SENT), (AT, None, False, NoticeState.READ),
    (AT, AT, False, NoticeState.ANSWERED), (None, AT, False, NoticeState.ANSWERED),
    (None, None, True, NoticeState.RESOLVED), (AT, AT, True, NoticeState.RESOLVED)])
def test_resolved_outranks_answered_outranks_read(read, replied, resolved, state):
    assert state_of(read, replied, resolved) == state


def test_overdue_is_past_the_due_day_with_something_not_done():
    assert not is_overdue(TODAY, TODAY, resolved=False)  # the due day itself is still in time
    assert is_overdue(date(2026, 11, 24), TODAY, resolved=False)
    assert not is_overdue(date(2026, 11, 1), TODAY, resolved=True)


@pytest.mark.parametrize(("due", "problem"), [
    (None, "missing"), (date(2026, 11, 24), "past"), (TODAY, None), (date(2027, 2, 23), None),
    (date(2027, 2, 24), "too_far")])
def test_a_due_date_is_today_to_ninety_days_ahead(due, problem):
    assert due_problem(due, TODAY) == problem
