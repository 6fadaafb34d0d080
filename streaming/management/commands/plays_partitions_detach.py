"""Take the play table's monthly partitions older than a month off it, and drop them if asked (PostgreSQL)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from streaming.services.partitions import play_partitions_detach, play_table_partitioned


class Command(BaseCommand):
    help = (
        "Detach the play table's partitions of the months before --before (YYYY-MM): each becomes a table "
        "of its own (streaming_play_pYYYY_MM), to dump or archive; --drop deletes them instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", required=True, help="The first month kept, as YYYY-MM.")
        parser.add_argument("--drop", action="store_true", help="Drop the detached partitions: their plays are gone.")

    def handle(self, *args: Any, before: str, drop: bool, **options: Any) -> None:
        try:
            year, month = (int(part) for part in before.split("-"))
            first_kept = date(year, month, 1)
        except ValueError:
            raise CommandError("--before takes a month as YYYY-MM, such as 2025-01.") from None
        if not play_table_partitioned():
            raise CommandError("The play table is not partitioned here (PostgreSQL only).")
        names = play_partitions_detach(before=first_kept, drop=drop)
        done = "dropped" if drop else "detached"
        for name in names:
            self.stdout.write(f"{done} {name}")
        self.stdout.write(f"{len(names)} partition(s) {done}.")
