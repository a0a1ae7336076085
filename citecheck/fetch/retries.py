"""When to try a request again, and how long to wait first."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

from citecheck.fetch.options import FetchOptions

RETRY_CODES = frozenset({429, 500, 502, 503, 504})


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
) -> float | None:
    """Seconds to wait before try number `attempt + 1`, or None to stop trying.

    code None means the try timed out. A Retry-After longer than retry_after_max (or
    than what is left of the URL's deadline) ends the tries: the server asked for
    more patience than the run has.
    """
    if attempt >= options.retry_budget:
        return None
    if code is not None and code not in RETRY_CODES:
        return None
    default = backoff_delay(attempt, options)
    wait = retry_wait(retry_after, default) if code is not None else default
    if wait is None or wait > options.retry_after_max or wait >= time_left:
        return None
    return wait
