"""The instant every test runs at, whatever the wall clock says: a Wednesday morning in Beijing.

CI also runs the suite pinned at instants that straddle Beijing midnight and a year end
(ORGLIFE_TEST_NOW, with the process itself under faketime at the same instant). The site's
clock is pinned here for every test (conftest's ``clock``); a test that needs "now" uses
``TEST_NOW`` rather than asking a clock.
"""
import os
from datetime import datetime

TEST_NOW = datetime.fromisoformat(os.environ.get("ORGLIFE_TEST_NOW") or "2026-11-25T10:00:00+08:00")
if TEST_NOW.tzinfo is None:
    raise ValueError("ORGLIFE_TEST_NOW needs an offset, e.g. 2026-12-31T17:30:00+00:00")


def pinned_now() -> datetime:
    """The site clock's pinned instant: ``TEST_NOW``, or where a test has moved it since. Never
    the wall clock — an unpinned clock here is a test bug, not a fallback."""
    from meetings import clock

    instant = clock.pinned()
    if instant is None:
        raise RuntimeError("the site's clock is not pinned (the autouse ``clock`` fixture pins it)")
    return instant
