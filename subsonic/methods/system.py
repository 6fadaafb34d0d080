"""The server itself and the caller: ping, licence, extensions, music folders, user."""

from subsonic.envelope import Body, SubsonicError
from subsonic.registry import Call, method

MUSIC_FOLDER_ID = 1

EXTENSIONS = [
    {"name": "apiKeyAuthentication", "versions": [1]},
    {"name": "formPost", "versions": [1]},
    {"name": "songLyrics", "versions": [1]},
]


@method("ping")
def ping(call: Call) -> Body:
    return {}


@method("getLicense")
def get_license(call: Call) -> Body:
    return {"license": {"valid": True}}


@method("getOpenSubsonicExtensions")
def get_open_subsonic_extensions(call: Call) -> Body:
    return {"openSubsonicExtensions": EXTENSIONS}


@method("getMusicFolders")
def get_music_folders(call: Call) -> Body:
    return {"musicFolders": {"musicFolder": [{"id": MUSIC_FOLDER_ID, "name": "Music"}]}}


@method("getUser")
def get_user(call: Call) -> Body:
    username = call.params.required("username")
    if username.lower() != call.user.username.lower():
        raise SubsonicError(SubsonicError.NOT_AUTHORIZED, "You may only see your own account.")
    profile = call.user.profile
    return {
        "user": {
            "username": call.user.username,
            "email": call.user.email,
            "scrobblingEnabled": not profile.private_session,
            "maxBitRate": profile.bitrate_cap,
            "adminRole": False,
            "settingsRole": False,
            "downloadRole": True,
            "uploadRole": False,
            "playlistRole": True,
            "coverArtRole": False,
            "commentRole": False,
            "podcastRole": False,
            "streamRole": True,
            "jukeboxRole": False,
            "shareRole": False,
            "videoConversionRole": False,
            "folder": [MUSIC_FOLDER_ID],
        }
    }
