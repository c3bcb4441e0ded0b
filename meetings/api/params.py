"""Query parameters read strictly (a bad value is a 422 naming it) and keyset pagination.

Lists are ``{"items": [...], "next": URL | null}`` in id order: ``?after=<last id>`` continues,
so a page costs the same statements however deep it is (never OFFSET).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import request
from flask_babel import lazy_gettext as _l

from meetings.api.output import external, json_response
from meetings.api.problems import invalid
from meetings.extensions import db

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_ID = 2**31 - 1  # the database's integer range, as the URL converter


@dataclass
class Args:
    """Reads ``request.args``, collecting every problem before answering 422 once."""

    errors: list[dict] = field(default_factory=list)

    def fail(self, name: str, message) -> None:
        self.errors.append({"field": name, "message": str(message)})

    def text(self, name: str) -> str | None:
        value = request.args.get(name)
        return value.strip() if value is not None else None

    def integer(self, name: str, default: int | None, low: int, high: int, message) -> int | None:
        raw = self.text(name)
        if raw is None or raw == "":
            return default
        if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
            self.fail(name, message)
            return default
        return int(raw)

    def check(self) -> None:
        if self.errors:
            raise invalid(self.errors)


@dataclass(frozen=True)
class Page:
    per_page: int
    after: int


def page_args(args: Args) -> Page:
    per_page = args.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE,
                            _l("每页条数须为 1 到 %(n)s 之间的整数。", n=MAX_PER_PAGE))
    after = args.integer("after", 0, 0, MAX_ID, _l("after 须为上一页最后一项的 id（非负整数）。"))
    return Page(per_page, after)


def listing(query: sa.Select, id_column, page: Page, shape: Callable[[Sequence], list[dict]]):
    """One page of ``query`` (already filtered by permission) after ``page.after``, as JSON."""
    rows = db.session.scalars(query.where(id_column > page.after).order_by(id_column)
                              .limit(page.per_page + 1)).unique().all()
    more = len(rows) > page.per_page
    rows = rows[:page.per_page]
    following = None
    if more:
        args = {**request.args.to_dict(), "after": rows[-1].id}
        following = external(request.endpoint, **(request.view_args or {}), **args)
    return json_response({"items": shape(rows), "next": following})
