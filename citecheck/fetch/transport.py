"""What the async engine needs of an HTTP client: one request, its head, its body in
pieces. Two clients provide it: pyreqwest (Rust's reqwest, the default) and aiohttp
(where pyreqwest is not installed, and for the few answers reqwest refuses).

The engine keeps everything else (per-host queues, politeness, retries, redirects,
cookies, classification), so both clients give the same statuses for the same answers.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Literal, Protocol

from citecheck.fetch.classify import HeaderLookup
from citecheck.fetch.options import FetchOptions
from citecheck.models import LinkStatus

TransportName = Literal["reqwest", "aiohttp"]


class Headers(HeaderLookup, Protocol):
    """A response's headers: case-insensitive lookup, every value of a repeated one."""

    def __contains__(self, key: object, /) -> bool: ...

    def getall(self, key: str, /) -> list[str]: ...


class Response(Protocol):
    status: int
    headers: Headers
    url: str
    content_length: int | None  # of the decoded body, when known

    async def read(self, size: int) -> bytes:
        """Up to `size` bytes of the (decoded) body; b"" at its end."""
        ...

    def at_eof(self) -> bool: ...


class Transport(Protocol):
    def open(
        self, method: str, url: str, headers: Mapping[str, str]
    ) -> AbstractAsyncContextManager[Response]:
        """Send one request (never following a redirect); the body is read inside."""
        ...

    def errors(self) -> tuple[type[BaseException], ...]:
        """The exceptions that mean "this request failed" (not "the run failed")."""
        ...

    def timeouts(self) -> tuple[type[BaseException], ...]:
        """The exceptions of a connect or read timeout (retried like a 5xx)."""
        ...

    def describe(self, exc: BaseException) -> tuple[LinkStatus, str]:
        """A failed request as a status and a one-line reason."""
        ...

    async def close(self) -> None: ...


def installed_client(prefer: tuple[TransportName, ...]) -> TransportName:
    """The first client of `prefer` that is installed (aiohttp always is; pyreqwest may
    have no wheel for this platform)."""
    for name in prefer:
        if name == "aiohttp" or _has_pyreqwest():
            return name
    raise ValueError(f"no HTTP client among {list(prefer)}")


@functools.cache
def _has_pyreqwest() -> bool:
    return importlib.util.find_spec("pyreqwest") is not None


def load_client_modules(prefer: tuple[TransportName, ...]) -> None:
    """Import the chosen client's module in the calling thread, before the engine's
    worker thread starts: imported first inside that thread, pyreqwest's ClientBuilder
    crashed the process (SIGSEGV inside its native module, every run of
    benchmarks/links_cache.py; the cause inside pyreqwest was not found)."""
    if installed_client(prefer) == "reqwest":
        import citecheck.fetch.transport_reqwest  # noqa: F401  # loaded for its side


def make_transport(
    options: FetchOptions, concurrency: int, prefer: tuple[TransportName, ...]
) -> Transport:
    """The chosen client (installed_client). Call it inside the event loop that will
    use the transport."""
    if installed_client(prefer) == "reqwest":
        from citecheck.fetch.transport_reqwest import ReqwestTransport

        return ReqwestTransport(options, concurrency)
    from citecheck.fetch.transport_aiohttp import AiohttpTransport

    return AiohttpTransport(options, concurrency)
