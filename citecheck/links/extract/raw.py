"""The value every extractor yields, and helpers to place text at a line and column."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from operator import attrgetter

import msgspec

_NEWLINE = re.compile("\n")


class RawLink(msgspec.Struct, frozen=True, gc=False):
    """A link as written in a document, before it is resolved against the document's place.

    `base` is set when the document declares one (HTML `<base href>`): the link is
    resolved against it instead of the document's own location. A Struct, as
    citecheck.links.model's types are: one is made for every link of every document.
    """

    written: str
    line: int  # 1-based
    column: int  # 1-based, the first character of `written`
    element: str  # e.g. "a[href]", "markdown-link", "bare-url"
    text: str | None = None
    base: str | None = None


class LineIndex:
    """Offsets in a text <-> 1-based (line, column); columns count characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]

    @property
    def starts(self) -> list[int]:
        """The offset of each line's first character."""
        return self._starts

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def offset(self, line: int, column: int = 1) -> int:
        """The offset of a 1-based line and column (past the end: the text's length)."""
        if line - 1 >= len(self._starts):
            return len(self.text)
        return self._starts[line - 1] + column - 1


_POSITION = attrgetter("line", "column")


def in_order(links: Iterable[RawLink]) -> list[RawLink]:
    """`links` by position: line, then column (links at the same place keep their order)."""
    return sorted(links, key=_POSITION)


def links_after(links: Iterable[RawLink], last: RawLink | None) -> Iterator[RawLink]:
    """The links (in order) that come after `last`: to go on from another reading of
    the same text without repeating what was already yielded."""
    if last is None:
        yield from links
        return
    last_place = _POSITION(last)
    iterator = iter(links)
    for link in iterator:
        place = _POSITION(link)
        if place > last_place:
            yield link
            break
        if place == last_place and link == last:
            break
    yield from iterator
