"""When to try a request again, and how long to wait first.

Besides Retry-After, a server may say its quota is used up before it refuses anything:
`X-RateLimit-Remaining: 0` with `X-RateLimit-Reset` (GitHub: epoch seconds; others:
seconds from now), or the IETF's `RateLimit-Remaining`/`RateLimit-Reset` and
`RateLimit: limit=…, remaining=0, reset=…` (seconds from now). `quota_reset` reads
them; the engines then pause the host until the reset instead of spending requests
on 429s, and GitHub's 403 with the quota at 0 is retried as the 429 it means.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

from citecheck.fetch.options import FetchOptions

RETRY_CODES = frozenset({429, 500, 502, 503, 504})
_STRUCTURED = re.compile(r"(?:^|[;,\s])(remaining|reset)\s*=\s*(\d+)", re.I)
_EPOCH_FROM = 1e9  # a reset above this is a moment (epoch seconds), below it a delay


def quota_reset(get: Callable[[str], str | None]) -> float | None:
    """Seconds until a used-up rate-limit quota resets, read through `get` (a
    case-insensitive header lookup); None when the quota is not used up (or not said).
    A quota said to be used up with no readable reset gives 0."""
    for remaining_name, reset_name in (
        ("X-RateLimit-Remaining", "X-RateLimit-Reset"),
        ("RateLimit-Remaining", "RateLimit-Reset"),
    ):
        remaining = get(remaining_name)
        if remaining is not None and remaining.strip() == "0":
            return _seconds_until(get(reset_name))
    combined = get("RateLimit")
    if combined:
        fields = {name.lower(): value for name, value in _STRUCTURED.findall(combined)}
        if fields.get("remaining") == "0":
            return _seconds_until(fields.get("reset"))
    return None


def _seconds_until(reset: str | None) -> float:
    try:
        value = float((reset or "").strip())
    except ValueError:
        return 0.0
    if value >= _EPOCH_FROM:
        value -= time.time()
    return max(0.0, value)


def retry_wait(retry_after: str | None, default: float) -> float | None:
    """Seconds to wait per a Retry-After header (seconds or an HTTP date); None if unreadable."""
    if retry_after is None:
        return default
    text = retry_after.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):  # fractions are not in RFC 9110; harmless
        return float(text)
    from email.utils import parsedate_to_datetime  # rare: most servers send seconds

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def backoff_delay(attempt: int, options: FetchOptions) -> float:
    """Exponential backoff with jitter: base * 2^attempt, cut at retry_after_max, then
    scaled by a random factor in [0.5, 1] so clients that failed together do not
    come back together."""
    ceiling = min(options.retry_backoff * 2**attempt, options.retry_after_max)
    return ceiling * random.uniform(0.5, 1.0)


def retry_delay(
    attempt: int,
    code: int | None,
    retry_after: str | None,
    options: FetchOptions,
    time_left: float,
    reset: float | None = None,
) -> float | None:
    """Seconds to wait before try number `attempt + 1`, or None to stop trying.

    code None means the try timed out. `reset` is `quota_reset` of the answer: with
    the quota used up, a 403 is retried too (GitHub's rate limit), and without a
    Retry-After the wait is until the reset. A wait longer than retry_after_max (or
    than what is left of the URL's deadline) ends the tries: the server asked for
    more patience than the run has.
    """
    if attempt >= options.retry_budget:
        return None
    limited = reset is not None and code in (403, 429)
    if code is not None and code not in RETRY_CODES and not limited:
        return None
    default = backoff_delay(attempt, options)
    if code is None:
        wait: float | None = default
    elif retry_after is None and reset is not None and limited:
        wait = max(reset, default)
    else:
        wait = retry_wait(retry_after, default)
    if wait is None or wait > options.retry_after_max or wait >= time_left:
        return None
    return wait


def pauses_host(code: int | None, reset: float | None) -> bool:
    """Whether an answer stops every request to its host for a while (not just its own
    retry): a 429, or any answer saying the quota is used up."""
    return code == 429 or reset is not None
