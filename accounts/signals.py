"""Every user has a profile, however the user was made (sign-up, API, admin, createsuperuser)."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="accounts_profile_for_new_user")
def _profile_for_new_user(sender: type[User], instance: User, created: bool, raw: bool, **kwargs: Any) -> None:
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
