"""The address guard: may the checker connect to this host?

A cited page must not be able to point (or redirect) the checker at the machine it
runs on or at the local network behind it. The fetcher asks `is_private_host` for
every hop before connecting.

Where the check runs (no DNS-rebinding gap in either engine):
- The aiohttp engine (live `fetch_many`) checks names inside its resolver
  (citecheck.fetch.resolver), on the very addresses it then connects to.
- The requests engine (`fetch`, replay, recording) calls `is_private_host` before
  each hop, and its connections are pinned (citecheck.fetch.pinning): they resolve
  once, refuse a private answer, and connect to the address that was checked, so a
  DNS server answering "public" first and "private" a moment later gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# 100.64.0.0/10 (carrier-grade NAT) holds some cloud metadata services; Python's
# is_global already excludes it, named here so the intent is visible.
_SHARED_ADDRESS_SPACE = ipaddress.IPv4Network("100.64.0.0/10")


def is_private_address(address: IPAddress) -> bool:
    """True for any address that is not on the public internet.

    Covers loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
    (169.254/16, fe80::/10), unspecified, multicast and the other reserved ranges.
    IPv4 addresses wrapped in IPv6 (::ffff:127.0.0.1, 6to4) are judged by the IPv4 inside.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return is_private_address(embedded)
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED_ADDRESS_SPACE:
        return True
    return (
        not address.is_global
        or address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
    )


def parse_literal_address(host: str) -> IPAddress | None:
    """The IP address a host string spells literally, or None for a name.

    Accepts "[::1]" and IPv6 zone ids, and the legacy IPv4 spellings that
    connect() also accepts ("127.1", "0x7f000001", "2130706433", "127.0.0.1."), so
    they cannot slip past the guard as "names".
    """
    text = host.strip().strip("[]")
    if "%" in text:  # fe80::1%eth0
        text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if text and all(c in "0123456789abcdefxABCDEFX." for c in text) and text[0].isdigit():
        # "127.0.0.1." is an address too: URL parsers drop one trailing dot (WHATWG),
        # and reqwest connects to it without any lookup
        if text.endswith(".") and not text.endswith(".."):
            text = text[:-1]
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def _is_localhost_name(host: str) -> bool:
    name = host.strip().rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def resolve_addresses(host: str) -> list[IPAddress]:
    """Every address `host` resolves to; [] when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    addresses: list[IPAddress] = []
    for info in infos:
        address = parse_literal_address(str(info[4][0]))
        if address is not None:
            addresses.append(address)
    return addresses


def is_private_host(host: str, resolve: bool = True) -> bool:
    """True when connecting to `host` would reach loopback, a private or link-local network.

    "localhost" and *.localhost count as private without asking DNS. With
    resolve=True a name is private if any address it resolves to is; a name that
    does not resolve is not private (the fetch itself then fails as unreachable).
    With resolve=False only literal addresses and localhost names are checked.
    """
    if not host or not host.strip():
        return False
    literal = parse_literal_address(host)
    if literal is not None:
        return is_private_address(literal)
    if _is_localhost_name(host):
        return True
    if not resolve:
        return False
    return any(is_private_address(address) for address in resolve_addresses(host))
