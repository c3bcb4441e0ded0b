"""Fault tests inject the fault for real: processes killed, servers stopped, requests raced."""
import pytest


@pytest.fixture
def database_url(app) -> str:
    """Where a child process finds the test's database."""
    return app.config["DATABASE_URL"]
