"""A client cannot dodge the API's throttles by sending a new X-Forwarded-For with each request."""

from ipaddress import ip_network

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "3/minute", "auth": "3/minute"}
    )
    cache.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("three_a_minute")
def test_a_forged_forwarded_address_does_not_reset_the_anonymous_throttle():
    api = APIClient(REMOTE_ADDR="203.0.113.9")

    codes = [api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(5)]

    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.django_db
@pytest.mark.usefixtures("three_a_minute")
def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(settings):
    settings.TRUSTED_PROXIES = [ip_network("127.0.0.1/32")]
    api = APIClient(REMOTE_ADDR="127.0.0.1")

    first = [api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code for _ in range(4)]
    second = api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code

    assert first == [200, 200, 200, 429]
    assert second == 200
