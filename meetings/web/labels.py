"""Display names of the domain's enums, translated (Chinese source, English catalog)."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms.fields.choices import SelectChoice

from meetings.domain.compliance import PeriodStatus, Standing
from meetings.domain.supervision import NoticeState, ReplyKind
from meetings.domain.terms import (
    ActionStatus,
    AppliesTo,
    AttachmentKind,
    Attendance,
    CommitteeTitle,
    InviteeScope,
    MeetingStatus,
    MinutesState,
    OrgKind,
    OutboxStatus,
    PeriodKind,
    PersonCategory,
    PersonStatus,
    QuorumRule,
    Role,
    Rsvp,
    TransferStatus,
)
from meetings.domain.visits import Checked, VisitKind

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
    (MeetingStatus.SCHEDULED, _l("已安排")),
    (MeetingStatus.HELD, _l("已召开")),
    (MeetingStatus.CANCELLED, _l("已取消")),
    (OutboxStatus.PENDING, _l("重试中")),
    (OutboxStatus.SENDING, _l("发送中断")),
    (OutboxStatus.SENT, _l("已发送")),
    (OutboxStatus.FAILED, _l("已放弃")),
    (OutboxStatus.SUPERSEDED, _l("已被更新取代")),
    (Rsvp.PENDING, _l("未回复")),
    (Rsvp.ATTENDING, _l("参加")),
    (Rsvp.LEAVE_REQUESTED, _l("请假待批")),
    (Rsvp.LEAVE_APPROVED, _l("已准假")),
    (Rsvp.LEAVE_REJECTED, _l("未准假")),
    (Rsvp.TENTATIVE, _l("待定")),
    (InviteeScope.BRANCH, _l("全支部")),
    (InviteeScope.COMMITTEE, _l("支部委员会")),
    (InviteeScope.PARTY_GROUP, _l("党小组")),
    (QuorumRule.NONE, _l("不适用")),
    (QuorumRule.FULL_MEMBERS_MAJORITY, _l("正式党员过半数")),
    (QuorumRule.COMMITTEE_MAJORITY, _l("支委过半数")),
    (ActionStatus.OPEN, _l("待整改")),
    (ActionStatus.DONE, _l("已完成")),
    (ActionStatus.CANCELLED, _l("已取消")),
    (Attendance.PRESENT, _l("出席")),
    (Attendance.LATE, _l("迟到")),
    (Attendance.ABSENT, _l("缺席")),
    # The same word as the 请假 button; a context keeps "on leave" apart from "request leave".
    (Attendance.LEAVE, lazy_pgettext("attendance mark", "请假")),
    (MinutesState.DRAFT, _l("草稿")),
    (MinutesState.FINAL, _l("已定稿")),
    (AttachmentKind.SIGN_IN_SHEET, _l("签到表")),
    (AttachmentKind.PHOTO, _l("照片")),
    (AttachmentKind.RESOLUTION, _l("决议")),
    (AttachmentKind.OTHER, _l("其他")),
    (PeriodStatus.MET, _l("已完成")),
    (PeriodStatus.LATE, _l("补录完成")),
    (PeriodStatus.SCHEDULED, _l("已安排")),
    (PeriodStatus.DUE, _l("待开展")),
    (PeriodStatus.AT_RISK, _l("临期未安排")),
    (PeriodStatus.MISSED, _l("未完成")),
    (Standing.COUNTS, _l("计入")),
    (Standing.COUNTS_LATE, _l("计入（记录补录）")),
    (Standing.UPCOMING, _l("尚未召开")),
    (Standing.AWAITING_RECORD, _l("待登记出勤")),
    (Standing.AWAITING_MINUTES, _l("待记录定稿")),
    (Standing.NOT_RECORDED, _l("未登记出勤，不计入")),
    (Standing.NO_QUORUM, _l("不足法定人数，不计入")),
    (Standing.NO_MINUTES, _l("会议记录未定稿，不计入")),
    (Standing.CANCELLED, _l("已取消，不计入")),
    (PeriodKind.MONTH, _l("每月")),
    (PeriodKind.QUARTER, _l("每季度")),
    (PeriodKind.YEAR, _l("每年")),
    (PeriodKind.CAMPAIGN, _l("专项")),
    (AppliesTo.BRANCH, _l("各党支部")),
    (AppliesTo.PARTY_GROUP, _l("各党小组")),
    (AppliesTo.BRANCH_WITH_COMMITTEE, _l("设支委会的党支部")),
    (NoticeState.SENT, _l("已发送")),
    (NoticeState.READ, _l("已阅")),
    (NoticeState.ANSWERED, _l("已答复")),
    (NoticeState.RESOLVED, _l("已解决")),
    (ReplyKind.ARRANGED, _l("已安排")),
    (ReplyKind.EXPLAINED, _l("情况说明")),
    (VisitKind.ON_SITE, _l("实地督导")),
    (VisitKind.DESK, _l("查阅检查")),
    (VisitKind.TALK, _l("座谈了解")),
    (Checked.MEETINGS, _l("三会一课等会议开展情况")),
    (Checked.MINUTES, _l("会议记录")),
    (Checked.LEDGERS, _l("党建工作台账")),
    (Checked.ATTENDANCE, _l("签到与考勤")),
    (Checked.ACTIONS, _l("整改落实情况")),
    (Checked.OTHER, _l("其他")),
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


# What each audit action means, for the 变更记录 lists.
ACTIONS = {
    "notice.send": _l("发送催办"),
    "visit.record": _l("记录督导"),
    "visit.finding": _l("记录督导发现的问题"),
    "notice.reply": _l("答复催办"),
    "org.create": _l("新建组织"),
    "org.rename": _l("重命名"),
    "org.move": _l("调整隶属关系"),
    "org.deactivate": _l("撤销组织"),
    "org.reactivate": _l("恢复组织"),
    "person.create": _l("加入名册"),
    "person.create_officer": _l("开通工委干部账号"),
    "person.update": _l("修改信息"),
    "person.status": _l("变更状态"),
    "password.change": _l("本人修改密码"),
    "password.set": _l("设置密码"),
    "role.assign": _l("分配角色"),
    "role.revoke": _l("收回角色"),
    "committee.seat": _l("任命支委"),
    "committee.unseat": _l("免去支委"),
    "transfer.request": _l("发起组织关系转接"),
    "transfer.accepted": _l("接收转入党员"),
    "transfer.declined": _l("退回转接"),
    "transfer.cancel": _l("撤回转接"),
    "roster.import": _l("导入名册"),
    "meeting_type.update": _l("修改会议类型"),
    "requirement.change": _l("修改考核要求"),
    "meeting.schedule": _l("安排会议"),
    "meeting.update": _l("修改会议"),
    "meeting.cancel": _l("取消会议"),
    "campaign.create": _l("发起专项行动"),
    "campaign.update": _l("修改专项行动"),
    "meeting.nudge": _l("提醒未回复人员"),
    "series.create": _l("安排例会"),
    "invitation.answer": _l("回复邀请"),
    "invitation.counter": _l("在日历中提出改期"),
    "person.email_bounced": _l("邮件被退回"),
    "leave.approve": _l("准假"),
    "leave.reject": _l("不准假"),
    "action.add": _l("新增整改事项"),
    "action.update": _l("修改整改事项"),
    "action.close": _l("整改事项办结"),
    "action.cancel": _l("取消整改事项"),
    "action.reopen": _l("重新打开整改事项"),
    "attendance.record": _l("登记出勤"),
    "attendance.check_in": _l("扫码签到"),
    "minutes.save": _l("保存会议记录"),
    "minutes.finalize": _l("会议记录定稿"),
    "minutes.amend": _l("更正会议记录"),
    "attachment.add": _l("上传附件"),
    "attachment.remove": _l("删除附件"),
    "api_token.issue": _l("创建访问令牌"),
    "api_token.revoke": _l("撤销访问令牌"),
    "auth.sign_in": _l("登录"),
    "auth.sign_in_failed": _l("登录失败"),
    "auth.sign_out_everywhere": _l("退出所有设备"),
    "auth.sign_out": _l("退出登录"),
    "auth.sign_out_device": _l("退出某台设备"),
}


def action_label(action: str) -> str:
    """The translated description of an audit action."""
    return ACTIONS.get(action, action)

FIELDS = {
    "name": _l("姓名/名称"), "category": _l("类别"), "status": _l("状态"), "phone": _l("手机"),
    "email": _l("邮箱"), "party_group_id": _l("党小组"), "login": _l("用户名"),
    "joined_party_on": _l("入党日期"), "note": _l("备注"),
    "starts_at": _l("开始时间"), "ends_at": _l("结束时间"), "place": _l("地点"), "agenda": _l("议程"),
    "online_url": _l("线上会议链接"), "types": _l("会议类型"), "host": _l("主持人"),
    "recorder": _l("记录人"), "invitees": _l("参会人员"), "leave_reason": _l("请假事由"),
    "text": _l("整改内容"), "due_on": _l("整改时限"), "campaign_id": _l("所属专项行动"),
}
# Fields whose old and new values are plain names, safe and useful to show in full.
SHOWN_IN_FULL = ("name", "parent", "person", "from", "to", "title", "role", "status", "rsvp",
                 "cancel_reason", "filename")
# Enums a shown value may belong to, tried in order ("status" is a person's, a meeting's or
# an action item's).
VALUE_ENUMS = {"role": (Role,), "title": (CommitteeTitle,),
               "status": (PersonStatus, MeetingStatus, ActionStatus), "rsvp": (Rsvp,)}


def _shown(key: str, value) -> str:
    for enum_cls in VALUE_ENUMS.get(key, ()):
        if value in {m.value for m in enum_cls}:
            return str(label(enum_cls(value)))
    return "—" if value is None else str(value)


def change_summary(before: dict | None, after: dict | None) -> str:
    """One line for a history list: "旧 → 新" for names, else which fields changed."""
    before, after = before or {}, after or {}
    parts = []
    for key in SHOWN_IN_FULL:
        if key in after and key in before:
            parts.append(f"{_shown(key, before[key])} → {_shown(key, after[key])}")
        elif key in after or key in before:
            parts.append(_shown(key, after.get(key, before.get(key))))
    changed = [str(FIELDS[k]) for k in after
               if k in FIELDS and k not in SHOWN_IN_FULL and k in before and before[k] != after[k]]
    if changed:
        parts.append("、".join(changed))
    if after.get("source") == "calendar":
        parts.append(str(_l("在日历中回复")))
    return "；".join(parts)
