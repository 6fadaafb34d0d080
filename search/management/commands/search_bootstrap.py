from typing import Any

from django.core.management.base import BaseCommand
from opensearchpy.exceptions import OpenSearchException

from search.bootstrap import search_bootstrap


class Command(BaseCommand):
    help = (
        "Make what search needs exist, after migrate: write the entries if they miss searchable rows and, with"
        " OpenSearch, build the index behind the alias if it is missing or empty, or rebuild it with no downtime"
        " if it was made from another mapping. Changes nothing else that is there."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = search_bootstrap()
        except (OpenSearchException, ConnectionError, OSError) as exc:
            # Search is optional: the site starts, searches answer from the entries, and the
            # catch-up (search_index_catch_up, every minute) builds the index once the cluster answers.
            self.stderr.write(
                self.style.WARNING(f"OpenSearch did not answer ({exc}); search answers from the database until it does")
            )
            return
        done = []
        if report.entries_written:
            done.append(f"{report.entries_written} search entries written")
        if report.index_built:
            done.append(f"index built with {report.index_documents} documents")
        if done:
            self.stdout.write(self.style.SUCCESS("; ".join(done)))
        else:
            self.stdout.write("search is in place: nothing to do")
