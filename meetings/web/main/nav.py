"""The navigation bar, built from what the policy lets the signed-in person do."""
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from meetings.policy import Action, can, scope_roots
from meetings.services.supervision.notices_query import answerable_branches
from meetings.web.main import bp


@dataclass
class NavItem:
    label: str
    url: str
    active: bool = False


def nav_items_for(person) -> list[NavItem]:
    """首页, units one may see, one's branch and its meetings, campaigns, my calendar, meeting types,
    the audit trail, the mail queue."""
    items = [NavItem(_l("首页"), url_for("main.home"))]
    roots = scope_roots(person, Action.VIEW_ORG)
    if any(r.id != (person.branch_id or 0) for r in roots):
        items.append(NavItem(_l("组织架构"), url_for("orgs.tree")))
    if person.branch is not None:
        items.append(NavItem(_l("我的支部"), url_for("orgs.show", org_id=person.branch_id)))
        items.append(NavItem(_l("会议"), url_for("meetings.branch_meetings", branch_id=person.branch_id)))
    overseer = bool(scope_roots(person, Action.VIEW_OVERSIGHT))  # admins, liaisons
    if overseer:
        items.append(NavItem(_l("督导工作台"), url_for("supervision.index")))
    if overseer or answerable_branches(person):  # and the secretaries the notices go to
        items.append(NavItem(_l("催办"), url_for("supervision.notices_list")))
    if overseer:
        items.append(NavItem(_l("督导记录"), url_for("supervision.visits_list")))
    if scope_roots(person, Action.VIEW_COMPLIANCE):  # admins, liaisons, secretaries
        items.append(NavItem(_l("考核"), url_for("compliance.index")))
        items.append(NavItem(_l("专项行动"), url_for("campaigns.index")))
    items.append(NavItem(_l("我的日历"), url_for("calendar.mine")))
    if can(person, Action.MANAGE_TYPES, None):
        items.append(NavItem(_l("会议类型"), url_for("types.index")))
    if scope_roots(person, Action.VIEW_AUDIT):  # administrators
        items.append(NavItem(_l("审计日志"), url_for("audit.index")))
    if can(person, Action.MANAGE_MAIL, None):
        items.append(NavItem(_l("邮件队列"), url_for("mail.index")))
    for item in items:
        item.active = request.path == item.url
    return items


@bp.app_context_processor
def inject_nav() -> dict:
    if not current_user or not current_user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav_items_for(current_user)}
