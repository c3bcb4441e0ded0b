"""``/people``: members the caller may see (read), and the roster of a branch its officers keep
(add, change) — the same service and checks as the roster pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from meetings.api import bp
from meetings.api.access import allowed, visible
from meetings.api.auth import caller
from meetings.api.body import Body, json_object
from meetings.api.etags import of_shape, require_match, tagged
from meetings.api.filters import org_condition
from meetings.api.output import external, json_response
from meetings.api.params import Args, listing, page_args
from meetings.api.problems import ApiProblem, invalid
from meetings.api.shapes import person as shape
from meetings.domain import people as rules
from meetings.domain.terms import OrgKind, PersonCategory, PersonStatus
from meetings.extensions import db
from meetings.models import Organization, Person
from meetings.policy import Action, can
from meetings.services import roster, visibility

MEMBER_FIELDS = frozenset({"name", "category", "status", "login", "email", "phone", "party_group_id",
                           "joined_party_on", "note"})
NAME_LENGTH, NOTE_LENGTH = 60, 200


def shaped(person: Person) -> dict:
    sees_contacts = person.id == caller().id or (
        person.branch is not None and can(caller(), Action.VIEW_ROSTER, person.branch))
    return shape(person, contacts=sees_contacts)


@bp.get("/people")
def people():
    """People in the caller's view (their rosters, and themselves); ``org`` narrows to a unit."""
    args = Args()
    page = page_args(args)
    condition = org_condition(args, Person.branch_id)
    args.check()
    query = visibility.people(caller())
    if condition is not None:
        query = query.where(condition)
    return listing(query, Person.id, page, lambda rows: [shaped(p) for p in rows])


@bp.get("/people/<int:person_id>")
def person(person_id: int):
    found = visible(db.session.get(Person, person_id), Action.VIEW_PERSON)
    body = shaped(found)
    return tagged(json_response(body), of_shape("person", body))


@bp.post("/people")
def add_person():
    """Add a member to a branch's roster (书记 of the branch, or an administrator above it)."""
    body = Body(json_object(), MEMBER_FIELDS | {"organization_id"})
    branch = _branch(body)
    fields = _fields(body, None)
    body.check()
    allowed(Action.MANAGE_ROSTER, branch)
    added = _saved(lambda: roster.add_member(caller(), branch, fields))
    response = json_response(shaped(added), 201)
    response.headers["Location"] = external("api.person", person_id=added.id)
    return tagged(response, of_shape("person", shaped(added)))


@bp.patch("/people/<int:person_id>")
def update_person(person_id: int):
    """Change a member's details; ``If-Match`` carries the ETag of the version read."""
    found = visible(db.session.get(Person, person_id), Action.VIEW_PERSON)
    if found.branch is None:  # committee staff have no roster card to edit
        raise ApiProblem(404)
    allowed(Action.EDIT_PERSON, found)
    require_match(of_shape("person", shaped(found)))
    body = Body(json_object(), MEMBER_FIELDS)
    fields = _fields(body, found)
    body.check()
    _saved(lambda: roster.update_member(caller(), found, fields))
    result = shaped(found)
    return tagged(json_response(result), of_shape("person", result))


def _branch(body: Body) -> Organization | None:
    org_id = body.integer("organization_id")
    branch = db.session.get(Organization, org_id) if org_id is not None else None
    if branch is None or not can(caller(), Action.VIEW_ORG, branch):
        body.fail("organization_id", _l("没有这个组织，或您无权查看。"))
        return None
    if branch.kind != OrgKind.BRANCH or not branch.is_active:
        body.fail("organization_id", _l("党员只能编入在册的党支部。"))
    return branch


def _fields(body: Body, old: Person | None) -> roster.MemberFields:
    """The member as the body describes them; a change keeps what the body leaves out."""
    def kept(name):
        return getattr(old, name) if old is not None else None
    name = body.text("name", NAME_LENGTH, required=old is None or body.has("name"), default=kept("name"))
    return roster.MemberFields(
        name=" ".join((name or "").split()),
        category=body.choice("category", PersonCategory, default=kept("category") or PersonCategory.FULL),
        status=body.choice("status", PersonStatus, default=kept("status") or PersonStatus.ACTIVE),
        login=_checked(body, "login", rules.is_valid_login, kept("login"), str.strip,
                       _l("用户名只能包含字母、数字、点、横线和下划线，2 到 60 个字符。")),
        email=_checked(body, "email", rules.is_valid_email, kept("email"), rules.normalize_email,
                       _l("邮箱地址格式不正确。")),
        phone=_checked(body, "phone", rules.is_valid_phone, kept("phone"), rules.normalize_phone,
                       _l("手机号码格式不正确（11 位手机号或带区号的座机）。")),
        party_group_id=body.integer("party_group_id") if body.has("party_group_id")
        else kept("party_group_id"),
        joined_party_on=body.day("joined_party_on") if body.has("joined_party_on")
        else kept("joined_party_on"),
        note=(body.text("note", NOTE_LENGTH) or "").strip() or None if body.has("note") else kept("note"))


def _checked(body: Body, name: str, valid, default, normalize, message) -> str | None:
    """An optional contact: normalized as the form does, null or "" to clear it."""
    if not body.has(name):
        return default
    value = normalize(body.text(name, 254) or "") or None
    if value is not None and not valid(value):
        body.fail(name, message)
        return default
    return value


def _saved(write):
    try:
        result = write()
    except roster.RosterError as error:
        db.session.rollback()
        raise invalid([{"field": error.field or "name", "message": str(error)}]) from None
    db.session.commit()
    return result
