"""The demo organization (``flask seed-demo``): a provincial organs tree built through the services.

Idempotent: when the root committee of the demo already exists nothing is touched. Like
every service this flushes and never commits; the command commits once.
"""
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from meetings.clock import today_in_beijing
from meetings.domain.terms import CommitteeTitle, OrgKind, PersonCategory, PersonStatus, Role
from meetings.extensions import db
from meetings.models import CommitteeSeat, Organization, Person, utcnow
from meetings.seeding import names
from meetings.seeding.demo import data
from meetings.seeding.demo import history as demo_history
from meetings.seeding.demo import mail as demo_mail
from meetings.seeding.demo import meetings as demo_meetings
from meetings.seeding.demo import notices as demo_notices
from meetings.seeding.demo import replies as demo_replies
from meetings.seeding.demo import visits as demo_visits
from meetings.services import accounts, api_tokens, history, orgs, overview, roster
from meetings.services.roster import MemberFields


class DemoError(RuntimeError):
    """The demo cannot be seeded into this database (e.g. a demo login is already in use)."""


@dataclass
class DemoAccount:
    """One line of the printed account table."""

    login: str
    name: str
    role: str
    role_label: str
    unit: str


@dataclass
class DemoReport:
    """What ``seed_demo`` found or built, for the command to print."""

    created: bool
    root_name: str
    party_committees: int = 0
    general_branches: int = 0
    branches: int = 0
    groups: int = 0
    members: int = 0
    by_category: dict = field(default_factory=dict)
    by_status: dict = field(default_factory=dict)
    committees: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)
    password_works: bool = False
    meetings: int = 0  # demo meetings scheduled by this run


def seed_demo(password: str = data.DEFAULT_PASSWORD, today: date | None = None,
              now: datetime | None = None) -> DemoReport:
    """Build the demo tree, roster, officers and accounts unless the demo root already exists,
    and its meetings unless it already has some."""
    now = now or utcnow()
    root = find_root()
    if root is not None:
        result = report(root, created=False, password=password)
    else:
        taken = [a.login for a in data.ACCOUNTS if roster.login_taken(a.login)]
        if taken:
            raise DemoError(f"login(s) already in use: {', '.join(taken)}")
        day = today or today_in_beijing()
        with history.backdated(None):  # the demo province was there before its records began
            root = _Builder(day, password).build()
        demo_history.dissolve_a_group(root, day)
        demo_history.rename_a_branch(root, day, now)
        _seed_tokens(now)
        result = report(root, created=True, password=password)
    result.meetings = demo_meetings.seed_meetings(root, now)
    if result.meetings:
        demo_mail.refuse_one_invite(root, now)
        branch = next((b for b in orgs.branches_under(root) if b.name == demo_meetings.DEMO_BRANCH), None)
        if branch is not None:
            demo_replies.answer_in_calendars(branch, now)
        demo_notices.seed_notices(root, now)
        demo_visits.seed_visits(now)
        demo_history.date_the_record(root)
    return result


def _seed_tokens(now: datetime) -> None:
    """The demo secretary's 访问令牌: a read-only script token in use, and one revoked. Their
    plaintexts are discarded at once, as on the page: nobody can ever show them again."""
    secretary = db.session.scalar(sa.select(Person).where(Person.login == "secretary"))
    if secretary is None:
        return
    in_use, _ = api_tokens.issue(None, secretary, "季度通报脚本", read_only=True,
                                 expires_at=now + timedelta(days=90), now=now - timedelta(days=30))
    in_use.last_used_at = now - timedelta(hours=20)
    old, _ = api_tokens.issue(None, secretary, "旧导出脚本", read_only=True, expires_at=None,
                              now=now - timedelta(days=200))
    api_tokens.revoke(None, old, now - timedelta(days=40))


def find_root() -> Organization | None:
    """The demo's root committee, if it has been seeded."""
    return db.session.scalar(sa.select(Organization).where(
        Organization.parent_id.is_(None), Organization.name == data.ROOT_NAME))


class _Builder:
    """Creates units and people in a fixed order from a seeded generator: same data every time."""

    def __init__(self, today: date, password: str):
        self.today = today
        self.password = password
        self.rng = random.Random(data.SEED)
        self.used_names = {a.name for a in data.ACCOUNTS}
        self.used_phones: set[str] = set()
        self.serial = 0
        self.units: dict[str, Organization] = {}

    def build(self) -> Organization:
        root = orgs.create(None, name=data.ROOT_NAME, kind=OrgKind.COMMITTEE, parent=None)
        self.units[root.name] = root
        for name in data.PARTY_COMMITTEES:
            self.units[name] = orgs.create(None, name=name, kind=OrgKind.PARTY_COMMITTEE, parent=root)
        for spec in data.BRANCHES:
            self.build_branch(spec)
        for spec in data.ACCOUNTS:
            if spec.branch is None:
                self.add_officer(spec)
        return root

    def build_branch(self, spec: data.BranchSpec) -> None:
        parent = self.units[spec.party_committee]
        if spec.general_branch:
            parent = self.units.get(spec.general_branch) or orgs.create(
                None, name=spec.general_branch, kind=OrgKind.GENERAL_BRANCH, parent=parent)
            self.units[spec.general_branch] = parent
        branch = orgs.create(None, name=spec.name, kind=OrgKind.BRANCH, parent=parent)
        self.units[spec.name] = branch
        groups = [orgs.create(None, name=g, kind=OrgKind.PARTY_GROUP, parent=branch) for g in spec.groups]
        seated, users = {}, []
        for account in (a for a in data.ACCOUNTS if a.branch == spec.name):
            person = roster.add_member(None, branch, self.account_fields(account, groups))
            self.grant(account, person)
            users.append(person)
            if account.seat:
                seated[account.seat] = person
        people = [roster.add_member(None, branch, fields)
                  for fields in self.roster_fields(spec, groups, spec.size - len(users))]
        self.seat_committee(spec, branch, users + people, seated)

    def roster_fields(self, spec: data.BranchSpec, groups: list, count: int) -> list[MemberFields]:
        """Full members first, then the one special member, then staff, then 预备党员."""
        categories = ([PersonCategory.FULL] * (count - spec.staff - spec.probationary)
                      + [PersonCategory.STAFF] * spec.staff
                      + [PersonCategory.PROBATIONARY] * spec.probationary)
        special_at = count - spec.staff - spec.probationary - 1 if spec.special else None
        fields = []
        for i, category in enumerate(categories):
            member = MemberFields(name=self.name(spec.retired), category=category,
                                  email=self.email(), phone=self.phone(),
                                  party_group_id=groups[i % len(groups)].id,
                                  joined_party_on=self.joined(category, spec.retired))
            if i == special_at:
                member.status, member.note = spec.special.status, spec.special.note
                if spec.special.joined_year:
                    member.joined_party_on = date(spec.special.joined_year, 7, 1)
            fields.append(member)
        return fields

    def account_fields(self, account: data.AccountSpec, groups: list) -> MemberFields:
        return MemberFields(name=account.name, category=account.category, login=account.login,
                            email=f"{account.login}@example.org", phone=self.phone(),
                            party_group_id=groups[account.group].id if groups else None,
                            joined_party_on=date(account.joined_year, 7, 1))

    def add_officer(self, account: data.AccountSpec) -> None:
        """工委 staff hold no branch seat here; created as ``flask create-user`` does."""
        person = accounts.create_officer(None, name=account.name, login=account.login,
                                         password=self.password, phone=self.phone(),
                                         email=f"{account.login}@example.org", check=False)
        self.grant(account, person)

    def grant(self, account: data.AccountSpec, person: Person) -> None:
        accounts.set_password(None, person, self.password, check=False)
        for scope in account.scopes if account.role else ():
            roster.assign_role(None, person, self.units[scope], account.role)

    def seat_committee(self, spec: data.BranchSpec, branch: Organization,
                       everyone: list[Person], seated: dict) -> None:
        """支委 where there are ≥7 full members; otherwise just a 书记 with the secretary role.

        Demo accounts keep the seats their spec gives them; other seats go to active full
        members who have no login (so ``member`` stays an ordinary member).
        """
        candidates = [p for p in everyone if p.category == PersonCategory.FULL
                      and p.status == PersonStatus.ACTIVE and p.login is None]
        full = sum(p.category == PersonCategory.FULL for p in everyone)
        if full < data.COMMITTEE_MIN_FULL:
            roster.assign_role(None, candidates[0], branch, Role.SECRETARY)
            return
        since = date(self.today.year - 1, 3, 1)
        titles = [t for t in data.COMMITTEE_TITLES if t not in seated
                  and (t != CommitteeTitle.DEPUTY_SECRETARY or spec.size >= data.DEPUTY_FROM_SIZE)]
        seats = seated | dict(zip(titles, candidates, strict=False))
        for title, person in seats.items():
            roster.set_committee_seat(None, branch, person, title, since=since)
        roster.assign_role(None, seats[CommitteeTitle.SECRETARY], branch, Role.SECRETARY)

    def name(self, retired: bool) -> str:
        given = names.OLDER_GIVEN_NAMES if retired else names.GIVEN_NAMES
        while True:
            name = self.rng.choice(names.SURNAMES) + self.rng.choice(given)
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def phone(self) -> str:
        while True:
            phone = f"139{self.rng.randrange(10**8):08d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def email(self) -> str:
        self.serial += 1
        return f"demo{self.serial:03d}@example.org"

    def joined(self, category: PersonCategory, retired: bool) -> date | None:
        if category == PersonCategory.STAFF:
            return None
        if category == PersonCategory.PROBATIONARY:
            return self.today - timedelta(days=self.rng.randrange(40, 330))
        first, last = (1965, 1990) if retired else (1990, 2022)
        return date(self.rng.randrange(first, last + 1), self.rng.randrange(1, 13), 1)


def report(root: Organization, *, created: bool, password: str) -> DemoReport:
    """Counts of the demo subtree and the account table."""
    kinds = [o.kind for o in orgs.subtree(root)]
    summary = overview.summarize(root)
    branch_ids = [o.id for o in orgs.branches_under(root)]
    committees = db.session.scalar(sa.select(sa.func.count(sa.distinct(CommitteeSeat.branch_id)))
                                   .where(CommitteeSeat.branch_id.in_(branch_ids)))
    return DemoReport(
        created=created, root_name=root.name,
        party_committees=kinds.count(OrgKind.PARTY_COMMITTEE),
        general_branches=kinds.count(OrgKind.GENERAL_BRANCH),
        branches=kinds.count(OrgKind.BRANCH), groups=kinds.count(OrgKind.PARTY_GROUP),
        members=summary.members, by_category=summary.by_category, by_status=summary.by_status,
        committees=committees or 0, accounts=demo_accounts(),
        password_works=_password_works(password))


def demo_accounts() -> list[DemoAccount]:
    """The account table as data says it (login, name, role, unit)."""
    committee_of = {b.name: b.party_committee for b in data.BRANCHES}
    return [DemoAccount(a.login, a.name, a.role.value if a.role else "member", a.label,
                        "、".join(" ".join(filter(None, (committee_of.get(s), s))) for s in a.scopes))
            for a in data.ACCOUNTS]


def _password_works(password: str) -> bool:
    """Whether the demo accounts still have ``password`` (checked on ``admin``)."""
    hashed = db.session.scalar(sa.select(Person.password_hash).where(Person.login == "admin"))
    return bool(hashed) and check_password_hash(hashed, password)
