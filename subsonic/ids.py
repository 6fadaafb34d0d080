"""Opaque ids with a kind prefix, so that an app never takes an album for a song."""

from subsonic.envelope import SubsonicError

ARTIST, ALBUM, TRACK, PLAYLIST = "ar", "al", "tr", "pl"


def id_of(kind: str, pk: int | None) -> str | None:
    return None if pk is None else f"{kind}-{pk}"


def id_parse(value: str | None) -> tuple[str, int]:
    """The kind and primary key of an id; error 70 for anything that is not one of ours."""
    kind, _, number = (value or "").partition("-")
    if kind not in {ARTIST, ALBUM, TRACK, PLAYLIST} or not number.isdigit() or len(number) > 18:
        raise SubsonicError(SubsonicError.NOT_FOUND, f"No such item: {value!r}.")
    return kind, int(number)


def id_of_kind(value: str | None, kind: str) -> int:
    found, pk = id_parse(value)
    if found != kind:
        raise SubsonicError(SubsonicError.NOT_FOUND, f"No such item: {value!r}.")
    return pk
