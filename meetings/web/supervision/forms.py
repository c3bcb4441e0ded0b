"""The 催办 forms: a notice (text, due date, again) and the branch's reply."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, RadioField, TextAreaField
from wtforms.validators import InputRequired

from meetings.domain.supervision import ReplyKind
from meetings.web.campaigns.forms import ChoiceField
from meetings.web.forms import Form, OwnParseMessage, optional_int
from meetings.web.labels import options

DATE_MESSAGE = _l("请输入有效的日期，例如 2026-07-01。")


def _count(value) -> int | None:
    """A hidden number as sent back, or None for anything that is not one."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 12 else None


class DueField(OwnParseMessage, DateField):
    parse_message = DATE_MESSAGE


class NoticeForm(Form):
    text = TextAreaField(_l("催办内容"), validators=[InputRequired(_l("请填写催办内容。"))])
    due_on = DueField(_l("办理期限"), validators=[InputRequired(DATE_MESSAGE)])
    again = BooleanField(_l("再次催办已催办过的事项"))
    # The last notice item of these branches when the preview was shown: a second press of
    # 发送 (or a colleague's send meanwhile) is noticed, not sent as another round.
    seen = HiddenField(filters=[lambda value: _count(value)])


class ReplyForm(Form):
    kind = RadioField(_l("答复"), choices=options([(ReplyKind.ARRANGED.value, _l("已安排（关联会议）")),
                                                  (ReplyKind.EXPLAINED.value, _l("情况说明"))]),
                      render_kw={"class": "checks"},
                      validators=[InputRequired(_l("请选择答复方式。"))])
    meeting_id = ChoiceField(_l("关联的会议"), coerce=optional_int, validate_choice=False)
    text = TextAreaField(_l("说明"))
