"""What the website shows of the recommendations: the home page's shelves and the mix pages.

Reads only: the model's rows and the cached lists of ``recommendations.selectors``, never the
computation. Every shelf's track ids are gathered first and their tracks loaded in one query,
so the page runs the same few queries however many shelves and tracks it shows.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from accounts.models import User
from catalog.models import Artist, Track
from playlists.models import FollowedArtist
from recommendations.keys import listener_key, mixes_key, seeds_key
from recommendations.selectors import (
    Mix,
    listener_track_ids,
    mix_track_ids,
    mixes_for_listener,
    mixes_from,
    related_artists,
    seeds_track_ids,
    tracks_recommendable,
)
from search.browse import chart
from streaming.selectors import play_history

SHELF_TRACKS = 5  # a home shelf's tracks
BECAUSE_SHELVES = 2
MORE_LIKE_SHELVES = 2
MORE_LIKE_ARTISTS = 6
READ_AHEAD = 20  # ids read per shelf: enough left once filtered and rid of what other shelves show
COVERS = 4  # a mosaic of four album covers, or the first one alone
RECOMMENDED = 50  # the "Recommended for you" list of the made-for-you page
CHART_ON_HOME = 5  # "Popular right now" on the home page


@dataclass(frozen=True)
class MixCard:
    mix: Mix
    covers: list[str]  # names of stored album artwork: four for a mosaic, else one at most


@dataclass(frozen=True)
class BecauseShelf:
    seed: Track
    tracks: list[Track]


@dataclass(frozen=True)
class MoreLikeShelf:
    artist: Artist
    artists: list[Artist]


@dataclass(frozen=True)
class HomeShelves:
    mixes: list[MixCard]
    because: list[BecauseShelf]
    more_like: list[MoreLikeShelf]
    recommended: list[Track]  # for a listener with no recent play to start a "Because you listened" shelf

    def __bool__(self) -> bool:
        return bool(self.mixes or self.because or self.more_like or self.recommended)


def mix_covers(mix: Mix) -> list[str]:
    """The artwork of the first albums the mix plays: four different ones, or the first alone."""
    covers: list[str] = []
    for track in mix.tracks:
        name = track.album.artwork.name if track.album is not None else ""
        if name and name not in covers:
            covers.append(name)
        if len(covers) == COVERS:
            return covers
    return covers[:1]


def _rows(ids: Iterable[int], *, viewer: User) -> dict[int, Track]:
    """Tracks for rows of a tracklist (artist and album loaded), in one query."""
    return tracks_recommendable(viewer=viewer).filter(pk__in=list(ids)).select_related("artist", "album").in_bulk()


def _seeds(recent: list[Track]) -> list[Track]:
    """The newest tracks played, of different artists, to start "Because you listened to" shelves."""
    seeds: list[Track] = []
    for track in recent:
        if all(track.artist_id != seed.artist_id for seed in seeds):
            seeds.append(track)
        if len(seeds) == BECAUSE_SHELVES:
            break
    return seeds


def _fresh(ids: list[int], found: dict[int, Track], shown: set[int], limit: int) -> list[Track]:
    """The first ``limit`` tracks of ``ids`` that were found and are not shown yet (now they are)."""
    chosen = [found[pk] for pk in ids if pk in found and pk not in shown][:limit]
    shown.update(track.pk for track in chosen)
    return chosen


def recently_played(*, user: User, limit: int = SHELF_TRACKS) -> list[Track]:
    """The last few different tracks the listener played that can still be played, newest first."""
    recent: dict[int, Track] = {}
    for play in play_history(user=user)[:50]:
        if play.track is not None and play.track.is_playable:
            recent.setdefault(play.track_id, play.track)
    return list(recent.values())[:limit]


def home_shown(recent: list[Track]) -> set[int]:
    """The tracks the home page shows besides the shelves (recently played, the chart), which no shelf repeats."""
    return {track.pk for track in recent} | {track.pk for track in chart()[:CHART_ON_HOME]}


def home_shelves_cached(*, user: User, recent: list[Track]) -> bool:
    """Whether every list the listener's shelves need is in the cache: reading them then costs a few queries.

    When one is not, the home page leaves its shelves to a request of their own
    (``recommendations:home_shelves``), so the page itself never waits for a list to be made.
    """
    seeds = _seeds(recent)
    keys = [mixes_key(user.pk)]
    keys += [seeds_key(tracks=[seed.pk], artists=[], genres=[]) for seed in seeds] or [listener_key(user.pk)]
    return len(cache.get_many(keys)) == len(keys)


def home_lists_make(*, user: User) -> None:
    """Make and cache the lists the listener's home shelves read besides their own list: mixes, seed lists."""
    mix_track_ids(user_id=user.pk)
    for seed in _seeds(recently_played(user=user)):
        seeds_track_ids(tracks=[seed.pk], artists=[], genres=[])


def home_shelves(*, user: User, recent: list[Track], shown: Iterable[int] = ()) -> HomeShelves:
    """The listener's shelves: mixes, "Because you listened to" their latest plays, "More like" whom they follow.

    ``recent`` are the tracks they played last, newest first; ``shown`` the tracks the page
    already shows, which no shelf repeats. A listener with nothing recent gets their list
    ("Recommended for you": for a new listener, the most played of the catalog).
    """
    mixes = mix_track_ids(user_id=user.pk)
    seeds = _seeds(recent)
    because_ids = {seed.pk: seeds_track_ids(tracks=[seed.pk], artists=[], genres=[])[1][:READ_AHEAD] for seed in seeds}
    recommended_ids = [] if seeds else listener_track_ids(user_id=user.pk)[:READ_AHEAD]
    wanted = [pk for _, ids in mixes for pk in ids[:READ_AHEAD]]
    wanted += [pk for ids in because_ids.values() for pk in ids] + recommended_ids
    found = _rows(wanted, viewer=user)
    artists = Artist.objects.in_bulk([pk for group, _ in mixes for pk in group])
    cards = [
        MixCard(mix, mix_covers(mix)) for mix in mixes_from(mixes, artists=artists, found=found, tracks=READ_AHEAD)
    ]
    taken = set(shown)
    because = [BecauseShelf(seed, _fresh(because_ids[seed.pk], found, taken, SHELF_TRACKS)) for seed in seeds]
    recommended = _fresh(recommended_ids, found, taken, SHELF_TRACKS)
    followed = FollowedArtist.objects.filter(user_id=user.pk).select_related("artist").order_by("-added_at", "-pk")
    more_like = [
        MoreLikeShelf(follow.artist, related_artists(artist_id=follow.artist_id, limit=MORE_LIKE_ARTISTS))
        for follow in followed[:MORE_LIKE_SHELVES]
    ]
    return HomeShelves(
        mixes=cards,
        because=[shelf for shelf in because if shelf.tracks],
        more_like=[shelf for shelf in more_like if shelf.artists],
        recommended=recommended,
    )


def mix_page(*, user: User, number: int) -> MixCard | None:
    """The listener's mix of that number with all its tracks, or None when they have no such mix."""
    for mix in mixes_for_listener(user=user):
        if mix.number == number:
            return MixCard(mix, mix_covers(mix))
    return None


@dataclass(frozen=True)
class MadeForYou:
    mixes: list[MixCard]
    recommended: list[Track]


def made_for_you(*, user: User) -> MadeForYou:
    """Every mix of the listener's, and their whole "Recommended for you" list."""
    mixes = mix_track_ids(user_id=user.pk)
    recommended_ids = listener_track_ids(user_id=user.pk)
    found = _rows([pk for _, ids in mixes for pk in ids[:READ_AHEAD]] + recommended_ids, viewer=user)
    artists = Artist.objects.in_bulk([pk for group, _ in mixes for pk in group])
    cards = [
        MixCard(mix, mix_covers(mix)) for mix in mixes_from(mixes, artists=artists, found=found, tracks=READ_AHEAD)
    ]
    return MadeForYou(cards, [found[pk] for pk in recommended_ids if pk in found][:RECOMMENDED])
