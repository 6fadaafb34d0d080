"""Events: how an app tells the apps above it what happened, without importing them.

An app never imports one on a higher floor (``docs/architecture.md``). When
something it does needs a higher app to act (an upload needs transcoding, a
change needs the search entries updated), it declares an event, a frozen
dataclass in its own ``events.py``, and its services announce it; the higher
app subscribes a handler in its ``AppConfig.ready``::

    @dataclass(frozen=True)
    class TrackUploaded(Event):
        track_id: int

    announce(TrackUploaded(track_id=track.pk))          # in catalog's service
    subscribe(TrackUploaded, transcode_on_upload)       # in StreamingConfig.ready

The delivery rule: an event is announced inside the transaction of the change
it reports, and its handlers run there and then, in the order they subscribed.
A handler does only transactional work: it writes rows, or queues a task with
``core.outbox.task_enqueue``, which writes the task in that same transaction
and sends it after commit. So a change that rolls back leaves nothing of its
events behind, and one that commits never loses its follow-up, even when the
broker is down. A handler that raises rolls the change back with it.

Handlers are typed: ``subscribe(TrackUploaded, handler)`` checks (with mypy)
that ``handler`` takes a ``TrackUploaded``. An event reaches the handlers of
its own class only, never those of a parent class.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction


@dataclass(frozen=True)
class Event:
    """What happened, said by the app it happened in; subclasses are frozen dataclasses of ids and values."""


EventT = TypeVar("EventT", bound=Event)

_handlers: dict[type[Event], list[Callable[[Any], None]]] = {}


def subscribe(event_type: type[EventT], handler: Callable[[EventT], None]) -> None:
    """Call ``handler`` with every ``event_type`` announced from now on (once, however often it subscribes)."""
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(event_type: type[EventT], handler: Callable[[EventT], None]) -> None:
    """Stop calling ``handler`` with ``event_type``; nothing happens if it was not subscribed."""
    handlers = _handlers.get(event_type, [])
    if handler in handlers:
        handlers.remove(handler)


def subscribers(event_type: type[Event]) -> list[Callable[[Any], None]]:
    """The handlers ``event_type`` reaches, in the order they run."""
    return list(_handlers.get(event_type, ()))


class AnnouncedOutsideTransactionError(RuntimeError):
    """An event was announced with no transaction open: its handlers' work could outlive a failed change."""


def announce(event: Event) -> None:
    """Run the handlers of ``event`` now, inside the caller's transaction (which must be open)."""
    if not transaction.get_connection().in_atomic_block:
        raise AnnouncedOutsideTransactionError(
            f"{type(event).__name__} must be announced inside the transaction of the change it reports."
        )
    for handler in list(_handlers.get(type(event), ())):
        handler(event)
