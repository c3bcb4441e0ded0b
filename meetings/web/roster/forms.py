"""Forms for a member's details, transfers, roles and committee seats."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from meetings.domain import people
from meetings.domain.passwords import MAX_LENGTH, MIN_LENGTH
from meetings.domain.scheduling import local_date
from meetings.domain.terms import CommitteeTitle, PersonCategory, PersonStatus, Role
from meetings.models import utcnow
from meetings.web.forms import Form
from meetings.web.labels import choices


def phone_check(form, field):
    field.data = people.normalize_phone(field.data)
    if field.data and not people.is_valid_phone(field.data):
        raise ValidationError(_l("手机号码格式不正确（11 位手机号或带区号的座机）。"))


def email_check(form, field):
    field.data = people.normalize_email(field.data)
    if field.data and not people.is_valid_email(field.data):
        raise ValidationError(_l("邮箱地址格式不正确。"))


def joined_check(form, field):
    if field.data and (problem := people.joined_problem(field.data, local_date(utcnow()))):
        raise ValidationError(_(problem))


def login_check(form, field):
    field.data = (field.data or "").strip() or None
    if field.data and not people.is_valid_login(field.data):
        raise ValidationError(_l("用户名只能包含字母、数字、点、横线和下划线，2 到 60 个字符。"))


class MemberForm(Form):
    name = StringField(_l("姓名"), filters=[people.clean_name], validators=[
        DataRequired(_l("请填写姓名。")), Length(max=60, message=_l("姓名不能超过 60 个字。"))])
    category = SelectField(_l("类别"), choices=choices(PersonCategory))
    status = SelectField(_l("状态"), choices=choices(PersonStatus))
    party_group_id = SelectField(_l("党小组"), coerce=lambda v: int(v) if v else None)
    phone = StringField(_l("手机"), validators=[phone_check])
    email = StringField(_l("邮箱"), validators=[email_check])
    joined_party_on = DateField(_l("入党日期"), validators=[Optional(), joined_check])
    login = StringField(_l("用户名"), validators=[login_check])
    password = PasswordField(_l("设置新密码"), validators=[
        Optional(), Length(min=MIN_LENGTH, max=MAX_LENGTH, message=_l("密码长度应为 12 到 128 个字符。"))])
    note = StringField(_l("备注"), validators=[Length(max=200, message=_l("备注不能超过 200 个字。"))])


class TransferForm(Form):
    to_branch_id = SelectField(_l("转入支部"), coerce=int,
                               validators=[DataRequired(_l("请选择转入的党支部。"))])
    note = TextAreaField(_l("说明"), validators=[Length(max=200, message=_l("说明不能超过 200 个字。"))])


class RoleForm(Form):
    person_id = SelectField(_l("人员"), coerce=int, validators=[DataRequired(_l("请选择人员。"))])
    role = SelectField(_l("角色"), choices=choices(Role, [Role.SECRETARY, Role.RECORDER]))


class SeatForm(Form):
    person_id = SelectField(_l("支委委员"), coerce=int, validators=[DataRequired(_l("请选择人员。"))])
    title = SelectField(_l("职务"), choices=choices(CommitteeTitle))
