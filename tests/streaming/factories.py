import factory
from django.utils import timezone

from catalog.models import Album
from streaming.models import Device, Play, TrackMedia
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, TrackFactory


class PublishedTrackFactory(TrackFactory):
    """A ready track on a published album: what a listener may stream once it has renditions."""

    album = factory.SubFactory(
        AlbumFactory, status=Album.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
    )


class TrackMediaFactory(factory.django.DjangoModelFactory):
    """The renditions a transcode would have recorded, without the files: enough to grant a stream, not to play it."""

    class Meta:
        model = TrackMedia

    track = factory.SubFactory(PublishedTrackFactory)
    version = factory.Sequence(lambda n: f"v{n}")
    bitrates = factory.LazyFunction(lambda: [96, 160, 320])
    duration_ms = factory.LazyAttribute(lambda media: media.track.duration_ms)
    loudness_lufs = -14.0
    true_peak_dbtp = -1.0
    loudness_range_lu = 6.0


class PlayFactory(factory.django.DjangoModelFactory):
    """A listen that counted, as the play reports leave it."""

    class Meta:
        model = Play

    user = factory.SubFactory(UserFactory)
    track = factory.SubFactory(PublishedTrackFactory)
    started_at = factory.LazyFunction(timezone.now)
    ms_played = 60_000
    counted = True
    ended = True


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    user = factory.SubFactory(UserFactory)
    device_id = factory.Sequence(lambda n: f"device-{n}")
    name = factory.Sequence(lambda n: f"Browser {n}")
    last_seen = factory.LazyFunction(timezone.now)
