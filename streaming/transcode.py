"""One audio original in, everything a listener's player needs out, the default rung first.

A transcode is two FFmpeg processes, started together on the same original:

- the *first* run makes what a track needs to play: the rungs of
  ``FIRST_RUNGS`` (the default of most listeners), the EBU R128 loudness and
  a low-rate mono decode from which the exact duration and a waveform of
  ``PEAK_COUNT`` peaks are computed;
- the *rest* run makes the other rungs of ``LADDER``, at a lower CPU priority,
  so that the first run has the machine to itself as far as it can use it
  and the rest take up the cores it leaves idle.

Each run decodes the original once and encodes each of its rungs once; the
tee muxer writes every encode both to a progressive AAC-LC ``.m4a`` (index,
the ``moov`` box, at the front, so playback starts from the first bytes) and
to HLS: fragmented-MP4 segments of about ``HLS_SEGMENT_SECONDS``, one
playlist per bitrate and a master playlist, every URI in them relative.

:class:`TranscodeRun` hands out the first run's result as soon as it is
there, while the rest run goes on; :func:`transcode_audio` waits for both.
Local paths in, local files out: no models, no storage. See
docs/transcoding.md.
"""

import re
import shutil
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from catalog.audio import AudioProbeError, audio_probe, ffmpeg_exe

LADDER: tuple[int, ...] = (64, 96, 160, 320)  # kbit/s
# Made first, and enough for a track to play: the quality every free listener streams at
# unless they choose otherwise, and the best any listener is offered until the rest are up.
FIRST_RUNGS: tuple[int, ...] = (160,)
# How much lower the rest run's CPU priority is (nice(1) steps).
REST_NICENESS = 10
CODEC = "aac"  # AAC-LC; "mp4a.40.2" in RFC 6381 terms, as the master playlist says
SAMPLE_RATE = 44100
HLS_SEGMENT_SECONDS = 6
HLS_MASTER = "hls/master.m3u8"
HLS_REST_MASTER = "hls/rest.m3u8"  # the rest run's master, merged into HLS_MASTER by transcode_audio
PEAK_COUNT = 200
WAVEFORM_RATE = 8000  # Hz, of the mono mix behind the duration and the peaks
# Below the task's soft time limit (20 minutes), so that a slow FFmpeg fails with its own
# clear error and leaves the upload of the files time to finish.
FFMPEG_TIMEOUT_SECONDS = 15 * 60
# The meter reads silence as -70 (its absolute gate); the true peak of silence is
# floored to the same value so that every figure stays a finite number.
LOUDNESS_FLOOR = -70.0

# The preview a visitor without an account hears: an excerpt of the track, faded in and out,
# at a low bitrate, in a folder of its own so that its signed URL reaches nothing else.
PREVIEW_FILE = "preview.m4a"
PREVIEW_BITRATE = 64  # kbit/s, AAC-LC stereo
PREVIEW_FROM = 0.3  # where the excerpt starts, as a share of the track
PREVIEW_FADE_IN_SECONDS = 1.0
PREVIEW_FADE_OUT_SECONDS = 2.0

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
    path: str  # relative to the out_dir given to the transcode


@dataclass(frozen=True)
class Rungs:
    """What one FFmpeg run wrote: some rungs of the ladder, each as an ``.m4a`` and an HLS variant."""

    renditions: list[Rendition]
    hls_master: str  # relative to out_dir; lists these rungs only
    files: list[str]  # every file the run wrote, relative to out_dir


@dataclass(frozen=True)
class TranscodeResult:
    duration_ms: int
    loudness: Loudness
    peaks: list[int]  # PEAK_COUNT values, 0..255, linear in amplitude
    renditions: list[Rendition]
    hls_master: str  # relative to out_dir
    files: list[str]  # every file written, relative to out_dir


@dataclass(frozen=True)
class Preview:
    path: str  # relative to the out_dir given
    start_ms: int  # where in the track it starts
    duration_ms: int


def preview_window(duration_ms: int, *, seconds: float) -> tuple[int, int]:
    """(start, length) in ms of a track's preview: ``seconds`` long from ``PREVIEW_FROM`` in, within the track.

    A track no longer than the preview is previewed whole; one a little longer
    starts earlier, so that the excerpt still ends before the track does.
    """
    length = min(round(seconds * 1000), duration_ms)
    start = min(round(duration_ms * PREVIEW_FROM), duration_ms - length)
    return max(start, 0), length


def transcode_preview(
    source: Path,
    out_dir: Path,
    *,
    duration_ms: int,
    seconds: float,
    timeout_seconds: float = FFMPEG_TIMEOUT_SECONDS,
) -> Preview:
    """Make the preview of ``source`` (``duration_ms`` long) into ``out_dir/PREVIEW_FILE``: one short FFmpeg run."""
    try:
        info = audio_probe(source)
    except AudioProbeError as exc:
        raise TranscodeError(f"{source.name}: {exc}") from exc
    start, length = preview_window(duration_ms, seconds=seconds)
    if length <= 0:
        raise TranscodeError(f"{source.name} has no audio to make a preview of.")
    out_dir.mkdir(parents=True, exist_ok=True)
    stereo = "pan=stereo|c0=c0|c1=c0" if info.channels == 1 else "aformat=channel_layouts=stereo"
    fade_in = min(PREVIEW_FADE_IN_SECONDS, length / 4000)
    fade_out = min(PREVIEW_FADE_OUT_SECONDS, length / 4000)
    filters = ",".join(
        [
            f"aresample={SAMPLE_RATE}",
            stereo,
            f"afade=t=in:st=0:d={fade_in:.3f}",
            f"afade=t=out:st={length / 1000 - fade_out:.3f}:d={fade_out:.3f}",
        ]
    )
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info", "-y"]
    command += ["-ss", f"{start / 1000:.3f}", "-t", f"{length / 1000:.3f}", "-i", f"file:{source.resolve()}"]
    command += ["-map", "0:a:0", "-af", filters, "-map_metadata", "-1", "-map_chapters", "-1"]
    command += ["-c:a", "aac", "-b:a", f"{PREVIEW_BITRATE}k", "-f", "ipod", "-movflags", "+faststart", PREVIEW_FILE]
    run = _FFmpeg(command, cwd=out_dir, samples=False)
    try:
        try:
            code, _output, log = run.finish(timeout=timeout_seconds)
        except subprocess.TimeoutExpired as exc:
            raise TranscodeError(f"Making the preview of {source.name} took too long and was stopped.") from exc
        if code != 0 or not (out_dir / PREVIEW_FILE).is_file():
            raise TranscodeError(f"FFmpeg could not make the preview of {source.name}: {_failure_reason(log)}")
    finally:
        run.stop()
    return Preview(path=PREVIEW_FILE, start_ms=start, duration_ms=length)


class _FFmpeg:
    """One FFmpeg process, its log kept in an unnamed temporary file (never a pipe that could fill up)."""

    def __init__(self, command: list[str], *, cwd: Path, samples: bool, niceness: int = 0) -> None:
        nice = shutil.which("nice") if niceness else None
        if nice:
            command = [nice, "-n", str(niceness), *command]
        self.log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if samples else subprocess.DEVNULL,
            stderr=self.log,
        )

    def finish(self, *, timeout: float) -> tuple[int, bytes, str]:
        """Wait up to ``timeout`` seconds: exit code, what it piped out and its log."""
        output, _ = self.process.communicate(timeout=max(timeout, 0.001))
        self.log.seek(0)
        return self.process.returncode, output or b"", self.log.read().decode("utf-8", errors="replace")

    def stop(self) -> None:
        """Kill it if it still runs, and let go of its log."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()
        self.log.close()


class TranscodeRun:
    """Both FFmpeg runs of one original, started together; use as a context manager.

    ``first()`` waits for the first run only and describes the track with its
    rungs; ``rest()`` waits for the other rungs. Leaving the ``with`` block
    kills whatever still runs, so a failure never leaves an FFmpeg behind.
    Both runs write into ``out_dir`` (their files never share a name).
    """

    def __init__(
        self,
        source: Path,
        out_dir: Path,
        *,
        first: Sequence[int] = FIRST_RUNGS,
        rest: Sequence[int] | None = None,
        timeout_seconds: float = FFMPEG_TIMEOUT_SECONDS,
    ) -> None:
        self.source, self.out_dir, self.timeout_seconds = source, out_dir, timeout_seconds
        self.first_rungs = tuple(sorted(first))
        self.rest_rungs = tuple(sorted(rest if rest is not None else set(LADDER) - set(first)))
        try:
            info = audio_probe(source)
        except AudioProbeError as exc:
            raise TranscodeError(f"{source.name}: {exc}") from exc
        out_dir.mkdir(parents=True, exist_ok=True)
        mono = info.channels == 1
        self.deadline = time.monotonic() + timeout_seconds
        self._first = _FFmpeg(
            _ffmpeg_command(source.resolve(), mono=mono, bitrates=self.first_rungs, master=HLS_MASTER, analyse=True),
            cwd=out_dir,
            samples=True,
        )
        self._rest: _FFmpeg | None = None
        if self.rest_rungs:
            command = _ffmpeg_command(
                source.resolve(), mono=mono, bitrates=self.rest_rungs, master=HLS_REST_MASTER, analyse=False
            )
            self._rest = _FFmpeg(command, cwd=out_dir, samples=False, niceness=REST_NICENESS)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        for run in (self._first, self._rest):
            if run is not None:
                run.stop()

    def _finish(self, run: _FFmpeg) -> tuple[bytes, str]:
        try:
            code, output, log = run.finish(timeout=self.deadline - time.monotonic())
        except subprocess.TimeoutExpired as exc:
            self.stop()
            raise TranscodeError(
                f"Transcoding {self.source.name} took longer than {self.timeout_seconds:g} s and was stopped."
            ) from exc
        if code != 0:
            self.stop()
            raise TranscodeError(f"FFmpeg could not transcode {self.source.name}: {_failure_reason(log)}")
        return output, log

    def first(self) -> TranscodeResult:
        """Wait for the first run: the track's duration, loudness and peaks, and its first rungs."""
        output, log = self._finish(self._first)
        samples = array("h", output[: len(output) // 2 * 2])
        if sys.byteorder == "big":
            samples.byteswap()
        if not samples:
            self.stop()
            raise TranscodeError(f"{self.source.name} has no audio that can be decoded.")
        rungs = _rungs_written(self.out_dir, self.first_rungs, HLS_MASTER)
        return TranscodeResult(
            duration_ms=round(len(samples) * 1000 / WAVEFORM_RATE),
            loudness=_loudness_parse(log),
            peaks=waveform_peaks(samples, count=PEAK_COUNT),
            renditions=rungs.renditions,
            hls_master=rungs.hls_master,
            files=rungs.files,
        )

    def rest(self) -> Rungs:
        """Wait for the rest run: the other rungs, with a master playlist of their own (``HLS_REST_MASTER``)."""
        if self._rest is None:
            return Rungs(renditions=[], hls_master="", files=[])
        self._finish(self._rest)
        return _rungs_written(self.out_dir, self.rest_rungs, HLS_REST_MASTER)


def transcode_rungs(
    source: Path, out_dir: Path, *, bitrates: Sequence[int], timeout_seconds: float = FFMPEG_TIMEOUT_SECONDS
) -> Rungs:
    """Make only the rungs ``bitrates`` of ``source`` in ``out_dir`` (one FFmpeg run, nothing measured)."""
    try:
        info = audio_probe(source)
    except AudioProbeError as exc:
        raise TranscodeError(f"{source.name}: {exc}") from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    rungs = tuple(sorted(bitrates))
    command = _ffmpeg_command(
        source.resolve(), mono=info.channels == 1, bitrates=rungs, master=HLS_REST_MASTER, analyse=False
    )
    run = _FFmpeg(command, cwd=out_dir, samples=False)
    try:
        try:
            code, _output, log = run.finish(timeout=timeout_seconds)
        except subprocess.TimeoutExpired as exc:
            raise TranscodeError(
                f"Transcoding {source.name} took longer than {timeout_seconds:g} s and was stopped."
            ) from exc
        if code != 0:
            raise TranscodeError(f"FFmpeg could not transcode {source.name}: {_failure_reason(log)}")
    finally:
        run.stop()
    return _rungs_written(out_dir, rungs, HLS_REST_MASTER)


def transcode_audio(source: Path, out_dir: Path, *, timeout_seconds: float = FFMPEG_TIMEOUT_SECONDS) -> TranscodeResult:
    """Transcode ``source`` into ``out_dir`` (fresh and empty): every rung, one master playlist."""
    with TranscodeRun(source, out_dir, timeout_seconds=timeout_seconds) as run:
        first = run.first()
        rest = run.rest()
    master = out_dir / HLS_MASTER
    if rest.renditions:
        master.write_text(hls_master_merge(master.read_text(), (out_dir / rest.hls_master).read_text()))
        (out_dir / rest.hls_master).unlink()
    renditions = sorted([*first.renditions, *rest.renditions], key=lambda r: r.bitrate)
    files = sorted({*first.files, *(name for name in rest.files if name != rest.hls_master)})
    return TranscodeResult(
        duration_ms=first.duration_ms,
        loudness=first.loudness,
        peaks=first.peaks,
        renditions=renditions,
        hls_master=HLS_MASTER,
        files=files,
    )


_VARIANT_URI = re.compile(r"aac_(\d+)/")


def hls_master_merge(*masters: str) -> str:
    """One master playlist with the variants of all ``masters``, ascending by bitrate (the first's header)."""
    header: list[str] = []
    variants: dict[str, tuple[int, str]] = {}
    for number, master in enumerate(masters):
        lines = master.splitlines()
        for index, line in enumerate(lines):
            if line.startswith("#EXT-X-STREAM-INF") and index + 1 < len(lines):
                uri = lines[index + 1]
                match = _VARIANT_URI.match(uri)
                variants[uri] = (int(match.group(1)) if match else 0, line)
            elif number == 0 and not variants and line.startswith("#"):
                header.append(line)
    body = [
        text for uri, (_kbps, info) in sorted(variants.items(), key=lambda item: item[1][0]) for text in (info, uri)
    ]
    return "\n".join([*header, *body]) + "\n"


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


def _ffmpeg_command(source: Path, *, mono: bool, bitrates: Sequence[int], master: str, analyse: bool) -> list[str]:
    """One FFmpeg run, with out_dir as its working directory: every output name is relative.

    ``analyse`` adds the loudness meter and the mono mix piped out for the duration and the peaks.
    """
    # A mono original is heard at full level on both speakers, not 3 dB down as a centre channel.
    stereo = "pan=stereo|c0=c0|c1=c0" if mono else "aformat=channel_layouts=stereo"
    encodes = "".join(f"[{_rendition_name(kbps)}]" for kbps in bitrates)
    if analyse:
        graph = ";".join(
            [
                f"[0:a:0]aresample={SAMPLE_RATE},{stereo},asplit={len(bitrates) + 2}{encodes}[loudness][waveform]",
                "[loudness]ebur128=peak=true:framelog=quiet,anullsink",
                f"[waveform]pan=mono|c0=0.5*c0+0.5*c1,aresample={WAVEFORM_RATE},aformat=sample_fmts=s16[samples]",
            ]
        )
    else:
        graph = f"[0:a:0]aresample={SAMPLE_RATE},{stereo},asplit={len(bitrates)}{encodes}"
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info", "-y"]
    command += ["-i", f"file:{source}", "-filter_complex", graph]
    command += ["-map_metadata", "-1", "-map_chapters", "-1"]
    for kbps in bitrates:
        command += ["-map", f"[{_rendition_name(kbps)}]"]
    # The tee muxer does not ask encoders for the global header that MP4 keeps in its moov box.
    command += ["-c:a", "aac", "-flags", "+global_header"]
    for index, kbps in enumerate(bitrates):
        command += [f"-b:a:{index}", f"{kbps}k"]
    command += ["-f", "tee", _tee_outputs(bitrates, master=master)]
    if analyse:
        command += ["-map", "[samples]", "-f", "s16le", "pipe:1"]
    return command


def _tee_outputs(bitrates: Sequence[int], *, master: str) -> str:
    """The tee muxer's list: each encode into its own ``.m4a``, and all of them into one HLS output."""
    outputs = [
        _tee_slave({"f": "ipod", "select": f"a:{index}", "movflags": "+faststart"}, f"{_rendition_name(kbps)}.m4a")
        for index, kbps in enumerate(bitrates)
    ]
    variants = " ".join(f"a:{index},name:{_rendition_name(kbps)}" for index, kbps in enumerate(bitrates))
    hls = {
        "f": "hls",
        "hls_time": str(HLS_SEGMENT_SECONDS),
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "start_number": "1",
        "hls_segment_filename": "hls/%v/seg_%05d.m4s",
        "master_pl_name": Path(master).name,
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


def _rungs_written(out_dir: Path, bitrates: Sequence[int], master: str) -> Rungs:
    """Check that a run wrote every file of its rungs, name the init segments, and list the files."""
    renditions = [Rendition(bitrate=kbps, codec=CODEC, path=f"{_rendition_name(kbps)}.m4a") for kbps in bitrates]
    missing = [path for path in [*(r.path for r in renditions), master] if not (out_dir / path).is_file()]
    if missing:
        raise TranscodeError(f"FFmpeg finished without writing {', '.join(missing)}.")
    _hls_init_rename(out_dir / master, bitrates)
    files = [r.path for r in renditions] + [master]
    for kbps in bitrates:
        variant = (out_dir / master).parent / _rendition_name(kbps)
        files += sorted(path.relative_to(out_dir).as_posix() for path in variant.iterdir() if path.is_file())
    return Rungs(renditions=renditions, hls_master=master, files=files)


def _hls_init_rename(master: Path, bitrates: Sequence[int]) -> None:
    """Name each variant's init segment ``init.mp4``.

    With several variants the HLS muxer suffixes the init segment with the
    variant's index (``init_0.mp4``) unless its name holds ``%v``, which would
    put the variant name into it instead; the variants live in directories of
    their own, so the plain name is enough. With one variant it is ``init.mp4`` already.
    """
    for index, kbps in enumerate(bitrates):
        variant = master.parent / _rendition_name(kbps)
        init = variant / f"init_{index}.mp4"
        if not init.is_file():
            if len(bitrates) == 1 and (variant / "init.mp4").is_file():
                continue
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
