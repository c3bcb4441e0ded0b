"""The campaign form: ids, dates and a number as typed; the service judges the values."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from meetings.services.campaigns import CampaignFields
from meetings.web.forms import Form, OwnParseMessage, optional_int

DATE_MESSAGE = _l("请输入有效的日期，例如 2026-07-01。")


class DayField(OwnParseMessage, DateField):
    parse_message = DATE_MESSAGE


class DaysField(OwnParseMessage, IntegerField):
    parse_message = _l("请输入 1 到 90 之间的天数。")


class ChoiceField(OwnParseMessage, SelectField):
    """Any id is read; whether it may be chosen is the service's call, so a forged option gets
    the same clear message as a shown one."""

    parse_message = _l("请从列表中选择。")


class CampaignForm(Form):
    title = StringField(_l("名称"), validators=[DataRequired(_l("请填写专项行动名称。"))])
    instructions = TextAreaField(_l("工作要求（支持 Markdown）"))
    meeting_type_id = ChoiceField(_l("会议类型"), coerce=optional_int, validate_choice=False,
                                  validators=[DataRequired(_l("所选会议类型不存在或已停用。"))])
    scope_id = ChoiceField(_l("范围"), coerce=optional_int, validate_choice=False,
                           validators=[DataRequired(_l("请选择您管理范围内的组织。"))])
    window_start = DayField(_l("开始日期"), validators=[InputRequired(DATE_MESSAGE)])
    deadline = DayField(_l("截止日期（会议最晚在这一天召开）"), validators=[InputRequired(DATE_MESSAGE)])
    report_days = DaysField(_l("会后几天内定稿报送"), default=15,
                            validators=[InputRequired(_l("请输入 1 到 90 之间的天数。"))])

    def fields(self) -> CampaignFields:
        return CampaignFields(title=self.title.data or "", instructions=self.instructions.data or "",
                              meeting_type_id=self.meeting_type_id.data, scope_id=self.scope_id.data,
                              window_start=self.window_start.data, deadline=self.deadline.data,
                              report_days=self.report_days.data)
