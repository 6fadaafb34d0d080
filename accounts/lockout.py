"""Sign-in lockout (django-axes): who is counted, and against which limit.

Failures are counted twice, each against its own limit: per account, however
its name is spelled (any letter case, or its email address), and per client
address. The address is REMOTE_ADDR, or the client a trusted proxy names in
X-Forwarded-For. What a locked-out sign-in is answered is the project's
(``spotifyclone/lockout.py``).
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from accounts.selectors import user_find


def account_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a sign-in names, however it is spelled: its username in lower case.

    A name that belongs to no account is only lower-cased. Remembered on the
    request, as axes asks several times during one sign-in.
    """
    source = credentials if credentials else getattr(request, "data", request.POST)
    name = source.get("username")
    if not isinstance(name, str) or not name.strip():
        return None
    keys: dict[str, str] = request.__dict__.setdefault("_account_keys", {})
    if name not in keys:
        user = user_find(identifier=name)
        keys[name] = (user.username if user is not None else name.strip()).lower()
    return keys[name]


def _account_failures(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    attempts = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials), attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """The limit axes compares with the larger of the account's and the address's failure counts.

    That single comparison holds two limits: the account's own once the
    account has reached it, otherwise the address's, which is higher (many
    people may share one address).
    """
    account_limit: int = settings.LOGIN_FAILURE_LIMIT
    if _account_failures(request, credentials) >= account_limit:
        return account_limit
    return max(settings.LOGIN_ADDRESS_FAILURE_LIMIT, account_limit)


class AccountLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, except that a successful sign-in clears only its account's failures.

    Axes would also clear every failure from the same address, so signing in
    to one's own account would wipe the count of guesses made from there at
    other people's accounts.
    """

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
