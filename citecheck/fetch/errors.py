"""A transport failure (requests/urllib3, aiohttp; pyreqwest's in transport_reqwest)
as a status and a one-line reason.

Every client says the same thing for the same failure: "connection refused", "read
timeout", "DNS failure: host name does not resolve", ...
"""

from __future__ import annotations

import socket

from citecheck.models import LinkStatus

DNS_FAILURE = "DNS failure: host name does not resolve"


class DeadlineExceeded(Exception):
    """The URL's overall deadline passed (raised inside an engine, never outside)."""


class PrivateAddressRefused(OSError):
    """A host name resolved to a private address while allow_private is off."""


def describe_os_error(exc: BaseException) -> tuple[LinkStatus, str] | None:
    """What every client says alike, whichever library raised it: the address guard's
    refusal, a name that does not resolve, a refused or reset connection. None when
    the failure is none of these (the client's own describer goes on)."""
    chain = causes(exc)
    if any(isinstance(e, PrivateAddressRefused) for e in chain):
        return LinkStatus.EXCLUDED, "private address"
    if any(isinstance(e, socket.gaierror) for e in chain):
        return LinkStatus.UNREACHABLE, DNS_FAILURE
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return LinkStatus.UNREACHABLE, "connection refused"
    if any(isinstance(e, ConnectionResetError | BrokenPipeError) for e in chain):
        return LinkStatus.UNREACHABLE, "connection reset"
    return None


def describe_request_error(exc: Exception) -> tuple[LinkStatus, str]:
    """A requests/urllib3 failure as a status and a one-line reason."""
    # imported here: only a failed fetch needs them, and a run that fetches nothing
    # (or only through aiohttp) should not pay for loading requests
    import requests
    import urllib3.exceptions

    from citecheck.replay import NotInReplayArchive

    if isinstance(exc, NotInReplayArchive):
        return LinkStatus.UNREACHABLE, str(exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return LinkStatus.TIMEOUT, "connect timeout"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return LinkStatus.TIMEOUT, "read timeout"
    if isinstance(exc, requests.exceptions.SSLError):
        return LinkStatus.UNREACHABLE, f"TLS error: {innermost(exc)}"
    if isinstance(exc, requests.exceptions.ProxyError):
        return LinkStatus.UNREACHABLE, f"proxy error: {innermost(exc)}"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return LinkStatus.BROKEN, "body could not be decoded (bad Content-Encoding)"
    if isinstance(
        exc,
        requests.exceptions.InvalidURL
        | requests.exceptions.InvalidSchema
        | requests.exceptions.MissingSchema
        | urllib3.exceptions.LocationValueError,
    ):
        return LinkStatus.INVALID, f"invalid URL: {innermost(exc)}"
    if isinstance(
        exc, requests.exceptions.ConnectionError | requests.exceptions.ChunkedEncodingError
    ):
        return _describe_connection_error(exc)
    return LinkStatus.UNREACHABLE, f"{type(exc).__name__}: {innermost(exc)}"


def _describe_connection_error(exc: Exception) -> tuple[LinkStatus, str]:
    import urllib3.exceptions  # loaded already: only requests' errors come here

    common = describe_os_error(exc)  # the guard's refusal at connect time (pinning), ...
    if common is not None:
        return common
    chain = causes(exc)
    if any(isinstance(e, urllib3.exceptions.NameResolutionError) for e in chain):
        return LinkStatus.UNREACHABLE, DNS_FAILURE
    # urllib3's NewConnectionError subclasses ConnectTimeoutError: not every one is a timeout
    if any(
        isinstance(e, urllib3.exceptions.ConnectTimeoutError)
        and not isinstance(e, urllib3.exceptions.NewConnectionError)
        for e in chain
    ):
        return LinkStatus.TIMEOUT, "connect timeout"
    if any(isinstance(e, urllib3.exceptions.ReadTimeoutError | TimeoutError) for e in chain):
        return LinkStatus.TIMEOUT, "read timeout"
    if any(isinstance(e, urllib3.exceptions.SSLError) for e in chain):
        return LinkStatus.UNREACHABLE, f"TLS error: {innermost(exc)}"
    if any(isinstance(e, urllib3.exceptions.ProtocolError) for e in chain):
        return LinkStatus.UNREACHABLE, f"connection broken: {innermost(exc)}"
    return LinkStatus.UNREACHABLE, f"connection failed: {innermost(exc)}"


def describe_aiohttp_error(exc: BaseException) -> tuple[LinkStatus, str]:
    """An aiohttp failure as a status and a one-line reason (the requests wording)."""
    # loaded already by the engine that raised; not with this module (~100 ms together)
    import asyncio

    import aiohttp

    common = describe_os_error(exc)
    if common is not None:
        return common
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return LinkStatus.TIMEOUT, "connect timeout"
    if isinstance(exc, aiohttp.SocketTimeoutError | asyncio.TimeoutError):
        return LinkStatus.TIMEOUT, "read timeout"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return LinkStatus.UNREACHABLE, DNS_FAILURE
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return LinkStatus.UNREACHABLE, f"TLS error: {innermost(exc)}"
    if isinstance(exc, aiohttp.ClientPayloadError) and "encoding" in str(exc).lower():
        return LinkStatus.BROKEN, "body could not be decoded (bad Content-Encoding)"
    if isinstance(exc, aiohttp.InvalidURL):
        return LinkStatus.INVALID, f"invalid URL: {innermost(exc)}"
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return LinkStatus.UNREACHABLE, f"connection broken: {innermost(exc)}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return LinkStatus.UNREACHABLE, f"connection failed: {innermost(exc)}"
    return LinkStatus.UNREACHABLE, f"{type(exc).__name__}: {innermost(exc)}"


def causes(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and contexts, and the exceptions wrapped in their args
    (requests and urllib3 wrap errors in args rather than chaining them)."""
    found: list[BaseException] = []
    pending: list[BaseException] = [exc]
    while pending and len(found) < 20:
        current = pending.pop()
        if any(current is seen for seen in found):
            continue
        found.append(current)
        pending.extend(a for a in current.args if isinstance(a, BaseException))
        for attribute in ("reason", "os_error"):
            linked = getattr(current, attribute, None)
            if isinstance(linked, BaseException):
                pending.append(linked)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return found


def innermost(exc: BaseException) -> str:
    chain = causes(exc)
    text = str(chain[-1]) or str(exc) or type(exc).__name__
    return " ".join(text.split())[:200]
