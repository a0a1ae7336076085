"""An HTTP answer as a LinkStatus: shared by both engines so they cannot disagree."""

from __future__ import annotations

import codecs
import functools
import html
import re
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import urlsplit

from citecheck.models import LinkStatus


class HeaderLookup(Protocol):
    """What classification reads of a response's headers (a dict, requests' or
    aiohttp's case-insensitive maps, pyreqwest's HeaderMap)."""

    def get(self, key: str, /) -> str | None: ...

    def items(self) -> Iterable[tuple[str, str]]: ...


BLOCKED_CODES = frozenset({401, 403, 429, 451})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
HEAD_UNSUPPORTED_CODES = frozenset({405, 501})
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf;q=0.8,*/*;q=0.5"
MAX_VISITS = 2  # a URL may come back once (cookie-setting self-redirects), not three times

# Soft 404s. Phrases a "not found" page puts in its <title> or first <h1>. "does not
# exist" alone would flag articles ("Why the aether does not exist"), so the weaker
# phrases need a word naming the page itself, or a title short enough to be a label.
_TITLE = re.compile(rb"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_FIRST_H1 = re.compile(rb"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ALWAYS_NOT_FOUND = re.compile(r"\b404\b|\bpage not found\b|^\W*not found\b", re.IGNORECASE)
_MISSING = (
    r"(?:not found|could not be found|cannot be found|does not exist|doesn't exist"
    r"|no longer available)"
)
_PAGE_WORD = r"(?:page|article|story|content|post|document|resource|url)"
_PAGE_MISSING = re.compile(rf"\b{_PAGE_WORD}s?\b.{{0,60}}?\b{_MISSING}", re.IGNORECASE)
_SHORT_MISSING = re.compile(rf"\b{_MISSING}\b", re.IGNORECASE)
_SHORT_LABEL_WORDS = 4
SOFT_404_SNIFF_BYTES = 256 * 1024  # how much of a page the soft-404 check reads
_CHARSET = re.compile(r"charset=([\w.-]+)")
# Every phrase above holds one of these words. A heading in plain ASCII (no entity, no
# byte past 127) without any of them cannot say "not found" once decoded, so most
# pages skip the decoding and the phrase tests (tags become spaces: they split words,
# never join them).
_MAYBE_NOT_FOUND = re.compile(rb"404|found|exist|available|&|[^\x00-\x7f]", re.IGNORECASE)
_ASCII_SUPERSETS = frozenset(
    {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1",
     "windows-1252", "cp1252"}
)


def _heading_text(match: re.Match[bytes] | None, charset: str) -> str | None:
    if match is None:
        return None
    text = html.unescape(_TAG.sub(" ", match.group(1).decode(charset, errors="replace")))
    return " ".join(text.split()) or None


def _says_not_found(text: str) -> bool:
    if _ALWAYS_NOT_FOUND.search(text) or _PAGE_MISSING.search(text):
        return True
    return len(text.split()) <= _SHORT_LABEL_WORDS and bool(_SHORT_MISSING.search(text))


def _header(headers: HeaderLookup, name: str) -> str:
    value = headers.get(name)
    if value is None:  # a plain dict is case-sensitive; real header maps are not
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    return value or ""


def may_be_html(headers: HeaderLookup) -> bool:
    """Could this answer be an HTML page (so its title may say "not found")?"""
    content_type = _header(headers, "Content-Type").lower()
    return not content_type or "html" in content_type


def redirected_to_root(url: str, final_url: str) -> bool:
    return urlsplit(url).path not in ("", "/") and urlsplit(final_url).path in ("", "/")


def soft_404_reason(
    url: str, final_url: str, redirected: bool, headers: HeaderLookup, body: bytes
) -> str | None:
    """Why a 2xx answer is really "not found", or None.

    A page whose <title> or first <h1> says so, or a redirect from a deep path to
    the site root.
    """
    if redirected and redirected_to_root(url, final_url):
        return "soft 404: redirected to the site root"
    content_type = _header(headers, "Content-Type").lower()
    if "html" not in content_type and not (
        not content_type and body[:SOFT_404_SNIFF_BYTES].lstrip()[:1] == b"<"
    ):
        return None
    charset_match = _CHARSET.search(content_type)
    charset = _known_charset(charset_match.group(1)) if charset_match else "utf-8"
    plain_ascii = charset in _ASCII_SUPERSETS
    for where, pattern in (("title", _TITLE), ("heading", _FIRST_H1)):
        match = pattern.search(body, 0, SOFT_404_SNIFF_BYTES)
        if match is None or (plain_ascii and not _MAYBE_NOT_FOUND.search(match.group(1))):
            continue
        text = _heading_text(match, charset)
        if text and _says_not_found(text):
            return f'soft 404: page {where} says "{text[:80]}"'
    return None


@functools.lru_cache(maxsize=64)  # a run meets a handful of charsets thousands of times
def _known_charset(name: str) -> str:
    """`name` if Python can decode it, else utf-8."""
    try:
        codecs.lookup(name)
    except LookupError:
        return "utf-8"
    return name


def classify_answer(
    url: str,
    final_url: str,
    code: int,
    redirected: bool,
    headers: HeaderLookup,
    body: bytes,
) -> tuple[LinkStatus, str | None]:
    """The status of the last hop's answer, and a one-line reason when it is not good."""
    if 200 <= code < 300:
        reason = soft_404_reason(url, final_url, redirected, headers, body)
        if reason is not None:
            return LinkStatus.SOFT_404, reason
        return (LinkStatus.REDIRECTED if redirected else LinkStatus.OK), None
    if code in BLOCKED_CODES:
        return LinkStatus.BLOCKED, f"HTTP {code}"
    if code in REDIRECT_CODES:
        return LinkStatus.BROKEN, f"HTTP {code} without a Location header"
    return LinkStatus.BROKEN, f"HTTP {code}"


def get_at_once(method: str, need_body: bool, known_failure: bool) -> bool:
    """Whether a hop asks with GET without a HEAD first: always with `get`; with
    `head-then-get` when the body is wanted, or when the URL failed when last fetched
    (a failure's answer came from the GET that followed the HEAD: a HEAD again would be
    a round trip spent for nothing)."""
    return method == "get" or (method == "head-then-get" and (need_body or known_failure))


def get_after_head(code: int, headers: HeaderLookup, need_body: bool, method: str) -> bool:
    """After a HEAD answer, is a GET of the same URL needed?"""
    if code in REDIRECT_CODES:
        return False  # follow the redirect with HEAD
    if code in HEAD_UNSUPPORTED_CODES or need_body:
        return True
    if method == "head":
        return False
    if not 200 <= code < 300:
        return True  # some servers answer HEAD wrongly (403, 404, 500): ask the way browsers do
    return may_be_html(headers)  # the soft-404 check needs the page's title


def body_limit(headers: HeaderLookup, need_body: bool, max_bytes: int) -> int:
    """How many decoded body bytes to read: all (up to the cap) when the body is wanted,
    else only what the soft-404 check looks at, and nothing of a non-HTML answer."""
    if need_body:
        return max_bytes
    if not may_be_html(headers):
        return 0
    return min(max_bytes, SOFT_404_SNIFF_BYTES)
