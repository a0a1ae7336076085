"""The async engine: many URLs at once on one event loop, for live fetching, through
a `Transport` (pyreqwest by default, aiohttp where pyreqwest is missing).

`AsyncEngine.run` runs the loop in a worker thread and hands each Fetch to the
calling thread as it completes. The input is read in the calling thread, a batch
at a time, while the loop fetches: a lazy input (links still being collected and
looked up in the cache) overlaps with the requests. Memory stays flat however
many URLs come in: at most `WAITING_URLS` URLs wait ahead of the requests, and at
most `read_ahead` finished results wait for the consumer before the engine
pauses. URLs wait in one queue per host, so a host at its concurrency limit
never holds up the others (no head-of-line blocking when the input is sorted).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import queue
import threading
from collections import Counter, deque
from collections.abc import AsyncIterator, Generator, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet

import msgspec

from citecheck.errors import CitecheckError
from citecheck.fetch.chain import Chain, Deadline
from citecheck.fetch.classify import (
    REDIRECT_CODES,
    body_limit,
    classify_answer,
    get_after_head,
    get_at_once,
)
from citecheck.fetch.errors import DeadlineExceeded, innermost
from citecheck.fetch.headers import request_headers
from citecheck.fetch.hosts import HostPacer
from citecheck.fetch.options import FetchOptions
from citecheck.fetch.retries import pauses_host, quota_reset, retry_delay
from citecheck.fetch.transport import (
    Headers,
    Response,
    Transport,
    TransportName,
    load_client_modules,
    make_transport,
)
from citecheck.fetch.urls import host_key
from citecheck.models import Fetch, LinkStatus

CHUNK_SIZE = 64 * 1024
KEEP_ALIVE_DRAIN = 64 * 1024  # read a small unwanted body anyway, so the connection is reused
CREDIT_BATCH = 32  # results the consumer takes before telling the engine (< read-ahead)
# How often the URLs in flight are checked against their overall deadline: one timer
# for the run instead of one per URL (asyncio.timeout cost ~5 % of the CPU per URL).
DEADLINE_TICK = 0.1
# URLs taken from the input ahead of the requests, waiting per host (only strings). A
# host backing off (429) holds its URLs back while the others go on, so the bound is
# wider than the tasks' `read_ahead`.
WAITING_URLS = 2_000
FEED_BATCH = 32  # URLs the calling thread hands to the loop at once (one wake-up each)
OUTBOX_DELAY = 0.005  # seconds a finished Fetch may wait to go with others to the consumer
OUTBOX_BATCH = 128  # ... or until this many are waiting
_DONE = object()


# A Struct, not a dataclass: start-up cost (see citecheck/models.py), and one is made per
# answer (~0.1 us against ~0.25). Mutable; gc=False: the headers never point back to it.
class _Answer(msgspec.Struct, gc=False):
    code: int
    headers: Headers
    body: bytes
    truncated: bool
    url: str


class _Walk:
    """A chain plus what the async side keeps about it."""

    __slots__ = ("chain", "cookies", "last_code", "need_body")

    def __init__(self, chain: Chain, need_body: bool) -> None:
        self.chain = chain
        self.need_body = need_body
        self.last_code: int | None = None
        # per host, within this chain only (like a browser following a cookie-setting
        # redirect); None until a hop sets one
        self.cookies: dict[str, dict[str, str]] | None = None

    def headers_for(self, host: str, headers: dict[str, str]) -> dict[str, str]:
        """`headers` with the cookies a previous hop or try set for `host` (copied only
        when there are some)."""
        jar = self.cookies.get(host) if self.cookies is not None else None
        if not jar:
            return headers
        return {**headers, "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}

    def keep_cookies(self, host: str, headers: Headers) -> None:
        from http.cookies import CookieError, SimpleCookie  # few links set cookies

        for value in headers.getall("Set-Cookie"):
            cookie: SimpleCookie = SimpleCookie()
            with contextlib.suppress(CookieError):
                cookie.load(value)
            if self.cookies is None:
                self.cookies = {}
            for name, morsel in cookie.items():
                self.cookies.setdefault(host, {})[name] = morsel.value


class _HostQueues:
    """URLs waiting per host, and which hosts may start one more now."""

    def __init__(self, host_limit: int) -> None:
        self.host_limit = max(1, host_limit)
        self.waiting: dict[str, deque[str]] = {}
        self.in_flight: Counter[str] = Counter()
        self.ready: deque[str] = deque()
        self._in_ready: set[str] = set()  # `ready` as a set: a run may meet 10,000 hosts
        self.count = 0

    def _mark_ready(self, host: str) -> None:
        if (
            host not in self._in_ready
            and self.waiting.get(host)
            and self.in_flight[host] < self.host_limit
        ):
            self.ready.append(host)
            self._in_ready.add(host)

    def add(self, url: str) -> None:
        host = host_key(url)
        self.waiting.setdefault(host, deque()).append(url)
        self.count += 1
        self._mark_ready(host)

    def take(self) -> tuple[str, str] | None:
        while self.ready:
            host = self.ready.popleft()
            self._in_ready.discard(host)
            urls = self.waiting.get(host)
            if not urls or self.in_flight[host] >= self.host_limit:
                continue
            url = urls.popleft()
            if not urls:
                del self.waiting[host]
            self.count -= 1
            self.in_flight[host] += 1
            self._mark_ready(host)  # round robin: back of the line if it can take more
            return host, url
        return None

    def done(self, host: str) -> None:
        self.in_flight[host] -= 1
        if not self.in_flight[host]:
            del self.in_flight[host]
        self._mark_ready(host)


class _Slots:
    """A semaphore for the hot path: taking a free slot is a plain call (asyncio's
    Semaphore costs three coroutines per acquire and release, on every request);
    only a task that must wait awaits. A released slot goes straight to the
    longest waiter."""

    __slots__ = ("_free", "_waiters")

    def __init__(self, limit: int) -> None:
        self._free = max(1, limit)
        self._waiters: deque[asyncio.Future[None]] = deque()

    def take_now(self) -> bool:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return True
        return False

    async def take(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.give()  # handed a slot just as it was cancelled: pass it on
            raise

    def give(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():  # a cancelled waiter stays in line until here
                waiter.set_result(None)
                return
        self._free += 1


class _Inbox:
    """URLs on their way from the calling thread to the loop.

    The caller appends and counts `given`; the loop pops and counts `taken` (deque
    appends and pops are atomic; each counter has one writer)."""

    def __init__(self) -> None:
        self.urls: deque[str] = deque()
        self.closed = False  # the caller has no more
        # set by the loop when it has nothing left to start: the next URL goes at once
        # instead of waiting for a full batch (a lazy input may take a while to fill one)
        self.hungry = True
        self.given = 0
        self.taken = 0

    def waiting(self) -> int:
        return self.given - self.taken


class AsyncEngine:
    def __init__(
        self,
        options: FetchOptions,
        pacer: HostPacer,
        transports: tuple[TransportName, ...] = ("reqwest", "aiohttp"),
    ) -> None:
        self.options = options
        self._pacer = pacer
        self._transports = transports  # the first one installed does the work
        self._overall = _Slots(1)  # replaced per run
        self._overdue: set[asyncio.Task[Fetch]] = set()  # cancelled for their deadline
        self._headers: dict[str, dict[str, str]] = {}  # host -> request headers

    # -- the thread bridge ------------------------------------------------------------

    def run(
        self,
        urls: Iterable[str],
        concurrency: int,
        need_body: bool,
        failed_before: AbstractSet[str] = frozenset(),
        first: Sequence[str] = (),
    ) -> Generator[Fetch, None, None]:
        """Fetch `first`, then `urls`, on an event loop in a worker thread; yields as
        they complete.

        `first` goes to the loop whole at the start: `urls` is read in batches, and a
        batch is handed over when full, so URLs known at once must not wait in a part
        batch while a slow `urls` (documents being read) yields nothing.
        A URL in `failed_before` is asked with GET at once (`get_at_once`); the set is
        read by the loop when the URL's fetch starts, so the caller may add a URL to it
        up to the moment it hands the URL over."""
        concurrency = max(1, concurrency)
        load_client_modules(self._transports)  # here, not in the worker thread
        # `first` on top: their results wait while the caller reads a slow `urls` (it
        # takes results only between batches of it), and must not hold back their own
        read_ahead = max(256, concurrency * 4) + len(first)
        waiting_limit = max(read_ahead, WAITING_URLS)
        results: queue.Queue[object] = queue.Queue()
        started = threading.Event()
        holder: dict[str, object] = {}
        inbox = _Inbox()

        def thread_main() -> None:
            loop = new_event_loop()
            holder["loop"] = loop
            try:
                task = loop.create_task(
                    self._main(
                        inbox, concurrency, read_ahead, waiting_limit, need_body,
                        failed_before, results, holder,
                    )
                )
                holder["task"] = task
                started.set()
                loop.run_until_complete(task)
            except asyncio.CancelledError:
                pass
            except BaseException as exc:  # handed to the consumer, raised there
                results.put(exc)
            finally:
                started.set()
                results.put(_DONE)
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=thread_main, name="fetch-async", daemon=True)
        thread.start()
        started.wait()
        loop = holder.get("loop")
        taken = 0
        finished = False

        def wake_loop() -> None:
            wake = holder.get("wake")
            if callable(wake):
                _call_soon(loop, wake)

        def hand_over(batch: list[str]) -> None:
            inbox.urls.extend(batch)
            inbox.given += len(batch)
            wake_loop()

        def ready(block: bool) -> Iterator[Fetch]:
            """The results waiting (with block, at least one item, or the end)."""
            nonlocal taken, finished
            while not finished:
                try:
                    item = results.get(block=block)
                except queue.Empty:
                    return
                block = False
                if item is _DONE:
                    finished = True
                    return
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, list)
                yield from item
                taken += len(item)
                # waking the loop costs a pipe write and takes the GIL from it: credits go
                # back once a list is consumed (not per result: 5,000 wake-ups for 5,000
                # links), in batches, and at once when the consumer has caught up
                if taken >= CREDIT_BATCH or results.empty():
                    consumed = holder.get("consumed")
                    if callable(consumed):
                        _call_soon(loop, functools.partial(consumed, taken))
                    taken = 0

        try:
            if first:
                inbox.hungry = False
                hand_over(list(first))
            batch: list[str] = []
            for url in urls:  # read here, between results: the loop fetches meanwhile
                batch.append(url)
                if len(batch) >= FEED_BATCH or inbox.hungry:
                    inbox.hungry = False
                    hand_over(batch)
                    batch = []
                    yield from ready(block=False)
                    while inbox.waiting() >= waiting_limit and not finished:
                        yield from ready(block=True)  # enough queued: take results first
            hand_over(batch)
            inbox.closed = True
            wake_loop()
            while not finished:
                yield from ready(block=True)
        finally:
            task = holder.get("task")
            if isinstance(task, asyncio.Task):
                _call_soon(loop, task.cancel)
            thread.join()

    async def _main(
        self,
        inbox: _Inbox,
        concurrency: int,
        read_ahead: int,
        waiting_limit: int,
        need_body: bool,
        failed_before: AbstractSet[str],
        results: queue.Queue[object],
        holder: dict[str, object],
    ) -> None:
        wake = asyncio.Event()
        unconsumed = 0

        def consumed(count: int) -> None:
            nonlocal unconsumed
            unconsumed -= count
            wake.set()

        holder["consumed"] = consumed
        holder["wake"] = wake.set
        loop = asyncio.get_running_loop()
        # finished Fetches go to the consumer as one list every OUTBOX_DELAY (or
        # OUTBOX_BATCH of them): each hand-over wakes the consumer's thread, which then
        # takes the GIL from this one; once per loop turn was ~1,000 wake-ups for 5,000
        # fast links, and cost ~7 % of the wall time (benchmarks/links_vs_lychee.py)
        outbox: list[Fetch] = []
        outbox_timer: list[asyncio.TimerHandle] = []

        def send_outbox() -> None:
            while outbox_timer:
                outbox_timer.pop().cancel()
            if outbox:
                results.put(outbox.copy())
                outbox.clear()

        def deliver(fetch: Fetch) -> None:
            outbox.append(fetch)
            if len(outbox) >= OUTBOX_BATCH:
                send_outbox()
            elif not outbox_timer:
                outbox_timer.append(loop.call_later(OUTBOX_DELAY, send_outbox))

        queues = _HostQueues(self.options.host_concurrency)
        running: set[asyncio.Task[Fetch]] = set()
        deadlines: dict[asyncio.Task[Fetch], float] = {}  # in flight -> loop time it ends
        self._overdue = set()

        def finished(host: str, task: asyncio.Task[Fetch]) -> None:
            # a done callback, not a wrapping coroutine: one frame less on every resume
            nonlocal unconsumed
            running.discard(task)
            deadlines.pop(task, None)
            self._overdue.discard(task)
            queues.done(host)
            wake.set()
            if task.cancelled():
                return
            exc = task.exception()
            if exc is not None:  # not one URL's problem: the run's
                send_outbox()
                results.put(exc)
                return
            unconsumed += 1
            deliver(task.result())

        async def expire_overdue() -> None:
            while True:
                await asyncio.sleep(DEADLINE_TICK)
                now = loop.time()
                late = [task for task, deadline in deadlines.items() if deadline <= now]
                for task in late:
                    del deadlines[task]
                    self._overdue.add(task)  # _fetch tells this cancel from the run's
                    task.cancel()

        async with self._transport(concurrency) as transport:
            host_slots: dict[str, _Slots] = {}
            self._overall = _Slots(concurrency)
            deadline = max(self.options.deadline, 0.0)

            watchdog = asyncio.ensure_future(expire_overdue())
            try:
                while True:
                    while inbox.urls and queues.count < waiting_limit:
                        queues.add(inbox.urls.popleft())
                        inbox.taken += 1
                    exhausted = inbox.closed and not inbox.urls
                    # tasks waiting out a back-off hold no request slot, so more may run
                    # than `concurrency`: `overall` bounds the requests actually in flight
                    while unconsumed + len(running) < read_ahead:
                        picked = queues.take()
                        if picked is None:
                            break
                        host, url = picked
                        task = loop.create_task(
                            self._fetch(
                                transport, host_slots, url, need_body, url in failed_before
                            )
                        )
                        running.add(task)
                        deadlines[task] = loop.time() + deadline
                        task.add_done_callback(functools.partial(finished, host))
                    if exhausted and not queues.count and not running:
                        return
                    inbox.hungry = not queues.count and not inbox.urls
                    wake.clear()
                    await wake.wait()
            finally:
                watchdog.cancel()
                # the consumer stopped early (or something broke): end the requests in flight
                for task in running:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)
                send_outbox()  # what finished in the last turn of the loop

    @contextlib.asynccontextmanager
    async def _transport(self, concurrency: int) -> AsyncIterator[Transport]:
        transport = make_transport(self.options, concurrency, self._transports)
        try:
            yield transport
        finally:
            await transport.close()

    # -- one URL ----------------------------------------------------------------------

    async def _fetch(
        self,
        transport: Transport,
        host_slots: dict[str, _Slots],
        url: str,
        need_body: bool,
        known_failure: bool,
    ) -> Fetch:
        """One URL, its redirects followed (one coroutine for the chain: every frame
        between the task and the client is resumed on each of a request's awaits)."""
        chain = Chain(url, self.options, deadline=Deadline(self.options.deadline))
        walk = _Walk(chain, need_body)
        get_only = get_at_once(self.options.method, need_body, known_failure)
        try:
            while True:
                # names are checked by the resolver, on the addresses actually connected to
                refused = chain.refused(resolve=False)
                if refused is not None:
                    return refused
                try:
                    if get_only:
                        answer = await self._exchange(transport, host_slots, "GET", walk)
                    else:
                        answer = await self._hop(transport, host_slots, walk)
                except DeadlineExceeded:
                    return chain.timed_out()
                except transport.errors() as exc:  # evaluated only when something is raised
                    status, error = transport.describe(exc)
                    if status is LinkStatus.EXCLUDED:
                        return chain.refusal_result(status, error)
                    return chain.finish(status, error=error)
                if isinstance(answer, Fetch):
                    return answer
                location = answer.headers.get("Location")
                if answer.code in REDIRECT_CODES and location:
                    stop = chain.redirect(answer.code, _latin1_to_utf8(location), answer.url)
                    if stop is not None:
                        return chain.finish(stop.status, http_status=answer.code, error=stop.error)
                    continue
                status, reason = classify_answer(
                    chain.url, chain.current, answer.code, bool(chain.redirects),
                    answer.headers, answer.body,
                )
                return chain.finish(
                    status,
                    http_status=answer.code,
                    content_type=answer.headers.get("Content-Type"),
                    body=answer.body if need_body else None,
                    truncated=answer.truncated and need_body,
                    error=reason,
                )
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or task not in self._overdue:
                raise  # the run is ending, not this URL's deadline
            self._overdue.discard(task)
            task.uncancel()
            return chain.timed_out(http_status=walk.last_code)
        except TimeoutError:
            return chain.finish(LinkStatus.TIMEOUT, error="read timeout")
        except CitecheckError:
            raise
        except Exception as exc:  # one odd URL must not end a long run; say what happened
            return chain.finish(
                LinkStatus.UNREACHABLE, error=f"unexpected {type(exc).__name__}: {innermost(exc)}"
            )

    async def _hop(
        self,
        transport: Transport,
        host_slots: dict[str, _Slots],
        walk: _Walk,
    ) -> _Answer | Fetch:
        """One hop: HEAD, and GET after it when the answer calls for one (`_fetch`
        asks with GET alone when `get_at_once`)."""
        method = self.options.method
        try:
            head = await self._exchange(transport, host_slots, "HEAD", walk)
        except transport.errors() as exc:
            if transport.describe(exc)[0] is LinkStatus.EXCLUDED:
                raise
            return await self._exchange(transport, host_slots, "GET", walk)  # another HEAD failure
        if isinstance(head, Fetch):
            return head
        if get_after_head(head.code, head.headers, walk.need_body, method):
            return await self._exchange(transport, host_slots, "GET", walk)
        return head

    async def _exchange(
        self,
        transport: Transport,
        host_slots: dict[str, _Slots],
        method: str,
        walk: _Walk,
    ) -> _Answer | Fetch:
        """One request with its retries, each try in its host's turn."""
        chain = walk.chain
        url = chain.current
        host = host_key(url)
        slot = host_slots.get(host)
        if slot is None:
            slot = host_slots[host] = _Slots(self.options.host_concurrency)
        headers = self._headers.get(host)
        if headers is None:  # the same for every URL of a host: built once per host
            headers = self._headers[host] = request_headers(url, self.options)
        attempt = 0
        overall = self._overall
        while True:
            code: int | None = None
            reset: float | None = None
            if not slot.take_now():
                await slot.take()
            try:
                wait = self._pacer.reserve(host)
                if wait >= chain.deadline.remaining():
                    raise DeadlineExceeded
                if wait > 0:
                    await asyncio.sleep(wait)
                if not overall.take_now():
                    await overall.take()
                try:
                    async with transport.open(
                        method, url, walk.headers_for(host, headers)
                    ) as response:
                        code = response.status
                        walk.last_code = code
                        if "Set-Cookie" in response.headers:
                            walk.keep_cookies(host, response.headers)
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
                                self._pacer.back_off(
                                    host, min(reset, self.options.retry_after_max)
                                )
                            return await self._read(transport, response, method, walk)
                except transport.timeouts():
                    delay = retry_delay(
                        attempt, None, None, self.options, chain.deadline.remaining()
                    )
                    if delay is None:
                        raise
                finally:
                    overall.give()
            finally:
                slot.give()
            if pauses_host(code, reset):
                self._pacer.back_off(host, delay)  # the whole host waits, not just us
            await asyncio.sleep(delay)
            attempt += 1

    async def _read(
        self, transport: Transport, response: Response, method: str, walk: _Walk
    ) -> _Answer | Fetch:
        """Read what is wanted of the body (inside the host's turn)."""
        code = response.status
        answer = _Answer(code, response.headers, b"", False, response.url)
        if method == "HEAD" or (code in REDIRECT_CODES and response.headers.get("Location")):
            return answer
        limit = self.options.max_bytes
        length = response.content_length
        if not walk.need_body:
            limit = body_limit(response.headers, False, limit) if code < 300 else 0
            if length is not None and length <= KEEP_ALIVE_DRAIN:
                limit = max(limit, length)
        if limit <= 0:
            return answer
        chunks: list[bytes] = []
        total = 0
        try:
            while total < limit:
                chunk = await response.read(min(CHUNK_SIZE, limit - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
                if length is not None and total >= length:
                    break  # all of it: no read to find the end (each read is a round trip)
            whole = length is not None and total >= length
            if total >= limit and not whole and not response.at_eof():
                # is there more? one byte tells (a body of exactly `limit` is not cut)
                answer.truncated = bool(await response.read(1))
        except transport.errors() as exc:
            status, error = transport.describe(exc)
            return walk.chain.finish(status, http_status=code, error=error)
        answer.body = b"".join(chunks)
        return answer


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop where it is installed (about 20 % less CPU per request than
    asyncio's, measured in benchmarks/links_vs_lychee.py), else asyncio's."""
    try:
        import uvloop  # optional: not built for every platform
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _latin1_to_utf8(location: str) -> str:
    """A Location sent as raw UTF-8 bytes, read as Latin-1, back to what was meant."""
    try:
        return location.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return location


def _call_soon(loop: object, callback: object) -> None:
    if isinstance(loop, asyncio.AbstractEventLoop) and callable(callback):
        with contextlib.suppress(RuntimeError):  # the loop has already finished
            loop.call_soon_threadsafe(callback)
