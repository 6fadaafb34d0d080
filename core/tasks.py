from celery import shared_task

from core.outbox import outbox_relay as relay


@shared_task
def outbox_relay() -> int:
    """Send the outbox's due tasks (idempotent: a task sent is deleted, a resend is harmless)."""
    return relay()
