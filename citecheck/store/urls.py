"""The domain of a URL, as the store files it (facets, failures per domain) and the
reports show it (domain filter, CSV column, failures per domain). No I/O."""

from __future__ import annotations

from urllib.parse import urlsplit


def url_domain(url: str | None) -> str | None:
    """"https://www.News.example:8080/a" -> "news.example"; None when there is no host."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or any(ch.isspace() or ord(ch) < 32 or ch == "\x7f" for ch in host):
        return None
    return host.removeprefix("www.")
