"""Fault tests inject the fault for real: processes killed, servers stopped, requests raced."""
import pytest

from tests.faults import mail_rig


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
