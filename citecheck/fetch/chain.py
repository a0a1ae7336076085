"""What both engines do around the requests: the deadline, the address guard per hop,
following a redirect chain (loops, too many hops, bad Locations), building the Fetch."""

from __future__ import annotations

import functools
import time
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import msgspec

from citecheck.fetch.classify import MAX_VISITS
from citecheck.fetch.options import FetchOptions
from citecheck.fetch.urls import UrlProblem, ascii_host, requote_location, url_problem
from citecheck.models import Fetch, LinkStatus, Redirect
from citecheck.netguard import is_private_host


class Deadline:
    """The overall time a URL (all its hops and tries) may take."""

    __slots__ = ("seconds", "started")

    def __init__(self, seconds: float, started: float | None = None) -> None:
        self.seconds = seconds
        self.started = time.monotonic() if started is None else started

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def expired(self) -> bool:
        return self.remaining() <= 0


def utc_now() -> str:
    """Now in ISO 8601 UTC to the second; formatted once per second, not once per URL."""
    return _utc_second(int(time.time()))


@functools.lru_cache(maxsize=2)
def _utc_second(epoch_second: int) -> str:
    moment = datetime.fromtimestamp(epoch_second, UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def refusal(url: str, options: FetchOptions, *, resolve: bool) -> UrlProblem | None:
    """Why this hop may not be fetched: a malformed URL, or a private address.

    resolve=False checks literal addresses and localhost names only (the async
    engine checks resolved names in its resolver, on the very addresses it
    connects to).
    """
    problem = url_problem(url)
    if problem is not None or options.allow_private:
        return problem

    host = ascii_host(urlsplit(url).hostname or "") or ""
    private = is_private_host(host, resolve=True) if resolve else _private_literal(host)
    if private:
        return UrlProblem(LinkStatus.EXCLUDED, "private address")
    return None


@functools.lru_cache(maxsize=4096)  # no DNS asked: the answer for a host never changes
def _private_literal(host: str) -> bool:
    return is_private_host(host, resolve=False)


# A Struct, not a dataclass: start-up cost, see citecheck/models.py (gc=False: no cycles).
class Stop(msgspec.Struct, frozen=True, gc=False):
    """The chain ends here with this status."""

    status: LinkStatus
    error: str


class Chain:
    """One URL's redirect chain as it is walked.

    A plain class with slots, not a dataclass: the async engine makes one per URL,
    thousands a second, and the dataclass's field factories cost more than the rest."""

    __slots__ = (
        "_visits",
        "current",
        "deadline",
        "fetched_at",
        "options",
        "redirects",
        "url",
        "via",
    )

    def __init__(
        self,
        url: str,
        options: FetchOptions,
        deadline: Deadline | None = None,
        fetched_at: str | None = None,
        via: str = "live",
    ) -> None:
        self.url = url
        self.options = options
        self.deadline = deadline if deadline is not None else Deadline(30.0)
        self.fetched_at = fetched_at if fetched_at is not None else utc_now()
        self.via = via
        self.current = url
        self.redirects: list[Redirect] = []
        self._visits: Counter[str] | None = None  # made at the first redirect

    def refused(self, *, resolve: bool) -> Fetch | None:
        """The Fetch to return when the current hop may not be fetched."""
        problem = refusal(self.current, self.options, resolve=resolve)
        if problem is None:
            return None
        return self.refusal_result(problem.status, problem.error)

    def refusal_result(self, status: LinkStatus, error: str) -> Fetch:
        if self.redirects and status is not LinkStatus.EXCLUDED:
            error = f"redirect to {self.current}: {error}"
        return self.finish(status, final_url=self.current if self.redirects else None, error=error)

    def redirect(self, code: int, location: str, base_url: str) -> Stop | None:
        """Record the hop and move to its target; a Stop when the chain must end."""
        self.redirects.append(Redirect(self.current, code))
        try:
            # browsers percent-encode spaces and non-ASCII in Location; so do we
            next_url = requote_location(urljoin(base_url or self.current, location.strip()))
        except ValueError:
            return Stop(LinkStatus.INVALID, f"redirect to an invalid URL: {location[:200]}")
        visits = self._visits
        if visits is None:
            visits = self._visits = Counter((self.url,))
        visits[next_url] += 1
        if visits[next_url] > MAX_VISITS:
            return Stop(LinkStatus.BROKEN, "redirect loop")
        if len(self.redirects) > self.options.max_redirects:
            return Stop(LinkStatus.BROKEN, "too many redirects")
        self.current = next_url
        return None

    def finish(self, status: LinkStatus, **fields: object) -> Fetch:
        fields.setdefault("final_url", self.current)
        return Fetch(
            url=self.url,
            status=status,
            redirects=tuple(self.redirects),
            elapsed_ms=round((time.monotonic() - self.deadline.started) * 1000, 1),
            fetched_at=self.fetched_at,
            via=self.via,
            **fields,  # type: ignore[arg-type]  # keyword fields of Fetch, checked at runtime
        )

    def timed_out(self, **fields: object) -> Fetch:
        return self.finish(LinkStatus.TIMEOUT, error="deadline exceeded", **fields)
