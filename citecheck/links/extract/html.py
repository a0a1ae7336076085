"""HTML: links in the attributes that point somewhere, located at the attribute's value.

Python's own `html.parser` is used because it reports where each start tag begins and
hands back the tag as written, so the value's exact line and column can be found. It
is as forgiving as browsers are about broken markup. `<base href>` is honoured.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser

import msgspec.structs

from citecheck.links.extract.raw import RawLink, in_order

# (tag, attribute) pairs that name a resource to check; "*" matches any tag.
_LINK_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "object": ("data",),
    "blockquote": ("cite",),
    "q": ("cite",),
    "ins": ("cite",),
    "del": ("cite",),
}
# <link rel=preconnect href=https://cdn.example> names an origin, not a page.
_ORIGIN_ONLY_RELS = frozenset({"preconnect", "dns-prefetch"})
_ATTRIBUTE = (
    r"(?<![\w-]){name}\s*=\s*"
    r"(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"'=<>`]+))"
)


def _value_offset(tag_text: str, attribute: str) -> int | None:
    """Where the value of `attribute` starts inside the start tag as written."""
    pattern = re.compile(_ATTRIBUTE.format(name=re.escape(attribute)), re.I)
    match = pattern.search(tag_text)
    if match is None:
        return None
    for group in ("dq", "sq", "bare"):
        if match.group(group) is not None:
            return match.start(group)
    return None


def _srcset_candidates(value: str) -> Iterator[tuple[int, str]]:
    """(offset, url) of each image candidate in a srcset value ("a.png 1x, b.png 2x")."""
    position = 0
    while position < len(value):
        while position < len(value) and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < len(value) and not value[position].isspace():
            position += 1
        url = value[start:position]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # skip the descriptors ("2x", "480w") up to the next comma
            comma = value.find(",", position)
            position = len(value) if comma < 0 else comma + 1
        if url:
            yield start, url


class _ForgivingParser(HTMLParser):
    """HTMLParser that reads `<![` followed by anything but a known marked section
    (`<![i]`, `<![ `, `<![>`) as browsers do, a bogus comment up to the next ">",
    where Python's raises AssertionError and would end the whole run."""

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1  # -1: not closed yet, more text to come


class _LinkParser(_ForgivingParser):
    def __init__(self, line_offset: int, column_offset: int) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[RawLink] = []
        self.base: str | None = None
        self._line_offset = line_offset
        self._column_offset = column_offset

    def _place(self, tag_text: str, value_offset: int) -> tuple[int, int]:
        line, column = self.getpos()  # column: 0-based, of the "<"
        before = tag_text[:value_offset]
        newlines = before.count("\n")
        if newlines:
            column = len(before) - before.rfind("\n") - 1
        else:
            column += value_offset
            if line == 1:
                column += self._column_offset
        return line + newlines + self._line_offset, column + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if tag == "base" and self.base is None and values.get("href", "").strip():
            self.base = values["href"].strip()
            return
        wanted = _LINK_ATTRIBUTES.get(tag)
        if not wanted:
            return
        if tag == "link" and set(values.get("rel", "").lower().split()) & _ORIGIN_ONLY_RELS:
            return
        tag_text = self.get_starttag_text() or ""
        for attribute in wanted:
            value = values.get(attribute)
            if value is None:
                continue
            start = _value_offset(tag_text, attribute)
            if start is None:
                continue
            element = f"{tag}[{attribute}]"
            if attribute == "srcset":
                raw_value = unescape(tag_text[start:])
                for offset, url in _srcset_candidates(value):
                    # Entities rarely appear in srcset; map the offset through the raw text.
                    found = raw_value.find(url)
                    line, column = self._place(tag_text, start + (found if found >= 0 else offset))
                    self.links.append(RawLink(url, line, column, element))
                continue
            # Leading/trailing spaces are not part of a URL (the HTML spec strips them).
            stripped = value.strip()
            lead = len(value) - len(value.lstrip())
            line, column = self._place(tag_text, start + lead)
            self.links.append(RawLink(stripped, line, column, element))

    handle_startendtag = handle_starttag


def extract_html(text: str, *, line_offset: int = 0, column_offset: int = 0) -> Iterator[RawLink]:
    """Links in an HTML text, in order; the offsets place a fragment inside a bigger file.

    Not streamed: a `<base href>` anywhere in the page applies to every link."""
    parser = _LinkParser(line_offset, column_offset)
    parser.feed(text)
    parser.close()
    # A tag's attributes are read in a fixed order (src before srcset), not as written.
    for link in in_order(parser.links):
        if parser.base is not None:
            yield msgspec.structs.replace(link, base=parser.base)
        else:
            yield link


def html_anchors(text: str) -> set[str]:
    """The fragment targets an HTML text defines: every id, and the name of every <a>."""
    collector = _AnchorParser()
    collector.feed(text)
    collector.close()
    return collector.anchors


class _AnchorParser(_ForgivingParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.anchors.add(value)

    handle_startendtag = handle_starttag
