"""Importing a roster file into a branch: all rows or none (DESIGN §8)."""
from collections.abc import Callable
from dataclasses import dataclass
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
from meetings.services import audit, locks, orgs, roster


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


@dataclass(frozen=True)
class Imported:
    """What a confirmed import did: the members added, and the rows already on the roster."""

    added: list[Person]
    skipped: int


def preview(branch: Organization, filename: str, data: bytes) -> ImportResult:
    """Read and check the file against the branch's party groups, the taken logins and the
    people already on its roster (reported as duplicates, never added twice)."""
    result = roster_import.read_roster(filename, data)
    groups = {g.name: g.id for g in orgs.party_groups(branch)}
    taken = _taken(roster_import.logins_in(result))
    result = roster_import.validate(result, groups=groups, taken_logins=taken, today=_today())
    roster_import.mark_duplicates(result, _on_roster(branch))
    return result


def _on_roster(branch: Organization) -> list[tuple[str, str | None, str | None]]:
    """Name, phone and email of everyone whose home branch this is (one query)."""
    query = sa.select(Person.name, Person.phone, Person.email).where(Person.branch_id == branch.id)
    return [tuple(row) for row in db.session.execute(query)]


def apply(actor: Person | None, branch: Organization, filename: str, data: bytes,
          progress: Callable[[int], object] | None = None) -> Imported:
    """Check again and add every member not yet on the roster, or raise ``ImportRejected``
    having added none. The check runs after the caller's lock on the branch, so two confirms
    of the same file at once add its members once.

    Flushes, never commits; ``progress(1)`` is called after each member (CLI progress bar).
    """
    _lock_roster(branch)
    result = preview(branch, filename, data)
    if not result.ok:
        raise ImportRejected(result.errors or [RowError(0, "", N_("文件中没有党员数据。"))])
    added = []
    for row in result.new_rows:
        try:
            added.append(roster.add_member(actor, branch, roster.MemberFields(**row.fields)))
        except (roster.RosterError, IntegrityError) as error:
            # Someone changed the roster since the check (a login taken, a group dissolved).
            message = N_("名册在检查之后被他人修改了，请重新预览后再导入。")
            raise ImportRejected([RowError(row.row, "", message)]) from error
        if progress:
            progress(1)
    skipped = len(result.rows) - len(added)
    audit.record(actor, "roster.import", branch, organization_id=branch.id,
                 after={"file": filename, "count": len(added), "already_on_roster": skipped})
    return Imported(added, skipped)


def _lock_roster(branch: Organization) -> None:
    """Wait for any other import into the branch, so the duplicate check sees what it added."""
    locks.lock_row(Organization, branch.id)


def template(branch: Organization | None) -> bytes:
    """The template workbook, listing the branch's party groups."""
    return template_workbook([g.name for g in orgs.party_groups(branch)] if branch else None)
