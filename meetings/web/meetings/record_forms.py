"""Reading the attendance sheet (one row per invitee, named by invitation id) and the minutes
editor. The sheet's rows are dynamic, so it is parsed here rather than declared in WTForms.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length

from meetings.domain import minutes as minutes_rules
from meetings.domain.terms import Attendance
from meetings.services.attendance import REASON_LENGTH, Mark
from meetings.web.forms import normalize_text_fields

CHOICES = ("", *(a.value for a in Attendance))


def read_sheet(form, invitation_ids: list[int]) -> tuple[list[Mark], list[str]]:
    """(marks, problems) from the posted sheet; a row missing from the post is left alone."""
    marks, problems = [], []
    for invitation_id in invitation_ids:
        key = f"mark-{invitation_id}"
        if key not in form:
            continue
        values = form.getlist(key)
        shown, wanted = form.get(f"shown-{invitation_id}", ""), values[-1] if values else ""
        if len(values) != 1 or wanted not in CHOICES or shown not in CHOICES:
            problems.append(str(_l("出勤状态无效，请从列表中选择。")))
            continue
        reason = form.get(f"reason-{invitation_id}", "")
        if len(reason) > REASON_LENGTH:
            problems.append(str(_l("缺席原因不能超过 %(limit)s 个字。", limit=REASON_LENGTH)))
            continue
        marks.append(Mark(invitation_id, Attendance(shown) if shown else None,
                          Attendance(wanted) if wanted else None, reason))
    return marks, problems


class CheckInForm(FlaskForm):
    """签到: the code shown at the meeting (filled in from the QR link)."""

    code = StringField(_l("签到码"), validators=[Length(max=20)])


class MinutesForm(FlaskForm):
    """The minutes editor; ``base`` is the revision the text started from (0: none yet)."""

    body = TextAreaField(_l("会议记录"), validators=[Length(max=minutes_rules.MAX_LENGTH, message=_l(
        "会议记录不能超过 %(max)d 个字符。"))])
    base = HiddenField()
    reason = StringField(_l("更正原因"), validators=[
        Length(max=500, message=_l("更正原因不能超过 500 个字。"))])

    def validate(self, extra_validators=None) -> bool:
        normalize_text_fields(self)
        return super().validate(extra_validators)

    def base_number(self) -> int:
        value = self.base.data or "0"
        return int(value) if value.isdigit() and len(value) < 9 else -1
