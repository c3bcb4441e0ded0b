"""The administrator's form for a new version of a requirement (考核要求)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from meetings.services.requirements import MAX_COUNT
from meetings.web.forms import Form


class RequirementForm(Form):
    min_count = IntegerField(_l("每个周期至少召开次数"), validators=[
        InputRequired(_l("请填写次数。")),
        NumberRange(min=1, max=MAX_COUNT, message=_l("次数须在 1 到 %(max)s 之间。"))])
    needs_attendance = BooleanField(_l("须登记出勤"))
    needs_quorum = BooleanField(_l("须达到法定人数"))
    needs_final_minutes = BooleanField(_l("会议记录须定稿"))
    effective_from = DateField(_l("新规定生效日期"), validators=[InputRequired(_l("请选择生效日期。"))])
