"""XML sitemaps (sitemaps.org): every `<loc>` is a link, pages and images alike
(`<image:loc>`), and in a sitemap index the sitemaps it lists.

The text of a `<loc>` is XML: `&amp;` and the other entities are decoded (a bare-URL
reading would check `?a=1&amp;b=2` as written), a CDATA section is taken as it is,
and the namespace URLs of the root element are not links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from citecheck.links.extract.raw import LineIndex, RawLink

_LOC = re.compile(
    r"<(?P<prefix>[\w.-]+:)?loc\b[^>]*>(?P<value>.*?)</(?P=prefix)?loc\s*>", re.S | re.I
)
_CDATA = re.compile(r"\A\s*<!\[CDATA\[(?P<value>.*?)\]\]>\s*\Z", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def extract_sitemap(text: str) -> Iterator[RawLink]:
    index = LineIndex(text)
    comments = [match.span() for match in _COMMENT.finditer(text)]
    for match in _LOC.finditer(text):
        start = match.start("value")
        if any(begin <= start < end for begin, end in comments):
            continue  # a commented-out entry
        raw = match.group("value")
        cdata = _CDATA.match(raw)
        if cdata is not None:
            value, offset = cdata.group("value").strip(), start + cdata.start("value")
        else:
            value, offset = html.unescape(raw.strip()), start + len(raw) - len(raw.lstrip())
        if not value:
            continue
        line, column = index.position(offset)
        yield RawLink(value, line, column, f"{match.group('prefix') or ''}loc")
