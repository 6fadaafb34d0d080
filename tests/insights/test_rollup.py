"""The roll-up: days of plays, likes and playlist adds into the day tables, whole days at a time."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from catalog.models import Album
from insights.models import ArtistDay, ArtistListeners, RollupRun, TrackDay, TrackListeners
from insights.services import ROLLUP_LATE, insights_days_rollup, insights_listeners_rollup, insights_rollup
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
    assert RollupRun.objects.get(name="days").started_at == NOON + timedelta(minutes=5)

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


# Distinct listeners over 7, 28 and 365 days.


def listeners(model=TrackListeners, **filters) -> dict[tuple[int, int], int]:
    key = "track_id" if model is TrackListeners else "artist_id"
    return {(row[key], row["days"]): row["listeners"] for row in model.objects.filter(**filters).values()}


def test_a_windows_listeners_are_counted_once_each_over_the_whole_window(catalog):
    first, second, elsewhere = catalog["first"], catalog["second"], catalog["elsewhere"]
    ana, ben, cy, dee = UserFactory.create_batch(4)
    for back in (0, 1, 2, 5):
        play(ana, first, at=NOON - timedelta(days=back))  # comes back on four days of the week
    play(ben, first, at=NOON - timedelta(days=6))  # the window's first day
    play(ben, second, at=NOON - timedelta(days=3))
    play(cy, second, at=NOON - timedelta(days=7, hours=1))  # the day before the window: in 28 days, not in 7
    play(cy, first, at=NOON, ms=8_000, counted=False)  # a skip is not a stream
    play(dee, elsewhere, at=NOON - timedelta(days=40))  # in 365 days only

    figures = insights_listeners_rollup(now=NOON)

    assert figures.windows == (7, 28, 365)
    artist, other = catalog["artist"].pk, elsewhere.artist_id
    assert listeners(days=7) == {(first.pk, 7): 2, (second.pk, 7): 1}
    assert listeners(days=28) == {(first.pk, 28): 2, (second.pk, 28): 2}
    assert listeners(days=365) == {(first.pk, 365): 2, (second.pk, 365): 2, (elsewhere.pk, 365): 1}
    # An artist's listeners are distinct across its tracks: Ben played both, he counts once.
    assert listeners(ArtistListeners) == {
        (artist, 7): 2,
        (artist, 28): 3,
        (artist, 365): 3,
        (other, 365): 1,
    }
    assert set(ArtistListeners.objects.values_list("as_of", flat=True)) == {NOON}


def test_counting_the_listeners_again_replaces_the_windows_rows(catalog, django_assert_num_queries):
    ana, ben = UserFactory.create_batch(2)
    play(ana, catalog["first"])
    mistaken = play(ben, catalog["second"])
    insights_listeners_rollup(now=NOON)
    insights_listeners_rollup(now=NOON)
    assert listeners(days=7) == {(catalog["first"].pk, 7): 1, (catalog["second"].pk, 7): 1}
    assert listeners(ArtistListeners, days=7) == {(catalog["artist"].pk, 7): 2}

    mistaken.delete()
    for n in range(5):
        play(UserFactory(), catalog["first"], at=NOON - timedelta(days=n))
    # Two grouped queries per window, however many tracks and listeners; then two deletes and two
    # inserts, in one transaction (a savepoint here, inside the test's).
    with django_assert_num_queries(2 * 3 + 4 + 2):
        insights_listeners_rollup(now=NOON + timedelta(minutes=10))

    assert listeners(days=7) == {(catalog["first"].pk, 7): 6}
    assert listeners(ArtistListeners) == {(catalog["artist"].pk, days): 6 for days in (7, 28, 365)}
    assert set(TrackListeners.objects.values_list("as_of", flat=True)) == {NOON + timedelta(minutes=10)}


def test_the_periodic_rollup_counts_a_year_of_listeners_once_a_day(catalog):
    ana, ben = UserFactory.create_batch(2)
    play(ana, catalog["first"], at=NOON - timedelta(days=100))
    play(ana, catalog["first"])

    assert insights_rollup(now=NOON).listener_windows == (7, 28, 365)
    play(ben, catalog["first"], at=NOON + timedelta(minutes=1))
    later = insights_rollup(now=NOON + timedelta(minutes=10))

    # 7 and 28 days at every run; 365 days not again the same UTC day.
    assert later.listener_windows == (7, 28)
    artist = catalog["artist"].pk
    assert listeners(ArtistListeners) == {(artist, 7): 2, (artist, 28): 2, (artist, 365): 1}
    assert ArtistListeners.objects.get(days=365).as_of == NOON
    assert ArtistListeners.objects.get(days=7).as_of == NOON + timedelta(minutes=10)
    assert RollupRun.objects.get(name="listeners-365d").started_at == NOON

    tomorrow = datetime(2026, 3, 15, 0, 10, tzinfo=UTC)
    assert insights_rollup(now=tomorrow).listener_windows == (7, 28, 365)
    assert listeners(ArtistListeners, days=365) == {(artist, 365): 2}
    assert RollupRun.objects.get(name="listeners-365d").started_at == tomorrow


def test_the_command_counts_every_windows_listeners_when_asked(catalog):
    from io import StringIO

    from django.core.management import call_command

    play(UserFactory(), catalog["first"], at=timezone.now() - timedelta(days=2))
    out = StringIO()

    call_command("insights_rollup", "--from", "2026-03-12", "--to", "2026-03-13", "--listeners", stdout=out)

    assert (
        out.getvalue().splitlines()[1]
        == "Counted the listeners of 7 days, 28 days, 365 days: 3 track rows, 3 artist rows."
    )
    assert listeners(ArtistListeners) == {(catalog["artist"].pk, days): 1 for days in (7, 28, 365)}
