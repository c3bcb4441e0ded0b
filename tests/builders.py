"""Builders for test data: a small but complete organization tree with every role."""
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from meetings.domain.terms import CommitteeTitle, OrgKind, PersonCategory, PersonStatus, Role
from meetings.extensions import db
from meetings.models import Organization, Person
from meetings.models.audit import SQLITE_TRIGGERS
from meetings.services import history, orgs, roster, sign_ins

PASSWORD = "correct-horse-battery"
_HASHES: dict[str, str] = {}


# scrypt at 1/32 of the site's work factor (N=2^10, not 2^15): every sign-in of a test account
# still runs the real check_password_hash, in 4 ms instead of 120 — a third of the suite's time
# went there. Hashes the site itself makes keep the full cost (tests/unit/test_password_cost.py).
FIXTURE_HASH_METHOD = "scrypt:1024:8:1"


def password_hash() -> str:
    """The shared test password's hash, made once per run."""
    if PASSWORD not in _HASHES:
        _HASHES[PASSWORD] = generate_password_hash(PASSWORD, method=FIXTURE_HASH_METHOD)
    return _HASHES[PASSWORD]


def make_org(name: str, kind: OrgKind, parent: Organization | None = None) -> Organization:
    """A unit that existed before the records began (an admin's new unit exists from today)."""
    with history.backdated(None):
        return orgs.create(None, name=name, kind=kind, parent=parent)


def make_person(branch: Organization | None, name: str, *, login: str | None = None,
                category: PersonCategory = PersonCategory.FULL,
                status: PersonStatus = PersonStatus.ACTIVE, group: Organization | None = None,
                email: str | None = None) -> Person:
    person = Person(name=name, login=login, category=category, status=status,
                    branch_id=branch.id if branch else None,
                    party_group_id=group.id if group else None, email=email)
    db.session.add(person)
    if login:
        person.password_hash = password_hash()
    db.session.flush()
    return person


@dataclass
class World:
    """committee → 党委A (branch A1 with two groups, branch A2) and 党委B → 总支 → branch B1."""

    root: Organization = None
    pc_a: Organization = None
    pc_b: Organization = None
    general: Organization = None
    a1: Organization = None
    a2: Organization = None
    b1: Organization = None
    g1: Organization = None
    g2: Organization = None
    people: dict = field(default_factory=dict)

    def __getitem__(self, login: str) -> Person:
        return self.people[login]


def make_world() -> World:
    """Every role of the policy, each on its own account (login = role name), all of it there
    since before the records began."""
    with history.backdated(None):
        return _make_world()


def elect_committee(branch: Organization, *, members: int = 7, seats: int = 3) -> list[Person]:
    """Bring ``branch`` to ``members`` full members with ``seats`` committee seats (支部工作条例
    §9: a 支部委员会 needs seven full members), since before records; returns those added."""
    with history.backdated(None):
        have = list(db.session.scalars(sa.select(Person).where(
            Person.branch_id == branch.id, Person.category == PersonCategory.FULL)))
        added = [make_person(branch, f"委员{i}") for i in range(max(0, members - len(have)))]
        seated = roster.committee(branch)
        titles = [t for t in CommitteeTitle if t not in {s.title for s in seated}]
        free = [p for p in have + added if p.id not in {s.person_id for s in seated}]
        for person, title in zip(free, titles[:max(0, seats - len(seated))], strict=False):
            roster.set_committee_seat(None, branch, person, title)
        db.session.flush()
        return added


def _make_world() -> World:
    w = World()
    w.root = make_org("省直机关工委", OrgKind.COMMITTEE)
    w.pc_a = make_org("省发改委机关党委", OrgKind.PARTY_COMMITTEE, w.root)
    w.pc_b = make_org("省财政厅机关党委", OrgKind.PARTY_COMMITTEE, w.root)
    w.general = make_org("综合党总支", OrgKind.GENERAL_BRANCH, w.pc_b)
    w.a1 = make_org("办公室党支部", OrgKind.BRANCH, w.pc_a)
    w.a2 = make_org("规划处党支部", OrgKind.BRANCH, w.pc_a)
    w.b1 = make_org("预算处党支部", OrgKind.BRANCH, w.general)
    w.g1 = make_org("第一党小组", OrgKind.PARTY_GROUP, w.a1)
    w.g2 = make_org("第二党小组", OrgKind.PARTY_GROUP, w.a1)
    specs = [
        ("admin", "王管理", None, Role.ADMIN, w.root),
        ("liaison", "李联络", None, Role.LIAISON, w.pc_a),
        ("secretary", "张书记", w.a1, Role.SECRETARY, w.a1),
        ("recorder", "赵记录", w.a1, Role.RECORDER, w.a1),
        ("member", "刘党员", w.a1, None, None),
        ("other_secretary", "陈书记", w.a2, Role.SECRETARY, w.a2),
        ("b_member", "周党员", w.b1, None, None),
    ]
    for login, name, branch, role, scope in specs:
        person = make_person(branch, name, login=login, group=w.g1 if branch is w.a1 else None,
                             email=f"{login}@example.org")
        if role:
            roster.assign_role(None, person, scope, role)
        w.people[login] = person
    roster.set_committee_seat(None, w.a1, w["secretary"], CommitteeTitle.SECRETARY)
    db.session.flush()
    return w


ROSTER_HEADER = ["姓名", "类别", "党小组", "手机", "邮箱", "用户名"]


def roster_xlsx(*rows: list, header: list = ROSTER_HEADER) -> bytes:
    """A real .xlsx roster with the Chinese header row and the given rows."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in (header, *rows):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

# Flask-Limiter is one object per process and every init_app rewrites its switch, so
# test apps keep it on and lift the limits instead; tests of the limit lower them again.
RELAXED_LIMITS = {"LOGIN_RATE_LIMIT": "10000 per minute", "LOGIN_IP_RATE_LIMIT": "10000 per minute"}


def empty_tables() -> None:
    """Delete every row (TRUNCATE on PostgreSQL, where minutes ↔ revision references form a cycle).

    The audit trail refuses DELETE (its triggers); TRUNCATE fires no row trigger on PostgreSQL,
    and on SQLite the triggers are dropped and created again inside the one transaction.
    """
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(t.name for t in db.metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        conn.exec_driver_sql("BEGIN")  # pysqlite would run the DROP TRIGGER outside a transaction
        for name in SQLITE_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        for ddl in SQLITE_TRIGGERS.values():
            conn.exec_driver_sql(ddl)


def add_outside_admin(w: World) -> Person:
    """An administrator of 党委B only: in scope for b1, out of scope for everything of 党委A."""
    person = make_person(None, "吴管理", login="outside_admin", email="outside_admin@example.org")
    roster.assign_role(None, person, w.pc_b, Role.ADMIN)
    w.people["outside_admin"] = person
    db.session.flush()
    return person


LIFETIMES = sign_ins.Lifetimes(session=timedelta(hours=12), remembered=timedelta(days=30))


def make_sign_in(person: Person, now: datetime):
    """A remembered sign-in of ``person`` on another device (a phone), as 登录设备 lists it."""
    sign_in, _ = sign_ins.start(person, remember=True, now=now, lifetimes=LIFETIMES,
                                address="192.0.2.7", agent="手机浏览器")
    return sign_in
