"""The pages a run reads for their links (a URL input, the pages of a crawled site),
kept as the answers of the links to them, so no page is fetched twice.

`PageReads.fetch_page` and `PageReads.crawl` are what `collect_links` is given; the
run leaves every link whose page the crawl is to read (`awaiting`) for `answers`,
once the collection (and so the crawl) is over. A page is kept without its body (a
crawl may read thousands), and, when #fragments are looked for, as the fragment
check reads it: an HTML page reduced to its anchors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import msgspec

from citecheck.errors import InputError
from citecheck.links.collect import Page
from citecheck.links.local import anchors_page
from citecheck.links.model import fetch_key
from citecheck.models import Fetch, LinkStatus

if TYPE_CHECKING:
    from citecheck.links.policy import LinkPolicy
    from citecheck.links.spill import SpillMap
    from citecheck.network import Network


class PageReads:
    """One run's page reads. `fetch_page` runs in the crawl's threads (one key per
    thread and URL: plain dicts do); `crawl` and `answers` in the run's thread."""

    def __init__(self, network: Network, policy: LinkPolicy, keep_anchors: bool) -> None:
        self._network = network
        self._policy = policy
        self._keep_anchors = keep_anchors
        self._read: dict[str, Fetch] = {}  # fetch key -> the read, without its body
        self._for_fragments: dict[str, Fetch] = {}  # as the #fragment check reads it
        self.awaiting: set[str] = set()  # pages whose links wait for their read

    def fetch_page(self, url: str) -> Page:
        """An input given as a URL (or a page of its site): its page, for its links;
        InputError when it could not be had."""
        fetch = self._network.fetcher.fetch(url)
        for key, answer in _answers_of_read(url, fetch):
            self._read[key] = msgspec.structs.replace(answer, body=None)
            if self._keep_anchors:
                readable = _as_fragments_read_it(answer)
                if readable is not None:
                    self._for_fragments[key] = readable
        return page_of(fetch)

    def crawl(self, url: str) -> bool:
        """Whether the crawl goes on to `url`; if it does, the link waits for it."""
        if not crawlable(url, self._policy):
            return False
        self.awaiting.add(url)
        return True

    def answers(self, routed: SpillMap[bool]) -> Iterator[tuple[str, Fetch, Fetch, bool]]:
        """(URL, the fetch to record, the fetch its links are answered from, whether its
        page is wanted) for each page a link waits for (`routed`: fetch key -> page
        wanted, for the keys linked): the crawl's read, answered with its anchors when
        one wants them; a page it was to read and did not (an interrupted crawl)
        fetched now, so no linked page goes unanswered."""
        missing: list[str] = []
        for url in self.awaiting:
            wants_body = routed.get(url)
            if wants_body is None:
                continue  # not linked as such (remapped, excluded): nothing to answer
            had = self._read.pop(url, None)
            if had is None:
                missing.append(url)
                continue
            read = self._for_fragments.pop(url, None) if wants_body else None
            yield url, had, read or had, wants_body
        if missing:
            for fetch in self._network.fetcher.fetch_many(missing, need_body=True):
                yield fetch.url, fetch, fetch, bool(routed.get(fetch.url))


def crawlable(url: str, policy: LinkPolicy) -> bool:
    """Whether a crawl may read `url`: not excluded, and not rewritten by --remap (its
    link is checked where the rule sends it, and that page is not this one)."""
    return policy.decide(url) == (url, None)


def page_of(fetch: Fetch) -> Page:
    """A fetched page for its links; InputError when it could not be had."""
    if not fetch.status.is_success() or fetch.body is None:
        raise InputError(f"{fetch.status.value}: {fetch.error or fetch.http_status or ''}")
    return Page(fetch.final_url or fetch.url, fetch.body, fetch.content_type)


def _answers_of_read(url: str, fetch: Fetch) -> Iterator[tuple[str, Fetch]]:
    """The links a page's read answers: its own, and, when it was redirected to a page
    that answered, a link to that page as well (no redirects of its own)."""
    yield fetch_key(url), fetch
    final = fetch.final_url
    if fetch.redirects and final and fetch.status in (LinkStatus.OK, LinkStatus.REDIRECTED):
        yield fetch_key(final), msgspec.structs.replace(
            fetch, url=final, status=LinkStatus.OK, final_url=final, redirects=()
        )


def _as_fragments_read_it(fetch: Fetch) -> Fetch | None:
    """A page as the #fragment check reads it: an HTML page reduced to its anchors, a
    Markdown page (or one of no stated type) whole; None for a page whose anchors
    cannot be known (its #fragments pass, as they would fetched again)."""
    if fetch.body is None:
        return None
    anchors = anchors_page(fetch.body, fetch.content_type)
    if anchors is not None:
        return msgspec.structs.replace(
            fetch, body=anchors, content_type="text/html; charset=utf-8"
        )
    media_type = (fetch.content_type or "").partition(";")[0].strip().lower()
    return fetch if media_type in ("", "text/markdown", "text/x-markdown") else None
