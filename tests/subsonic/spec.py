"""What every Subsonic answer may hold: our own schema, written from the published documentation.

Sources: the Subsonic API documentation (subsonic.org, api.jsp) and its XML
schema ``subsonic-rest-api-1.16.1.xsd``, for the elements, their attributes
and types, which attributes are required (``use="required"``) and how often
each child element occurs (``minOccurs``/``maxOccurs``); and the OpenSubsonic
documentation (opensubsonic.netlify.app: "Responses", "API reference",
"Extensions"), for the fields it adds: ``type``, ``serverVersion`` and
``openSubsonic`` on the envelope, ``helpUrl`` on the error, ``played``,
``bpm``, ``comment``, ``sortName``, ``mediaType``, ``musicBrainzId``,
``isrc``, ``genres``, ``artists``, ``replayGain`` and the others on Child and
AlbumID3, ``getOpenSubsonicExtensions`` and ``songLyrics``
(``getLyricsBySongId``). Where the two disagree, OpenSubsonic wins (every id
is a string, ``playQueue.current`` included).

Each element type lists its attributes as ``name: (type, required)`` and its
child elements as ``name: (element type, cardinality)`` in the order the XSD's
sequence gives them; a child whose type is a simple type (``string``, ``int``)
is an element holding only text, and ``text`` is the type of an element's own
text (``value`` in JSON). Cardinality: ``1`` exactly one, ``?`` at most one,
``*`` any number (a JSON array), ``+`` at least one (a JSON array).
"""

from dataclasses import dataclass, field

SIMPLE = {"string", "int", "long", "boolean", "dateTime", "float", "status"}


@dataclass(frozen=True)
class Element:
    attributes: dict[str, tuple[str, bool]] = field(default_factory=dict)
    children: dict[str, tuple[str, str]] = field(default_factory=dict)
    text: str | None = None
    # Children OpenSubsonic added, which JSON-first documentation puts in no order.
    free_order: frozenset[str] = frozenset()

    def extended(
        self,
        attributes: dict[str, tuple[str, bool]] | None = None,
        children: dict[str, tuple[str, str]] | None = None,
    ) -> "Element":
        """This type with more (``xs:extension``): the base's children first, as XSD sequences go."""
        return Element(
            attributes={**self.attributes, **(attributes or {})},
            children={**self.children, **(children or {})},
            text=self.text,
            free_order=self.free_order,
        )


_ITEM_GENRE = Element(attributes={"name": ("string", True)})
_RECORD_LABEL = Element(attributes={"name": ("string", True)})
_ITEM_DATE = Element(attributes={"year": ("int", False), "month": ("int", False), "day": ("int", False)})
_DISC_TITLE = Element(attributes={"disc": ("int", True), "title": ("string", True)})
_REPLAY_GAIN = Element(
    attributes={
        "trackGain": ("float", False),
        "albumGain": ("float", False),
        "trackPeak": ("float", False),
        "albumPeak": ("float", False),
        "baseGain": ("float", False),
        "fallbackGain": ("float", False),
    }
)

_ARTIST_ID3 = Element(
    attributes={
        "id": ("string", True),
        "name": ("string", True),
        "coverArt": ("string", False),
        "artistImageUrl": ("string", False),
        "albumCount": ("int", False),
        "starred": ("dateTime", False),
        # OpenSubsonic
        "userRating": ("int", False),
        "musicBrainzId": ("string", False),
        "sortName": ("string", False),
    },
    children={"roles": ("string", "*")},  # OpenSubsonic
    free_order=frozenset({"roles"}),
)

_CHILD = Element(
    attributes={
        "id": ("string", True),
        "parent": ("string", False),
        "isDir": ("boolean", True),
        "title": ("string", True),
        "album": ("string", False),
        "artist": ("string", False),
        "track": ("int", False),
        "year": ("int", False),
        "genre": ("string", False),
        "coverArt": ("string", False),
        "size": ("long", False),
        "contentType": ("string", False),
        "suffix": ("string", False),
        "transcodedContentType": ("string", False),
        "transcodedSuffix": ("string", False),
        "duration": ("int", False),
        "bitRate": ("int", False),
        "path": ("string", False),
        "isVideo": ("boolean", False),
        "userRating": ("int", False),
        "averageRating": ("float", False),
        "playCount": ("long", False),
        "discNumber": ("int", False),
        "created": ("dateTime", False),
        "starred": ("dateTime", False),
        "albumId": ("string", False),
        "artistId": ("string", False),
        "type": ("string", False),
        "bookmarkPosition": ("long", False),
        "originalWidth": ("int", False),
        "originalHeight": ("int", False),
        # OpenSubsonic
        "played": ("dateTime", False),
        "bpm": ("int", False),
        "comment": ("string", False),
        "sortName": ("string", False),
        "musicBrainzId": ("string", False),
        "displayArtist": ("string", False),
        "displayAlbumArtist": ("string", False),
        "displayComposer": ("string", False),
        "explicitStatus": ("string", False),
        "mediaType": ("string", False),
        "bitDepth": ("int", False),
        "samplingRate": ("int", False),
        "channelCount": ("int", False),
    },
    children={
        # OpenSubsonic
        "isrc": ("string", "*"),
        "genres": ("ItemGenre", "*"),
        "artists": ("ArtistID3", "*"),
        "albumArtists": ("ArtistID3", "*"),
        "contributors": ("Contributor", "*"),
        "moods": ("string", "*"),
        "replayGain": ("ReplayGain", "?"),
    },
    free_order=frozenset({"isrc", "genres", "artists", "albumArtists", "contributors", "moods", "replayGain"}),
)

_ALBUM_ID3 = Element(
    attributes={
        "id": ("string", True),
        "name": ("string", True),
        "artist": ("string", False),
        "artistId": ("string", False),
        "coverArt": ("string", False),
        "songCount": ("int", True),
        "duration": ("int", True),
        "playCount": ("long", False),
        "created": ("dateTime", True),
        "starred": ("dateTime", False),
        "year": ("int", False),
        "genre": ("string", False),
        # OpenSubsonic
        "played": ("dateTime", False),
        "userRating": ("int", False),
        "musicBrainzId": ("string", False),
        "displayArtist": ("string", False),
        "sortName": ("string", False),
        "isCompilation": ("boolean", False),
        "explicitStatus": ("string", False),
        "version": ("string", False),
    },
    children={
        # OpenSubsonic
        "recordLabels": ("RecordLabel", "*"),
        "genres": ("ItemGenre", "*"),
        "artists": ("ArtistID3", "*"),
        "releaseTypes": ("string", "*"),
        "moods": ("string", "*"),
        "originalReleaseDate": ("ItemDate", "?"),
        "releaseDate": ("ItemDate", "?"),
        "discTitles": ("DiscTitle", "*"),
    },
    free_order=frozenset(
        {
            "recordLabels",
            "genres",
            "artists",
            "releaseTypes",
            "moods",
            "originalReleaseDate",
            "releaseDate",
            "discTitles",
        }
    ),
)

_PLAYLIST = Element(
    attributes={
        "id": ("string", True),
        "name": ("string", True),
        "comment": ("string", False),
        "owner": ("string", False),
        "public": ("boolean", False),
        "songCount": ("int", True),
        "duration": ("int", True),
        "created": ("dateTime", True),
        "changed": ("dateTime", True),
        "coverArt": ("string", False),
        # OpenSubsonic
        "readonly": ("boolean", False),
        "validUntil": ("dateTime", False),
    },
    children={"allowedUser": ("string", "*")},
)

_ARTIST_INFO_BASE = Element(
    children={
        "biography": ("string", "?"),
        "musicBrainzId": ("string", "?"),
        "lastFmUrl": ("string", "?"),
        "smallImageUrl": ("string", "?"),
        "mediumImageUrl": ("string", "?"),
        "largeImageUrl": ("string", "?"),
    }
)

TYPES: dict[str, Element] = {
    "Response": Element(
        attributes={
            "status": ("status", True),
            "version": ("string", True),
            # OpenSubsonic
            "type": ("string", True),
            "serverVersion": ("string", True),
            "openSubsonic": ("boolean", True),
        }
    ),
    "Error": Element(attributes={"code": ("int", True), "message": ("string", False), "helpUrl": ("string", False)}),
    "License": Element(
        attributes={
            "valid": ("boolean", True),
            "email": ("string", False),
            "licenseExpires": ("dateTime", False),
            "trialExpires": ("dateTime", False),
        }
    ),
    "OpenSubsonicExtension": Element(attributes={"name": ("string", True)}, children={"versions": ("int", "+")}),
    "MusicFolders": Element(children={"musicFolder": ("MusicFolder", "*")}),
    "MusicFolder": Element(attributes={"id": ("int", True), "name": ("string", False)}),
    "Indexes": Element(
        attributes={"lastModified": ("long", True), "ignoredArticles": ("string", True)},
        children={"shortcut": ("Artist", "*"), "index": ("Index", "*"), "child": ("Child", "*")},
    ),
    "Index": Element(attributes={"name": ("string", True)}, children={"artist": ("Artist", "*")}),
    "Artist": Element(
        attributes={
            "id": ("string", True),
            "name": ("string", True),
            "artistImageUrl": ("string", False),
            "starred": ("dateTime", False),
            "userRating": ("int", False),
            "averageRating": ("float", False),
        }
    ),
    "ArtistsID3": Element(attributes={"ignoredArticles": ("string", True)}, children={"index": ("IndexID3", "*")}),
    "IndexID3": Element(attributes={"name": ("string", True)}, children={"artist": ("ArtistID3", "*")}),
    "ArtistID3": _ARTIST_ID3,
    "ArtistWithAlbumsID3": _ARTIST_ID3.extended(children={"album": ("AlbumID3", "*")}),
    "ArtistInfo2": _ARTIST_INFO_BASE.extended(children={"similarArtist": ("ArtistID3", "*")}),
    "AlbumInfo": Element(
        children={
            "notes": ("string", "?"),
            "musicBrainzId": ("string", "?"),
            "lastFmUrl": ("string", "?"),
            "smallImageUrl": ("string", "?"),
            "mediumImageUrl": ("string", "?"),
            "largeImageUrl": ("string", "?"),
        }
    ),
    "AlbumID3": _ALBUM_ID3,
    "AlbumWithSongsID3": _ALBUM_ID3.extended(children={"song": ("Child", "*")}),
    "Child": _CHILD,
    "ItemGenre": _ITEM_GENRE,
    "RecordLabel": _RECORD_LABEL,
    "ItemDate": _ITEM_DATE,
    "DiscTitle": _DISC_TITLE,
    "ReplayGain": _REPLAY_GAIN,
    "Contributor": Element(
        attributes={"role": ("string", True), "subRole": ("string", False)}, children={"artist": ("ArtistID3", "1")}
    ),
    "Genres": Element(children={"genre": ("Genre", "*")}),
    "Genre": Element(attributes={"songCount": ("int", True), "albumCount": ("int", True)}, text="string"),
    "AlbumList2": Element(children={"album": ("AlbumID3", "*")}),
    "Songs": Element(children={"song": ("Child", "*")}),
    "SearchResult3": Element(
        children={"artist": ("ArtistID3", "*"), "album": ("AlbumID3", "*"), "song": ("Child", "*")}
    ),
    "Playlists": Element(children={"playlist": ("Playlist", "*")}),
    "Playlist": _PLAYLIST,
    "PlaylistWithSongs": _PLAYLIST.extended(children={"entry": ("Child", "*")}),
    "Starred2": Element(children={"artist": ("ArtistID3", "*"), "album": ("AlbumID3", "*"), "song": ("Child", "*")}),
    "PlayQueue": Element(
        attributes={
            "current": ("string", False),
            "position": ("long", False),
            "username": ("string", True),
            "changed": ("dateTime", True),
            "changedBy": ("string", True),
        },
        children={"entry": ("Child", "*")},
    ),
    "NowPlaying": Element(children={"entry": ("NowPlayingEntry", "*")}),
    "NowPlayingEntry": _CHILD.extended(
        attributes={
            "username": ("string", True),
            "minutesAgo": ("int", True),
            "playerId": ("int", True),
            "playerName": ("string", False),
        }
    ),
    "User": Element(
        attributes={
            "username": ("string", True),
            "email": ("string", False),
            "scrobblingEnabled": ("boolean", True),
            "maxBitRate": ("int", False),
            "adminRole": ("boolean", True),
            "settingsRole": ("boolean", True),
            "downloadRole": ("boolean", True),
            "uploadRole": ("boolean", True),
            "playlistRole": ("boolean", True),
            "coverArtRole": ("boolean", True),
            "commentRole": ("boolean", True),
            "podcastRole": ("boolean", True),
            "streamRole": ("boolean", True),
            "jukeboxRole": ("boolean", True),
            "shareRole": ("boolean", True),
            "videoConversionRole": ("boolean", True),
            "avatarLastChanged": ("dateTime", False),
        },
        children={"folder": ("int", "*")},
    ),
    "LyricsList": Element(children={"structuredLyrics": ("StructuredLyrics", "*")}),
    "StructuredLyrics": Element(
        attributes={
            "lang": ("string", True),
            "synced": ("boolean", True),
            "displayArtist": ("string", False),
            "displayTitle": ("string", False),
            "offset": ("long", False),
        },
        children={"line": ("Line", "*")},
    ),
    "Line": Element(attributes={"start": ("long", False)}, text="string"),
    # Subsonic 1.2: the plain text of a song's lyrics, found by artist and title.
    "Lyrics": Element(attributes={"artist": ("string", False), "title": ("string", False)}, text="string"),
}

# What each method answers inside the envelope: the element and its type (``None``: an empty
# ``subsonic-response``), or ``MEDIA`` for methods that answer the bytes (here, a redirect to them).
MEDIA = "media"
ANSWERS: dict[str, tuple[str, str, str] | str | None] = {
    "ping": None,
    "getLicense": ("license", "License", "1"),
    "getOpenSubsonicExtensions": ("openSubsonicExtensions", "OpenSubsonicExtension", "*"),
    "getMusicFolders": ("musicFolders", "MusicFolders", "1"),
    "getIndexes": ("indexes", "Indexes", "1"),
    "getArtists": ("artists", "ArtistsID3", "1"),
    "getArtist": ("artist", "ArtistWithAlbumsID3", "1"),
    "getArtistInfo2": ("artistInfo2", "ArtistInfo2", "1"),
    "getAlbum": ("album", "AlbumWithSongsID3", "1"),
    "getAlbumInfo2": ("albumInfo", "AlbumInfo", "1"),
    "getSong": ("song", "Child", "1"),
    "getGenres": ("genres", "Genres", "1"),
    "getAlbumList2": ("albumList2", "AlbumList2", "1"),
    "getRandomSongs": ("randomSongs", "Songs", "1"),
    "getSongsByGenre": ("songsByGenre", "Songs", "1"),
    "getTopSongs": ("topSongs", "Songs", "1"),
    "getSimilarSongs2": ("similarSongs2", "Songs", "1"),
    "search3": ("searchResult3", "SearchResult3", "1"),
    "getPlaylists": ("playlists", "Playlists", "1"),
    "getPlaylist": ("playlist", "PlaylistWithSongs", "1"),
    "createPlaylist": ("playlist", "PlaylistWithSongs", "1"),  # since 1.14.0
    "updatePlaylist": None,
    "deletePlaylist": None,
    "stream": MEDIA,
    "download": MEDIA,
    "getCoverArt": MEDIA,
    "getLyricsBySongId": ("lyricsList", "LyricsList", "1"),
    "getLyrics": ("lyrics", "Lyrics", "1"),
    "scrobble": None,
    "star": None,
    "unstar": None,
    "getStarred2": ("starred2", "Starred2", "1"),
    "setRating": None,
    "getPlayQueue": ("playQueue", "PlayQueue", "?"),
    "savePlayQueue": None,
    "getNowPlaying": ("nowPlaying", "NowPlaying", "1"),
    "getUser": ("user", "User", "1"),
}
