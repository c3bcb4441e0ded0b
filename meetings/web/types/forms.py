"""The administrator's form for one meeting type (会议类型)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from meetings.domain.terms import InviteeScope, QuorumRule
from meetings.web.forms import Form
from meetings.web.labels import choices

MIN_DURATION, MAX_DURATION = 15, 720
MAX_TEMPLATE = 20_000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MinutesField(IntegerField):
    """A whole number of minutes; an empty box is "missing", anything else unreadable is said so."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("请用整数填写分钟数，例如 90。")) from None


def duration_check(form, field):
    if field.process_errors:
        raise StopValidation()  # the field already says why it could not read the number
    if field.data is None:
        raise StopValidation(_l("请填写默认时长（分钟）。"))
    if not MIN_DURATION <= field.data <= MAX_DURATION:
        raise ValidationError(_l("默认时长应在 %(low)d 到 %(high)d 分钟之间。",
                                 low=MIN_DURATION, high=MAX_DURATION))


class MeetingTypeForm(Form):
    """Everything but the code, which requirements and campaigns refer to."""

    name = StringField(_l("名称"), filters=[_strip], validators=[
        DataRequired(_l("请填写会议类型名称。")), Length(max=60, message=_l("名称不能超过 60 个字。"))])
    name_en = StringField(_l("英文名称"), filters=[_strip], validators=[
        Length(max=80, message=_l("英文名称不能超过 80 个字符。"))])
    default_invitees = SelectField(_l("默认参会范围"), choices=choices(InviteeScope))
    quorum_rule = SelectField(_l("法定人数规则"), choices=choices(QuorumRule))
    default_duration_minutes = MinutesField(_l("默认时长（分钟）"), validators=[duration_check])
    minutes_template = TextAreaField(_l("会议记录模板"), render_kw={"rows": 12}, validators=[
        Length(max=MAX_TEMPLATE, message=_l("模板不能超过 20000 个字符。"))])
    is_active = BooleanField(_l("启用（可用于安排新会议）"))

    def __init__(self, *args, taken_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.taken_names = {n.casefold() for n in taken_names}

    def validate_name(self, field):
        if field.data and field.data.casefold() in self.taken_names:
            raise ValidationError(_l("已有同名的会议类型，请换一个名称。"))
