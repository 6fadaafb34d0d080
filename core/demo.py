"""Demo data of apps above the catalog: ``seed_demo`` runs their seeders after loading the catalog.

An app that has demo data of its own (the ads' demo campaigns) adds its seeder
in ``AppConfig.ready``; the catalog's command cannot import it, being on a lower
floor. A seeder is safe to run twice and says what it did through ``report``.
"""

from collections.abc import Callable

DemoSeeder = Callable[[Callable[[str], None]], None]

_seeders: list[DemoSeeder] = []


def demo_seeder_add(seeder: DemoSeeder) -> None:
    if seeder not in _seeders:
        _seeders.append(seeder)


def demo_seeders() -> list[DemoSeeder]:
    return list(_seeders)
