"""A year of 例会 by mail: messages and bytes per series, one recurring invite against one
invite per date (issue 15 #2).

Plans a 12-date monthly series for a branch of ``--members`` (default 30) through the real
service, once as one recurring invite and once in the older per-date shape, then moves one
date and cancels another, and prints for each shape: messages queued at planning, messages
for the two changes, bytes queued, and the ratios per-date / recurring.

    .venv/bin/python -m bench.series_mail
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/orglife_bench .venv/bin/python -m bench.series_mail
"""
import argparse
import os
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import sqlalchemy as sa

from meetings import create_app
from meetings.domain.recurrence import Frequency, Rule
from meetings.extensions import db
from meetings.models import MeetingSeries, OutboxMessage
from meetings.services import meeting_types, notify, scheduling, series, series_mail
from tests.builders import RELAXED_LIMITS, empty_tables, make_person, make_world
from tests.meeting_builders import branch_member_ids, make_fields

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench-series.db")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                      "REPLY_ADDRESS": "rsvp@orglife.bench", **RELAXED_LIMITS})
    print(f"[{url.split(':')[0]}] 12 monthly dates, {args.members} members")
    with app.app_context():
        db.create_all()
        recurring = run(args.members, recurring=True)
        per_date = run(args.members, recurring=False)
    for name, values in (("recurring invite", recurring), ("one invite per date", per_date)):
        print(f"{name:>20}: planned {values['planned']:5d} msgs, changes {values['changes']:4d} msgs, "
              f"{values['bytes'] / 1024:8.0f} KiB, {values['seconds']:.2f} s")
    for key in ("planned", "changes", "bytes"):
        print(f"per-date/recurring {key} ratio: {per_date[key] / recurring[key]:.1f}")


def run(members: int, *, recurring: bool) -> dict:
    db.session.remove()
    empty_tables()
    world = make_world()
    for n in range(members - len(branch_member_ids(world.a1))):
        make_person(world.a1, f"成员{n}", email=f"m{n}@bench.example")
    meeting_types.install_defaults()
    db.session.commit()
    rule = Rule(frequency=Frequency.MONTHLY_BY_WEEKDAY, first_date=date(2026, 12, 2), start_time=clock(15),
                duration_minutes=120, weekday=4, ordinal=1, count=12)
    started = time.perf_counter()
    fields = make_fields(world, title="主题党日")
    meetings = series.create_series(world["secretary"], world.a1, fields, rule, NOW)
    if not recurring:  # the shape series planned before migration 0010 keep: what planning sent then
        db.session.get(MeetingSeries, meetings[0].series_id).recurring_invite = False
        series_mail.forget(db.session)
        for meeting in meetings:
            notify.meeting_mail(meeting, meeting.invitations, "invite", NOW)
    db.session.commit()
    planned = _count()
    moved = make_fields(world, title="主题党日", starts_at=meetings[3].starts_at + timedelta(days=1))
    scheduling.update_meeting(world["secretary"], meetings[3], moved, NOW, version=meetings[3].version)
    db.session.commit()
    scheduling.cancel_meeting(world["secretary"], meetings[5], "冲突", NOW)
    db.session.commit()
    seconds = time.perf_counter() - started
    size = db.session.scalar(sa.select(sa.func.sum(sa.func.length(OutboxMessage.message))))
    return {"planned": planned, "changes": _count() - planned, "bytes": size, "seconds": seconds}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))


if __name__ == "__main__":
    main()
