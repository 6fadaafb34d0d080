from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from catalog.models import Album, Genre, Track
from streaming.models import Play
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, TrackFactory


def play(user, track, at: datetime) -> Play:
    return Play.objects.create(user=user, track=track, started_at=at, ms_played=60_000, counted=True)


@pytest.fixture
def planted(db):
    """Two taste groups: listeners of group A play A's artist's tracks, of group B B's, and everyone a hit."""
    rock, jazz = Genre.objects.create(name="Rock", slug="rock"), Genre.objects.create(name="Jazz", slug="jazz")
    albums = {}
    for name, genre in (("a", rock), ("b", jazz), ("hit", rock)):
        albums[name] = AlbumFactory(status=Album.Status.PUBLISHED, title=name)
        albums[name].genres.add(genre)
    tracks = {name: [TrackFactory(album=albums[name], title=f"{name}{i}") for i in range(3)] for name in ("a", "b")}
    hit = TrackFactory(album=albums["hit"], title="hit", play_count=1000)
    Track.objects.filter(pk__in=[t.pk for t in tracks["a"]]).update(play_count=10)
    Track.objects.filter(pk__in=[t.pk for t in tracks["b"]]).update(play_count=20)
    start = timezone.now() - timedelta(days=1)
    listeners = {"a": UserFactory.create_batch(4), "b": UserFactory.create_batch(4)}
    for group, users in listeners.items():
        for user in users:
            for place, track in enumerate([*tracks[group], hit]):
                play(user, track, start + timedelta(minutes=4 * place))
    return {"tracks": tracks, "hit": hit, "listeners": listeners, "albums": albums, "genres": (rock, jazz)}
