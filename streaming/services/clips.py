"""Renditions of audio that is not a track, such as an ad: made loudness-normalised, in a folder of their own.

A track's renditions keep the track's own loudness, which the player evens out
from the figures the grant sends (``docs/transcoding.md``). An ad plays in
players that may not, between tracks a listener chose, so its level is set in
the files themselves: the original is measured, brought to ``TARGET_LUFS``
(turned up only as far as the true peak stays under ``PEAK_CEILING_DBTP``), and
transcoded like a track into the same ladder, progressive and HLS, under the
folder the caller names (``ads/{campaign_id}/{version}/``) in the renditions'
bucket, where the edges serve it.
"""

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from catalog.audio import ffmpeg_exe
from streaming.names import hls_master_name
from streaming.services.renditions import hls_master_capped
from streaming.signing import SCOPE
from streaming.storage import renditions_storage
from streaming.transcode import Loudness, TranscodeError, transcode_audio

TARGET_LUFS = -14.0
PEAK_CEILING_DBTP = -1.0
# A level this close to the target is left as it is.
GAIN_TOLERANCE_DB = 0.5
NORMALISE_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class ClipMedia:
    folder: str
    duration_ms: int
    bitrates: list[int]
    loudness: Loudness  # of the files made, after the gain
    gain_db: float  # what was applied to the original


def clip_gain_db(loudness: Loudness) -> float:
    """The gain that brings ``loudness`` to the target without the true peak passing the ceiling."""
    return min(TARGET_LUFS - loudness.integrated_lufs, PEAK_CEILING_DBTP - loudness.true_peak_dbtp)


def _normalised(source: Path, target: Path, gain_db: float) -> None:
    command = [
        ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
        "-map", "0:a:0", "-af", f"volume={gain_db:.2f}dB", "-c:a", "flac", str(target),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=NORMALISE_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise TranscodeError(f"Setting the level of {source.name} took too long and was stopped.") from exc
    if done.returncode != 0:
        raise TranscodeError(f"FFmpeg could not set the level of {source.name}.")


def clip_renditions_make(*, original: str, folder: str) -> ClipMedia:
    """Make the renditions of ``original`` (a name in the default storage) in ``folder``, levelled.

    Raises TranscodeError, with a message for a person, for audio that cannot
    be transcoded; nothing is left in ``folder`` then. Made again into the same
    folder, the files are replaced.
    """
    if not SCOPE.fullmatch(folder):
        raise ValueError(f"Not a renditions folder: {folder!r}")
    storage = renditions_storage()
    with tempfile.TemporaryDirectory(prefix="clip-") as scratch:
        work = Path(scratch)
        source = work / ("original" + Path(original).suffix.lower())
        with default_storage.open(original, "rb") as stored, source.open("wb") as copy:
            for chunk in iter(lambda: stored.read(1 << 20), b""):
                copy.write(chunk)
        measured = transcode_audio(source, work / "measured")
        gain = clip_gain_db(measured.loudness)
        result, out = measured, work / "measured"
        if abs(gain) > GAIN_TOLERANCE_DB:
            levelled = work / "levelled.flac"
            _normalised(source, levelled, gain)
            result, out = transcode_audio(levelled, work / "levelled"), work / "levelled"
        bitrates = sorted(rendition.bitrate for rendition in result.renditions)
        master = (out / result.hls_master).read_text()
        capped = [hls_master_name(kbps) for kbps in bitrates]  # one per cap, as a track's (docs/streaming.md)
        for kbps, name in zip(bitrates, capped, strict=True):
            (out / name).write_text(hls_master_capped(master, cap=kbps))
        written: list[str] = []
        try:
            for name in sorted({*result.files, *capped}):
                target = f"{folder}{name}"
                if storage.exists(target):
                    storage.delete(target)
                with (out / name).open("rb") as content:
                    storage.save(target, File(content))
                written.append(target)
        except BaseException:
            for target in written:
                storage.delete(target)
            raise
    return ClipMedia(
        folder=folder,
        duration_ms=result.duration_ms,
        bitrates=bitrates,
        loudness=result.loudness,
        gain_db=0.0 if result is measured else gain,
    )


def clip_renditions_delete(*, folder: str, files: list[str] | None = None) -> None:
    """Delete the files of a clip's folder (every file listed under it when ``files`` is not given)."""
    if not SCOPE.fullmatch(folder):
        raise ValueError(f"Not a renditions folder: {folder!r}")
    storage = renditions_storage()
    if files is None:
        files = _listed(storage, folder)
    for name in files:
        storage.delete(f"{folder}{name}")


def _listed(storage: object, folder: str) -> list[str]:
    names: list[str] = []
    pending = [""]
    while pending:
        sub = pending.pop()
        try:
            directories, files = storage.listdir(f"{folder}{sub}")  # type: ignore[attr-defined]
        except FileNotFoundError:  # on disk, a folder already gone
            continue
        names += [f"{sub}{name}" for name in files]
        pending += [f"{sub}{name}/" for name in directories]
    return names
