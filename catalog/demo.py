"""The demo catalog: a few artists, their albums and tracks, with real audio (and lyrics on some).

Everything goes through the same services that artists and listeners use,
and running it again adds only what is missing.
"""

import io
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.files import File
from django.db import transaction
from PIL import Image, ImageDraw

from accounts import services as account_services
from accounts.models import Profile, User
from catalog.models import Album, Artist, Lyrics, Track
from catalog.services.albums import album_artwork_set, album_create, album_publish
from catalog.services.artists import artist_create, artist_image_set, genre_get_or_create
from catalog.services.lyrics import lyrics_save
from catalog.services.tracks import track_upload
from catalog.synth import artwork_synthesise, audio_synthesise

DEMO_PASSWORD = "listen-to-the-demo"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoAlbum:
    title: str
    album_type: str
    released: date
    genres: tuple[str, ...]
    tracks: tuple[str, ...]


@dataclass(frozen=True)
class DemoArtist:
    name: str
    bio: str
    albums: tuple[DemoAlbum, ...]


DEMO_USERS = (
    # username, email, display name, plan, staff
    ("listener", "listener@example.com", "Demo Listener", Profile.Plan.FREE, False),
    ("premium", "premium@example.com", "Demo Premium", Profile.Plan.PREMIUM, False),
    ("artist", "artist@example.com", "Demo Artist Member", Profile.Plan.PREMIUM, False),
    ("admin", "admin@example.com", "Demo Staff", Profile.Plan.PREMIUM, True),
)

DEMO_CATALOG = (
    DemoArtist(
        "Aurora Fields",
        "Slow-blooming synth pop from a town with more sheep than people.",
        (
            DemoAlbum(
                "Northern Lights",
                Album.Type.ALBUM,
                date(2025, 3, 14),
                ("Electronic", "Pop"),
                ("Polar Night", "Magnetic North", "Glass Fjord", "Midnight Sun"),
            ),
            DemoAlbum("Snowglobe", Album.Type.SINGLE, date(2026, 1, 9), ("Pop",), ("Snowglobe",)),
        ),
    ),
    DemoArtist(
        "The Beatels",
        "A tribute band that took its own spelling seriously.",
        (
            DemoAlbum(
                "Abbey Lane",
                Album.Type.ALBUM,
                date(2024, 9, 26),
                ("Rock",),
                ("Come Along", "Sunrise Comes", "Octopus Garden Party", "Here Together"),
            ),
        ),
    ),
    DemoArtist(
        "Beyoncé Tribute Orchestra",
        "Strings, brass and a very tight rhythm section.",
        (
            DemoAlbum(
                "Halo Suites",
                Album.Type.EP,
                date(2025, 11, 2),
                ("Classical", "R&B"),
                ("Halo Overture", "Crazy in Strings", "Single Ladies Waltz"),
            ),
        ),
    ),
    DemoArtist(
        "Metallic Dawn",
        "Loud, then louder.",
        (
            DemoAlbum(
                "Iron Tides",
                Album.Type.ALBUM,
                date(2023, 6, 1),
                ("Metal", "Rock"),
                ("Anvil", "Forge of Storms", "Rust Never Sleeps", "Molten"),
            ),
        ),
    ),
    DemoArtist(
        "Kofi & the Night Bus",
        "Late-night jazz for the last ride home.",
        (
            DemoAlbum(
                "Last Stop",
                Album.Type.ALBUM,
                date(2026, 10, 30),
                ("Jazz",),
                ("Terminus", "Night Fare", "Blue Line", "Dawn Depot"),
            ),
        ),
    ),
)

# Source formats cycle so that every format an artist might upload is in the catalog.
SOURCE_FORMATS = ("mp3", "flac", "ogg", "m4a", "wav", "opus")


def _user(username: str, email: str, display_name: str, plan: str, staff: bool) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            username=username, email=email, password=DEMO_PASSWORD, display_name=display_name
        )
    if staff and not user.is_staff:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    if user.profile.plan != plan:
        account_services.profile_plan_set(profile=user.profile, plan=plan)
    return user


def _wait_until_processed(album: Album, track_ids: list[int], *, timeout: float = 300) -> None:
    """With real workers, tracks are processed (and placed on their album) elsewhere: wait for them."""
    deadline = time.monotonic() + timeout
    while Track.objects.filter(pk__in=track_ids, status=Track.Status.PROCESSING).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"The tracks of {album.title!r} were not processed within {timeout:.0f} s.")
        time.sleep(0.5)


_LYRIC_OPENINGS = ("Under", "Over", "Across", "Along", "Beyond", "Inside", "Beneath", "Around")
_LYRIC_THINGS = (
    "the northern lights",
    "a quiet harbour",
    "the silver water",
    "a field of snow",
    "the sleeping town",
    "the last train home",
    "a thousand lanterns",
    "the open road",
)
_LYRIC_ENDINGS = ("we wait", "I call your name", "the night holds on", "we start again", "it all comes back")


def _demo_lines(*, seed: int, duration_ms: int) -> list[dict[str, int | str | None]]:
    """Eight generated lines, timed evenly across the track, with an instrumental break before the last."""
    count = 8
    step = duration_ms // (count + 2)
    lines: list[dict[str, int | str | None]] = []
    for index in range(count):
        opening = _LYRIC_OPENINGS[(seed + index) % len(_LYRIC_OPENINGS)]
        thing = _LYRIC_THINGS[(seed * 3 + index) % len(_LYRIC_THINGS)]
        ending = _LYRIC_ENDINGS[(seed + index * 2) % len(_LYRIC_ENDINGS)]
        text = "" if index == count - 2 else f"{opening} {thing} {ending}"
        lines.append({"start_ms": step * (index + 1), "text": text})
    return lines


def _demo_lyrics_add(*, album: Album, by: User, seed: int) -> None:
    """The album's first track gets synced lyrics (generated), published, unless it has some already."""
    first = album.tracks.filter(status=Track.Status.READY, duration_ms__isnull=False).order_by("track_number").first()
    if first is None or Lyrics.objects.filter(track=first, state=Lyrics.State.PUBLISHED).exists():
        return
    lyrics_save(
        track=first,
        by=by,
        lines=_demo_lines(seed=seed, duration_ms=first.duration_ms or 0),
        language="en",
        written_by=first.artist.name,
        state=Lyrics.State.PUBLISHED,
    )


def artist_picture_synthesise(*, seed: int, size: int = 640) -> bytes:
    """A demo artist's square picture, as PNG bytes: a silhouette under stage lights, centred for a round crop."""
    rng = random.Random(seed)  # noqa: S311 - a picture, not a secret
    light = tuple(rng.randint(120, 255) for _ in range(3))
    dark = tuple(rng.randint(5, 45) for _ in range(3))
    image = Image.new("RGBA", (size, size))
    draw = ImageDraw.Draw(image)
    for y in range(size):  # the stage: light above, dark below
        mix = min(1.0, y / size * 1.3)
        draw.line(
            [(0, y), (size, y)], fill=(*(int(a * (1 - mix) + b * mix) for a, b in zip(light, dark, strict=True)), 255)
        )
    beams = Image.new("RGBA", (size, size))
    beam_draw = ImageDraw.Draw(beams)
    for _ in range(rng.randint(2, 4)):  # spotlights from above
        top = rng.randint(0, size)
        spread = rng.randint(size // 10, size // 4)
        foot = size // 2 + rng.randint(-size // 4, size // 4)
        beam_draw.polygon(
            [(top - 6, 0), (top + 6, 0), (foot + spread, size), (foot - spread, size)], fill=(255, 255, 255, 46)
        )
    image = Image.alpha_composite(image, beams)
    draw = ImageDraw.Draw(image)
    middle, head = size // 2 + rng.randint(-size // 16, size // 16), size // 9
    head_y = size * 9 // 20

    def figure(grow: int, colour: tuple[int, ...]) -> None:
        draw.ellipse(
            [middle - head - grow, head_y - head - grow, middle + head + grow, head_y + head + grow], fill=colour
        )
        neck = head * 2 // 5
        draw.rectangle([middle - neck - grow, head_y, middle + neck + grow, head_y + head * 2], fill=colour)
        top, width = head_y + head * 3 // 2, size * 3 // 10
        draw.rounded_rectangle(
            [middle - width - grow, top - grow, middle + width + grow, size + size // 8], radius=size // 8, fill=colour
        )

    figure(4, (*light, 255))  # the rim the lights draw around it
    figure(0, (*(c // 3 for c in dark), 255))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def demo_artist_pictures_add(*, by: User) -> int:
    """Give each demo artist without a picture its generated one (an older demo install too); return how many."""
    added = 0
    for index, spec in enumerate(DEMO_CATALOG):
        artist = Artist.objects.filter(name=spec.name).first()
        if artist is not None and not artist.image:
            artist_image_set(artist=artist, by=by, file=io.BytesIO(artist_picture_synthesise(seed=index)))
            added += 1
    return added


def seed_demo(*, report: Callable[[str], None] = print, track_seconds: tuple[int, int] = (20, 45)) -> dict[str, int]:
    """Load the demo catalog; return how many artists, albums and tracks were added."""
    users = {spec[0]: _user(*spec) for spec in DEMO_USERS}
    member = users["artist"]
    added = {"artists": 0, "albums": 0, "tracks": 0}
    total_tracks = sum(len(album.tracks) for artist in DEMO_CATALOG for album in artist.albums)
    done = 0
    low, high = track_seconds
    with tempfile.TemporaryDirectory(prefix="seed-demo-") as workdir:
        for artist_index, spec in enumerate(DEMO_CATALOG):
            artist = Artist.objects.filter(name=spec.name).first()
            if artist is None:
                artist = artist_create(name=spec.name, owner=member, bio=spec.bio, verified=True)
                added["artists"] += 1
            for album_index, album_spec in enumerate(spec.albums):
                seed = artist_index * 100 + album_index * 10
                with transaction.atomic():
                    album = Album.objects.filter(artist=artist, title=album_spec.title).first()
                    if album is None:
                        genres = [genre_get_or_create(name=name) for name in album_spec.genres]
                        album = album_create(
                            artist_id=artist.pk,
                            by=member,
                            title=album_spec.title,
                            album_type=album_spec.album_type,
                            release_date=album_spec.released,
                            label="Demo Records",
                            genres=genres,
                        )
                        cover = artwork_synthesise(title=album_spec.title, seed=seed)
                        album_artwork_set(album=album, by=member, file=io.BytesIO(cover))
                        added["albums"] += 1
                uploaded: list[int] = []
                for number, title in enumerate(album_spec.tracks, start=1):
                    done += 1
                    if Track.objects.filter(album=album, disc_number=1, track_number=number).exists():
                        continue
                    fmt = SOURCE_FORMATS[(done - 1) % len(SOURCE_FORMATS)]
                    seconds = low + (seed + number * 7) % (high - low + 1)
                    report(f"[{done}/{total_tracks}] {spec.name} - {title} ({seconds} s, {fmt})")
                    source = audio_synthesise(
                        Path(workdir) / f"{seed + number}.{fmt}",
                        seconds=seconds,
                        fmt=fmt,
                        seed=seed + number,
                        tags={
                            "title": title,
                            "artist": spec.name,
                            "album": album_spec.title,
                            "track": str(number),
                            "genre": album_spec.genres[0],
                            "date": str(album_spec.released.year),
                        },
                    )
                    # The same path as an artist's upload: the tags place it on the album.
                    with source.open("rb") as file:
                        uploaded.append(
                            track_upload(artist=artist, by=member, file=File(file, name=f"{title}.{fmt}")).pk
                        )
                    added["tracks"] += 1
                _wait_until_processed(album, uploaded)
                _demo_lyrics_add(album=album, by=member, seed=seed)
                album.refresh_from_db()
                if album.status != Album.Status.PUBLISHED and album.tracks.filter(status=Track.Status.READY).exists():
                    album_publish(album=album, by=member)
    # After the artists exist; an install seeded before artists had pictures gets them now.
    added["pictures"] = demo_artist_pictures_add(by=member)
    return added
