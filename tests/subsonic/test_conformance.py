"""Every method's answer, in XML and in JSON, checked against our schema of the Subsonic documentation.

The schema is ``tests/subsonic/spec.py``. One catalog is seeded, every
registered method is called with the arguments an app would send (a method
with no case fails the test), and each answer is checked: no element or
attribute the documentation does not name, every required one present, each
value of its type, each child as often as the documentation allows it and in
its order; in JSON, repeated elements as arrays, numbers as numbers and
booleans as booleans, as the OpenSubsonic documentation asks.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from accounts.models import Profile, User
from catalog.models import Album, Artist, Genre, Lyrics, Track
from playlists.models import Playlist
from playlists.services.items import playlist_items_add
from playlists.services.playlists import playlist_create
from subsonic.registry import methods_all
from subsonic.selectors import SubsonicSecrets
from subsonic.services import rating_set
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.subsonic import spec
from tests.subsonic.conftest import token_params

NAMESPACE = "{http://subsonic.org/restapi}"
DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
INTEGER = re.compile(r"^[+-]?\d+$")
INT_RANGE = range(-(2**31), 2**31)


def _xml_value_problem(kind: str, text: str) -> str | None:
    if kind == "string":
        return None
    if kind == "status":
        return None if text in {"ok", "failed"} else "not ok or failed"
    if kind == "boolean":
        return None if text in {"true", "false"} else "not true or false"
    if kind in {"int", "long"}:
        if not INTEGER.match(text):
            return f"not an {kind}"
        return None if kind == "long" or int(text) in INT_RANGE else "out of an int's range"
    if kind == "float":
        try:
            float(text)
        except ValueError:
            return "not a number"
        return None
    assert kind == "dateTime"
    return None if DATETIME.match(text) else "not an xs:dateTime"


def _json_value_problem(kind: str, value: Any) -> str | None:
    if kind in {"string", "status"}:
        if not isinstance(value, str):
            return f"a {type(value).__name__}, not a string"
        return _xml_value_problem(kind, value)
    if kind == "dateTime":
        return "not a string" if not isinstance(value, str) else _xml_value_problem(kind, value)
    if kind == "boolean":
        return None if isinstance(value, bool) else f"a {type(value).__name__}, not a boolean"
    if kind in {"int", "long"}:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"a {type(value).__name__}, not an {kind}"
        return None if kind == "long" or value in INT_RANGE else "out of an int's range"
    assert kind == "float"
    return None if isinstance(value, int | float) and not isinstance(value, bool) else "not a number"


def _cardinality_problem(cardinality: str, count: int) -> str | None:
    low = 1 if cardinality in {"1", "+"} else 0
    high = 1 if cardinality in {"1", "?"} else None
    if count < low:
        return "missing"
    if high is not None and count > high:
        return f"{count} times, at most {high}"
    return None


def xml_problems(element: ElementTree.Element, type_name: str, path: str) -> list[str]:
    """What in ``element`` the schema does not allow, each with where it is."""
    schema = spec.TYPES[type_name]
    problems: list[str] = []
    if not element.tag.startswith(NAMESPACE):
        problems.append(f"{path}: outside the Subsonic namespace")
    for name, value in element.attrib.items():
        if name not in schema.attributes:
            problems.append(f"{path}@{name}: not in {type_name}")
        elif problem := _xml_value_problem(schema.attributes[name][0], value):
            problems.append(f"{path}@{name}={value!r}: {problem}")
    for name, (_, required) in schema.attributes.items():
        if required and name not in element.attrib:
            problems.append(f"{path}@{name}: required, missing")
    text = (element.text or "").strip()
    if schema.text is None and text:
        problems.append(f"{path}: text {text[:40]!r} in an element that holds none")
    elif schema.text is not None and (problem := _xml_value_problem(schema.text, element.text or "")):
        problems.append(f"{path} text: {problem}")
    order = [name for name in schema.children if name not in schema.free_order]
    last = 0
    counts: dict[str, int] = {}
    for child in element:
        name = child.tag.removeprefix(NAMESPACE)
        where = f"{path}/{name}"
        if name not in schema.children:
            problems.append(f"{where}: not in {type_name}")
            continue
        counts[name] = counts.get(name, 0) + 1
        if name in order:
            if order.index(name) < last:
                problems.append(f"{where}: out of the documented order ({', '.join(order)})")
            last = order.index(name)
        child_type = schema.children[name][0]
        if child_type in spec.SIMPLE:
            if child.attrib or len(child):
                problems.append(f"{where}: holds more than text")
            if problem := _xml_value_problem(child_type, child.text or ""):
                problems.append(f"{where}={child.text!r}: {problem}")
        else:
            problems += xml_problems(child, child_type, where)
    for name, (_, cardinality) in schema.children.items():
        if problem := _cardinality_problem(cardinality, counts.get(name, 0)):
            problems.append(f"{path}/{name}: {problem}")
    return problems


def json_problems(body: Any, type_name: str, path: str) -> list[str]:
    schema = spec.TYPES[type_name]
    if not isinstance(body, dict):
        return [f"{path}: a {type(body).__name__}, not an object"]
    problems: list[str] = []
    for name, value in body.items():
        where = f"{path}.{name}"
        if name in schema.attributes:
            if problem := _json_value_problem(schema.attributes[name][0], value):
                problems.append(f"{where}={value!r}: {problem}")
        elif name in schema.children:
            child_type, cardinality = schema.children[name]
            repeated = cardinality in {"*", "+"}
            if repeated != isinstance(value, list):
                problems.append(f"{where}: {'an array' if repeated else 'one value'} expected")
                continue
            items = value if repeated else [value]
            if problem := _cardinality_problem(cardinality, len(items)):
                problems.append(f"{where}: {problem}")
            for index, item in enumerate(items):
                if child_type in spec.SIMPLE:
                    if problem := _json_value_problem(child_type, item):
                        problems.append(f"{where}[{index}]={item!r}: {problem}")
                else:
                    problems += json_problems(item, child_type, f"{where}[{index}]")
        elif name == "value" and schema.text is not None:
            if problem := _json_value_problem(schema.text, value):
                problems.append(f"{where}={value!r}: {problem}")
        else:
            problems.append(f"{where}: not in {type_name}")
    for name, (_, required) in schema.attributes.items():
        if required and name not in body:
            problems.append(f"{path}.{name}: required, missing")
    for name, (_, cardinality) in schema.children.items():
        if cardinality in {"1", "+"} and name not in body:
            problems.append(f"{path}.{name}: missing")
    return problems


def answer_problems(response: Any, fmt: str, answer: tuple[str, str, str] | str | None, where: str) -> list[str]:
    """Everything wrong with one answer: the envelope, and the method's element (or the error) inside it."""
    if response.status_code != 200:
        return [f"{where}: HTTP {response.status_code}"]
    expected: dict[str, tuple[str, str]] = {}
    if fmt == "json":
        document = response.json()
        if list(document) != ["subsonic-response"]:
            return [f"{where}: keys {list(document)}"]
        body = document["subsonic-response"]
    else:
        body = ElementTree.fromstring(response.content)  # noqa: S314 (our own answer)
        if body.tag != f"{NAMESPACE}subsonic-response":
            return [f"{where}: root {body.tag}"]
    failed = (body.get("status") if fmt == "json" else body.attrib.get("status")) == "failed"
    if failed:
        expected = {"error": ("Error", "1")}
    elif isinstance(answer, tuple):
        expected = {answer[0]: (answer[1], answer[2])}
    envelope = spec.Element(attributes=spec.TYPES["Response"].attributes, children=expected)
    spec.TYPES["_Envelope"] = envelope
    try:
        if fmt == "json":
            return json_problems(body, "_Envelope", where)
        return xml_problems(body, "_Envelope", where)
    finally:
        del spec.TYPES["_Envelope"]


@dataclass
class Catalog:
    listener: User
    secrets: SubsonicSecrets
    track: Track
    album: Album
    artist: Artist
    playlist: Playlist
    plain_track: int = 0  # a track whose lyrics are not synced

    def doomed(self) -> str:
        return f"pl-{playlist_create(owner=self.listener, name='Doomed').pk}"


Arguments = Callable[[Catalog], dict[str, Any]]


def _list_of(kind: str) -> Arguments:
    return lambda c: {"type": kind, "size": 5}


def _cases() -> dict[str, list[Arguments]]:
    """Each method, with the arguments of each call, in an order where the writes come before their reads."""
    return {
        "ping": [lambda c: {}],
        "getLicense": [lambda c: {}],
        "getOpenSubsonicExtensions": [lambda c: {}],
        "getMusicFolders": [lambda c: {}],
        "getUser": [lambda c: {"username": c.listener.username}],
        "star": [lambda c: {"id": f"tr-{c.track.pk}", "albumId": f"al-{c.album.pk}", "artistId": f"ar-{c.artist.pk}"}],
        "setRating": [lambda c: {"id": f"al-{c.album.pk}", "rating": 4}],
        "getIndexes": [lambda c: {}],
        "getArtists": [lambda c: {}],
        "getArtist": [lambda c: {"id": f"ar-{c.artist.pk}"}],
        "getArtistInfo2": [lambda c: {"id": f"ar-{c.artist.pk}"}],
        "getAlbum": [lambda c: {"id": f"al-{c.album.pk}"}],
        "getAlbumInfo2": [lambda c: {"id": f"al-{c.album.pk}"}],
        "getSong": [lambda c: {"id": f"tr-{c.track.pk}"}],
        "getGenres": [lambda c: {}],
        "getAlbumList2": [
            *(
                _list_of(kind)
                for kind in (
                    "random",
                    "newest",
                    "highest",
                    "frequent",
                    "recent",
                    "starred",
                    "alphabeticalByName",
                    "alphabeticalByArtist",
                )
            ),
            lambda c: {"type": "byYear", "fromYear": 2000, "toYear": 2030},
            lambda c: {"type": "byGenre", "genre": "Ambient"},
        ],
        "getRandomSongs": [lambda c: {"size": 5}],
        "getSongsByGenre": [lambda c: {"genre": "Ambient"}],
        "getTopSongs": [lambda c: {"artist": c.artist.name}],
        "getSimilarSongs2": [lambda c: {"id": f"tr-{c.track.pk}"}],
        "search3": [lambda c: {"query": "Polar"}, lambda c: {"query": '""'}],
        "getStarred2": [lambda c: {}],
        "unstar": [lambda c: {"albumId": f"al-{c.album.pk}"}],
        "createPlaylist": [lambda c: {"name": "Road trip", "songId": f"tr-{c.track.pk}"}],
        "getPlaylists": [lambda c: {}],
        "getPlaylist": [lambda c: {"id": f"pl-{c.playlist.pk}"}],
        "updatePlaylist": [
            lambda c: {
                "playlistId": f"pl-{c.playlist.pk}",
                "comment": "For the night",
                "songIdToAdd": f"tr-{c.track.pk}",
            }
        ],
        "deletePlaylist": [lambda c: {"id": c.doomed()}],
        "getPlayQueue": [lambda c: {}],
        "savePlayQueue": [lambda c: {"id": f"tr-{c.track.pk}", "current": f"tr-{c.track.pk}", "position": 1200}],
        "stream": [lambda c: {"id": f"tr-{c.track.pk}", "maxBitRate": 160}],
        "download": [lambda c: {"id": f"tr-{c.track.pk}"}],
        "getCoverArt": [lambda c: {"id": f"al-{c.album.pk}", "size": 300}],
        "getNowPlaying": [lambda c: {}],
        "scrobble": [lambda c: {"id": f"tr-{c.track.pk}", "submission": "false"}, lambda c: {"id": f"tr-{c.track.pk}"}],
        "getLyricsBySongId": [lambda c: {"id": f"tr-{c.track.pk}"}, lambda c: {"id": f"tr-{c.plain_track}"}],
        "getLyrics": [
            lambda c: {"artist": c.artist.name, "title": c.track.title},
            lambda c: {"artist": "Nobody", "title": "Nothing"},
        ],
    }


# After savePlayQueue, getPlayQueue answers again with the queue in it.
AGAIN_AFTER = {"savePlayQueue": "getPlayQueue"}

ERRORS = [
    ("getAlbum", lambda c: {}),  # 10
    ("getAlbum", lambda c: {"id": "al-999999999"}),  # 70
    ("getUser", lambda c: {"username": "somebody-else"}),  # 50
    ("ping", lambda c: {"v": "9.0.0"}),  # 30
]


def test_every_registered_method_has_a_conformance_case() -> None:
    assert sorted(_cases()) == methods_all()
    assert sorted(spec.ANSWERS) == methods_all()


@pytest.fixture
def catalog(listener: User, secrets: SubsonicSecrets, track: Track) -> Catalog:
    """One catalog with every optional field an answer can carry: genres, a label, ratings, a playlist."""
    Profile.objects.filter(user=listener).update(plan=Profile.Plan.PREMIUM)  # no ad break owed midway
    listener.refresh_from_db()
    album = Album.objects.get(pk=track.album_id)
    artist = track.artist
    ambient = Genre.objects.create(name="Ambient", slug="ambient")
    Album.objects.filter(pk=album.pk).update(label="Polar Records", release_date=dt.date(2024, 11, 1))
    Track.objects.filter(pk=track.pk).update(isrc="GBAYE2400001", explicit=True, play_count=3)
    album.genres.add(ambient)
    track.genres.add(ambient)
    Artist.objects.filter(pk=artist.pk).update(image=album.artwork.name, bio="Songs from the north.")
    other = AlbumFactory(artist=ArtistFactory(name="Cirrus"), status=Album.Status.PUBLISHED, title="Drift")
    stratus = TrackFactory(album=other, title="Stratus")
    Lyrics.objects.create(
        track=track,
        state=Lyrics.State.PUBLISHED,
        language="en",
        synced=True,
        lines=[{"start_ms": 0, "text": "North wind"}, {"start_ms": 1500, "text": ""}],
    )
    Lyrics.objects.create(track=stratus, state=Lyrics.State.PUBLISHED, lines=[{"start_ms": None, "text": "High up"}])
    rating_set(user=listener, item=f"tr-{track.pk}", rating=5)
    playlist = playlist_create(owner=listener, name="Evening")
    playlist_items_add(playlist=playlist, by=listener, track_ids=[track.pk])
    playlist_create(owner=UserFactory(), name="Shared with everyone")
    return Catalog(
        listener=listener,
        secrets=secrets,
        track=Track.objects.get(pk=track.pk),
        album=Album.objects.get(pk=album.pk),
        artist=Artist.objects.get(pk=artist.pk),
        playlist=playlist,
        plain_track=stratus.pk,
    )


def _call(client: Client, catalog: Catalog, name: str, params: dict[str, Any], fmt: str) -> Any:
    return client.get(f"/rest/{name}.view", {**token_params(catalog.secrets), **params, "f": fmt})


def test_every_answer_in_xml_and_json_follows_the_documentation(client: Client, catalog: Catalog) -> None:
    problems: list[str] = []
    refused: list[str] = []
    for name, calls in _cases().items():
        for number, arguments in enumerate(calls):
            for fmt in ("xml", "json"):
                where = f"{name}#{number} ({fmt})"
                response = _call(client, catalog, name, arguments(catalog), fmt)
                if spec.ANSWERS[name] == spec.MEDIA:
                    if response.status_code != 302 or not response["Location"]:
                        problems.append(f"{where}: HTTP {response.status_code}, not a redirect to the media")
                    continue
                if (response.json() if fmt == "json" else {}).get("subsonic-response", {}).get(
                    "status"
                ) == "failed" or (fmt == "xml" and b'status="failed"' in response.content):
                    refused.append(f"{where}: {response.content[:300]!r}")
                problems += answer_problems(response, fmt, spec.ANSWERS[name], where)
                if again := AGAIN_AFTER.get(name):
                    problems += answer_problems(
                        _call(client, catalog, again, {}, fmt), fmt, spec.ANSWERS[again], f"{again} after {where}"
                    )

    assert refused == []
    assert problems == [], "\n".join(problems)


def test_every_error_in_xml_and_json_follows_the_documentation(client: Client, catalog: Catalog) -> None:
    problems: list[str] = []
    for name, arguments in ERRORS:
        for fmt in ("xml", "json"):
            response = _call(client, catalog, name, arguments(catalog), fmt)
            if b"failed" not in response.content:
                problems.append(f"{name} error ({fmt}): answered {response.content[:200]!r}")
            problems += answer_problems(response, fmt, spec.ANSWERS[name], f"{name} error ({fmt})")
    unsigned = client.get("/rest/ping.view", {"f": "json"})
    problems += answer_problems(unsigned, "json", None, "ping unsigned (json)")

    assert problems == [], "\n".join(problems)


def test_the_checks_find_what_the_documentation_does_not_allow() -> None:
    song = {"id": "tr-1", "isDir": "false", "title": "A", "year": 2024.0, "genres": {"name": "Ambient"}, "mood": "x"}
    xml = ElementTree.fromstring(  # noqa: S314 (written here)
        '<song xmlns="http://subsonic.org/restapi" id="tr-1" title="A" track="one" starred="yesterday">'
        "<genres/><replayGain/><replayGain/><biography>x</biography></song>"
    )

    assert json_problems(song, "Child", "song") == [
        "song.isDir='false': a str, not a boolean",
        "song.year=2024.0: a float, not an int",
        "song.genres: an array expected",
        "song.mood: not in Child",
    ]
    assert xml_problems(xml, "Child", "song") == [
        "song@track='one': not an int",
        "song@starred='yesterday': not an xs:dateTime",
        "song@isDir: required, missing",
        "song/genres@name: required, missing",
        "song/biography: not in Child",
        "song/replayGain: 2 times, at most 1",
    ]
