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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citecheck.archive.drift import content_drift
    from citecheck.archive.memento import (
        KNOWN_TIMEGATES,
        MementoArchives,
        TimeGate,
        timegate_from_spec,
    )
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

# name -> the module that defines it. Loaded on first use: `citecheck.archive.urls` (pure
# URL parsing, used by the document readers) must not bring in the clients, waybackpy
# and requests.
_WHERE = {
    "content_drift": "drift",
    "KNOWN_TIMEGATES": "memento",
    "MementoArchives": "memento",
    "TimeGate": "memento",
    "timegate_from_spec": "memento",
    "RateLimiter": "ratelimit",
    "SavePageNow": "save",
    "SaveResult": "save",
    "SaveStatus": "save",
    "keys_from_environment": "save",
    "end_of_period": "timestamps",
    "ArchiveLink": "urls",
    "normalize_url": "urls",
    "parse_archive_url": "urls",
    "validate_archive_link": "validate",
    "DEFAULT_LOOKUP_METHODS": "wayback",
    "DEFAULT_WAYBACK_URL": "wayback",
    "WAYBACK_URL_ENV": "wayback",
    "Wayback": "wayback",
    "wayback_base_url": "wayback",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


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
