"""Reads on accounts."""

from django.db.models import Q

from accounts.models import User


def user_find(*, identifier: str) -> User | None:
    """The person with this username or email address, in any letter case."""
    identifier = identifier.strip()
    if not identifier:
        return None
    return User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier)).first()
