"""The Makefile's targets: each one it declares does something."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MAKEFILE = Path(settings.BASE_DIR) / "Makefile"


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-f", str(MAKEFILE), *args],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=MAKEFILE.parent,
        check=False,
        timeout=60,
    )


def test_every_declared_target_has_a_recipe():
    declared = re.search(r"^\.PHONY:(.*?)(?<!\\)$", MAKEFILE.read_text(), re.MULTILINE | re.DOTALL)
    assert declared is not None
    targets = declared.group(1).replace("\\\n", " ").split()

    idle = [target for target in targets if "Nothing to be done" in _make("-n", target).stdout]

    assert idle == []


def test_e2e_deps_finds_the_browser_the_tests_will_use():
    found = _make("-s", "e2e-deps", f"CHROMIUM_PATH={sys.executable}")
    missing = _make("-s", "e2e-deps", "CHROMIUM_PATH=/nowhere/chromium")

    assert (found.returncode, found.stdout) == (0, f"{sys.executable} is there: the browser tests will use it.\n")
    assert missing.returncode != 0
    assert "CHROMIUM_PATH names /nowhere/chromium" in missing.stderr
