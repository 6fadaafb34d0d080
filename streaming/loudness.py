"""The loudness of several recordings heard one after another, as one programme: an album's.

An album's integrated loudness is measured over its tracks decoded and joined
end to end, through the same EBU R128 meter (FFmpeg's ``ebur128``) and the
same preparation (44.1 kHz, a mono original heard on both speakers) as each
track's own figure in ``streaming/transcode.py``. A single track's programme
gives that track's figure.

It cannot be worked out from the tracks' own figures. Integrated loudness is
the mean *energy* of 400 ms blocks that pass two gates: an absolute one at
-70 LUFS, and a relative one 10 LU below the mean of the blocks that passed
the first. Averaging the tracks' LUFS values is wrong twice over: it averages
logarithms instead of energy, so a quiet track pulls the figure down far more
than it is heard, and each track was gated against its own level, not the
album's, so a quiet interlude whose blocks the album's gate would drop still
counts. Weighting the tracks' energies by their length gets the first right
but not the second, and needs the gated length of each track, which is not
kept. Measuring the joined tracks is the definition itself, and costs one
decode of the album (a few seconds a track, on the transcode queue).

The true peak of the programme is the highest of its tracks'; it comes out of
the same run.

Local paths in, figures out: no models, no storage.
"""

import subprocess
from collections.abc import Sequence
from pathlib import Path

from catalog.audio import AudioProbeError, audio_probe, ffmpeg_exe
from streaming.transcode import (
    FFMPEG_TIMEOUT_SECONDS,
    SAMPLE_RATE,
    Loudness,
    TranscodeError,
    _failure_reason,
    _loudness_parse,
)


def programme_loudness(sources: Sequence[Path], *, timeout_seconds: float = FFMPEG_TIMEOUT_SECONDS) -> Loudness:
    """The loudness of ``sources`` played in this order without a pause, measured as one recording.

    Raises TranscodeError when one of them cannot be decoded or FFmpeg fails.
    """
    if not sources:
        raise TranscodeError("There is nothing to measure.")
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info"]
    chains = []
    for index, source in enumerate(sources):
        try:
            mono = audio_probe(source).channels == 1
        except AudioProbeError as exc:
            raise TranscodeError(f"{source.name}: {exc}") from exc
        command += ["-i", f"file:{source.resolve()}"]
        # As the transcode prepares a track for its meter; concat wants one format on every input.
        stereo = "pan=stereo|c0=c0|c1=c0" if mono else "aformat=channel_layouts=stereo"
        chains.append(f"[{index}:a:0]aresample={SAMPLE_RATE},{stereo},aformat=sample_fmts=flt[part{index}]")
    joined = "".join(f"[part{index}]" for index in range(len(sources)))
    graph = ";".join([*chains, f"{joined}concat=n={len(sources)}:v=0:a=1,ebur128=peak=true:framelog=quiet[measured]"])
    command += ["-filter_complex", graph, "-map", "[measured]", "-f", "null", "-"]
    try:
        run = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_seconds)
    except subprocess.TimeoutExpired as exc:
        raise TranscodeError(f"Measuring took longer than {timeout_seconds:g} s and was stopped.") from exc
    log = run.stderr.decode("utf-8", errors="replace")
    if run.returncode != 0:
        raise TranscodeError(f"FFmpeg could not measure the loudness: {_failure_reason(log)}")
    return _loudness_parse(log)
