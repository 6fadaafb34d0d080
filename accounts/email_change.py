"""The mechanics of changing an account's email address: the signed link, the mails, the pending hint.

Nothing is stored until the new address confirms: the link itself carries the
request (account, new address, current address and a fingerprint of the
password), signed and timestamped, so it expires on its own, stops working
once the address or the password changes, and cannot be altered. The cache
keeps only a hint of the pending address, for the settings page to show.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User

SALT = "accounts.email_change"
MAX_AGE = timedelta(days=2)


class EmailChangeLinkError(Exception):
    """The link cannot be used: the message says why, in words for the person who opened it."""


@dataclass(frozen=True)
class EmailChange:
    user_id: int
    new_email: str
    old_email: str
    password: str  # fingerprint of the password hash when the change was asked for


def password_fingerprint(user: User) -> str:
    """Changes whenever the password does, and tells nothing about it."""
    return salted_hmac(f"{SALT}.password", user.password).hexdigest()[:32]


def token_make(*, user: User, new_email: str) -> str:
    payload = {"user": user.pk, "new": new_email, "old": user.email, "password": password_fingerprint(user)}
    return signing.TimestampSigner(salt=SALT).sign_object(payload)


def token_read(token: str) -> EmailChange:
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise EmailChangeLinkError(
            "This link has expired. Ask for the change again from your account settings."
        ) from exc
    except signing.BadSignature as exc:
        raise EmailChangeLinkError("This link is not valid. Check that it was copied whole.") from exc
    return EmailChange(
        user_id=payload["user"], new_email=payload["new"], old_email=payload["old"], password=payload["password"]
    )


def token_still_applies(change: EmailChange, user: User) -> bool:
    """Whether the account is as it was when the change was asked for: same address, same password."""
    return user.email == change.old_email and constant_time_compare(change.password, password_fingerprint(user))


def _pending_key(user_id: int) -> str:
    return f"accounts:email-change:{user_id}"


def pending_remember(*, user: User, new_email: str) -> None:
    hint = {"new": new_email, "old": user.email, "password": password_fingerprint(user)}
    cache.set(_pending_key(user.pk), hint, timeout=int(MAX_AGE.total_seconds()))


def pending_forget(*, user_id: int) -> None:
    cache.delete(_pending_key(user_id))


def pending_read(*, user: User) -> str | None:
    hint = cache.get(_pending_key(user.pk))
    if not hint:
        return None
    change = EmailChange(user_id=user.pk, new_email=hint["new"], old_email=hint["old"], password=hint["password"])
    return change.new_email if token_still_applies(change, user) else None


def _send(*, template: str, to: str, context: Mapping[str, object]) -> None:
    subject = render_to_string(f"accounts/email/{template}_subject.txt", dict(context)).strip()
    body = render_to_string(f"accounts/email/{template}.txt", dict(context))
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def mails_for_request(*, user: User, new_email: str, base_url: str) -> None:
    """The link to the new address, and a warning to the current one."""
    token = token_make(user=user, new_email=new_email)
    context = {
        "username": user.get_username(),
        "old_email": user.email,
        "new_email": new_email,
        "confirm_url": urljoin(base_url, reverse("accounts:email_change_confirm", args=[token])),
        "password_url": urljoin(base_url, reverse("accounts:password_change")),
        "days": MAX_AGE.days,
    }
    _send(template="email_change_confirm", to=new_email, context=context)
    _send(template="email_change_requested", to=user.email, context=context)


def mail_for_change(*, user: User, old_email: str, base_url: str) -> None:
    """The notice to the address that was replaced."""
    context = {
        "username": user.get_username(),
        "old_email": old_email,
        "new_email": user.email,
        "settings_url": urljoin(base_url, reverse("accounts:settings")),
    }
    _send(template="email_changed", to=old_email, context=context)
