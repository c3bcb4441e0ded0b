"""The province of DESIGN §7 for ``flask seed-scale``: its organization tree and people, built in
memory from a seed (their year of meetings is ``scale_meetings``; the writes are ``scale_bulk``).

Everything is fictional. Primary keys are handed out here, in Python, so children can name
their parents without a round trip per row.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from meetings.domain.scheduling import BEIJING
from meetings.domain.terms import CommitteeTitle, OrgKind, PersonCategory, PersonStatus
from meetings.seeding.names import GIVEN_NAMES, SURNAMES

ROOT_NAME = "省直机关工委（规模数据）"
# The root's name until the last row is in: an interrupted run is never mistaken for a province.
PENDING_ROOT_NAME = "省直机关工委（规模数据，生成中）"
BRANCHES_PER_UNIT = 25  # 3,000 branches → 120 机关党委
GENERAL_BRANCH_EVERY = 8  # every 8th 机关党委 has a 党总支 …
GENERAL_BRANCH_SIZE = 5  # … holding about five of its branches
COMMITTEE_MIN_FULL = 7  # 党章: seven full members elect a 支部委员会
SEAT_TITLES = (CommitteeTitle.SECRETARY, CommitteeTitle.ORGANIZER, CommitteeTitle.PROPAGANDA,
               CommitteeTitle.DISCIPLINE, CommitteeTitle.DEPUTY_SECRETARY)

DEPARTMENTS = (
    "省发展改革委", "省教育厅", "省科技厅", "省工业和信息化厅", "省民族宗教委", "省公安厅", "省民政厅",
    "省司法厅", "省财政厅", "省人力资源社会保障厅", "省自然资源厅", "省生态环境厅", "省住房城乡建设厅",
    "省交通运输厅", "省水利厅", "省农业农村厅", "省商务厅", "省文化和旅游厅", "省卫生健康委",
    "省退役军人事务厅", "省应急管理厅", "省审计厅", "省国资委", "省市场监管局", "省广电局", "省体育局",
    "省统计局", "省医保局", "省地方金融管理局", "省机关事务管理局", "省信访局", "省粮食和物资储备局",
    "省能源局", "省林业局", "省药监局", "省知识产权局", "省乡村振兴局", "省数据局", "省供销社", "省总工会",
    "团省委", "省妇联", "省科协", "省社科联", "省文联", "省作协", "省侨联", "省残联", "省红十字会",
    "省高级人民法院", "省人民检察院", "省社科院", "省农科院", "省档案馆", "省地方志办", "省委老干部局",
    "省委机要局", "省气象局", "省地震局", "省通信管理局", "省邮政管理局", "省监狱管理局", "省戒毒管理局",
    "省人防办", "省政务服务中心", "省公共资源交易中心", "省疾控中心", "省人民医院", "省中医院", "省图书馆",
    "省博物馆", "省美术馆", "省文化馆", "省艺术研究院", "省广播电视台", "省日报社", "省地质局", "省测绘院",
    "省水文局", "省委办公厅", "省政府办公厅", "省委组织部", "省委宣传部", "省委统战部", "省委政法委",
    "省委政策研究室", "省委网信办", "省委编办", "省委党校", "省人大常委会机关", "省政协机关",
    "省纪委监委机关", "省委外办", "省委台办", "省政府研究室", "省参事室", "省经济信息中心",
    "省建筑设计研究院", "省交通规划设计院", "省水利水电勘测设计院", "省环境科学研究院", "省计量测试研究院",
    "省质量检验研究院", "省标准化研究院", "省农业技术推广总站", "省畜牧总站", "省林业科学研究院",
    "省公路事业发展中心", "省港航事业发展中心", "省职业技能鉴定中心", "省人才交流服务中心",
    "省社会保险事业管理局", "省住房公积金管理中心", "省不动产登记中心", "省国土空间规划研究院",
    "省生态环境监测中心", "省文物考古研究院", "省群众艺术馆", "省少年儿童图书馆", "省体育运动学校",
    "省卫生健康信息中心", "省血液中心",
)

OFFICES = (
    "办公室", "人事处", "规划处", "综合处", "政策法规处", "财务处", "机关党委办公室", "信息中心", "研究室",
    "督查室", "离退休干部处", "机关服务中心", "科技处", "宣传处", "监督检查处", "审批处", "统计处",
    "安全生产处", "对外合作处", "基建处",
)
GENERAL_BRANCH_NAMES = ("直属单位党总支", "离退休干部党总支", "机关服务中心党总支")
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class ScaleOptions:
    """What to build: ``branches`` sets the size, the rest fixes every random choice and the clock."""

    branches: int
    year: int
    as_of: date
    seed: int = 1
    late_days: int = 7  # minutes finalized later than this are 补录 (MINUTES_LATE_DAYS)

    @property
    def cutoff(self) -> datetime:
        """Midnight Beijing at the start of ``as_of``: meetings before it are in the past."""
        return datetime.combine(self.as_of, time(), BEIJING).astimezone(UTC)

    @property
    def founded(self) -> datetime:
        """When the tree and rosters were entered: before the year's first meeting is planned."""
        return min(datetime(self.year - 1, 11, 1, 1, tzinfo=UTC), self.cutoff - timedelta(days=1))

    def rng(self, *key) -> random.Random:
        """An independent random stream per purpose, so one part changing leaves the rest alone."""
        return random.Random("/".join(str(part) for part in (self.seed, *key)))


class Ids:
    """The next primary key of each table, starting above what the database already holds."""

    def __init__(self, start: dict[str, int]):
        self._next = dict(start)

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def peek(self, table: str) -> int:
        return self._next[table]


@dataclass
class Member:
    """One person as the meeting generator needs them."""

    id: int
    name: str
    group_id: int
    full: bool
    status: str
    seat: str | None = None

    @property
    def optional(self) -> bool:
        """流动 or 年老体弱: invited, never in 应到."""
        return self.status != PersonStatus.ACTIVE


@dataclass
class Branch:
    """A 党支部, its party groups (id, name) and its roster."""

    index: int
    id: int
    name: str
    groups: list[tuple[int, str]]
    members: list[Member] = field(default_factory=list)

    @property
    def seat_holders(self) -> list[Member]:
        return [m for m in self.members if m.seat]

    @property
    def secretary(self) -> Member:
        """The 书记: the seat, or in a branch too small for a committee its first active member."""
        active = [m for m in self.members if not m.optional] or self.members
        return next((m for m in self.members if m.seat == CommitteeTitle.SECRETARY), active[0])

    @property
    def organizer(self) -> Member:
        """组织委员, who records attendance and minutes; the 书记 where there is none."""
        return next((m for m in self.members if m.seat == CommitteeTitle.ORGANIZER), self.secretary)

    def group_members(self, group_id: int) -> list[Member]:
        return [m for m in self.members if m.group_id == group_id]


@dataclass
class Province:
    """Rows ready for the tables, and the branches for the meeting generator."""

    organizations: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    seats: list[dict] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)


def build_province(options: ScaleOptions, ids: Ids) -> Province:
    """Root 工委 → 机关党委 (one per ~25 branches, every 8th with a 党总支) → 党支部 → 党小组."""
    province = Province()
    root = _org(province, ids, options, None, OrgKind.COMMITTEE, PENDING_ROOT_NAME, 0)
    for index, size in enumerate(_unit_sizes(options)):
        _add_unit(province, ids, options, root, index, size)
    return province


def _unit_sizes(options: ScaleOptions) -> list[int]:
    """How many branches each 机关党委 holds: uneven, summing to exactly ``options.branches``."""
    rng = options.rng("units")
    count = max(1, round(options.branches / BRANCHES_PER_UNIT))
    weights = [rng.uniform(0.4, 1.6) for _ in range(count)]
    total, sizes, given = sum(weights), [], 0
    for i in range(count):
        share = round(options.branches * sum(weights[:i + 1]) / total) - given
        sizes.append(share)
        given += share
    return [max(size, 0) for size in sizes]


def _add_unit(province: Province, ids: Ids, options: ScaleOptions, root: dict, index: int,
              size: int) -> None:
    """One 机关党委 and its branches; every 8th keeps a few branches under a 党总支."""
    name = DEPARTMENTS[index % len(DEPARTMENTS)] + ("机关党委" if index < len(DEPARTMENTS) else
                                                     f"直属机关第{index // len(DEPARTMENTS) + 1}党委")
    unit = _org(province, ids, options, root, OrgKind.PARTY_COMMITTEE, name, index)
    under_general = min(GENERAL_BRANCH_SIZE, size // 2) if index % GENERAL_BRANCH_EVERY == 0 else 0
    general = None
    if under_general:
        general_name = GENERAL_BRANCH_NAMES[index // GENERAL_BRANCH_EVERY % len(GENERAL_BRANCH_NAMES)]
        general = _org(province, ids, options, unit, OrgKind.GENERAL_BRANCH, general_name, 0)
    for k in range(size):
        if k < under_general:
            parent, branch_name = general, f"第{k + 1}党支部"
        else:
            number = k - under_general
            parent = unit
            branch_name = (OFFICES[number] if number < len(OFFICES) else f"第{number + 1}") + "党支部"
        _add_branch(province, ids, options, parent, branch_name, k + 1)


def _add_branch(province: Province, ids: Ids, options: ScaleOptions, parent: dict, name: str,
                order: int) -> None:
    row = _org(province, ids, options, parent, OrgKind.BRANCH, name, order)
    rng = options.rng("branch", len(province.branches))
    group_count = rng.choices((2, 3, 4), weights=(15, 70, 15))[0]
    groups = [(_org(province, ids, options, row, OrgKind.PARTY_GROUP, f"第{NUMERALS[g]}党小组", g + 1)["id"],
               f"第{NUMERALS[g]}党小组") for g in range(group_count)]
    branch = Branch(len(province.branches), row["id"], name, groups)
    _add_members(province, ids, options, branch, rng)
    _add_seats(province, ids, options, branch, rng)
    province.branches.append(branch)


def _org(province: Province, ids: Ids, options: ScaleOptions, parent: dict | None, kind: OrgKind,
         name: str, order: int) -> dict:
    """An organization row with its materialized path (as ``services.orgs`` sets it)."""
    org_id = ids.take("organization")
    parent_path = parent["path"] if parent else "/"
    row = {"id": org_id, "parent_id": parent["id"] if parent else None, "kind": kind.value,
           "name": name, "path": f"{parent_path}{org_id}/", "depth": parent_path.count("/") - 1,
           "sort_order": order, "is_active": True,
           "created_at": options.founded, "updated_at": options.founded}
    province.organizations.append(row)
    return row


def _branch_size(rng: random.Random) -> int:
    """~20 people on average; one branch in twelve is small, too small for a committee."""
    if rng.random() < 0.08:
        return rng.randint(5, 9)
    return round(rng.triangular(10, 35, 18))


def _add_members(province: Province, ids: Ids, options: ScaleOptions, branch: Branch,
                 rng: random.Random) -> None:
    """The roster: mostly full members, ~8% probationary, ~3% away and ~3% exempt."""
    names: set[str] = set()
    for k in range(_branch_size(rng)):
        status = rng.choices(("active", "away", "exempt"), weights=(94, 3, 3))[0]
        full = status == "exempt" or rng.random() >= 0.08
        group_id = branch.groups[k % len(branch.groups)][0]
        member = Member(ids.take("person"), _unique_name(rng, names), group_id, full, status)
        branch.members.append(member)
        province.people.append(_person_row(member, branch, options, rng))


def _unique_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        if name not in taken:
            taken.add(name)
            return name


def _person_row(member: Member, branch: Branch, options: ScaleOptions, rng: random.Random) -> dict:
    joined = options.year - (rng.randint(0, 1) if not member.full else rng.randint(2, 40))
    note = {"away": "在外挂职（流动党员）", "exempt": "年老体弱，免于参加组织生活"}.get(member.status)
    return {"id": member.id, "name": member.name,
            "category": (PersonCategory.FULL if member.full else PersonCategory.PROBATIONARY).value,
            "status": member.status, "branch_id": branch.id, "party_group_id": member.group_id,
            "joined_party_on": date(joined, rng.randint(1, 12), rng.randint(1, 28)), "note": note,
            "can_sign_in": True, "created_at": options.founded, "updated_at": options.founded}


def _add_seats(province: Province, ids: Ids, options: ScaleOptions, branch: Branch,
               rng: random.Random) -> None:
    """3–5 支委 seats for a branch with seven full members; none for a smaller one."""
    full = [m for m in branch.members if m.full]
    if len(full) < COMMITTEE_MIN_FULL:
        return
    candidates = [m for m in full if not m.optional]
    count = min(3 if len(full) < 12 else rng.choice((4, 5)), len(candidates))
    if count < 3:
        return
    holders = rng.sample(candidates, count)
    for member, title in zip(holders, SEAT_TITLES, strict=False):
        member.seat = title.value
        province.seats.append({"id": ids.take("committee_seat"), "branch_id": branch.id,
                               "person_id": member.id, "title": title.value,
                               "since": date(options.year - rng.randint(0, 4), 6, 1)})
