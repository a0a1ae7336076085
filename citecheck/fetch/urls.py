"""Is this a URL the fetcher can try at all? (INVALID / UNSUPPORTED before any I/O)"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote, urlsplit

import msgspec

from citecheck.models import LinkStatus
from citecheck.netguard import parse_literal_address

# idna (~3 ms to load) is imported where a host needs it (not ASCII, or an xn-- label).

SUPPORTED_SCHEMES = frozenset({"http", "https"})
# \s is str.isspace(): Unicode spaces too. One regex scan, not a Python loop per character.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
# What a URL may hold as it is (RFC 3986 reserved and unreserved characters, and % of
# an escape); anything else in a redirect target is percent-encoded, as browsers do.
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~!#$&'()*+,/:;=?@\[\]]|%[0-9A-Fa-f]{2}")
_LOCATION_SAFE = "!#$%&'()*+,/:;=?@[]~"
# The common shape, http(s)://name-or-ipv4[:port] and then /, ?, # or the end: its host
# is read with one regex instead of urlsplit (~6 us, asked several times per URL).
# Anything else (user info, IPv6, upper-case schemes, odd characters) takes urlsplit.
_SIMPLE_URL = re.compile(r"https?://([A-Za-z0-9.\-]+)(?::([0-9]{1,5}))?(?=[/?#]|$)", re.ASCII)


# A Struct, not a dataclass: start-up cost, see citecheck/models.py (gc=False: no cycles).
class UrlProblem(msgspec.Struct, frozen=True, gc=False):
    status: LinkStatus
    error: str


def requote_location(url: str) -> str:
    """A redirect target as browsers request it: spaces, non-ASCII and other characters
    outside RFC 3986 percent-encoded (UTF-8); every % is kept as it is, escape or not
    (the WHATWG URL parser leaves a stray % alone too)."""
    if _URL_CHARACTERS.sub("", url) == "":
        return url  # nearly every Location: nothing to encode
    return quote(url, safe=_LOCATION_SAFE)


def url_problem(url: str) -> UrlProblem | None:
    """Why `url` cannot be fetched at all (INVALID or UNSUPPORTED), or None if it can."""
    if not url:
        return UrlProblem(LinkStatus.INVALID, "empty URL")
    if _SPACE_OR_CONTROL.search(url):
        return UrlProblem(LinkStatus.INVALID, "URL contains spaces or control characters")
    simple = _SIMPLE_URL.match(url)
    if simple is not None:
        port = simple.group(2)
        if (port is None or int(port) <= 65535) and _is_valid_host(simple.group(1)):
            return None  # else the full check below says what is wrong
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError as exc:
        return UrlProblem(LinkStatus.INVALID, f"unparseable URL: {exc}")
    scheme = parts.scheme.lower()
    if not scheme or "." in scheme:
        return UrlProblem(LinkStatus.INVALID, "not an absolute URL")
    if scheme not in SUPPORTED_SCHEMES:
        return UrlProblem(LinkStatus.UNSUPPORTED, f"unsupported scheme: {scheme}")
    if not host:
        return UrlProblem(LinkStatus.INVALID, "URL has no host")
    if "\\" in parts.netloc:
        # browsers and reqwest read "\" as "/", Python as part of the user info: in
        # http://10.0.0.1\@example.test/ one side sees 10.0.0.1, the other example.test
        return UrlProblem(LinkStatus.INVALID, "backslash in the host part")
    if not _is_valid_host(host):
        return UrlProblem(LinkStatus.INVALID, f"invalid host name: {host}")
    return None


@functools.lru_cache(maxsize=4096)  # a run asks about the same few hosts thousands of times
def _is_valid_host(host: str) -> bool:
    if parse_literal_address(host) is not None:
        return True
    if "%" in host:
        # a percent-escape in a host name: clients decode it differently (reqwest to
        # the name it spells, requests not at all), so the name checked by the address
        # guard might not be the one connected to; browsers refuse most of these too
        return False
    name = ascii_host(host)
    if name is None:
        return False
    labels = name.rstrip(".").split(".")
    if any(not label or len(label) > 63 for label in labels):
        return False
    punycode = [label for label in labels if label.lower().startswith("xn--")]
    if not punycode:
        return True
    import idna

    try:
        for label in punycode:
            idna.decode(label)
    except idna.IDNAError:
        return False
    return True


def ascii_host(host: str) -> str | None:
    """The host as DNS sees it (IDNA/punycode), or None if it is not a valid name."""
    if host.isascii():
        return host
    import idna

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None


def host_key(url: str) -> str:
    """The politeness key of a URL: its host name, lower case, as DNS sees it."""
    simple = _SIMPLE_URL.match(url)
    if simple is not None:
        return _host_key_of(simple.group(1))
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return _host_key_of(host)


@functools.lru_cache(maxsize=4096)
def _host_key_of(host: str) -> str:
    return (ascii_host(host) or host).lower().rstrip(".")
