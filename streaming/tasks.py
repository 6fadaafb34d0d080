"""Streaming tasks: thin, idempotent, each calling one service."""

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

RETRYABLE = (OSError, BotoCoreError, ClientError)


@shared_task(acks_late=True, autoretry_for=RETRYABLE, retry_backoff=10, retry_backoff_max=600, max_retries=5)
def track_transcode(track_id: int, force: bool = False) -> None:
    """Check a new upload's audio and tags, then transcode its original into its renditions (the transcode queue)."""
    from streaming.services.renditions import track_transcode as transcode
    from streaming.services.renditions import track_transcode_overran

    try:
        transcode(track_id=track_id, force=force)
    except SoftTimeLimitExceeded:
        track_transcode_overran(track_id=track_id)  # a retry would take as long: say so on the track


@shared_task(acks_late=True, autoretry_for=RETRYABLE, retry_backoff=10, retry_backoff_max=600, max_retries=5)
def track_preview_make(track_id: int) -> None:
    """Make the preview of a playable track that has none (the transcode queue; idempotent)."""
    from streaming.services.renditions import track_preview_make as make

    make(track_id=track_id)


@shared_task
def previews_backfill() -> int:
    """Queue the preview of every playable track without one (idempotent)."""
    from streaming.services.renditions import previews_backfill as backfill

    return backfill()


@shared_task
def tracks_processing_resume() -> int:
    """Queue again the transcodes of tracks left processing: never queued, or out of retries (periodic)."""
    from streaming.services.renditions import tracks_processing_resume as resume

    return resume()


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def renditions_delete(track_id: int, version: str) -> None:
    from streaming.services.renditions import renditions_delete as delete

    delete(track_id=track_id, version=version)


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def renditions_sweep() -> int:
    """Delete the version folders that transcodes killed mid-upload left behind (periodic)."""
    from streaming.services.renditions import renditions_sweep as sweep

    return sweep()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def play_report(
    play_id: str,
    user_id: int,
    track_id: int,
    ms_played: int,
    ended: bool,
    started_at_ms: int | None = None,
    source: str = "other",
    country: str = "",
) -> None:
    """Record what the player reported about a play, off the request path."""
    from streaming.services.plays import play_record

    play_record(
        play_id=play_id,
        user_id=user_id,
        track_id=track_id,
        ms_played=ms_played,
        ended=ended,
        started_at_ms=started_at_ms,
        source=source,
        country=country,
    )


@shared_task(ignore_result=True)
def plays_flush() -> int:
    """Write the play reports waiting in the play log to the database, in bulk (periodic, every few seconds)."""
    from streaming.services.plays import plays_flush as flush

    return flush()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def play_partitions_ahead() -> list[str]:
    """Make the play table's partitions for this month and the next few, where the database partitions it (periodic)."""
    from streaming.services.partitions import play_partitions_ahead as ahead

    return ahead()


@shared_task(acks_late=True, autoretry_for=RETRYABLE, retry_backoff=10, retry_backoff_max=600, max_retries=5)
def album_loudness_measure(album_id: int) -> None:
    """Measure a published album's loudness as one programme, unless measured as it is (the transcode queue)."""
    from streaming.services.loudness import album_loudness_measure as measure

    measure(album_id=album_id)


@shared_task
def devices_sweep() -> dict[str, int]:
    """Let go of playback left on devices that have gone, and delete devices gone for a month (periodic)."""
    from streaming.services.player import devices_sweep as sweep

    return sweep()
