"""The demo's insights: the demo plays rolled up, so the studio has figures on a fresh install."""

from collections.abc import Callable

from insights.services import insights_rollup


def seed_demo_insights(report: Callable[[str], None] = print) -> None:
    """Roll up the days since the last roll-up (all the plays on a fresh install); safe to run twice."""
    figures = insights_rollup()
    report(f"Insights rolled up from {figures.first_day} to {figures.last_day}: {figures.artist_rows} artist days.")
