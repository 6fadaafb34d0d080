"""What a listener's searches leave behind: the results they went on to open or play."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from search.models import RecentSearch
from search.selectors import result_load

RECENT_SEARCHES_KEPT = 10


@transaction.atomic
def recent_search_add(*, user: User, kind: str, object_id: int) -> None:
    """Put a result at the top of ``user``'s recent searches (LookupError if they may not see it)."""
    if not result_load(kind, [object_id], user):
        raise LookupError(f"No such {kind}.")
    RecentSearch.objects.update_or_create(
        user=user, kind=kind, object_id=object_id, defaults={"searched_at": timezone.now()}
    )
    kept = (
        RecentSearch.objects.filter(user=user)
        .order_by("-searched_at", "-id")
        .values_list("pk", flat=True)[:RECENT_SEARCHES_KEPT]
    )
    RecentSearch.objects.filter(user=user).exclude(pk__in=list(kept)).delete()


def recent_searches_clear(*, user: User) -> None:
    RecentSearch.objects.filter(user=user).delete()
