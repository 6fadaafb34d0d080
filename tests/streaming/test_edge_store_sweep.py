"""deploy/nginx/edge-store-sweep.sh, which bounds the edge's store of whole objects, on a folder of its own.

No nginx needed: the store is plain files. A file's last use is the later of its atime (its
last read) and its ctime (when it was stored); a test cannot set a ctime, which is always
"now" here, so the files are given atimes after it, in the order they were last read.
"""

import os
import subprocess
import time
from pathlib import Path

SWEEP = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "edge-store-sweep.sh"
DAY_MINUTES = 24 * 60


def _put(path: Path, size: int, *, read_in: float) -> None:
    """A stored file of ``size`` bytes, last read ``read_in`` seconds from now."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    stamp = time.time() + read_in
    os.utime(path, (stamp, path.stat().st_mtime))


def _sweep(store: Path, max_bytes: int, inactive_minutes: int = DAY_MINUTES) -> None:
    subprocess.run([str(SWEEP), str(store), str(max_bytes), str(inactive_minutes)], check=True, timeout=60)


def _left(store: Path) -> set[str]:
    return {str(path.relative_to(store)) for path in store.rglob("*")}


def test_the_least_recently_read_go_first_until_the_store_fits(tmp_path):
    folder = "renditions/42/0a1b2c3d"
    for order, name in enumerate(["hls/aac_160/seg 1.m4s", "aac_160.m4a", "hls/aac_160/seg\t2.m4s", "aac_64.m4a"]):
        _put(tmp_path / folder / name, 1000, read_in=60 * (order + 1))

    _sweep(tmp_path, 2500)

    assert _left(tmp_path) == {
        "renditions",
        "renditions/42",
        f"{folder}",
        f"{folder}/hls",
        f"{folder}/hls/aac_160",
        f"{folder}/hls/aac_160/seg\t2.m4s",
        f"{folder}/aac_64.m4a",
    }


def test_a_store_within_its_bounds_is_left_alone_and_emptied_folders_go(tmp_path):
    _put(tmp_path / "renditions/1/a/aac_160.m4a", 1000, read_in=60)
    (tmp_path / "renditions/2/b/hls").mkdir(parents=True)

    _sweep(tmp_path, 1000)

    assert _left(tmp_path) == {"renditions", "renditions/1", "renditions/1/a", "renditions/1/a/aac_160.m4a"}


def test_a_missing_store_is_nothing_to_sweep(tmp_path):
    _sweep(tmp_path / "not yet", 0)

    assert not (tmp_path / "not yet").exists()
