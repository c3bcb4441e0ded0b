"""Display names of the domain's enums, translated (Chinese source, English catalog)."""
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from meetings.domain.terms import (
    CommitteeTitle,
    OrgKind,
    PersonCategory,
    PersonStatus,
    Role,
    TransferStatus,
)

PAIRS = [
    (OrgKind.COMMITTEE, _l("机关工委")),
    (OrgKind.PARTY_COMMITTEE, _l("机关党委")),
    (OrgKind.GENERAL_BRANCH, _l("党总支")),
    (OrgKind.BRANCH, _l("党支部")),
    (OrgKind.PARTY_GROUP, _l("党小组")),
    (PersonCategory.FULL, _l("正式党员")),
    (PersonCategory.PROBATIONARY, _l("预备党员")),
    (PersonCategory.STAFF, _l("非党员工作人员")),
    (PersonStatus.ACTIVE, _l("正常")),
    (PersonStatus.AWAY, _l("流动党员")),
    (PersonStatus.EXEMPT, _l("年老体弱免于参加")),
    (PersonStatus.TRANSFERRED_OUT, _l("已转出")),
    (Role.ADMIN, _l("管理员")),
    (Role.LIAISON, _l("党建联络员")),
    (Role.SECRETARY, _l("书记/组织委员")),
    (Role.RECORDER, _l("记录员")),
    (CommitteeTitle.SECRETARY, _l("书记")),
    (CommitteeTitle.DEPUTY_SECRETARY, _l("副书记")),
    (CommitteeTitle.ORGANIZER, _l("组织委员")),
    (CommitteeTitle.PROPAGANDA, _l("宣传委员")),
    (CommitteeTitle.DISCIPLINE, _l("纪检委员")),
    (CommitteeTitle.MEMBER, _l("委员")),
    (TransferStatus.PENDING, _l("待接收")),
    (TransferStatus.ACCEPTED, _l("已接收")),
    (TransferStatus.DECLINED, _l("已退回")),
    (TransferStatus.CANCELLED, _l("已撤回")),
]


# StrEnum members equal their values, so Role.SECRETARY == CommitteeTitle.SECRETARY == "secretary":
# key by (enum class, value) to keep 书记/组织委员 (a role) apart from 书记 (a committee seat).
_BY_TYPE = {(type(member), member.value): text for member, text in PAIRS}


def label(value) -> str:
    """The translated name of an enum member (falls back to its value)."""
    return _BY_TYPE.get((type(value), getattr(value, "value", value)), value)


def choices(enum_cls, members=None) -> list[SelectChoice]:
    """Options of a select field for the enum's members (all, or those given)."""
    return [SelectChoice(m.value, label(m)) for m in (members or list(enum_cls))]


def options(pairs) -> list[SelectChoice]:
    """Options of a select field from (value, label) pairs."""
    return [SelectChoice(value, text) for value, text in pairs]
