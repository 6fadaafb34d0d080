"""Reads of the recommendations: a listener's list, lists from seeds, mixes, related artists.

The heavy part (the neighbours) is computed by the periodic task; what is done here is a few
indexed queries over it, cached. Cached lists hold track ids only, and every read filters them
again, so a track unpublished, made invisible or explicit (for a listener who turned explicit
content off) since the list was cached never shows.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext

from accounts.models import User
from catalog.models import Album, Artist, Genre, Track
from playlists.models import FollowedArtist, LikedTrack
from recommendations.keys import LISTENER_TIMEOUT, SEEDS_TIMEOUT, listener_key, mixes_key, seeds_key
from recommendations.models import Neighbour
from streaming.models import Play

POOL = 100  # the ids cached per list, more than a page shows, so filtering still leaves enough
PER_ARTIST = 3
RECENT_PLAYS = 200
SEED_PLAYS = 50
SEED_LIKES = 50
SEED_FOLLOWS = 20
HEARD_WEIGHT = 0.05  # what a track heard recently keeps of its score: pushed down, not hidden
MIXES = 6
# A pair heard by few listeners is weighed down: its score times listeners / (listeners + SHRINK).
SHRINK = 10
# How much the most played tracks of the listener's genres add, next to the best neighbour's score.
PRIOR = 0.3
PRIOR_TRACKS = 30
MIX_TRACKS = 30


def _playable() -> Q:
    return Q(status=Track.Status.READY, album__status=Album.Status.PUBLISHED)


def tracks_recommendable(*, viewer: object) -> QuerySet[Track]:
    """Published, ready tracks, without explicit ones for a listener who turned them off."""
    tracks = Track.objects.filter(_playable())
    if isinstance(viewer, User) and viewer.is_authenticated and not viewer.profile.explicit_content:
        tracks = tracks.filter(explicit=False)
    return tracks


def tracks_by_id(ids: Iterable[int], *, viewer: object) -> dict[int, Track]:
    """The tracks of ``ids`` the viewer may be recommended, by id, in one query (and two prefetches)."""
    return (
        tracks_recommendable(viewer=viewer)
        .filter(pk__in=list(ids))
        .select_related("artist", "album")
        .prefetch_related("featured_artists", "genres")
        .in_bulk()
    )


def _in_order(ids: list[int], found: dict[int, Track], *, limit: int) -> list[Track]:
    return [found[pk] for pk in ids if pk in found][:limit]


def _tracks_in_order(ids: list[int], *, viewer: object, limit: int) -> list[Track]:
    return _in_order(ids, tracks_by_id(ids, viewer=viewer), limit=limit)


def neighbours_of(*, kind: str, ids: Iterable[int]) -> dict[int, list[tuple[int, float]]]:
    """Each item's neighbours, best first, with scores from 0 to 1, shrunk when few listeners back them."""
    found: dict[int, list[tuple[int, float]]] = defaultdict(list)
    rows = Neighbour.objects.filter(kind=kind, item_id__in=list(ids)).order_by("item_id", "-score", "neighbour_id")
    for item, other, score, together in rows.values_list("item_id", "neighbour_id", "score", "listeners"):
        found[item].append((other, score / 1_000_000 * together / (together + SHRINK)))
    return found


def _popular_by_artist(artist_ids: Iterable[int], *, per_artist: int = 5) -> dict[int, list[int]]:
    wanted = list(set(artist_ids))
    found: dict[int, list[int]] = defaultdict(list)
    if not wanted:
        return found
    rows = (
        Track.objects.filter(_playable(), artist_id__in=wanted)
        .order_by("artist_id", "-play_count", "pk")
        .values_list("artist_id", "pk")
    )
    for artist, track in rows:
        if len(found[artist]) < per_artist:
            found[artist].append(track)
    return found


def _popular(*, genres: set[int] | None = None, exclude: set[int], limit: int) -> list[int]:
    tracks = Track.objects.filter(_playable())
    if genres:
        in_genres = Track.objects.filter(Q(genres__in=genres) | Q(album__genres__in=genres)).values("pk")
        tracks = tracks.filter(pk__in=in_genres)
    ids = tracks.order_by("-play_count", "pk").values_list("pk", flat=True)[: limit + len(exclude)]
    return [pk for pk in ids if pk not in exclude][:limit]


def _genres_of(track_ids: Iterable[int]) -> set[int]:
    ids = list(track_ids)
    if not ids:
        return set()
    own = Track.genres.through.objects.filter(track_id__in=ids).values_list("genre_id", flat=True)
    albums = Album.genres.through.objects.filter(album__tracks__in=ids).values_list("genre_id", flat=True)
    return set(own) | set(albums)


def _rank(
    *,
    track_seeds: dict[int, float],
    artist_seeds: dict[int, float],
    heard: set[int],
    fill_genres: set[int] | None,
    limit: int = POOL,
) -> list[int]:
    """Score candidates from the seeds' neighbours; push down what was heard; a few per artist."""
    scores: dict[int, float] = defaultdict(float)
    for seed, neighbours in neighbours_of(kind=Neighbour.Kind.TRACK, ids=track_seeds).items():
        for other, score in neighbours:
            scores[other] += track_seeds[seed] * score
    artist_scores: dict[int, float] = defaultdict(float, {a: w * 0.5 for a, w in artist_seeds.items()})
    for seed, neighbours in neighbours_of(kind=Neighbour.Kind.ARTIST, ids=artist_seeds).items():
        for other, score in neighbours:
            artist_scores[other] += artist_seeds[seed] * score
    for artist, tracks in _popular_by_artist(artist_scores).items():
        for place, track in enumerate(tracks):
            scores[track] += artist_scores[artist] * 0.5 / (1 + place)
    if fill_genres and scores:  # a prior: what is played most in the listener's genres
        top = max(scores.values())
        for place, track in enumerate(_popular(genres=fill_genres, exclude=heard, limit=PRIOR_TRACKS)):
            scores[track] += PRIOR * top / (1 + place / 10)
    for track in heard & scores.keys():
        scores[track] *= HEARD_WEIGHT
    artist_of = dict(Track.objects.filter(_playable(), pk__in=list(scores)).values_list("pk", "artist_id"))
    chosen: list[int] = []
    per_artist: dict[int, int] = defaultdict(int)
    for track in sorted(artist_of, key=lambda pk: (-scores[pk], pk)):
        if per_artist[artist_of[track]] < PER_ARTIST:
            per_artist[artist_of[track]] += 1
            chosen.append(track)
        if len(chosen) >= limit:
            return chosen
    if fill_genres is not None:
        taken = set(chosen) | heard
        chosen += _popular(genres=fill_genres or None, exclude=taken, limit=limit - len(chosen))
        if len(chosen) < limit and fill_genres:
            chosen += _popular(exclude=set(chosen) | heard, limit=limit - len(chosen))
    return chosen


@dataclass(frozen=True)
class ListenerTaste:
    track_seeds: dict[int, float]
    artist_seeds: dict[int, float]
    heard: set[int]


def listener_taste(*, user_id: int) -> ListenerTaste:
    """What the listener played lately, liked and follows, weighted (the newest the most)."""
    recent = list(
        Play.objects.filter(user_id=user_id, counted=True)
        .order_by("-started_at")
        .values_list("track_id", "track__artist_id")[:RECENT_PLAYS]
    )
    liked = list(
        LikedTrack.objects.filter(user_id=user_id)
        .order_by("-added_at")
        .values_list("track_id", "track__artist_id")[:SEED_LIKES]
    )
    follows = FollowedArtist.objects.filter(user_id=user_id).order_by("-added_at").values_list("artist_id", flat=True)
    track_seeds: dict[int, float] = defaultdict(float)
    artist_seeds: dict[int, float] = defaultdict(float)
    for place, (track, artist) in enumerate(recent[:SEED_PLAYS]):
        track_seeds[track] += 1 / (1 + place / 10)
        artist_seeds[artist] += 0.2 / (1 + place / 10)
    for track, artist in liked:
        track_seeds[track] += 1.0
        artist_seeds[artist] += 0.2
    for artist in follows[:SEED_FOLLOWS]:
        artist_seeds[artist] += 1.0
    return ListenerTaste(dict(track_seeds), dict(artist_seeds), {t for t, _ in recent} | {t for t, _ in liked})


def listener_track_ids(*, user_id: int, refresh: bool = False) -> list[int]:
    """The listener's recommended track ids, best first, from the cache or computed now."""
    key = listener_key(user_id)
    ids: list[int] | None = None if refresh else cache.get(key)
    if ids is None:
        taste = listener_taste(user_id=user_id)
        genres = _genres_of(list(taste.track_seeds)[:SEED_PLAYS])
        ids = _rank(
            track_seeds=taste.track_seeds, artist_seeds=taste.artist_seeds, heard=taste.heard, fill_genres=genres
        )
        cache.set(key, ids, timeout=LISTENER_TIMEOUT)
    return ids


def recommendations_for_listener(*, user: User, limit: int = 50) -> list[Track]:
    """The listener's recommended tracks (made for you): only music they may play."""
    return _tracks_in_order(listener_track_ids(user_id=user.pk), viewer=user, limit=limit)


@dataclass(frozen=True)
class Seed:
    id: str
    type: str
    initial_pool_size: int


def recommendations_from_seeds(
    *, tracks: list[int], artists: list[int], genres: list[str], viewer: object, limit: int
) -> tuple[list[Seed], list[Track]]:
    """Tracks like the seeds (Spotify's recommendations): their neighbours, then their genres' popular."""
    seeds, ids = seeds_track_ids(tracks=tracks, artists=artists, genres=genres)
    return seeds, _tracks_in_order(ids, viewer=viewer, limit=limit)


def seeds_track_ids(*, tracks: list[int], artists: list[int], genres: list[str]) -> tuple[list[Seed], list[int]]:
    """The seeds as found, and the ids of the tracks like them, best first (cached, not filtered yet)."""
    key = seeds_key(tracks=tracks, artists=artists, genres=genres)
    cached: tuple[list[Seed], list[int]] | None = cache.get(key)
    if cached is None:
        known_tracks = dict(Track.objects.filter(_playable(), pk__in=tracks).values_list("pk", "artist_id"))
        known_artists = set(Artist.objects.filter(pk__in=artists).values_list("pk", flat=True))
        genre_ids = dict(Genre.objects.filter(slug__in=genres).values_list("slug", "pk"))
        track_pool = neighbours_of(kind=Neighbour.Kind.TRACK, ids=known_tracks)
        artist_pool = neighbours_of(kind=Neighbour.Kind.ARTIST, ids=known_artists)
        fill = set(genre_ids.values()) | _genres_of(known_tracks)
        ids = _rank(
            track_seeds=dict.fromkeys(known_tracks, 1.0),
            artist_seeds=dict.fromkeys(known_artists, 1.0),
            heard=set(known_tracks),
            fill_genres=fill,
        )
        popular_in_genre = {slug: _popular(genres={pk}, exclude=set(), limit=POOL) for slug, pk in genre_ids.items()}
        seeds = [Seed(str(pk), "track", len(track_pool.get(pk, [])) if pk in known_tracks else 0) for pk in tracks]
        seeds += [Seed(str(pk), "artist", len(artist_pool.get(pk, [])) if pk in known_artists else 0) for pk in artists]
        seeds += [Seed(slug, "genre", len(popular_in_genre.get(slug, []))) for slug in genres]
        cached = (seeds, [pk for pk in ids if pk not in known_tracks])
        cache.set(key, cached, timeout=SEEDS_TIMEOUT)
    return cached


def related_artists(*, artist_id: int, limit: int = 20) -> list[Artist]:
    """Fans also like: the artist's neighbours in listening, then artists sharing their genres."""
    related = listening_neighbours(artist_id=artist_id, limit=limit)
    if len(related) < limit:
        seen = {artist.pk for artist in related}
        artist = Artist.objects.filter(pk=artist_id).first()
        if artist is not None:
            related += [a for a in _related_by_genre(artist, limit=limit) if a.pk not in seen][: limit - len(related)]
    return related


def listening_neighbours(*, artist_id: int, limit: int = 20) -> list[Artist]:
    """The artists with published music that the artist's listeners play close to them, the closest first.

    One query: the neighbours' rows ordered as :func:`neighbours_of` orders them (score shrunk
    when few listeners back it), joined to the artists.
    """
    mine = Neighbour.objects.filter(kind=Neighbour.Kind.ARTIST, item_id=artist_id)
    rows = mine.filter(neighbour_id=OuterRef("pk"))
    shrunk = ExpressionWrapper(F("score") * F("listeners") * 1.0 / (F("listeners") + SHRINK), output_field=FloatField())
    published = Album.objects.filter(status=Album.Status.PUBLISHED).values("artist_id")
    return list(
        Artist.objects.filter(pk__in=mine.values("neighbour_id"))
        .filter(pk__in=published)
        .annotate(closeness=Subquery(rows.annotate(shrunk=shrunk).values("shrunk")[:1]))
        .order_by("-closeness", "pk")[:limit]
    )


def fans_also_like(artist: Artist, limit: int) -> list[Artist]:
    """The artist page's "Fans also like" (a source of ``search.related``): listening neighbours only."""
    return listening_neighbours(artist_id=artist.pk, limit=limit)


def _related_by_genre(artist: Artist, *, limit: int) -> list[Artist]:
    """Artists with published music in the most genres this one has, the more played first."""
    genres = Album.objects.filter(artist=artist, status=Album.Status.PUBLISHED).values("genres")
    plays = (
        Track.objects.filter(artist=OuterRef("pk")).values("artist").annotate(total=Sum("play_count")).values("total")
    )
    return list(
        Artist.objects.filter(albums__status=Album.Status.PUBLISHED, albums__genres__in=genres)
        .exclude(pk=artist.pk)
        .annotate(shared=Count("albums__genres", distinct=True), plays=Subquery(plays))
        .order_by("-shared", F("plays").desc(nulls_last=True), "name")[:limit]
    )


@dataclass(frozen=True)
class Mix:
    number: int
    artists: list[Artist]
    tracks: list[Track]

    @property
    def name(self) -> str:
        """Say "Mix 2: Ada, Bo and more", in the language of the request."""
        values = {"number": self.number, "artists": ", ".join(artist.name for artist in self.artists[:3])}
        if len(self.artists) > 3:
            return gettext("Mix %(number)s: %(artists)s and more") % values
        return gettext("Mix %(number)s: %(artists)s") % values


def _mix_groups(artist_seeds: dict[int, float]) -> list[list[int]]:
    """The listener's artists grouped by taste: each group an artist and its neighbours among them."""
    top = sorted(artist_seeds, key=lambda pk: (-artist_seeds[pk], pk))[:30]
    close = neighbours_of(kind=Neighbour.Kind.ARTIST, ids=top)
    groups: list[list[int]] = []
    placed: set[int] = set()
    for artist in top:
        if artist in placed:
            continue
        group = [artist] + [
            other for other, _ in close.get(artist, []) if other in artist_seeds and other not in placed
        ]
        placed.update(group)
        groups.append(group)
        if len(groups) == MIXES:
            break
    return groups


def mix_track_ids(*, user_id: int) -> list[tuple[list[int], list[int]]]:
    """The listener's mixes as (artist ids, track ids), best first (cached, not filtered yet)."""
    key = mixes_key(user_id)
    cached: list[tuple[list[int], list[int]]] | None = cache.get(key)
    if cached is None:
        taste = listener_taste(user_id=user_id)
        cached = []
        for group in _mix_groups(taste.artist_seeds):
            theirs = _tracks_of_artists(group, taste)
            seeds = {pk: w for pk, w in taste.track_seeds.items() if pk in theirs}
            ids = _rank(
                track_seeds=seeds,
                artist_seeds={pk: taste.artist_seeds[pk] for pk in group},
                heard=set(),
                fill_genres=None,
                limit=MIX_TRACKS,
            )
            if ids:
                cached.append((group, ids))
        cache.set(key, cached, timeout=LISTENER_TIMEOUT)
    return cached


def mixes_for_listener(*, user: User, tracks: int = MIX_TRACKS) -> list[Mix]:
    """A few mixes made for the listener, one per cluster of the artists they play (cached).

    A mix's number is its place in the cached list, so it names the same mix on every page
    until the list is made again; a mix left with nothing the listener may play is left out.
    ``tracks`` caps what is read of each (a page of cards needs only the first few).
    """
    cached = mix_track_ids(user_id=user.pk)
    artists = Artist.objects.in_bulk([pk for group, _ in cached for pk in group])
    found = tracks_by_id([pk for _, ids in cached for pk in ids[:tracks]], viewer=user)
    return mixes_from(cached, artists=artists, found=found, tracks=tracks)


def mixes_from(
    cached: list[tuple[list[int], list[int]]], *, artists: dict[int, Artist], found: dict[int, Track], tracks: int
) -> list[Mix]:
    """The mixes of :func:`mix_track_ids` with their artists and tracks, from what was loaded of them."""
    mixes: list[Mix] = []
    for number, (group, ids) in enumerate(cached, start=1):
        chosen = _in_order(ids, found, limit=tracks)
        if chosen:
            mixes.append(Mix(number, [artists[pk] for pk in group if pk in artists], chosen))
    return mixes


def _tracks_of_artists(group: list[int], taste: ListenerTaste) -> set[int]:
    return set(Track.objects.filter(pk__in=list(taste.track_seeds), artist_id__in=group).values_list("pk", flat=True))
