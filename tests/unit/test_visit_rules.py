"""督导记录 as plain rules (domain.visits): what a visit record and a finding may say."""
from datetime import date, timedelta

import pytest

from meetings.domain.visits import FINDING_LENGTH, MAX_FINDINGS, check_finding, check_visit

TODAY = date(2026, 11, 25)


def fields(problems) -> list[str]:
    return [p.field for p in problems]


def test_a_visit_of_today_or_lately_with_what_was_checked_and_seen_is_fine():
    assert check_visit(TODAY, ["minutes"], "查阅了记录。", today=TODAY) == []
    assert check_visit(TODAY - timedelta(days=700), ["minutes", "other"], "x", today=TODAY) == []


@pytest.mark.parametrize(("visited_on", "checked", "summary", "field"), [
    (None, ["minutes"], "x", "visited_on"),
    (TODAY + timedelta(days=1), ["minutes"], "x", "visited_on"),  # a record is of what happened
    (TODAY - timedelta(days=800), ["minutes"], "x", "visited_on"),
    (TODAY, [], "x", "checked"),
    (TODAY, ["minutes", "gossip"], "x", "checked"),
    (TODAY, ["minutes"], " \n ", "summary"),
    (TODAY, ["minutes"], "长" * 5001, "summary"),
    (TODAY, ["minutes"], "正常\x00文本", "summary"),
])
def test_what_a_visit_record_may_not_be(visited_on, checked, summary, field):
    assert fields(check_visit(visited_on, checked, summary, today=TODAY)) == [field]


def test_every_problem_is_named_at_once():
    assert fields(check_visit(None, [], "", today=TODAY)) == ["visited_on", "checked", "summary"]


def test_a_finding_needs_words_within_its_length_and_the_records_cap():
    assert check_finding("签到表未归档。", 0) == []
    assert fields(check_finding("", 0)) == ["text"]
    assert fields(check_finding("长" * (FINDING_LENGTH + 1), 0)) == ["text"]
    assert check_finding("长" * FINDING_LENGTH, MAX_FINDINGS - 1) == []
    assert check_finding("x", MAX_FINDINGS)[0].params == {"limit": MAX_FINDINGS}
