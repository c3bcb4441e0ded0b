"""督导记录 forms: the visit, one finding, and a finding turned into a 整改事项."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired

from meetings.domain.visits import Checked, VisitKind
from meetings.web.actions.forms import ActionItemForm
from meetings.web.forms import Form, OwnParseMessage, optional_int
from meetings.web.labels import choices
from meetings.web.meetings.forms import CheckboxList
from meetings.web.util import MAX_ID

DATE_MESSAGE = _l("请输入有效的日期，例如 2026-07-01。")


class VisitDateField(OwnParseMessage, DateField):
    parse_message = DATE_MESSAGE


def _branch_id(value) -> int | None:
    """An id the database can hold, or None (which the service refuses with its message)."""
    number = optional_int(value)
    return number if number is None or 0 < number <= MAX_ID else None


class BranchField(OwnParseMessage, SelectField):
    """Any id is read; whether it lies in the visited unit is the service's call."""

    parse_message = _l("请选择被督导单位内的党支部。")


class VisitForm(Form):
    kind = RadioField(_l("督导方式"), choices=choices(VisitKind), default=VisitKind.ON_SITE.value,
                      render_kw={"class": "checks"}, validators=[InputRequired(_l("请选择督导方式。"))])
    visited_on = VisitDateField(_l("督导日期"), validators=[InputRequired(DATE_MESSAGE)])
    checked = CheckboxList(_l("督导内容"), choices=choices(Checked), validate_choice=False,
                           render_kw={"class": "checks"})
    summary = TextAreaField(_l("督导情况"))


class FindingForm(Form):
    branch_id = BranchField(_l("涉及党支部"), coerce=_branch_id, validate_choice=False)
    text = TextAreaField(_l("发现的问题"))


class FindingActionForm(ActionItemForm):
    """The same fields as a meeting's 整改事项: the text starts as the finding's."""
