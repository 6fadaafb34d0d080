"""The address a request comes from, trusting X-Forwarded-For only from the proxies named in settings."""

from ipaddress import IPv4Network, IPv6Network, ip_address

from django.conf import settings
from django.http import HttpRequest


def _trusted(address: str, networks: list[IPv4Network | IPv6Network]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:  # not an IP address (a Unix socket's peer, say): no proxy of ours
        return False
    return any(parsed in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The address a request comes from.

    REMOTE_ADDR, unless that is a trusted proxy (``TRUSTED_PROXIES``): then the
    nearest address in X-Forwarded-For that is not one, read from the right,
    since each proxy appends the address it saw and anything to the left of
    that may be forged by the client.
    """
    remote: str | None = request.META.get("REMOTE_ADDR")
    networks = settings.TRUSTED_PROXIES
    if not remote or not networks or not _trusted(remote, networks):
        return remote
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        try:
            client = str(ip_address(hop.strip()))
        except ValueError:
            break  # garbage from here leftwards: keep the last proxy that vouched for something
        if not _trusted(client, networks):
            break
    return client
