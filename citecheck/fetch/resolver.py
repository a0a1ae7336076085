"""The address guard after DNS resolution, for the async engine.

aiohttp connects to the addresses its resolver returns, so checking them here
checks exactly what is connected to: a name cannot resolve to a public address
for the check and to a private one for the connection (DNS rebinding). Literal
addresses never reach a resolver; `chain.refusal` checks those before the request.
"""

from __future__ import annotations

import asyncio
import functools
import socket

from aiohttp.abc import AbstractResolver, ResolveResult

from citecheck.fetch.errors import PrivateAddressRefused
from citecheck.netguard import is_private_address, parse_literal_address

_NUMERIC_FLAGS = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
_NAME_FLAGS = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV


class GuardedResolver(AbstractResolver):
    """Resolves with the system resolver in a thread and refuses a name when any of
    its addresses is private.

    socket.getaddrinfo is called directly (not loop.getaddrinfo): uvloop's loop would
    resolve through libuv instead, and both loops must resolve a name the same way.
    """

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        loop = asyncio.get_running_loop()
        lookup = functools.partial(
            socket.getaddrinfo, host, port, family, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG
        )
        infos = await loop.run_in_executor(None, lookup)
        results: list[ResolveResult] = []
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
            if not self._allow_private:
                literal = parse_literal_address(address_text)
                if literal is None or is_private_address(literal):
                    raise PrivateAddressRefused(f"{host} resolves to a private address")
            results.append(
                ResolveResult(
                    hostname=host,
                    host=address_text,
                    port=found_port,
                    family=found_family,
                    proto=proto,
                    flags=_NUMERIC_FLAGS,
                )
            )
        return results

    async def close(self) -> None:
        return None
