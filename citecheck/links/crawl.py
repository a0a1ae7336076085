"""`--recursive`: a URL input's site crawled, every link of every page checked.

Breadth first from the input page: the links of each page are collected (their
origin the page's URL), and those that stay inside the *scope* are crawled in turn,
level by level, `crawl_concurrency` pages at a time and at most twice that many
fetched ahead of their reading (results read in link order, so a crawl reports the
same way twice). The scope is the input page's origin (scheme, host, port) and
folder, after its redirects: from `https://docs.example/guide/` (or
`…/guide/index.html`) everything under `/guide/`; from `https://docs.example/` the
whole site. A page that redirects out of the scope, to a page read already, or to
one `crawl` refuses (excluded), is not read. Only HTML pages and sitemaps are read
for links; URLs that name a file of another kind (`.pdf`, `.png`, `.zip`, …) are not
crawled, only checked (a sitemap's own entries are, whatever their names).
`max_depth` bounds the hops from the input page, `max_pages` the pages read.

A page that cannot be had is not an input problem (except the input page itself):
its link, on the page that named it, is checked and reports it. `crawl` (the
caller's) is asked about each page before it is crawled, and told of the input page
once it is read; the run uses it to skip excluded and remapped URLs and to answer
the links to a page from its read instead of fetching it twice.
"""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from urllib.parse import urlsplit

from citecheck.links.collect import (
    CollectOptions,
    FetchPage,
    InputProblem,
    Page,
    fetch_input_page,
    is_html,
    is_sitemap,
    links_in_page,
)
from citecheck.links.model import Link

# Paths ending so name files that are not pages: checked, never read for links.
NOT_PAGES = frozenset({
    ".7z", ".avi", ".bz2", ".css", ".csv", ".doc", ".docx", ".epub", ".gif", ".gz", ".ico",
    ".jpeg", ".jpg", ".js", ".json", ".mov", ".mp3", ".mp4", ".ogg", ".pdf", ".png", ".ppt",
    ".pptx", ".rar", ".svg", ".tar", ".tgz", ".txt", ".wav", ".webm", ".webp", ".woff",
    ".woff2", ".xls", ".xlsx", ".xml", ".xz", ".zip",
})


def crawl_links(
    start: str,
    options: CollectOptions,
    fetch_page: FetchPage | None,
    crawl: Callable[[str], bool] | None = None,
) -> Iterator[Link | InputProblem]:
    """Every link of every page of `start`'s site (see the module docstring)."""
    first = fetch_input_page(start, fetch_page)
    if isinstance(first, InputProblem):
        yield first
        return
    assert fetch_page is not None  # a page was had: there is a fetcher
    if crawl is not None:  # read already: the links back to it wait for this read
        for key in dict.fromkeys((_page_key(start), _page_key(first.url))):
            crawl(key)
    scope = _scope(first.url)
    seen = {_page_key(start), _page_key(first.url)}  # scheduled (or read) pages
    read = {_page_key(first.url)}  # pages whose links were taken, by where they ended
    crawler = _Crawler(options, scope, seen, crawl)
    yield from crawler.links_of(start, first, 0)
    # one queue, first in first out: breadth first, and the next level's pages fetched
    # while this level's last ones are read (no wait for a level's slowest page)
    todo: deque[tuple[str, int]] = deque((url, 1) for url in crawler.take_following())
    workers = max(1, options.crawl_concurrency)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl") as pool:
        for source, depth, page in _fetched_in_order(pool, fetch_page, todo, workers * 2):
            if page is None or not _inside(_page_key(page.url), scope):
                continue  # unreadable (its link reports it), or redirected out of scope
            final = _page_key(page.url)
            if final in read:
                continue  # reached again through a redirect: its links are out already
            if final not in seen:  # redirected to a page no link named (yet)
                seen.add(final)
                if crawl is not None and not crawl(final):
                    continue  # excluded, or rewritten: checked, not read
            read.add(final)
            yield from crawler.links_of(source, page, depth)
            todo.extend((url, depth + 1) for url in crawler.take_following())


class _Crawler:
    """What the crawl has decided to read next, as the links of each page go by."""

    def __init__(
        self,
        options: CollectOptions,
        scope: tuple[str, str, str],
        seen: set[str],
        crawl: Callable[[str], bool] | None,
    ) -> None:
        self.options = options
        self.scope = scope
        self.seen = seen
        self.crawl = crawl
        self.pages = 1
        self.following: list[str] = []

    def links_of(self, source: str, page: Page, depth: int) -> Iterator[Link | InputProblem]:
        """The page's links (an HTML page, or a sitemap; the input page: any kind), each
        page in scope that one of them names put on the list for the next level."""
        kind = None if depth == 0 else _readable_kind(page)
        if depth and kind is None:
            return  # a page of another kind: checked, not read
        for item in links_in_page(source, page, self.options, kind):
            if isinstance(item, Link) and self._wanted(item, depth):
                key = _page_key(item.url)
                if key not in self.seen and _inside(key, self.scope):
                    self.seen.add(key)
                    if self.crawl is None or self.crawl(key):
                        self.following.append(key)
                        self.pages += 1
            yield item

    def take_following(self) -> list[str]:
        following, self.following = self.following, []
        return following

    def _wanted(self, link: Link, depth: int) -> bool:
        """Whether a link may lead to one more page: within the bounds, a web URL, and
        not a file of a kind that is no page (a sitemap's own entries may be sitemaps)."""
        options = self.options
        if options.max_depth is not None and depth >= options.max_depth:
            return False
        url = link.url
        if self.pages >= options.max_pages or not url.startswith(("http://", "https://")):
            return False
        if link.element == "loc":
            return True  # a page or a sitemap, whatever its name says
        if link.element is not None and link.element.endswith(":loc"):
            return False  # an image's or a video's: checked, never a page
        extension = posixpath.splitext(urlsplit(url).path)[1].lower()
        return extension not in NOT_PAGES


def _readable_kind(page: Page) -> str | None:
    """How a crawled page is read for links: "html", "sitemap", or None (not read)."""
    if is_html(page.content_type):
        return "html"
    return "sitemap" if is_sitemap(page.body) else None


def _fetched_in_order(
    pool: ThreadPoolExecutor,
    fetch_page: FetchPage,
    todo: deque[tuple[str, int]],
    window: int,
) -> Iterator[tuple[str, int, Page | None]]:
    """(url, depth, page or None) for each (url, depth) of `todo`, in its order, the
    caller adding to `todo` as it reads; at most `window` pages fetched ahead of the
    one being read: a site of 10,000 pages never sits in memory at once."""
    fetch = _quietly(fetch_page)
    pending: deque[tuple[str, int, Future[Page | None]]] = deque()

    def top_up() -> None:
        while todo and len(pending) < window:
            url, depth = todo.popleft()
            pending.append((url, depth, pool.submit(fetch, url)))

    while True:
        top_up()  # with what the reading of the last page added
        if not pending:
            return
        url, depth, future = pending.popleft()
        top_up()
        yield url, depth, future.result()


def _quietly(fetch_page: FetchPage) -> Callable[[str], Page | None]:
    def fetch(url: str) -> Page | None:
        try:
            return fetch_page(url)
        except Exception:  # the page's own link is checked and says what went wrong
            return None

    return fetch


def _page_key(url: str) -> str:
    """A page as crawled: without its #fragment."""
    return url.partition("#")[0]


def _scope(url: str) -> tuple[str, str, str]:
    """(scheme, host:port, folder) of the input page: what the crawl stays in."""
    parts = urlsplit(url)
    folder = parts.path.rpartition("/")[0] + "/" if "/" in parts.path else "/"
    return parts.scheme.lower(), parts.netloc.lower(), folder


def _inside(url: str, scope: tuple[str, str, str]) -> bool:
    parts = urlsplit(url)
    scheme, netloc, folder = scope
    return (
        parts.scheme.lower() == scheme
        and parts.netloc.lower() == netloc
        and (parts.path or "/").startswith(folder)
    )

