"""Which headers a request carries: the global ones, the URL's host's, a GitHub token."""

from __future__ import annotations

from citecheck.fetch.classify import ACCEPT
from citecheck.fetch.options import FetchOptions
from citecheck.fetch.urls import host_key

GITHUB_HOSTS = frozenset({"github.com", "api.github.com", "raw.githubusercontent.com"})


def is_github_host(host: str) -> bool:
    return host.lower().rstrip(".") in GITHUB_HOSTS


def request_headers(url: str, options: FetchOptions) -> dict[str, str]:
    """The headers for one request to `url` (each hop of a redirect chain is asked
    anew, so a token for one host never follows a redirect to another)."""
    host = host_key(url)
    headers = {
        "User-Agent": options.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": options.accept_encoding,
    }
    headers.update(options.headers)
    for pattern, extra in options.host_headers.items():
        if host_key(f"http://{pattern}/") == host:
            headers.update(extra)
    if options.github_token and is_github_host(host):
        headers["Authorization"] = f"Bearer {options.github_token}"
    return headers


def parse_header_token(token: str) -> tuple[str | None, str, str]:
    """`--header` as lychee takes it plus a host form: "Name: value" (every host) or
    "host=Name: value" (that host only). Returns (host or None, name, value);
    ValueError with a one-line message when it is neither."""
    host: str | None = None
    text = token
    head, sep, rest = token.partition("=")
    if sep and ":" not in head:
        host, text = head.strip().lower(), rest
    name, colon, value = text.partition(":")
    if not colon or not name.strip() or any(c.isspace() for c in name.strip()):
        raise ValueError(f'bad header {token!r}: expected "Name: value" or "host=Name: value"')
    if host is not None and not host:
        raise ValueError(f"bad header {token!r}: empty host before '='")
    return host, name.strip(), value.strip()
