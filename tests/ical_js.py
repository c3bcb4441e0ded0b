"""Mozilla's ical.js (Thunderbird's parser) over our .ics bytes, through tests/js/check_ical.mjs.

Needs node and ``npm ci`` in tests/js: without them the calling test is skipped, or failed when
REQUIRE_ALL=1 (CI installs both).
"""
import json
import shutil
import subprocess
from pathlib import Path

from tests.outside_tools import require, unfaked_env, write_ics

JS_DIR = Path(__file__).resolve().parent / "js"


def missing_tooling() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (JS_DIR / "node_modules" / "ical.js").is_dir():
        return "ical.js is not installed: run `npm ci` in tests/js"
    return None


def read_with_ical_js(files: dict[str, bytes], folder: Path) -> dict[str, dict]:
    """{name: {"method", "events": [{uid, summary, status, sequence, zone, start, end}]}}."""
    require(missing_tooling())
    paths = write_ics(files, folder)
    # node only parses the files: it needs no clock, and under CI's faketime it cannot start.
    # No timeout: Popen's timed wait sleeps with time.sleep, which fails there (EINVAL).
    env = unfaked_env()
    result = subprocess.run(["node", str(JS_DIR / "check_ical.mjs"), *map(str, paths.values())],
                            capture_output=True, text=True, check=False, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    printed = json.loads(result.stdout)
    return {name: printed[str(path)] for name, path in paths.items()}
