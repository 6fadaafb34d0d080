"""DRF's throttles, counted in one round trip and by the address the sign-in lockout trusts.

Counting: DRF's own throttles keep a list of timestamps per caller in the
cache, read it and write it back on every request: two round trips and a list
of up to the whole allowance (1,200 entries for a signed-in listener) each
time. These count with ``core.counters.rate_check`` instead: a sliding window
in one round trip, failing open when the cache is down.

Addresses: DRF reads X-Forwarded-For as it comes unless told how many proxies
stand in front; a client could then send a new address with every request
and never be throttled. These read it only from the proxies named in
``TRUSTED_PROXIES``.
"""

from typing import Any

from rest_framework import throttling
from rest_framework.request import Request

from core.addresses import client_address
from core.counters import ALLOWED, rate_check


class _SlidingWindow(throttling.SimpleRateThrottle):
    verdict = ALLOWED
    num_requests: int  # set by DRF's __init__ from the rate
    duration: int

    def get_ident(self, request: Request) -> str:
        return client_address(request._request) or ""

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.verdict = rate_check(self.key, limit=self.num_requests, period=self.duration, now=self.timer())
        return self.verdict.allowed

    def wait(self) -> float:
        return self.verdict.retry_after


# DRF's class first: the scoped one picks its rate in its own allow_request, then calls this one's.
class AnonRateThrottle(throttling.AnonRateThrottle, _SlidingWindow):
    pass


class UserRateThrottle(throttling.UserRateThrottle, _SlidingWindow):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, _SlidingWindow):
    pass
