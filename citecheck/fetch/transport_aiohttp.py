"""The aiohttp client behind the async engine's `Transport`: used where pyreqwest is
not installed, and by the reqwest transport for the answers reqwest refuses (a header
value that is not ASCII, more than 100 headers). The address guard runs inside its
DNS resolver (resolver.py), on the addresses actually connected to."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from citecheck.fetch.errors import describe_aiohttp_error
from citecheck.fetch.options import FetchOptions
from citecheck.fetch.resolver import resolve_guarded
from citecheck.fetch.transport import Headers
from citecheck.models import LinkStatus

MAX_HEADER_SIZE = 64 * 1024  # some servers send long cookies or CSP headers
_NUMERIC_FLAGS = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver: the system resolver, refusing a name when any of its
    addresses is private (resolver.resolve_guarded)."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await resolve_guarded(host, port, family, self._allow_private)
        return [
            ResolveResult(
                hostname=host,
                host=address.host,
                port=address.port,
                family=address.family,
                proto=address.proto,
                flags=_NUMERIC_FLAGS,
            )
            for address in found
        ]

    async def close(self) -> None:
        return None


class _AiohttpResponse:
    __slots__ = ("_response", "content_length", "headers", "status", "url")

    def __init__(self, response: aiohttp.ClientResponse, url: str) -> None:
        self._response = response
        self.status = response.status
        self.headers: Headers = response.headers  # type: ignore[assignment]  # a CIMultiDictProxy
        self.url = url
        # the decoded length only: a gzip body's Content-Length counts compressed bytes
        encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
        self.content_length = None if encoded else response.content_length

    async def read(self, size: int) -> bytes:
        return await self._response.content.read(size)

    def at_eof(self) -> bool:
        return self._response.content.at_eof()


class AiohttpTransport:
    def __init__(self, options: FetchOptions, concurrency: int) -> None:
        connector = aiohttp.TCPConnector(
            limit=concurrency,
            limit_per_host=0,  # the engine's own per-host slots count every hop and retry
            resolver=GuardedResolver(options.allow_private),
            ttl_dns_cache=300,
            ssl=not options.insecure,  # False: no certificate check
        )
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=options.connect_timeout, sock_read=options.timeout
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            cookie_jar=aiohttp.DummyCookieJar(),  # the engine keeps cookies per chain
            max_line_size=MAX_HEADER_SIZE,
            max_field_size=MAX_HEADER_SIZE,
        )

    @asynccontextmanager
    async def open(
        self, method: str, url: str, headers: Mapping[str, str]
    ) -> AsyncIterator[_AiohttpResponse]:
        async with self._session.request(
            method, url, headers=headers, allow_redirects=False
        ) as response:
            yield _AiohttpResponse(response, str(response.url))

    def errors(self) -> tuple[type[BaseException], ...]:
        return (aiohttp.ClientError, OSError, TimeoutError)

    def timeouts(self) -> tuple[type[BaseException], ...]:
        return (aiohttp.ConnectionTimeoutError, aiohttp.SocketTimeoutError)

    def describe(self, exc: BaseException) -> tuple[LinkStatus, str]:
        return describe_aiohttp_error(exc)

    async def close(self) -> None:
        await self._session.close()
        await asyncio.sleep(0)  # let the connector's transports finish closing
