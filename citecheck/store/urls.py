"""The domain of a URL, as the store files it (facets, failures per domain) and the
reports show it (domain filter, CSV column, failures per domain). No I/O."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

# "scheme://authority": all of a URL that its host depends on (urlsplit reads the
# same host from it as from the whole URL), so the answer is kept per authority
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


def url_domain(url: str | None) -> str | None:
    """"https://www.News.example:8080/a" -> "news.example"; None when there is no host."""
    if not url:
        return None
    url = url.strip()
    authority = _AUTHORITY.match(url)
    return _domain(url if authority is None else authority.group(0))


@lru_cache(maxsize=4096)  # a run files thousands of URLs under a few hundred hosts
def _domain(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host or any(ch.isspace() or ord(ch) < 32 or ch == "\x7f" for ch in host):
        return None
    return host.removeprefix("www.")
