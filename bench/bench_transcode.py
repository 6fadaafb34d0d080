"""How long transcode_audio takes, next to one plain FFmpeg encode of the same audio.

    .venv/bin/python bench/bench_transcode.py [--seconds 60] [--repeat 3]

Prints seconds per minute of audio (the best of --repeat runs: wall-clock, and
the CPU time FFmpeg spent in that run, which a busy machine disturbs less) for:

- transcode_audio: four AAC renditions, HLS for each, loudness, duration and peaks;
- one plain encode of the same original to a single AAC 160 kbit/s .m4a;

and the ratio of the two. Figures only: nothing here passes or fails on time.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")

from catalog.audio import ffmpeg_exe
from catalog.synth import audio_synthesise
from streaming.transcode import LADDER, transcode_audio


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _best_seconds(run: Callable[[int], object], *, repeat: int) -> tuple[float, float]:
    """The best wall-clock time of ``repeat`` runs, and the CPU time FFmpeg used in that run."""
    timings = []
    for attempt in range(repeat):
        started, cpu_started = time.perf_counter(), _children_cpu_seconds()
        run(attempt)
        timings.append((time.perf_counter() - started, _children_cpu_seconds() - cpu_started))
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the generated original")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        source = audio_synthesise(work / "original.flac", seconds=args.seconds, fmt="flac", seed=7)
        minutes = args.seconds / 60

        def transcode(attempt: int) -> object:
            return transcode_audio(source, work / f"transcoded-{attempt}")

        def plain(attempt: int) -> object:
            command = [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-i", str(source)]
            command += ["-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart", str(work / f"plain-{attempt}.m4a")]
            return subprocess.run(command, check=True, timeout=1200)

        full = _best_seconds(transcode, repeat=args.repeat)
        single = _best_seconds(plain, repeat=args.repeat)

    ladder = "/".join(str(kbps) for kbps in LADDER)
    print(f"original: {args.seconds:g} s of FLAC, stereo 44.1 kHz; {os.cpu_count()} CPUs; best of {args.repeat}")
    print(f"{'seconds per minute of audio':<62} {'wall':>6}  {'CPU':>6}")
    for label, (wall, cpu) in [
        (f"transcode_audio (AAC {ladder} + HLS + loudness + peaks)", full),
        ("plain ffmpeg, one AAC 160k .m4a", single),
    ]:
        print(f"{label:<62} {wall / minutes:6.2f}  {cpu / minutes:6.2f}")
    print(f"ratio: {full[0] / single[0]:.2f} wall, {full[1] / single[1]:.2f} CPU")


if __name__ == "__main__":
    main()
