"""The outbox worker as a real process, killed and stopped while it sends to a real relay.

Measured, not assumed: every message arrives (none lost); a SIGKILL costs at most one
duplicate, which the row records as an interrupted delivery with the same Message-ID;
a SIGTERM finishes the message in hand and stops with nothing doubled.
"""
import random
import signal

import pytest

from meetings.domain.terms import OutboxStatus
from tests.faults import mail_rig


@pytest.fixture
def slow_relay():
    server = mail_rig.relay(delay=0.03)
    server.start()
    yield server
    server.stop()


def test_twenty_kills_mid_batch_lose_nothing_and_double_at_most_one_each(ctx, worker_process, slow_relay):
    total, kills, rng = 120, 20, random.Random(13)
    mail_rig.queue_messages(total)
    worker = worker_process(slow_relay.url)
    for _ in range(kills):
        worker.start()
        # Wait for the worker to be at work, then kill it somewhere inside a delivery.
        mail_rig.wait_until(lambda before=len(slow_relay.handler.envelopes): len(slow_relay.handler.envelopes)
                            > before, timeout=30, step=0.01)
        mail_rig.pause(rng.uniform(0.0, 0.06))
        worker.kill()
    worker.start()
    assert mail_rig.wait_until(lambda: mail_rig.drained(total), timeout=120), mail_rig.statuses()
    worker.signal(signal.SIGTERM)
    arrivals = mail_rig.arrivals(slow_relay)
    duplicates = sum(n - 1 for n in arrivals.values())
    print(f"\n{kills} SIGKILLs: {total} queued, {len(arrivals)} distinct received, {duplicates} duplicates, "
          f"{mail_rig.interrupted_total()} interrupted deliveries recorded")
    assert len(arrivals) == total, "a message was lost"
    assert duplicates <= kills
    assert duplicates <= mail_rig.interrupted_total(), "every duplicate is recorded on its row"
    assert mail_rig.statuses() == {OutboxStatus.SENT: total}


def test_sigterm_finishes_the_message_in_hand_and_doubles_nothing(ctx, worker_process, slow_relay):
    total = 60
    mail_rig.queue_messages(total)
    worker = worker_process(slow_relay.url).start()
    assert mail_rig.wait_until(lambda: len(slow_relay.handler.envelopes) >= 10, timeout=30, step=0.01)
    assert worker.signal(signal.SIGTERM) == 0
    assert "已停止 Stopped." in worker.output
    counts = mail_rig.statuses()
    assert OutboxStatus.SENDING not in counts, "a clean stop leaves no delivery half done"
    assert counts[OutboxStatus.SENT] == len(slow_relay.handler.envelopes) < total
    worker.start()
    assert mail_rig.wait_until(lambda: mail_rig.drained(total), timeout=60)
    worker.signal(signal.SIGTERM)
    arrivals = mail_rig.arrivals(slow_relay)
    assert len(arrivals) == total and set(arrivals.values()) == {1}
    assert mail_rig.interrupted_total() == 0


def test_a_relay_outage_loses_nothing_and_the_worker_keeps_running(ctx, worker_process):
    server = mail_rig.relay()
    server.start()
    server.stop()  # the port is known; the relay is down when the worker starts
    total = 20
    mail_rig.queue_messages(total)
    worker = worker_process(server.url).start()
    assert mail_rig.wait_until(lambda: mail_rig.statuses().get(OutboxStatus.PENDING) == total
                               and mail_rig.attempted(total), timeout=30)
    server.start()
    try:
        mail_rig.retry_now()  # instead of waiting out the first minute of backoff
        assert mail_rig.wait_until(lambda: mail_rig.drained(total), timeout=60)
        assert worker.alive()
    finally:
        worker.signal(signal.SIGTERM)
        server.stop()
    assert len(mail_rig.arrivals(server)) == total
