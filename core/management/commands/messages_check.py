from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.translations import catalogue_format_errors, messages_check


class Command(BaseCommand):
    help = (
        "Fail, listing each, on any string marked for translation that a checked-in catalogue lacks, "
        "leaves untranslated or marks fuzzy, in both domains (needs GNU gettext). Changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = messages_check(settings.BASE_DIR)
        errors = catalogue_format_errors(settings.BASE_DIR)
        for problem in problems:
            self.stderr.write(str(problem))
        for error in errors:
            self.stderr.write(error)
        if problems or errors:
            raise CommandError(
                f"{len(problems)} string(s) not translated and {len(errors)} catalogue(s) that do not compile: "
                "run `make messages`, translate, and see docs/i18n.md."
            )
        self.stdout.write("Every marked string is translated.")
