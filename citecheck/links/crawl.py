"""`--recursive`: a URL input's site crawled, every link of every page checked.

Breadth first from the input page: the links of each page are collected (their
origin the page's URL), and those that stay inside the *scope* are crawled in turn,
level by level, `crawl_concurrency` pages at a time (results kept in link order, so
a crawl reports the same way twice). The scope is the input page's origin (scheme,
host, port) and folder, after its redirects: from `https://docs.example/guide/` (or
`…/guide/index.html`) everything under `/guide/`; from `https://docs.example/` the
whole site. Only HTML pages are read for links; URLs that name a file of another
kind (`.pdf`, `.png`, `.zip`, …) are not crawled, only checked. `max_depth` bounds
the hops from the input page, `max_pages` the pages read.

A page that cannot be had is not an input problem (except the input page itself):
its link, on the page that named it, is checked and reports it. `crawl` (the
caller's) is asked last about each page to crawl; the run uses it to skip excluded
URLs and to wait for the crawl's fetch of a page instead of fetching it twice.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from citecheck.links.collect import (
    CollectOptions,
    FetchPage,
    InputProblem,
    Page,
    is_html,
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
    if fetch_page is None:
        yield InputProblem(start, "URL inputs need a fetcher (none was given)")
        return
    try:
        first = fetch_page(start)
    except Exception as error:  # the caller's fetcher: the input page is the input
        yield InputProblem(start, f"cannot fetch: {error}")
        return
    scope = _scope(first.url)
    seen = {_page_key(start), _page_key(first.url)}
    pages = 1
    level: list[tuple[str, Page | None]] = [(start, first)]
    depth = 0
    workers = max(1, options.crawl_concurrency)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl") as pool:
        while level:
            following: list[str] = []
            for source, page in level:
                if page is None or (depth and not is_html(page.content_type)):
                    continue  # unreadable (its link reports it), or not a page
                for item in links_in_page(source, page, options, "html" if depth else None):
                    if isinstance(item, Link) and _wanted(item.url, depth, pages, options):
                        key = _page_key(item.url)
                        if key not in seen and _inside(key, scope):
                            seen.add(key)
                            if crawl is None or crawl(key):
                                following.append(key)
                                pages += 1
                    yield item
            depth += 1
            # fetched together, read in order: the report does not depend on timing
            level = list(zip(following, pool.map(_quietly(fetch_page), following), strict=True))


def _wanted(url: str, depth: int, pages: int, options: CollectOptions) -> bool:
    """Whether a link may lead to one more page: within the bounds, a web URL, and not
    a file of a kind that is no page."""
    if options.max_depth is not None and depth >= options.max_depth:
        return False
    if pages >= options.max_pages or not url.startswith(("http://", "https://")):
        return False
    extension = posixpath.splitext(urlsplit(url).path)[1].lower()
    return extension not in NOT_PAGES


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

