import factory

from catalog.models import Album, Artist, ArtistMembership, Track
from tests.accounts.factories import UserFactory


class ArtistFactory(factory.django.DjangoModelFactory):
    """An artist with an owner: ``ArtistFactory(owner=user)``, or a new user when none is given."""

    class Meta:
        model = Artist
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Artist {n}")
    slug = factory.Sequence(lambda n: f"artist-{n}")
    bio = "Songs from somewhere."

    @factory.post_generation
    def owner(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            ArtistMembershipFactory(artist=self, user=extracted or UserFactory(), role=ArtistMembership.Role.OWNER)


class ArtistMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArtistMembership

    artist = factory.SubFactory(ArtistFactory)
    user = factory.SubFactory(UserFactory)
    role = ArtistMembership.Role.EDITOR


class AlbumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Album

    artist = factory.SubFactory(ArtistFactory)
    title = factory.Sequence(lambda n: f"Album {n}")
    slug = factory.Sequence(lambda n: f"album-{n}")


class TrackFactory(factory.django.DjangoModelFactory):
    """A ready track whose original is only a name: enough for pages, not for playing."""

    class Meta:
        model = Track

    title = factory.Sequence(lambda n: f"Track {n}")
    artist = factory.LazyAttribute(lambda o: o.album.artist if o.album else ArtistFactory())
    album = None
    duration_ms = 187_000
    status = Track.Status.READY
    original = factory.Sequence(lambda n: f"originals/test/{n}.mp3")
    original_filename = factory.LazyAttribute(lambda o: f"{o.title}.mp3")
