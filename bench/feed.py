"""Calendar feeds (DESIGN §7): rendering cost against icalendar alone, stored bytes against a file.

Builds a temporary SQLite database (and, when ``DATABASE_URL`` is a PostgreSQL URL, a temporary
database on that server, dropped afterwards) with one member invited to ~60 meetings and a
branch holding 1,000, then prints ratios measured in this one run:

- a fresh render through ``services.calendar`` (stored bytes thrown away before each call; the
  SQL that loads the meetings included) / building the same events with icalendar alone from
  data already in memory — goal ≤ 1.5;
- an unchanged feed through the Flask test client (200 from stored bytes, and 304 on
  If-None-Match) / Flask's ``send_file`` of a file of the same size in the same app — goal ≤ 2;
  and, for scale, ``/healthz`` (one ``SELECT 1``) against the same file: the floor for any
  response that asks the database anything.

The icalendar yardstick builds the Asia/Shanghai VTIMEZONE once, as ``meetings.domain.ical``
does, so only the per-event work is compared.

    .venv/bin/python -m bench.feed
"""
import contextlib
import os
import tempfile
import time
import uuid
from datetime import UTC, date, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import send_file
from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration

from meetings import create_app
from meetings.domain.terms import MeetingStatus, OrgKind
from meetings.extensions import db
from meetings.models import CalendarSnapshot, Invitation, Meeting, MeetingType, Organization, Person, utcnow
from meetings.services import calendar, meeting_types, orgs
from tests.builders import RELAXED_LIMITS, make_world

PERSONAL, BRANCH = 60, 1000
REPEAT = 5  # best of five rounds: the one least disturbed by the rest of the machine
BASE_URL = "https://orglife.example.org"
SHANGHAI = ZoneInfo("Asia/Shanghai")
STATIC = {}  # the bench route's file, set once the feed's size is known


def main() -> None:
    run("sqlite", "sqlite:///" + os.path.join(tempfile.mkdtemp(), "feed.db"))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        with temporary_postgres(url) as scratch:
            run("postgresql", scratch)


def run(label: str, url: str) -> None:
    """Build the data, then measure rendering (in an app context) and serving (through HTTP)."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "BASE_URL": BASE_URL,
                      "WTF_CSRF_ENABLED": False, **RELAXED_LIMITS})
    app.add_url_rule("/bench-static.ics", "bench_static", lambda: send_file(
        STATIC["path"], mimetype="text/calendar", conditional=True, max_age=0))
    print(f"[{label}]")
    with app.app_context():
        db.create_all()
        person_id, branch_id, token = build(utcnow())
        for name, load, feed in feeds(person_id, branch_id):
            print(f"{name} render/icalendar ratio: {render_ratio(load, feed):.2f} (goal ≤ 1.50)")
    for name, path in ((f"personal feed ({PERSONAL} events)", f"/calendar/{token}.ics"),
                       (f"branch feed ({BRANCH} events)", f"/calendar/{token}/branches/{branch_id}.ics")):
        full, unchanged = serving_ratios(app, path)
        print(f"{name} stored bytes 200/static file 200 ratio: {full:.2f} (goal ≤ 2.00)")
        print(f"{name} 304/static file 304 ratio: {unchanged:.2f} (goal ≤ 2.00)")
    print(f"reference: /healthz (one SELECT 1)/static file 304 ratio: {reference_ratio(app):.2f}")
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def feeds(person_id: int, branch_id: int):
    """(label, loader of the feed's subject, service function) for the two feeds."""
    return [(f"personal feed ({PERSONAL} events)", lambda: db.session.get(Person, person_id),
             calendar.personal_feed),
            (f"branch feed ({BRANCH} events)", lambda: db.session.get(Organization, branch_id),
             calendar.branch_feed)]


# --- data --------------------------------------------------------------------------------

def build(now) -> tuple[int, int, str]:
    """The test world; a secretary of a1 invited to 60 of its meetings; a branch with 1,000."""
    world = make_world()
    meeting_types.install_defaults()
    types = list(db.session.scalars(sa.select(MeetingType).order_by(MeetingType.sort_order)))
    busy = orgs.create(None, name="基建处党支部", kind=OrgKind.BRANCH, parent=world.pc_a)
    person = world["liaison"]  # may take both the personal feed and the busy branch's
    add_meetings(world.a1, types, PERSONAL, now, invitee=person)
    add_meetings(busy, types, BRANCH, now, invitee=None)
    token = calendar.issue_feed_token(person, now)
    db.session.commit()
    return person.id, busy.id, token


def add_meetings(branch: Organization, types, count: int, now, *, invitee) -> None:
    """``count`` meetings from 80 days ago to a year ahead, a few cancelled, realistic agendas."""
    span = timedelta(days=445) / count
    for n in range(count):
        starts = (now - timedelta(days=80) + span * n).replace(second=0, microsecond=0)
        kind = types[n % len(types)]
        meeting = Meeting(
            organization=branch, title=f"{kind.name}：第{n + 1}次学习", types=[kind],
            agenda="1. 学习《中国共产党章程》第二章；\n2. 交流发言，对照检查；\n3. 布置下月任务。\n" * 3,
            starts_at=starts, ends_at=starts + timedelta(hours=2), place="行政楼三楼党员活动室",
            attributed_year=starts.year, ical_sequence=n % 3,
            status=MeetingStatus.CANCELLED if n % 17 == 0 and starts > now else MeetingStatus.SCHEDULED)
        if invitee is not None:
            meeting.invitations.append(Invitation(person=invitee))
        db.session.add(meeting)
    db.session.flush()


# --- (a) rendering -----------------------------------------------------------------------

def render_ratio(load, feed) -> float:
    """Best time of fresh renders through the service / of icalendar alone on the same events."""
    now = utcnow()
    events = plain_events(feed(load(), now, with_body=True).body)
    rounds = max(2, 300 // len(events))

    def ours() -> float:
        spent = 0.0
        for _ in range(rounds):
            db.session.execute(sa.delete(CalendarSnapshot))
            db.session.commit()
            db.session.expunge_all()  # each request starts with an empty session
            subject = load()
            start = time.perf_counter()
            feed(subject, now)
            spent += time.perf_counter() - start
            db.session.rollback()
        return spent

    def theirs() -> float:
        start = time.perf_counter()
        for _ in range(rounds):
            icalendar_alone(events, "组织生活")
        return time.perf_counter() - start

    return best_ratio(ours, theirs)


def best_ratio(ours, theirs) -> float:
    """min(ours) / min(theirs) over ``REPEAT`` interleaved runs, so both see the same machine."""
    timings = [(ours(), theirs()) for _ in range(REPEAT)]
    return min(t[0] for t in timings) / min(t[1] for t in timings)


def plain_events(body: bytes) -> list[dict]:
    """The feed's meetings as plain values, read from the database by the UIDs in ``body``."""
    ids = [int(line.split(b"-")[1].split(b"@")[0]) for line in body.split(b"\r\n")
           if line.startswith(b"UID:meeting-")]
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.id.in_(ids)).order_by(Meeting.starts_at))
    return [{"uid": f"meeting-{m.id}@orglife.local", "sequence": m.ical_sequence, "title": m.title,
             "agenda": m.agenda, "place": m.place, "url": f"{BASE_URL}/meetings/{m.id}",
             "starts_at": m.starts_at, "ends_at": m.ends_at, "updated_at": m.updated_at,
             "cancelled": m.status == MeetingStatus.CANCELLED, "organizer": m.organization.name,
             "categories": [t.name for t in m.types]} for m in meetings]


def icalendar_alone(events: list[dict], name: str) -> bytes:
    """The same feed built directly with icalendar: the yardstick (no OrgLife code)."""
    cal = Calendar()
    for key, value in (("prodid", "-//Bench//EN"), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH"), ("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, name))),
                       ("name", name), ("x-wr-calname", name), ("x-wr-timezone", "Asia/Shanghai")):
        cal.add(key, value)
    cal.add("refresh-interval", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(timedelta(hours=1)))
    cal.add_component(vtimezone())
    for item in events:
        cal.add_component(icalendar_event(item))
    return cal.to_ical()


@cache
def vtimezone() -> Timezone:
    """Built once here too (icalendar takes ~17 ms to derive it), so only per-event work is compared."""
    zone = Timezone.from_tzid("Asia/Shanghai", first_date=date(2000, 1, 1))
    zone.pop("COMMENT", None)
    return zone


def icalendar_event(item: dict) -> Event:
    event = Event()
    event.add("uid", item["uid"])
    stamp = item["updated_at"].astimezone(UTC).replace(microsecond=0)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", item["sequence"])
    event.add("dtstart", item["starts_at"].astimezone(SHANGHAI))
    event.add("dtend", item["ends_at"].astimezone(SHANGHAI))
    event.add("summary", item["title"])
    event.add("description", item["agenda"].strip() + "\n\n" + item["url"])
    event.add("location", item["place"])
    event.add("url", item["url"])
    event.add("categories", item["categories"])
    event.add("status", "CANCELLED" if item["cancelled"] else "CONFIRMED")
    organizer = vCalAddress("mailto:orglife@localhost")
    organizer.params["CN"] = item["organizer"]
    event.add("organizer", organizer)
    return event


# --- (b) serving stored bytes ------------------------------------------------------------

def serving_ratios(app, path: str) -> tuple[float, float]:
    """(feed 200 from stored bytes / static 200, feed 304 / static 304), through the test client."""
    client = app.test_client()
    first = client.get(path)
    assert first.status_code == 200, first.status_code
    STATIC["path"] = os.path.join(tempfile.mkdtemp(), "same-size.ics")
    with open(STATIC["path"], "wb") as f:
        f.write(first.data)
    static_etag = client.get("/bench-static.ics").headers["ETag"]
    rounds = 200 if len(first.data) < 100_000 else 60

    def requests(url: str, etag: str | None, status: int):
        headers = {"If-None-Match": etag} if etag else {}

        def run() -> float:
            start = time.perf_counter()
            for _ in range(rounds):
                response = client.get(url, headers=headers)
                assert response.status_code == status, (url, response.status_code)
                response.get_data()
            return time.perf_counter() - start
        return run

    full = best_ratio(requests(path, None, 200), requests("/bench-static.ics", None, 200))
    unchanged = best_ratio(requests(path, first.headers["ETag"], 304),
                           requests("/bench-static.ics", static_etag, 304))
    return full, unchanged


def reference_ratio(app) -> float:
    """What any response that touches the database costs next to a static file, in this run."""
    client = app.test_client()
    static_etag = client.get("/bench-static.ics").headers["ETag"]

    def requests(url: str, headers: dict):
        def run() -> float:
            start = time.perf_counter()
            for _ in range(200):
                client.get(url, headers=headers).get_data()
            return time.perf_counter() - start
        return run

    return best_ratio(requests("/healthz", {}), requests("/bench-static.ics", {"If-None-Match": static_etag}))


@contextlib.contextmanager
def temporary_postgres(url: str):
    """A scratch database on the server of ``url``, dropped afterwards (never the one named there)."""
    server = sa.make_url(url)
    name = f"orglife_bench_{os.getpid()}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
