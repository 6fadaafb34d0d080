"""A developer's install runs with keys of its own, made once in var/secrets.env and kept."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from spotifyclone.local_secrets import local_secrets_load
from streaming.signing import signed_url
from streaming.storage import renditions_storage

NAMES = ["SECRET_KEY", "EDGE_SIGNING_KEY"]
# The keys the source code once held: known to anyone who ever read it.
PUBLISHED_KEYS = {"django-insecure-development-key-do-not-deploy", "development-edge-signing-key"}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_first_start_makes_the_keys_and_later_starts_read_them_back(tmp_path):
    path = tmp_path / "var" / "secrets.env"

    first = local_secrets_load(path=path, names=NAMES)
    second = local_secrets_load(path=path, names=NAMES)

    assert list(first) == NAMES
    assert [len(value) for value in first.values()] == [67, 67]
    assert first["SECRET_KEY"] != first["EDGE_SIGNING_KEY"]
    assert second == first
    assert (_mode(path.parent), _mode(path)) == (0o700, 0o600)
    assert os.listdir(path.parent) == ["secrets.env"]


def test_two_machines_never_share_a_key(tmp_path):
    laptop = local_secrets_load(path=tmp_path / "laptop" / "secrets.env", names=NAMES)
    desktop = local_secrets_load(path=tmp_path / "desktop" / "secrets.env", names=NAMES)

    assert laptop["SECRET_KEY"] != desktop["SECRET_KEY"]
    assert laptop["EDGE_SIGNING_KEY"] != desktop["EDGE_SIGNING_KEY"]


def test_a_key_missing_from_the_file_is_added_and_the_others_kept(tmp_path):
    path = tmp_path / "secrets.env"
    path.write_text("SECRET_KEY=kept-from-before\n")

    values = local_secrets_load(path=path, names=NAMES)

    assert values["SECRET_KEY"] == "kept-from-before"
    assert len(values["EDGE_SIGNING_KEY"]) == 67
    assert local_secrets_load(path=path, names=NAMES) == values


def test_processes_starting_at_once_all_use_the_one_file(tmp_path):
    """As test workers and the autoreloader do: whoever writes first, every one reads the same keys."""
    path = tmp_path / "var" / "secrets.env"
    module = Path(__file__).resolve().parents[2] / "spotifyclone" / "local_secrets.py"
    # The module alone, as settings load it, without the rest of the package.
    script = (
        "import importlib.util, json, sys; from pathlib import Path; "
        f"spec = importlib.util.spec_from_file_location('local_secrets', {str(module)!r}); "
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); "
        f"print(json.dumps(module.local_secrets_load(path=Path(sys.argv[1]), names={NAMES!r})))"
    )
    starts = [
        subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True) for _ in range(6)
    ]
    outputs = [json.loads(process.communicate(timeout=60)[0]) for process in starts]

    assert [process.returncode for process in starts] == [0] * 6
    assert all(output == outputs[0] for output in outputs)
    assert local_secrets_load(path=path, names=NAMES) == outputs[0]
    assert os.listdir(path.parent) == ["secrets.env"]


def test_the_settings_hold_no_published_key(settings):
    assert settings.SECRET_KEY not in PUBLISHED_KEYS
    assert settings.EDGE_SIGNING_KEY not in PUBLISHED_KEYS


@pytest.mark.django_db
def test_the_local_edge_refuses_a_url_signed_with_the_once_published_key(client, settings):
    settings.EDGE_URLS = {}
    scope = "renditions/41/v1a2b3/"
    renditions_storage().save(f"{scope}aac_160.m4a", ContentFile(b"\x00\x00\x00\x18ftypM4A rendition"))
    keys = {"published": "development-edge-signing-key", "this install's": settings.EDGE_SIGNING_KEY}

    replies = {
        which: client.get(signed_url(base="/edge", scope=scope, file="aac_160.m4a", cap=160, ttl=600, key=key).url)
        for which, key in keys.items()
    }

    assert replies["published"].status_code == 403
    assert replies["published"].content == b"The signature does not match."
    assert replies["this install's"].status_code == 200
