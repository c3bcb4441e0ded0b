"""A world whose every free-text field holds an XSS vector (恶意输入), written through the services.

Each field gets its own payload: a tag naming the field (``F-meeting.title``) so a test can
tell which field a page shows, then vectors that break out of text, attributes and
``<textarea>``, and ``{{7*7}}``, which a template engine evaluating data would print as 49.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.domain.supervision import ReplyKind
from meetings.domain.terms import AttachmentKind, Attendance, PeriodKind
from meetings.extensions import db
from meetings.services import (
    actions,
    api_tokens,
    attachments,
    attendance,
    calendar,
    meeting_types,
    minutes,
    orgs,
    requirements,
    responses,
    roster,
    roster_import,
    scheduling,
)
from meetings.services.meeting_types import TypeFields
from meetings.services.supervision import notices
from tests import file_samples
from tests.builders import make_org, make_world, roster_xlsx
from tests.campaign_builders import make_campaign
from tests.fixed_time import pinned_now
from tests.meeting_builders import make_meeting, make_started_meeting, type_id
from tests.unit.xss_corpus import HTML_TAGS, MARKDOWN
from tests.visit_builders import make_visit

TEMPLATE = "《{{7*7}}》"  # shown as typed, never as 《49》
EVALUATED = "《49》"
BREAKERS = ['"><img src=x onerror=alert(1)>', "'onmouseover='alert(1)'",
            "</textarea><script>alert(1)</script>", "</title><svg onload=alert(1)>", "<!--"]
# A sample of the Markdown sanitizer's corpus, for the fields rendered as Markdown.
CORPUS = "\n\n".join([*list(HTML_TAGS.values())[::4], *list(MARKDOWN.values())[::3]])
HOSTILE_EMAIL = "x'onmouseover='alert`1`'{{7*7}}@example.org"  # the member form accepts it
ONLINE_URL = 'https://example.org/"><img src=x onerror=alert(1)>《{{7*7}}》'  # so does the schedule form


def short(tag: str, limit: int) -> str:
    """A one-line payload for a field of at most ``limit`` characters, starting with its tag."""
    text = f"F-{tag}{BREAKERS[0]}{TEMPLATE}"
    assert len(text) <= limit, (tag, len(text))
    return text


def long(tag: str, *, markdown: bool = False) -> str:
    """Every breaker on its own line (and, for Markdown fields, the corpus sample) after the tag."""
    return "\n".join([f"F-{tag}{TEMPLATE}", *BREAKERS, *([CORPUS] if markdown else [])])


def meeting_form(world, **overrides) -> dict:
    """What the schedule form posts for a valid 主题党日 of a1 ten days ahead (``overrides`` change it)."""
    day = local_date(pinned_now() + timedelta(days=10)).isoformat()
    data = {"type_ids": [str(type_id("theme_day"))], "title": "七月主题党日", "agenda": "", "date": day,
            "start_time": "15:00", "end_time": "17:00", "place": "", "online_url": "",
            "invitees": [str(world["secretary"].id)], "host_id": "", "recorder_id": "", "guests": "",
            "reminder": "", "repeat": ""}
    return {**data, **overrides}


@dataclass
class Hostile:
    """The world, the objects holding payloads, and what each field was given (tag → text)."""

    world: object
    upcoming: object = None
    cancelled: object = None
    held: object = None
    item: object = None
    done_item: object = None
    attachment: object = None
    campaign: object = None
    notice: object = None
    visit: object = None
    requirement: object = None
    token: object = None
    group: object = None
    imported: object = None
    mover: object = None
    feed_token: str = ""  # the member's
    officer_feed_token: str = ""  # the secretary's, for the branch feed
    payloads: dict = field(default_factory=dict)

    def short(self, tag: str, limit: int) -> str:
        self.payloads[tag] = short(tag, limit)
        return self.payloads[tag]

    def long(self, tag: str, *, markdown: bool = False) -> str:
        self.payloads[tag] = long(tag, markdown=markdown)
        return self.payloads[tag]


def _people(h: Hostile) -> None:
    w = h.world
    orgs.rename(w["admin"], w.a1, "办公室党支部" + h.short("org.name", 110), pinned_now())
    h.payloads["org.name"] = w.a1.name
    h.group = make_org(h.short("group.name", 120), w.g1.kind, w.a1)
    member = w["member"]
    roster.update_member(w["admin"], member, roster.MemberFields(
        name=h.short("person.name", 60), login=member.login, email=HOSTILE_EMAIL, party_group_id=h.group.id,
        note=h.short("person.note", 200)))
    h.payloads["person.email"] = HOSTILE_EMAIL
    h.mover = roster.add_member(w["admin"], w.a1, roster.MemberFields(name="孙转出"))
    roster.request_transfer(w["admin"], h.mover, w.a2, h.short("transfer.note", 200))
    data = roster_xlsx([h.short("import.name", 60), "预备党员"], header=["姓名", "类别"])
    h.imported = roster_import.apply(w["admin"], w.a1, "名册.xlsx", data).added[0]


def _meetings(h: Hostile, now) -> None:
    w = h.world
    h.upcoming = make_meeting(
        w, now=now, starts_at=now + timedelta(days=3), title=h.short("meeting.title", 200),
        place=h.short("meeting.place", 200), online_url=ONLINE_URL,
        agenda=h.long("meeting.agenda", markdown=True),
        guests=[(h.short("guest.name", 60), "guest@example.org")])
    h.payloads["meeting.online_url"] = ONLINE_URL
    leave = next(i for i in h.upcoming.invitations if i.person_id == w["member"].id)
    responses.request_leave(w["member"], leave, h.short("leave.reason", 500), now)
    h.cancelled = make_meeting(w, now=now, starts_at=now + timedelta(days=5), title="已取消的会议")
    scheduling.cancel_meeting(w["secretary"], h.cancelled, h.short("cancel.reason", 500), now)


def _record(h: Hostile) -> None:
    w = h.world
    h.held = make_started_meeting(w, code="branch_assembly", title="党员大会")
    now = h.held.starts_at + timedelta(minutes=30)
    due = local_date(now) + timedelta(days=30)
    absent = next(i for i in h.held.invitations if i.person_id == w["member"].id)
    marks = [attendance.Mark(absent.id, None, Attendance.ABSENT, h.short("absence.reason", 500))]
    attendance.record_attendance(w["secretary"], h.held, marks, now, all_present=True)
    minutes.save_draft(w["recorder"], h.held, h.long("minutes.draft", markdown=True), 0, now)
    minutes.finalize(w["secretary"], h.held, now)
    last = minutes.for_meeting(h.held).current_revision.number
    minutes.amend(w["secretary"], h.held, h.long("minutes.body", markdown=True), h.short("amend.reason", 500),
                  last, now)
    h.item = actions.add_action_item(w["secretary"], h.held, text=h.long("action.text"),
                                     owner_id=w["recorder"].id, due_on=due, now=now)
    h.done_item = actions.add_action_item(w["secretary"], h.held, text="完善档案", owner_id=w["recorder"].id,
                                          due_on=due, now=now)
    actions.close_action_item(w["secretary"], h.done_item, h.long("action.evidence"), now)
    h.attachment = attachments.add_attachment(
        w["secretary"], h.held, kind=AttachmentKind.PHOTO,
        filename=short("attachment.filename", 200) + ".png", stream=io.BytesIO(file_samples.png()),
        note=h.short("attachment.note", 200), now=now)
    h.payloads["attachment.filename"] = h.attachment.filename  # as stored: quotes and <> became _


def _settings(h: Hostile, now) -> None:
    w = h.world
    h.campaign = make_campaign(w, title=h.short("campaign.title", 200),
                               instructions=h.long("campaign.instructions", markdown=True))
    theme_day = next(t for t in meeting_types.all_types() if t.code == "theme_day")
    settings = {k: getattr(theme_day, k) for k in TypeFields.__dataclass_fields__}
    renamed = TypeFields(**{**settings, "name": h.short("type.name", 60)})
    meeting_types.update_type(w["admin"], theme_day, renamed, now)
    h.requirement = requirements.install_defaults()[0]
    # No form edits the regulation cited: it comes from the seed, as data.
    h.requirement.source = h.short("requirement.source", 200)
    h.token, _ = api_tokens.issue(w["secretary"], w["secretary"], h.short("token.name", 80), read_only=True,
                                  expires_at=None, now=now)
    h.feed_token = calendar.issue_feed_token(w["member"], now)
    h.officer_feed_token = calendar.issue_feed_token(w["secretary"], now)
    last_year = Period(PeriodKind.YEAR, local_date(now).year - 1)  # whatever a1 owes from it
    [h.notice] = notices.send(w["admin"], [w.a1], h.long("notice.text"), local_date(now) + timedelta(days=7),
                              now, span=last_year)
    notices.reply(w["secretary"], h.notice, ReplyKind.EXPLAINED, h.long("notice.reply"), None, now)
    h.visit = make_visit(w, now, summary=h.long("visit.summary"), finding=h.long("visit.finding")[:1000])
    finding = h.visit.findings[0]
    actions.raise_from_finding(w["liaison"], finding, text=h.short("finding.item", 500),
                               owner_id=w["member"].id, due_on=local_date(now) + timedelta(days=7), now=now)


def make_hostile_world() -> Hostile:
    """The standard world (``tests.builders``) with a payload in every free-text field, committed."""
    h = Hostile(make_world())
    now = pinned_now()
    _people(h)
    _meetings(h, now)
    _record(h)
    _settings(h, now)
    db.session.commit()
    return h
