"""The base of every form: Flask-WTF (CSRF) plus a refusal of invisible control characters."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from meetings.domain.people import has_control_characters, normalize_line_separators

CONTROL_MESSAGE = _l("包含不可见的控制字符，请删除后重新输入。")


class Form(FlaskForm):
    """Every text field is checked for control characters, with the message next to it."""

    def validate(self, extra_validators=None) -> bool:
        normalize_text_fields(self)
        valid = super().validate(extra_validators)
        for field in _text_fields(self):
            multiline = isinstance(field, TextAreaField)
            if field.data and has_control_characters(str(field.data), multiline=multiline):
                field.errors = [*field.errors, CONTROL_MESSAGE]
                valid = False
        return valid


def normalize_text_fields(form: FlaskForm) -> None:
    """U+2028/U+2029 in any text field become newlines (spaces on one-line fields)."""
    for field in _text_fields(form):
        if isinstance(field.data, str):
            field.data = normalize_line_separators(field.data, multiline=isinstance(field, TextAreaField))


def _text_fields(form: FlaskForm):
    return (f for f in form if isinstance(f, StringField) and not isinstance(f, PasswordField))


def optional_int(value):
    """A select's value as an id, or None for the empty choice."""
    return int(value) if value not in (None, "", "None") else None


class OwnParseMessage:
    """A field whose complaint about an unreadable value (2026-02-30, 25:00, "abc") is ours, in
    Chinese: set ``parse_message`` on the subclass."""

    parse_message = None

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(self.parse_message)) from error
