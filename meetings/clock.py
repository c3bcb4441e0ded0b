"""The site's one clock (时钟): the real time, or an instant pinned by the tests.

Domain code never reads a clock; it is given ``now``. The shell (views, CLI commands,
column defaults, services' fallbacks) asks here, so that a test can pin the instant and
the suite gives the same answers at any wall-clock hour, in any time zone.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
_pinned: datetime | None = None


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (the pinned one, when pinned)."""
    return _pinned if _pinned is not None else datetime.now(UTC)


def today_in_beijing() -> date:
    """Today's date where the branches are: a day starts at 00:00 Beijing, 16:00 UTC."""
    return utcnow().astimezone(BEIJING).date()


def pinned() -> datetime | None:
    """The instant the clock is pinned at, or None when it runs (tests read "now" here, never
    the wall clock)."""
    return _pinned


def pin(instant: datetime | None) -> None:
    """Stop the clock at ``instant`` (aware), or let it run again with ``None``."""
    global _pinned
    if instant is not None and instant.tzinfo is None:
        raise ValueError("pin the clock to an aware datetime")
    _pinned = instant.astimezone(UTC) if instant is not None else None


def advance(delta: timedelta) -> datetime:
    """Move a pinned clock on by ``delta``; returns the new instant."""
    if _pinned is None:
        raise RuntimeError("only a pinned clock can be advanced")
    pin(_pinned + delta)
    return _pinned
