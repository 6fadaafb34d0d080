"""Who is calling: the Subsonic token or password, or the OpenSubsonic API key.

Failed attempts count toward the website's lockout (django-axes, the same
limits per account and per address: ``accounts/lockout.py``), and a locked-out
account or address is refused before its secret is even looked at. A successful
sign-in clears the account's failures as the website's does (axes' own
``user_logged_in``), only when there are some: apps sign in on every request,
and axes writes an access log line each time it is told of one.
"""

import hashlib
import hmac

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.http import HttpRequest

from accounts.models import User
from subsonic import secrets
from subsonic.envelope import SubsonicError
from subsonic.models import SubsonicCredential
from subsonic.registry import Params

LOCKED_OUT = "Too many failed sign-in attempts. Try again later."


def _wrong(request: HttpRequest, username: str) -> SubsonicError:
    AxesProxyHandler.user_login_failed(sender=__name__, credentials={"username": username}, request=request)
    return SubsonicError(SubsonicError.WRONG_CREDENTIALS, "Wrong username or password.")


def _signed_in(request: HttpRequest, user: User) -> User:
    """Clear the failed attempts of ``user``'s account, as the website's sign-in does."""
    account = get_client_username(request, {"username": user.username})
    if account and AccessAttempt.objects.filter(username=account).exists():
        AxesProxyHandler.user_logged_in(sender=__name__, request=request, user=user)
    return user


def _password_given(raw: str) -> str | None:
    if not raw.startswith("enc:"):
        return raw
    try:
        return bytes.fromhex(raw[4:]).decode()
    except ValueError:
        return None


def _by_api_key(api_key: str) -> User:
    credential = (
        SubsonicCredential.objects.select_related("user", "user__profile")
        .filter(api_key_hash=secrets.api_key_hash(api_key))
        .first()
    )
    if credential is None or not credential.user.is_active:
        raise SubsonicError(SubsonicError.INVALID_API_KEY, "The API key is not valid.")
    return credential.user


def caller(request: HttpRequest, params: Params) -> User:
    """The listener the request authenticates as, or a :class:`SubsonicError` with the spec's code."""
    api_key = params.get("apiKey")
    username = params.get("u")
    if api_key is not None:
        if username is not None or params.get("p") is not None or params.get("t") is not None:
            raise SubsonicError(
                SubsonicError.CONFLICTING_MECHANISMS, "Give either the API key or a username, not both."
            )
        return _signed_in(request, _by_api_key(api_key))
    if username is None:
        if request.headers.get("Authorization"):
            raise SubsonicError(
                SubsonicError.MECHANISM_NOT_SUPPORTED,
                "This server takes the u and t/s or p parameters, or apiKey; not an Authorization header.",
            )
        raise SubsonicError(SubsonicError.MISSING_PARAMETER, "Required parameter is missing: u (or apiKey).")
    token, salt, password = params.get("t"), params.get("s"), params.get("p")
    if token is not None and password is not None:
        raise SubsonicError(SubsonicError.CONFLICTING_MECHANISMS, "Give either a token or a password, not both.")
    if token is None and password is None:
        raise SubsonicError(SubsonicError.MISSING_PARAMETER, "Required parameter is missing: t and s, or p.")
    if token is not None and salt is None:
        raise SubsonicError(SubsonicError.MISSING_PARAMETER, "Required parameter is missing: s.")
    credentials = {"username": username}
    if not AxesProxyHandler.is_allowed(request, credentials):
        raise SubsonicError(SubsonicError.WRONG_CREDENTIALS, LOCKED_OUT)
    credential = (
        SubsonicCredential.objects.select_related("user", "user__profile")
        .filter(user__username__iexact=username, user__is_active=True)
        .first()
    )
    secret = None if credential is None else secrets.secret_decrypt(credential.password_encrypted)
    if credential is None or secret is None:
        raise _wrong(request, username)
    if token is not None:
        expected = hashlib.md5(f"{secret}{salt}".encode(), usedforsecurity=False).hexdigest()
        good = hmac.compare_digest(expected, token.lower())
    else:
        given = _password_given(password or "")
        good = given is not None and hmac.compare_digest(given.encode(), secret.encode())
    if not good:
        raise _wrong(request, username)
    return _signed_in(request, credential.user)
