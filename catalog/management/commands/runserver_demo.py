"""``runserver``, then the demo logins once the server listens (what ``make run`` starts).

Loading the demo catalog prints the logins, but the server's start-up
scrolls them away; this prints them again under the server's banner, each
time the server (re)starts.
"""

from typing import Any

from django.core.management import get_commands, load_command_class

from catalog.management.commands.seed_demo import demo_logins_write

# Whichever runserver the installed apps give (WhiteNoise's, which leaves static files to it).
RunserverCommand: Any = type(load_command_class(get_commands()["runserver"], "runserver"))


class Command(RunserverCommand):
    help = "Start the development server, and print the demo logins once it listens."

    def on_bind(self, server_port: int) -> None:
        super().on_bind(server_port)
        self.stdout.write("")
        demo_logins_write(self.stdout, self.style)
        self.stdout.write(f"Open {self.protocol}://{self.addr}:{server_port}/ and sign in with one of them.")
