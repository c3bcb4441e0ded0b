"""The compliance dashboard at province scale (DESIGN §7): its time against its bare SQL.

Builds (or reuses) the scale province with ``seed-scale`` — a SQLite file in the temp folder
per size, and, when ``DATABASE_URL`` is a PostgreSQL URL, that database (it must be empty or
hold the province already) — then, on each database:

- requests ``/compliance`` for the whole province and one year through the Flask test client,
  signed in as a committee administrator: template, session and all;
- records the SQL statements that request sent (with their parameters) and replays exactly
  those on a raw DB-API connection, fetching every row: the bare SQL the page needs;
- prints the best of ``--repeat`` rounds of each and ``dashboard/bare-sql ratio: X.XX
  (statements: N)``. Goal ≤ 1.5 at 3,000 branches;
- does the same for the dashboard as of a past date (``--as-of``), which reads what had been
  recorded by then (each meeting's newest fact version, the tree's spans), and prints
  ``as-of/live ratio``: what reproducing a past 通报 costs against today's view;
- times the overseer's work list (``/worklist``, every branch ranked; and its XLSX) and prints
  ``work list/dashboard ratio``. Goal ≤ 2.

    .venv/bin/python -m bench.compliance --branches 3000
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/orglife_scale .venv/bin/python -m bench.compliance
"""
import argparse
import os
import tempfile
import time

import sqlalchemy as sa

from meetings import create_app
from meetings.domain.terms import Role
from meetings.extensions import db
from meetings.models import Organization, Person
from meetings.seeding.scale.data import ROOT_NAME
from meetings.services import accounts, roster
from tests.builders import RELAXED_LIMITS

LOGIN, PASSWORD = "bench-admin", "qiu-tian-7391-lan"  # the login may not be in the password


def main() -> None:
    args = _arguments()
    sqlite = os.path.join(tempfile.gettempdir(), f"orglife-bench-compliance-{args.branches}-{args.year}.db")
    run("sqlite", "sqlite:///" + sqlite, args)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        run("postgresql", url, args)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=3000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--as-of", dest="as_of", default="2026-11-26")
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def run(label: str, url: str, args: argparse.Namespace) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "TESTING": True, **RELAXED_LIMITS})
    print(f"[{label}] {args.branches} branches, year {args.year}, as of {args.as_of}")
    _build(app, args)
    client = app.test_client()
    client.post("/login", data={"login": LOGIN, "password": PASSWORD})
    timings = {}
    for view, path in (("live", f"/compliance?period={args.year}"),
                       ("as-of", f"/compliance?period={args.year}&as_of={args.as_of}")):
        statements = _statements(app, client, path)
        page = _best(args.repeat, lambda path=path: _get(client, path))
        bare = _best(args.repeat, lambda statements=statements: _replay(app, statements))
        timings[view] = page
        print(f"{view} dashboard (HTTP, rendered): {page * 1000:.1f} ms · bare SQL: {bare * 1000:.1f} ms")
        print(f"{view} dashboard/bare-sql ratio: {page / bare:.2f} (statements: {len(statements)}, "
              f"rows shown: {_rows_shown(client, path)})")
    print(f"as-of/live ratio: {timings['as-of'] / timings['live']:.2f}")
    # The overseer's work list ranks every branch (the 通报's aggregate by branch, plus minutes
    # and campaigns): goal ≤ 2× the dashboard.
    for view, path in (("work list", f"/worklist?period={args.year}"),
                       ("work list XLSX", f"/worklist.xlsx?period={args.year}")):
        page = _best(args.repeat, lambda path=path: _get(client, path))
        print(f"{view}: {page * 1000:.1f} ms (statements: {len(_statements(app, client, path))}) · "
              f"{view}/dashboard ratio: {page / timings['live']:.2f}")
    with app.app_context():
        db.engine.dispose()


def _build(app, args: argparse.Namespace) -> None:
    """The province via the real commands, and an administrator of its root to sign in with."""
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed-scale", "--branches", str(args.branches), "--year",
                                        str(args.year), "--as-of", args.as_of]):
        result = runner.invoke(args=command)
        if result.exit_code != 0:
            raise SystemExit(f"{' '.join(command)} failed: {result.output}")
        print("  " + result.output.strip().splitlines()[-1] if result.output.strip() else "")
    with app.app_context():
        if db.session.scalar(sa.select(Person).where(Person.login == LOGIN)) is None:
            root = db.session.scalar(sa.select(Organization).where(Organization.name == ROOT_NAME))
            admin = accounts.create_officer(None, name="基准测试管理员", login=LOGIN, password=PASSWORD)
            roster.assign_role(None, admin, root, Role.ADMIN)
            db.session.commit()


def _get(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")


def _rows_shown(client, path: str) -> int:
    """Units on the page: an as-of view that found no tree would be fast and empty."""
    return client.get(path).get_data(as_text=True).count('<th scope="row" class="name">')


def _statements(app, client, path: str) -> list[tuple[str, object]]:
    """Every statement one dashboard request sends, with its parameters as sent to the driver."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            _get(client, path)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    return seen


def _replay(app, statements: list[tuple[str, object]]) -> None:
    """The same statements on a raw DB-API connection, every row fetched, nothing built."""
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            cursor.close()
            raw.rollback()
        finally:
            raw.close()


def _best(rounds: int, work) -> float:
    work()  # warm caches and the connection pool
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


if __name__ == "__main__":
    main()
