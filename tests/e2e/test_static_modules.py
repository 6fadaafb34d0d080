"""The scripts are ES modules: collected with hashed names (DEBUG off), every import still finds its file."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from django.conf import settings

# What the templates load; everything else is reached through their imports.
ENTRY_POINTS = [
    "js/player/main.js",
    "js/studio.js",
    "js/lyrics-editor.js",
    "js/playlists.js",
    "js/search.js",
    "js/preview.js",
]
IMPORT = re.compile(
    r"""(?:\bimport|\bexport)\b[^"';]*?\bfrom\s*["']([^"']+)["']\s*;|\bimport\s*\(?\s*["']([^"']+)["']"""
)
HASHED = re.compile(r"\.[0-9a-f]{12}\.js$")


def _imports(text: str) -> list[str]:
    return [a or b for a, b in IMPORT.findall(text)]


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``manage.py collectstatic`` as a deploy runs it: DEBUG off, into a fresh STATIC_ROOT (no compressed copies)."""
    root = tmp_path_factory.mktemp("static-root")
    env = {
        **os.environ,
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "tests.collectstatic_settings",  # the project's, without compressing
        "STATIC_ROOT": str(root),
        "SECRET_KEY": "collectstatic-test-key-" + "x" * 40,
        "EDGE_SIGNING_KEY": "collectstatic-test-edge-key-" + "y" * 40,
        "SUBSONIC_SECRET_KEY": "collectstatic-test-subsonic-key-" + "z" * 40,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=240,
    )
    return root


def test_every_module_import_points_at_a_hashed_file_that_was_collected(collected: Path) -> None:
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    hashed_names = set(manifest.values())
    seen: dict[str, list[str]] = {}
    waiting = [manifest[name] for name in ENTRY_POINTS]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        text = (collected / name).read_text()
        seen[name] = []
        for url in _imports(text):
            assert url.startswith("./") or url.startswith("../"), (name, url)
            target = str(PurePosixPath(os.path.normpath(PurePosixPath(name).parent / url)))
            assert HASHED.search(target), f"{name} imports {url}, a name that is not hashed"
            assert target in hashed_names, f"{name} imports {url}, which is not in the manifest"
            assert (collected / target).is_file(), f"{name} imports {url}, which was not collected"
            seen[name].append(target)
            waiting.append(target)

    player = manifest["js/player/main.js"]
    assert HASHED.search(player)
    assert len(seen[player]) >= 8  # the player is made of its modules, not one file
    # One shared module for the API: every page script imports the very same hashed file.
    http = manifest["js/http.js"]
    for entry in ["js/studio.js", "js/playlists.js", "js/search.js"]:
        assert http in seen[manifest[entry]], entry
