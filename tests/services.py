"""The local services, driven from tests that see what one failing service does (`make services-up` first)."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def services(*args: str) -> subprocess.CompletedProcess[str]:
    """``scripts/services.sh`` with ``args``, e.g. ``services("stop", "redis")``.

    Stopping a service breaks every other test running at the time, so a test that does
    is marked ``faults`` and runs alone, after the parallel run (``make test-services``):
    in a pytest-xdist worker it is refused.
    """
    if args and args[0] == "stop" and os.environ.get("PYTEST_XDIST_WORKER"):
        raise RuntimeError(
            "a test that stops a service must be marked faults: it runs alone, never beside other workers"
        )
    return subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "services.sh"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
