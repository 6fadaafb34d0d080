from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import OutboxTask
from core.outbox import outbox_relay


class Command(BaseCommand):
    help = "Send every task waiting in the outbox to Celery now, due or not (after a broker outage, say)."

    def handle(self, *args: Any, **options: Any) -> None:
        OutboxTask.objects.update(due_at=timezone.now())
        sent = 0
        while batch := outbox_relay():
            sent += batch
        waiting = OutboxTask.objects.count()
        self.stdout.write(f"Sent {sent} task(s); {waiting} still waiting.")
        if waiting:
            raise CommandError("Some tasks were not sent and stay in the outbox: is the broker up? The admin says why.")
