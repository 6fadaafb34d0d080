"""Lyrics: saved, published and deleted by the artist's members; imported from an upload's tags or .lrc.

Every write checks the lines by the rules of ``catalog.lyrics`` (against the
track's duration when it is known) before anything is written, so a refusal
leaves the rows as they were. A track has at most one draft and one published
row: saving a state replaces that state's row, and publishing moves the draft
over the published row in one transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User
from catalog.access import require_edit
from catalog.lyrics import Line, language_clean, lines_synced, lyrics_clean
from catalog.models import Lyrics, Track

MAX_WRITTEN_BY_CHARS = 300


def _written_by(value: str) -> str:
    value = " ".join((value or "").split())
    if len(value) > MAX_WRITTEN_BY_CHARS:
        raise ValidationError(
            gettext("“Written by” is %(value)s characters long; the limit is %(MAX_WRITTEN_BY_CHARS)s.")
            % {"value": f"{len(value):,}", "MAX_WRITTEN_BY_CHARS": MAX_WRITTEN_BY_CHARS}
        )
    return value


def _store(
    *,
    track: Track,
    by: User | None,
    lines: list[Line],
    language: str,
    written_by: str,
    synced: bool | None,
    state: str,
    source: str,
) -> Lyrics:
    if state not in Lyrics.State.values:
        raise ValidationError(gettext("“%(state)s” is not a lyrics state: draft or published.") % {"state": state})
    cleaned = lyrics_clean(lines, duration_ms=track.duration_ms)
    if not cleaned:
        raise ValidationError(gettext("The lyrics are empty: delete them instead."), code="empty")
    is_synced = lines_synced(cleaned)
    if synced and not is_synced:
        raise ValidationError(gettext("Synced lyrics need a start time on every line."), code="not_synced")
    with transaction.atomic():
        row, _created = Lyrics.objects.update_or_create(
            track=track,
            state=state,
            defaults={
                "lines": cleaned,
                "synced": is_synced,
                "language": language_clean(language),
                "written_by": _written_by(written_by),
                "source": source,
                "updated_by": by,
            },
        )
    return row


def lyrics_save(
    *,
    track: Track,
    by: User,
    lines: list[Line],
    language: str = "",
    written_by: str = "",
    synced: bool | None = None,
    state: str = Lyrics.State.DRAFT,
    source: str = Lyrics.Source.EDITOR,
) -> Lyrics:
    """Save the track's draft (or its published lyrics) as ``lines``: members only."""
    require_edit(artist_id=track.artist_id, user=by)
    return _store(
        track=track,
        by=by,
        lines=lines,
        language=language,
        written_by=written_by,
        synced=synced,
        state=state,
        source=source,
    )


def lyrics_import(
    *, track: Track, lines: list[Line], language: str = "", written_by: str = "", source: str
) -> Lyrics | None:
    """Keep lyrics found in an upload (its tags or an .lrc beside it) as the track's draft, for the artist to check.

    A draft the artist has written already is never replaced by one from
    tags; an .lrc uploaded on purpose replaces it. Lyrics that break the rules
    are not kept (``ValidationError``, for the caller to report or pass over).
    """
    if source == Lyrics.Source.TAGS and Lyrics.objects.filter(track=track, state=Lyrics.State.DRAFT).exists():
        return None
    return _store(
        track=track,
        by=None,
        lines=lines,
        language=language,
        written_by=written_by,
        synced=None,
        state=Lyrics.State.DRAFT,
        source=source,
    )


def lyrics_publish(*, track: Track, by: User) -> Lyrics:
    """Put the draft in place of the published lyrics (the draft is then gone): members only."""
    require_edit(artist_id=track.artist_id, user=by)
    with transaction.atomic():
        draft = Lyrics.objects.select_for_update().filter(track=track, state=Lyrics.State.DRAFT).first()
        if draft is None:
            raise ValidationError(gettext("There is no draft to publish."), code="no_draft")
        # Checked again: the track's duration may be known now, and shorter than the draft thought.
        lyrics_clean(draft.lines, duration_ms=track.duration_ms)
        Lyrics.objects.filter(track=track, state=Lyrics.State.PUBLISHED).delete()
        draft.state = Lyrics.State.PUBLISHED
        draft.updated_by = by
        draft.save(update_fields=["state", "updated_by", "updated_at"])
    return draft


def lyrics_delete(*, track: Track, by: User, state: str) -> bool:
    """Delete the track's draft or published lyrics: members only. Whether there was one."""
    require_edit(artist_id=track.artist_id, user=by)
    deleted, _ = Lyrics.objects.filter(track=track, state=state).delete()
    return bool(deleted)
