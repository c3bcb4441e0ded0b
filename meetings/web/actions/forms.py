"""Forms for raising or changing an action item, closing it with evidence, cancelling it."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from meetings.domain.actions import EVIDENCE_LENGTH, REASON_LENGTH, TEXT_LENGTH
from meetings.web.forms import Form, OwnParseMessage, optional_int

OWNER_MESSAGE = _l("请选择责任人。")
DATE_MESSAGE = _l("请输入有效的日期，例如 2026-07-01。")


class DueDateField(OwnParseMessage, DateField):
    parse_message = DATE_MESSAGE


class OwnerField(OwnParseMessage, SelectField):
    """责任人: any id is read; whether it is a person of the branch is the service's call, so an
    outsider gets the same clear message whether the option was shown or forged."""

    parse_message = OWNER_MESSAGE


class ActionItemForm(Form):
    text = TextAreaField(_l("整改事项"), validators=[
        DataRequired(_l("请填写整改事项。")),
        Length(max=TEXT_LENGTH, message=_l("整改事项不能超过 %(max)d 个字。"))])
    owner_id = OwnerField(_l("责任人"), coerce=optional_int, validate_choice=False,
                          validators=[DataRequired(OWNER_MESSAGE)])
    due_on = DueDateField(_l("整改时限"), validators=[InputRequired(DATE_MESSAGE)])


class CloseForm(Form):
    evidence = TextAreaField(_l("整改完成情况及佐证"), validators=[
        DataRequired(_l("请填写整改完成情况和佐证材料说明。")),
        Length(max=EVIDENCE_LENGTH, message=_l("整改情况不能超过 %(max)d 个字。"))])


class CancelForm(Form):
    reason = TextAreaField(_l("取消原因"), validators=[
        DataRequired(_l("请填写取消原因。")),
        Length(max=REASON_LENGTH, message=_l("取消原因不能超过 %(max)d 个字。"))])
