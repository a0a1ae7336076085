"""Which headers a request carries: the global ones, the URL's host's, a GitHub token."""

from __future__ import annotations

import re

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


# a header's host: a name, an IPv4 address or a bracketed IPv6 one, with a port or not
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110's token
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # a tab is allowed in a value


def parse_header_token(token: str) -> tuple[str | None, str, str]:
    """`--header` as lychee takes it plus a host form: "Name: value" (every host) or
    "host[:port]=Name: value" (that host only; the port, if given, is not compared:
    a host's headers go to it on any port). Returns (host or None, name, value);
    ValueError with a one-line message when it is neither.

    A header name holds neither "=" nor ":", so text before the first "=" that reads
    as a host (and is followed by "Name:") names one; "Cookie: a=b" is a header."""
    host: str | None = None
    text = token
    head, sep, rest = token.partition("=")
    if sep and _names_host(head.strip()) and ":" in rest:
        host, text = head.strip().lower(), rest
    elif sep and not head.strip():
        raise ValueError(f"bad header {token!r}: empty host before '='")
    name, colon, value = text.partition(":")
    name, value = name.strip(), value.strip()
    if not colon or not _HEADER_NAME.match(name):
        raise ValueError(
            f"bad header {token!r}: expected 'Name: value' or 'host[:port]=Name: value'"
        )
    if _CONTROL.search(value):  # a CR or LF would end the header and start another
        raise ValueError(f"bad header {token!r}: control characters in its value")
    return host, name, value


def _names_host(head: str) -> bool:
    """Whether the text before "=" is a host: "X-Api-Version:2" in "X-Api-Version:2=a:b"
    is a header and its value, so a host with a port needs a dot, brackets or to be
    localhost ("docs.example:8443", "[::1]:8080", "localhost:8080")."""
    if not _HOST.match(head):
        return False
    if ":" not in head.rpartition("]")[2]:
        return True  # no port: a header name never holds "="
    return "." in head or head.startswith("[") or head.lower().startswith("localhost:")
