"""Insights tasks: thin and idempotent."""

from celery import shared_task


@shared_task(acks_late=True)
def insights_rollup() -> dict[str, object]:
    """Recompute the day tables for the days touched since the last run, and today, and the listeners due."""
    from insights.services import insights_rollup as rollup

    figures = rollup()
    return {
        "first_day": figures.first_day.isoformat(),
        "last_day": figures.last_day.isoformat(),
        "track_rows": figures.track_rows,
        "artist_rows": figures.artist_rows,
        "listener_windows": list(figures.listener_windows),
    }
