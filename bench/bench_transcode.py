"""Upload to playable: how soon a track plays, and what all its renditions cost next to plain FFmpeg.

    .venv/bin/python bench/bench_transcode.py [--seconds 60] [--repeat 3] [--original both]

From a generated FLAC original, the best of --repeat runs (wall-clock, and the
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

Two originals (``--original``): ``dual-mono``, the demo catalog's synthesised
music, whose two channels are the same (as a mono recording copied to both
channels is: the AAC encoder's slowest case, about twice the CPU of real
stereo at 160 kbit/s); and ``stereo``, two of those tunes panned left and right
over a quiet hiss that differs between the channels.

Then the worker's other steps up to the switch, for the slowest original: the
probe, the check of the upload (decoded whole, tags read), and the upload of
the first rung's files to the renditions storage the settings name (the local
disk, or the bucket in services mode), four at a time as the worker does and
one at a time as it did (after the transcode, not during the rest run as in the
worker: a storage server on this machine would take CPU from FFmpeg).

Prints the time to first playable (and how many times faster than real time),
the time for all renditions, the ratio all renditions / plain FFmpeg, and how
busy the machine was. Figures only: nothing here passes or fails on time.
"""

import argparse
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")

import django

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


def _transcode(
    source: Path, out_dir: Path, uploads: list[tuple[float, float]] | None = None
) -> tuple[float, float, float]:
    """Seconds to first playable and to every rendition, wall and FFmpeg CPU (the worker's steps, no storage).

    With ``uploads``, the first rung's files then go up to the renditions storage, four at a
    time and one at a time (after the timings: the storage server of services mode runs on
    this machine and would take CPU from FFmpeg, which a real bucket does not).
    """
    started, cpu_started = time.perf_counter(), _children_cpu_seconds()
    with TranscodeRun(source, out_dir) as run:
        first_result = run.first()
        first = time.perf_counter() - started
        first_master = (out_dir / first_result.hls_master).read_text()
        rest = run.rest()
        master = out_dir / "hls/master.m3u8"
        master.write_text(hls_master_merge(master.read_text(), (out_dir / rest.hls_master).read_text()))
    every = time.perf_counter() - started
    cpu = _children_cpu_seconds() - cpu_started
    if uploads is not None:
        uploads.append(_upload_first(out_dir, first_result.files, first_result.hls_master, first_master))
    return first, every, cpu


def _upload_first(out_dir: Path, files: list[str], hls_master: str, master: str) -> tuple[float, float]:
    """Seconds to upload what makes a track playable, as the worker does and one file at a time."""
    from streaming.services import renditions
    from streaming.storage import folder_delete

    names = [name for name in files if name != hls_master] + renditions._cap_masters(out_dir, master, list(FIRST_RUNGS))
    timings = []
    # Once, untimed: a worker keeps its upload threads and their connections from one track to the next.
    rounds = (renditions.UPLOAD_THREADS, 1) if _warm else (renditions.UPLOAD_THREADS, 1, renditions.UPLOAD_THREADS, 1)
    _warm.append(True)
    for threads in rounds:
        folder = f"renditions/bench-{secrets.token_hex(6)}/"
        started = time.perf_counter()
        if threads == 1:
            for name in names:
                renditions._upload(out_dir, folder, [name])
        else:
            renditions._upload(out_dir, folder, names)
        timings.append(time.perf_counter() - started)
        folder_delete(folder)
    return timings[-2], timings[-1]


_warm: list[bool] = []


def _worker_steps(source: Path) -> tuple[float, float]:
    """Seconds of the steps before FFmpeg starts: the probe, and the check of the upload (decode, tags)."""
    from catalog.audio import audio_probe, audio_verify
    from catalog.tags import tags_read

    started = time.perf_counter()
    audio_probe(source)
    probe = time.perf_counter() - started
    started = time.perf_counter()
    audio_verify(source, max_seconds=24 * 3600)
    tags_read(source)
    return probe, time.perf_counter() - started


def stereo_synthesise(path: Path, *, seconds: float, work: Path) -> Path:
    """Two synthesised tunes panned left and right over a quiet hiss that differs between the channels."""
    left = audio_synthesise(work / "left.flac", seconds=seconds, fmt="flac", seed=7)
    right = audio_synthesise(work / "right.flac", seconds=seconds, fmt="flac", seed=8)
    hiss = [f"anoisesrc=color=pink:amplitude=0.01:seed={seed}:duration={seconds}" for seed in (1, 2)]
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(left), "-i", str(right)]
    command += ["-f", "lavfi", "-i", hiss[0], "-f", "lavfi", "-i", hiss[1]]
    command += ["-filter_complex", "[0][1][2][3]amerge=inputs=4,pan=stereo|c0=0.7*c0+0.3*c2+c4|c1=0.7*c2+0.3*c0+c5"]
    command += ["-ar", "44100", "-sample_fmt", "s16", "-c:a", "flac", str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return path


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


def _bench(label: str, source: Path, work: Path, *, seconds: float, repeat: int, steps: bool) -> None:
    """Run and print one original's figures."""
    # Alternated, so that both see the same background as far as can be.
    transcodes, plains, uploads = [], [], []
    for attempt in range(repeat):
        transcodes.append(_transcode(source, work / f"transcode-{attempt}", uploads if steps else None))
        plains.append(_plain(source, work / f"plain-{attempt}"))
    # The best run of each: the one the background disturbed least.
    first, every, cpu = min(transcodes, key=lambda timing: timing[1])
    first_best = min(timing[0] for timing in transcodes)
    plain_wall, plain_cpu = min(plains)

    ladder = "/".join(str(kbps) for kbps in LADDER)
    first_rungs = "/".join(str(kbps) for kbps in FIRST_RUNGS)
    print(f"original: {seconds:g} s of FLAC, {label}, 44.1 kHz; {os.cpu_count()} CPUs; best of {repeat}")
    print(f"{'':<58} {'wall s':>7} {'x real time':>12} {'CPU s':>7}")
    rows = [
        (f"first playable (AAC {first_rungs} + HLS + loudness + peaks)", first, None),
        (f"all renditions (AAC {ladder} + HLS + loudness + peaks)", every, cpu),
        (f"plain ffmpeg, the same {len(LADDER)} .m4a + HLS (2 commands)", plain_wall, plain_cpu),
    ]
    for row_label, wall, cpu_seconds in rows:
        cpu_text = f"{cpu_seconds:7.2f}" if cpu_seconds is not None else f"{'':>7}"
        print(f"{row_label:<58} {wall:7.2f} {seconds / wall:11.1f}x {cpu_text}")
    ratio = every / plain_wall
    print(f"first playable: {seconds / first:.1f}x real time (best of the runs: {seconds / first_best:.1f}x)")
    print(f"ratio all renditions / plain ffmpeg: {ratio:.2f} wall, {cpu / plain_cpu:.2f} CPU")
    print(
        f"goals: first playable >= {GOAL_FIRST_PLAYABLE:g}x real time: "
        f"{'met' if seconds / first >= GOAL_FIRST_PLAYABLE else 'NOT met'}; "
        f"all renditions <= {GOAL_RATIO:g}x plain ffmpeg: {'met' if ratio <= GOAL_RATIO else 'NOT met'}"
    )
    if steps:
        from django.conf import settings

        probe, check = _worker_steps(source)
        parallel, one_by_one = min(upload[0] for upload in uploads), min(upload[1] for upload in uploads)
        storage = "the bucket" if settings.STORAGE_BACKEND == "s3" else "local disk"
        print(f"the worker's steps to playable (best of {repeat}; upload to {storage}):")
        print(f"  probe {probe:.3f} s; check of the upload (decoded whole, tags) {check:.3f} s")
        print(f"  first run (FFmpeg) {first_best:.2f} s")
        print(f"  upload of the first rung's files: {parallel:.3f} s four at a time, {one_by_one:.3f} s one at a time")
        total = probe + check + first_best + parallel
        print(
            f"  upload to playable, without the database: {total:.2f} s = {seconds / total:.1f}x real time "
            f"({probe + check + first_best + one_by_one:.2f} s one file at a time)"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the generated original")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    parser.add_argument("--original", choices=["dual-mono", "stereo", "both"], default="both")
    args = parser.parse_args()

    idle_busy, load_before = _background_busy(), _load_average()
    machine_started = _machine_jiffies()
    print(f"background: machine {100 * idle_busy:.0f}% busy with the bench idle; load average {load_before} before")
    print()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        os.environ.setdefault("MEDIA_ROOT", str(work / "media"))  # the embedded storage: nowhere lasting
        django.setup()
        if args.original in ("dual-mono", "both"):
            source = audio_synthesise(work / "dual-mono.flac", seconds=args.seconds, fmt="flac", seed=7)
            label = "stereo with both channels the same (the demo's music)"
            (work / "dual-mono").mkdir()
            _bench(label, source, work / "dual-mono", seconds=args.seconds, repeat=args.repeat, steps=True)
        if args.original in ("stereo", "both"):
            source = stereo_synthesise(work / "stereo.flac", seconds=args.seconds, work=work)
            (work / "stereo").mkdir()
            steps = args.original == "stereo"
            _bench("stereo", source, work / "stereo", seconds=args.seconds, repeat=args.repeat, steps=steps)
    busy_jiffies = _machine_jiffies()[0] - machine_started[0], _machine_jiffies()[1] - machine_started[1]
    busy = 100 * busy_jiffies[0] / max(busy_jiffies[1], 1)
    print(f"during the bench: machine {busy:.0f}% busy; load average {_load_average()} after")


if __name__ == "__main__":
    main()
