"""The task outbox: work that must happen is written with the change that needs it.

A service that changes something and needs a task to follow (transcode the
upload, update the search index, record the play) calls ``task_enqueue``
inside its transaction. The task is written to ``OutboxTask`` in that same
transaction, so it exists if and only if the change does, and is handed to
Celery right after commit. When the broker cannot take it, it stays in the
table; ``outbox_relay`` (a beat task, a worker's start and
``manage.py outbox_relay``) sends what is due once the broker is back. A task
may so run twice but is never lost: every task that goes through here is idempotent.

In the embedded default Celery runs tasks eagerly: handing over is running,
and a task's own failure propagates to the caller as it always has.
"""

import logging
from datetime import timedelta
from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core.models import OutboxTask

logger = logging.getLogger(__name__)

# After commit the task is sent at once; the relay only takes what is this late.
RELAY_GRACE = timedelta(seconds=30)
# Between two failed sends: doubling from the first, up to the last.
BACKOFF_FIRST = timedelta(seconds=5)
BACKOFF_MAX = timedelta(minutes=5)
RELAY_BATCH = 500


def task_enqueue(task: Any, *args: Any, **kwargs: Any) -> OutboxTask:
    """Write ``task(*args, **kwargs)`` to the outbox now, and send it to Celery after commit.

    ``task`` is a Celery task; its arguments must be JSON (ids, not objects).
    Call it inside the transaction that makes the change the task follows.
    """
    entry = OutboxTask.objects.create(
        task=task.name, args=list(args), kwargs=kwargs, due_at=timezone.now() + RELAY_GRACE
    )
    transaction.on_commit(lambda: _send(entry))
    return entry


def outbox_relay(*, limit: int = RELAY_BATCH) -> int:
    """Send the tasks that are due; returns how many the broker took.

    Stops at the first send the broker refuses (it is down: the rest would
    fail too) and puts the refused tasks off, each by its own backoff.
    Concurrent relays skip each other's rows where the database can.
    """
    sent = 0
    with transaction.atomic():
        due = OutboxTask.objects.filter(due_at__lte=timezone.now()).order_by("id")
        for entry in due.select_for_update(skip_locked=True)[:limit]:
            if entry.task not in current_app.tasks:
                # Written by a release that had this task: it waits for an operator, not in everyone's way.
                _put_off(entry, LookupError(f"no task named {entry.task!r} in this release"))
                continue
            if not _send(entry):
                break
            sent += 1
    return sent


def _send(entry: OutboxTask) -> bool:
    """Hand one task to Celery, then forget it; on a broker error, put it off. Returns whether it went."""
    task = current_app.tasks[entry.task]
    if current_app.conf.task_always_eager:
        OutboxTask.objects.filter(pk=entry.pk).delete()
        task.apply_async(args=entry.args, kwargs=entry.kwargs)
        return True
    try:
        task.apply_async(args=entry.args, kwargs=entry.kwargs)
    except (BrokerError, ConnectionError, TimeoutError) as exc:
        _put_off(entry, exc)
        return False
    OutboxTask.objects.filter(pk=entry.pk).delete()
    return True


def _put_off(entry: OutboxTask, error: Exception) -> None:
    attempts = entry.attempts + 1
    delay = min(BACKOFF_FIRST * 2 ** (attempts - 1), BACKOFF_MAX)
    OutboxTask.objects.filter(pk=entry.pk).update(
        attempts=attempts, due_at=timezone.now() + delay, last_error=f"{type(error).__name__}: {error}"[:2000]
    )
    logger.warning("The broker refused %s (attempt %d); it waits in the outbox: %s", entry, attempts, error)
