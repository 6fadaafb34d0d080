"""Recommendations tasks: thin and idempotent."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

ACTIVE_WINDOW = timedelta(days=1)
ACTIVE_REFRESHED = 2000


@shared_task(acks_late=True)
def recommendations_compute() -> dict[str, float]:
    """Recompute the neighbours from the plays, then refresh the lists and mixes of the listeners active today."""
    from accounts.models import User
    from recommendations.selectors import listener_track_ids
    from recommendations.services import neighbours_compute
    from recommendations.shelves import home_lists_make
    from streaming.models import Play

    figures = neighbours_compute()
    since = timezone.now() - ACTIVE_WINDOW
    active = (Play.objects.filter(counted=True, started_at__gte=since).values_list("user_id", flat=True).distinct())[
        :ACTIVE_REFRESHED
    ]
    for user in User.objects.filter(pk__in=list(active)):
        listener_track_ids(user_id=user.pk, refresh=True)
        home_lists_make(user=user)  # their home page has its shelves at once, with nothing left to make
    return {"plays_read": figures.plays_read, "listeners": figures.listeners, "seconds": figures.seconds}
