"""What an audio file really is, found by decoding its headers (never its name)."""

from dataclasses import dataclass
from pathlib import Path
from typing import IO

import av
import imageio_ffmpeg


def ffmpeg_exe() -> str:
    """The FFmpeg binary that ships with the imageio-ffmpeg wheel."""
    return imageio_ffmpeg.get_ffmpeg_exe()


class AudioProbeError(ValueError):
    """The file is not audio we can play; the message says why, for a person."""


@dataclass(frozen=True)
class AudioInfo:
    container: str
    codec: str
    duration_ms: int
    sample_rate: int
    channels: int
    bit_rate: int | None


def audio_probe(source: str | Path | IO[bytes]) -> AudioInfo:
    """Open ``source`` (a path or a binary file) with FFmpeg's demuxers and describe its audio."""
    target = str(source) if isinstance(source, str | Path) else source
    try:
        with av.open(target, mode="r", options={"probesize": "5000000"}) as container:
            audio = next(iter(container.streams.audio), None)
            if audio is None:
                raise AudioProbeError("The file has no audio in it.")
            if container.duration is not None:
                duration_ms = int(container.duration * 1000 / av.time_base)
            elif audio.duration is not None and audio.time_base is not None:
                duration_ms = int(audio.duration * audio.time_base * 1000)
            else:
                duration_ms = 0
            if duration_ms <= 0:
                raise AudioProbeError("The audio has no length we can read.")
            return AudioInfo(
                container=container.format.name,
                codec=audio.codec_context.name,
                duration_ms=duration_ms,
                sample_rate=audio.codec_context.sample_rate or 0,
                channels=audio.codec_context.channels or 0,
                bit_rate=container.bit_rate or None,
            )
    except AudioProbeError:
        raise
    except (av.FFmpegError, UnicodeDecodeError, ValueError, IndexError) as exc:
        raise AudioProbeError("The file is not an audio format we can read.") from exc
