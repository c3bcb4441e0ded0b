"""Forms for changing the organization tree."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

NAME_RULES = [DataRequired(_l("请填写组织名称。")), Length(max=120, message=_l("名称不能超过 120 个字。"))]


class CreateOrgForm(FlaskForm):
    name = StringField(_l("名称"), validators=NAME_RULES)
    kind = SelectField(_l("类型"), validators=[DataRequired(_l("请选择组织类型。"))])


class EditOrgForm(FlaskForm):
    name = StringField(_l("名称"), validators=NAME_RULES)
    parent_id = SelectField(_l("上级组织"), coerce=int)
