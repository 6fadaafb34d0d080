"""A track's lyrics editor: the words, their timing against the track's waveform, and their publishing.

The page is a shell for static/js/lyrics-editor.js, which reads and writes the
lyrics through the API (``/api/v1/tracks/<id>/lyrics/``), as the listeners'
apps do. The page gives it what the API does not: the track's length, its
waveform and where its audio comes from.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.auth import AuthenticatedHttpRequest
from catalog.models import Track
from catalog.views.lookups import editable_track
from catalog.views.rows import length


def _waveform(track: Track) -> list[int]:
    """The peaks (0-255) the transcode stored for the track, or none before it has run.

    They live on the track's media row, which the streaming app writes; it is
    read here through the relation's name, since the catalog imports nothing
    from the floors above it.
    """
    peaks = Track.objects.filter(pk=track.pk).values_list("media__waveform", flat=True).first()
    return [int(p) for p in peaks if isinstance(p, int | float)] if isinstance(peaks, list) else []


@login_required
@require_safe
def track_lyrics(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    track = editable_track(request, track_id)
    context = {
        "track": track,
        "artist": track.artist,
        "album": track.album,
        "duration": length(track.duration_ms),
        "waveform": _waveform(track),
    }
    return render(request, "catalog/lyrics_edit.html", context)
