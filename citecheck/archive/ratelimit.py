"""A token bucket per endpoint family, shared by every thread that calls the archive.

The Wayback Machine limits each endpoint family separately (CDX ~30/min, playback ~600/min)
and punishes a client that keeps asking after a 429 with hour-long IP blocks. So each
family has its own bucket, and a 429 pauses the family: during the pause `acquire()`
answers False at once, and the caller reports "could not ask" instead of waiting.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

DEFAULT_PAUSE_AFTER_429 = 60.0


class RateLimiter:
    """At most `per_minute` requests a minute, with a burst of `burst` (default: ten
    seconds' worth), and a pause after the server says 429."""

    def __init__(
        self,
        per_minute: float,
        *,
        burst: int | None = None,
        pause_seconds: float = DEFAULT_PAUSE_AFTER_429,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not per_minute > 0:
            raise ValueError(f"per_minute must be positive, got {per_minute!r}")
        if pause_seconds < 0:
            raise ValueError(f"pause_seconds must not be negative, got {pause_seconds!r}")
        self.per_second = per_minute / 60.0
        self.unlimited = math.isinf(per_minute)
        if self.unlimited:
            self.capacity = 1.0
        else:
            self.capacity = float(burst if burst is not None else max(1, round(per_minute / 6)))
        self.pause_seconds = pause_seconds
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = self.capacity
        self._refilled_at = clock()
        self._paused_until = -math.inf

    def acquire(self) -> bool:
        """Wait for a slot; False (without waiting) while the family is paused."""
        with self._lock:
            now = self._clock()
            if now < self._paused_until:
                return False
            if self.unlimited:
                return True
            self._refill(now)
            # Reserve a token even if it is not there yet: a negative balance is the
            # queue of threads already waiting, so each waits its own turn.
            self._tokens -= 1.0
            wait = max(0.0, -self._tokens / self.per_second)
        if wait > 0:
            self._sleep(wait)
            # A 429 seen by another thread while we waited still applies to us.
            return self.paused_for() == 0.0
        return True

    def pause(self, seconds: float | None = None) -> None:
        """Stop this family for `seconds` (default `pause_seconds`); restart slowly after."""
        duration = self.pause_seconds if seconds is None else seconds
        with self._lock:
            until = self._clock() + duration
            self._paused_until = max(self._paused_until, until)
            self._tokens = min(self._tokens, 0.0)
            self._refilled_at = self._paused_until

    def paused_for(self) -> float:
        """Seconds left in the current pause (0.0 when not paused)."""
        with self._lock:
            return max(0.0, self._paused_until - self._clock())

    def _refill(self, now: float) -> None:
        if now > self._refilled_at:
            gained = (now - self._refilled_at) * self.per_second
            self._tokens = min(self.capacity, self._tokens + gained)
            self._refilled_at = now
