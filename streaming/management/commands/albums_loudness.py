"""Queue the measurement of every published album whose loudness as one programme is missing or out of date."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from streaming.services.loudness import albums_loudness_backfill


class Command(BaseCommand):
    help = (
        "Measure the loudness of published albums as one programme (album mode of the player's normalisation): "
        "each album not measured as it is now gets a task on the transcode queue. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("album_ids", nargs="*", type=int, help="Only these albums (ids); all published by default.")

    def handle(self, *args: Any, album_ids: list[int], **options: Any) -> None:
        queued = albums_loudness_backfill(album_ids=album_ids or None)
        self.stdout.write(f"Queued the loudness measurement of {queued} album(s).")
