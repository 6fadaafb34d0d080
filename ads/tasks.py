"""Ads tasks: thin, idempotent, each calling one service."""

from celery import shared_task

from streaming.tasks import RETRYABLE


@shared_task(acks_late=True)
def ad_impressions_record(break_id: str, event: str, campaign_id: int | None = None) -> int:
    """Record a break's impressions started, completed, or an ad's click (idempotent)."""
    from ads.services import ad_impressions_record as record

    return record(break_id=break_id, event=event, campaign_id=campaign_id)


@shared_task(acks_late=True, autoretry_for=RETRYABLE, retry_backoff=10, max_retries=5)
def campaign_audio_process(campaign_id: int) -> None:
    """Make the levelled renditions of a campaign's audio (idempotent)."""
    from ads.services import campaign_audio_process as process

    process(campaign_id=campaign_id)


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def clip_folder_delete(folder: str) -> None:
    """Delete the files of an ad's renditions folder no longer served (idempotent)."""
    from streaming.services.clips import clip_renditions_delete

    clip_renditions_delete(folder=folder)
