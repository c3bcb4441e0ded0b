"""What the checks that run another program (ical.js under node, libical under Debian's
Python) share: skip without the tool — or fail, when CI says everything must run — the .ics
files written for it, and an environment without faketime (they only parse files, and under
faketime node cannot start)."""
import os
from pathlib import Path

import pytest


def require(missing: str | None) -> None:
    """Skip the calling test for ``missing`` (a reason, or None when the tool is there); under
    REQUIRE_ALL=1 fail instead."""
    if missing:
        if os.environ.get("REQUIRE_ALL") == "1":
            pytest.fail(f"REQUIRE_ALL=1 but {missing}")
        pytest.skip(missing)


def write_ics(files: dict[str, bytes], folder: Path) -> dict[str, Path]:
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.ics"
        paths[name].write_bytes(data)
    return paths


def unfaked_env(*drop: str) -> dict[str, str]:
    """This process's environment without faketime's variables (and ``drop``)."""
    return {k: v for k, v in os.environ.items()
            if k != "LD_PRELOAD" and not k.startswith("FAKETIME") and k not in drop}
