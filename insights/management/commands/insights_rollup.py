from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from insights.services import LISTENER_WINDOWS, insights_days_rollup, insights_listeners_rollup, insights_rollup


class Command(BaseCommand):
    help = (
        "Roll the plays up into the insights' day tables: the days since the last run (what the periodic task "
        "does), or the UTC days from --from to --to (after an outage of the workers, or to fill the tables); "
        "--listeners counts the listeners of 7, 28 and 365 days now, the year's included."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", type=date.fromisoformat, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", type=date.fromisoformat, help="last day, YYYY-MM-DD")
        parser.add_argument(
            "--listeners", action="store_true", help="also count the listeners of every window now (365 days too)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["first"], options["last"]
        if (first is None) != (last is None):
            raise CommandError("Give both --from and --to, or neither.")
        if first is not None and last is not None and first > last:
            raise CommandError("--from comes after --to.")
        figures = (
            insights_days_rollup(first_day=first, last_day=last)
            if first is not None and last is not None
            else insights_rollup()
        )
        self.stdout.write(
            f"Rolled up {figures.first_day} to {figures.last_day}: "
            f"{figures.track_rows} track days, {figures.artist_rows} artist days."
        )
        if options["listeners"]:
            counted = insights_listeners_rollup(windows=LISTENER_WINDOWS, now=timezone.now())
            self.stdout.write(
                f"Counted the listeners of {', '.join(f'{days} days' for days in counted.windows)}: "
                f"{counted.track_rows} track rows, {counted.artist_rows} artist rows."
            )
