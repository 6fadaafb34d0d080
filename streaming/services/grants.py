"""Granting a stream: the signed URLs of a track, once every check added to the grant has let it through."""

from accounts.models import User
from streaming.gates import GrantAttempt, grant_checks_run
from streaming.selectors import StreamGrant, stream_grant


def stream_grant_issue(
    *, track_id: int, user: User, country: str, local_base: str, max_bitrate: int | None = None
) -> StreamGrant:
    """The grant for ``user`` to stream the track, or the refusal of a check (``GrantRefusedError``).

    The track must exist, be ready and be the listener's to stream (``stream_grant``'s
    errors, ``max_bitrate`` as it says); then the checks of ``streaming.gates`` run, which may count the grant (the
    tracks between two ad breaks) or refuse it (an ad break is due).
    """
    grant = stream_grant(track_id=track_id, user=user, country=country, local_base=local_base, max_bitrate=max_bitrate)
    grant_checks_run(GrantAttempt(user=user, track_id=track_id, duration_ms=grant.duration_ms, country=country))
    return grant
