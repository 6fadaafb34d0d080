"""The roll-up: days of plays, likes and playlist adds into the day tables, whole days at a time."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from catalog.models import Album
from insights.models import ArtistDay, RollupRun, TrackDay
from insights.services import ROLLUP_LATE, insights_days_rollup, insights_rollup
from playlists.models import LikedTrack, PlaylistItem
from playlists.services.items import playlist_items_add
from playlists.services.playlists import playlist_create
from streaming.models import Play
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory

DAY = date(2026, 3, 14)
NOON = datetime(2026, 3, 14, 12, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def play(user, track, at=NOON, *, ms=60_000, counted=True, ended=False, source="album", country="FR") -> Play:
    return Play.objects.create(
        user=user,
        track=track,
        started_at=at,
        ms_played=ms,
        counted=counted,
        ended=ended,
        source=source,
        country=country,
    )


@pytest.fixture
def catalog():
    artist = ArtistFactory(name="Aurora Skies")
    album = AlbumFactory(artist=artist, status=Album.Status.PUBLISHED)
    other = AlbumFactory(status=Album.Status.PUBLISHED)
    return {
        "artist": artist,
        "first": TrackFactory(album=album, title="First"),
        "second": TrackFactory(album=album, title="Second"),
        "elsewhere": TrackFactory(album=other, title="Elsewhere"),
    }


def test_a_day_of_plays_likes_and_adds_becomes_track_and_artist_rows(catalog):
    first, second, elsewhere = catalog["first"], catalog["second"], catalog["elsewhere"]
    ana, ben, cy = UserFactory.create_batch(3)
    play(ana, first)
    play(ana, first, source="playlist")
    play(ben, first, country="DE", source="search")
    play(ana, second, country="")
    play(cy, second, ms=10_000, counted=False)  # a skip
    play(cy, second, ms=12_000, counted=False, ended=True)  # short, but heard to the end: not a skip
    play(ben, elsewhere)
    play(ben, first, at=NOON + timedelta(days=1))  # another day
    LikedTrack.objects.create(user=ben, track=first)
    LikedTrack.objects.create(user=cy, track=first)
    playlist = playlist_create(owner=cy, name="Mine")
    playlist_items_add(playlist=playlist, by=cy, track_ids=[second.pk])
    at_noon = {"added_at": NOON}
    LikedTrack.objects.update(**at_noon)
    PlaylistItem.objects.update(**at_noon)

    figures = insights_days_rollup(first_day=DAY, last_day=DAY)

    assert (figures.track_rows, figures.artist_rows) == (3, 2)
    rows = {row.track_id: row for row in TrackDay.objects.filter(day=DAY)}
    assert {t: (r.streams, r.listeners, r.skips, r.saves, r.playlist_adds) for t, r in rows.items()} == {
        first.pk: (3, 2, 0, 2, 0),
        second.pk: (1, 1, 1, 0, 1),
        elsewhere.pk: (1, 1, 0, 0, 0),
    }
    assert rows[first.pk].countries == {"FR": 2, "DE": 1}
    assert rows[first.pk].sources == {"album": 1, "playlist": 1, "search": 1}
    assert rows[second.pk].countries == {"": 1}
    assert rows[first.pk].artist_id == catalog["artist"].pk
    artist = ArtistDay.objects.get(artist=catalog["artist"], day=DAY)
    # Ana played both tracks: the artist's listeners are counted once across them, not summed (3).
    assert (artist.streams, artist.listeners, artist.skips, artist.saves, artist.playlist_adds) == (4, 2, 1, 2, 1)
    assert artist.countries == {"FR": 2, "": 1, "DE": 1}
    assert artist.sources == {"album": 2, "playlist": 1, "search": 1}


def test_days_are_utc_days(catalog):
    ana = UserFactory()
    play(ana, catalog["first"], at=datetime(2026, 3, 14, 23, 59, tzinfo=UTC))
    play(ana, catalog["first"], at=datetime(2026, 3, 15, 0, 1, tzinfo=UTC))

    insights_days_rollup(first_day=DAY, last_day=DAY + timedelta(days=1))

    assert dict(TrackDay.objects.values_list("day", "streams")) == {DAY: 1, DAY + timedelta(days=1): 1}


def test_rolling_a_day_up_again_replaces_its_rows(catalog):
    ana, ben = UserFactory.create_batch(2)
    play(ana, catalog["first"])
    mistaken = play(ben, catalog["second"])
    insights_days_rollup(first_day=DAY, last_day=DAY)
    insights_days_rollup(first_day=DAY, last_day=DAY)
    assert TrackDay.objects.count() == 2
    assert ArtistDay.objects.get().streams == 2

    mistaken.delete()
    play(ana, catalog["first"])
    insights_days_rollup(first_day=DAY, last_day=DAY)

    assert list(TrackDay.objects.values_list("track_id", "streams")) == [(catalog["first"].pk, 2)]
    assert (ArtistDay.objects.get().streams, ArtistDay.objects.get().listeners) == (2, 1)


def test_the_periodic_rollup_takes_the_days_since_its_last_run(catalog):
    ana = UserFactory()
    old = play(ana, catalog["first"], at=NOON - timedelta(days=30))
    play(ana, catalog["first"])

    first = insights_rollup(now=NOON + timedelta(minutes=5))
    assert (first.first_day, first.last_day) == (DAY - timedelta(days=30), DAY)
    assert TrackDay.objects.count() == 2
    assert RollupRun.objects.get().started_at == NOON + timedelta(minutes=5)

    # A change to a day long past is not read again; today's are.
    Play.objects.filter(pk=old.pk).update(counted=False)
    play(ana, catalog["second"])
    later = NOON + timedelta(minutes=15)
    second = insights_rollup(now=later)

    assert (second.first_day, second.last_day) == ((NOON + timedelta(minutes=5) - ROLLUP_LATE).date(), DAY)
    assert TrackDay.objects.filter(day=DAY - timedelta(days=30), streams=1).exists()
    assert ArtistDay.objects.get(day=DAY).streams == 2


def test_the_first_rollup_of_an_empty_site_rolls_up_today():
    figures = insights_rollup(now=NOON)
    assert (figures.first_day, figures.last_day, figures.track_rows) == (DAY, DAY, 0)


def test_the_command_rolls_up_the_days_it_is_given(catalog):
    from io import StringIO

    from django.core.management import call_command

    play(UserFactory(), catalog["first"], at=NOON - timedelta(days=2))
    out = StringIO()

    call_command("insights_rollup", "--from", "2026-03-12", "--to", "2026-03-13", stdout=out)

    assert out.getvalue() == "Rolled up 2026-03-12 to 2026-03-13: 1 track days, 1 artist days.\n"
    assert list(TrackDay.objects.values_list("day", "streams")) == [(date(2026, 3, 12), 1)]


def test_the_demo_seeder_rolls_up_the_demo_plays(catalog):
    from core.demo import demo_seeders
    from insights.demo import seed_demo_insights

    play(UserFactory(), catalog["first"], at=NOON)
    said: list[str] = []

    seed_demo_insights(said.append)

    assert seed_demo_insights in demo_seeders()
    assert ArtistDay.objects.get().streams == 1
    assert said == [f"Insights rolled up from {DAY} to {timezone.now().date()}: 1 artist days."]
