"""pyreqwest (Rust's reqwest and hyper) behind the async engine's `Transport`: the
default client, about twice as fast per request as aiohttp here (README, Performance).

The address guard: reqwest does its own DNS lookups, which Python cannot check. So a
named host is resolved here (resolver.resolve_guarded, the same check as aiohttp's)
and the client that fetches it is built with that address pinned (reqwest's
`resolve`): it connects to exactly the address that was checked. Building a client
costs ~4 ms (it loads the system's root certificates), so hosts resolved at about the
same time share one client, and URLs with a literal address (no DNS) share another.

What hyper refuses that a browser shows (a header value that is not ASCII, such as a
raw UTF-8 Location; more than 100 headers) is fetched again through aiohttp.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import TYPE_CHECKING

from pyreqwest.client import Client, ClientBuilder
from pyreqwest.exceptions import (
    BodyDecodeError,
    BuilderError,
    ConnectError,
    DecodeError,
    PyreqwestError,
    RequestTimeoutError,
)

from citecheck.fetch.errors import DNS_FAILURE, PrivateAddressRefused, describe_aiohttp_error
from citecheck.fetch.options import FetchOptions
from citecheck.fetch.resolver import resolve_guarded
from citecheck.fetch.transport import Headers, Response, Transport
from citecheck.fetch.urls import host_key
from citecheck.models import LinkStatus
from citecheck.netguard import parse_literal_address

if TYPE_CHECKING:
    from pyreqwest.request import StreamRequest
    from pyreqwest.response import Response as ReqwestResponse

DNS_TTL = 300.0  # seconds a checked address is used (aiohttp's ttl_dns_cache)
FAILED_DNS_TTL = 30.0  # a name that failed is not looked up again for each of its URLs
# Names resolved within this window share one client (one ~4 ms build for the batch).
PIN_BATCH_WINDOW = 0.02


class InvalidRequestUrl(ValueError):
    """reqwest would not build a request for this URL."""


class _ReqwestResponse:
    __slots__ = ("_reader", "content_length", "headers", "status", "url")

    def __init__(self, response: ReqwestResponse, url: str) -> None:
        self.status = response.status
        self.headers: Headers = response.headers  # type: ignore[assignment]  # HeaderMap
        self.url = url
        length = response.headers.get("Content-Length")
        self.content_length = int(length) if length and length.isdigit() else None
        self._reader = response.body_reader

    async def read(self, size: int) -> bytes:
        chunk = await self._reader.read(size)
        return bytes(chunk) if chunk else b""

    def at_eof(self) -> bool:
        return False  # not known without reading: the engine reads one more byte


class _Pins:
    """One reqwest client per batch of checked names, one for literal addresses."""

    def __init__(self, options: FetchOptions) -> None:
        self._options = options
        self._literal: Client | None = None
        self._is_literal: dict[str, bool] = {}
        self._clients: dict[str, tuple[Client, float]] = {}  # host -> client, until
        self._failed: dict[str, tuple[BaseException, float]] = {}
        self._waiting: dict[str, asyncio.Future[Client]] = {}
        self._batch: list[tuple[str, str]] = []  # (host, address) to pin in the next client
        self._build_timer: asyncio.TimerHandle | None = None
        self._resolving = 0
        self._lookups: set[asyncio.Task[None]] = set()  # referenced until done

    def literal_client(self) -> Client:
        if self._literal is None:
            self._literal = self._build(())
        return self._literal

    async def client_for(self, url: str) -> Client:
        host = host_key(url)
        literal = self._is_literal.get(host)
        if literal is None:
            literal = self._is_literal[host] = parse_literal_address(host) is not None
        if literal:
            return self.literal_client()  # chain.refused has checked the address itself
        now = time.monotonic()
        pinned = self._clients.get(host)
        if pinned is not None and pinned[1] > now:
            return pinned[0]
        failed = self._failed.get(host)
        if failed is not None and failed[1] > now:
            raise failed[0]
        future = self._waiting.get(host)
        if future is None:
            future = self._waiting[host] = asyncio.get_running_loop().create_future()
            self._resolving += 1
            lookup = asyncio.ensure_future(self._resolve(host))
            self._lookups.add(lookup)
            lookup.add_done_callback(self._lookups.discard)
        # shielded: one URL's deadline must not cancel the lookup its host's others wait on
        return await asyncio.shield(future)

    async def _resolve(self, host: str) -> None:
        try:
            found = await resolve_guarded(host, 0, socket.AF_UNSPEC, self._options.allow_private)
            if not found:
                raise socket.gaierror(socket.EAI_NONAME, "no address")
        except Exception as exc:  # OSError, UnicodeError, or the executor shutting down
            self._resolving -= 1
            self._failed[host] = (exc, time.monotonic() + FAILED_DNS_TTL)
            future = self._waiting.pop(host)
            future.set_exception(exc)
            future.exception()  # retrieved: a host whose URLs all ended meanwhile is fine
            self._maybe_build()
            return
        self._resolving -= 1
        self._batch.append((host, found[0].host))
        self._maybe_build()

    def _maybe_build(self) -> None:
        if not self._batch:
            return
        if self._resolving == 0:  # nothing else on its way: build now
            self._build_batch()
        elif self._build_timer is None:
            loop = asyncio.get_running_loop()
            self._build_timer = loop.call_later(PIN_BATCH_WINDOW, self._build_batch)

    def _build_batch(self) -> None:
        if self._build_timer is not None:
            self._build_timer.cancel()
            self._build_timer = None
        batch, self._batch = self._batch, []
        if not batch:
            return
        try:
            client = self._build(batch)
        except Exception as exc:  # a name reqwest will not take: its URLs fail, not the run
            for host, _ in batch:
                future = self._waiting.pop(host)
                future.set_exception(InvalidRequestUrl(f"{host}: {exc}"))
                future.exception()
            return
        until = time.monotonic() + DNS_TTL
        for host, _ in batch:
            self._clients[host] = (client, until)
            self._waiting.pop(host).set_result(client)

    def _build(self, pins: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> Client:
        options = self._options
        builder = (
            ClientBuilder()
            .follow_redirects(False)  # the engine follows them, checking every hop
            .no_proxy()  # like aiohttp's session: proxy variables are not read
            .connect_timeout(timedelta(seconds=options.connect_timeout))
            .read_timeout(timedelta(seconds=options.timeout))
            .pool_max_idle_per_host(max(1, options.host_concurrency))
            .http1_allow_obsolete_multiline_headers_in_responses(True)
            .http1_allow_spaces_after_header_name_in_responses(True)
            .http1_ignore_invalid_headers_in_responses(True)
        )
        for host, address in pins:
            # both spellings: reqwest looks up the host as the URL writes it, and a name
            # it finds no pin for it resolves itself, unchecked ("intranet.test." with
            # the dot must not slip past the pin for "intranet.test")
            builder = builder.resolve(host, address, 0).resolve(f"{host}.", address, 0)
        return builder.build()

    async def close(self) -> None:
        if self._build_timer is not None:
            self._build_timer.cancel()
        clients = {id(c): c for c, _ in self._clients.values()}
        if self._literal is not None:
            clients[id(self._literal)] = self._literal
        for client in clients.values():
            await client.close()


class _Exchange:
    """One request as an async context manager (a class: contextlib's generator-based
    one costs more per request than the rest of this module)."""

    __slots__ = ("_fallback", "_headers", "_method", "_request", "_transport", "_url")

    def __init__(
        self, transport: ReqwestTransport, method: str, url: str, headers: Mapping[str, str]
    ) -> None:
        self._transport = transport
        self._method = method
        self._url = url
        self._headers = headers
        self._request: StreamRequest | None = None
        self._fallback: AbstractAsyncContextManager[Response] | None = None

    async def __aenter__(self) -> Response:
        started = await self._transport.start(self._method, self._url, self._headers)
        if started is None:
            self._fallback = self._transport.fallback().open(self._method, self._url, self._headers)
            return await self._fallback.__aenter__()
        self._request, response = started
        return _ReqwestResponse(response, self._url)

    async def __aexit__(self, *exc_info: object) -> None:
        if self._fallback is not None:
            await self._fallback.__aexit__(*exc_info)  # type: ignore[arg-type]
        elif self._request is not None:
            await self._request.__aexit__(None, None, None)


class ReqwestTransport:
    def __init__(self, options: FetchOptions, concurrency: int) -> None:
        self._options = options
        self._concurrency = concurrency
        self._pins = _Pins(options)
        self._aiohttp: Transport | None = None  # made for the first answer hyper refuses

    def open(self, method: str, url: str, headers: Mapping[str, str]) -> _Exchange:
        return _Exchange(self, method, url, headers)

    async def start(
        self, method: str, url: str, headers: Mapping[str, str]
    ) -> tuple[StreamRequest, ReqwestResponse] | None:
        """The request sent and its head read, or None when aiohttp must do it."""
        client = await self._pins.client_for(url)
        try:
            builder = client.request(method, url).headers(dict(headers))
            # the head as soon as it comes (by default pyreqwest waits for 64 KiB of body
            # first, so a trickling server's status would never be seen)
            request = builder.streamed_read_buffer_limit(0).build_streamed()
        except (ValueError, BuilderError) as exc:
            raise InvalidRequestUrl(_last_cause(exc)) from None
        try:
            response = await request.__aenter__()
        except DecodeError as exc:
            if "head is too large" in _cause_text(exc):
                return None
            raise
        try:
            for _ in response.headers.values():
                pass  # each value made a str once: one that is not ASCII raises here
        except ValueError:
            await request.__aexit__(None, None, None)
            return None
        return request, response

    def fallback(self) -> Transport:
        if self._aiohttp is None:
            from citecheck.fetch.transport_aiohttp import AiohttpTransport

            self._aiohttp = AiohttpTransport(self._options, self._concurrency)
        return self._aiohttp

    def errors(self) -> tuple[type[BaseException], ...]:
        mine: tuple[type[BaseException], ...] = (
            PyreqwestError,
            OSError,
            TimeoutError,
            InvalidRequestUrl,
        )
        return mine + self._aiohttp.errors() if self._aiohttp is not None else mine

    def timeouts(self) -> tuple[type[BaseException], ...]:
        mine: tuple[type[BaseException], ...] = (RequestTimeoutError,)
        return mine + self._aiohttp.timeouts() if self._aiohttp is not None else mine

    def describe(self, exc: BaseException) -> tuple[LinkStatus, str]:
        return describe_reqwest_error(exc)

    async def close(self) -> None:
        await self._pins.close()
        if self._aiohttp is not None:
            await self._aiohttp.close()


def describe_reqwest_error(exc: BaseException) -> tuple[LinkStatus, str]:
    """A failed reqwest request as a status and a one-line reason (the words the
    other clients use, so a run reads the same whichever client fetched)."""
    if isinstance(exc, PrivateAddressRefused):
        return LinkStatus.EXCLUDED, "private address"
    if isinstance(exc, socket.gaierror | UnicodeError):
        return LinkStatus.UNREACHABLE, DNS_FAILURE
    if isinstance(exc, InvalidRequestUrl):
        return LinkStatus.INVALID, f"invalid URL: {exc}"
    if not isinstance(exc, PyreqwestError):
        return describe_aiohttp_error(exc)  # the fallback's, or a plain OSError
    text = _cause_text(exc)
    last = _last_cause(exc)
    if isinstance(exc, RequestTimeoutError):
        # hyper reports a late answer as a connect timeout too; only a timeout while
        # connecting names the connect step in its causes
        return LinkStatus.TIMEOUT, "connect timeout" if "(connect)" in text else "read timeout"
    if isinstance(exc, ConnectError):
        if "refused" in text:
            return LinkStatus.UNREACHABLE, "connection refused"
        if "dns error" in text:
            return LinkStatus.UNREACHABLE, DNS_FAILURE
        if any(word in text for word in ("certificate", "tls", "ssl", "handshake")):
            return LinkStatus.UNREACHABLE, f"TLS error: {last}"
        return LinkStatus.UNREACHABLE, f"connection failed: {last}"
    if isinstance(exc, BodyDecodeError) or (isinstance(exc, DecodeError) and "decod" in last):
        return LinkStatus.BROKEN, "body could not be decoded (bad Content-Encoding)"
    if "reset" in text or "broken pipe" in text:
        return LinkStatus.UNREACHABLE, "connection reset"
    return LinkStatus.UNREACHABLE, f"connection broken: {last}"


def _causes(exc: BaseException) -> list[str]:
    details = getattr(exc, "details", None)
    causes = details.get("causes") if isinstance(details, dict) else None
    messages = [str(c.get("message", "")) for c in causes or () if isinstance(c, dict)]
    return messages or [str(exc.args[0]) if exc.args else type(exc).__name__]


def _cause_text(exc: BaseException) -> str:
    return " | ".join(_causes(exc)).lower()


def _last_cause(exc: BaseException) -> str:
    return " ".join(_causes(exc)[-1].split())[:200]
