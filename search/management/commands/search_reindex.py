from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search.rebuild import search_rebuild


class Command(BaseCommand):
    help = (
        "Rewrite every search entry from the database and, with OpenSearch, build a new index and swap the alias to it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if options["verbosity"] == 0:
                return
            if stage not in bars:
                for finished in bars.values():
                    finished.close()  # one bar at a time, each with its own elapsed time
                bars[stage] = tqdm(total=total, desc=stage, unit="doc", file=self.stderr._out)
            bars[stage].update(done - bars[stage].n)

        report = search_rebuild(progress=progress)
        for bar in bars.values():
            bar.close()
        rate = report.indexed / report.seconds["bulk"] if report.seconds.get("bulk") else 0
        summary = (
            f"{report.entries} documents read, {report.changed} entries written, {report.hidden} hidden"
            f" in {report.seconds['entries']:.1f} s"
        )
        if report.index:
            summary += (
                f"; {report.indexed} documents indexed into {report.index} in {report.seconds['bulk']:.1f} s"
                f" ({rate:,.0f} docs/s), {report.replayed} replayed after the swap"
            )
        self.stdout.write(self.style.SUCCESS(summary))
