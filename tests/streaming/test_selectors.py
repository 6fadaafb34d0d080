"""What a listener may stream and at which bitrate, what their history shows, and which of their devices are there."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Profile
from catalog.models import Album, Track
from streaming.models import PlaybackState
from streaming.selectors import (
    DEVICE_ONLINE_SECONDS,
    ExplicitBlocked,
    TrackNotReadyError,
    play_history,
    player_devices,
    stream_grant,
)
from tests.accounts.factories import UserFactory
from tests.streaming.factories import DeviceFactory, PlayFactory, PublishedTrackFactory, TrackMediaFactory

LOCAL = "http://testserver/edge"


def _listener(*, plan: str = Profile.Plan.FREE, quality: str = Profile.Quality.AUTO, explicit: bool = True):
    user = UserFactory()
    Profile.objects.filter(user=user).update(plan=plan, streaming_quality=quality, explicit_content=explicit)
    user.refresh_from_db()
    return user


def _bitrate(user, track_id: int) -> tuple[int, list[int]]:
    grant = stream_grant(track_id=track_id, user=user, country="", local_base=LOCAL)
    return grant.bitrate, grant.bitrates


@pytest.mark.django_db
def test_the_plan_caps_the_bitrate_and_the_chosen_quality_lowers_it_further() -> None:
    track_id = TrackMediaFactory(bitrates=[96, 160, 320]).track_id

    assert _bitrate(_listener(), track_id) == (160, [96, 160])
    assert _bitrate(_listener(plan=Profile.Plan.PREMIUM), track_id) == (320, [96, 160, 320])
    assert _bitrate(_listener(plan=Profile.Plan.PREMIUM, quality=Profile.Quality.LOW), track_id) == (96, [96])


@pytest.mark.django_db
def test_a_track_with_only_renditions_above_the_cap_streams_at_its_lowest() -> None:
    track_id = TrackMediaFactory(bitrates=[256, 320]).track_id
    assert _bitrate(_listener(), track_id) == (256, [256])


@pytest.mark.django_db
def test_what_a_listener_may_not_stream_is_refused_each_in_its_own_way() -> None:
    listener, member = _listener(explicit=False), UserFactory()
    unreleased = TrackMediaFactory(track__album__status=Album.Status.DRAFT).track_id
    explicit = TrackMediaFactory(track__explicit=True).track_id
    processing = TrackMediaFactory(track__status=Track.Status.PROCESSING, track__album__artist__owner=member).track_id
    no_media = PublishedTrackFactory(album__artist__owner=member).pk

    def grant(track_id: int, user=listener) -> None:
        stream_grant(track_id=track_id, user=user, country="", local_base=LOCAL)

    for hidden in (unreleased, processing):
        with pytest.raises(Track.DoesNotExist):
            grant(hidden)  # as if it were not there
    with pytest.raises(ExplicitBlocked):
        grant(explicit)
    # The artist's members see their tracks before they are ready: there is nothing to stream yet.
    for not_ready in (processing, no_media):
        with pytest.raises(TrackNotReadyError):
            grant(not_ready, member)


@pytest.mark.django_db
def test_history_is_the_listeners_own_plays_that_counted_or_ended_newest_first() -> None:
    listener, now = UserFactory(), timezone.now()
    older = PlayFactory(user=listener, track__title="Older", started_at=now - timedelta(hours=3))
    newer = PlayFactory(user=listener, track__title="Newer", started_at=now - timedelta(hours=2), ended=False)
    short = PlayFactory(
        user=listener, track__title="Interlude", started_at=now - timedelta(hours=1), ms_played=22_000, counted=False
    )
    PlayFactory(user=listener, track__title="Skipped", ms_played=10_000, counted=False, ended=False, started_at=now)
    PlayFactory(track__title="Someone else's", started_at=now)

    assert [play.track.title for play in play_history(user=listener)] == [
        short.track.title,
        newer.track.title,
        older.track.title,
    ]


@pytest.mark.django_db
def test_devices_there_now_are_listed_last_seen_first_saying_which_plays() -> None:
    listener, now = UserFactory(), timezone.now()
    away = DeviceFactory(user=listener, name="Laptop", last_seen=now - timedelta(seconds=DEVICE_ONLINE_SECONDS + 60))
    phone = DeviceFactory(user=listener, name="Phone", last_seen=now)
    DeviceFactory(name="Someone else's", last_seen=now)
    PlaybackState.objects.create(user=listener, device=away, reported_at=now)

    shown = [(d["name"], d["is_active"], d["is_online"]) for d in player_devices(user=listener)]
    assert shown == [(phone.name, False, True)]  # the laptop has gone: off the list, even as the active one
