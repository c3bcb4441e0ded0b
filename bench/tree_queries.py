"""Subtree lookups at province scale: materialized-path prefix vs. a recursive CTE over parent_id.

Builds ~12,000 units (120 party committees × 25 branches × 3 groups) in a temporary SQLite
database (or ``DATABASE_URL``), then times both ways of fetching "everything under X" for
each party committee and prints the ratio measured in this one run. Also counts the SQL
statements a branch page issues (DESIGN §7: ≤ 20 per page).

    .venv/bin/python -m bench.tree_queries
"""
import os
import tempfile
import time

import sqlalchemy as sa

from meetings import create_app
from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models import Organization
from meetings.services import orgs
from tests.builders import RELAXED_LIMITS, make_world

UNITS, BRANCHES, GROUPS = 120, 25, 3


def build_tree() -> list[Organization]:
    root = orgs.create(None, name="工委", kind=OrgKind.COMMITTEE, parent=None)
    units = []
    for u in range(UNITS):
        unit = orgs.create(None, name=f"党委{u}", kind=OrgKind.PARTY_COMMITTEE, parent=root)
        units.append(unit)
        for b in range(BRANCHES):
            branch = orgs.create(None, name=f"支部{u}-{b}", kind=OrgKind.BRANCH, parent=unit)
            for g in range(GROUPS):
                orgs.create(None, name=f"小组{u}-{b}-{g}", kind=OrgKind.PARTY_GROUP, parent=branch)
    db.session.commit()
    return units


def subtree_by_cte(root: Organization) -> list[Organization]:
    """The textbook alternative: walk parent_id with a recursive CTE (same ORM loading)."""
    sub = sa.select(Organization.id).where(Organization.id == root.id).cte(recursive=True)
    sub = sub.union_all(sa.select(Organization.id).join(sub, Organization.parent_id == sub.c.id))
    query = sa.select(Organization).join(sub, Organization.id == sub.c.id)
    return list(db.session.scalars(query.where(Organization.is_active.is_(True))))


def timed(fn, units) -> tuple[float, int]:
    start, rows = time.perf_counter(), 0
    for unit in units:
        rows += fn(unit)
    return time.perf_counter() - start, rows


def main() -> None:
    url = os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.db")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, **RELAXED_LIMITS})
    with app.app_context():
        db.drop_all()
        db.create_all()
        units = build_tree()
        units = [db.session.get(Organization, u.id) for u in units]
        db.session.expunge_all()
        path_time, path_rows = timed(lambda u: len(orgs.subtree(u)), units)
        db.session.expunge_all()
        cte_time, cte_rows = timed(lambda u: len(subtree_by_cte(u)), units)
        assert path_rows == cte_rows
        print(f"units: {len(db.session.scalars(sa.select(Organization.id)).all())}, "
              f"subtree rows fetched: {path_rows}")
        print(f"materialized path / recursive CTE time: {path_time / cte_time:.2f}x")
        print(f"statements on a branch page: {count_branch_page_statements(app)}")
        db.drop_all()


def count_branch_page_statements(app) -> int:
    world = make_world()
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"login": "secretary", "password": "correct-horse-battery"})
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    client.get(f"/orgs/{world.a1.id}")
    sa.event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


if __name__ == "__main__":
    main()
