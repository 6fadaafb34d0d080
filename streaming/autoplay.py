"""What plays when the music a listener chose runs out: autoplay, and the endless radio.

The player keeps a context (an album, a playlist, a radio) and the listener's
queue. When both are over and repeat is off, playback goes on with tracks like
the last ones heard, if the listener keeps ``Profile.autoplay`` on (the
default), and always for a radio, which is meant to have no end.

What is "like" the last tracks is known to the recommendations, an app above
streaming: it sets the source when it starts (``AppConfig.ready``) with
:func:`autoplay_source_set`. Without a source, playback stops at the end as it
did before.

A continuation is a context like any other, under the uri :data:`AUTOPLAY_URI`
(radios keep theirs, :data:`RADIO_URI_PREFIX` and the seed): every device sees
it, the queue panel lists it, and it goes on again when it runs out in its turn.
"""

from collections.abc import Sequence
from typing import Protocol

from accounts.models import User

AUTOPLAY_URI = "spotifyclone:autoplay"
RADIO_URI_PREFIX = "spotifyclone:radio:"
SEEDS = 5  # the last tracks of the context that seed what comes next
BATCH = 50  # tracks added each time the music runs out


class AutoplaySource(Protocol):
    def __call__(self, *, user: User, seeds: Sequence[int], exclude: set[int], limit: int) -> list[int]:
        """Track ids like ``seeds`` (the newest last), best first, none of ``exclude``, that ``user`` may play."""
        ...


_source: list[AutoplaySource] = []


def autoplay_source_set(source: AutoplaySource) -> None:
    _source[:] = [source]


def is_radio(context_uri: str) -> bool:
    return context_uri.startswith(RADIO_URI_PREFIX)


def goes_on(*, user: User, context_uri: str) -> bool:
    """Whether playback goes on past the end of ``context_uri`` for ``user``."""
    if not _source:
        return False
    profile = getattr(user, "profile", None)  # a user without a profile has the defaults
    return is_radio(context_uri) or profile is None or profile.autoplay


def continuation(*, user: User, played: Sequence[int], context_uri: str) -> list[int]:
    """The tracks to play after ``played`` (the context, in the order it played): [] to stop."""
    if not played or not goes_on(user=user, context_uri=context_uri):
        return []
    return _source[0](user=user, seeds=list(played[-SEEDS:]), exclude=set(played), limit=BATCH)
