"""收到的回复邮件: what came to the reply address and what became of it (administrators)."""
from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from meetings.policy import Action
from meetings.services import inbound_mail, reply_address
from meetings.web.mail import bp
from meetings.web.util import authorize

# Why a message changed nothing, or what it did, in the words an administrator reads.
OUTCOMES = {
    "accepted": _l("已记为参加"), "declined": _l("已记为请假（待审批）"), "tentative": _l("已记为待定"),
    "counter": _l("改期建议，已显示在会议页"), "undeliverable": _l("退信：已标记该邮箱"),
    "no_signed_address": _l("不是发给本系统回复地址的答复（可能伪造）"),
    "not_the_invitee": _l("答复人不是该邀请的收件人"), "unknown_uid": _l("不是本次会议的日历事件"),
    "cancelled": _l("会议已取消"), "stale_sequence": _l("答复的是会议变更前的旧通知"),
    "closed": _l("会议已结束，不再接受回复"), "unknown_occurrence": _l("例会中没有答复所指的那一次"),
    "unchanged": _l("与已有回复相同"),
    "no_proposal": _l("改期建议中没有时间"), "no_answer": _l("日历附件中没有答复"),
    "unknown_message": _l("退信所指的邮件不是本系统发出的"),
    "not_our_recipient": _l("退信的收件人与原邮件不符"),
    "auto_reply": _l("自动回复，已忽略"), "other": _l("不是日历答复，已忽略"),
    "too_large": _l("邮件过大，已忽略"), "unreadable": _l("无法解析的邮件，已忽略"),
    "not_a_failure": _l("投递延迟或成功的通知，不是退信"),
    "sender_not_invitee": _l("发件人不是该邀请的收件人"),
}


@bp.route("/mail/received")
@login_required
def received():
    """The newest 100 messages received, with what each changed."""
    authorize(current_user, Action.MANAGE_MAIL, None)
    return render_template("mail/received.html", rows=inbound_mail.latest(), outcomes=OUTCOMES,
                           configured=reply_address.configured() is not None)
