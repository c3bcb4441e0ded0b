"""Forms for signing in and changing one's password."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from meetings.domain.passwords import MAX_LENGTH, MIN_LENGTH
from meetings.web.forms import Form


class LoginForm(Form):
    login = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名。"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。"))])
    remember = BooleanField(_l("在这台设备上记住我"))


class ChangePasswordForm(Form):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))])
    new = PasswordField(
        _l("新密码"),
        validators=[
            DataRequired(_l("请输入新密码。")),
            Length(min=MIN_LENGTH, max=MAX_LENGTH, message=_l("新密码长度应为 12 到 128 个字符。")),
        ],
    )
    confirm = PasswordField(
        _l("再次输入新密码"),
        validators=[
            DataRequired(_l("请再次输入新密码。")),
            EqualTo("new", message=_l("两次输入的新密码不一致。")),
        ],
    )
