"""Other web archives through Memento TimeGates (RFC 7089): archive.today, the UK Web
Archive, Arquivo.pt, any pywb. Off by default; the user names the TimeGates to ask.

A TimeGate is asked `GET <timegate><url>` with `Accept-Datetime: <RFC 1123 date>` and
answers with a redirect to the memento closest to that moment (pattern 2.1), or with the
memento itself carrying `Memento-Datetime` (pattern 1.1). The memento's time comes from
the `Link` header's `rel="memento"` entry, else its URL's 14-digit timestamp, else a
second request for its `Memento-Datetime`. As with the Wayback Machine, an archive that
cannot be asked is UNKNOWN, never NOT_FOUND.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urljoin

import requests

from citecheck.archive.ratelimit import DEFAULT_PAUSE_AFTER_429, RateLimiter
from citecheck.archive.timestamps import end_of_period
from citecheck.errors import UsageError
from citecheck.models import ArchiveStatus, Capture

# Known TimeGates by a short name; any http(s) prefix works too.
KNOWN_TIMEGATES = {
    "archive.today": "https://archive.ph/timegate/",
    "ukwa": "https://www.webarchive.org.uk/wayback/archive/",
    "arquivo.pt": "https://arquivo.pt/wayback/",
    "loc": "https://webarchive.loc.gov/all/",
}
_TIMESTAMP_IN_URL = re.compile(r"/(\d{14})(?:[a-z]{2}_)?/")


@dataclass(frozen=True)
class TimeGate:
    name: str
    prefix: str  # the TimeGate URL the original URL is appended to


def timegate_from_spec(spec: str) -> TimeGate:
    """`archive.today`, or `NAME=URL`, or a bare TimeGate URL prefix."""
    text = spec.strip()
    if text in KNOWN_TIMEGATES:
        return TimeGate(text, KNOWN_TIMEGATES[text])
    name, equals, prefix = text.partition("=")
    if not equals:
        name, prefix = "", text
    if not prefix.startswith(("http://", "https://")):
        known = ", ".join(KNOWN_TIMEGATES)
        raise UsageError(f"a Memento TimeGate is one of {known}, NAME=URL or a URL; got {spec!r}")
    return TimeGate(name or re.sub(r"^https?://", "", prefix).split("/")[0], prefix)


class MementoArchives:
    """Asks each TimeGate in turn; one rate limiter per TimeGate, shared by the run."""

    def __init__(
        self,
        timegates: Sequence[TimeGate],
        *,
        session: requests.Session | None = None,
        timeout: float = 15.0,
        user_agent: str = "citecheck/0.1 (+https://example.org/citecheck)",
        per_minute: float = 24.0,
        pause_after_429: float = DEFAULT_PAUSE_AFTER_429,
    ) -> None:
        self.timegates = tuple(timegates)
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self.timeout = timeout
        self.user_agent = user_agent
        self.limiters = {
            gate.prefix: RateLimiter(per_minute, pause_seconds=pause_after_429)
            for gate in self.timegates
        }

    def closest(self, url: str, when: str | None = None) -> Capture:
        """The first TimeGate's memento closest to `when`; NOT_FOUND only when every
        TimeGate answered "none"; UNKNOWN when one could not be asked and none had one."""
        if not self.timegates:
            return Capture(url, ArchiveStatus.UNKNOWN, error="no Memento TimeGate configured")
        try:
            moment = datetime.strptime(end_of_period(when), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        except ValueError as error:
            return Capture(url, ArchiveStatus.UNKNOWN, error=f"cannot read the date: {error}")
        failures: list[str] = []
        for gate in self.timegates:
            capture = self.ask(gate, url, moment)
            if capture.status is ArchiveStatus.FOUND:
                return capture
            if capture.status is ArchiveStatus.UNKNOWN:
                failures.append(f"{gate.name}: {capture.error}")
        if failures:
            return Capture(url, ArchiveStatus.UNKNOWN, error="; ".join(failures))
        return Capture(url, ArchiveStatus.NOT_FOUND, error="no memento in any TimeGate")

    def ask(self, gate: TimeGate, url: str, moment: datetime) -> Capture:
        """One TimeGate's answer for `url` near `moment`; never raises for a per-URL problem."""
        limiter = self.limiters[gate.prefix]
        if not limiter.acquire():
            return self._unknown(gate, url, "paused after HTTP 429; not asked")
        headers = {
            "User-Agent": self.user_agent,
            "Accept-Datetime": format_datetime(moment, usegmt=True),
        }
        try:
            response = self.session.get(
                gate.prefix + url, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except requests.Timeout:
            return self._unknown(gate, url, f"timed out after {self.timeout:g} s")
        except requests.RequestException as error:
            return self._unknown(gate, url, f"{type(error).__name__}: {error}")
        with response:
            code = response.status_code
            if code == 429:
                limiter.pause()
                return self._unknown(gate, url, "HTTP 429 Too Many Requests; paused")
            if code == 404:
                return Capture(
                    url, ArchiveStatus.NOT_FOUND, archive=gate.name, error="no memento there"
                )
            if response.is_redirect:
                memento = urljoin(response.url, response.headers.get("Location", ""))
            elif 200 <= code < 300 and "Memento-Datetime" in response.headers:
                memento = response.headers.get("Content-Location") or response.url
                return self._found(gate, url, memento, response.headers["Memento-Datetime"])
            else:
                return self._unknown(gate, url, f"HTTP {code} {response.reason or ''}".strip())
            datetime_text = _memento_datetime(response.links, memento)
        if datetime_text is None:
            match = _TIMESTAMP_IN_URL.search(memento)
            if match:
                return self._capture(gate, url, memento, match[1])
            datetime_text = self._ask_memento_datetime(memento)
        if datetime_text is None:
            return self._unknown(gate, url, f"cannot tell when {memento} was captured")
        return self._found(gate, url, memento, datetime_text)

    def _ask_memento_datetime(self, memento: str) -> str | None:
        try:
            with self.session.head(
                memento,
                headers={"User-Agent": self.user_agent},
                timeout=self.timeout,
                allow_redirects=True,
            ) as response:
                return response.headers.get("Memento-Datetime")
        except requests.RequestException:
            return None

    def _found(self, gate: TimeGate, url: str, memento: str, when: str) -> Capture:
        try:
            moment = parsedate_to_datetime(when).astimezone(UTC)
        except (TypeError, ValueError):
            return self._unknown(gate, url, f"bad Memento-Datetime {when!r}")
        return self._capture(gate, url, memento, moment.strftime("%Y%m%d%H%M%S"))

    @staticmethod
    def _capture(gate: TimeGate, url: str, memento: str, timestamp: str) -> Capture:
        return Capture(
            original_url=url,
            status=ArchiveStatus.FOUND,
            url=memento,
            timestamp=timestamp,
            http_status=200,
            archive=gate.name,
        )

    @staticmethod
    def _unknown(gate: TimeGate, url: str, error: str) -> Capture:
        return Capture(url, ArchiveStatus.UNKNOWN, error=error, archive=gate.name)

    def close(self) -> None:
        if self._owns_session:
            self.session.close()


def _memento_datetime(links: dict[str, dict[str, str]], memento: str) -> str | None:
    """The datetime of the `rel="memento"` Link entry naming `memento` (requests keys
    parsed Link entries by their rel; "first memento", "last memento" also count)."""
    for rel, entry in links.items():
        if "memento" in rel.split() and entry.get("url") == memento and entry.get("datetime"):
            return entry["datetime"]
    return None
