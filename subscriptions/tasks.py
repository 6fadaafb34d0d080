"""Subscription tasks: thin and idempotent."""

from celery import shared_task


@shared_task
def subscriptions_expire() -> int:
    """End the periods whose end has come and put their listeners back on free (periodic, every minute)."""
    from subscriptions.services import subscriptions_expire as expire

    return expire()
