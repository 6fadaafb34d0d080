"""Glue: a campaign changed, so the hot cache's schedule of running campaigns is forgotten."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ads.models import Campaign
from ads.selectors import RUNNING_KEY
from core.hotcache import hot_forget


@receiver([post_save, post_delete], sender=Campaign)
def campaign_changed(**kwargs: Any) -> None:
    # Now, for this transaction's own reads, and after commit, for what another process read meanwhile.
    hot_forget(RUNNING_KEY)
    transaction.on_commit(lambda: hot_forget(RUNNING_KEY))
