"""Events: handlers get the events of their own type, inside the transaction of the change."""

from collections.abc import Iterator
from dataclasses import FrozenInstanceError, dataclass

import pytest
from django.db import transaction

from catalog.events import TrackUploaded
from core.events import AnnouncedOutsideTransactionError, Event, announce, subscribe, subscribers, unsubscribe
from core.models import OutboxTask


@dataclass(frozen=True)
class Rang(Event):
    bell: str


@dataclass(frozen=True)
class RangTwice(Rang):
    pass


@dataclass(frozen=True)
class Knocked(Event):
    door: int


@pytest.fixture
def heard() -> Iterator[list[Event]]:
    """What the handlers below were given, in order; they stop listening after the test."""
    heard: list[Event] = []

    def rang(event: Rang) -> None:
        heard.append(event)

    def knocked(event: Knocked) -> None:
        heard.append(event)

    subscribe(Rang, rang)
    subscribe(Rang, rang)  # twice: still called once
    subscribe(Knocked, knocked)
    try:
        yield heard
    finally:
        unsubscribe(Rang, rang)
        unsubscribe(Knocked, knocked)


@pytest.mark.django_db
def test_each_handler_gets_the_events_of_its_own_type_once(heard):
    with transaction.atomic():
        announce(Rang(bell="front"))
        announce(Knocked(door=7))
        announce(RangTwice(bell="back"))  # a subclass is an event of its own: no handler of Rang gets it

    assert heard == [Rang(bell="front"), Knocked(door=7)]
    assert subscribers(RangTwice) == []


def test_an_event_cannot_be_changed_on_its_way():
    event = Knocked(door=7)

    with pytest.raises(FrozenInstanceError):
        event.door = 8  # type: ignore[misc]


@pytest.mark.django_db(transaction=True)
def test_an_event_announced_outside_a_transaction_is_refused(heard):
    with pytest.raises(AnnouncedOutsideTransactionError, match="Knocked must be announced inside the transaction"):
        announce(Knocked(door=7))

    assert heard == []


@pytest.mark.django_db
def test_a_handler_that_fails_rolls_the_change_back():
    def broken(event: Knocked) -> None:
        raise RuntimeError("the handler fails")

    subscribe(Knocked, broken)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 - the change and its event
            OutboxTask.objects.create(task="core.tasks.nothing", args=[], kwargs={}, due_at="2030-01-01T00:00Z")
            announce(Knocked(door=7))
    finally:
        unsubscribe(Knocked, broken)

    assert OutboxTask.objects.count() == 0


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_task_from_its_event(django_capture_on_commit_callbacks):
    written = []
    with (  # noqa: PT012 - the change, its event and its failure, in one transaction
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True) as sent,
        transaction.atomic(),
    ):
        announce(TrackUploaded(track_id=41))
        written = list(OutboxTask.objects.values_list("task", "args"))
        raise RuntimeError("the change fails after its event was announced")

    assert written == [("streaming.tasks.track_transcode", [41])]  # streaming's handler queued it
    assert OutboxTask.objects.count() == 0
    assert sent == []


@pytest.mark.django_db
def test_a_committed_change_sends_the_task_its_event_queued(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as sent, transaction.atomic():
        announce(TrackUploaded(track_id=41))

    assert list(OutboxTask.objects.values_list("task", "args")) == [("streaming.tasks.track_transcode", [41])]
    assert len(sent) == 1  # handed to Celery once the transaction has committed
