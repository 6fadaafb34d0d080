from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.translations import catalogues_compile


class Command(BaseCommand):
    help = "Compile the translation catalogues of locale/ (.po to .mo) that changed, without GNU gettext."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Compile every catalogue, changed or not.")

    def handle(self, *args: Any, **options: Any) -> None:
        written = catalogues_compile(force=options["force"])
        self.stdout.write(f"Compiled {len(written)} catalogue(s).")
