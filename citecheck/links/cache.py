"""The store as the cache of `citecheck links`: fresh successes read, live fetches kept.

A link whose newest fetch within `max_age` passed is answered from the store; failures
are never answered from it (they are fetched again every run, and a later failure
outweighs an earlier success). Fetches are written in batches (`Store.record_fetches`,
one transaction each), without their bodies. URLs are looked up a chunk at a time
(`Store.recent_statuses`, one query per chunk). Everything runs in the calling thread,
on the run's own Store.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from citecheck.fetch.urls import host_key
from citecheck.models import Fetch, LinkStatus, Redirect
from citecheck.netguard import is_private_host

if TYPE_CHECKING:
    from citecheck.store import Store
    from citecheck.store.database import RecentStatus


class Answer(msgspec.Struct, frozen=True, gc=False):
    """What a link's result needs of a Fetch, compact: one is kept per distinct URL
    until the results are built, so 50,000 of them must stay small (no dict, no
    timestamps, no body unless a fragment is looked for)."""

    status: LinkStatus
    http_status: int | None
    final_url: str | None
    redirects: tuple[Redirect, ...]
    error: str | None
    elapsed_ms: float | None
    from_cache: bool
    content_type: str | None = None
    body: bytes | None = None

    @classmethod
    def of(cls, fetch: Fetch, keep_body: bool, shared: dict[str, str]) -> Answer:
        # the same error texts and content types recur thousands of times: kept once
        def one(text: str | None) -> str | None:
            return None if text is None else shared.setdefault(text, text)

        return cls(
            status=fetch.status,
            http_status=fetch.http_status,
            final_url=fetch.url if fetch.final_url == fetch.url else fetch.final_url,
            redirects=fetch.redirects,
            error=one(fetch.error),
            elapsed_ms=fetch.elapsed_ms,
            from_cache=fetch.from_cache,
            content_type=one(fetch.content_type) if keep_body else None,
            body=fetch.body if keep_body else None,
        )

    @classmethod
    def cached(cls, row: RecentStatus, shared: dict[str, str]) -> Answer:
        """A fresh success from the store, straight from its columns (no Fetch built)."""
        error = row.error
        return cls(
            # a dict lookup, not LinkStatus(...): an enum call per cached link costs ~1 us
            status=_STATUSES.get(row.status) or LinkStatus(row.status),
            http_status=row.http_status,
            final_url=row.url if row.final_url == row.url else row.final_url,
            redirects=_redirects_from_json(row.redirects),
            error=None if error is None else shared.setdefault(error, error),
            elapsed_ms=row.elapsed_ms,
            from_cache=True,
        )


_STATUSES = {status.value: status for status in LinkStatus}


def _reaches_private(url: str, final_url: str | None, redirects: tuple[Redirect, ...]) -> bool:
    """Whether the link, a hop of its redirects or where they ended names a private,
    loopback or link-local address, or localhost. Literal names only, no DNS: a name
    that resolved to a private address under --allow-private is reused (no connection
    is made to reuse it, so nothing in the local network is reached)."""
    if _private_host(host_key(url)):
        return True
    if final_url is not None and _private_host(host_key(final_url)):
        return True
    return any(_private_host(host_key(hop.url)) for hop in redirects)


def _uses_https(url: str, final_url: str | None, redirects: tuple[Redirect, ...]) -> bool:
    urls = [url, *(hop.url for hop in redirects)] + ([final_url] if final_url else [])
    return any(hop.lower().startswith("https:") for hop in urls)


@functools.lru_cache(maxsize=1024)
def _private_host(host: str) -> bool:  # hosts recur across thousands of links
    return is_private_host(host, resolve=False)


def _redirects_from_json(text: str | None) -> tuple[Redirect, ...]:
    if not text or text == "[]":
        return ()  # most cached rows: no import statement on the warm path
    from citecheck.store.codec import redirects_from_json

    return redirects_from_json(text)


class Lookup(NamedTuple):
    """The cache's word on a chunk of URLs (`LinkCache.lookup`)."""

    answers: dict[str, Answer]  # URL -> fresh success, answered without a fetch
    # URLs whose newest fresh fetch failed: fetched again, with GET at once (with
    # head-then-get their last answer came from a GET after the HEAD anyway)
    failed: AbstractSet[str]


class LinkCache:
    """Reads and writes of one run. See the module docstring."""

    BATCH_SIZE = 500
    BATCH_SECONDS = 1.0
    LOOKUP_CHUNK = 500  # URLs collected before their cache lookup

    def __init__(
        self,
        store: Store | None,
        run_id: int | None,
        max_age: timedelta,
        *,
        allow_private: bool = False,
        distrust_https: bool = False,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.max_age = max_age
        # a run that refuses private addresses takes no answer from the store that one
        # made with --allow-private to a private address (the fetch would be refused)
        self.allow_private = allow_private
        # a run that checks certificates, when a run with --insecure may have left https
        # successes that accepted any certificate: none of those reused
        self.distrust_https = distrust_https
        self._pending: list[Fetch] = []
        self._problems: list[tuple[str, str]] = []
        self._last_flush = time.monotonic()

    def _trusted(self, url: str, final_url: str | None, redirects: tuple[Redirect, ...]) -> bool:
        """Whether this run may take a cached success of `url` (with where it went)."""
        if not self.allow_private and _reaches_private(url, final_url, redirects):
            return False
        return not self.distrust_https or not _uses_https(url, final_url, redirects)

    def _reads(self) -> bool:
        return self.store is not None and self.max_age > timedelta(0)

    def fresh(self, url: str) -> Fetch | None:
        """The newest fresh success of `url` with its body (for a #fragment to look for)."""
        if self.store is None or not self._reads():
            return None
        fetch = self.store.fresh_fetch(url, self.max_age, need_body=True)
        if fetch is None or self._trusted(url, fetch.final_url, fetch.redirects):
            return fetch
        return None

    def lookup(self, urls: Sequence[str], shared: dict[str, str]) -> Lookup:
        """What the store knows of each URL: the answer of a fresh success (no body),
        or that its newest fresh fetch failed."""
        if self.store is None or not self._reads() or not urls:
            return Lookup({}, frozenset())
        answers: dict[str, Answer] = {}
        failed: set[str] = set()
        for url, row in self.store.recent_statuses(urls, self.max_age).items():
            if not row.reusable:
                failed.add(url)
                continue
            answer = Answer.cached(row, shared)
            if self._trusted(url, answer.final_url, answer.redirects):
                answers[url] = answer
        return Lookup(answers, failed)

    def failed_last_time(self, sources: Sequence[str], limit: int) -> list[str]:
        """The URLs that failed in the previous run over `sources` and have not passed
        since: fetched again first, while the documents are read (see links.run)."""
        if self.store is None or self.run_id is None or not self._reads():
            return []
        return self.store.failed_last_time(self.run_id, "links", sources, self.max_age, limit)

    def record(self, fetch: Fetch) -> None:
        if self.store is None:
            return
        self._pending.append(fetch)  # recorded without its body: statuses, not pages
        if (
            len(self._pending) >= self.BATCH_SIZE
            or time.monotonic() - self._last_flush >= self.BATCH_SECONDS
        ):
            self.flush()

    def note_problem(self, url: str, status: str) -> None:
        """A failing (or warning) link of this run, kept with it at the next flush."""
        if self.store is not None and self.run_id is not None:
            self._problems.append((url, status))

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        problems, self._problems = self._problems, []
        self._last_flush = time.monotonic()
        if self.store is not None:
            self.store.record_fetches(self.run_id, pending)
            if problems and self.run_id is not None:
                self.store.record_link_problems(self.run_id, problems)
