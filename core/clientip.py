"""The client's address, as every consumer must read it (rate limits, API throttles, logs).

A request that comes straight from a visitor carries its address in ``REMOTE_ADDR``. Behind a
reverse proxy ``REMOTE_ADDR`` is the proxy, and the visitor's address travels in a header that the
proxy writes (``TRUSTED_PROXY_HEADER``, X-Forwarded-For by default). Anybody can send that header,
so it is believed only when the connection comes from an address in ``TRUSTED_PROXIES``; a header
from anyone else is ignored.

The header is read from the right: each trusted proxy appends the address it saw, so the rightmost
address that is not itself a trusted proxy is the client. Whatever a client wrote further left
(a forged "X-Forwarded-For: 1.2.3.4") is never reached. A malformed entry stops the walk: the
last address known to be genuine is used instead.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def trusted_networks():
    """The networks of ``TRUSTED_PROXIES`` (addresses or CIDR blocks)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a rate-limit key, never bound


def _address(value):
    try:
        return ipaddress.ip_address(value.strip().split("%", 1)[0])
    except ValueError:
        return None


def _trusted(address, networks):
    return any(address in network for network in networks)


def is_trusted_proxy(address):
    """Whether a connection from ``address`` comes from one of ``TRUSTED_PROXIES``."""
    parsed = _address(address or "")
    return parsed is not None and _trusted(parsed, trusted_networks())


def header_meta_key(header=None):
    """``X-Forwarded-For`` -> ``HTTP_X_FORWARDED_FOR`` (the key in ``request.META``)."""
    name = header or getattr(settings, "TRUSTED_PROXY_HEADER", "X-Forwarded-For")
    return "HTTP_" + name.upper().replace("-", "_")


def client_ip(request):
    """The visitor's address as a string (IPv4 or IPv6), never a value the visitor chose."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    peer = _address(remote)
    networks = trusted_networks()
    if peer is None:
        # No usable address (a malformed REMOTE_ADDR, or none at all): such requests share one
        # budget, as limits need an address and none can be trusted.
        return UNKNOWN_ADDRESS
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    for entry in reversed(request.META.get(header_meta_key(), "").split(",")):
        if not entry.strip():
            continue
        address = _address(entry)
        if address is None:
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
