"""Play receipts: what a stream grant hands the client, and what its play reports send back.

A receipt says "this listener was granted this track at this time, for this
play", signed with Django's signing (HMAC under ``SECRET_KEY``, with a salt
of its own)::

    play_token = Signer(salt).sign_object([user id, track id, play id, granted at (ms), country, private])

``country`` is where the grant was made from and ``private`` whether the
listener was in a private session then, so that accepting a report needs no
look at their profile. (Receipts made before these two were added hold the
first four only: they read as no country and not private.)

Making one needs no database write, and reading one needs no lookup: the
signature alone says it came from a grant. The play id is random per grant
and becomes the recorded play's primary key, so one grant counts as at most
one play however often its reports arrive.
"""

import time
import uuid
from dataclasses import dataclass

from django.core import signing

SALT = "streaming.play-receipt"


class ReceiptError(ValueError):
    """The token is not a receipt this server signed."""


@dataclass(frozen=True)
class PlayReceipt:
    user_id: int
    track_id: int
    play_id: uuid.UUID
    granted_at_ms: int
    country: str = ""
    private: bool = False


def clock_ms() -> int:
    """Milliseconds since the epoch: the one clock grants and reports are measured by."""
    return time.time_ns() // 1_000_000


def play_receipt_sign(
    *, user_id: int, track_id: int, now_ms: int | None = None, country: str = "", private: bool = False
) -> str:
    """A new receipt for one play of ``track_id`` by ``user_id``, granted now (from ``country``)."""
    granted_at = now_ms if now_ms is not None else clock_ms()
    payload = [user_id, track_id, uuid.uuid4().hex, granted_at, country[:2].upper(), int(private)]
    return signing.Signer(salt=SALT).sign_object(payload)


def play_receipt_read(*, token: str) -> PlayReceipt:
    """The receipt in ``token``, or ReceiptError when it was not signed here or was changed."""
    try:
        user_id, track_id, play_id, granted_at, *rest = signing.Signer(salt=SALT).unsign_object(token)
        country, private = rest if rest else ("", 0)
        if not isinstance(country, str):
            raise TypeError(country)
        return PlayReceipt(
            user_id=_integer(user_id),
            track_id=_integer(track_id),
            play_id=uuid.UUID(hex=play_id),
            granted_at_ms=_integer(granted_at),
            country=country,
            private=bool(_integer(private)),
        )
    except (signing.BadSignature, ValueError, TypeError, AttributeError) as exc:
        raise ReceiptError("The play token is not one this server gave.") from exc


def _integer(value: object) -> int:
    if type(value) is not int:
        raise TypeError(value)
    return value
