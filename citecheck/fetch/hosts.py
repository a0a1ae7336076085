"""Per-host politeness shared by every request of a run, whichever engine sends it.

`HostPacer` decides *when* a request to a host may start: never sooner than
`host_request_interval` after the previous start to that host, and never before
a host's back-off (after a 429) ends. It only computes times (under a lock), so
threads and an event loop can share one: each sleeps the wait it is given.
How many requests are in flight per host is bounded by each engine's own
semaphores (a threading one and an asyncio one).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class HostPacer:
    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = max(0.0, interval)
        self._clock = clock
        self._next_start: dict[str, float] = {}
        self._resume_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str) -> float:
        """Book the next start slot for `host`; returns the seconds to wait for it."""
        now = self._clock()
        with self._lock:
            start = max(now, self._next_start.get(host, now), self._resume_at.get(host, now))
            if self._interval:
                self._next_start[host] = start + self._interval
            return start - now

    def back_off(self, host: str, seconds: float) -> None:
        """No request to `host` starts for `seconds` from now (e.g. after a 429)."""
        until = self._clock() + max(0.0, seconds)
        with self._lock:
            if until > self._resume_at.get(host, 0.0):
                self._resume_at[host] = until


class HostSlots:
    """At most `limit` requests in flight per host, for threads."""

    def __init__(self, limit: int) -> None:
        self._limit = max(1, limit)
        self._semaphores: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def __call__(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            semaphore = self._semaphores.get(host)
            if semaphore is None:
                semaphore = self._semaphores[host] = threading.BoundedSemaphore(self._limit)
            return semaphore
