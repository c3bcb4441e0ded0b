"""A PostgreSQL database of its own for each pytest-xdist worker (``-n 2`` in CI).

Every worker runs the whole app against ``TEST_DATABASE_URL``; two of them in one database
would empty each other's tables. So a worker points the variable at ``<name>_<worker>``,
made fresh here and dropped when the worker ends.
"""
import os

import sqlalchemy as sa
from sqlalchemy.engine import make_url


def _server(url) -> sa.Engine:
    return sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def claim(worker: str) -> str | None:
    """Point ``TEST_DATABASE_URL`` at this worker's own fresh database; returns its name."""
    raw = os.environ.get("TEST_DATABASE_URL", "")
    if not raw.startswith("postgresql"):
        return None
    url = make_url(raw)
    name = f"{url.database}_{worker}"
    engine = _server(url)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    os.environ["TEST_DATABASE_URL"] = url.set(database=name).render_as_string(hide_password=False)
    return name


def release(name: str) -> None:
    engine = _server(make_url(os.environ["TEST_DATABASE_URL"]))
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
