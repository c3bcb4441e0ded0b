"""The base of every form: Flask-WTF (CSRF) plus a refusal of invisible control characters."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from meetings.domain.people import has_control_characters

CONTROL_MESSAGE = _l("包含不可见的控制字符，请删除后重新输入。")


class Form(FlaskForm):
    """Every text field is checked for control characters, with the message next to it."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if not isinstance(field, StringField) or isinstance(field, PasswordField):
                continue
            multiline = isinstance(field, TextAreaField)
            if field.data and has_control_characters(str(field.data), multiline=multiline):
                field.errors = [*field.errors, CONTROL_MESSAGE]
                valid = False
        return valid
