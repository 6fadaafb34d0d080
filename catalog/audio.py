"""What an audio file really is, found by decoding it (never by its name or content type)."""

import wave
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import av
import imageio_ffmpeg
from django.utils.translation import gettext_noop

# Containers and codecs we accept as originals. Anything else is refused when
# the worker checks the upload, whatever FFmpeg could make of it.
CONTAINERS = {"mp3", "flac", "ogg", "mov,mp4,m4a,3gp,3g2,mj2", "wav", "aiff", "matroska,webm"}
CODECS = {"mp3", "mp3float", "flac", "vorbis", "opus", "libopus", "aac", "alac"}
NOT_ACCEPTED = "The file is not an audio format we accept (MP3, FLAC, Ogg, Opus, M4A/AAC, ALAC, WAV or AIFF)."
MIN_DURATION_MS = 1000
# A file that decodes to less than this share of the length its headers
# announce has been cut short.
COMPLETE_SHARE = 0.97


def ffmpeg_exe() -> str:
    """The FFmpeg binary that ships with the imageio-ffmpeg wheel."""
    return imageio_ffmpeg.get_ffmpeg_exe()


# Its reasons are kept in English, as a track's failure reason is stored, and translated where they are
# shown ({% translate track.failure_reason %}): gettext_noop marks them for the catalogue.
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


def _open(source: str | Path | IO[bytes]) -> av.container.InputContainer:
    target = str(source) if isinstance(source, str | Path) else source
    try:
        return av.open(target, mode="r", options={"probesize": "5000000"})
    except (av.FFmpegError, UnicodeDecodeError, ValueError, IndexError) as exc:
        raise AudioProbeError(NOT_ACCEPTED) from exc


def _describe(container: av.container.InputContainer) -> tuple[av.audio.stream.AudioStream, AudioInfo]:
    if container.format.name not in CONTAINERS:
        raise AudioProbeError(NOT_ACCEPTED)
    if any(s.type == "video" and not s.disposition & av.stream.Disposition.attached_pic for s in container.streams):
        raise AudioProbeError(gettext_noop("This is a video; upload the audio only."))
    audio = next(iter(container.streams.audio), None)
    if audio is None:
        raise AudioProbeError(gettext_noop("The file has no audio in it."))
    codec = audio.codec_context.name
    if codec not in CODECS and not codec.startswith("pcm_"):
        raise AudioProbeError(f"Audio coded as {codec} is not accepted.")
    if container.duration is not None:
        duration_ms = int(container.duration * 1000 / av.time_base)
    elif audio.duration is not None and audio.time_base is not None:
        duration_ms = int(audio.duration * audio.time_base * 1000)
    else:
        duration_ms = 0
    info = AudioInfo(
        container=container.format.name,
        codec=codec,
        duration_ms=duration_ms,
        sample_rate=audio.codec_context.sample_rate or 0,
        channels=audio.codec_context.channels or 0,
        bit_rate=container.bit_rate or None,
    )
    return audio, info


def audio_probe(source: str | Path | IO[bytes]) -> AudioInfo:
    """Describe the audio of ``source`` (a path or a binary file) from its headers."""
    with _open(source) as container:
        _stream, info = _describe(container)
    if info.duration_ms <= 0:
        raise AudioProbeError(gettext_noop("The audio has no length we can read."))
    return info


def audio_verify(source: str | Path | IO[bytes], *, max_seconds: int) -> AudioInfo:
    """Decode the whole of ``source``: refuse what is damaged, cut short, too short or too long.

    The duration returned is the decoded one, which is exact.
    """
    with _open(source) as container:
        stream, info = _describe(container)
        if info.duration_ms > max_seconds * 1000:
            raise AudioProbeError(_too_long(info.duration_ms, max_seconds))
        samples = 0
        errors = 0
        try:
            for packet in container.demux(stream):
                try:
                    for frame in packet.decode():
                        samples += frame.samples
                except av.FFmpegError:
                    errors += 1
                    if errors > 10:
                        raise AudioProbeError(gettext_noop("The audio is damaged: it cannot be decoded.")) from None
                if info.sample_rate and samples > (max_seconds + 1) * info.sample_rate:
                    raise AudioProbeError(_too_long(samples * 1000 // info.sample_rate, max_seconds))
        except av.FFmpegError as exc:
            raise AudioProbeError(gettext_noop("The audio is damaged: it cannot be decoded.")) from exc
    if not info.sample_rate or samples == 0:
        raise AudioProbeError(gettext_noop("The file has no audio in it."))
    decoded_ms = samples * 1000 // info.sample_rate
    announced_ms = info.duration_ms
    if info.container == "wav":
        # FFmpeg measures a WAV by its size; its header says how long it should be.
        announced_ms = max(announced_ms, _wav_announced_ms(source))
    if announced_ms and decoded_ms < announced_ms * COMPLETE_SHARE:
        raise AudioProbeError(
            f"The file ends early: {decoded_ms / 1000:.1f} s of its {announced_ms / 1000:.1f} s could be read."
        )
    if decoded_ms < MIN_DURATION_MS:
        raise AudioProbeError(gettext_noop("The audio is shorter than one second."))
    return AudioInfo(
        container=info.container,
        codec=info.codec,
        duration_ms=decoded_ms,
        sample_rate=info.sample_rate,
        channels=info.channels,
        bit_rate=info.bit_rate,
    )


# How many leading bytes audio_suffix looks at.
SIGNATURE_BYTES = 64


def audio_suffix(header: bytes) -> str:
    """The file extension the first bytes of a file point to (".audio" when none does).

    Only names the stored original: no decoding and no verdict, which the
    worker gives once it has decoded the file.
    """
    # An ID3 tag, or an MPEG audio frame: 11 bits of sync, and layer bits that are not 00 (ADTS AAC's).
    frame = len(header) > 1 and header[0] == 0xFF and header[1] & 0xE0 == 0xE0 and header[1] & 0x06 != 0
    if header.startswith(b"ID3") or frame:
        return ".mp3"
    if header.startswith(b"fLaC"):
        return ".flac"
    if header.startswith(b"OggS"):
        return ".opus" if b"OpusHead" in header else ".ogg"
    if header.startswith(b"RIFF") and header[8:12] == b"WAVE":
        return ".wav"
    if header.startswith(b"FORM") and header[8:12] in {b"AIFF", b"AIFC"}:
        return ".aiff"
    if header[4:8] == b"ftyp":
        return ".m4a"
    if header.startswith(b"\x1a\x45\xdf\xa3"):
        return ".mka"
    return ".audio"


def _wav_announced_ms(source: str | Path | IO[bytes]) -> int:
    """The length a PCM WAV header announces (0 if it cannot be read)."""
    try:
        if isinstance(source, str | Path):
            with wave.open(str(source), "rb") as header:
                return header.getnframes() * 1000 // header.getframerate()
        source.seek(0)
        with wave.open(source, "rb") as header:
            return header.getnframes() * 1000 // header.getframerate()
    except (wave.Error, EOFError, ZeroDivisionError):
        return 0


def _too_long(duration_ms: int, max_seconds: int) -> str:
    minutes, seconds = divmod(duration_ms // 1000, 60)
    return f"The audio lasts {minutes} min {seconds} s; the limit is {max_seconds // 60} min."
