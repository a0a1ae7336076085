"""url -> Fetch: one GET per hop, redirects followed by hand, the address guard at
every hop, a body size cap, an overall deadline, and a short retry for 429/503.

`Fetcher.fetch` never raises for a problem with one URL: the problem becomes the
Fetch's status and a one-line `error`.
"""

from __future__ import annotations

import contextlib
import html
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import idna
import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.utils import requote_uri

from citecheck.errors import CitecheckError
from citecheck.models import Fetch, LinkStatus, Redirect
from citecheck.netguard import is_private_host, parse_literal_address
from citecheck.replay import WARC_TRUNCATED_ATTRIBUTE, NotInReplayArchive, is_replay_session

if TYPE_CHECKING:
    from citecheck.replay import WarcRecorder

BLOCKED_CODES = frozenset({401, 403, 429, 451})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_CODES = frozenset({429, 503})
SUPPORTED_SCHEMES = frozenset({"http", "https"})
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf;q=0.8,*/*;q=0.5"
CHUNK_SIZE = 16 * 1024
REDIRECT_BODY_LIMIT = 64 * 1024  # enough to record a redirect page, never a whole site
MAX_VISITS = 2  # a URL may come back once (cookie-setting self-redirects), not three times


@dataclass(frozen=True)
class FetchOptions:
    timeout: float = 15.0  # read timeout per request
    connect_timeout: float = 5.0
    deadline: float = 30.0  # overall per URL incl. redirects and body
    max_bytes: int = 10 * 2**20  # body cap; the body is cut there and Fetch.truncated=True
    max_redirects: int = 10
    user_agent: str = "citecheck/0.1 (+https://example.org/citecheck)"
    allow_private: bool = False
    offline: bool = False  # fetch nothing: every URL is EXCLUDED with error "offline"
    retries: int = 1  # extra tries after a 429/503, only when the wait is short
    retry_after_max: float = 3.0  # longest Retry-After honoured; longer means no retry
    retry_backoff: float = 0.5  # wait before a retry when the server gives no Retry-After


@dataclass(frozen=True)
class UrlProblem:
    status: LinkStatus
    error: str


class _DeadlineExceeded(Exception):
    pass


@dataclass
class _Deadline:
    seconds: float
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def expired(self) -> bool:
        return self.remaining() <= 0


def url_problem(url: str) -> UrlProblem | None:
    """Why `url` cannot be fetched at all (INVALID or UNSUPPORTED), or None if it can."""
    if not url:
        return UrlProblem(LinkStatus.INVALID, "empty URL")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return UrlProblem(LinkStatus.INVALID, "URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError as exc:
        return UrlProblem(LinkStatus.INVALID, f"unparseable URL: {exc}")
    scheme = parts.scheme.lower()
    if not scheme or "." in scheme:
        return UrlProblem(LinkStatus.INVALID, "not an absolute URL")
    if scheme not in SUPPORTED_SCHEMES:
        return UrlProblem(LinkStatus.UNSUPPORTED, f"unsupported scheme: {scheme}")
    if not host:
        return UrlProblem(LinkStatus.INVALID, "URL has no host")
    if not _is_valid_host(host):
        return UrlProblem(LinkStatus.INVALID, f"invalid host name: {host}")
    return None


def _is_valid_host(host: str) -> bool:
    if parse_literal_address(host) is not None:
        return True
    name = ascii_host(host)
    if name is None:
        return False
    labels = name.rstrip(".").split(".")
    if any(not label or len(label) > 63 for label in labels):
        return False
    try:
        for label in labels:
            if label.lower().startswith("xn--"):
                idna.decode(label)
    except idna.IDNAError:
        return False
    return True


def ascii_host(host: str) -> str | None:
    """The host as DNS sees it (IDNA/punycode), or None if it is not a valid name."""
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None


def retry_wait(retry_after: str | None, default: float) -> float | None:
    """Seconds to wait per a Retry-After header (seconds or an HTTP date); None if unreadable."""
    if retry_after is None:
        return default
    text = retry_after.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# Soft 404s. Phrases a "not found" page puts in its <title> or first <h1>. "does not
# exist" alone would flag articles ("Why the aether does not exist"), so the weaker
# phrases need a word naming the page itself, or a title short enough to be a label.
_TITLE = re.compile(rb"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_FIRST_H1 = re.compile(rb"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ALWAYS_NOT_FOUND = re.compile(r"\b404\b|\bpage not found\b|^\W*not found\b", re.IGNORECASE)
_MISSING = (
    r"(?:not found|could not be found|cannot be found|does not exist|doesn't exist"
    r"|no longer available)"
)
_PAGE_WORD = r"(?:page|article|story|content|post|document|resource|url)"
_PAGE_MISSING = re.compile(rf"\b{_PAGE_WORD}s?\b.{{0,60}}?\b{_MISSING}", re.IGNORECASE)
_SHORT_MISSING = re.compile(rf"\b{_MISSING}\b", re.IGNORECASE)
_SHORT_LABEL_WORDS = 4
_HTML_SNIFF_BYTES = 256 * 1024


def _heading_text(match: re.Match[bytes] | None, charset: str) -> str | None:
    if match is None:
        return None
    text = html.unescape(_TAG.sub(" ", match.group(1).decode(charset, errors="replace")))
    return " ".join(text.split()) or None


def _says_not_found(text: str) -> bool:
    if _ALWAYS_NOT_FOUND.search(text) or _PAGE_MISSING.search(text):
        return True
    return len(text.split()) <= _SHORT_LABEL_WORDS and bool(_SHORT_MISSING.search(text))


def soft_404_reason(
    url: str, final_url: str, redirected: bool, headers: Mapping[str, str], body: bytes
) -> str | None:
    """Why a 2xx answer is really "not found", or None.

    A page whose <title> or first <h1> says so, or a redirect from a deep path to
    the site root.
    """
    if redirected and urlsplit(url).path not in ("", "/") and urlsplit(final_url).path in ("", "/"):
        return "soft 404: redirected to the site root"
    content_type = (headers.get("Content-Type") or "").lower()
    head = body[:_HTML_SNIFF_BYTES]
    if "html" not in content_type and not (not content_type and head.lstrip()[:1] == b"<"):
        return None
    charset_match = re.search(r"charset=([\w.-]+)", content_type)
    charset = charset_match.group(1) if charset_match else "utf-8"
    try:
        "".encode(charset)
    except LookupError:
        charset = "utf-8"
    for where, pattern in (("title", _TITLE), ("heading", _FIRST_H1)):
        text = _heading_text(pattern.search(head), charset)
        if text and _says_not_found(text):
            return f'soft 404: page {where} says "{text[:80]}"'
    return None


def make_session(options: FetchOptions) -> requests.Session:
    """The live session recipe: pooled connections, no urllib3 retries (ours are explicit)."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=32, pool_maxsize=4, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = options.user_agent
    return session


def describe_request_error(exc: Exception) -> tuple[LinkStatus, str]:
    """A requests/urllib3 failure as a status and a one-line reason."""
    if isinstance(exc, NotInReplayArchive):
        return LinkStatus.UNREACHABLE, str(exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return LinkStatus.TIMEOUT, "connect timeout"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return LinkStatus.TIMEOUT, "read timeout"
    if isinstance(exc, requests.exceptions.SSLError):
        return LinkStatus.UNREACHABLE, f"TLS error: {_innermost(exc)}"
    if isinstance(exc, requests.exceptions.ProxyError):
        return LinkStatus.UNREACHABLE, f"proxy error: {_innermost(exc)}"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return LinkStatus.BROKEN, "body could not be decoded (bad Content-Encoding)"
    if isinstance(
        exc,
        requests.exceptions.InvalidURL
        | requests.exceptions.InvalidSchema
        | requests.exceptions.MissingSchema
        | urllib3.exceptions.LocationValueError,
    ):
        return LinkStatus.INVALID, f"invalid URL: {_innermost(exc)}"
    if isinstance(
        exc, requests.exceptions.ConnectionError | requests.exceptions.ChunkedEncodingError
    ):
        return _describe_connection_error(exc)
    return LinkStatus.UNREACHABLE, f"{type(exc).__name__}: {_innermost(exc)}"


def _describe_connection_error(exc: Exception) -> tuple[LinkStatus, str]:
    chain = _causes(exc)
    if any(isinstance(e, urllib3.exceptions.NameResolutionError | socket.gaierror) for e in chain):
        return LinkStatus.UNREACHABLE, "DNS failure: host name does not resolve"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return LinkStatus.UNREACHABLE, "connection refused"
    if any(isinstance(e, ConnectionResetError | BrokenPipeError) for e in chain):
        return LinkStatus.UNREACHABLE, "connection reset"
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
        return LinkStatus.UNREACHABLE, f"TLS error: {_innermost(exc)}"
    if any(isinstance(e, urllib3.exceptions.ProtocolError) for e in chain):
        return LinkStatus.UNREACHABLE, f"connection broken: {_innermost(exc)}"
    return LinkStatus.UNREACHABLE, f"connection failed: {_innermost(exc)}"


def _causes(exc: BaseException) -> list[BaseException]:
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
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            pending.append(reason)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return found


def _innermost(exc: BaseException) -> str:
    chain = _causes(exc)
    text = str(chain[-1]) or str(exc) or type(exc).__name__
    return " ".join(text.split())[:200]


def _cut_connection(response: requests.Response) -> None:
    """Shut the socket under a response so a read blocked on a trickling server returns."""
    raw = response.raw
    connection = getattr(raw, "_connection", None) or getattr(raw, "connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _raw_headers(response: requests.Response) -> list[tuple[str, str]]:
    raw_headers = getattr(response.raw, "headers", None)
    if raw_headers is not None and hasattr(raw_headers, "items"):
        return [(str(k), str(v)) for k, v in raw_headers.items()]
    return list(response.headers.items())


class Fetcher:
    """Fetches URLs into Fetch values. One requests.Session per thread."""

    def __init__(
        self,
        options: FetchOptions = FetchOptions(),  # frozen, so sharing is safe
        *,
        session_factory: Callable[[], requests.Session] | None = None,
        recorder: WarcRecorder | None = None,
        resolve_dns: bool = True,
    ) -> None:
        self.options = options
        self._session_factory = session_factory or (lambda: make_session(options))
        self._recorder = recorder
        self._resolve_dns = resolve_dns
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._executor_workers = 0

    # -- sessions -----------------------------------------------------------------

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._session_factory()
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        for session in sessions:
            session.close()
        self._local = threading.local()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- fetching -----------------------------------------------------------------

    def fetch_many(self, urls: Iterable[str], workers: int = 16) -> Generator[Fetch, None, None]:
        """Fetch in a thread pool; yields each Fetch as it completes (not in input order)."""
        pool = self._pool(max(1, workers))
        pending: set[Future[Fetch]] = set()
        try:
            # keep a bounded number in flight so a huge input is not queued all at once
            for url in urls:
                pending.add(pool.submit(self.fetch, url))
                if len(pending) >= workers * 4:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (future.result() for future in done)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
        finally:
            for future in pending:
                future.cancel()

    def _pool(self, workers: int) -> ThreadPoolExecutor:
        """The worker pool, kept between calls so its threads keep their sessions."""
        with self._sessions_lock:
            if self._executor is None or self._executor_workers != workers:
                if self._executor is not None:
                    self._executor.shutdown(wait=False)
                self._executor = ThreadPoolExecutor(workers, thread_name_prefix="fetch")
                self._executor_workers = workers
            return self._executor

    def fetch(self, url: str) -> Fetch:
        """GET `url` and say what it is: never raises for a problem with the URL itself."""
        fetched_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        deadline = _Deadline(self.options.deadline)
        if self.options.offline:
            return self._result(url, deadline, fetched_at, LinkStatus.EXCLUDED, error="offline")
        try:
            return self._follow(url, deadline, fetched_at)
        except CitecheckError:
            raise  # run-level trouble (an unwritable WARC), not this URL's
        except Exception as exc:  # one odd URL must not end a long run; say what happened
            return self._result(
                url,
                deadline,
                fetched_at,
                LinkStatus.UNREACHABLE,
                error=f"unexpected {type(exc).__name__}: {_innermost(exc)}",
            )

    def _result(
        self, url: str, deadline: _Deadline, fetched_at: str, status: LinkStatus, **fields: object
    ) -> Fetch:
        elapsed_ms = round((time.monotonic() - deadline.started) * 1000, 1)
        via = "replay" if self._is_replay() else "live"
        return Fetch(
            url=url,
            status=status,
            elapsed_ms=elapsed_ms,
            fetched_at=fetched_at,
            via=via,
            **fields,  # type: ignore[arg-type]  # keyword fields of Fetch, checked at runtime
        )

    def _is_replay(self) -> bool:
        return is_replay_session(self._session())

    def _refusal(self, url: str) -> UrlProblem | None:
        problem = url_problem(url)
        if problem is not None or self.options.allow_private:
            return problem
        host = ascii_host(urlsplit(url).hostname or "") or ""
        resolve = self._resolve_dns and not self._is_replay()
        if is_private_host(host, resolve=resolve):
            return UrlProblem(LinkStatus.EXCLUDED, "private address")
        return None

    def _follow(self, url: str, deadline: _Deadline, fetched_at: str) -> Fetch:
        session = self._session()
        session.cookies.clear()  # cookies from one citation must not shape another's answer
        redirects: list[Redirect] = []
        visits: Counter[str] = Counter({url: 1})
        current = url

        def finish(status: LinkStatus, **fields: object) -> Fetch:
            return self._result(
                url, deadline, fetched_at, status, redirects=tuple(redirects), **fields
            )

        while True:
            refusal = self._refusal(current)
            if refusal is not None:
                error = refusal.error
                if redirects and refusal.status is not LinkStatus.EXCLUDED:
                    error = f"redirect to {current}: {error}"
                return finish(refusal.status, final_url=current if redirects else None, error=error)
            if deadline.expired():
                return finish(LinkStatus.TIMEOUT, final_url=current, error="deadline exceeded")
            try:
                response = self._get(session, current, deadline)
            except _DeadlineExceeded:
                return finish(LinkStatus.TIMEOUT, final_url=current, error="deadline exceeded")
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
                status, error = describe_request_error(exc)
                if status is LinkStatus.TIMEOUT and deadline.expired():
                    error = "deadline exceeded"
                return finish(status, final_url=current, error=error)

            code = response.status_code
            # requests' helper repairs Location headers sent as raw UTF-8
            location = session.get_redirect_target(response)
            if code in REDIRECT_CODES and location:
                self._record_redirect(response, deadline)
                redirects.append(Redirect(current, code))
                try:
                    # browsers percent-encode spaces and non-ASCII in Location; so do we
                    next_url = requote_uri(urljoin(response.url or current, location.strip()))
                except ValueError:
                    return finish(
                        LinkStatus.INVALID,
                        http_status=code,
                        final_url=current,
                        error=f"redirect to an invalid URL: {location[:200]}",
                    )
                visits[next_url] += 1
                if visits[next_url] > MAX_VISITS:
                    return finish(
                        LinkStatus.BROKEN,
                        http_status=code,
                        final_url=current,
                        error="redirect loop",
                    )
                if len(redirects) > self.options.max_redirects:
                    return finish(
                        LinkStatus.BROKEN,
                        http_status=code,
                        final_url=current,
                        error="too many redirects",
                    )
                current = next_url
                continue

            try:
                body, truncated = self._read_body(response, deadline)
            except _DeadlineExceeded:
                return finish(
                    LinkStatus.TIMEOUT,
                    http_status=code,
                    final_url=current,
                    error="deadline exceeded",
                )
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
                status, error = describe_request_error(exc)
                if deadline.expired():
                    status, error = LinkStatus.TIMEOUT, "deadline exceeded"
                return finish(status, http_status=code, final_url=current, error=error)
            finally:
                response.close()
            self._record(response, body, truncated)
            final_status, final_error = self._classify(
                url, current, code, redirects, response, body
            )
            return finish(
                final_status,
                http_status=code,
                final_url=current,
                content_type=response.headers.get("Content-Type"),
                body=body,
                truncated=truncated,
                error=final_error,
            )

    def _get(self, session: requests.Session, url: str, deadline: _Deadline) -> requests.Response:
        """One hop's GET, retried briefly on 429/503 when the server asks for a short wait."""
        options = self.options
        headers = {"User-Agent": options.user_agent, "Accept": ACCEPT}
        attempt = 0
        while True:
            remaining = deadline.remaining()
            if remaining <= 0:
                raise _DeadlineExceeded
            timeout = (min(options.connect_timeout, remaining), min(options.timeout, remaining))
            response = session.get(
                url, headers=headers, stream=True, allow_redirects=False, timeout=timeout
            )
            if response.status_code not in RETRY_CODES or attempt >= options.retries:
                return response
            wait_seconds = retry_wait(
                response.headers.get("Retry-After"), options.retry_backoff * (attempt + 1)
            )
            if (
                wait_seconds is None
                or wait_seconds > options.retry_after_max
                or wait_seconds >= deadline.remaining()
            ):
                return response
            response.close()
            time.sleep(wait_seconds)
            attempt += 1

    def _read_body(self, response: requests.Response, deadline: _Deadline) -> tuple[bytes, bool]:
        """The decoded body up to max_bytes, and whether it was cut there.

        The overall deadline is checked between chunks; a watchdog shuts the socket at
        the deadline so a server trickling bytes slower than the read timeout cannot
        hold a read open past it.
        """
        limit = self.options.max_bytes
        watchdog = threading.Timer(max(deadline.remaining(), 0.0), _cut_connection, (response,))
        watchdog.daemon = True
        watchdog.start()
        chunks: list[bytes] = []
        total = 0
        truncated = False
        try:
            for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
                if deadline.expired():
                    raise _DeadlineExceeded
                room = limit - total
                if len(chunk) > room:
                    chunks.append(chunk[:room])
                    truncated = True
                    break
                chunks.append(chunk)
                total += len(chunk)
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError):
            if deadline.expired():
                raise _DeadlineExceeded from None
            raise
        finally:
            watchdog.cancel()
        # a replayed body the recording had already cut short
        truncated = truncated or bool(getattr(response, WARC_TRUNCATED_ATTRIBUTE, False))
        if deadline.expired() and not truncated:
            # the watchdog may have cut the stream short without an error
            raise _DeadlineExceeded
        return b"".join(chunks), truncated

    def _classify(
        self,
        url: str,
        final_url: str,
        code: int,
        redirects: list[Redirect],
        response: requests.Response,
        body: bytes,
    ) -> tuple[LinkStatus, str | None]:
        if 200 <= code < 300:
            reason = soft_404_reason(url, final_url, bool(redirects), response.headers, body)
            if reason is not None:
                return LinkStatus.SOFT_404, reason
            return (LinkStatus.REDIRECTED if redirects else LinkStatus.OK), None
        if code in BLOCKED_CODES:
            return LinkStatus.BLOCKED, f"HTTP {code}"
        if code in REDIRECT_CODES:
            return LinkStatus.BROKEN, f"HTTP {code} without a Location header"
        return LinkStatus.BROKEN, f"HTTP {code}"

    # -- recording ----------------------------------------------------------------

    def _record(self, response: requests.Response, body: bytes, truncated: bool) -> None:
        if self._recorder is None:
            return
        self._recorder.record(
            response.url,
            response.status_code,
            response.reason or "",
            _raw_headers(response),
            body,
            request_headers=[(str(k), str(v)) for k, v in response.request.headers.items()],
            truncated=truncated,
        )

    def _record_redirect(self, response: requests.Response, deadline: _Deadline) -> None:
        """Record a redirect hop (with a small body) and free its connection."""
        if self._recorder is None:
            response.close()
            return
        body = b""
        truncated = False
        with contextlib.suppress(requests.exceptions.RequestException, _DeadlineExceeded):
            for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
                body += chunk
                if len(body) > REDIRECT_BODY_LIMIT or deadline.expired():
                    body, truncated = body[:REDIRECT_BODY_LIMIT], True
                    break
        response.close()
        self._record(response, body, truncated)
