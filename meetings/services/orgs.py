"""Organization tree: queries over the materialized path, and the admin's changes to it."""
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meetings.domain import people
from meetings.domain.terms import ALLOWED_CHILDREN, OrgKind
from meetings.extensions import db
from meetings.models import Organization, Person, utcnow
from meetings.services import audit, calendar, history, locks


class TreeError(ValueError):
    """A change that would break the tree's shape; the message is for the user."""


def _name(raw: str) -> str:
    """The name as stored (``people.clean_name``); none visible, or a bidi control, is refused."""
    name = people.clean_name(raw)
    if not name:
        raise TreeError(_l("请填写组织名称。"))
    if people.has_control_characters(name):
        raise TreeError(_l("包含不可见的控制字符，请删除后重新输入。"))
    return name


def subtree(root: Organization, *, include_inactive: bool = False) -> list[Organization]:
    """``root`` and everything under it, in path order (one indexed prefix query)."""
    query = sa.select(Organization).where(Organization.in_subtree(root))
    if not include_inactive:
        query = query.where(Organization.is_active.is_(True))
    # As stored, not as this session last saw them (a move re-hangs what another just moved).
    query = query.execution_options(populate_existing=True)
    return list(db.session.scalars(query.order_by(Organization.path)))


def branches_under(root: Organization) -> list[Organization]:
    """Active branches in ``root``'s subtree."""
    return [o for o in subtree(root) if o.kind == OrgKind.BRANCH]


def party_groups(branch: Organization) -> list[Organization]:
    """Active party groups of a branch, in display order."""
    return [c for c in branch.children if c.kind == OrgKind.PARTY_GROUP and c.is_active]


def nest(orgs: Iterable[Organization]) -> list[tuple[Organization, list]]:
    """Turn a path-ordered list into ``[(org, children), …]`` for rendering a tree."""
    nodes: dict[int, tuple[Organization, list]] = {}
    roots: list[tuple[Organization, list]] = []
    for org in orgs:
        node = (org, [])
        nodes[org.id] = node
        parent = nodes.get(org.parent_id) if org.parent_id else None
        (parent[1] if parent else roots).append(node)
    return roots


def _set_path(org: Organization) -> None:
    parent_path = org.parent.path if org.parent else "/"
    org.path = f"{parent_path}{org.id}/"
    org.depth = parent_path.count("/") - 1


def _lock_tree(*units: Organization) -> None:
    """Serialize the changes of the tree's shape: wait for any other rename, move or creation
    to commit (a lock on the root committee's row), then read the units as it left them.
    Two moves at once otherwise each re-hang the subtree by the paths they read before the
    other wrote, and a branch's party groups end up under another 机关党委."""
    known = [u for u in units if u is not None and u.id is not None]
    if not known:
        return
    db.session.flush()  # this request's own changes first: the refresh below must not undo them
    locks.lock_row(Organization, known[0].ancestor_ids()[0] if known[0].path else known[0].id)
    for unit in known:
        db.session.refresh(unit)


def create(actor: Person | None, *, name: str, kind: OrgKind, parent: Organization | None) -> Organization:
    """Add a unit under ``parent`` (or the root committee when ``parent`` is None)."""
    _lock_tree(parent)
    if parent is None and kind != OrgKind.COMMITTEE:
        raise TreeError(_l("只有机关工委可以作为最高一级组织。"))
    if parent is not None and kind not in ALLOWED_CHILDREN[parent.kind]:
        raise TreeError(_l("该类型的组织不能设在所选上级组织之下。"))
    if parent is not None and not parent.is_active:
        raise TreeError(_l("上级组织已撤销，不能在其下新建组织。"))
    org = Organization(name=_name(name), kind=kind, parent=parent, founded_on=history.change_day())
    db.session.add(org)
    db.session.flush()
    _set_path(org)
    audit.record(actor, "org.create", org, organization_id=org.id,
                 after={"name": org.name, "kind": kind.value})
    return org


def rename(actor: Person, org: Organization, name: str, now: datetime) -> None:
    """Rename a unit; the old name stays in the audit trail, and calendars see the new one."""
    _lock_tree(org)
    before, after = audit.changes(org, {"name": _name(name)})
    if after:
        audit.record(actor, "org.rename", org, organization_id=org.id, before=before, after=after)
        calendar.touch_meetings_of_unit(org, now)


def move(actor: Person, org: Organization, new_parent: Organization) -> None:
    """Re-hang a unit and its whole subtree under ``new_parent``."""
    _lock_tree(org, new_parent)
    if org.parent_id is None:
        raise TreeError(_l("机关工委不能移动。"))
    if new_parent.is_within(org):
        raise TreeError(_l("不能把组织移到它自己或它的下级组织之下。"))
    if org.kind not in ALLOWED_CHILDREN[new_parent.kind]:
        raise TreeError(_l("该类型的组织不能设在所选上级组织之下。"))
    if not new_parent.is_active:
        raise TreeError(_l("目标上级组织已撤销。"))
    if org.kind == OrgKind.PARTY_GROUP and new_parent.id != org.parent_id:
        # Its meetings and misses belong to its branch's record: moved, they would leave it.
        raise TreeError(_l("党小组不能移到其他支部：请在该支部新建党小组，再把党员编入。"))
    old_prefix, old_parent = org.path, org.parent
    descendants = [o for o in subtree(org, include_inactive=True) if o.id != org.id]
    org.parent = new_parent
    _set_path(org)
    for child in descendants:
        child.path = org.path + child.path[len(old_prefix):]
        child.depth = child.path.count("/") - 2
    audit.record(actor, "org.move", org, organization_id=org.id,
                 before={"parent": old_parent.name}, after={"parent": new_parent.name})


def deactivate(actor: Person, org: Organization) -> None:
    """撤销: hide a unit from new work while keeping it (and its history) in the database."""
    if org.parent_id is None:
        raise TreeError(_l("机关工委不能撤销。"))
    active_below = [o for o in subtree(org) if o.id != org.id]
    if active_below:
        raise TreeError(_l("请先撤销或移走它的下级组织。"))
    members = db.session.scalar(
        sa.select(sa.func.count(Person.id)).where(
            sa.or_(Person.branch_id == org.id, Person.party_group_id == org.id)
        )
    )
    if org.kind == OrgKind.BRANCH and members:
        raise TreeError(_l("该支部还有党员，请先办理组织关系转接。"))
    org.is_active = False
    # Dissolved today, never earlier: a 撤销 cannot reach back into a period already judged.
    org.deactivated_at, org.dissolved_on = utcnow(), history.change_day()
    if org.kind == OrgKind.PARTY_GROUP and members:
        _detach_group_members(org)
    audit.record(actor, "org.deactivate", org, organization_id=org.id)


def _detach_group_members(group: Organization) -> None:
    """Members of a dissolved party group stay in the branch, without a group."""
    for person in db.session.scalars(sa.select(Person).where(Person.party_group_id == group.id)):
        person.party_group_id = None


def reactivate(actor: Person, org: Organization) -> None:
    """Undo a 撤销 on the day it was made, while the parent still exists. Later, the unit's
    periods since have been judged without it: it cannot come back into them."""
    if org.parent is not None and not org.parent.is_active:
        raise TreeError(_l("上级组织已撤销，请先恢复上级组织。"))
    if org.dissolved_on is not None and org.dissolved_on != history.change_day():
        raise TreeError(_l("只能在撤销当天恢复。该组织撤销后的考核已不含它；如需重新设立，请新建组织。"))
    # An undo: the unit never stopped existing.
    org.is_active = True
    org.deactivated_at = org.dissolved_on = None
    audit.record(actor, "org.reactivate", org, organization_id=org.id)
