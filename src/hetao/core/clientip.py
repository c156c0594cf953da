"""The address of the person at the other end: the one answer for rate limits, audit records, session lists
and new-device alerts.

Behind a reverse proxy every connection comes from the proxy, so the client's address must be read from a
header the proxy sets — but only from a proxy the park trusts: anyone can send `X-Forwarded-For`. Without
configuration the forwarded headers are ignored and the connecting address counts.

- HETAO_TRUSTED_PROXY_COUNT: how many proxies of ours append to `X-Forwarded-For`; the client is the entry
  that many places from the right (entries further left were written by the client and are not trusted).
- HETAO_TRUSTED_CLIENT_IP_HEADER: instead, one header our proxy sets to the client's address (`X-Real-IP`).
- HETAO_TRUSTED_PROXIES: optional addresses or networks of those proxies; when set, forwarded headers count
  only on connections from them (a client reaching the app directly cannot claim another address).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

__all__ = ["client_ip"]


def _clean(value: str | None) -> str | None:
    """A valid IP address (port and IPv6 brackets removed), or None."""
    value = (value or "").strip()
    if not value:
        return None
    if value.startswith("["):  # [::1]:8443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.7:5123
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _from_trusted_proxy(remote: str | None) -> bool:
    networks = getattr(settings, "HETAO_TRUSTED_PROXIES", [])
    if not networks:
        return True
    if remote is None:
        return False
    address = ipaddress.ip_address(remote)
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    remote = _clean(request.META.get("REMOTE_ADDR"))
    header = getattr(settings, "HETAO_TRUSTED_CLIENT_IP_HEADER", "")
    count = getattr(settings, "HETAO_TRUSTED_PROXY_COUNT", 0)
    if not (header or count) or not _from_trusted_proxy(remote):
        return remote
    if header:
        return _clean(request.headers.get(header)) or remote
    hops = [hop for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
    if not hops:
        return remote
    # With fewer entries than proxies, every entry was still written by one of ours: the leftmost is the client.
    return _clean(hops[-min(count, len(hops))]) or remote
