"""Plain text: every bare http(s)/ftp URL is a link."""

from __future__ import annotations

from collections.abc import Iterator

from citecheck.links.extract.bare import find_bare_urls
from citecheck.links.extract.raw import RawLink


def extract_plaintext(text: str) -> Iterator[RawLink]:
    # split("\n"), not splitlines(): form feeds and U+2028 are not line breaks to editors.
    for line_number, line in enumerate(text.split("\n"), start=1):
        for offset, url in find_bare_urls(line):
            yield RawLink(url, line_number, offset + 1, "bare-url")
