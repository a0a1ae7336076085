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
from collections.abc import Callable, Iterable
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
DEFAULT_LIMIT = 100  # lookups a run: ~4 minutes at the CDX server's ~24 a minute
LIMIT_REACHED = "not asked: --suggest-limit reached this run (a later run asks)"


def wanted_urls(results: Iterable[LinkResult]) -> list[str]:
    """The distinct web URLs (without their #fragment) whose links failed in a way an
    archived copy can help with, in the order first met. A page that answered 2xx is
    there (a missing #fragment, an unaccepted status), unless it is a soft 404."""
    urls: dict[str, None] = {}
    for result in results:
        url = result.link.url
        if result.status not in SUGGESTED_FOR or not url.startswith(("http://", "https://")):
            continue
        code = result.http_status
        if code is not None and 200 <= code < 300 and result.status is not LinkStatus.SOFT_404:
            continue
        urls[url.partition("#")[0]] = None
    return list(urls)


def suggest_archives(
    urls: list[str],
    network: Network,
    store: Store | None,
    *,
    limit: int = DEFAULT_LIMIT,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Capture]:
    """URL -> its lookup: FOUND (with the capture's playback URL), NOT_FOUND or UNKNOWN.
    Never raises for one URL: the archive client reports trouble as UNKNOWN. At most
    `limit` URLs are asked a run (the archive allows ~24 lookups a minute); the others
    are UNKNOWN, for a later run to ask, the ones answered being kept. `progress` hears
    ("archives", done, total) from (0, total) on."""
    found: dict[str, Capture] = {}
    asked: list[str] = []
    replaying = network.replay_archive is not None
    for url in urls:
        # a replay WARC is one small archive: its "not in it" is not kept, nor read
        cached = None if store is None or replaying else store.cached_capture(url, None)
        if cached is not None:
            found[url] = cached
        elif len(asked) < limit:
            asked.append(url)
        else:
            found[url] = Capture(url, ArchiveStatus.UNKNOWN, error=LIMIT_REACHED)
    if asked:
        _ask(asked, network, store if not replaying else None, found, progress)
    return {url: found[url] for url in urls}  # in the order the links were met


def _ask(
    asked: list[str],
    network: Network,
    store: Store | None,
    found: dict[str, Capture],
    progress: Callable[[str, int, int], None] | None,
) -> None:
    """Look `asked` up, a few at a time, each answer kept in the store as it comes."""
    report = progress or (lambda stage, done, total: None)
    report("archives", 0, len(asked))
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(asked))) as pool:
        lookups = pool.map(functools.partial(_lookup, network), asked)
        for done, (url, capture) in enumerate(zip(asked, lookups, strict=True), start=1):
            found[url] = capture
            if store is not None:
                store.save_capture(capture, None)  # UNKNOWN is never kept
            report("archives", done, len(asked))


def _lookup(network: Network, url: str) -> Capture:
    capture = network.lookup(url, None)
    if capture is None:  # no archive client (offline): could not ask
        return Capture(url, ArchiveStatus.UNKNOWN, error="no archive to ask")
    return capture
