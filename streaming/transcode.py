"""One audio original in, everything a listener's player needs out.

``transcode_audio`` decodes the original once, in a single FFmpeg process, and
from that one decode writes:

- progressive AAC-LC renditions, one per rung of ``LADDER``, each an ``.m4a``
  with its index (the ``moov`` box) at the front so playback starts from the
  first bytes;
- HLS: fragmented-MP4 segments of about ``HLS_SEGMENT_SECONDS`` for the same
  encodes, one playlist per bitrate and a master playlist, every URI in them
  relative;
- the EBU R128 loudness of what the listener hears;
- a low-rate mono decode from which the exact duration and a waveform of
  ``PEAK_COUNT`` peaks are computed.

Each bitrate is encoded once and the tee muxer writes its packets to both the
``.m4a`` and the HLS variant. Local paths in, local files out: no models, no
storage. See docs/transcoding.md.
"""

import re
import subprocess
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog.audio import AudioProbeError, audio_probe, ffmpeg_exe

LADDER: tuple[int, ...] = (64, 96, 160, 320)  # kbit/s
CODEC = "aac"  # AAC-LC; "mp4a.40.2" in RFC 6381 terms, as the master playlist says
SAMPLE_RATE = 44100
HLS_SEGMENT_SECONDS = 6
HLS_MASTER = "hls/master.m3u8"
PEAK_COUNT = 200
WAVEFORM_RATE = 8000  # Hz, of the mono mix behind the duration and the peaks
# Below the task's soft time limit (20 minutes), so that a slow FFmpeg fails with its own
# clear error and leaves the upload of the files time to finish.
FFMPEG_TIMEOUT_SECONDS = 15 * 60
# The meter reads silence as -70 (its absolute gate); the true peak of silence is
# floored to the same value so that every figure stays a finite number.
LOUDNESS_FLOOR = -70.0

_SUMMARY = re.compile(
    r"Integrated loudness:\s+I:\s+(?P<integrated>\S+) LUFS"
    r".*?Loudness range:\s+LRA:\s+(?P<range>\S+) LU"
    r".*?True peak:\s+Peak:\s+(?P<true_peak>\S+) dBFS",
    re.DOTALL,
)
# FFmpeg runs with "-loglevel level+info": each message carries its level in brackets.
_LOG_ERROR = re.compile(r"\[(error|fatal|panic)\] ")
_LOG_PREFIX = re.compile(r"^(\[[^\]]*\] )+")
# Errors FFmpeg logs as a consequence, after the one that says what went wrong.
_CONSEQUENCES = (
    "Terminating thread with return code",
    "Task finished with error code",
    "Error sending frames to consumers",
    "Nothing was written into output file",
    "Conversion failed!",
)


class TranscodeError(ValueError):
    """The original could not be transcoded; the message says why, for a person."""


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float  # EBU R128 integrated loudness
    true_peak_dbtp: float  # highest inter-sample peak, over the stereo channels
    range_lu: float  # loudness range (LRA)


@dataclass(frozen=True)
class Rendition:
    bitrate: int  # target, kbit/s
    codec: str
    path: str  # relative to the out_dir given to transcode_audio


@dataclass(frozen=True)
class TranscodeResult:
    duration_ms: int
    loudness: Loudness
    peaks: list[int]  # PEAK_COUNT values, 0..255, linear in amplitude
    renditions: list[Rendition]
    hls_master: str  # relative to out_dir


def transcode_audio(source: Path, out_dir: Path, *, timeout_seconds: float = FFMPEG_TIMEOUT_SECONDS) -> TranscodeResult:
    """Transcode ``source`` into ``out_dir`` (fresh and empty) and describe what was made."""
    try:
        info = audio_probe(source)
    except AudioProbeError as exc:
        raise TranscodeError(f"{source.name}: {exc}") from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    command = _ffmpeg_command(source.resolve(), mono=info.channels == 1)
    try:
        completed = subprocess.run(command, cwd=out_dir, capture_output=True, timeout=timeout_seconds, check=False)
    except subprocess.TimeoutExpired as exc:
        raise TranscodeError(
            f"Transcoding {source.name} took longer than {timeout_seconds:g} s and was stopped."
        ) from exc
    log = completed.stderr.decode("utf-8", errors="replace")
    if completed.returncode != 0:
        raise TranscodeError(f"FFmpeg could not transcode {source.name}: {_failure_reason(log)}")

    samples = array("h", completed.stdout[: len(completed.stdout) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        raise TranscodeError(f"{source.name} has no audio that can be decoded.")
    renditions = [Rendition(bitrate=kbps, codec=CODEC, path=f"{_rendition_name(kbps)}.m4a") for kbps in LADDER]
    missing = [path for path in [*(r.path for r in renditions), HLS_MASTER] if not (out_dir / path).is_file()]
    if missing:
        raise TranscodeError(f"FFmpeg finished without writing {', '.join(missing)}.")
    _hls_init_rename(out_dir / HLS_MASTER)
    return TranscodeResult(
        duration_ms=round(len(samples) * 1000 / WAVEFORM_RATE),
        loudness=_loudness_parse(log),
        peaks=waveform_peaks(samples, count=PEAK_COUNT),
        renditions=renditions,
        hls_master=HLS_MASTER,
    )


def waveform_peaks(samples: Sequence[int], *, count: int) -> list[int]:
    """The loudest absolute sample in each of ``count`` equal stretches of 16-bit ``samples``, scaled to 0..255."""
    total = len(samples)
    peaks = []
    for index in range(count):
        stretch = samples[index * total // count : (index + 1) * total // count]
        loudest = max(max(stretch), -min(stretch)) if stretch else 0
        peaks.append(min(255, round(loudest * 255 / 32767)))
    return peaks


def _rendition_name(kbps: int) -> str:
    """The stem shared by a rung's ``.m4a`` and its HLS variant directory."""
    return f"aac_{kbps}"


def _ffmpeg_command(source: Path, *, mono: bool) -> list[str]:
    """The one FFmpeg run, with out_dir as its working directory: every output name is relative."""
    # A mono original is heard at full level on both speakers, not 3 dB down as a centre channel.
    stereo = "pan=stereo|c0=c0|c1=c0" if mono else "aformat=channel_layouts=stereo"
    encodes = "".join(f"[{_rendition_name(kbps)}]" for kbps in LADDER)
    graph = ";".join(
        [
            f"[0:a:0]aresample={SAMPLE_RATE},{stereo},asplit={len(LADDER) + 2}{encodes}[loudness][waveform]",
            "[loudness]ebur128=peak=true:framelog=quiet,anullsink",
            f"[waveform]pan=mono|c0=0.5*c0+0.5*c1,aresample={WAVEFORM_RATE},aformat=sample_fmts=s16[samples]",
        ]
    )
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info", "-y"]
    command += ["-i", f"file:{source}", "-filter_complex", graph]
    command += ["-map_metadata", "-1", "-map_chapters", "-1"]
    for kbps in LADDER:
        command += ["-map", f"[{_rendition_name(kbps)}]"]
    # The tee muxer does not ask encoders for the global header that MP4 keeps in its moov box.
    command += ["-c:a", "aac", "-flags", "+global_header"]
    for index, kbps in enumerate(LADDER):
        command += [f"-b:a:{index}", f"{kbps}k"]
    command += ["-f", "tee", _tee_outputs()]
    command += ["-map", "[samples]", "-f", "s16le", "pipe:1"]
    return command


def _tee_outputs() -> str:
    """The tee muxer's list: each encode into its own ``.m4a``, and all of them into one HLS output."""
    outputs = [
        _tee_slave({"f": "ipod", "select": f"a:{index}", "movflags": "+faststart"}, f"{_rendition_name(kbps)}.m4a")
        for index, kbps in enumerate(LADDER)
    ]
    variants = " ".join(f"a:{index},name:{_rendition_name(kbps)}" for index, kbps in enumerate(LADDER))
    hls = {
        "f": "hls",
        "hls_time": str(HLS_SEGMENT_SECONDS),
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "start_number": "1",
        "hls_segment_filename": "hls/%v/seg_%05d.m4s",
        "master_pl_name": Path(HLS_MASTER).name,
        "var_stream_map": variants,
    }
    outputs.append(_tee_slave(hls, "hls/%v/index.m3u8"))
    return "|".join(outputs)


def _tee_slave(options: dict[str, str], target: str) -> str:
    # One output failing fails the run (FFmpeg's default, said outright).
    options = {**options, "onfail": "abort"}
    # Values are quoted (and the quotes escaped) so that their ':' and ' ' survive both levels of tee's parsing.
    spec = ":".join(f"{key}=\\'{value}\\'" for key, value in options.items())
    return f"[{spec}]{target}"


def _hls_init_rename(master: Path) -> None:
    """Name each variant's init segment ``init.mp4``.

    With several variants the HLS muxer suffixes the init segment with the
    variant's index (``init_0.mp4``) unless its name holds ``%v``, which would
    put the variant name into it instead; the variants live in directories of
    their own, so the plain name is enough.
    """
    for index, kbps in enumerate(LADDER):
        variant = master.parent / _rendition_name(kbps)
        init = variant / f"init_{index}.mp4"
        if not init.is_file():
            raise TranscodeError(f"FFmpeg finished without writing the HLS variant {variant.name}.")
        init.rename(variant / "init.mp4")
        playlist = variant / "index.m3u8"
        text = playlist.read_text()
        playlist.write_text(text.replace(f'#EXT-X-MAP:URI="init_{index}.mp4"', '#EXT-X-MAP:URI="init.mp4"'))


def _loudness_parse(log: str) -> Loudness:
    """The figures of the ebur128 filter's closing summary."""
    summaries = list(_SUMMARY.finditer(log))
    if not summaries:
        raise TranscodeError("FFmpeg finished without reporting the loudness.")
    summary = summaries[-1]
    return Loudness(
        integrated_lufs=max(LOUDNESS_FLOOR, float(summary["integrated"])),
        true_peak_dbtp=max(LOUDNESS_FLOOR, float(summary["true_peak"])),
        range_lu=float(summary["range"]),
    )


def _failure_reason(log: str) -> str:
    """The last error FFmpeg logged that names a cause, without its ``[context @ 0x...] [error]`` prefixes."""
    errors = [_LOG_PREFIX.sub("", line).strip() for line in log.splitlines() if _LOG_ERROR.search(line)]
    telling = [line for line in errors if line and not line.startswith(_CONSEQUENCES)]
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return (telling or errors or lines or ["no message"])[-1]
