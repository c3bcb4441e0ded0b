"""What every schemathesis example against /api/v1 starts from: the test world with meetings in
every state, one role's token, and the ids that exist.

A refused write must leave the database exactly as it was; an accepted one marks the scene
dirty, and the next example starts from a world built again.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from unittest import mock

import sqlalchemy as sa
from flask import Flask
from schemathesis import Case, Response
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from meetings.extensions import db
from meetings.services import minutes, notify, scheduling
from tests.api_client import bearer
from tests.builders import World, empty_tables, make_world
from tests.compliance_builders import add_meeting, install_rules
from tests.fixed_time import pinned_now
from tests.meeting_builders import NOW, held_meeting_with_final_minutes, make_meeting, make_started_meeting

# The contract: no 5xx, and status, media type, headers and body as documented.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TABLE_OF = {"org_id": "organization"}  # path parameters not named <table>_id
MAX_COMBINATIONS = 100  # a path with two ids would otherwise try every pair


def populate(world: World) -> None:
    """a1's meetings in every state (scheduled, cancelled, held with final minutes, with a draft,
    a group's), and one each of a2 and b1, which a1's member may not see."""
    types = install_rules()
    with mock.patch.object(notify, "meeting_mail"):  # the invitations' mail is most of the cost
        held_meeting_with_final_minutes(world)
        drafted = make_started_meeting(world, started=timedelta(hours=3))
        minutes.save_draft(world["recorder"], drafted, "## 草稿\n\n待补充。", 0, pinned_now())
        make_meeting(world)
        cancelled = make_meeting(world, title="党课：学习党章", code="party_lecture")
        scheduling.cancel_meeting(world["secretary"], cancelled, "书记出差，另行通知。", NOW)
    add_meeting(world.a1, [types["group_meeting"]], NOW - timedelta(days=10), group=world.g1)
    add_meeting(world.a2, [types["theme_day"]], NOW - timedelta(days=20))
    add_meeting(world.b1, [types["branch_assembly"]], NOW - timedelta(days=30), quorum_met=True)


def snapshot() -> dict[str, list]:
    """Every row of every table as the driver reads it, in key order (plain SQL: it runs after
    every write; on a connection of its own, closed at once)."""
    with db.engine.connect() as conn:
        quote = conn.dialect.identifier_preparer.quote
        return {table.name: conn.exec_driver_sql(
                    f"SELECT * FROM {quote(table.name)} ORDER BY "
                    + ", ".join(quote(column.name) for column in table.primary_key.columns)).all()
                for table in db.metadata.sorted_tables}


@dataclass
class Scene:
    """One role's token on the populated world; ``dirty`` once a write was accepted."""

    app: Flask
    login: str
    read_only: bool
    headers: dict = field(default_factory=dict)
    ids: dict[str, list[int]] = field(default_factory=dict)
    dirty: bool = False
    _rows: dict | None = None  # the database as it was before the last write (reads touch the token)

    def open(self, world: World) -> Scene:
        """Issue the token and note the ids; ORM objects are not kept (sessions come and go)."""
        self.headers = bearer(world[self.login], read_only=self.read_only)
        with db.engine.connect() as conn:
            self.ids = {table.name: list(conn.scalars(sa.select(table.c.id).order_by(table.c.id)))
                        for table in db.metadata.sorted_tables if "id" in table.c}
        db.session.remove()
        return self

    def start(self) -> None:
        """Before each example: no session left open, and the world as built."""
        db.session.remove()
        if self.dirty:
            empty_tables()
            world = make_world()
            populate(world)
            db.session.commit()
            self.dirty, self._rows = False, None
            self.open(world)

    def call(self, case: Case) -> Response:
        """Send ``case`` in-process, in a fresh app context, with this scene's token."""
        writes = case.method.upper() not in SAFE_METHODS
        if writes and self._rows is None:
            self._rows = snapshot()
        response = case.call(app=self.app, session=self.app.test_client(), headers=self.headers)
        if not writes:
            self._rows = None
        elif response.status_code < 400:
            self.dirty, self._rows = True, None
        else:
            after = snapshot()
            changed = [name for name, rows in self._rows.items() if after[name] != rows]
            assert not changed, f"{case.method} {case.formatted_path} answered {response.status_code} " \
                                f"but changed {changed}"
        return response

    def current_etag(self, case: Case) -> str | None:
        """The ETag of what ``case`` would change: a GET of its path, else of the path above
        (``/meetings/7/cancel`` guards ``/meetings/7``)."""
        self._rows = None  # a read may touch the token
        path = case.operation.schema.get_full_path(case.formatted_path)
        client = self.app.test_client()
        for url in (path, path.rsplit("/", 1)[0]):
            tag = client.get(url, headers=self.headers).headers.get("ETag")
            if tag:
                return tag
        return None

    def exercise(self, case: Case) -> Response:
        """From the known state: call, then every check of the contract."""
        self.start()
        response = self.call(case)
        case.validate_response(response, checks=CHECKS)
        return response

    def path_ids(self, names: list[str]) -> Iterator[dict[str, int]]:
        """Every combination of existing ids for these path parameters (at most MAX_COMBINATIONS)."""
        tables = [TABLE_OF.get(name, name.removesuffix("_id")) for name in names]
        unknown = [n for n, t in zip(names, tables, strict=True) if t not in self.ids]
        assert not unknown, f"no table for path parameter(s) {unknown}: add them to TABLE_OF"
        combinations = itertools.product(*(self.ids[t] for t in tables))
        for values in itertools.islice(combinations, MAX_COMBINATIONS):
            yield dict(zip(names, values, strict=True))
