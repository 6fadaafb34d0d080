"""The Celery app. Configuration lives in settings under the CELERY_ prefix."""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")

app = Celery("spotifyclone")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
logger = logging.getLogger(__name__)


@worker_ready.connect
def _outbox_relay_on_start(**kwargs: object) -> None:
    """A worker that starts sends what waited in the outbox while no broker or worker was there."""
    from core.outbox import outbox_relay

    try:
        outbox_relay()
    except Exception:  # the beat task tries again shortly; a worker must start regardless
        logger.exception("Could not relay the outbox as the worker started")
