"""Real audio and artwork made from nothing, for the demo catalog and the tests.

The audio is music of a sort: a chord progression played as plucked
arpeggios over a soft pad, with a kick drum, rendered by FFmpeg's expression
source and encoded into whichever format is asked for.
"""

import io
import random
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from catalog.audio import ffmpeg_exe

# Encoder arguments for each container we make originals in.
FORMATS: dict[str, list[str]] = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "192k"],
    "flac": ["-c:a", "flac"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "5"],
    "opus": ["-c:a", "libopus", "-b:a", "128k"],
    "m4a": ["-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart"],
    "wav": ["-c:a", "pcm_s16le"],
}

# Semitone offsets from the root for a few progressions (I-V-vi-IV and friends).
_PROGRESSIONS = [
    [(0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12)],
    [(0, 3, 7), (8, 12, 15), (3, 7, 10), (10, 14, 17)],
    [(0, 4, 7), (5, 9, 12), (7, 11, 14), (0, 4, 7)],
    [(0, 3, 7), (5, 8, 12), (7, 10, 14), (3, 7, 10)],
]


def _note(root_hz: float, semitones: int) -> float:
    return root_hz * 2 ** (semitones / 12)


def _music_expression(*, seed: int, bpm: int) -> str:
    """An FFmpeg aevalsrc expression for a four-bar, four-chord loop."""
    rng = random.Random(seed)
    root = rng.choice([196.0, 220.0, 246.94, 261.63, 293.66])
    progression = rng.choice(_PROGRESSIONS)
    beat = 60 / bpm
    bar = 4 * beat
    step = beat / 2  # eighth-note arpeggio
    parts = []
    for index, chord in enumerate(progression):
        # This chord sounds while floor(t / bar) mod 4 == index.
        gate = f"eq(mod(floor(t/{bar:.4f}),4),{index})"
        notes = [_note(root, s) for s in chord] + [_note(root, chord[0] + 12)]
        # Arpeggio: the note for this eighth, plucked (fast exponential decay).
        arp = "+".join(f"eq(mod(floor(t/{step:.4f}),4),{i})*sin(2*PI*{hz:.2f}*t)" for i, hz in enumerate(notes))
        pad = "+".join(f"sin(2*PI*{hz / 2:.2f}*t)" for hz in notes[:3])
        # A 5 ms attack, so that each pluck starts without a click.
        pluck = f"(1-exp(-200*mod(t,{step:.4f})))*exp(-6*mod(t,{step:.4f}))"
        parts.append(f"{gate}*(0.22*({arp})*{pluck}+0.05*({pad}))")
    kick = f"0.35*sin(2*PI*(50+90*exp(-30*mod(t,{beat:.4f})))*mod(t,{beat:.4f}))*exp(-9*mod(t,{beat:.4f}))"
    return "+".join(parts) + f"+{kick}"


def audio_synthesise(
    path: Path,
    *,
    seconds: float,
    fmt: str,
    seed: int = 0,
    tags: dict[str, str] | None = None,
    cover: Path | None = None,
) -> Path:
    """Write ``seconds`` of stereo music to ``path`` in ``fmt`` (a key of FORMATS)."""
    bpm = random.Random(seed).choice([84, 96, 108, 120, 128])
    expression = _music_expression(seed=seed, bpm=bpm)
    loop_seconds = 16 * 60 / bpm  # four bars
    rate = 44100
    fade_out = max(0.0, seconds - 1.5)
    # The expression is costly per sample: render four bars once, then loop them.
    source = (
        f"aevalsrc=exprs='{expression}':s={rate}:d={loop_seconds:.4f},"
        f"aloop=loop=-1:size={int(loop_seconds * rate)},atrim=duration={seconds},"
        f"afade=t=in:d=0.3,afade=t=out:st={fade_out}:d=1.5,alimiter=limit=0.9,"
        "pan=stereo|c0=c0|c1=c0"
    )
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    command += ["-f", "lavfi", "-i", source]
    if cover is not None:
        command += ["-i", str(cover), "-map", "0:a", "-map", "1:v", "-c:v", "copy", "-disposition:v", "attached_pic"]
    for key, value in (tags or {}).items():
        command += ["-metadata", f"{key}={value}"]
    command += [*FORMATS[fmt], str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return path


def artwork_synthesise(*, title: str, seed: int = 0, size: int = 800) -> bytes:
    """A square cover: a two-colour gradient, a few circles and the title, as PNG bytes."""
    rng = random.Random(seed)
    top = tuple(rng.randint(30, 230) for _ in range(3))
    bottom = tuple(rng.randint(10, 120) for _ in range(3))
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    for y in range(size):
        mix = y / size
        colour = tuple(int(a * (1 - mix) + b * mix) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (size, y)], fill=colour)
    for _ in range(rng.randint(3, 7)):
        radius = rng.randint(size // 12, size // 3)
        x, y = rng.randint(0, size), rng.randint(0, size)
        shade = tuple(min(255, c + rng.randint(20, 90)) for c in top)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=shade, width=max(2, size // 80))
    font = ImageFont.load_default(size=size // 11)
    draw.text((size // 14, size - size // 5), title, fill=(255, 255, 255), font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def tone_split_synthesise(paths: list[Path], *, seconds: float, hz: float = 440.0, fmt: str = "flac") -> list[Path]:
    """One unbroken sine tone cut into ``len(paths)`` files of ``seconds`` each, at exact sample boundaries.

    Played one after another without a gap, the files sound as one tone: any
    silence heard at a join was added by the encoding or by the player. Each
    file starts where the last ended, in phase; ``seconds`` should be a whole
    number of samples at 44.1 kHz.
    """
    rate = 44100
    samples = round(seconds * rate)
    for index, path in enumerate(paths):
        first = index * samples
        # Sample n of the whole tone is sin(2π·hz·n/rate); this file holds samples first … first + samples - 1.
        expression = f"0.5*sin(2*PI*{hz}*(n+{first})/{rate})"
        source = f"aevalsrc=exprs='{expression}|{expression}':s={rate}:n=1024,atrim=end_sample={samples}"
        command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
        command += ["-f", "lavfi", "-i", source, *FORMATS[fmt], str(path)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    return paths
