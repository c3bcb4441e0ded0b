"""The form that creates a personal access token."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from meetings.services.api_tokens import MAX_DAYS, MAX_NAME
from meetings.web.forms import Form, OwnParseMessage

DAYS_MESSAGE = _l("请输入 1 到 %(n)s 之间的天数，或留空表示长期有效。", n=MAX_DAYS)


class DaysField(OwnParseMessage, IntegerField):
    parse_message = DAYS_MESSAGE


class TokenForm(Form):
    name = StringField(_l("令牌名称"), validators=[
        DataRequired(_l("请填写令牌名称，例如用在哪个脚本。")),
        Length(max=MAX_NAME, message=_l("令牌名称不能超过 %(n)s 个字符。", n=MAX_NAME))])
    read_only = BooleanField(_l("只读（只能查询，不能修改任何数据）"), default=True)
    days = DaysField(_l("有效期（天）"), default=90,
                     validators=[Optional(), NumberRange(min=1, max=MAX_DAYS, message=DAYS_MESSAGE)])
    password = PasswordField(_l("登录密码"), validators=[DataRequired(_l("请输入您的登录密码以确认。"))],
                             render_kw={"autocomplete": "current-password"})
