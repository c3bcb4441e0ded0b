"""The demo organization as data: units, branch sizes, the demo accounts and name stock.

Everything here is fictional; phone numbers are made up and e-mail goes to example.org.
"""
from dataclasses import dataclass

from meetings.domain.terms import CommitteeTitle, PersonCategory, PersonStatus, Role

ROOT_NAME = "省直机关工委"
DEFAULT_PASSWORD = "orglife-demo"
SEED = 2026

PARTY_COMMITTEES = ("省发展改革委机关党委", "省财政厅机关党委", "省教育厅机关党委")

GROUPS_2 = ("第一党小组", "第二党小组")
GROUPS_3 = ("第一党小组", "第二党小组", "第三党小组")

# Who is what on a committee (支委); 副书记 only where the branch is large.
COMMITTEE_TITLES = (
    CommitteeTitle.SECRETARY,
    CommitteeTitle.DEPUTY_SECRETARY,
    CommitteeTitle.ORGANIZER,
    CommitteeTitle.PROPAGANDA,
    CommitteeTitle.DISCIPLINE,
)
DEPUTY_FROM_SIZE = 20
# 党章: a branch with seven or more full members elects a committee (支部委员会).
COMMITTEE_MIN_FULL = 7


@dataclass(frozen=True)
class Special:
    """One member whose standing differs from the usual: 流动党员 or 年老体弱."""

    status: PersonStatus
    note: str
    joined_year: int | None = None


@dataclass(frozen=True)
class BranchSpec:
    """A 党支部: where it hangs, how many people, how many of them are not full members."""

    party_committee: str
    name: str
    size: int
    groups: tuple[str, ...]
    probationary: int = 0
    staff: int = 0
    general_branch: str | None = None
    special: Special | None = None
    retired: bool = False


AWAY = Special(PersonStatus.AWAY, "在外挂职（流动党员）")
EXEMPT = Special(PersonStatus.EXEMPT, "年老体弱，免于参加组织生活", joined_year=1962)

BRANCHES = (
    BranchSpec("省发展改革委机关党委", "办公室党支部", 26, GROUPS_3, probationary=2),
    BranchSpec("省发展改革委机关党委", "规划处党支部", 18, GROUPS_2, probationary=1, special=AWAY),
    BranchSpec("省发展改革委机关党委", "价格处党支部", 15, GROUPS_2, probationary=1),
    BranchSpec("省财政厅机关党委", "预算处党支部", 20, GROUPS_3, probationary=1),
    BranchSpec("省财政厅机关党委", "国库处党支部", 16, GROUPS_2, probationary=1),
    BranchSpec("省财政厅机关党委", "离退休干部党支部", 22, ("城东党小组", "城西党小组", "城南党小组"),
               general_branch="离退休干部党总支", special=EXEMPT, retired=True),
    BranchSpec("省教育厅机关党委", "高等教育处党支部", 22, GROUPS_3, probationary=1),
    # Six full members: too few for a committee, so it has a 书记 but no 支委.
    BranchSpec("省教育厅机关党委", "督导室党支部", 8, GROUPS_2, probationary=1, staff=1),
)

DEMO_BRANCH = "办公室党支部"


@dataclass(frozen=True)
class AccountSpec:
    """A demo login: whose it is, the role it shows off and where (branch None: 工委 staff)."""

    login: str
    name: str
    role: Role | None
    scopes: tuple[str, ...]
    label: str
    branch: str | None = None
    seat: CommitteeTitle | None = None
    group: int = 0
    category: PersonCategory = PersonCategory.FULL
    joined_year: int = 2010


ACCOUNTS = (
    AccountSpec("admin", "周明远", Role.ADMIN, (ROOT_NAME,), "管理员（工委）"),
    AccountSpec("liaison", "吴晓燕", Role.LIAISON, PARTY_COMMITTEES[:2], "党建联络员（督导、催办）"),
    AccountSpec("secretary", "陈志强", Role.SECRETARY, (DEMO_BRANCH,), "支部书记",
                branch=DEMO_BRANCH, seat=CommitteeTitle.SECRETARY, joined_year=2003),
    AccountSpec("recorder", "林静", Role.RECORDER, (DEMO_BRANCH,), "记录员（组织委员）",
                branch=DEMO_BRANCH, seat=CommitteeTitle.ORGANIZER, group=1, joined_year=2012),
    AccountSpec("member", "刘洋", None, (DEMO_BRANCH,), "普通党员", branch=DEMO_BRANCH,
                joined_year=2019),
)
