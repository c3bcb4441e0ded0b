"""A branch's roster: members, their standing, party groups, roles, committee seats, transfers."""
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from meetings.domain import people
from meetings.domain.terms import (
    CommitteeTitle,
    OrgKind,
    PersonCategory,
    PersonStatus,
    Role,
    TransferStatus,
)
from meetings.extensions import db
from meetings.models import CommitteeSeat, Organization, Person, RoleAssignment, Transfer, utcnow
from meetings.services import audit, history


class RosterError(ValueError):
    """A roster change that cannot be made; the message is for the user, ``field`` says where."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class MemberFields:
    """What a secretary types about a member (form or import row)."""

    name: str
    category: PersonCategory = PersonCategory.FULL
    status: PersonStatus = PersonStatus.ACTIVE
    login: str | None = None
    email: str | None = None
    phone: str | None = None
    party_group_id: int | None = None
    joined_party_on: date | None = None
    note: str | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def login_taken(login: str | None, *, except_id: int | None = None) -> bool:
    """Whether another person already uses this login."""
    if not login:
        return False
    query = sa.select(Person.id).where(Person.login == login)
    if except_id is not None:
        query = query.where(Person.id != except_id)
    return db.session.scalar(query) is not None


def _check_group(branch: Organization, group_id: int | None) -> None:
    if group_id is None:
        return
    group = db.session.get(Organization, group_id)
    if group is None or group.parent_id != branch.id or group.kind != OrgKind.PARTY_GROUP:
        raise RosterError(_l("所选党小组不属于本支部。"), field="party_group_id")
    if not group.is_active:
        raise RosterError(_l("所选党小组已撤销。"), field="party_group_id")


def _named(fields: MemberFields) -> MemberFields:
    """The fields with the name as stored (``people.clean_name``); refused when nothing visible is
    left or a bidi control is."""
    name = people.clean_name(fields.name)
    if not name:
        raise RosterError(_l("请填写姓名。"), field="name")
    if people.has_control_characters(name):
        raise RosterError(_l("包含不可见的控制字符，请删除后重新输入。"), field="name")
    return replace(fields, name=name)


def add_member(actor: Person | None, branch: Organization, fields: MemberFields) -> Person:
    """Add a person to ``branch``'s roster."""
    if branch.kind != OrgKind.BRANCH:
        raise RosterError(_l("党员只能编入党支部。"))
    fields = _named(fields)
    if login_taken(fields.login):
        raise RosterError(_l("用户名已被使用。"), field="login")
    _check_group(branch, fields.party_group_id)
    person = Person(branch_id=branch.id, **fields.as_dict())
    person.joined_branch_on = history.change_day()  # on the roll from today, not since ever
    db.session.add(person)
    db.session.flush()
    audit.record(actor, "person.create", person, organization_id=branch.id,
                 after={k: audit.plain(v) for k, v in fields.as_dict().items()})
    return person


def update_member(actor: Person, person: Person, fields: MemberFields) -> Person:
    """Edit a member's details, standing and party group; the change is audited."""
    fields = _named(fields)
    if login_taken(fields.login, except_id=person.id):
        raise RosterError(_l("用户名已被使用。"), field="login")
    _check_group(person.branch, fields.party_group_id)
    before, after = audit.changes(person, fields.as_dict())
    if "email" in after:
        person.email_bounced_at = person.email_bounce_reason = None  # a new address, not yet bounced
    if after:
        audit.record(actor, "person.update", person, organization_id=person.branch_id,
                     before=before, after=after)
    return person


def set_status(actor: Person, person: Person, status: PersonStatus) -> None:
    """Mark 流动 / 年老体弱 / 转出 or back to active."""
    before, after = audit.changes(person, {"status": status})
    if after:
        audit.record(actor, "person.status", person, organization_id=person.branch_id,
                     before=before, after=after)


def pending_transfer(person: Person) -> Transfer | None:
    """The person's open transfer, if any."""
    return db.session.scalar(
        sa.select(Transfer).where(Transfer.person_id == person.id,
                                  Transfer.status == TransferStatus.PENDING)
    )


def request_transfer(actor: Person, person: Person, to_branch: Organization, note: str | None) -> Transfer:
    """Start 组织关系转接 to another branch; the receiving side must accept."""
    if to_branch.kind != OrgKind.BRANCH or not to_branch.is_active:
        raise RosterError(_l("请选择一个现有的党支部。"))
    if to_branch.id == person.branch_id:
        raise RosterError(_l("该党员已在这个支部。"))
    if pending_transfer(person) is not None:
        raise RosterError(_l("该党员已有一项待接收的转接。"))
    transfer = Transfer(person=person, from_branch=person.branch, to_branch=to_branch,
                        note=note or None, requested_by_id=actor.id)
    db.session.add(transfer)
    audit.record(actor, "transfer.request", transfer, organization_id=to_branch.id,
                 after={"person": person.name, "from": person.branch.name, "to": to_branch.name})
    return transfer


def decide_transfer(actor: Person, transfer: Transfer, accept: bool) -> None:
    """The receiving branch accepts (the person moves, without a party group) or declines."""
    if transfer.status != TransferStatus.PENDING:
        raise RosterError(_l("这项转接已经处理过了。"))
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    transfer.decided_by_id = actor.id
    transfer.decided_at = utcnow()
    if accept:
        person = transfer.person
        person.branch_id = transfer.to_branch_id
        person.party_group_id = None
        _drop_branch_standing(person, transfer.from_branch_id)
    audit.record(actor, f"transfer.{transfer.status.value}", transfer,
                 organization_id=transfer.to_branch_id)


def cancel_transfer(actor: Person, transfer: Transfer) -> None:
    """The sending branch withdraws a transfer not yet decided."""
    if transfer.status != TransferStatus.PENDING:
        raise RosterError(_l("这项转接已经处理过了。"))
    transfer.status = TransferStatus.CANCELLED
    transfer.decided_by_id = actor.id
    transfer.decided_at = utcnow()
    audit.record(actor, "transfer.cancel", transfer, organization_id=transfer.from_branch_id)


def _drop_branch_standing(person: Person, branch_id: int) -> None:
    """Leaving a branch ends one's roles and committee seat there."""
    for seat in db.session.scalars(sa.select(CommitteeSeat).where(
            CommitteeSeat.person_id == person.id, CommitteeSeat.branch_id == branch_id)):
        db.session.delete(seat)
    for role in db.session.scalars(sa.select(RoleAssignment).where(
            RoleAssignment.person_id == person.id, RoleAssignment.organization_id == branch_id)):
        db.session.delete(role)


def assign_role(actor: Person | None, person: Person, org: Organization, role: Role) -> RoleAssignment:
    """Give ``person`` ``role`` over ``org``'s subtree (idempotent)."""
    existing = db.session.scalar(sa.select(RoleAssignment).where(
        RoleAssignment.person_id == person.id, RoleAssignment.organization_id == org.id,
        RoleAssignment.role == role))
    if existing is not None:
        return existing
    grant = RoleAssignment(person=person, organization=org, role=role,
                           created_by_id=actor.id if actor else None)
    db.session.add(grant)
    audit.record(actor, "role.assign", grant, organization_id=org.id,
                 after={"person": person.name, "role": role.value})
    return grant


def revoke_role(actor: Person, grant: RoleAssignment) -> None:
    """Take a role away."""
    audit.record(actor, "role.revoke", grant, organization_id=grant.organization_id,
                 before={"person": grant.person.name, "role": grant.role.value})
    db.session.delete(grant)


def set_committee_seat(actor: Person | None, branch: Organization, person: Person,
                       title: CommitteeTitle, since: date | None = None) -> CommitteeSeat:
    """Seat a branch member on the branch committee (支委), or change their title."""
    if person.branch_id != branch.id:
        raise RosterError(_l("支委委员必须是本支部党员。"))
    if person.category != PersonCategory.FULL:
        raise RosterError(_l("支委委员应为正式党员。"))
    seat = db.session.scalar(sa.select(CommitteeSeat).where(
        CommitteeSeat.branch_id == branch.id, CommitteeSeat.person_id == person.id))
    if seat is None:
        seat = CommitteeSeat(branch_id=branch.id, person_id=person.id, title=title, since=since)
        # Held from its 任职日期 (never a day ahead), or from today.
        today = history.change_day()
        seat.seated_on = min(since, today) if since and today else (since or today)
        db.session.add(seat)
    else:
        seat.title = title
    audit.record(actor, "committee.seat", seat, organization_id=branch.id,
                 after={"person": person.name, "title": title.value})
    return seat


def remove_committee_seat(actor: Person, seat: CommitteeSeat) -> None:
    """Vacate a committee seat."""
    audit.record(actor, "committee.unseat", seat, organization_id=seat.branch_id,
                 before={"person": seat.person.name, "title": seat.title.value})
    db.session.delete(seat)


def committee(branch: Organization) -> list[CommitteeSeat]:
    """The branch committee, 书记 first."""
    order = list(CommitteeTitle)
    seats = db.session.scalars(sa.select(CommitteeSeat).options(joinedload(CommitteeSeat.person))
                               .where(CommitteeSeat.branch_id == branch.id))
    return sorted(seats, key=lambda s: order.index(s.title))


def role_holders(org: Organization) -> list[RoleAssignment]:
    """Role assignments made on this very unit, by role then name."""
    return list(db.session.scalars(
        sa.select(RoleAssignment).join(Person, RoleAssignment.person_id == Person.id)
        .where(RoleAssignment.organization_id == org.id).order_by(RoleAssignment.role, Person.name)))


def members(branch: Organization) -> list[Person]:
    """Everyone on the branch roster (all statuses), by party group then name."""
    return list(db.session.scalars(
        sa.select(Person).where(Person.branch_id == branch.id)
        .order_by(Person.party_group_id.is_(None), Person.party_group_id, Person.name)))


def secretaries_to_mail(branch_ids: list[int]) -> dict[int, list[Person]]:
    """Who runs each branch (the 书记/组织委员 role), may sign in and has an address: those the
    committee's mail to a branch (临期提醒, 催办) goes to."""
    found: dict[int, list[Person]] = {}
    if not branch_ids:
        return found
    rows = db.session.execute(sa.select(RoleAssignment.organization_id, Person)
                              .join(Person, Person.id == RoleAssignment.person_id)
                              .where(RoleAssignment.organization_id.in_(branch_ids),
                                     RoleAssignment.role == Role.SECRETARY, Person.email.is_not(None)))
    for branch_id, person in rows:
        if person.may_sign_in and person.email:
            found.setdefault(branch_id, []).append(person)
    return found
