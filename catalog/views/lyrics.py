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
from catalog.selectors import track_waveform
from catalog.views.lookups import editable_track
from catalog.views.rows import length


@login_required
@require_safe
def track_lyrics(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    track = editable_track(request, track_id)
    context = {
        "track": track,
        "artist": track.artist,
        "album": track.album,
        "duration": length(track.duration_ms),
        "waveform": track_waveform(track_id=track.pk),
    }
    return render(request, "catalog/lyrics_edit.html", context)
