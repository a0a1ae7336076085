"""Web archives: find the capture of a URL closest to a date, fetch its original bytes,
check the archive links citations carry, and ask for new captures.

wayback.py     the Wayback Machine client (CDX, redirect method, availability API, id_ playback)
memento.py     other archives through Memento TimeGates (configurable, off by default)
save.py        Save Page Now 2: capture a live page now
validate.py    archive-url / archive-date / url-status checks on a reference
drift.py       the cited page changed after it was cited
urls.py        archive URLs -> capture time and original URL; URL comparison
ratelimit.py   a token bucket per endpoint family, paused after a 429
timestamps.py  ISO dates at any precision -> 14-digit Wayback timestamps
"""

from citecheck.archive.drift import content_drift
from citecheck.archive.memento import KNOWN_TIMEGATES, MementoArchives, TimeGate, timegate_from_spec
from citecheck.archive.ratelimit import RateLimiter
from citecheck.archive.save import SavePageNow, SaveResult, SaveStatus, keys_from_environment
from citecheck.archive.timestamps import end_of_period
from citecheck.archive.urls import ArchiveLink, normalize_url, parse_archive_url
from citecheck.archive.validate import validate_archive_link
from citecheck.archive.wayback import (
    DEFAULT_LOOKUP_METHODS,
    DEFAULT_WAYBACK_URL,
    WAYBACK_URL_ENV,
    Wayback,
    wayback_base_url,
)

__all__ = [
    "DEFAULT_LOOKUP_METHODS",
    "DEFAULT_WAYBACK_URL",
    "KNOWN_TIMEGATES",
    "WAYBACK_URL_ENV",
    "ArchiveLink",
    "MementoArchives",
    "RateLimiter",
    "SavePageNow",
    "SaveResult",
    "SaveStatus",
    "TimeGate",
    "Wayback",
    "content_drift",
    "end_of_period",
    "keys_from_environment",
    "normalize_url",
    "parse_archive_url",
    "timegate_from_spec",
    "validate_archive_link",
    "wayback_base_url",
]
