"""Writes of the Subsonic API's own rows: credentials and ratings."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from subsonic import secrets
from subsonic.models import Rating, SubsonicCredential


@dataclass(frozen=True)
class SubsonicSecrets:
    username: str
    password: str
    api_key: str


@transaction.atomic
def subsonic_credentials_reset(*, user: User) -> SubsonicSecrets:
    """Give ``user`` a new Subsonic password and API key; the old ones stop working at once."""
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


@transaction.atomic
def subsonic_credentials_ensure(*, user: User) -> SubsonicSecrets:
    """The listener's Subsonic password and API key, made on first use (or again if this install cannot read them)."""
    credential = SubsonicCredential.objects.select_for_update().filter(user=user).first()
    if credential is not None:
        password = secrets.secret_decrypt(credential.password_encrypted)
        api_key = secrets.secret_decrypt(credential.api_key_encrypted)
        if password is not None and api_key is not None:
            return SubsonicSecrets(username=user.username, password=password, api_key=api_key)
    return subsonic_credentials_reset(user=user)


def rating_set(*, user: User, item: str, rating: int) -> None:
    """Rate an item 1 to 5; 0 takes the rating away. Idempotent."""
    if rating == 0:
        Rating.objects.filter(user=user, item=item).delete()
    else:
        Rating.objects.update_or_create(user=user, item=item, defaults={"rating": rating})
