"""Each benchmark and seed entry point imports on its own, in a fresh interpreter (an import
cycle hidden by whatever a test process loaded first broke ``bench.compliance`` once)."""
import pathlib
import subprocess
import sys

import pytest

from tests.outside_tools import unfaked_env

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODULES = sorted(f"bench.{p.stem}" for p in (ROOT / "bench").glob("*.py") if p.stem != "__init__") + [
    "meetings.seeding.scale.data", "meetings.seeding.demo"]


@pytest.mark.parametrize("module", MODULES)
def test_imports_alone(module):
    # No timeout: its polling sleep fails under faketime (EINVAL); the child itself runs unfaked.
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True,
                          text=True, env=unfaked_env())
    assert done.returncode == 0, done.stderr[-2000:]
