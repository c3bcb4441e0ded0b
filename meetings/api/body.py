"""JSON request bodies read strictly: every bad member is named in one 422, unknown members too.

A script that misspells ``titel`` hears about it instead of silently keeping the old title.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import request
from flask_babel import lazy_gettext as _l

from meetings.api.params import MAX_ID
from meetings.api.problems import ApiProblem, invalid
from meetings.domain.people import has_control_characters, normalize_line_separators

NOT_JSON = ("not-json", _l("请求体不是 JSON 对象"),
            _l("请以 Content-Type: application/json 发送一个 JSON 对象。"))


def json_object() -> dict:
    """The body as a JSON object, or a 415/400 problem."""
    if not request.is_json:
        raise ApiProblem(415, kind=NOT_JSON)
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: not a body any field could want
        data = None
    if not isinstance(data, dict):
        raise ApiProblem(400, kind=NOT_JSON)
    return data


@dataclass
class Body:
    """Reads members of a JSON object, collecting each problem before answering 422 once."""

    data: dict
    allowed: frozenset[str]
    errors: list[dict] = field(default_factory=list)

    def __post_init__(self):
        for name in sorted(set(self.data) - self.allowed):
            self.fail(name, _l("不认识的字段。"))

    def fail(self, name: str, message) -> None:
        self.errors.append({"field": name, "message": str(message)})

    def has(self, name: str) -> bool:
        return name in self.data

    def text(self, name: str, limit: int, *, required: bool = False, multiline: bool = False,
             default: str | None = None) -> str | None:
        value = self.data.get(name, default)
        if value is None:
            if required:
                self.fail(name, _l("必填。"))
            return None
        if not isinstance(value, str):
            self.fail(name, _l("须为字符串。"))
            return default
        if len(value) > limit:
            self.fail(name, _l("不能超过 %(n)s 个字符。", n=limit))
            return default
        if has_control_characters(value, multiline=multiline):
            self.fail(name, _l("含有不可见的控制字符。"))
            return default
        if required and not value.strip():
            self.fail(name, _l("必填。"))
        return normalize_line_separators(value, multiline=multiline)

    def integer(self, name: str, *, default: int | None = None, low: int = 1,
                high: int = MAX_ID) -> int | None:
        value = _whole(self.data.get(name, default))
        if value is None:
            return None
        if not _is_int(value) or not low <= value <= high:
            self.fail(name, _l("须为 %(low)s 到 %(high)s 之间的整数。", low=low, high=high))
            return default
        return value

    def ids(self, name: str, *, required: bool = False, default: list[int] | None = None) -> list[int]:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, _l("必填。"))
            return list(default or [])
        value = [_whole(v) for v in value] if isinstance(value, list) else None
        if value is None or not all(_is_int(v) and 1 <= v <= MAX_ID for v in value):
            self.fail(name, _l("须为 id（正整数）的数组。"))
            return list(default or [])
        return list(dict.fromkeys(value))

    def boolean(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, _l("须为 true 或 false。"))
            return default
        return value

    def moment(self, name: str, *, required: bool = False,
               default: datetime | None = None) -> datetime | None:
        """An instant in ISO 8601 with its offset (``Z`` or ``+08:00``): a bare local time is
        ambiguous for a branch that meets in Beijing time, so it is refused."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, _l("必填。"))
            return default
        parsed = _instant(value)
        if parsed is None:
            self.fail(name, _l("须为 1900 至 9998 年间带时区的 ISO 8601 时间，"
                               "例如 2026-07-01T14:30:00+08:00。"))
            return default
        return parsed

    def day(self, name: str) -> date | None:
        value = self.data.get(name)
        if value is None:
            return None
        try:
            if not isinstance(value, str) or not value.isascii() or len(value) != 10:
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.fail(name, _l("须为日期，例如 2026-07-01。"))
            return None

    def choice(self, name: str, enum, *, default=None):
        value = self.data.get(name)
        if value is None:
            return default
        try:
            return enum(value)
        except ValueError:
            self.fail(name, _l("只能是：%(values)s。", values="、".join(str(v) for v in enum)))
            return default

    def check(self) -> None:
        if self.errors:
            raise invalid(self.errors)


def _whole(value):
    """JSON has one number type: ``5847.0`` is the integer 5847."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # true is no id


def _instant(value) -> datetime | None:
    if not isinstance(value, str) or not value.isascii() or not 20 <= len(value) <= 35:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None or not 1900 <= parsed.year <= 9998:
        return None
    return parsed
