from typing import Any

from django.core.management.base import BaseCommand, OutputWrapper
from django.core.management.color import Style

from catalog.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo
from core.demo import demo_seeders


class Command(BaseCommand):
    help = "Load the demo catalog (real, generated audio) and demo accounts. Safe to run twice."

    def handle(self, *args: Any, **options: Any) -> None:
        added = seed_demo(report=lambda line: self.stdout.write(line))
        for seeder in demo_seeders():  # the demo data of the apps above the catalog (docs/architecture.md)
            seeder(lambda line: self.stdout.write(line))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalog ready: added {added['artists']} artists, {added['albums']} albums, "
                f"{added['tracks']} tracks, {added['pictures']} artist pictures."
            )
        )
        demo_logins_write(self.stdout, self.style)


def demo_logins_write(stdout: OutputWrapper, style: Style) -> None:
    """The demo accounts and their password, for the terminal (``runserver_demo`` prints them again)."""
    stdout.write(style.SUCCESS(f"Demo logins (password for each: {DEMO_PASSWORD}):"))
    for username, _email, display_name, plan, staff in DEMO_USERS:
        role = "staff, Django admin at /admin/" if staff else f"{plan} plan"
        stdout.write(f"  {username:<10} {display_name} ({role})")
