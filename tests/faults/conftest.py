"""Fault tests inject the fault for real: processes killed, servers stopped, requests raced."""
import os

import pytest

from tests.faults import mail_rig, pg_cluster


@pytest.fixture
def database_url(app) -> str:
    """Where a child process finds the test's database."""
    return app.config["DATABASE_URL"]


@pytest.fixture
def worker_process(database_url):
    """Make ``send-mail`` child processes; any left running when the test ends is killed, so a
    failed test never leaves a worker sending the next test's mail."""
    made = []

    def make(smtp_url: str, **options) -> mail_rig.WorkerProcess:
        made.append(mail_rig.WorkerProcess(database_url, smtp_url, **options))
        return made[-1]

    yield make
    for worker in made:
        if worker.alive():
            worker.kill()


@pytest.fixture(scope="module")
def cluster():
    """A private PostgreSQL cluster with an empty ``orglife`` database, for one test module."""
    reason = pg_cluster.available()
    if reason:
        if os.environ.get("REQUIRE_ALL") == "1":
            pytest.fail(f"REQUIRE_ALL=1 but no private PostgreSQL cluster: {reason}")
        pytest.skip(reason)
    made = pg_cluster.Cluster()
    made.start()
    made.sql("CREATE DATABASE orglife")
    yield made
    made.remove()
