from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from catalog.models import Album
from streaming.models import Play
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory


def play(user, track, at: datetime | None = None, *, ms=60_000, counted=True, source="album", country="FR") -> Play:
    return Play.objects.create(
        user=user,
        track=track,
        started_at=at or timezone.now(),
        ms_played=ms,
        counted=counted,
        source=source,
        country=country,
    )


@pytest.fixture
def studio(db, owner):
    """An artist run by ``owner``, with an album out three days ago and one out a month ago."""
    artist = ArtistFactory(name="Aurora Skies", slug="aurora-skies", owner=owner)
    now = timezone.now()
    new = AlbumFactory(
        artist=artist, title="Polar Night", status=Album.Status.PUBLISHED, published_at=now - timedelta(days=3)
    )
    old = AlbumFactory(
        artist=artist, title="First Light", status=Album.Status.PUBLISHED, published_at=now - timedelta(days=40)
    )
    tracks = {
        "north": TrackFactory(album=new, title="Magnetic North", track_number=1),
        "aurora": TrackFactory(album=new, title="Aurora", track_number=2),
        "dawn": TrackFactory(album=old, title="Dawn", track_number=1),
    }
    return {"artist": artist, "new": new, "old": old, "tracks": tracks, "listeners": UserFactory.create_batch(3)}
