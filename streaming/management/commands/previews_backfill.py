"""Make the preview of every playable track that has none (idempotent: a second run finds nothing to do)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from streaming.services.renditions import previews_backfill, previews_make_missing


class Command(BaseCommand):
    help = (
        "Make the 30-second preview visitors hear of every playable track without one, here and now; "
        "--queue hands them to the transcode workers instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="store_true", help="Queue the previews for the workers.")
        parser.add_argument("--limit", type=int, default=None, help="At most this many tracks.")

    def handle(self, *args: Any, queue: bool, limit: int | None, **options: Any) -> None:
        if queue:
            count = previews_backfill(limit=limit)
            self.stdout.write(f"Queued the previews of {count} track(s).")
            return
        made = previews_make_missing(limit=limit)
        self.stdout.write(f"Made the previews of {made} track(s).")
