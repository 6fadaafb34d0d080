"""Ads tasks: thin, idempotent, each calling one service."""

from celery import shared_task


@shared_task(acks_late=True)
def ad_impressions_record(break_id: str, event: str, campaign_id: int | None = None) -> int:
    """Record a break's impressions started, completed, or an ad's click (idempotent)."""
    from ads.services import ad_impressions_record as record

    return record(break_id=break_id, event=event, campaign_id=campaign_id)
