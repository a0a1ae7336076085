"""The requests engine: one Session per thread. Serves `Fetcher.fetch`, and every
fetch of a Fetcher given a session factory (WARC replay) or a WARC recorder, since
those work through requests' transport adapters."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from citecheck.errors import CitecheckError
from citecheck.fetch.chain import Chain, Deadline
from citecheck.fetch.classify import (
    REDIRECT_CODES,
    body_limit,
    classify_answer,
    get_after_head,
    get_at_once,
)
from citecheck.fetch.errors import DeadlineExceeded, describe_request_error, innermost
from citecheck.fetch.headers import request_headers
from citecheck.fetch.hosts import HostPacer, HostSlots
from citecheck.fetch.options import FetchOptions
from citecheck.fetch.pinning import PinnedAdapter
from citecheck.fetch.retries import pauses_host, quota_reset, retry_delay
from citecheck.fetch.urls import host_key
from citecheck.models import Fetch, LinkStatus
from citecheck.replay import WARC_TRUNCATED_ATTRIBUTE, is_replay_session

# http.client gives up on an answer with more than 100 headers ("connection broken");
# browsers show the page and aiohttp reads up to 128. Raised (process-wide, it is
# http.client's one setting) to aiohttp's bound.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 128)  # type: ignore[attr-defined]

if TYPE_CHECKING:
    from citecheck.replay import WarcRecorder

CHUNK_SIZE = 16 * 1024
REDIRECT_BODY_LIMIT = 64 * 1024  # enough to record a redirect page, never a whole site
KEEP_ALIVE_DRAIN = 64 * 1024  # read a small unwanted body anyway, so the connection is reused
_TRANSPORT_ERRORS = (requests.exceptions.RequestException, urllib3.exceptions.HTTPError)


def make_session(options: FetchOptions) -> requests.Session:
    """The live session recipe: pooled connections, no urllib3 retries (ours are explicit)."""
    session = requests.Session()
    # Without allow_private, every connection goes to the address the guard checked.
    adapter_class = HTTPAdapter if options.allow_private else PinnedAdapter
    adapter = adapter_class(pool_connections=32, pool_maxsize=4, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = options.user_agent
    if options.insecure:
        session.verify = False
        # asked for: not a warning on stderr for every request
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    return session


class _Exchange:
    """One request's answer: the response (closed) and the body read from it."""

    def __init__(self, response: requests.Response, body: bytes, truncated: bool) -> None:
        self.response = response
        self.body = body
        self.truncated = truncated


class SyncEngine:
    def __init__(
        self,
        options: FetchOptions,
        pacer: HostPacer,
        *,
        session_factory: Callable[[], requests.Session] | None = None,
        recorder: WarcRecorder | None = None,
        resolve_dns: bool = True,
    ) -> None:
        self.options = options
        self._pacer = pacer
        self._slots = HostSlots(options.host_concurrency)
        self._session_factory = session_factory or (lambda: make_session(options))
        self._recorder = recorder
        self._secret_headers = _given_header_names(options)
        self._resolve_dns = resolve_dns
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._session_factory()
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def is_replay(self) -> bool:
        return is_replay_session(self.session())

    def close(self) -> None:
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()

    def fetch(self, url: str, need_body: bool = True, known_failure: bool = False) -> Fetch:
        chain = Chain(
            url,
            self.options,
            deadline=Deadline(self.options.deadline),
            via="replay" if self.is_replay() else "live",
        )
        try:
            return self._follow(chain, need_body, known_failure)
        except CitecheckError:
            raise  # run-level trouble (an unwritable WARC), not this URL's
        except Exception as exc:  # one odd URL must not end a long run; say what happened
            return chain.finish(
                LinkStatus.UNREACHABLE, error=f"unexpected {type(exc).__name__}: {innermost(exc)}"
            )

    # -- the chain ------------------------------------------------------------------

    def _follow(self, chain: Chain, need_body: bool, known_failure: bool) -> Fetch:
        session = self.session()
        session.cookies.clear()  # cookies from one citation must not shape another's answer
        resolve = self._resolve_dns and chain.via == "live"
        while True:
            refused = chain.refused(resolve=resolve)
            if refused is not None:
                return refused
            if chain.deadline.expired():
                return chain.timed_out()
            try:
                answer = self._hop(session, chain, need_body, known_failure)
            except DeadlineExceeded:
                return chain.timed_out()
            except _TRANSPORT_ERRORS as exc:
                status, error = describe_request_error(exc)
                if status is LinkStatus.TIMEOUT and chain.deadline.expired():
                    error = "deadline exceeded"
                return chain.finish(status, error=error)
            if isinstance(answer, Fetch):
                return answer
            response = answer.response
            code = response.status_code
            # requests' helper repairs Location headers sent as raw UTF-8
            location = session.get_redirect_target(response)
            if code in REDIRECT_CODES and location:
                stop = chain.redirect(code, location, response.url or chain.current)
                if stop is not None:
                    return chain.finish(stop.status, http_status=code, error=stop.error)
                continue
            status, reason = classify_answer(
                chain.url, chain.current, code, bool(chain.redirects), response.headers, answer.body
            )
            return chain.finish(
                status,
                http_status=code,
                content_type=response.headers.get("Content-Type"),
                body=answer.body if need_body else None,
                truncated=answer.truncated and need_body,
                error=reason,
            )

    def _hop(
        self, session: requests.Session, chain: Chain, need_body: bool, known_failure: bool
    ) -> _Exchange | Fetch:
        """One hop: HEAD and/or GET per the method option (GET alone when
        `get_at_once`: the body is wanted, or the URL failed when last fetched)."""
        method = self.options.method
        if get_at_once(method, need_body, known_failure):
            return self._exchange(session, "GET", chain, need_body)
        try:
            head = self._exchange(session, "HEAD", chain, need_body)
        except _TRANSPORT_ERRORS:
            if chain.deadline.expired():
                raise DeadlineExceeded from None
            return self._exchange(session, "GET", chain, need_body)  # another HEAD failure
        if isinstance(head, Fetch):
            return head
        response = head.response
        if get_after_head(response.status_code, response.headers, need_body, method):
            return self._exchange(session, "GET", chain, need_body)
        return head

    def _exchange(
        self, session: requests.Session, method: str, chain: Chain, need_body: bool
    ) -> _Exchange | Fetch:
        """One request with its retries, each try in its host's turn."""
        url = chain.current
        host = host_key(url)
        attempt = 0
        while True:
            delay: float | None = None
            with self._host_turn(host, chain.deadline):
                try:
                    response = self._request(session, method, url, chain.deadline)
                except (requests.exceptions.ConnectTimeout, requests.exceptions.ReadTimeout):
                    delay = retry_delay(
                        attempt, None, None, self.options, chain.deadline.remaining()
                    )
                    if delay is None:
                        raise
                    response = None
                if response is not None:
                    code = response.status_code
                    reset = quota_reset(response.headers.get)
                    delay = retry_delay(
                        attempt,
                        code,
                        response.headers.get("Retry-After"),
                        self.options,
                        chain.deadline.remaining(),
                        reset,
                    )
                    if delay is None:
                        if reset:  # this answer stands; the host's next ones wait
                            self._pacer.back_off(host, min(reset, self.options.retry_after_max))
                        return self._read(response, method, chain, need_body)
                    response.close()
                    if pauses_host(code, reset):
                        self._pacer.back_off(host, delay)  # the whole host waits, not just us
            time.sleep(delay or 0.0)
            attempt += 1

    @contextlib.contextmanager
    def _host_turn(self, host: str, deadline: Deadline):  # type: ignore[no-untyped-def]  # a context manager
        slot = self._slots(host)
        if not slot.acquire(timeout=max(deadline.remaining(), 0.0)):
            raise DeadlineExceeded
        try:
            wait = self._pacer.reserve(host)
            if wait >= deadline.remaining():
                raise DeadlineExceeded
            if wait > 0:
                time.sleep(wait)
            yield
        finally:
            slot.release()

    def _request(
        self, session: requests.Session, method: str, url: str, deadline: Deadline
    ) -> requests.Response:
        remaining = deadline.remaining()
        if remaining <= 0:
            raise DeadlineExceeded
        options = self.options
        timeout = (min(options.connect_timeout, remaining), min(options.timeout, remaining))
        return session.request(
            method,
            url,
            headers=request_headers(url, options),
            stream=True,
            allow_redirects=False,
            timeout=timeout,
            # given here, not only on the session: a CA bundle variable would win over it
            verify=False if options.insecure else None,
        )

    def _read(
        self, response: requests.Response, method: str, chain: Chain, need_body: bool
    ) -> _Exchange | Fetch:
        """Read what is wanted of the body (inside the host's turn) and close the response."""
        code = response.status_code
        try:
            if method == "HEAD":
                return _Exchange(response, b"", False)
            if code in REDIRECT_CODES and response.headers.get("Location"):
                if self._recorder is None:
                    return _Exchange(response, b"", False)
                body, truncated = b"", True
                with contextlib.suppress(*_TRANSPORT_ERRORS, DeadlineExceeded):
                    body, truncated = self._read_body(
                        response, chain.deadline, REDIRECT_BODY_LIMIT
                    )
                self._record(response, body, truncated)
                return _Exchange(response, body, truncated)
            limit = self.options.max_bytes
            if not need_body and self._recorder is None:
                limit = body_limit(response.headers, need_body, limit) if code < 300 else 0
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) <= KEEP_ALIVE_DRAIN:
                    limit = max(limit, int(length))
            try:
                body, truncated = self._read_body(response, chain.deadline, limit)
            except DeadlineExceeded:
                return chain.timed_out(http_status=code)
            except _TRANSPORT_ERRORS as exc:
                status, error = describe_request_error(exc)
                if chain.deadline.expired():
                    status, error = LinkStatus.TIMEOUT, "deadline exceeded"
                return chain.finish(status, http_status=code, error=error)
            self._record(response, body, truncated)
            return _Exchange(response, body, truncated)
        finally:
            response.close()

    def _read_body(
        self, response: requests.Response, deadline: Deadline, limit: int
    ) -> tuple[bytes, bool]:
        """The decoded body up to `limit` bytes, and whether it was cut there.

        The overall deadline is checked between chunks; a watchdog shuts the socket at
        the deadline so a server trickling bytes slower than the read timeout cannot
        hold a read open past it.
        """
        if limit <= 0:
            return b"", False
        watchdog = threading.Timer(max(deadline.remaining(), 0.0), _cut_connection, (response,))
        watchdog.daemon = True
        watchdog.start()
        chunks: list[bytes] = []
        total = 0
        truncated = False
        try:
            for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
                if deadline.expired():
                    raise DeadlineExceeded
                room = limit - total
                if len(chunk) > room:
                    chunks.append(chunk[:room])
                    truncated = True
                    break
                chunks.append(chunk)
                total += len(chunk)
        except _TRANSPORT_ERRORS:
            if deadline.expired():
                raise DeadlineExceeded from None
            raise
        finally:
            watchdog.cancel()
        # a replayed body the recording had already cut short
        truncated = truncated or bool(getattr(response, WARC_TRUNCATED_ATTRIBUTE, False))
        if deadline.expired() and not truncated:
            # the watchdog may have cut the stream short without an error
            raise DeadlineExceeded
        return b"".join(chunks), truncated

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
            secret_headers=self._secret_headers,
        )


def _given_header_names(options: FetchOptions) -> frozenset[str]:
    """Names of the headers the user chose (--header, any host) or the GitHub token rides
    in: their values may be secrets, so a WARC records only the names."""
    names = set(options.headers)
    for extra in options.host_headers.values():
        names.update(extra)
    if options.github_token:
        names.add("Authorization")
    return frozenset(names)


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
