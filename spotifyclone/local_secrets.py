"""Keys of this machine's own, for a developer's install that was given none.

With ``DEBUG`` on and no ``SECRET_KEY`` or ``EDGE_SIGNING_KEY`` in the
environment, settings take them from ``var/secrets.env``: made once, from the
operating system's randomness, readable by its owner alone, and read back on
every later start, so that sessions and stream URLs outlive a restart and no
two machines share a key. Imports nothing of Django: settings load it.
"""

import contextlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path


def _read(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#") and value:
            values[name] = value
    return values


def _write_new(path: Path, values: dict[str, str]) -> Path:
    """A file next to ``path`` holding ``values``, readable by its owner alone; its path."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write("# Made by spotifyclone for this machine alone: never commit or copy it.\n")
        file.writelines(f"{name}={value}\n" for name, value in values.items())
        file.flush()
        os.fsync(file.fileno())
    return tmp


def local_secrets_load(*, path: Path, names: Iterable[str]) -> dict[str, str]:
    """Each of ``names`` from the file at ``path``, made first with random values where missing.

    Safe when several processes start at once (test workers, the autoreloader): the
    file is written whole under another name and linked into place only if no other
    process got there first, and what is in place is what every one of them returns.
    """
    names = list(names)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        values, existed = _read(path), True
    except FileNotFoundError:
        values, existed = {}, False
    missing = [name for name in names if name not in values]
    if missing:
        tmp = _write_new(path, {**values, **{name: secrets.token_urlsafe(50) for name in missing}})
        try:
            if existed:
                # A file that lacks a name (an older one, or edited by hand): replaced whole,
                # keeping what it held.
                os.replace(tmp, path)
            else:
                with contextlib.suppress(FileExistsError):  # another process made it first: theirs stands
                    os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        values = _read(path)
    return {name: values[name] for name in names}
