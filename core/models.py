from django.db import models


class OutboxTask(models.Model):
    """A task that must run, written in the same transaction as the change that needs it.

    It is handed to Celery after commit and deleted once the broker has it.
    While the broker is down it waits here, and the relay sends it when the
    broker is back (``core/outbox.py``).
    """

    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(db_index=True, help_text="When the relay should next try to send it.")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
