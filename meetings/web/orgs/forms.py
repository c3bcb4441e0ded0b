"""Forms for changing the organization tree."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from meetings.domain.passwords import MAX_LENGTH, MIN_LENGTH
from meetings.domain.people import clean_name
from meetings.domain.terms import Role
from meetings.web.forms import Form
from meetings.web.labels import choices
from meetings.web.roster.forms import email_check, login_check

# Roles granted on units above the branch; branch roles live on the branch's officers page.
UNIT_ROLES = [Role.ADMIN, Role.LIAISON]

NAME_RULES = [DataRequired(_l("请填写组织名称。")), Length(max=120, message=_l("名称不能超过 120 个字。"))]


class CreateOrgForm(Form):
    name = StringField(_l("名称"), filters=[clean_name], validators=NAME_RULES)
    kind = SelectField(_l("类型"), validators=[DataRequired(_l("请选择组织类型。"))])


class EditOrgForm(Form):
    name = StringField(_l("名称"), filters=[clean_name], validators=NAME_RULES)
    parent_id = SelectField(_l("上级组织"), coerce=int)


class GrantRoleForm(Form):
    """Give an existing account a committee-level role over this unit."""

    login = StringField(_l("用户名"), validators=[DataRequired(_l("请输入要授权人员的用户名。"))])
    role = SelectField(_l("角色"), choices=choices(Role, UNIT_ROLES))


class OfficerForm(Form):
    """Open an account for committee staff who belong to no branch here (工委干部、联络员)."""

    name = StringField(_l("姓名"), filters=[clean_name], validators=[
        DataRequired(_l("请填写姓名。")), Length(max=60, message=_l("姓名不能超过 60 个字。"))])
    login = StringField(_l("用户名"), validators=[DataRequired(_l("请填写用户名。")), login_check])
    email = StringField(_l("邮箱"), validators=[email_check])
    password = PasswordField(_l("初始密码"), validators=[
        DataRequired(_l("请设置初始密码。")),
        Length(min=MIN_LENGTH, max=MAX_LENGTH, message=_l("密码长度应为 12 到 128 个字符。"))])
    role = SelectField(_l("角色"), choices=choices(Role, UNIT_ROLES))
