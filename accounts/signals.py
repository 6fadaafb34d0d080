"""Every user has a profile, however the user was made (sign-up, API, admin, createsuperuser).

And a cached bearer token (``accounts/bearer.py``) is forgotten when it, its user or the profile change.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from oauth2_provider.models import AccessToken

from accounts.bearer import access_tokens_forget, access_tokens_forget_user
from accounts.models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="accounts_profile_for_new_user")
def _profile_for_new_user(sender: type[User], instance: User, created: bool, raw: bool, **kwargs: Any) -> None:
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(post_save, sender=AccessToken, dispatch_uid="accounts_bearer_token_saved")
@receiver(post_delete, sender=AccessToken, dispatch_uid="accounts_bearer_token_deleted")
def _bearer_token_changed(sender: type[AccessToken], instance: AccessToken, **kwargs: Any) -> None:
    access_tokens_forget([instance.token_checksum])


@receiver(post_save, sender=User, dispatch_uid="accounts_bearer_user_saved")
@receiver(post_save, sender=Profile, dispatch_uid="accounts_bearer_profile_saved")
def _bearer_holder_changed(
    sender: type[User | Profile], instance: User | Profile, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return  # nothing cached yet, or only the time of the last sign-in, which no token check reads
    access_tokens_forget_user(instance.pk if isinstance(instance, User) else instance.user_id)
