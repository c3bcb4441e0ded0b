"""会议记录 rules: text limits, 补录 deadline, the hash chain, the diff."""
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from meetings.domain import minutes as rules

ENDS = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)  # 16:30 Beijing, 1 July


def test_empty_and_oversize_text_are_refused_with_the_numbers():
    assert rules.check_text("  \n ").message == "会议记录不能为空。"
    problem = rules.check_text("党" * (rules.MAX_LENGTH + 1))
    assert problem.params == {"limit": rules.MAX_LENGTH, "n": rules.MAX_LENGTH + 1}
    assert rules.check_text("## 学习内容\n\n学习了党章。") is None


def test_normalize_turns_crlf_into_newlines():
    assert rules.normalize("a\r\nb\rc") == "a\nb\nc"


@pytest.mark.parametrize(("finalized", "late"), [
    (datetime(2026, 7, 8, 15, 59, tzinfo=UTC), False),  # 8 July 23:59 Beijing: day 7
    (datetime(2026, 7, 8, 16, 0, tzinfo=UTC), True),  # 9 July 00:00 Beijing: day 8
])
def test_minutes_finalized_more_than_seven_days_after_are_late(finalized, late):
    assert rules.is_late(ENDS, finalized, 7) is late


def chain(n: int) -> list[rules.RevisionFacts]:
    out, prev = [], rules.GENESIS
    for number in range(1, n + 1):
        facts = rules.RevisionFacts(meeting_id=9, number=number, body=f"第{number}版", author_id=3,
                                    created_at=ENDS + timedelta(days=number), header={"present": 12},
                                    reason=None if number == 1 else "更正错字", prev_hash=prev)
        facts = replace(facts, hash=rules.chain_hash(prev, facts))
        out.append(facts)
        prev = facts.hash
    return out


def test_an_intact_chain_verifies():
    assert rules.verify_chain(chain(3)) == []


@pytest.mark.parametrize("change", [
    {"body": "改过的内容"}, {"author_id": 4}, {"reason": "另一个原因"}, {"header": {"present": 13}},
    {"created_at": ENDS},
])
def test_changing_text_or_metadata_of_a_final_revision_breaks_its_hash(change):
    revisions = chain(3)
    revisions[1] = replace(revisions[1], **change)
    assert rules.verify_chain(revisions) == [rules.ChainBreak(2, "hash")]


def test_removing_a_revision_breaks_the_link_of_the_next():
    revisions = chain(3)
    del revisions[1]
    assert rules.verify_chain(revisions) == [rules.ChainBreak(3, "link")]


def test_rehashing_a_rewritten_revision_still_breaks_the_next_link():
    revisions = chain(3)
    forged = replace(revisions[1], body="伪造")
    revisions[1] = replace(forged, hash=rules.chain_hash(forged.prev_hash, forged))
    assert rules.verify_chain(revisions) == [rules.ChainBreak(3, "link")]


def test_diff_pairs_changed_lines_and_numbers_them():
    lines = rules.diff("一\n二\n三", "一\n贰\n三\n四")
    assert [(d.op, d.old, d.new) for d in lines] == [
        ("equal", "一", "一"), ("replace", "二", "贰"), ("equal", "三", "三"), ("insert", None, "四")]
    assert lines[3].new_no == 4 and lines[3].old_no is None
