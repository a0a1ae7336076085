"""The address guard after DNS resolution, for the async engine.

aiohttp connects to the addresses its resolver returns, so checking them here
checks exactly what is connected to: a name cannot resolve to a public address
for the check and to a private one for the connection (DNS rebinding). Literal
addresses never reach a resolver; `chain.refusal` checks those before the request.
"""

from __future__ import annotations

import socket
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from citecheck.fetch.errors import PrivateAddressRefused
from citecheck.netguard import is_private_address, parse_literal_address


class GuardedResolver(AbstractResolver):
    """Resolves like aiohttp's default (getaddrinfo in a thread) and refuses a name
    when any of its addresses is private."""

    def __init__(self, allow_private: bool, *args: Any, **kwargs: Any) -> None:
        self._inner = ThreadedResolver(*args, **kwargs)
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not self._allow_private:
            for result in results:
                address = parse_literal_address(result["host"])
                if address is None or is_private_address(address):
                    raise PrivateAddressRefused(f"{host} resolves to a private address")
        return results

    async def close(self) -> None:
        await self._inner.close()
