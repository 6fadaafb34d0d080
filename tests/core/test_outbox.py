"""The task outbox: a task is written with its change, waits while the broker is down, and is sent when it is back."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from kombu import pools

from catalog.services.albums import album_update
from core.models import OutboxTask
from core.outbox import outbox_relay
from spotifyclone.celery import app as celery_app
from tests.catalog.factories import AlbumFactory

pytestmark = pytest.mark.django_db

SYNC = "search.tasks.search_documents_sync"
NOWHERE = "redis://127.0.0.1:9/0"  # the discard port: nothing listens, every connection is refused


@contextmanager
def broker(url: str) -> Iterator[None]:
    """Publish for real (not eagerly) to ``url`` for a while."""
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, False
    _forget_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
        _forget_connections()


def _forget_connections() -> None:
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _queued(queue: str = "default") -> list[str]:
    """The task names waiting in the in-memory broker's ``queue``, taken off it."""
    names = []
    with celery_app.connection_for_read() as connection:
        simple = connection.SimpleQueue(queue)
        while True:
            try:
                message = simple.get(block=False)
            except simple.Empty:
                break
            names.append(message.headers["task"])
            message.ack()
        simple.close()
    return names


@pytest.fixture
def album(artist):
    made = AlbumFactory(artist=artist, title="Northern Lights")
    OutboxTask.objects.all().delete()  # what making it queued: the tests start from an empty outbox
    return made


def test_a_change_and_its_task_are_written_together_or_not_at_all(album, owner, django_capture_on_commit_callbacks):
    written = set()
    with (  # noqa: PT012 - the change and its failure, in one transaction
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True) as sent,
        transaction.atomic(),
    ):
        album_update(album=album, by=owner, title="Southern Lights")
        written = set(OutboxTask.objects.values_list("task", flat=True))
        raise RuntimeError("the change fails after its task was written")

    assert written == {SYNC}

    assert OutboxTask.objects.count() == 0
    assert sent == []


def test_a_task_is_sent_after_commit_and_then_forgotten(album, owner, django_capture_on_commit_callbacks):
    with broker("memory://"):
        with django_capture_on_commit_callbacks(execute=True):
            album_update(album=album, by=owner, title="Southern Lights")
        queued = _queued()

    assert set(queued) == {SYNC}
    assert OutboxTask.objects.count() == 0


def test_a_task_the_broker_refuses_waits_and_is_sent_when_it_returns(album, owner, django_capture_on_commit_callbacks):
    with broker(NOWHERE), django_capture_on_commit_callbacks(execute=True):
        album_update(album=album, by=owner, title="Southern Lights")
    waiting = list(OutboxTask.objects.all())
    count = len(waiting)

    assert {(t.task, t.attempts, t.due_at > timezone.now()) for t in waiting} == {(SYNC, 1, True)}
    assert all("OperationalError" in t.last_error for t in waiting)

    with broker(NOWHERE):
        assert outbox_relay() == 0  # not due yet: it was just refused
        OutboxTask.objects.update(due_at=timezone.now())
        assert outbox_relay() == 0  # due, and refused again: the relay stops at the first refusal
    first = OutboxTask.objects.order_by("id").first()
    assert first.attempts == 2
    assert first.due_at - timezone.now() > timedelta(seconds=6)  # the second wait is longer than the first

    with broker("memory://"):
        OutboxTask.objects.update(due_at=timezone.now())
        relayed = outbox_relay()
        queued = _queued()

    assert relayed == count
    assert queued == [SYNC] * count
    assert OutboxTask.objects.count() == 0


def test_the_relay_leaves_a_task_just_written_to_the_send_after_its_commit(
    album, owner, django_capture_on_commit_callbacks
):
    with broker("memory://"):
        with django_capture_on_commit_callbacks() as after_commit:
            album_update(album=album, by=owner, title="Southern Lights")
        relayed = outbox_relay()  # committed, its own send not yet made: not the relay's
        for callback in after_commit:
            callback()
        queued = _queued()

    assert relayed == 0
    assert set(queued) == {SYNC}
    assert OutboxTask.objects.count() == 0


def test_the_command_sends_everything_waiting_or_says_the_broker_is_down(album, owner, capsys):
    with broker(NOWHERE), transaction.atomic():
        album_update(album=album, by=owner, title="Southern Lights")
        album_update(album=album, by=owner, title="Western Lights")
    count = OutboxTask.objects.count()
    assert count >= 2

    with broker(NOWHERE), pytest.raises(Exception, match="not sent and stay in the outbox"):
        call_command("outbox_relay")
    with broker("memory://"):
        call_command("outbox_relay")
        queued = _queued()

    assert queued == [SYNC] * count
    assert OutboxTask.objects.count() == 0
    assert f"Sent {count} task(s); 0 still waiting." in capsys.readouterr().out


def test_a_task_this_release_does_not_know_waits_without_holding_up_the_others(album, owner):
    with broker(NOWHERE), transaction.atomic():
        album_update(album=album, by=owner, title="Southern Lights")
    OutboxTask.objects.create(task="catalog.tasks.gone_in_this_release", due_at=timezone.now())
    OutboxTask.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    OutboxTask.objects.filter(task="catalog.tasks.gone_in_this_release").update(id=0)  # first in line

    with broker("memory://"):
        relayed = outbox_relay()
        queued = _queued()

    unknown = OutboxTask.objects.get()
    assert relayed == len(queued) > 0
    assert set(queued) == {SYNC}
    assert (unknown.task, unknown.attempts) == ("catalog.tasks.gone_in_this_release", 1)
    assert "no task named" in unknown.last_error
