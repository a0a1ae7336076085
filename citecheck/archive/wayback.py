"""The Wayback Machine: find the capture of a URL closest to a date, and fetch its bytes.

How waybackpy is used, and why not more of it: waybackpy 3.0.6 sets no timeouts, makes
its own `requests` sessions, reads a CDX 503 as "no captures", retries only on https,
surfaces a 429 as a JSON error and sleeps 5 s before availability calls. Each of those
would turn an outage into "not archived" or hang a run. So every HTTP call here is made
by us, through the session we are given (it may be a replay session answering from a
WARC), with a timeout, a user agent, a rate limiter per endpoint family, and its status
checked before anything reads the body. waybackpy does what it does well on the answer:
`WaybackMachineCDXServerAPI` (its endpoint pointed at our base URL) validates and builds
the CDX query, `CDXSnapshot` turns a row into a checked snapshot, and
`check_for_blocked_site` recognises a site excluded from the archive.

Choosing a capture follows InternetArchiveBot: the capture closest *before* the date
with status 200 (or 203/206) first, then the closest after. CDX is asked first; when it
cannot be asked (5xx, 429, timeout, garbage), the direct redirect method lychee uses
(`/web/<TS>/<url>`, Location read without following) is next, then the availability
API. The fallbacks only know "nearest", in either direction. An empty availability
answer is never trusted as "none" (the API answers empty under load), so an outage
always comes out UNKNOWN, never NOT_FOUND. Each endpoint family has its own rate
limiter, paused for a minute after a 429.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from waybackpy.cdx_api import WaybackMachineCDXServerAPI
from waybackpy.cdx_snapshot import CDXSnapshot
from waybackpy.cdx_utils import check_for_blocked_site, full_url
from waybackpy.exceptions import BlockedSiteError, WaybackError

from citecheck.archive.ratelimit import DEFAULT_PAUSE_AFTER_429, RateLimiter
from citecheck.archive.timestamps import end_of_period, is_timestamp
from citecheck.errors import UsageError
from citecheck.fetch.classify import BLOCKED_CODES
from citecheck.models import ArchiveStatus, Capture, Fetch, LinkStatus, Redirect

DEFAULT_WAYBACK_URL = "https://web.archive.org"
WAYBACK_URL_ENV = "CITECHECK_WAYBACK_URL"
DEFAULT_USER_AGENT = "citecheck/0.1 (+https://example.org/citecheck)"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

CDX_FIELDS = ("timestamp", "original", "statuscode", "mimetype")
# Asked in this order; see `Wayback.closest`.
DEFAULT_LOOKUP_METHODS = ("cdx", "redirect", "availability")
_METHOD_NAMES = {"cdx": "CDX", "redirect": "redirect method", "availability": "availability API"}
# What InternetArchiveBot accepts as a capture of the page itself.
USABLE_CAPTURE_STATUSES = frozenset({200, 203, 206})
USABLE_CAPTURE_FILTER = "statuscode:20[036]"
_CAPTURE_PATH = re.compile(r"/web/(?P<timestamp>\d{14})(?:[a-z]{2}_)?/(?P<url>.+)$", re.DOTALL)


def wayback_base_url(option: str | None = None) -> str:
    """The Wayback base URL: the option, else $CITECHECK_WAYBACK_URL, else the default."""
    value = option or os.environ.get(WAYBACK_URL_ENV) or DEFAULT_WAYBACK_URL
    value = value.strip().rstrip("/")
    parsed = urlsplit(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UsageError(f"the Wayback URL must be an http(s) URL, got {value!r}")
    return value


class _ArchiveUnavailable(Exception):
    """The archive could not be asked (one endpoint family): becomes UNKNOWN or a fallback."""


class _Excluded(Exception):
    """The archive answered that it does not serve this URL (robots.txt, owner request)."""


class Wayback:
    """A Wayback Machine client. Thread-safe: the rate limiters are shared by all threads."""

    def __init__(
        self,
        base_url: str = DEFAULT_WAYBACK_URL,
        *,
        session: requests.Session | None = None,
        timeout: float = 15.0,
        user_agent: str = DEFAULT_USER_AGENT,
        cdx_per_minute: float = 24.0,
        availability_per_minute: float = 60.0,
        playback_per_minute: float = 300.0,
        pause_after_429: float = DEFAULT_PAUSE_AFTER_429,
        max_bytes: int = DEFAULT_MAX_BYTES,
        lookup_methods: Sequence[str] = DEFAULT_LOOKUP_METHODS,
    ) -> None:
        unknown_methods = [m for m in lookup_methods if m not in _METHOD_NAMES]
        if unknown_methods or not lookup_methods:
            known = ", ".join(_METHOD_NAMES)
            raise UsageError(f"unknown archive lookup method {unknown_methods}; known: {known}")
        self.lookup_methods = tuple(lookup_methods)
        self._lookups: dict[str, Callable[[str, str], Capture | None]] = {
            "cdx": self._closest_from_cdx,
            "redirect": self._closest_from_redirect,
            "availability": self._closest_from_availability,
        }
        self.base_url = base_url.rstrip("/")
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self.timeout = timeout
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.cdx_limiter = RateLimiter(cdx_per_minute, pause_seconds=pause_after_429)
        self.availability_limiter = RateLimiter(
            availability_per_minute, pause_seconds=pause_after_429
        )
        self.playback_limiter = RateLimiter(playback_per_minute, pause_seconds=pause_after_429)

    def close(self) -> None:
        """Close the session if this client made it."""
        if self._owns_session:
            self.session.close()

    def __enter__(self) -> Wayback:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- lookup -----------------------------------------------------------------

    def closest(self, url: str, when: str | None = None) -> Capture:
        """The usable capture of `url` closest before `when` (else after); never raises
        for a per-URL problem. `when` is an ISO date at any precision, None for now.

        The methods of `lookup_methods` are asked in turn until one answers: an
        endpoint that cannot be asked passes the question on, and when none answers
        the capture is UNKNOWN, never NOT_FOUND."""
        if not url.startswith(("http://", "https://")):
            return _unknown(url, f"not an http(s) URL: {url!r}")
        try:
            target = end_of_period(when)
        except ValueError as error:
            return _unknown(url, f"cannot read the date: {error}")
        reasons: list[str] = []
        for method in self.lookup_methods:
            try:
                capture = self._lookups[method](url, target)
            except _Excluded:
                return Capture(
                    original_url=url,
                    status=ArchiveStatus.NOT_FOUND,
                    error="excluded from the Wayback Machine (robots.txt or owner request)",
                )
            except _ArchiveUnavailable as error:
                reasons.append(f"{_METHOD_NAMES[method]}: {error}")
                continue
            if capture is not None:
                return capture
            reasons.append(f"{_METHOD_NAMES[method]} found nothing, which it also says under load")
        return _unknown(url, "; ".join(reasons) or "no lookup method configured")

    def playback_url(self, timestamp: str, original: str) -> str:
        """The browser view of a capture: {base}/web/{timestamp}/{original}."""
        return f"{self.base_url}/web/{timestamp}/{original}"

    def original_url(self, capture: Capture) -> str:
        """The capture's original bytes: {base}/web/{timestamp}id_/{original}."""
        original = capture.original_url
        if capture.url and capture.timestamp:
            prefix = f"/web/{capture.timestamp}/"
            _, found, rest = capture.url.partition(prefix)
            if found and rest:
                original = rest  # the exact URL the archive recorded (scheme, www, …)
        return self.raw_url(capture.timestamp or "", original)

    def raw_url(self, timestamp: str, original: str) -> str:
        """A capture's original bytes, without the archive's toolbar or rewriting:
        {base}/web/{timestamp}id_/{original}."""
        return f"{self.base_url}/web/{timestamp}id_/{original}"

    def _closest_from_cdx(self, url: str, target: str) -> Capture | None:
        chosen = self._cdx_query(url, target, to_timestamp=target)
        if chosen is None:
            chosen = self._cdx_query(url, target, from_timestamp=target)
        if chosen is None:
            return Capture(
                original_url=url,
                status=ArchiveStatus.NOT_FOUND,
                error="no capture with status 200, 203 or 206",
            )
        return self._found(url, chosen.timestamp, chosen.original, chosen.statuscode)

    def _cdx_query(
        self,
        url: str,
        target: str,
        *,
        from_timestamp: str | None = None,
        to_timestamp: str | None = None,
    ) -> CDXSnapshot | None:
        """The one 200 capture closest to `target` within from/to, None if there is none."""
        try:
            query = WaybackMachineCDXServerAPI(
                url,
                user_agent=self.user_agent,
                start_timestamp=from_timestamp,
                end_timestamp=to_timestamp,
                filters=[USABLE_CAPTURE_FILTER],
                sort="closest",
                closest=target,
                limit="1",
            )
        except WaybackError as error:
            raise _ArchiveUnavailable(f"cannot build the query: {error}") from None
        query.endpoint = f"{self.base_url}/cdx/search/cdx"
        payload: dict[str, str] = {}
        query.add_payload(payload)
        payload.update(output="json", fl=",".join(CDX_FIELDS), limit="1")
        response = self._get(self.cdx_limiter, "CDX", full_url(query.endpoint, payload))
        try:
            check_for_blocked_site(response, url)
        except BlockedSiteError:
            raise _Excluded(url) from None
        _require_ok(response)
        snapshots = _parse_cdx_json(response.text)
        # Defensive: a server (or a replayed answer) that ignored the filters must not
        # hand us a 404 capture or one on the wrong side of the date.
        for snapshot in snapshots:
            if not snapshot.statuscode.isdigit() or (
                int(snapshot.statuscode) not in USABLE_CAPTURE_STATUSES
            ):
                continue
            if to_timestamp is not None and snapshot.timestamp > to_timestamp:
                continue
            if from_timestamp is not None and snapshot.timestamp < from_timestamp:
                continue
            return snapshot
        return None

    def _closest_from_redirect(self, url: str, target: str) -> Capture | None:
        """lychee's method: GET /web/<target>id_/<url> without following; the Location
        names the nearest capture, which is then asked (again without following) whether
        it recorded a 200. A 404 without Memento-Datetime is the archive saying "none"."""
        first = self._get(
            self.playback_limiter,
            "redirect method",
            self.raw_url(target, url),
            stream=True,
        )
        with first:
            if first.status_code == 404 and "Memento-Datetime" not in first.headers:
                return Capture(
                    original_url=url,
                    status=ArchiveStatus.NOT_FOUND,
                    error="no capture (the archive answered 404 to the redirect method)",
                )
            if first.is_redirect:
                location = first.headers.get("Location", "")
            elif 200 <= first.status_code < 300 and "Memento-Datetime" in first.headers:
                location = first.url  # the target second is itself a capture
            else:
                raise _ArchiveUnavailable(_describe_status(first))
        match = _CAPTURE_PATH.search(location)
        if match is None:
            raise _ArchiveUnavailable(f"garbage answer: Location {location[:80]!r}")
        timestamp, original = match["timestamp"], match["url"]
        if location == first.url:
            recorded = first.status_code
        else:
            second = self._get(
                self.playback_limiter,
                "redirect method",
                self.raw_url(timestamp, original),
                stream=True,
            )
            with second:
                recorded = second.status_code
        if recorded not in USABLE_CAPTURE_STATUSES:
            # The nearest capture is an error or a redirect: this method cannot say
            # whether a usable one exists, so it passes the question on.
            raise _ArchiveUnavailable(f"the nearest capture {timestamp} recorded HTTP {recorded}")
        return self._found(url, timestamp, original, str(recorded))

    def _closest_from_availability(self, url: str, target: str) -> Capture | None:
        response = self._get(
            self.availability_limiter,
            "availability API",
            f"{self.base_url}/wayback/available",
            params={"url": url, "timestamp": target},
        )
        _require_ok(response)
        closest = _parse_availability_json(response.text)
        if closest is None:
            return None
        timestamp = str(closest.get("timestamp", ""))
        if not is_timestamp(timestamp):
            raise _ArchiveUnavailable(f"garbage answer: bad timestamp {timestamp!r}")
        status = str(closest.get("status", ""))
        if closest.get("available") is False or not (
            status.isdigit() and int(status) in USABLE_CAPTURE_STATUSES
        ):
            return None
        _, found, original = str(closest.get("url", "")).partition(f"/web/{timestamp}/")
        return self._found(url, timestamp, original if found and original else url, status)

    def _found(self, url: str, timestamp: str, original: str, status: str) -> Capture:
        return Capture(
            original_url=url,
            status=ArchiveStatus.FOUND,
            url=self.playback_url(timestamp, original),
            timestamp=timestamp,
            http_status=int(status) if status.isdigit() else None,
        )

    def _get(
        self,
        limiter: RateLimiter,
        family: str,
        url: str,
        params: dict[str, str] | None = None,
        *,
        stream: bool = False,
    ) -> requests.Response:
        if not limiter.acquire():
            raise _ArchiveUnavailable(
                f"paused after HTTP 429, {limiter.paused_for():.1f} s left; not asked"
            )
        try:
            response = self.session.get(
                url,
                params=params,
                headers={"User-Agent": self.user_agent},
                timeout=self.timeout,
                allow_redirects=False,
                stream=stream,
            )
        except requests.Timeout:
            raise _ArchiveUnavailable(f"timed out after {self.timeout:g} s") from None
        except requests.RequestException as error:
            raise _ArchiveUnavailable(f"{type(error).__name__}: {error}") from None
        if response.status_code == 429:
            response.close()
            limiter.pause()
            raise _ArchiveUnavailable(
                f"HTTP 429 Too Many Requests; {family} paused for {limiter.pause_seconds:g} s"
            )
        return response

    # --- playback ---------------------------------------------------------------

    def fetch_original(self, capture: Capture) -> Fetch:
        """GET the capture's original bytes (the id_ form). Never raises for a per-URL
        problem: the returned Fetch says what went wrong."""
        if capture.status is not ArchiveStatus.FOUND or not capture.timestamp:
            return Fetch(
                url=capture.url or capture.original_url,
                status=LinkStatus.NO_URL,
                error=f"no archived capture to fetch (archive status {capture.status})",
                via="archive",
            )
        fetch, _ = self.fetch_archived(self.original_url(capture))
        return fetch

    def fetch_archived(self, target: str) -> tuple[Fetch, str | None]:
        """GET a capture URL (redirects followed) and its final Memento-Datetime, which
        tells a capture (even one that recorded a 404) from the archive saying "none"."""
        fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
        if not self.playback_limiter.acquire():
            return Fetch(
                url=target,
                status=LinkStatus.BLOCKED,
                error="archive playback paused after HTTP 429; not asked",
                fetched_at=fetched_at,
                via="archive",
            ), None
        started = time.perf_counter()
        try:
            with self.session.get(
                target,
                headers={"User-Agent": self.user_agent},
                timeout=self.timeout,
                stream=True,
            ) as response:
                body, truncated = _read_capped(response, self.max_bytes)
        except requests.Timeout:
            return self._failed(target, LinkStatus.TIMEOUT, "timed out", fetched_at, started), None
        except requests.TooManyRedirects:
            message = "too many redirects"
            return self._failed(target, LinkStatus.BROKEN, message, fetched_at, started), None
        except requests.RequestException as error:
            message = f"{type(error).__name__}: {error}"
            failed = self._failed(target, LinkStatus.UNREACHABLE, message, fetched_at, started)
            return failed, None
        code = response.status_code
        if code == 429:
            self.playback_limiter.pause()
        redirects = tuple(
            Redirect(url=step.url, http_status=step.status_code) for step in response.history
        )
        fetch = Fetch(
            url=target,
            status=_link_status(code, bool(redirects)),
            http_status=code,
            final_url=response.url,
            redirects=redirects,
            content_type=response.headers.get("Content-Type"),
            body=body,
            truncated=truncated,
            error=None if 200 <= code < 300 else f"archive answered HTTP {code}",
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            fetched_at=fetched_at,
            via="archive",
        )
        return fetch, response.headers.get("Memento-Datetime")

    def _failed(
        self, url: str, status: LinkStatus, error: str, fetched_at: str, started: float
    ) -> Fetch:
        return Fetch(
            url=url,
            status=status,
            error=error,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            fetched_at=fetched_at,
            via="archive",
        )


def _unknown(url: str, error: str) -> Capture:
    return Capture(original_url=url, status=ArchiveStatus.UNKNOWN, error=error)


def _describe_status(response: requests.Response) -> str:
    return f"HTTP {response.status_code} {response.reason or ''}".strip()


def _require_ok(response: requests.Response) -> None:
    if response.status_code != 200:
        raise _ArchiveUnavailable(_describe_status(response))


def _parse_cdx_json(text: str) -> list[CDXSnapshot]:
    """CDX output=json: a header row, then one row per capture; empty when none."""
    if not text.strip():
        return []
    try:
        rows = json.loads(text)
    except ValueError:
        raise _ArchiveUnavailable(f"garbage answer: not JSON: {text[:60]!r}") from None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _ArchiveUnavailable("garbage answer: not a list of rows")
    if not rows:
        return []
    header, *records = rows
    if not set(CDX_FIELDS) <= set(header):
        raise _ArchiveUnavailable(f"garbage answer: header row {header!r}")
    snapshots = []
    for record in records:
        if len(record) != len(header):
            raise _ArchiveUnavailable(f"garbage answer: row {record!r}")
        fields = {"urlkey": "", "digest": "", "length": ""} | {
            str(name): str(value) for name, value in zip(header, record, strict=True)
        }
        try:
            snapshots.append(CDXSnapshot(fields))
        except ValueError:
            raise _ArchiveUnavailable(f"garbage answer: row {record!r}") from None
    return snapshots


def _parse_availability_json(text: str) -> dict[str, Any] | None:
    """The "closest" object of an availability answer, None when it names none."""
    try:
        data = json.loads(text)
    except ValueError:
        raise _ArchiveUnavailable(f"garbage answer: not JSON: {text[:60]!r}") from None
    snapshots = data.get("archived_snapshots") if isinstance(data, dict) else None
    if not isinstance(snapshots, dict):
        raise _ArchiveUnavailable("garbage answer: no archived_snapshots object")
    closest = snapshots.get("closest")
    if closest is None:
        return None
    if not isinstance(closest, dict):
        raise _ArchiveUnavailable("garbage answer: closest is not an object")
    return closest


def _read_capped(response: requests.Response, max_bytes: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return b"".join(chunks)[:max_bytes], True
    return b"".join(chunks), False


def _link_status(code: int, redirected: bool) -> LinkStatus:
    if 200 <= code < 300:
        return LinkStatus.REDIRECTED if redirected else LinkStatus.OK
    if code in BLOCKED_CODES:
        return LinkStatus.BLOCKED
    return LinkStatus.BROKEN
