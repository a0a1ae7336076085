"""`Fetcher`: the one front door, whichever engine does the work.

- `fetch(url)` (one URL, the spine's GET with body) uses the requests engine.
- `fetch_many(urls)` uses the async engine for live fetching (pyreqwest, or aiohttp
  where pyreqwest is not installed or with `engine="aiohttp"`), and the requests
  engine in a thread pool when the Fetcher was given a `session_factory` (WARC
  replay works through requests' transport adapters) or a WARC `recorder`
  (which records requests' responses), or when `engine="sync"`.

Both engines share one `HostPacer` (per-host intervals and 429 back-offs hold
across the whole run) and the same classification code.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Generator, Iterable, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Literal

from citecheck.fetch.chain import Chain
from citecheck.fetch.hosts import HostPacer
from citecheck.fetch.options import FetchOptions
from citecheck.models import Fetch, LinkStatus

if TYPE_CHECKING:
    import requests

    from citecheck.fetch.async_engine import AsyncEngine
    from citecheck.fetch.sync_engine import SyncEngine
    from citecheck.fetch.transport import TransportName
    from citecheck.replay import WarcRecorder

Engine = Literal["auto", "sync", "async", "aiohttp"]
DEFAULT_OPTIONS = FetchOptions()  # frozen, so sharing is safe
CLIENT_VARIABLE = "CITECHECK_HTTP_CLIENT"  # "aiohttp": live fetching without pyreqwest


class Fetcher:
    """Fetches URLs into Fetch values; never raises for a problem with one URL."""

    def __init__(
        self,
        options: FetchOptions = DEFAULT_OPTIONS,
        *,
        session_factory: Callable[[], requests.Session] | None = None,
        recorder: WarcRecorder | None = None,
        resolve_dns: bool = True,
        engine: Engine = "auto",
    ) -> None:
        self.options = options
        self.pacer = HostPacer(options.host_request_interval)
        self._session_factory = session_factory
        self._recorder = recorder
        self._resolve_dns = resolve_dns
        # The engines are made (and requests / aiohttp loaded, ~80 / ~100 ms) on first
        # use: a run whose links are all local or all cached fetches nothing.
        self._sync_engine: SyncEngine | None = None
        self._async_engine: AsyncEngine | None = None
        self._engines_lock = threading.Lock()
        live = session_factory is None and recorder is None
        if engine == "auto" and live:
            # the escape hatch should pyreqwest misbehave somewhere: the same engine on
            # aiohttp (also what benchmarks/links_vs_lychee.py --client aiohttp measures)
            wanted = os.environ.get(CLIENT_VARIABLE, "").strip().lower()
            engine = "aiohttp" if wanted == "aiohttp" else "async"
        self.engine: Literal["sync", "async", "aiohttp"] = (
            engine if engine in ("async", "aiohttp") else "sync"
        )
        self._executor: ThreadPoolExecutor | None = None
        self._executor_workers = 0

    @property
    def _sync(self) -> SyncEngine:
        if self._sync_engine is not None:
            return self._sync_engine
        with self._engines_lock:
            if self._sync_engine is None:
                from citecheck.fetch.sync_engine import SyncEngine

                self._sync_engine = SyncEngine(
                    self.options,
                    self.pacer,
                    session_factory=self._session_factory,
                    recorder=self._recorder,
                    resolve_dns=self._resolve_dns,
                )
            return self._sync_engine

    @property
    def _async(self) -> AsyncEngine:
        if self._async_engine is not None:
            return self._async_engine
        with self._engines_lock:
            if self._async_engine is None:
                from citecheck.fetch.async_engine import AsyncEngine

                clients: tuple[TransportName, ...] = (
                    ("aiohttp",) if self.engine == "aiohttp" else ("reqwest", "aiohttp")
                )
                self._async_engine = AsyncEngine(self.options, self.pacer, clients)
            return self._async_engine

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        if self._sync_engine is not None:
            self._sync_engine.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, url: str, *, need_body: bool = True) -> Fetch:
        """Fetch `url` and say what it is. need_body=False (link checking) reads only
        what the status needs: no body, or an HTML page's head for the soft-404 check."""
        if self.options.offline:
            return _offline(url, self.options)
        return self._sync.fetch(url, need_body)

    def fetch_many(
        self,
        urls: Iterable[str],
        workers: int | None = None,
        *,
        need_body: bool = True,
        failed_before: AbstractSet[str] = frozenset(),
        first: Sequence[str] = (),
    ) -> Generator[Fetch, None, None]:
        """Fetch many URLs, `first` then `urls`; yields each Fetch as it completes (not
        in input order).

        workers: requests in flight at once (default: options.max_concurrency).
        failed_before: URLs known to have failed when last fetched, asked with GET at
        once under head-then-get; read as each URL's fetch starts, so the caller may add
        to it while `urls` is being read.
        first: URLs known at the start, all started at once however slowly `urls` comes.
        """
        concurrency = max(1, workers or self.options.max_concurrency)
        if self.options.offline:
            return (_offline(url, self.options) for url in itertools.chain(first, urls))
        if self.engine != "sync":
            return self._async.run(urls, concurrency, need_body, failed_before, first)
        return self._threaded(itertools.chain(first, urls), concurrency, need_body, failed_before)

    def _threaded(
        self,
        urls: Iterable[str],
        workers: int,
        need_body: bool,
        failed_before: AbstractSet[str],
    ) -> Generator[Fetch, None, None]:
        pool = self._pool(workers)
        pending: set[Future[Fetch]] = set()
        try:
            # keep a bounded number in flight so a huge input is not queued all at once
            for url in urls:
                pending.add(
                    pool.submit(self._sync.fetch, url, need_body, url in failed_before)
                )
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
        if self._executor is None or self._executor_workers != workers:
            if self._executor is not None:
                self._executor.shutdown(wait=False)
            self._executor = ThreadPoolExecutor(workers, thread_name_prefix="fetch")
            self._executor_workers = workers
        return self._executor


def _offline(url: str, options: FetchOptions) -> Fetch:
    return Chain(url, options).finish(LinkStatus.EXCLUDED, final_url=None, error="offline")
