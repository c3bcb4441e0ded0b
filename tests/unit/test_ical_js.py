"""Mozilla's ical.js (Thunderbird's parser) reads our .ics output with the same UTC times as Python.

Needs node and ``npm ci`` in tests/js; skipped without them, failed instead when REQUIRE_ALL=1.
"""
import json
import os
import shutil
import subprocess
from datetime import UTC
from pathlib import Path

import icalendar
import pytest

from tests.ical_checks import sample_messages

JS_DIR = Path(__file__).resolve().parent.parent / "js"


def _missing_tooling() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (JS_DIR / "node_modules" / "ical.js").is_dir():
        return "ical.js is not installed: run `npm ci` in tests/js"
    return None


@pytest.fixture(scope="module")
def parsed_by_ical_js(tmp_path_factory):
    """{name: (our bytes, what check_ical.mjs printed for that file)} for the golden messages."""
    reason = _missing_tooling()
    if reason:
        if os.environ.get("REQUIRE_ALL") == "1":
            pytest.fail(f"REQUIRE_ALL=1 but {reason}")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("ics")
    paths = {}
    for name, data in sample_messages().items():
        paths[name] = folder / f"{name}.ics"
        paths[name].write_bytes(data)
    result = subprocess.run(["node", str(JS_DIR / "check_ical.mjs"), *map(str, paths.values())],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    printed = json.loads(result.stdout)
    return {name: (path.read_bytes(), printed[str(path)]) for name, path in paths.items()}


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
