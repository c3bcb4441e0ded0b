"""Mozilla's ical.js (Thunderbird's parser) reads our .ics output with the same UTC times as Python.

Needs node and ``npm ci`` in tests/js (see ``tests/ical_js.py``).
"""
from datetime import UTC

import icalendar
import pytest

from tests.ical_checks import sample_messages
from tests.ical_js import read_with_ical_js


@pytest.fixture(scope="module")
def parsed_by_ical_js(tmp_path_factory):
    """{name: (our bytes, what check_ical.mjs printed for that file)} for the golden messages."""
    messages = sample_messages()
    printed = read_with_ical_js(messages, tmp_path_factory.mktemp("ics"))
    return {name: (messages[name], printed[name]) for name in messages}


def _python_view(data: bytes) -> list[dict]:
    """What icalendar reads, in check_ical.mjs's shape."""
    return [{
        "uid": str(event["UID"]), "summary": str(event["SUMMARY"]), "status": str(event["STATUS"]),
        "sequence": event["SEQUENCE"], "zone": getattr(event.start.tzinfo, "key", None),
        "start": event.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "end": event.end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    } for event in icalendar.Calendar.from_ical(data).events]


@pytest.mark.parametrize("name, method", [
    ("invite", "REQUEST"), ("update", "REQUEST"), ("cancel", "CANCEL"), ("feed", "PUBLISH")])
def test_ical_js_agrees_with_python(parsed_by_ical_js, name, method):
    data, printed = parsed_by_ical_js[name]
    assert printed["method"] == method
    assert printed["events"] == _python_view(data)


def test_ical_js_reads_beijing_afternoon_as_morning_utc(parsed_by_ical_js):
    (event,) = parsed_by_ical_js["invite"][1]["events"]
    assert (event["zone"], event["start"], event["end"]) == (
        "Asia/Shanghai", "2026-07-01T06:30:00.000Z", "2026-07-01T08:30:00.000Z")
