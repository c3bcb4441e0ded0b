"""XSS through every text field a page shows (恶意输入), autoescaping verified, not assumed.

One world (``tests.hostile_builders``) holds a payload in every free-text field; every GET
page of the app's url_map is then fetched as admin, secretary and member — and once more with
every query argument the views read set to a payload — and parsed as a browser would.

Endpoints: all non-API GET rules. The API (``/api/``) answers JSON to bearer tokens and is
covered by tests/web/test_api.py. POST-only endpoints render nothing of their own (they
redirect, or re-render a GET page's template, which test_bad_input.py feeds hostile values).
"""
from __future__ import annotations

import email
import io
from datetime import date
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from meetings import create_app
from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.domain.terms import PeriodKind
from meetings.extensions import db
from meetings.models import OutboxMessage, Requirement
from meetings.services import links
from tests import ical_checks
from tests.fixed_time import TEST_NOW
from tests.hostile_builders import BREAKERS, EVALUATED, make_hostile_world, short
from tests.html_audit import injected, parse, shown
from tests.meeting_builders import type_id

ROLES = ("admin", "secretary", "member")
# Query arguments some view reads (request.args), each given a payload to reflect.
QUERY = ("who", "object_type", "object_id", "action", "from", "to", "org", "before", "after", "period",
         "as_of", "type", "only", "status", "campaign", "group", "by", "code", "next", "done", "unit",
         "a", "b")
BINARY = ("attachments.download", "roster.import_template", "compliance.export")
EXTRA_QUERY = {"meetings.minutes_diff": "?a=1&b=3"}  # the draft against the amendment
# Fields shown on no page, and why.
NOT_SHOWN = {
    "minutes.draft": "replaced by the amendment; the diff shows it only as Markdown-rendered lines",
}


def _rules():
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "collect"})
    return [r for r in app.url_map.iter_rules()
            if "GET" in r.methods and r.endpoint != "static" and not r.rule.startswith("/api/")]


GET_RULES = _rules()


@pytest.fixture
def hostile(app, ctx, tmp_path, monkeypatch):
    """The hostile world; roster previews are kept in a temporary folder."""
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path / "imports"))
    return make_hostile_world()


def _import_token(client, h) -> str:
    """Upload a roster whose every cell is a payload; the preview shows them with the row errors."""
    columns = {"姓名": "name", "类别": "category", "党小组": "group", "手机": "phone", "邮箱": "email",
               "用户名": "login", "备注": "note"}
    cells = [h.short(f"cell.{key}", 60) for key in columns.values()]
    quoted = ",".join('"' + v.replace('"', '""') + '"' for v in cells)
    data = (",".join(columns) + "\r\n" + quoted + "\r\n").encode("utf-8-sig")
    response = client.post(f"/branches/{h.world.a1.id}/import", data={"file": (io.BytesIO(data), "名册.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def _period_key(kind: PeriodKind, today: date) -> str:
    index = {PeriodKind.MONTH: today.month, PeriodKind.QUARTER: (today.month - 1) // 3 + 1}.get(kind, 1)
    return Period(kind, today.year, index).key


def _values(h) -> dict[str, list]:
    """Candidate values of each URL argument: every object that holds a payload."""
    w = h.world
    return {
        "meeting_id": [h.upcoming.id, h.cancelled.id, h.held.id], "branch_id": [w.a1.id],
        "org_id": [w.root.id, w.pc_a.id, w.a1.id, w.a2.id, h.group.id],
        "person_id": [w["member"].id, h.imported.id, h.mover.id], "item_id": [h.item.id, h.done_item.id],
        "attachment_id": [h.attachment.id], "campaign_id": [h.campaign.id],
        "requirement_id": [h.requirement.id], "type_id": [type_id("theme_day")],
        "fmt": ["csv", "xlsx"], "year": [local_date(h.held.starts_at).year], "notice_id": [h.notice.id],
        "visit_id": [h.visit.id], "finding_id": [h.visit.findings[0].id],
    }


def _urls(app, h, rule, tokens: dict) -> list[str]:
    """Every URL of ``rule`` over the candidate values (a period page: each requirement's current period)."""
    values = {**_values(h), "token": [tokens.get(rule.endpoint, "no-token")]}
    combos = [{}]
    if rule.endpoint == "compliance.period":
        today = local_date(TEST_NOW)
        combos = [{"requirement_id": r.id, "period_key": _period_key(r.period, today)}
                  for r in db.session.scalars(sa.select(Requirement))]
    for name in sorted(rule.arguments - set(combos[0])):
        assert name in values, f"{rule.endpoint}: no test value for <{name}>; add one to _values"
        combos = [{**c, name: v} for c in combos for v in values[name]]
    with app.test_request_context():
        return [app.url_for(rule.endpoint, **c) + _extra_query(h, rule.endpoint) for c in combos]


def _extra_query(h, endpoint: str) -> str:
    """A query string some pages need: the 催办 preview names a branch and a period it owes in."""
    if endpoint == "supervision.new_notice":
        return f"?branch={h.world.a1.id}&period={local_date(TEST_NOW).year - 1}"
    return EXTRA_QUERY.get(endpoint, "")


def _tokens(client, h) -> dict[str, str]:
    """The token each tokened endpoint needs: a feed, an RSVP link, a roster preview (uploaded now)."""
    w = h.world
    leave = next(i for i in h.upcoming.invitations if i.person_id == w["member"].id)
    return {"calendar.personal_feed": h.feed_token, "calendar.branch_feed": h.officer_feed_token,
            "meetings.rsvp_link": links.rsvp_url(leave.id, w["member"].id, "leave").rsplit("/", 1)[-1],
            "roster.import_preview": _import_token(client, h)}


def _audit(url: str, response, pages: dict, problems: list) -> None:
    """Record a 500, injected markup, or a malformed calendar; keep what the page shows."""
    if response.status_code >= 500:
        problems.append(f"{url}: {response.status_code}")
    body = response.get_data()
    if body in pages:
        return  # the same 403 page, say, parsed once
    if response.mimetype == "text/html":
        tree = parse(body.decode())
        problems.extend(f"{url}: {found}" for found in injected(tree))
        pages[body] = shown(tree)
    elif response.mimetype == "text/calendar":
        problems.extend(f"{url}: {p}" for p in ical_checks.problems(body))
        pages[body] = body.decode()


def _reflecting(url: str) -> str:
    """The URL with every query argument a view reads set to a payload."""
    separator = "&" if "?" in url else "?"
    return url + separator + urlencode({name: short(f"query.{name}", 60) for name in QUERY})


def _sweep(app, client, auth, h) -> tuple[dict, list, dict]:
    """Fetch every GET page as each role (as admin also with reflected arguments), then anonymously."""
    pages, problems, statuses = {}, [], {}

    def fetch(endpoint: str, url: str, label: str = "") -> None:
        response = client.get(url)
        statuses.setdefault(endpoint, set()).add(response.status_code)
        if endpoint not in BINARY:
            _audit(label or url, response, pages, problems)
        response.close()

    auth.login("secretary")
    tokens = _tokens(client, h)
    auth.logout()
    for role in (*ROLES, "anonymous"):
        if role != "anonymous":
            auth.login(role)
        for rule in GET_RULES:
            urls = _urls(app, h, rule, tokens)
            for url in urls:
                fetch(rule.endpoint, url)
            if role == "admin":
                fetch(rule.endpoint, _reflecting(urls[0]), f"{urls[0]} with payloads in the query")
        auth.logout()
    return pages, problems, statuses


def test_every_page_shows_every_payload_as_text_and_runs_none(app, client, auth, hostile):
    hostile.short("query.who", 60)  # the audit viewer shows its 人员 filter back as typed
    pages, problems, statuses = _sweep(app, client, auth, hostile)
    assert problems == [], "\n".join(problems)
    never_ok = sorted(e for e, codes in statuses.items() if not codes & {200, 204})  # 204: auth.alive
    assert never_ok == [], "no role reached these pages: give them a better test value"
    everything = "\n".join(pages.values())
    assert EVALUATED not in everything, "a template evaluated {{7*7}} in data"
    unseen = sorted(tag for tag, payload in hostile.payloads.items()
                    if tag not in NOT_SHOWN and payload.splitlines()[0] not in everything)
    assert unseen == [], "these fields are shown on no page (or not as the text typed)"
    assert [b for b in BREAKERS if b not in everything] == [], "a breaker was never shown as text"


def test_mails_show_the_payloads_as_text(hostile):
    """Invitations, the cancellation and the leave request: HTML parts escaped, .ics parts well-formed."""
    messages = list(db.session.scalars(sa.select(OutboxMessage)))
    assert messages
    problems, texts = [], []
    for row in messages:
        mail = email.message_from_bytes(row.message)
        for part in mail.walk():
            kind = part.get_content_type()
            if kind == "text/html":
                html = part.get_payload(decode=True).decode(part.get_content_charset())
                problems += [f"{row.kind} to {row.recipient}: {f}" for f in injected(html, mail=True)]
                texts.append(shown(html))
            elif kind == "text/calendar":
                problems += [f"{row.kind}: {p}" for p in ical_checks.problems(part.get_payload(decode=True))]
        texts.append(str(mail["Subject"]))
    assert problems == []
    everything = "\n".join(texts)
    for tag in ("meeting.title", "meeting.place", "cancel.reason", "org.name"):
        assert hostile.payloads[tag] in everything, tag
    assert EVALUATED not in everything
