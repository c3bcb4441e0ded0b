"""Forms for scheduling (one meeting or a series), changing, cancelling and answering."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from meetings.domain import scheduling
from meetings.domain.people import clean_name
from meetings.domain.recurrence import MAX_OCCURRENCES
from meetings.web.forms import Form, OwnParseMessage, optional_int
from meetings.web.labels import options

AGENDA_LENGTH = 20_000
REASON_LENGTH = 500
GUESTS_LENGTH = 5_000
REMINDERS = options([("", _l("不提醒")), ("60", _l("提前 1 小时")), ("1440", _l("提前 1 天")),
                     ("2880", _l("提前 2 天")), ("10080", _l("提前 1 周"))])
DATE_MESSAGE = _l("请输入有效的日期，例如 2026-07-01。")
TIME_MESSAGE = _l("请输入有效的时间，例如 14:30。")


def web_address(form, field):
    field.data = (field.data or "").strip()
    if field.data and not scheduling.is_web_address(field.data):
        raise ValidationError(_l("线上会议链接应以 https:// 或 http:// 开头。"))


class LocalDateField(OwnParseMessage, DateField):
    parse_message = DATE_MESSAGE


class LocalTimeField(OwnParseMessage, TimeField):
    parse_message = TIME_MESSAGE


class CampaignField(OwnParseMessage, SelectField):
    """所属专项行动: any id is read; the service refuses a campaign that does not cover the branch."""

    parse_message = _l("请从列表中选择专项行动。")


class CheckboxList(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(Form):
    """One meeting: types, theme, agenda, time, place, people, reminder."""

    type_ids = CheckboxList(_l("会议类型"), coerce=int,
                            validators=[DataRequired(_l("请选择会议类型。"))])
    campaign_id = CampaignField(_l("所属专项行动"), coerce=optional_int, choices=[], validate_choice=False)
    title = StringField(_l("会议主题"), filters=[clean_name], validators=[
        DataRequired(_l("请填写会议主题。")), Length(max=200, message=_l("会议主题不能超过 200 个字。"))])
    agenda = TextAreaField(_l("议程（支持 Markdown）"), validators=[
        Length(max=AGENDA_LENGTH, message=_l("议程不能超过 %(max)d 个字。"))])
    date = LocalDateField(_l("日期"), validators=[InputRequired(DATE_MESSAGE)])
    start_time = LocalTimeField(_l("开始时间"), validators=[InputRequired(TIME_MESSAGE)])
    end_time = LocalTimeField(_l("结束时间"), validators=[InputRequired(TIME_MESSAGE)])
    place = StringField(_l("地点"), validators=[Length(max=200, message=_l("地点不能超过 200 个字。"))])
    online_url = StringField(_l("线上会议链接"), validators=[
        Length(max=500, message=_l("链接不能超过 500 个字符。")), web_address])
    # Checked by the service (who was in the branch on the day), which says why in Chinese.
    invitees = CheckboxList(_l("参会人员"), coerce=int, validate_choice=False)
    host_id = SelectField(_l("主持人"), coerce=optional_int)
    recorder_id = SelectField(_l("记录人"), coerce=optional_int)
    guests = TextAreaField(_l("列席人员"), validators=[
        Length(max=GUESTS_LENGTH, message=_l("列席人员名单太长。"))])
    late_record = BooleanField(_l("补录：这次会议已经召开，现在补记"))
    previous_year = BooleanField(_l("计入上一年度（一至三月召开的组织生活会、民主评议党员）"))
    reminder = SelectField(_l("会前提醒"), choices=REMINDERS, default="1440")
    version = HiddenField()


class SeriesFields:
    """The extra fields of a new meeting that may repeat (例会)."""

    repeat = SelectField(_l("重复"), default="")
    count = IntegerField(_l("共几次"), validators=[
        Optional(), NumberRange(1, MAX_OCCURRENCES, _l("次数应在 1 到 %(max)s 次之间。"))])
    until = LocalDateField(_l("或截止到"), validators=[Optional()])
    # Choices come from the preview; only dates the rule gives are ever read back.
    include_dates = CheckboxList(_l("会议日期（取消勾选即跳过该日期）"), choices=[], validate_choice=False)
    previewed = HiddenField()


class NewMeetingForm(MeetingForm, SeriesFields):
    """Scheduling: one meeting, or a series previewed before it is saved."""


class EditMeetingForm(MeetingForm):
    """Changing a meeting; for a series occurrence, this one or this and the following."""

    scope = SelectField(_l("修改范围"),
                        choices=options([("one", _l("仅本次")), ("following", _l("本次及以后各次"))]),
                        default="one")


class CancelForm(Form):
    version = HiddenField()  # the meeting as the canceller saw it (see scheduling.cancel_meeting)
    reason = TextAreaField(_l("取消原因"), validators=[
        DataRequired(_l("请填写取消原因。")),
        Length(max=REASON_LENGTH, message=_l("取消原因不能超过 500 个字。"))])


class LeaveForm(Form):
    reason = TextAreaField(_l("请假事由"), validators=[
        DataRequired(_l("请填写请假事由。")),
        Length(max=REASON_LENGTH, message=_l("请假事由不能超过 500 个字。"))])
