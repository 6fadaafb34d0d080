"""Writes of the Subsonic API's own rows: credentials and ratings."""

from django.db import transaction

from accounts.models import User
from subsonic import secrets
from subsonic.models import Rating, SubsonicCredential
from subsonic.selectors import SubsonicSecrets


@transaction.atomic
def subsonic_credentials_reset(*, user: User) -> SubsonicSecrets:
    """Give ``user`` a Subsonic password and API key, or new ones: the old ones stop working at once.

    Only ever on the listener's request (a button, a POST): showing the page or
    the API's GET reads, and a listener who never connects an app has none.
    """
    password, api_key = secrets.password_new(), secrets.api_key_new()
    SubsonicCredential.objects.update_or_create(
        user=user,
        defaults={
            "password_encrypted": secrets.secret_encrypt(password),
            "api_key_hash": secrets.api_key_hash(api_key),
            "api_key_encrypted": secrets.secret_encrypt(api_key),
        },
    )
    return SubsonicSecrets(username=user.username, password=password, api_key=api_key)


def rating_set(*, user: User, item: str, rating: int) -> None:
    """Rate an item 1 to 5; 0 takes the rating away. Idempotent."""
    if rating == 0:
        Rating.objects.filter(user=user, item=item).delete()
    else:
        Rating.objects.update_or_create(user=user, item=item, defaults={"rating": rating})
