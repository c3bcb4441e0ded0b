"""Mail through the real worker to a real relay, with and without faults (issue 13).

Queues ``--messages`` (default 1,000) in a fresh database, runs ``flask --app wsgi send-mail``
as a child process against an aiosmtpd relay on loopback, and counts at the relay:

- ``clean``: no faults;
- ``faults``: the worker SIGKILLed ``--kills`` times (default 10) while it sends, and the relay
  stopped for ``--outage`` seconds (default 30) in the middle; messages that failed during the
  outage wait out their backoff (1–2 minutes), as in production.

Prints per run: queued, sent (rows), received (at the relay), duplicates, lost, seconds to
drain, and the ratio of the faulty run's drain time to the clean one's.

    .venv/bin/python -m bench.mail
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/orglife_bench .venv/bin/python -m bench.mail
"""
import argparse
import os
import random
import signal
import tempfile
import time

from meetings import create_app
from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from tests.builders import RELAXED_LIMITS, empty_tables
from tests.faults import mail_rig


def main() -> None:
    args = _arguments()
    url = os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench-mail.db")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True, **RELAXED_LIMITS})
    print(f"[{app.config['DATABASE_URL'].split(':')[0]}] {args.messages} messages")
    with app.app_context():
        db.create_all()
        clean = run("clean", url, args, kills=0, outage=0)
        faulty = run("faults", url, args, kills=args.kills, outage=args.outage)
        print(f"drain time faults/clean ratio: {faulty / clean:.1f}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--outage", type=float, default=30.0)
    return parser.parse_args()


def run(label: str, url: str, args, *, kills: int, outage: float) -> float:
    db.session.remove()  # the last run's counts hold a transaction; PostgreSQL's TRUNCATE would wait on it
    empty_tables()
    db.session.commit()
    relay = mail_rig.relay(delay=0.002)
    relay.start()
    mail_rig.queue_messages(args.messages)
    worker = mail_rig.WorkerProcess(url, relay.url, interval=0.2, batch=50).start()
    started, rng = time.monotonic(), random.Random(7)
    for _ in range(kills):
        time.sleep(rng.uniform(0.3, 1.2))
        worker.kill()
        worker.start()
    if outage:
        relay.stop()
        time.sleep(outage)
        relay.start()
    mail_rig.wait_until(lambda: mail_rig.drained(args.messages), timeout=900, step=0.2)
    seconds = time.monotonic() - started
    worker.signal(signal.SIGTERM)
    relay.stop()
    arrivals = mail_rig.arrivals(relay)
    sent = mail_rig.statuses().get(OutboxStatus.SENT, 0)
    duplicates = sum(n - 1 for n in arrivals.values())
    print(f"{label}: queued {args.messages}, sent {sent}, received {sum(arrivals.values())}, "
          f"duplicates {duplicates} (interrupted deliveries recorded: {mail_rig.interrupted_total()}), "
          f"lost {args.messages - len(arrivals)}, kills {kills}, outage {outage:g} s, "
          f"drained in {seconds:.1f} s")
    return seconds


if __name__ == "__main__":
    main()
