"""`--suggest`: for each failing web link, its closest usable capture in the Wayback
Machine, so a report says not only what is dead but what to link to instead.

Looked up once per URL (not per occurrence), after the links are checked, with the
archive client `citecheck check` uses (CDX first, then the redirect method and the
availability API; InternetArchiveBot's choice of capture; rate limits per endpoint
family). A lookup the archive answered (found or not) is kept in the store without
expiry, as `check` keeps it, so the next run asks again only what it could not ask.
An archive that cannot be asked leaves the link's status alone: the suggestion is
`unknown`, never "not archived".
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from citecheck.links.model import LinkResult
from citecheck.models import ArchiveStatus, Capture, LinkStatus

if TYPE_CHECKING:
    from citecheck.network import Network
    from citecheck.store import Store

# What an archived copy can stand in for: a page that is gone, or that cannot be had
# now. Not a URL that is malformed, excluded by policy or of a scheme never fetched.
SUGGESTED_FOR = frozenset({
    LinkStatus.BROKEN, LinkStatus.SOFT_404, LinkStatus.TIMEOUT, LinkStatus.UNREACHABLE,
    LinkStatus.BLOCKED,
})
WORKERS = 4  # lookups at once: the rate limiters, not the threads, set the pace


def wanted_urls(results: Iterable[LinkResult]) -> list[str]:
    """The distinct web URLs (without their #fragment) whose links failed in a way an
    archived copy can help with, in the order first met."""
    urls: dict[str, None] = {}
    for result in results:
        url = result.link.url
        if result.status in SUGGESTED_FOR and url.startswith(("http://", "https://")):
            urls[url.partition("#")[0]] = None
    return list(urls)


def suggest_archives(
    urls: list[str], network: Network, store: Store | None
) -> dict[str, Capture]:
    """URL -> its lookup: FOUND (with the capture's playback URL), NOT_FOUND or UNKNOWN.
    Never raises for one URL: the archive client reports trouble as UNKNOWN."""
    found: dict[str, Capture] = {}
    asked: list[str] = []
    replaying = network.replay_archive is not None
    for url in urls:
        # a replay WARC is one small archive: its "not in it" is not kept, nor read
        cached = None if store is None or replaying else store.cached_capture(url, None)
        if cached is not None:
            found[url] = cached
        else:
            asked.append(url)
    if not asked:
        return found
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(asked))) as pool:
        lookups = pool.map(functools.partial(_lookup, network), asked)
        for url, capture in zip(asked, lookups, strict=True):
            found[url] = capture
            if store is not None and not replaying:
                store.save_capture(capture, None)  # UNKNOWN is never kept
    return found


def _lookup(network: Network, url: str) -> Capture:
    capture = network.lookup(url, None)
    if capture is None:  # no archive client (offline): could not ask
        return Capture(url, ArchiveStatus.UNKNOWN, error="no archive to ask")
    return capture
