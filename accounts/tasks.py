from celery import shared_task
from oauth2_provider.models import clear_expired


@shared_task
def oauth_tokens_clear() -> None:
    """Drop expired OAuth2 tokens and grants (periodic)."""
    clear_expired()
