"""The values `citecheck links` passes between its stages.

collect (inputs -> Link) -> policy (Link -> keep / excluded) -> check (remote: the
fetcher; local: the file system) -> LinkResult -> formats (human, json, junit,
sarif, github, markdown).
"""

from __future__ import annotations

from urllib.parse import urldefrag

import msgspec

from citecheck.models import LinkStatus, Redirect


# The value types are msgspec Structs, not frozen dataclasses: a run makes one Link,
# one Origin and one LinkResult per link, and a frozen dataclass's __init__ (one
# object.__setattr__ a field) took ~1.5 us each against ~0.1 us (5,000 links: ~40 ms
# of the calling thread). Frozen all the same; untracked by the cyclic collector
# (gc=False: they hold only strings, numbers and each other, never a cycle); pickled
# as (class, field values) when results spill to disk.
class Origin(msgspec.Struct, frozen=True, gc=False):
    """Where a link was written: file (or URL, or "-" for stdin), 1-based line and column."""

    path: str
    line: int | None = None
    column: int | None = None


class Link(msgspec.Struct, frozen=True, gc=False):
    """One link as found in an input.

    `url` is what will be checked: an absolute http(s) URL, or for local targets an
    absolute `file://` URL (relative links are resolved against the file they are
    in). `written` is the link exactly as it appears in the input.
    """

    url: str
    origin: Origin
    written: str = ""
    text: str | None = None  # the link text / anchor text, if any
    element: str | None = None  # e.g. "a[href]", "img[src]", "markdown-link", "bare-url"

    @property
    def is_local(self) -> bool:
        return self.url.startswith("file://")


class LinkResult(msgspec.Struct, frozen=True, gc=False):
    """The outcome for one link (one per occurrence: the same URL in two places gives two)."""

    link: Link
    status: LinkStatus
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Redirect, ...] = ()
    error: str | None = None
    elapsed_ms: float | None = None
    from_cache: bool = False
    warning: bool = False  # e.g. blocked: reported, but not a failure by default


def fetch_key(url: str) -> str:
    """What is fetched for a link: its URL without the #fragment."""
    # most URLs have none: the same string, not a copy per link
    return url if "#" not in url else urldefrag(url).url


def fragment_of(url: str) -> str:
    return "" if "#" not in url else urldefrag(url).fragment
