import factory
from django.utils import timezone

from search.models import RecentSearch, SearchEntry
from search.text import fold
from search.vocabulary import words_add
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

    @factory.post_generation
    def vocabulary(self: SearchEntry, create: bool, extracted: object, **kwargs: object) -> None:
        """Its words join the vocabulary, as entries_write does."""
        if create:
            words_add([self.folded, self.context])


class RecentSearchFactory(factory.django.DjangoModelFactory):
    """A result ``user`` opened from search; give ``kind`` and ``object_id`` of a real row."""

    class Meta:
        model = RecentSearch

    user = factory.SubFactory(UserFactory)
    kind = SearchEntry.Kind.TRACK
    object_id = factory.Sequence(lambda n: n + 1)
    searched_at = factory.LazyFunction(timezone.now)
