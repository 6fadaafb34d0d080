"""Upload to playable: how soon a track plays, and what all its renditions cost next to plain FFmpeg.

    .venv/bin/python bench/bench_transcode.py [--seconds 60] [--repeat 3]

From one generated FLAC original, the best of --repeat runs (wall-clock, and the
CPU time FFmpeg spent in that run, which a busy machine disturbs less) of:

- the transcode (``streaming.transcode.TranscodeRun``, as the worker runs it):
  the time until the first run is done (the 160 kbit/s ``.m4a`` and its HLS,
  the loudness, the duration and the peaks: what makes a track playable), and
  the time until every rung is written;
- plain FFmpeg writing exactly the same set of renditions, with the fewest
  commands a person would write by hand: one command encoding the four AAC
  ``.m4a`` files from one decode, one command remuxing them (``-c copy``) into
  the same HLS (fMP4 segments of 6 s, a playlist per rung, a master). It
  measures no loudness and draws no waveform.

Prints the time to first playable (and how many times faster than real time),
the time for all renditions, the ratio all renditions / plain FFmpeg, and how
busy the machine was. Figures only: nothing here passes or fails on time.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")

from catalog.audio import ffmpeg_exe
from catalog.synth import audio_synthesise
from streaming.transcode import FIRST_RUNGS, HLS_SEGMENT_SECONDS, LADDER, TranscodeRun, hls_master_merge

GOAL_FIRST_PLAYABLE = 20.0  # times real time, at least
GOAL_RATIO = 1.3  # all renditions / plain FFmpeg making the same files, at most


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies over all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(values[:8]) - values[3] - values[4], sum(values[:8])


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _background_busy(seconds: float = 2.0) -> float:
    """How busy the machine is while the bench does nothing: other work skews every figure."""
    busy, total = _machine_jiffies()
    time.sleep(seconds)
    busy_after, total_after = _machine_jiffies()
    return (busy_after - busy) / max(total_after - total, 1)


def _transcode(source: Path, out_dir: Path) -> tuple[float, float, float]:
    """Seconds to first playable and to every rendition, wall and FFmpeg CPU (the worker's steps, no storage)."""
    started, cpu_started = time.perf_counter(), _children_cpu_seconds()
    with TranscodeRun(source, out_dir) as run:
        run.first()
        first = time.perf_counter() - started
        rest = run.rest()
        master = out_dir / "hls/master.m3u8"
        master.write_text(hls_master_merge(master.read_text(), (out_dir / rest.hls_master).read_text()))
    every = time.perf_counter() - started
    return first, every, _children_cpu_seconds() - cpu_started


def plain_commands(source: Path, out_dir: Path) -> list[list[str]]:
    """The same renditions as a person would make them by hand: encode once, then remux into HLS."""
    ffmpeg = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    encode = [*ffmpeg, "-i", str(source)]
    for kbps in LADDER:
        encode += ["-map", "0:a:0", "-ac", "2", "-ar", "44100", "-c:a", "aac", "-b:a", f"{kbps}k"]
        encode += ["-map_metadata", "-1", "-movflags", "+faststart", str(out_dir / f"aac_{kbps}.m4a")]
    remux = [*ffmpeg]
    for kbps in LADDER:
        remux += ["-i", str(out_dir / f"aac_{kbps}.m4a")]
    for index in range(len(LADDER)):
        remux += ["-map", f"{index}:a"]
    remux += ["-c", "copy", "-f", "hls", "-hls_time", str(HLS_SEGMENT_SECONDS), "-hls_playlist_type", "vod"]
    remux += ["-hls_segment_type", "fmp4", "-start_number", "1"]
    remux += ["-hls_segment_filename", str(out_dir / "hls/%v/seg_%05d.m4s"), "-master_pl_name", "master.m3u8"]
    remux += ["-var_stream_map", " ".join(f"a:{index},name:aac_{kbps}" for index, kbps in enumerate(LADDER))]
    remux += [str(out_dir / "hls/%v/index.m3u8")]
    return [encode, remux]


def _plain(source: Path, out_dir: Path) -> tuple[float, float]:
    out_dir.mkdir()
    started, cpu_started = time.perf_counter(), _children_cpu_seconds()
    for command in plain_commands(source, out_dir):
        subprocess.run(command, check=True, timeout=1200)
    every = time.perf_counter() - started
    return every, _children_cpu_seconds() - cpu_started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the generated original")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    args = parser.parse_args()

    idle_busy, load_before = _background_busy(), _load_average()
    machine_started = _machine_jiffies()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        source = audio_synthesise(work / "original.flac", seconds=args.seconds, fmt="flac", seed=7)
        # Alternated, so that both see the same background as far as can be.
        transcodes, plains = [], []
        for attempt in range(args.repeat):
            transcodes.append(_transcode(source, work / f"transcode-{attempt}"))
            plains.append(_plain(source, work / f"plain-{attempt}"))
    busy_jiffies = _machine_jiffies()[0] - machine_started[0], _machine_jiffies()[1] - machine_started[1]
    # The best run of each: the one the background disturbed least.
    first, every, cpu = min(transcodes, key=lambda timing: timing[1])
    first_best = min(timing[0] for timing in transcodes)
    plain_wall, plain_cpu = min(plains)

    ladder = "/".join(str(kbps) for kbps in LADDER)
    first_rungs = "/".join(str(kbps) for kbps in FIRST_RUNGS)
    print(f"original: {args.seconds:g} s of FLAC, stereo 44.1 kHz; {os.cpu_count()} CPUs; best of {args.repeat}")
    print(f"background: machine {100 * idle_busy:.0f}% busy with the bench idle; load average {load_before} before")
    print(f"{'':<58} {'wall s':>7} {'x real time':>12} {'CPU s':>7}")
    rows = [
        (f"first playable (AAC {first_rungs} + HLS + loudness + peaks)", first, None),
        (f"all renditions (AAC {ladder} + HLS + loudness + peaks)", every, cpu),
        (f"plain ffmpeg, the same {len(LADDER)} .m4a + HLS (2 commands)", plain_wall, plain_cpu),
    ]
    for label, wall, cpu_seconds in rows:
        cpu_text = f"{cpu_seconds:7.2f}" if cpu_seconds is not None else f"{'':>7}"
        print(f"{label:<58} {wall:7.2f} {args.seconds / wall:11.1f}x {cpu_text}")
    ratio = every / plain_wall
    print(f"first playable: {args.seconds / first:.1f}x real time (best of the runs: {args.seconds / first_best:.1f}x)")
    print(f"ratio all renditions / plain ffmpeg: {ratio:.2f} wall, {cpu / plain_cpu:.2f} CPU")
    print(
        f"goals: first playable >= {GOAL_FIRST_PLAYABLE:g}x real time: "
        f"{'met' if args.seconds / first >= GOAL_FIRST_PLAYABLE else 'NOT met'}; "
        f"all renditions <= {GOAL_RATIO:g}x plain ffmpeg: {'met' if ratio <= GOAL_RATIO else 'NOT met'}"
    )
    busy = 100 * busy_jiffies[0] / max(busy_jiffies[1], 1)
    print(f"during the bench: machine {busy:.0f}% busy; load average {_load_average()} after")


if __name__ == "__main__":
    main()
