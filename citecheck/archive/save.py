"""Save Page Now 2: ask the Wayback Machine to capture a live page now.

`POST {base}/save` (form `url=…`, `Accept: application/json`, `Authorization: LOW
key:secret`) starts a job; `GET {base}/save/status/<job_id>` is polled until it says
success (with the capture's timestamp) or error. The archive blocks an IP for minutes
when asked more than a few times a minute, so saves share one slow rate limiter (6 a
minute by default) and polls another. Keys come from the environment
(CITECHECK_IA_ACCESS_KEY, CITECHECK_IA_SECRET_KEY) or the caller (config, options).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import requests

from citecheck.archive.ratelimit import DEFAULT_PAUSE_AFTER_429, RateLimiter
from citecheck.archive.timestamps import is_timestamp
from citecheck.errors import UsageError
from citecheck.models import ArchiveStatus, Capture

ACCESS_KEY_ENV = "CITECHECK_IA_ACCESS_KEY"
SECRET_KEY_ENV = "CITECHECK_IA_SECRET_KEY"
DEFAULT_SAVES_PER_MINUTE = 6.0


class SaveStatus(StrEnum):
    SUCCESS = "success"
    ERROR = "error"  # the archive tried and could not capture the page
    PENDING = "pending"  # still running when we stopped polling
    UNAVAILABLE = "unavailable"  # the archive could not be asked (auth, 5xx, 429, timeout)


@dataclass(frozen=True)
class SaveResult:
    url: str
    status: SaveStatus
    job_id: str | None = None
    timestamp: str | None = None  # the new capture's, on success
    capture_url: str | None = None
    message: str | None = None

    def capture(self) -> Capture | None:
        """The new capture, once the save succeeded."""
        if self.status is not SaveStatus.SUCCESS or not self.timestamp:
            return None
        return Capture(
            original_url=self.url,
            status=ArchiveStatus.FOUND,
            url=self.capture_url,
            timestamp=self.timestamp,
            http_status=200,
        )


def keys_from_environment() -> tuple[str, str] | None:
    access, secret = os.environ.get(ACCESS_KEY_ENV), os.environ.get(SECRET_KEY_ENV)
    return (access, secret) if access and secret else None


class _Unavailable(Exception):
    pass


class SavePageNow:
    """A Save Page Now 2 client. Thread-safe; the rate limiters are shared."""

    def __init__(
        self,
        base_url: str,
        access_key: str,
        secret_key: str,
        *,
        session: requests.Session | None = None,
        timeout: float = 30.0,
        user_agent: str = "citecheck/0.1 (+https://example.org/citecheck)",
        saves_per_minute: float = DEFAULT_SAVES_PER_MINUTE,
        polls_per_minute: float = 60.0,
        poll_interval: float = 5.0,
        max_wait: float = 120.0,
        pause_after_429: float = DEFAULT_PAUSE_AFTER_429,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not access_key or not secret_key:
            raise UsageError(
                f"Save Page Now needs Internet Archive keys: set {ACCESS_KEY_ENV} and "
                f"{SECRET_KEY_ENV} (https://archive.org/account/s3.php)"
            )
        self.base_url = base_url.rstrip("/")
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.max_wait = max_wait
        self._sleep = sleep
        self._headers = {
            "Accept": "application/json",
            "Authorization": f"LOW {access_key}:{secret_key}",
            "User-Agent": user_agent,
        }
        # burst 1: saves are spread evenly, never sent in a clump
        self.save_limiter = RateLimiter(saves_per_minute, burst=1, pause_seconds=pause_after_429)
        self.poll_limiter = RateLimiter(polls_per_minute, pause_seconds=pause_after_429)

    def close(self) -> None:
        if self._owns_session:
            self.session.close()

    def save(self, url: str) -> SaveResult:
        """Start a capture of `url` and poll it to the end; never raises for a per-URL
        problem."""
        try:
            job = self._request("POST", "/save", self.save_limiter, data={"url": url})
        except _Unavailable as error:
            return SaveResult(url, SaveStatus.UNAVAILABLE, message=str(error))
        job_id = job.get("job_id")
        if not isinstance(job_id, str) or not job_id:
            return SaveResult(
                url, SaveStatus.ERROR, message=str(job.get("message") or "no job id in the answer")
            )
        waited = 0.0
        while True:
            try:
                state = self._request("GET", f"/save/status/{job_id}", self.poll_limiter)
            except _Unavailable as error:
                return SaveResult(url, SaveStatus.UNAVAILABLE, job_id, message=str(error))
            status = state.get("status")
            if status == "success":
                return self._success(url, job_id, state)
            if status == "error":
                reason = state.get("status_ext") or "error"
                message = f"{reason}: {state.get('message') or 'the archive could not save it'}"
                return SaveResult(url, SaveStatus.ERROR, job_id, message=message)
            if status != "pending":
                return SaveResult(
                    url, SaveStatus.UNAVAILABLE, job_id, message=f"unexpected status {status!r}"
                )
            if waited >= self.max_wait:
                return SaveResult(
                    url, SaveStatus.PENDING, job_id, message=f"still pending after {waited:g} s"
                )
            self._sleep(self.poll_interval)
            waited += self.poll_interval

    def _success(self, url: str, job_id: str, state: dict[str, Any]) -> SaveResult:
        timestamp = str(state.get("timestamp") or "")
        if not is_timestamp(timestamp):
            return SaveResult(
                url, SaveStatus.UNAVAILABLE, job_id, message=f"bad timestamp {timestamp!r}"
            )
        original = str(state.get("original_url") or url)
        return SaveResult(
            url,
            SaveStatus.SUCCESS,
            job_id,
            timestamp=timestamp,
            capture_url=f"{self.base_url}/web/{timestamp}/{original}",
        )

    def _request(
        self, method: str, path: str, limiter: RateLimiter, data: dict[str, str] | None = None
    ) -> dict[str, Any]:
        if not limiter.acquire():
            raise _Unavailable(f"paused after HTTP 429, {limiter.paused_for():.0f} s left")
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                data=data,
                headers=self._headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise _Unavailable(f"timed out after {self.timeout:g} s") from None
        except requests.RequestException as error:
            raise _Unavailable(f"{type(error).__name__}: {error}") from None
        if response.status_code == 429:
            limiter.pause()
            raise _Unavailable(f"HTTP 429; Save Page Now paused for {limiter.pause_seconds:g} s")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code != 200 or not isinstance(answer, dict):
            detail = answer.get("message") if isinstance(answer, dict) else None
            raise _Unavailable(f"HTTP {response.status_code}" + (f": {detail}" if detail else ""))
        return answer
