"""pyreqwest (Rust's reqwest and hyper) behind the async engine's `Transport`: the
default client, about twice as fast per request as aiohttp here (README, Performance).

The address guard: reqwest does its own DNS lookups, which Python cannot check. So the
host is taken as reqwest itself reads the URL (its `Url`), a literal address is checked
here, a name is resolved here (resolver.resolve_guarded, the same check as aiohttp's),
and the client that fetches it is built with that address pinned under exactly that
name (reqwest's `resolve`): it connects to the address that was checked. A URL whose
host reqwest reads differently from Python (WHATWG's IPv4 forms such as "0x") is
refused. Building a client costs ~4 ms (it loads the system's root certificates), so
hosts resolved at about the same time share one client, and URLs with a literal
address share another.

What hyper refuses that a browser shows (a header value that is not ASCII, such as a
raw UTF-8 Location; more than 100 headers) is fetched again through aiohttp, and so is
a name whose first address refuses the connection when it has others (one pin holds
one address), or whose address reqwest cannot take (an IPv6 scope id).
"""

from __future__ import annotations

import asyncio
import re
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
from pyreqwest.http import Url

from citecheck.fetch.errors import (
    DNS_FAILURE,
    PrivateAddressRefused,
    describe_os_error,
    innermost,
)
from citecheck.fetch.inflate import BodyNotDecoded, inflater_for
from citecheck.fetch.options import FetchOptions
from citecheck.fetch.resolver import refuse_private_literal, resolve_guarded
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
CHUNK = 64 * 1024  # compressed bytes read at a time
# scheme://authority, kept only when the authority is there and plain (no backslash,
# no space or control character): with an empty one ("http:///host/") WHATWG reads
# the host from what follows, Python reads none
_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\\s\x00-\x1f]+(?=[/?#]|\Z)")
# at most this many judged authorities are kept (a run may meet millions of spellings)
READY_LIMIT = 10_000


class InvalidRequestUrl(ValueError):
    """reqwest would not build a request for this URL."""


class _UseAiohttp(Exception):
    """This host is for the aiohttp fallback (an address a pin cannot hold)."""


def reqwest_host(url: str) -> str:
    """The host reqwest connects to or looks up for `url`, as it writes it."""
    try:
        return Url(url).host_str or ""
    except (ValueError, PyreqwestError) as exc:
        raise InvalidRequestUrl(_last_cause(exc)) from None


def _comparable(host: str) -> str:
    return host.strip("[]").lower().rstrip(".")


class _ReqwestResponse:
    __slots__ = ("_inflater", "_reader", "content_length", "headers", "status", "url")

    def __init__(self, response: ReqwestResponse, url: str) -> None:
        self.status = response.status
        self.headers: Headers = response.headers  # type: ignore[assignment]  # HeaderMap
        self.url = url
        self._inflater = inflater_for(response.headers.get("Content-Encoding"))
        length = response.headers.get("Content-Length") or ""
        known = length.isdigit() and self._inflater is None
        self.content_length = int(length) if known else None  # of the decoded body
        self._reader = response.body_reader

    async def read(self, size: int) -> bytes:
        inflater = self._inflater
        if inflater is None:
            chunk = await self._reader.read(size)
            return bytes(chunk) if chunk else b""
        while True:
            if inflater.has_more:
                out = inflater.feed(b"", size)
                if out:
                    return out
            chunk = await self._reader.read(max(size, CHUNK))
            if not chunk:
                return b""  # the end, or a stream cut short: what decoded is kept
            out = inflater.feed(bytes(chunk), size)
            if out:
                return out

    def at_eof(self) -> bool:
        return False  # not known without reading: the engine reads one more byte


class _Pins:
    """One reqwest client per batch of checked names, one for literal addresses."""

    def __init__(self, options: FetchOptions) -> None:
        self._options = options
        self._literal: Client | None = None
        self._verdicts: dict[tuple[str, str], str] = {}  # (reqwest's host, ours) -> _judge
        self._clients: dict[str, tuple[Client, float]] = {}  # name -> client, until
        self._built: list[Client] = []  # every client, closed at the end
        self._failed: dict[str, tuple[BaseException, float]] = {}
        self._waiting: dict[str, asyncio.Future[Client]] = {}
        self._batch: list[tuple[str, str]] = []  # (name, address) to pin in the next client
        self._build_timer: asyncio.TimerHandle | None = None
        self._resolving = 0
        self._lookups: set[asyncio.Task[None]] = set()  # referenced until done
        self.several: set[str] = set()  # names with more than one checked address
        self.unpinnable: set[str] = set()  # names for the aiohttp fallback
        # "scheme://authority" -> (client, host, until): hosts already judged and pinned.
        # Both parsers read a URL's host from that prefix alone (WHATWG's authority ends
        # at the first / \ ? #, Python's netloc at / ? #), so an equal prefix is read
        # alike and need not be judged again.
        self._ready: dict[str, tuple[Client, str, float]] = {}

    def literal_client(self) -> Client:
        if self._literal is None:
            self._literal = self._build(())
        return self._literal

    def _judge(self, host: str, ours: str) -> str:
        """"mismatch" when reqwest (`host`) and Python (`ours`) read the URL's host
        differently; else "private" or "literal" for an address, "name" for a name."""
        if not ours or not _comparable(host):
            return "mismatch"  # a host one parser reads as empty: nothing to check
        literal = parse_literal_address(host)
        if _comparable(host) != ours and (
            literal is None or parse_literal_address(ours) != literal
        ):
            return "mismatch"
        if literal is None:
            return "name"
        try:
            refuse_private_literal(host, literal, self._options.allow_private)
        except PrivateAddressRefused:
            return "private"
        return "literal"

    def client_now(self, url: str) -> tuple[Client, str] | None:
        """The client for `url` and its host when known without waiting (a host this
        run has judged and pinned already); else None: ask client_for."""
        origin = _ORIGIN.match(url)
        ready = self._ready.get(origin.group(0)) if origin is not None else None
        if ready is None or ready[2] <= time.monotonic():
            return None
        return ready[0], ready[1]

    async def client_for(self, url: str) -> tuple[Client, str]:
        """The client for `url` and the host it goes to (as reqwest writes it)."""
        client, host, until = await self._judged_client(url)
        origin = _ORIGIN.match(url)
        if origin is not None:
            if len(self._ready) >= READY_LIMIT:
                self._ready.clear()  # judged again as they come: a cost, never a hole
            self._ready[origin.group(0)] = (client, host, until)
        return client, host

    async def _judged_client(self, url: str) -> tuple[Client, str, float]:
        host = reqwest_host(url)
        ours = host_key(url)
        verdict = self._verdicts.get((host, ours))
        if verdict is None:  # judged once per spelling: this runs for every request
            verdict = self._verdicts[(host, ours)] = self._judge(host, ours)
        if verdict == "mismatch":
            raise InvalidRequestUrl(f"its host reads as {host!r} and as {ours!r}")
        if verdict == "private":
            raise PrivateAddressRefused(f"{host} is a private address")
        if verdict == "literal":
            return self.literal_client(), host, float("inf")
        if host in self.unpinnable:
            raise _UseAiohttp(host)
        now = time.monotonic()
        pinned = self._clients.get(host)
        if pinned is not None and pinned[1] > now:
            return pinned[0], host, pinned[1]
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
        client = await asyncio.shield(future)
        pinned = self._clients.get(host)
        return client, host, pinned[1] if pinned is not None else now

    async def _resolve(self, host: str) -> None:
        try:
            found = await resolve_guarded(host, 0, socket.AF_UNSPEC, self._options.allow_private)
            if not found:
                raise socket.gaierror(socket.EAI_NONAME, "no address")
        except Exception as exc:  # OSError, UnicodeError, the executor shutting down
            self._resolving -= 1
            self._failed[host] = (exc, time.monotonic() + FAILED_DNS_TTL)
            self._settle(host, exc)
            self._maybe_build()
            return
        self._resolving -= 1
        if len({address.host for address in found}) > 1:
            self.several.add(host)
        self._batch.append((host, found[0].host))
        self._maybe_build()

    def _settle(self, host: str, outcome: Client | BaseException) -> None:
        future = self._waiting.pop(host, None)
        if future is None or future.done():
            return
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
            future.exception()  # retrieved: a host whose URLs all ended meanwhile is fine
        else:
            future.set_result(outcome)

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
        except Exception as exc:  # the system's certificates, say: these URLs fail, not the run
            for host, _ in batch:
                self._settle(host, InvalidRequestUrl(f"{host}: {exc}"))
            return
        until = time.monotonic() + DNS_TTL
        for host, _ in batch:
            if host in self.unpinnable:
                self._settle(host, _UseAiohttp(host))
                continue
            self._clients[host] = (client, until)
            self._settle(host, client)

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
            .gzip(False)  # decoded by fetch.inflate, as aiohttp decodes (brotli and zstd by
            .deflate(False)  # reqwest: aiohttp reads those only with extra packages)
        )
        if options.insecure:
            builder = builder.danger_accept_invalid_certs(True)
        for host, address in pins:
            if "%" in address:  # "fe80::1%eth0": a pin cannot hold a scope id
                self.unpinnable.add(host)  # aiohttp connects to it instead
                continue
            # pinned under the very name reqwest will look up (reqwest_host)
            builder = builder.resolve(host, address, 0)
        client = builder.build()
        self._built.append(client)
        return client

    async def close(self) -> None:
        if self._build_timer is not None:
            self._build_timer.cancel()
        for lookup in list(self._lookups):
            lookup.cancel()
        await asyncio.gather(*self._lookups, return_exceptions=True)
        for future in self._waiting.values():
            future.cancel()
        for client in self._built:
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
        # the common path awaits nothing but pyreqwest: this frame is resumed on each
        # of the request's awaits, and every frame in between costs on all of them
        transport = self._transport
        pins = transport.pins
        known = pins.client_now(self._url)
        if known is None:
            try:
                known = await pins.client_for(self._url)
            except _UseAiohttp:
                return await self._with_aiohttp()
        client, host = known
        request = transport.build(client, self._method, self._url, self._headers)
        try:
            response = await request.__aenter__()
        except DecodeError as exc:
            if "head is too large" in _cause_text(exc):
                return await self._with_aiohttp()
            raise
        except ConnectError:
            if host in pins.several:
                return await self._with_aiohttp()  # it tries the name's other addresses
            raise
        try:
            for _ in response.headers.values():
                pass  # each value made a str once: one that is not ASCII raises here
        except ValueError:
            await request.__aexit__(None, None, None)
            return await self._with_aiohttp()
        self._request = request
        return _ReqwestResponse(response, self._url)

    async def _with_aiohttp(self) -> Response:
        """What hyper refuses (or a pin cannot hold), fetched again through aiohttp."""
        self._fallback = self._transport.fallback().open(self._method, self._url, self._headers)
        return await self._fallback.__aenter__()

    async def __aexit__(self, *exc_info: object) -> None:
        if self._fallback is not None:
            await self._fallback.__aexit__(*exc_info)  # type: ignore[arg-type]
        elif self._request is not None:
            await self._request.__aexit__(None, None, None)


class ReqwestTransport:
    def __init__(self, options: FetchOptions, concurrency: int) -> None:
        self._options = options
        self._concurrency = concurrency
        self.pins = _Pins(options)
        self._aiohttp: Transport | None = None  # made for the first answer hyper refuses

    def open(self, method: str, url: str, headers: Mapping[str, str]) -> _Exchange:
        return _Exchange(self, method, url, headers)

    def build(
        self, client: Client, method: str, url: str, headers: Mapping[str, str]
    ) -> StreamRequest:
        """The request, not yet sent; InvalidRequestUrl when reqwest will not take it."""
        try:
            builder = client.request(method, url).headers(dict(headers))
            # the head as soon as it comes (by default pyreqwest waits for 64 KiB of body
            # first, so a trickling server's status would never be seen)
            return builder.streamed_read_buffer_limit(0).build_streamed()
        except (ValueError, BuilderError) as exc:
            raise InvalidRequestUrl(_last_cause(exc)) from None

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
            UnicodeError,  # a name the system resolver's IDNA codec refuses
            InvalidRequestUrl,
            BodyNotDecoded,
        )
        return mine + self._aiohttp.errors() if self._aiohttp is not None else mine

    def timeouts(self) -> tuple[type[BaseException], ...]:
        mine: tuple[type[BaseException], ...] = (RequestTimeoutError,)
        return mine + self._aiohttp.timeouts() if self._aiohttp is not None else mine

    def describe(self, exc: BaseException) -> tuple[LinkStatus, str]:
        if self._aiohttp is not None and not isinstance(exc, _OWN_ERRORS):
            return self._aiohttp.describe(exc)  # raised by the fallback
        return describe_reqwest_error(exc)

    async def close(self) -> None:
        await self.pins.close()
        if self._aiohttp is not None:
            await self._aiohttp.close()


# what this module and pyreqwest raise; anything else while the fallback is in use
# may be aiohttp's, and aiohttp's describer reads it
_OWN_ERRORS = (
    PyreqwestError,
    InvalidRequestUrl,
    BodyNotDecoded,
    PrivateAddressRefused,
    UnicodeError,
)


def describe_reqwest_error(exc: BaseException) -> tuple[LinkStatus, str]:
    """A failed reqwest request as a status and a one-line reason (the words the
    other clients use, so a run reads the same whichever client fetched)."""
    if isinstance(exc, UnicodeError):  # a name the system resolver's IDNA codec refuses
        return LinkStatus.UNREACHABLE, DNS_FAILURE
    if isinstance(exc, InvalidRequestUrl):
        return LinkStatus.INVALID, f"invalid URL: {exc}"
    if isinstance(exc, BodyNotDecoded):
        return LinkStatus.BROKEN, "body could not be decoded (bad Content-Encoding)"
    if not isinstance(exc, PyreqwestError):  # the address guard's, the lookup's
        common = describe_os_error(exc)
        return common or (LinkStatus.UNREACHABLE, f"{type(exc).__name__}: {innermost(exc)}")
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
