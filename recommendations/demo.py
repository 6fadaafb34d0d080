"""The demo's listening: weeks of plays in a few tastes, so the demo listeners' home pages show real mixes.

The demo listeners (``catalog.demo.DEMO_USERS``) and some background listeners each favour
one or two groups of the demo artists, and play them in sittings spread over the last four
weeks. Then the model is computed (``neighbours_compute``), so recommendations, mixes and
"Fans also like" are there right after ``make run``.

Safe to run twice: each listener's plays have fixed ids (made from their name and the play's
place), and only the missing ones are added; each added play counts once in its track's
play count, as a reported play does (``streaming.services.plays``).
"""

import random
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from catalog.models import Album, Artist, Track
from playlists.models import FollowedArtist
from recommendations.services import neighbours_compute
from streaming.models import Play

# Artists that the same listeners play together (in one sitting, a listener keeps to one taste).
TASTES: dict[str, tuple[str, ...]] = {
    "night": ("Aurora Fields", "Kofi & the Night Bus"),
    "loud": ("The Beatels", "Metallic Dawn"),
    "strings": ("Beyoncé Tribute Orchestra", "Kofi & the Night Bus"),
}
LISTENERS = {  # a demo listener's tastes, the favourite first, and the artist they follow
    "listener": (("night", "loud"), "Aurora Fields"),
    "premium": (("loud", "strings"), "Metallic Dawn"),
    "artist": (("strings", "night"), "Kofi & the Night Bus"),
    "admin": (("night", "strings"), ""),
}
BACKGROUND = 24  # listeners of the demo's own besides the demo logins, so tastes have several fans
SESSIONS = 10  # sittings per listener, over the last DAYS days
DAYS = 28
FAVOURITE = 0.75  # of the sittings, those of the favourite taste
NAMESPACE = uuid.UUID("5b0f6d1e-3c8a-4f6e-9d47-2f1a9c3e7b10")


def _background() -> dict[str, tuple[tuple[str, ...], str]]:
    names = list(TASTES)
    return {
        f"demo-fan-{n:02d}": ((names[n % len(names)], names[(n + n // len(names)) % len(names)]), "")
        for n in range(1, BACKGROUND + 1)
    }


def _background_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        number = username.rsplit("-", 1)[-1]
        user = User.objects.create_user(
            username=username, email=f"{username}@example.com", password=None, display_name=f"Demo Fan {number}"
        )
    return user


def _sittings(
    username: str, tastes: tuple[str, ...], tracks: dict[str, list[Track]], now: datetime
) -> list[tuple[Track, datetime]]:
    """The listener's plays, oldest first: the same every run for the same catalog."""
    rng = random.Random(username)  # noqa: S311 - demo data, not secrets
    plays: list[tuple[Track, datetime]] = []
    for sitting in range(SESSIONS):
        # The last sitting is of their favourite, so the home page's newest plays are of it too.
        favourite = sitting == SESSIONS - 1 or rng.random() < FAVOURITE or len(tastes) == 1
        taste = tastes[0] if favourite else tastes[1]
        pool = [track for artist in TASTES[taste] for track in tracks.get(artist, [])]
        if not pool:
            continue
        at = now - timedelta(days=DAYS * (SESSIONS - sitting) / SESSIONS, hours=rng.uniform(0, 12))
        last = None
        for _ in range(rng.randint(6, 10)):
            track = rng.choice([track for track in pool if track != last] or pool)
            plays.append((track, at))
            at += timedelta(milliseconds=(track.duration_ms or 30_000) + rng.randint(1_000, 20_000))
            last = track
    return plays


def seed_demo_plays(report: Callable[[str], None] = print, *, now: datetime | None = None) -> None:
    """Add the missing demo plays and follows, then compute the model; say how many plays were added."""
    now = now or timezone.now()
    playable = Track.objects.filter(status=Track.Status.READY, album__status=Album.Status.PUBLISHED)
    tracks: dict[str, list[Track]] = {}
    for track in playable.select_related("artist").order_by("artist__name", "album_id", "track_number", "pk"):
        tracks.setdefault(track.artist.name, []).append(track)
    if not tracks:
        report("recommendations: no demo music to play yet")
        return
    added = seeded = 0
    counts: Counter[int] = Counter()
    listeners = LISTENERS | _background()
    with transaction.atomic():
        for username, (tastes, follows) in listeners.items():
            if username in LISTENERS:
                user = User.objects.filter(username=username).first()
                if user is None:
                    continue
            else:
                user = _background_user(username)
            seeded += 1
            plays = [
                Play(
                    id=uuid.uuid5(NAMESPACE, f"{username}:{place}"),
                    user=user,
                    track=track,
                    started_at=at,
                    ms_played=track.duration_ms or 30_000,
                    counted=True,
                    ended=True,
                )
                for place, (track, at) in enumerate(_sittings(username, tastes, tracks, now))
            ]
            known = set(Play.objects.filter(pk__in=[play.pk for play in plays]).values_list("pk", flat=True))
            missing = [play for play in plays if play.pk not in known]
            Play.objects.bulk_create(missing, batch_size=500)
            counts.update(play.track_id for play in missing)
            added += len(missing)
            artist = Artist.objects.filter(name=follows).first() if follows else None
            if artist is not None:
                FollowedArtist.objects.get_or_create(user=user, artist=artist)
        for track_id, count in counts.items():
            Track.objects.filter(pk=track_id).update(play_count=F("play_count") + count)
    figures = neighbours_compute(now=now)
    report(
        f"recommendations: {added} demo plays added for {seeded} listeners; "
        f"the model read {figures.plays_read} plays: {figures.track_pairs} track and "
        f"{figures.artist_pairs} artist neighbours"
    )
