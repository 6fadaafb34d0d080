from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from core.translations import messages_extract, translated_languages


class Command(BaseCommand):
    help = (
        "Add every string marked for translation to locale/<language>/LC_MESSAGES/django.po and djangojs.po "
        "(Django's makemessages: needs GNU gettext), dropping those no longer used. Then translate the new ones."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        messages_extract(settings.BASE_DIR, translated_languages(), obsolete=False)
        self.stdout.write(f"Updated the catalogues of {', '.join(translated_languages())}; now run messages_check.")
