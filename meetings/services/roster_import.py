"""Importing a roster file into a branch: all rows or none (DESIGN §8)."""
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from meetings.clock import today_in_beijing
from meetings.domain import roster_import
from meetings.domain.messages import N_
from meetings.domain.roster_import import ImportResult, RowError
from meetings.domain.roster_template import template_workbook
from meetings.extensions import db
from meetings.models import Organization, Person
from meetings.services import audit, orgs, roster


class ImportRejected(ValueError):
    """The file has errors; nothing was added. ``errors`` are row-numbered."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s) in the roster file")
        self.errors = errors


def _today() -> date:
    return today_in_beijing()


def _taken(logins: set[str]) -> set[str]:
    """Which of ``logins`` already belong to someone (one query)."""
    if not logins:
        return set()
    return set(db.session.scalars(sa.select(Person.login).where(Person.login.in_(logins))))


def preview(branch: Organization, filename: str, data: bytes) -> ImportResult:
    """Read and check the file against the branch's party groups and the taken logins."""
    result = roster_import.read_roster(filename, data)
    groups = {g.name: g.id for g in orgs.party_groups(branch)}
    taken = _taken(roster_import.logins_in(result))
    return roster_import.validate(result, groups=groups, taken_logins=taken, today=_today())


def apply(actor: Person | None, branch: Organization, filename: str, data: bytes,
          progress: Callable[[int], object] | None = None) -> list[Person]:
    """Check again and add every member, or raise ``ImportRejected`` having added none.

    Flushes, never commits; ``progress(1)`` is called after each member (CLI progress bar).
    """
    result = preview(branch, filename, data)
    if not result.ok:
        raise ImportRejected(result.errors or [RowError(0, "", N_("文件中没有党员数据。"))])
    added = []
    for row in result.rows:
        try:
            added.append(roster.add_member(actor, branch, roster.MemberFields(**row.fields)))
        except (roster.RosterError, IntegrityError) as error:
            # Someone changed the roster since the check (a login taken, a group dissolved).
            message = N_("名册在检查之后被他人修改了，请重新预览后再导入。")
            raise ImportRejected([RowError(row.row, "", message)]) from error
        if progress:
            progress(1)
    audit.record(actor, "roster.import", branch, organization_id=branch.id,
                 after={"file": filename, "count": len(added)})
    return added


def template(branch: Organization | None) -> bytes:
    """The template workbook, listing the branch's party groups."""
    return template_workbook([g.name for g in orgs.party_groups(branch)] if branch else None)
