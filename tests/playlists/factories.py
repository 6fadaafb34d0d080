import factory

from playlists.models import Playlist, PlaylistItem
from playlists.services.items import GAP
from tests.accounts.factories import UserFactory


class PlaylistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Playlist

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Playlist {n}")
    visibility = Playlist.Visibility.PUBLIC


def items_bulk(playlist: Playlist, tracks: list, *, repeat: int = 1) -> None:
    """Fill ``playlist`` fast (bulk_create), ``tracks`` over and over ``repeat`` times, as the services would."""
    rows = [
        PlaylistItem(
            playlist=playlist,
            track=track,
            position=GAP * n,
            track_title=track.title,
            artist_name=track.artist.name,
            added_by=playlist.owner,
        )
        for n, track in enumerate((t for _ in range(repeat) for t in tracks), start=1)
    ]
    PlaylistItem.objects.bulk_create(rows, batch_size=2000)
    Playlist.objects.filter(pk=playlist.pk).update(item_count=len(rows))
    playlist.refresh_from_db()
