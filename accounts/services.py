"""Writes on accounts: sign-up, profile and preferences, API tokens."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken
from oauthlib.common import generate_token

from accounts.models import Profile, User
from catalog.artwork import ArtworkError, image_normalise

USER_FIELDS = frozenset({"display_name", "email"})
PROFILE_FIELDS = frozenset({"country", "streaming_quality", "explicit_content", "private_session", "language"})
AVATAR_SIZE = 256


def _check_identity_free(user: User) -> None:
    """Usernames and emails are unique whatever their letter case; say which one clashes."""
    others = User.objects.exclude(pk=user.pk)
    errors = {}
    if others.filter(username__iexact=user.username).exists():
        errors["username"] = "This username is taken."
    if others.filter(email__iexact=user.email).exists():
        errors["email"] = "An account with this email address already exists."
    if errors:
        raise ValidationError(errors)


def user_create(*, username: str, email: str, password: str, display_name: str = "") -> User:
    """Create a listener account (its profile comes with it), or raise ValidationError."""
    user = User(username=username.strip(), email=User.objects.normalize_email(email).strip(), display_name=display_name)
    user.set_unusable_password()
    _check_identity_free(user)
    user.full_clean()
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # lost a race with an identical sign-up
        raise ValidationError("This username or email address was just taken.") from exc
    return user


@transaction.atomic
def account_update(*, user: User, avatar: UploadedFile | None = None, **changes: Any) -> User:
    """Change what a person may change of their own account and preferences."""
    unknown = set(changes) - USER_FIELDS - PROFILE_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    profile: Profile = user.profile
    user_fields = [name for name in changes if name in USER_FIELDS]
    profile_fields = [name for name in changes if name in PROFILE_FIELDS]
    for name in user_fields:
        setattr(user, name, changes[name])
    if "email" in changes:
        user.email = User.objects.normalize_email(user.email)
    for name in profile_fields:
        setattr(profile, name, changes[name])
    _check_identity_free(user)
    user.full_clean(exclude=["password", "avatar"])
    profile.full_clean()
    if avatar is not None:
        try:
            [(_, data)] = image_normalise(avatar, sizes=(AVATAR_SIZE,)).items()
        except ArtworkError as exc:
            raise ValidationError({"avatar": str(exc)}) from exc
        old = user.avatar.name
        user.avatar.save(f"{AVATAR_SIZE}.jpg", ContentFile(data), save=False)
        user_fields.append("avatar")
        if old:
            storage, new = user.avatar.storage, user.avatar.name
            transaction.on_commit(lambda: storage.delete(old) if old != new else None)
    if user_fields:
        user.save(update_fields=user_fields)
    if profile_fields:
        profile.save(update_fields=profile_fields)
    return user


def profile_plan_set(*, profile: Profile, plan: str) -> Profile:
    profile.plan = Profile.Plan(plan)
    profile.save(update_fields=["plan"])
    return profile


def _first_party_application() -> Application:
    application, _ = Application.objects.get_or_create(
        client_id=settings.FIRST_PARTY_CLIENT_ID,
        defaults={
            "name": "spotifyclone",
            "client_type": Application.CLIENT_PUBLIC,
            "authorization_grant_type": Application.GRANT_PASSWORD,
            "skip_authorization": True,
        },
    )
    return application


@transaction.atomic
def access_token_issue(*, user: User) -> AccessToken:
    """A Bearer token (with its refresh token) for the website's own client."""
    expires_in = settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"]
    application = _first_party_application()
    token = AccessToken.objects.create(
        user=user,
        application=application,
        token=generate_token(),
        expires=timezone.now() + timedelta(seconds=expires_in),
        scope=" ".join(settings.OAUTH2_PROVIDER["DEFAULT_SCOPES"]),
    )
    RefreshToken.objects.create(user=user, application=application, token=generate_token(), access_token=token)
    return token
