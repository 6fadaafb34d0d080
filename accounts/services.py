"""Writes on accounts: sign-up, profile and preferences, API tokens."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken, set_token_value
from oauth2_provider.scopes import get_scopes_backend
from oauthlib.common import generate_token

from accounts import email_change
from accounts.models import Profile, User
from core.images import ImageError, image_normalise

USER_FIELDS = frozenset({"display_name", "email"})
PROFILE_FIELDS = frozenset(
    {"country", "streaming_quality", "explicit_content", "private_session", "autoplay", "crossfade_seconds", "language"}
)
AVATAR_SIZE = 256


def _check_identity_free(user: User) -> None:
    """Usernames and emails are unique whatever their letter case; say which one clashes."""
    others = User.objects.exclude(pk=user.pk)
    errors = {}
    if others.filter(username__iexact=user.username).exists():
        errors["username"] = gettext("This username is taken.")
    if others.filter(email__iexact=user.email).exists():
        errors["email"] = gettext("An account with this email address already exists.")
    if errors:
        raise ValidationError(errors)


def user_create(*, username: str, email: str, password: str, display_name: str = "", language: str = "") -> User:
    """Create a listener account (its profile comes with it), or raise ValidationError.

    ``language``, the one the person signed up in, becomes the profile's when the site is shipped in it.
    """
    user = User(username=username.strip(), email=User.objects.normalize_email(email).strip(), display_name=display_name)
    user.set_unusable_password()
    _check_identity_free(user)
    user.full_clean()
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            if language in {code for code, _ in settings.LANGUAGES}:
                Profile.objects.filter(user=user).update(language=language)
    except IntegrityError as exc:  # lost a race with an identical sign-up
        raise ValidationError(gettext("This username or email address was just taken.")) from exc
    return user


def current_password_check(*, request: HttpRequest, user: User, password: str | None) -> None:
    """Raise ValidationError on ``current_password`` unless ``password`` is the user's own.

    It is checked as a sign-in is, so it counts towards the lockout: a stolen
    session or token cannot guess the password through a settings change.
    """
    if not password:
        raise ValidationError({"current_password": gettext("Enter your current password to change this.")})
    signed_in = authenticate(request, username=user.get_username(), password=password)
    if signed_in is None or signed_in.pk != user.pk:
        raise ValidationError({"current_password": gettext("The current password is not right.")})


def account_update(
    *,
    user: User,
    avatar: UploadedFile | None = None,
    request: HttpRequest | None = None,
    current_password: str | None = None,
    **changes: Any,
) -> User:
    """Change what a person may change of their own account and preferences.

    A new email address needs the current password and ``request`` (for the
    lockout, and the link's host); it takes effect only once confirmed from
    that address (``email_change_confirm``), so the account keeps its address
    until then.
    """
    unknown = set(changes) - USER_FIELDS - PROFILE_FIELDS
    if unknown:
        raise ValidationError(
            gettext("These fields cannot be changed: %(value)s.") % {"value": ", ".join(sorted(unknown))}
        )
    # A ModelForm may already have put the new address on the instance: compare with what is stored.
    user.email = User.objects.values_list("email", flat=True).get(pk=user.pk)
    new_email = User.objects.normalize_email(changes.pop("email", user.email)).strip()
    base_url = ""
    if new_email != user.email:
        if request is None:
            raise ValueError("Changing the email address needs the request.")
        # Outside the transaction below, so that a wrong password stays counted when it rolls back.
        current_password_check(request=request, user=user, password=current_password)
        try:
            validate_email(new_email)
        except ValidationError as exc:
            raise ValidationError({"email": exc.messages}) from exc
        if User.objects.exclude(pk=user.pk).filter(email__iexact=new_email).exists():
            raise ValidationError({"email": gettext("An account with this email address already exists.")})
        base_url = request.build_absolute_uri("/")
    with transaction.atomic():
        _account_apply(user=user, avatar=avatar, changes=changes)
        if base_url:
            transaction.on_commit(lambda: email_change.pending_remember(user=user, new_email=new_email))
            transaction.on_commit(
                lambda: email_change.mails_for_request(user=user, new_email=new_email, base_url=base_url)
            )
    return user


def _account_apply(*, user: User, avatar: UploadedFile | None, changes: dict[str, Any]) -> None:
    profile: Profile = user.profile
    user_fields = [name for name in changes if name in USER_FIELDS]
    profile_fields = [name for name in changes if name in PROFILE_FIELDS]
    for name in user_fields:
        setattr(user, name, changes[name])
    for name in profile_fields:
        setattr(profile, name, changes[name])
    _check_identity_free(user)
    user.full_clean(exclude=["password", "avatar"])
    profile.full_clean()
    if avatar is not None:
        try:
            [(_, data)] = image_normalise(avatar, sizes=(AVATAR_SIZE,)).items()
        except ImageError as exc:
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


@transaction.atomic
def email_change_confirm(*, token: str, base_url: str) -> User:
    """Apply the change of email address a confirmation link carries, or raise ValidationError saying why not."""
    try:
        change = email_change.token_read(token)
    except email_change.EmailChangeLinkError as exc:
        raise ValidationError(str(exc), code="invalid_link") from exc
    user = User.objects.select_for_update().filter(pk=change.user_id).first()
    if user is None or not email_change.token_still_applies(change, user):
        raise ValidationError(
            gettext(
                "This link no longer applies: the account's email address or password has changed since it was sent."
            ),
            code="stale_link",
        )
    if User.objects.exclude(pk=user.pk).filter(email__iexact=change.new_email).exists():
        raise ValidationError(gettext("An account with this email address already exists."), code="email_taken")
    user.email = change.new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError as exc:  # another account took the address meanwhile
        raise ValidationError(
            gettext("An account with this email address already exists."), code="email_taken"
        ) from exc
    transaction.on_commit(lambda: email_change.pending_forget(user_id=user.pk))
    transaction.on_commit(
        lambda: email_change.mail_for_change(user=user, old_email=change.old_email, base_url=base_url)
    )
    return user


def password_change(
    *,
    request: HttpRequest,
    user: User,
    current_password: str | None,
    new_password: str,
    keep_token: AccessToken | None = None,
) -> User:
    """Set a new password once the current one is given, and sign out everywhere else.

    Every other session stops working (Django checks each session against the
    password), and so does every token the account's applications hold, but
    ``keep_token``: whoever took over the account is shut out by the change.
    """
    current_password_check(request=request, user=user, password=current_password)
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        user_tokens_revoke(user=user, keep_token=keep_token)
    return user


def user_tokens_revoke(*, user: User, keep_token: AccessToken | None = None) -> None:
    """Revoke every token and authorization code the account's applications hold, but ``keep_token``."""
    refresh = RefreshToken.objects.filter(user=user)
    access = AccessToken.objects.filter(user=user)
    if keep_token is not None:
        refresh = refresh.exclude(access_token=keep_token)
        access = access.exclude(pk=keep_token.pk)
    refresh.delete()
    access.delete()
    Grant.objects.filter(user=user).delete()


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


@dataclass(frozen=True)
class IssuedToken:
    """A token pair as its holder sees it once: the database keeps only their hashes."""

    access_token: str
    refresh_token: str
    scope: str
    expires_in: int


@transaction.atomic
def access_token_issue(*, user: User) -> IssuedToken:
    """A Bearer token (with its refresh token) for the website's own client: every scope the listener has."""
    expires_in = settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"]
    application = _first_party_application()
    scope = " ".join(get_scopes_backend().get_all_scopes())
    access = AccessToken(
        user=user, application=application, expires=timezone.now() + timedelta(seconds=expires_in), scope=scope
    )
    raw_access = generate_token()
    set_token_value(access, raw_access)
    access.save()
    refresh = RefreshToken(user=user, application=application, access_token=access, token_family=uuid.uuid4())
    raw_refresh = generate_token()
    set_token_value(refresh, raw_refresh)
    refresh.save()
    return IssuedToken(access_token=raw_access, refresh_token=raw_refresh, scope=scope, expires_in=expires_in)


@transaction.atomic
def oauth_application_revoke(*, user: User, application_id: int) -> str | None:
    """Take back everything ``user`` let a third-party application do; its name, or None if it had nothing."""
    application = (
        Application.objects.exclude(client_id=settings.FIRST_PARTY_CLIENT_ID).filter(pk=application_id).first()
    )
    if application is None:
        return None
    RefreshToken.objects.filter(user=user, application=application).delete()
    AccessToken.objects.filter(user=user, application=application).delete()
    Grant.objects.filter(user=user, application=application).delete()
    return str(application.name)
