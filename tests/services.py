"""The local services, driven from tests that see what one failing service does (`make services-up` first)."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def services(*args: str) -> subprocess.CompletedProcess[str]:
    """``scripts/services.sh`` with ``args``, e.g. ``services("stop", "redis")``."""
    return subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "services.sh"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
