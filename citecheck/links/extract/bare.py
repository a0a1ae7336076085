"""Bare URLs in running text, as GitHub's autolinker and most link checkers find them."""

from __future__ import annotations

import re
from collections.abc import Iterator

_BARE_URL = re.compile(r"(?<![\w/@.+-])(?:https?|ftp)://[^\s<>\"'`\x00-\x1f\x7f]+", re.I)
_TRAILING = ".,;:!?*_~'\""
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def trim_url(candidate: str) -> str:
    """Drop the sentence punctuation and unbalanced closing brackets a URL is followed by."""
    url = candidate
    while url:
        last = url[-1]
        unbalanced = last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last])
        if last in _TRAILING or unbalanced:
            url = url[:-1]
        elif url.endswith(("&gt", "&lt")):
            url = url[:-3]
        else:
            break
    return url


def find_bare_urls(text: str) -> Iterator[tuple[int, str]]:
    """(offset, url) for each bare http(s)/ftp URL in `text`."""
    for match in _BARE_URL.finditer(text):
        url = trim_url(match.group(0))
        if "://" in url and not url.endswith("://"):
            yield match.start(), url
