"""The address guard after DNS resolution, for the async engine's clients.

Each client connects only to the addresses this lookup returned (aiohttp through its
resolver, reqwest through a pinned address per host), so checking them here checks
exactly what is connected to: a name cannot resolve to a public address for the check
and to a private one for the connection (DNS rebinding). A literal address needs no
lookup: `chain.refusal` checks it before the request, and refuse_private_literal checks
it again as reqwest reads it (a URL parser may see an address where Python sees none).
"""

from __future__ import annotations

import asyncio
import functools
import socket

import msgspec

from citecheck.fetch.errors import PrivateAddressRefused
from citecheck.netguard import IPAddress, is_private_address, parse_literal_address

_NAME_FLAGS = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV


# A Struct, not a dataclass: start-up cost, see citecheck/models.py (gc=False: no cycles).
class Address(msgspec.Struct, frozen=True, gc=False):
    family: socket.AddressFamily
    proto: int
    host: str  # the address as text ("203.0.113.5", "2001:db8::1", "fe80::1%eth0")
    port: int


def refuse_private_literal(host: str, address: IPAddress, allow_private: bool) -> None:
    """PrivateAddressRefused when `address` (the host's own literal address) is private:
    the same check as for resolved names, for a client that connects without a lookup."""
    if not allow_private and is_private_address(address):
        raise PrivateAddressRefused(f"{host} is a private address")


async def resolve_guarded(
    host: str, port: int, family: int, allow_private: bool
) -> list[Address]:
    """The addresses of `host`, resolved by the system resolver in a thread; refuses
    the name (PrivateAddressRefused) when any of them is private.

    socket.getaddrinfo is called directly (not loop.getaddrinfo): uvloop's loop would
    resolve through libuv instead, and every loop must resolve a name the same way.
    """
    loop = asyncio.get_running_loop()
    lookup = functools.partial(
        socket.getaddrinfo, host, port, family, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG
    )
    infos = await loop.run_in_executor(None, lookup)
    found: list[Address] = []
    for found_family, _, proto, _, address in infos:
        if found_family == socket.AF_INET6:
            if len(address) < 4:
                continue  # this Python or host has no IPv6
            if address[3]:  # a scope id (link-local): keep it in the host text
                name, service = socket.getnameinfo(address, _NAME_FLAGS)
                address_text, found_port = name, int(service)
            else:
                address_text, found_port = str(address[0]), int(address[1])
        elif found_family == socket.AF_INET:
            address_text, found_port = str(address[0]), int(address[1])
        else:
            continue
        if not allow_private:
            literal = parse_literal_address(address_text)
            if literal is None or is_private_address(literal):
                raise PrivateAddressRefused(f"{host} resolves to a private address")
        found.append(Address(found_family, proto, address_text, found_port))
    return found
