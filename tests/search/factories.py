import factory
from django.utils import timezone

from search.models import RecentSearch, SearchEntry
from search.text import fold
from tests.accounts.factories import UserFactory


class SearchEntryFactory(factory.django.DjangoModelFactory):
    """An entry as indexing writes it: give ``kind`` and ``object_id`` of a real row, and its ``name``."""

    class Meta:
        model = SearchEntry

    kind = SearchEntry.Kind.TRACK
    object_id = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Entry {n}")
    folded = factory.LazyAttribute(lambda entry: fold(entry.name))
    popularity = 0


class RecentSearchFactory(factory.django.DjangoModelFactory):
    """A result ``user`` opened from search; give ``kind`` and ``object_id`` of a real row."""

    class Meta:
        model = RecentSearch

    user = factory.SubFactory(UserFactory)
    kind = SearchEntry.Kind.TRACK
    object_id = factory.Sequence(lambda n: n + 1)
    searched_at = factory.LazyFunction(timezone.now)
