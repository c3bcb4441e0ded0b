"""libical (Evolution, GNOME Calendar) over our .ics bytes, through tests/tools/libical_expand.py
under Debian's own Python, which has PyGObject and the ICalGLib typelib (python3-gi,
gir1.2-ical-3.0). Without them the calling test is skipped, or failed when REQUIRE_ALL=1 (CI
installs both).
"""
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from tests.outside_tools import require, unfaked_env, write_ics

SYSTEM_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).resolve().parent / "tools" / "libical_expand.py"


def missing_tooling() -> str | None:
    if not os.path.exists(SYSTEM_PYTHON):
        return "no system Python at /usr/bin/python3"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
                           capture_output=True, env=_env(), check=False)
    if probe.returncode != 0:
        return "libical's GObject bindings are missing: apt-get install python3-gi gir1.2-ical-3.0"
    return None


def expand_with_libical(files: dict[str, bytes], folder: Path) -> dict[str, list[datetime]]:
    """{name: sorted UTC starts of every occurrence of every event in that file}."""
    require(missing_tooling())
    paths = write_ics(files, folder)
    result = subprocess.run([SYSTEM_PYTHON, str(SCRIPT), *map(str, paths.values())], capture_output=True,
                            text=True, env=_env(), check=False)
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    return {name: [datetime.strptime(s, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) for s in read[str(path)]]
            for name, path in paths.items()}


def _env() -> dict[str, str]:
    return unfaked_env("VIRTUAL_ENV", "PYTHONPATH")  # Debian's Python, not our virtualenv
