"""会议记录 rules as pure functions: text limits, the 补录 deadline, the hash chain of final
revisions, and the line diff between two revisions.

A final revision's hash is sha256 over the previous final revision's hash, its text and its
metadata (who, when, why, the frozen header), so a row edited or removed in the database
breaks the chain at a point :func:`verify_chain` can name.
"""
from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from meetings.domain.messages import N_, Problem
from meetings.domain.scheduling import BEIJING

MAX_LENGTH = 100_000  # characters: a long 组织生活会 record is ~20,000
GENESIS = "0" * 64  # the "previous hash" of the first final revision


@dataclass(frozen=True)
class MinutesProblem(Problem):
    """Why a text cannot be saved as minutes (a message id and its values)."""

    message: str
    params: dict = field(default_factory=dict, compare=False)


def check_text(text: str) -> MinutesProblem | None:
    """None when ``text`` may be saved as minutes."""
    if not (text or "").strip():
        return MinutesProblem(N_("会议记录不能为空。"))
    if len(text) > MAX_LENGTH:
        return MinutesProblem(N_("会议记录不能超过 %(limit)s 个字符（现在 %(n)s 个）。"),
                              {"limit": MAX_LENGTH, "n": len(text)})
    return None


def normalize(text: str) -> str:
    """One newline convention, so a browser's CRLF does not make every line "changed"."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def is_late(meeting_ends_at: datetime, finalized_at: datetime, late_days: int) -> bool:
    """补录: finalized more than ``late_days`` calendar days (Beijing) after the meeting."""
    held_on = meeting_ends_at.astimezone(BEIJING).date()
    return finalized_at.astimezone(BEIJING).date() > held_on + timedelta(days=late_days)


@dataclass(frozen=True)
class RevisionFacts:
    """What the chain covers of one final revision."""

    meeting_id: int
    number: int
    body: str
    author_id: int | None
    created_at: datetime
    reason: str | None = None
    header: dict | None = None
    prev_hash: str | None = None
    hash: str | None = None


def chain_hash(prev_hash: str, facts: RevisionFacts) -> str:
    """sha256(prev hash ‖ canonical JSON of the text and its metadata), hex."""
    payload = {
        "meeting_id": facts.meeting_id,
        "number": facts.number,
        "author_id": facts.author_id,
        "created_at": facts.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "reason": facts.reason,
        "header": facts.header,
        "body": facts.body,
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(prev_hash.encode("ascii") + canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """Where a chain stops adding up: the revision number and what is wrong with it."""

    number: int
    problem: str  # "hash" (content or metadata changed) | "link" (a revision removed or re-ordered)


def verify_chain(revisions: Sequence[RevisionFacts]) -> list[ChainBreak]:
    """Check the final revisions of one minutes, oldest first; [] when intact."""
    breaks: list[ChainBreak] = []
    prev = GENESIS
    for facts in sorted(revisions, key=lambda r: r.number):
        if facts.prev_hash != prev:
            breaks.append(ChainBreak(facts.number, "link"))
        if facts.hash != chain_hash(facts.prev_hash or GENESIS, facts):
            breaks.append(ChainBreak(facts.number, "hash"))
        prev = facts.hash or ""
    return breaks


@dataclass(frozen=True)
class DiffLine:
    """One line of a side-by-side comparison: ``op`` is equal / delete / insert / replace."""

    op: str
    old_no: int | None
    old: str | None
    new_no: int | None
    new: str | None


def diff(old: str, new: str) -> list[DiffLine]:
    """Line-by-line comparison of two revisions (difflib's opcodes, paired for display)."""
    a, b = normalize(old).split("\n"), normalize(new).split("\n")
    lines: list[DiffLine] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            lines.append(DiffLine(
                op,
                i + 1 if i < i2 else None, a[i] if i < i2 else None,
                j + 1 if j < j2 else None, b[j] if j < j2 else None,
            ))
    return lines
