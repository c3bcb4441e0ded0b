"""The requirements every deployment starts with (DESIGN §5), as plain data.

The migration that installs them and the tests read this one list; admins edit the rows
afterwards, each change a new version with its own effective date.
"""
from dataclasses import dataclass
from datetime import date

from meetings.domain.terms import AppliesTo, PeriodKind

REGULATIONS_IN_FORCE = date(2018, 1, 1)  # 支部工作条例(试行) 2018


@dataclass(frozen=True)
class RequirementDefaults:
    type_code: str
    applies_to: AppliesTo
    period: PeriodKind
    source: str
    needs_quorum: bool = False
    is_local_rule: bool = False
    min_count: int = 1


DEFAULT_REQUIREMENTS: tuple[RequirementDefaults, ...] = (
    RequirementDefaults("branch_assembly", AppliesTo.BRANCH, PeriodKind.QUARTER,
                        "中国共产党支部工作条例(试行) 第十一条", needs_quorum=True),
    RequirementDefaults("branch_committee", AppliesTo.BRANCH_WITH_COMMITTEE, PeriodKind.MONTH,
                        "中国共产党支部工作条例(试行) 第十二条、第十四条", needs_quorum=True),
    RequirementDefaults("group_meeting", AppliesTo.PARTY_GROUP, PeriodKind.MONTH,
                        "中国共产党支部工作条例(试行) 第十三条"),
    RequirementDefaults("party_lecture", AppliesTo.BRANCH, PeriodKind.QUARTER,
                        "中国共产党党和国家机关基层组织工作条例 第十八条", is_local_rule=True),
    RequirementDefaults("theme_day", AppliesTo.BRANCH, PeriodKind.MONTH,
                        "中国共产党党员教育管理工作条例 第十六条"),
    RequirementDefaults("org_life_meeting", AppliesTo.BRANCH, PeriodKind.YEAR,
                        "中国共产党党员教育管理工作条例 第十七条"),
    RequirementDefaults("member_appraisal", AppliesTo.BRANCH, PeriodKind.YEAR,
                        "中国共产党党员教育管理工作条例 第十八条"),
)
