"""Bad input: a clear Chinese message next to the field, the typed values kept, nothing
half-written, never a 500 — for every form and every POST endpoint.

With ``TESTING`` on, an exception in a view reaches the test instead of becoming a 500 page,
so "never a 500" is checked both as the status and as "the request did not raise".
"""
import io
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from meetings import create_app
from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.domain.terms import AttachmentKind, PeriodKind
from meetings.extensions import db
from meetings.models import CommitteeSeat, RoleAssignment
from meetings.services import actions, api_tokens, attachments, requirements, responses, roster
from meetings.services.supervision import notices
from tests import file_samples
from tests.builders import make_person, make_sign_in
from tests.builders import roster_xlsx as xlsx
from tests.campaign_builders import make_campaign
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import make_meeting, type_id
from tests.visit_builders import make_visit

RAW_SCRIPT = "<script>alert(1)</script>"
HOSTILE = {
    "empty": "",
    "long": "党" * 10_000,
    "abc": "abc",
    "negative": "-1",
    "huge": "99999999999999999999",
    "fraction": "1.5",
    "nul": "a\x00b",
    "rtl": "\u202e",
    "script": RAW_SCRIPT,
    "sql": "' OR 1=1 --",
    "enum": "superuser",
    "feb30": "2026-02-30",
    "yesterday": "yesterday",
    "repeated": ["1", "abc"],  # a list where a scalar is expected: the key is sent twice
}
KEY_TABLES = ("person", "organization", "role_assignment", "committee_seat", "transfer", "audit_event",
              "meeting", "invitation", "outbox_message", "meeting_type", "action_item",
              "attachment", "campaign")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MISSING = 999_999
TOKEN = "Zm9vYmFyYmF6cXV4cXV1eA"


def _rules():
    """The URL rules, read once at collection time from an app that never opens its database.

    Not the API's: it answers bearer tokens, not this signed-in session (tests/web/test_api.py)."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "collect"})
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static" and not r.rule.startswith("/api/")]


RULES = _rules()
POST_ENDPOINTS = sorted({r.endpoint for r in RULES if "POST" in r.methods})
ID_RULES = sorted({r.endpoint for r in RULES if r.arguments - {"token"}})


# ---- helpers ------------------------------------------------------------------------------




# One good row and one bad row: previewed with errors, refused on confirmation.
HALF_BAD = xlsx(["孙一", "正式党员", "第一党小组", None, None, "sunyi"],
                ["钱二", "预备党员", "第九党小组", None, "not-an-email", None])


def snapshot() -> dict:
    """Every row of the key tables (a refused submission must leave them exactly as they were),
    but the audit of a refused sign-in: that one is written on purpose (test_sessions.py)."""
    with db.engine.connect() as conn:
        return {name: sorted((tuple(row) for row in conn.execute(_rows(name))), key=repr)
                for name in KEY_TABLES}


def _rows(name: str):
    table = db.metadata.tables[name]
    if name == "audit_event":
        return sa.select(table).where(table.c.action != "auth.sign_in_failed")
    return sa.select(table)


def counts() -> dict:
    with db.engine.connect() as conn:
        return {name: conn.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables[name]))
                for name in KEY_TABLES}


class Page(HTMLParser):
    """Forms (action, method, field name → type) and controls by id with their shown value."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.controls: dict[str, dict] = {}
        self._form = self._select = self._textarea = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action"), "method": (a.get("method") or "get").lower(),
                          "fields": {}}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button"):
            if self._form is not None and a.get("name"):
                self._form["fields"].setdefault(a["name"], a.get("type") or tag)
            if a.get("id"):
                control = {"tag": tag, "type": a.get("type"), "value": a.get("value")}
                self.controls[a["id"]] = control
                if tag == "select":
                    self._select, control["value"] = control, None
                elif tag == "textarea":
                    self._textarea, control["value"] = control, ""
        elif tag == "option" and self._select is not None and "selected" in a:
            self._select["value"] = a.get("value")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def fields_posting_to(self, page_path: str, target: str) -> dict:
        found = {}
        for form in self.forms:
            action = urlsplit(form["action"]).path if form["action"] else page_path
            if form["method"] == "post" and action == target:
                found.update(form["fields"])
        return found

    def value(self, control_id: str):
        control = self.controls[control_id]
        if control["tag"] == "textarea":  # HTML drops one newline right after <textarea>
            return re.sub(r"^\r?\n", "", control["value"])
        return control["value"]


def field_error(body: str, field_id: str) -> str:
    """The text of ``<p class="error" id="<field>-error">`` (empty when there is none)."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', body, re.S)
    return match.group(1) if match else ""


def assert_chinese_error(body: str, field_id: str, expected: str = "") -> None:
    error = field_error(body, field_id)
    assert error, f"no error shown next to {field_id}"
    assert CHINESE.search(error), f"error next to {field_id} is not in Chinese: {error!r}"
    assert expected in error, f"{field_id}: {error!r} should say {expected!r}"


def upload(client, branch_id: int, data: bytes | None, filename: str = "名册.xlsx"):
    form = {} if data is None else {"file": (io.BytesIO(data), filename)}
    return client.post(f"/branches/{branch_id}/import", data=form, content_type="multipart/form-data")


def flashed_errors(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for category, message in session.get("_flashes", []) if category == "error"]


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path, monkeypatch):
    """Uploads go to a temporary folder, not the real instance/."""
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path))
    return tmp_path


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path_factory, monkeypatch):
    """Attachments go to their own temporary folder (the import folder must stay empty)."""
    folder = tmp_path_factory.mktemp("attachments")
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def hostile_world(world):
    """The standard world plus a pending transfer of ``member`` from a1 to a2, and an upcoming
    meeting of a1 where ``member`` has asked for leave, and an action item of it owned by ``member``,
    a photo attached to it, and a campaign over the whole tree."""
    roster.request_transfer(world["admin"], world["member"], world.a2, None)
    now = TEST_NOW
    world.meeting = make_meeting(world, now=now, starts_at=now + timedelta(days=3))
    leave = next(i for i in world.meeting.invitations if i.person_id == world["member"].id)
    responses.request_leave(world["member"], leave, "出差", now)
    world.item = actions.add_action_item(world["secretary"], world.meeting, text="完善支部档案",
                                         owner_id=world["member"].id,
                                         due_on=local_date(world.meeting.starts_at), now=now)
    world.attachment = attachments.add_attachment(
        world["secretary"], world.meeting, kind=AttachmentKind.PHOTO, filename="合影.png",
        stream=io.BytesIO(file_samples.png()), note=None, now=now)
    world.campaign = make_campaign(world)
    world.requirement = requirements.install_defaults()[0]
    world.api_token, _ = api_tokens.issue(world["secretary"], world["secretary"], "脚本", read_only=True,
                                          expires_at=None, now=now)
    world.sign_in = make_sign_in(world["secretary"], now)
    last_year = Period(PeriodKind.YEAR, local_date(now).year - 1)  # whatever a1 owes from it
    [world.notice] = notices.send(world["admin"], [world.a1], "请落实。", local_date(now) + timedelta(days=7),
                                  now, span=last_year)
    world.visit = make_visit(world, now)
    db.session.commit()
    return world


# ---- 1. hostile values on every POST endpoint ---------------------------------------------

# Where the forms of POST-only endpoints live (endpoint → endpoint of the page showing them).
HOSTS = {
    "supervision.reply": "supervision.notice",
    "supervision.add_finding": "supervision.visit", "supervision.finding_action": "supervision.visit",
    "main.set_language": "main.home", "auth.logout": "main.home",
    "orgs.deactivate": "orgs.show", "orgs.reactivate": "orgs.show",
    "orgs.grant_role": "orgs.roles", "orgs.create_officer": "orgs.roles",
    "roster.set_status": "roster.person", "roster.decide_transfer": "roster.person",
    "roster.grant_role": "roster.officers", "roster.seat": "roster.officers",
    "roster.revoke_role": "roster.officers", "roster.remove_seat": "roster.officers",
    "roster.import_confirm": "roster.import_preview",
    "meetings.cancel": "meetings.show", "meetings.answer": "meetings.show",
    "meetings.decide_leave": "meetings.show", "meetings.nudge": "meetings.show",
    "calendar.rotate": "calendar.mine",
    "meetings.finalize_minutes": "meetings.minutes",
    "actions.add": "meetings.show", "actions.cancel": "meetings.show", "actions.reopen": "meetings.show",
    "attachments.upload": "meetings.show", "attachments.delete": "meetings.show",
    "tokens.revoke": "tokens.index",
    "auth.end_device": "auth.devices", "auth.end_all_devices": "auth.devices",
}
# Names read from request.form directly, for when the host page shows no such button.
KNOWN_FIELDS = {"roster.set_status": ["status"], "roster.decide_transfer": ["decision"],
                "main.set_language": ["language", "next"], "auth.login": ["login", "password", "remember"],
                "meetings.answer": ["action", "reason"], "meetings.decide_leave": ["decision"],
                "actions.close": ["next"], "actions.cancel": ["reason", "next"], "actions.reopen": ["next"]}


def _url_values(world, endpoint: str) -> dict:
    transfer = roster.pending_transfer(world["member"])
    grant = db.session.scalar(sa.select(RoleAssignment).where(
        RoleAssignment.person_id == world["recorder"].id))
    seat = db.session.scalar(sa.select(CommitteeSeat).where(
        CommitteeSeat.person_id == world["secretary"].id))
    # Objects on which admin and secretary both reach the form where possible.
    org = {"orgs.create": world.a1, "orgs.edit": world.g1, "orgs.deactivate": world.g1,
           "orgs.reactivate": world.g1, "orgs.show": world.g1}.get(endpoint, world.pc_a)
    meeting = getattr(world, "meeting", None)
    invitations = meeting.invitations if meeting else []
    leave = next((i for i in invitations if i.person_id == world["member"].id), None)
    return {"org_id": org.id, "branch_id": world.a1.id, "person_id": world["member"].id,
            "transfer_id": transfer.id, "grant_id": grant.id, "seat_id": seat.id, "token": TOKEN,
            "meeting_id": meeting.id if meeting else MISSING, "invitation_id": leave.id if leave else MISSING,
            "type_id": type_id("theme_day"),
            "item_id": world.item.id if hasattr(world, "item") else MISSING,
            "attachment_id": world.attachment.id if hasattr(world, "attachment") else MISSING,
            "campaign_id": world.campaign.id if hasattr(world, "campaign") else MISSING,
            "requirement_id": world.requirement.id if hasattr(world, "requirement") else MISSING,
            "period_key": "2026-05", "fmt": "csv",
            "token_id": world.api_token.id if hasattr(world, "api_token") else MISSING,
            "sign_in_id": world.sign_in.id if hasattr(world, "sign_in") else MISSING,
            "notice_id": world.notice.id if hasattr(world, "notice") else MISSING,
            "visit_id": world.visit.id if hasattr(world, "visit") else MISSING,
            "finding_id": world.visit.findings[0].id if hasattr(world, "visit") else MISSING}


def _url(app, world, endpoint: str, **override) -> str:
    rule = next(r for r in RULES if r.endpoint == endpoint)
    values = {**_url_values(world, endpoint), **override}
    with app.test_request_context():
        return app.url_for(endpoint, **{name: values[name] for name in rule.arguments})


def _fields(app, client, world, endpoint: str, target: str, token: str) -> dict:
    """Field names of the form that posts to ``target``, read from the page showing it."""
    rule = next(r for r in RULES if r.endpoint == endpoint)
    host = endpoint if "GET" in rule.methods else HOSTS.get(endpoint)
    fields = {}
    if host:
        page_url = _url(app, world, host, token=token) if host != "orgs.show" else _url(
            app, world, host)
        response = client.get(page_url)
        if response.status_code == 200:
            fields = Page(response.get_data(as_text=True)).fields_posting_to(
                urlsplit(page_url).path, urlsplit(target).path)
    for name in KNOWN_FIELDS.get(endpoint, []):
        fields.setdefault(name, "text")
    fields.pop("csrf_token", None)
    fields["unexpected"] = "text"  # a field no form has
    return fields


def _data(fields: dict, value) -> dict:
    data = {}
    for name, kind in fields.items():
        values = value if isinstance(value, list) else [value]
        if kind == "file":
            data[name] = [(io.BytesIO(v.encode()), "名册.csv") for v in values]
        else:
            data[name] = value
    return data


MATRIX = [(endpoint, role) for endpoint in POST_ENDPOINTS
          for role in (["anonymous"] if endpoint == "auth.login" else ["admin", "secretary"])]


@pytest.mark.parametrize(("endpoint", "role"), MATRIX)
def test_hostile_values_never_break_a_post_endpoint(app, client, auth, hostile_world, endpoint, role):
    if role != "anonymous":
        assert auth.login(role).status_code == 302
    token = TOKEN
    if "token" in next(r for r in RULES if r.endpoint == endpoint).arguments:
        response = upload(client, hostile_world.a1.id, HALF_BAD)
        if response.status_code == 302:
            token = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    url = _url(app, hostile_world, endpoint, token=token)
    fields = _fields(app, client, hostile_world, endpoint, url, token)
    problems = []
    for label, value in HOSTILE.items():
        with client.session_transaction() as session:
            session.pop("_flashes", None)  # messages of the previous value were shown already
        before = snapshot()
        try:
            response = client.post(url, data=_data(fields, value))
        except Exception as error:  # noqa: BLE001  (an exception here is a 500 in production)
            db.session.rollback()
            problems.append(f"{label}: raised {type(error).__name__}: {error}"[:300])
            continue
        status, body = response.status_code, response.get_data(as_text=True)
        if status >= 500:
            problems.append(f"{label}: status {status}")
        if RAW_SCRIPT in body:
            problems.append(f"{label}: unescaped script in the response")
        refused = status == 200 or 400 <= status < 500 or (status == 302 and flashed_errors(client))
        if refused and snapshot() != before:
            problems.append(f"{label}: refused with {status} but the database changed")
        location = response.headers.get("Location", "")
        if value == RAW_SCRIPT and status == 302 and location.startswith("/"):
            follow = client.get(location)  # the flashed message is shown on the next page
            if follow.status_code >= 500 or RAW_SCRIPT in follow.get_data(as_text=True):
                problems.append(f"{label}: page after redirect broke or shows the raw script")
    assert problems == [], f"{endpoint} as {role} with fields {sorted(fields)}"


# ---- 2. each form: the message next to the field, the typed values kept -----------------

def _member_data(world, **change) -> dict:
    data = {"name": "孙一", "category": "probationary", "status": "away",
            "party_group_id": str(world.g2.id), "phone": "13800138000", "email": "sun@example.org",
            "joined_party_on": "2020-07-01", "login": "sunyi", "password": "", "note": "新调入"}
    return {**data, **change}


MEMBER_CASES = [
    ("name", "", "请填写姓名"),
    ("name", "长" * 61, "60"),
    ("phone", "12345", "手机号码格式不正确"),
    ("email", "not-an-email", "邮箱地址格式不正确"),
    ("login", "a b!", "用户名只能包含"),
    ("login", "admin", "用户名已被使用"),  # refused by the service, after the form passed
    ("password", "short", "密码长度"),
    ("password", "x" * 129, "密码长度"),
    ("joined_party_on", "2026-02-30", "日期"),
    ("joined_party_on", "yesterday", "日期"),
    ("category", "superuser", "选择"),
    ("note", "注" * 201, "200"),
]


def _check_member_page(body: str, sent: dict, bad_field: str, expected: str) -> None:
    assert_chinese_error(body, bad_field, expected)
    page = Page(body)
    for name, typed in sent.items():
        if name == "password":
            assert not typed or typed not in body, "a typed password must not be echoed"
        elif name != bad_field or name not in ("category", "party_group_id"):
            assert page.value(name) == typed, f"{name} lost what was typed"


@pytest.mark.parametrize(("field", "value", "expected"), MEMBER_CASES, ids=lambda v: str(v)[:12])
def test_member_add_refusal_keeps_typed_values(client, auth, world, field, value, expected):
    auth.login("secretary")
    before = snapshot()
    data = _member_data(world, **{field: value})
    response = client.post(f"/branches/{world.a1.id}/members/new", data=data)
    assert response.status_code == 200
    _check_member_page(response.get_data(as_text=True), data, field, expected)
    assert snapshot() == before


@pytest.mark.parametrize(("field", "value", "expected"), MEMBER_CASES, ids=lambda v: str(v)[:12])
def test_member_edit_refusal_keeps_typed_values(client, auth, world, field, value, expected):
    auth.login("admin")
    before = snapshot()
    data = _member_data(world, **{field: value})
    response = client.post(f"/people/{world['member'].id}/edit", data=data)
    assert response.status_code == 200
    _check_member_page(response.get_data(as_text=True), data, field, expected)
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["group", "branch"], ids=["party group", "branch of another kind"])
def test_member_party_group_of_another_kind_is_refused(client, auth, world, kind):
    auth.login("secretary")
    before = snapshot()
    wrong = world.a2.id if kind == "group" else world.a1.id  # neither is a party group of a1
    data = _member_data(world, party_group_id=str(wrong))
    body = client.post(f"/branches/{world.a1.id}/members/new", data=data).get_data(as_text=True)
    assert_chinese_error(body, "party_group_id")
    assert Page(body).value("name") == "孙一"
    assert snapshot() == before


def test_member_name_with_a_nul_byte_is_refused(client, auth, world):
    auth.login("secretary")
    before = counts()
    data = _member_data(world, name="孙\x00一")
    response = client.post(f"/branches/{world.a1.id}/members/new", data=data)
    assert response.status_code == 200
    assert_chinese_error(response.get_data(as_text=True), "name")
    assert counts() == before


ORG_CASES = [("", "请填写组织名称"), ("名" * 121, "120")]


@pytest.mark.parametrize(("name", "expected"), ORG_CASES, ids=["empty", "121 chars"])
def test_org_create_refusal_keeps_typed_values(client, auth, world, name, expected):
    auth.login("admin")
    before = snapshot()
    response = client.post(f"/orgs/{world.a1.id}/new", data={"name": name, "kind": "party_group"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert_chinese_error(body, "name", expected)
    page = Page(body)
    assert (page.value("name") or "") == name and page.value("kind") == "party_group"
    assert snapshot() == before


def test_org_create_unknown_kind_is_refused(client, auth, world):
    auth.login("admin")
    before = snapshot()
    body = client.post(f"/orgs/{world.a1.id}/new", data={"name": "第三党小组", "kind": "superuser"})
    assert body.status_code == 200
    assert_chinese_error(body.get_data(as_text=True), "kind")
    assert Page(body.get_data(as_text=True)).value("name") == "第三党小组"
    assert snapshot() == before


@pytest.mark.parametrize(("name", "expected"), ORG_CASES, ids=["empty", "121 chars"])
def test_org_edit_refusal_keeps_typed_values(client, auth, world, name, expected):
    auth.login("admin")
    before = snapshot()
    response = client.post(f"/orgs/{world.g1.id}/edit", data={"name": name, "parent_id": str(world.a1.id)})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert_chinese_error(body, "name", expected)
    page = Page(body)
    assert (page.value("name") or "") == name and page.value("parent_id") == str(world.a1.id)
    assert snapshot() == before


@pytest.mark.parametrize("parent", ["person", "missing", "abc"])
def test_org_edit_parent_of_another_kind_is_refused(client, auth, world, parent):
    auth.login("admin")
    before = snapshot()
    value = {"person": str(world["b_member"].id + 100), "missing": str(MISSING), "abc": "abc"}[parent]
    response = client.post(f"/orgs/{world.g1.id}/edit", data={"name": "第一党小组（改）", "parent_id": value})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert_chinese_error(body, "parent_id")
    assert Page(body).value("name") == "第一党小组（改）"
    assert snapshot() == before


PASSWORD_CASES = [
    ({"current": "wrong-password-1", "new": "brand-new-secret", "confirm": "brand-new-secret"},
     "current", "当前密码不正确"),
    ({"current": "correct-horse-battery", "new": "short", "confirm": "short"}, "new", "12 到 128"),
    ({"current": "correct-horse-battery", "new": "brand-new-secret", "confirm": "different-secret"},
     "confirm", "不一致"),
    ({"current": "", "new": "", "confirm": ""}, "current", "请输入当前密码"),
]


@pytest.mark.parametrize(("data", "field", "expected"), PASSWORD_CASES, ids=["wrong current", "short",
                                                                          "mismatch", "empty"])
def test_change_password_refusal_shows_the_error_and_echoes_no_password(client, auth, world, data,
                                                                        field, expected):
    auth.login("member")
    before = snapshot()
    response = client.post("/account/password", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert_chinese_error(body, field, expected)
    for typed in data.values():
        assert not typed or f'value="{typed}"' not in body
    assert snapshot() == before


@pytest.mark.parametrize(("data", "field", "expected"), [
    ({"login": "secretary", "password": "wrong-password"}, "password", "用户名或密码不正确"),
    ({"login": "", "password": "whatever-it-is"}, "login", "请输入用户名"),
    ({"login": "secretary", "password": ""}, "password", "请输入密码"),
    ({"login": RAW_SCRIPT, "password": "x"}, "password", "用户名或密码不正确"),
], ids=["wrong password", "no login", "no password", "script login"])
def test_login_refusal_keeps_the_login(client, world, data, field, expected):
    before = snapshot()
    response = client.post("/login", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert_chinese_error(body, field, expected)
    assert Page(body).value("login") == data["login"]
    assert RAW_SCRIPT not in body
    assert data["password"] == "" or f'value="{data["password"]}"' not in body
    assert snapshot() == before


@pytest.mark.parametrize("target", ["none", "group", "own", "missing"])
def test_transfer_without_a_real_branch_is_refused(client, auth, world, target):
    auth.login("secretary")
    before = snapshot()
    value = {"none": "0", "group": str(world.g1.id), "own": str(world.a1.id), "missing": str(MISSING)}[target]
    data = {"to_branch_id": value, "note": "工作调动"}
    response = client.post(f"/people/{world['recorder'].id}/transfer", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert_chinese_error(body, "to_branch_id", "请选择" if target == "none" else "")
    assert Page(body).value("note") == "工作调动"
    assert snapshot() == before


def test_transfer_note_too_long_keeps_the_choice(client, auth, world):
    auth.login("secretary")
    before = snapshot()
    data = {"to_branch_id": str(world.a2.id), "note": "说" * 201}
    body = client.post(f"/people/{world['recorder'].id}/transfer", data=data).get_data(as_text=True)
    assert_chinese_error(body, "note", "200")
    page = Page(body)
    assert page.value("to_branch_id") == str(world.a2.id) and page.value("note") == "说" * 201
    assert snapshot() == before


@pytest.mark.parametrize(("form", "other"), [
    ("role", {"role-role": "recorder"}), ("seat", {"seat-title": "organizer"})])
@pytest.mark.parametrize("person", ["none", "other branch", "abc"])
def test_officer_forms_without_a_person_are_refused(client, auth, world, form, other, person):
    auth.login("secretary")
    before = snapshot()
    value = {"none": "0", "other branch": str(world["b_member"].id), "abc": "abc"}[person]
    path = {"role": "roles", "seat": "seats"}[form]
    response = client.post(f"/branches/{world.a1.id}/officers/{path}",
                           data={f"{form}-person_id": value, **other})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert_chinese_error(body, f"{form}-person_id", "请选择" if person == "none" else "")
    (name, typed), = other.items()
    assert Page(body).value(name) == typed
    assert snapshot() == before


UPLOADS = {
    "no file": (None, "名册.xlsx", "请选择要导入的文件"),
    "wrong extension": (b"name\nx\n", "名册.txt", ".xlsx 或 .csv"),
    "no extension": (b"name\nx\n", "名册", ".xlsx 或 .csv"),
    "empty file": (b"", "名册.csv", ""),
    "random bytes as xlsx": (bytes(range(256)) * 40, "名册.xlsx", "Excel"),
    "csv as xlsx": ("姓名\n孙一\n".encode(), "名册.xlsx", "Excel"),
    "shift-jis csv": ("氏名,所属\n山田太郎,総務課\n".encode("shift_jis"), "名册.csv", ""),
    "latin-1 csv": ("Nom,Prénom\nDurand,Zoé\n".encode("latin-1"), "名册.csv", ""),
    "binary garbage csv": (b"\xff\xfe\x80\x81\x00\x00" * 500, "名册.csv", ""),
    "script in the header": (f"{RAW_SCRIPT},姓\n1,2\n".encode(), "名册.csv", ""),
}


@pytest.mark.parametrize("case", sorted(UPLOADS))
def test_import_upload_refuses_unreadable_files(client, auth, world, import_folder, case):
    data, filename, expected = UPLOADS[case]
    auth.login("secretary")
    before = snapshot()
    response = upload(client, world.a1.id, data, filename)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert_chinese_error(body, "file", expected)
    assert RAW_SCRIPT not in body
    assert snapshot() == before
    assert list(import_folder.iterdir()) == []  # nothing kept for a preview


def test_import_confirm_of_a_file_with_errors_adds_no_one(client, auth, world):
    auth.login("secretary")
    location = upload(client, world.a1.id, HALF_BAD).headers["Location"]
    before = snapshot()
    response = client.post(location)
    assert response.status_code == 302
    assert flashed_errors(client) and all(CHINESE.search(m) for m in flashed_errors(client))
    assert snapshot() == before


# ---- 3. an upload over the size limit ----------------------------------------------------

@pytest.mark.parametrize("limit", [None, 64 * 1024], ids=["10 MB", "lowered"])
def test_oversized_upload_is_413_in_chinese(app, client, auth, world, monkeypatch, limit):
    if limit:
        monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", limit)
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    auth.login("secretary")
    before = counts()
    # Encoded by hand: the test client would spool a body this big to an unclosed temporary file.
    boundary = "bad-input-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="roster.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n").encode() + b"a" * size + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(f"/branches/{world.a1.id}/import", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "提交的内容太大" in response.get_data(as_text=True)
    assert counts() == before


# ---- 4. ids that don't exist, ids of another kind ----------------------------------------

SIGNED_IN = ["admin", "liaison", "secretary", "recorder", "member", "other_secretary"]


def _id_requests(app, object_id):
    """(method, url) for every rule with an id, that id being ``object_id``."""
    requests = []
    for endpoint in ID_RULES:
        rule = next(r for r in RULES if r.endpoint == endpoint)
        with app.test_request_context():
            url = app.url_for(endpoint, **{a: TOKEN if a == "token" else 1 for a in rule.arguments})
        # Swap the placeholder ids in the path for the id under test.
        url = "/".join(str(object_id) if part == "1" else part for part in url.split("/"))
        for method in ("GET", "POST"):
            if method in rule.methods:
                requests.append((method, url))
    return requests


def _statuses(client, requests) -> dict:
    found = {}
    for method, url in requests:
        try:
            found[f"{method} {url}"] = client.open(url, method=method, data={}).status_code
        except Exception as error:  # noqa: BLE001
            db.session.rollback()
            found[f"{method} {url}"] = f"raised {type(error).__name__}: {error}"[:200]
    return found


@pytest.mark.parametrize("role", SIGNED_IN)
def test_ids_that_do_not_exist_are_404(app, client, auth, world, role):
    auth.login(role)
    statuses = _statuses(client, _id_requests(app, MISSING) + _id_requests(app, 0))
    assert {k: v for k, v in statuses.items() if v != 404} == {}


def test_ids_too_large_for_the_database_are_404(app, client, auth, world):
    auth.login("admin")
    statuses = _statuses(client, _id_requests(app, 99999999999999999999))
    # No rule matches such a path; werkzeug may say 405 where a sibling rule has other methods.
    assert {k: v for k, v in statuses.items() if v not in (404, 405)} == {}


@pytest.mark.parametrize("endpoint", [
    "roster.add",
    "roster.officers", "roster.grant_role", "roster.seat", "roster.import_upload",
    "roster.import_template", "roster.import_preview", "roster.import_confirm",
])
def test_party_group_id_as_branch_id_is_refused(app, client, auth, world, endpoint):
    auth.login("admin")
    before = snapshot()
    rule = next(r for r in RULES if r.endpoint == endpoint)
    with app.test_request_context():
        url = app.url_for(endpoint, branch_id=world.g1.id,
                          **({"token": TOKEN} if "token" in rule.arguments else {}))
    statuses = _statuses(client, [(m, url) for m in ("GET", "POST") if m in rule.methods])
    assert snapshot() == before
    assert {k: v for k, v in statuses.items() if v not in (403, 404)} == {}


def test_person_id_used_as_another_kind_of_id_is_404(client, auth, world):
    """A person's id where an org, transfer, grant or seat id belongs (and none has that id)."""
    extra = [make_person(world.a1, f"党员{i}") for i in range(12)]
    db.session.commit()
    person_id = extra[-1].id
    tables = ("organization", "transfer", "role_assignment", "committee_seat")
    with db.engine.connect() as conn:
        taken = {t: conn.scalar(sa.select(sa.func.max(db.metadata.tables[t].c.id))) or 0 for t in tables}
    assert all(person_id > top for top in taken.values())
    auth.login("admin")
    statuses = _statuses(client, [
        ("GET", f"/orgs/{person_id}"), ("GET", f"/orgs/{person_id}/edit"),
        ("GET", f"/branches/{person_id}/members/new"), ("GET", f"/branches/{person_id}/officers"),
        ("POST", f"/transfers/{person_id}/decide"), ("POST", f"/roles/{person_id}/revoke"),
        ("POST", f"/seats/{person_id}/remove")])
    assert {k: v for k, v in statuses.items() if v != 404} == {}


def test_branchless_person_card_and_status_do_not_crash(client, auth, world):
    auth.login("admin")
    statuses = _statuses(client, [("GET", f"/people/{world['admin'].id}"),
                                  ("POST", f"/people/{world['admin'].id}/status")])
    assert all(isinstance(v, int) and v < 500 for v in statuses.values()), statuses


@pytest.mark.parametrize("endpoint", ["roster.edit", "roster.transfer"])
def test_branchless_person_edit_and_transfer_are_404(app, client, auth, world, endpoint):
    auth.login("admin")
    path = {"roster.edit": "edit", "roster.transfer": "transfer"}[endpoint]
    url = f"/people/{world['admin'].id}/{path}"
    statuses = _statuses(client, [("GET", url), ("POST", url)])
    assert {k: v for k, v in statuses.items() if v not in (403, 404)} == {}
