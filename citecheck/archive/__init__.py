"""Web archives: find the capture of a URL closest to a date, and fetch its original bytes.

wayback.py     the Wayback Machine client (CDX, availability API, id_ playback)
ratelimit.py   a token bucket per endpoint family, paused after a 429
timestamps.py  ISO dates at any precision -> 14-digit Wayback timestamps
"""

from citecheck.archive.ratelimit import RateLimiter
from citecheck.archive.timestamps import end_of_period
from citecheck.archive.wayback import (
    DEFAULT_WAYBACK_URL,
    WAYBACK_URL_ENV,
    Wayback,
    wayback_base_url,
)

__all__ = [
    "DEFAULT_WAYBACK_URL",
    "WAYBACK_URL_ENV",
    "RateLimiter",
    "Wayback",
    "end_of_period",
    "wayback_base_url",
]
