"""DRF's throttles, counting anonymous callers by the address the sign-in lockout trusts.

DRF reads X-Forwarded-For as it comes unless told how many proxies stand in
front; a client could then send a new address with every request and never be
throttled. These read it only from the proxies named in ``TRUSTED_PROXIES``.
"""

from rest_framework import throttling
from rest_framework.request import Request

from core.addresses import client_address


class _TrustedAddress:
    def get_ident(self, request: Request) -> str:
        return client_address(request._request) or ""


class AnonRateThrottle(_TrustedAddress, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_TrustedAddress, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_TrustedAddress, throttling.ScopedRateThrottle):
    pass
