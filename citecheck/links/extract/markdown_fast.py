"""Markdown links through markdown-it-pyrs (markdown-it.rs): the same links, ~10x faster.

The Rust parser builds the CommonMark tree (so code blocks, code spans and front
matter never yield links) and gives every node its byte range in the source.
Destinations are read again from the source, with markdown-it-py's own destination
parser, because the Rust parser percent-encodes them and the checker wants them as
written. Reference-style links and images are reported at their definition.

The Rust parser drops `javascript:`, `vbscript:`, `file:` and `data:` links (its
link validation cannot be switched off); the checker wants them, so a text that
might hold one returns None and is read by the markdown-it-py extractor instead.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache

from markdown_it.common.utils import normalizeReference
from markdown_it.helpers import parseLinkDestination
from markdown_it_pyrs import MarkdownIt, Node

from citecheck.links.extract.bare import find_bare_urls
from citecheck.links.extract.html import extract_html
from citecheck.links.extract.raw import LineIndex, RawLink

# Schemes markdown-it.rs rejects, also written with an escape or an entity (any "&#"
# could spell one). The substrings are a cheap first look at the lowercased text.
_REJECTED_HINTS = ("script", "file", "data", "&#")
_REJECTED_SCHEME = re.compile(
    r"(?<![a-z0-9+.-])(?:javascript|vbscript|file|data)(?::|\\:|&)|&#", re.I
)
# A destination without escapes, entities, parentheses or "<": as written is as parsed.
_PLAIN_DESTINATION = re.compile(r"[^\s()<\\&\x00-\x1f\x7f]+(?=[)\s]|\Z)")
_URI_AUTOLINK = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:")
# A label without these reads the same in the source and in the tree's text nodes.
_MARKUP_IN_LABEL = re.compile(r"[\[\]\\`<&*_!~\n]")
_TEXT = frozenset({"text", "text_special"})


@cache
def _parser() -> MarkdownIt:
    """CommonMark + tables + front matter, as the markdown-it-py extractor reads it."""
    return MarkdownIt("commonmark").enable_many(["table", "front_matter"])


def extract_markdown_fast(text: str) -> list[RawLink] | None:
    """The links of a Markdown text, or None when only the markdown-it-py path can tell."""
    if _might_hold_rejected_scheme(text):
        return None
    try:
        tree = _parser().tree(text)
    except Exception:  # a parser failure on odd input: the pure-Python path decides
        return None
    walker = _Walker(text)
    for node in tree.walk(include_self=False):
        walker.see(node)
    walker.end_run()
    return walker.links


def _might_hold_rejected_scheme(text: str) -> bool:
    lowered = text.lower()
    if not any(hint in lowered for hint in _REJECTED_HINTS):
        return False
    return _REJECTED_SCHEME.search(text) is not None


class _Source:
    """The text, its Rust byte offsets as character offsets, and (line, column) places."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = LineIndex(text)
        self._ascii = text.isascii()
        if not self._ascii:
            data = text.encode("utf-8")
            self._data = data
            self._byte_starts = [0] + [match.end() for match in re.finditer(b"\n", data)]

    def char(self, byte_offset: int) -> int:
        if self._ascii:
            return byte_offset
        line = bisect.bisect_right(self._byte_starts, byte_offset) - 1
        head = self._data[self._byte_starts[line] : byte_offset]
        return self.index.offset(line + 1) + len(head.decode("utf-8", errors="replace"))

    def span(self, node: Node) -> tuple[int, int] | None:
        if node.srcmap is None:
            return None
        start, end = node.srcmap
        return self.char(start), self.char(end)


class _Walker:
    """Reads the tree's nodes in document order (a flat walk: each Node attribute read
    crosses into Rust, so nodes are looked at once and only as much as needed)."""

    def __init__(self, text: str) -> None:
        self.source = _Source(text)
        self.text = text
        self.links: list[RawLink] = []
        self._labels: set[str] = set()
        # Text before this byte offset is a link's text, an image's alt or code: no bare URLs.
        self._quiet_until = 0
        self._run: list[Node] = []  # adjacent text nodes: one text, as markdown-it-py joins them
        self._run_end = -1

    def see(self, node: Node) -> None:
        name = node.name
        if name in _TEXT:
            self._text(node)
            return
        self.end_run()
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, node)

    def place(self, offset: int) -> tuple[int, int]:
        return self.source.index.position(offset)

    def _quiet(self, node: Node) -> None:
        if node.srcmap is not None:
            self._quiet_until = max(self._quiet_until, node.srcmap[1])

    def _text(self, node: Node) -> None:
        srcmap = node.srcmap
        if srcmap is None or srcmap[0] < self._quiet_until:
            self.end_run()
            return
        if srcmap[0] != self._run_end:
            self.end_run()
        self._run.append(node)
        self._run_end = srcmap[1]

    def end_run(self) -> None:
        """Bare URLs in a run of text, found in the decoded text, placed in the source."""
        run, self._run, self._run_end = self._run, [], -1
        if not run:
            return
        first, last = run[0].srcmap, run[-1].srcmap
        assert first is not None and last is not None
        cursor, end = self.source.char(first[0]), self.source.char(last[1])
        written = self.text[cursor:end]
        if "/" not in written and "&" not in written:  # "://" cannot be in the decoded text
            return
        content = "".join(str(node.meta.get("content", "")) for node in run)
        for _, url in find_bare_urls(content):
            offset = self.text.find(url, cursor, end)
            if offset >= 0:  # not found: written with escapes or entities
                cursor = offset + len(url)
            line, column = self.place(offset if offset >= 0 else cursor)
            self.links.append(RawLink(url, line, column, "bare-url"))

    def _destination(
        self, span: tuple[int, int], label_end: int, opener: str
    ) -> tuple[str, int] | None:
        """(destination, offset) read from the source after `opener` ("](" or "]:")."""
        end = span[1]
        found = self.text.find(opener, label_end, end)
        if found < 0:
            return None
        position = found + len(opener)
        crossed_line = False
        while position < end and self.text[position] in " \t\n":
            crossed_line = crossed_line or self.text[position] == "\n"
            position += 1
        if crossed_line:  # a container's prefix ("> " in a quote) starts the next line
            while position < end and self.text[position] in " \t>":
                position += 1
        plain = _PLAIN_DESTINATION.match(self.text, position, end)
        if plain is not None:
            return plain.group(0), position
        result = parseLinkDestination(self.text, position, end)
        if not result.ok or not result.str:
            return None
        return result.str, position + (1 if self.text.startswith("<", position) else 0)

    def _label_end(self, children: Sequence[Node], span: tuple[int, int], opening: int) -> int:
        """Where a link's label ends: after its last child (which may contain brackets)."""
        for child in reversed(children):
            child_span = self.source.span(child)
            if child_span is not None:
                return child_span[1]
        return span[0] + opening

    def _link(self, node: Node) -> None:
        self._quiet(node)
        span = self.source.span(node)
        if span is None or self.text[span[1] - 1] != ")":
            return  # a reference-style link: reported at its definition
        label = self._plain_label(span)
        if label is not None:  # most labels: read from the source, no child nodes needed
            found = self._destination(span, span[0] + 1 + len(label), "](")
            text = label.strip()
        else:
            children = node.children
            found = self._destination(span, self._label_end(children, span, 1), "](")
            text = _label_text(children)
        if found is None:
            return
        written, offset = found
        line, column = self.place(offset)
        self.links.append(RawLink(written, line, column, "markdown-link", text or None))

    def _plain_label(self, span: tuple[int, int]) -> str | None:
        """The label of `[label](...)` when it is plain text, as written (else None)."""
        close = self.text.find("]", span[0] + 1, span[1])
        label = self.text[span[0] + 1 : close]
        if close < 0 or _MARKUP_IN_LABEL.search(label) or self.text[close + 1] != "(":
            return None
        return label

    def _image(self, node: Node) -> None:
        self._quiet(node)
        span = self.source.span(node)
        if span is None or self.text[span[1] - 1] != ")":
            return
        label_end = self._label_end(node.children, span, 2)
        found = self._destination(span, label_end, "](")
        if found is None:
            return
        written, offset = found
        line, column = self.place(offset)
        alt = self.text[span[0] + 2 : self.text.find("](", label_end, span[1])]
        self.links.append(RawLink(written, line, column, "markdown-image", alt or None))

    def _autolink(self, node: Node) -> None:
        self._quiet(node)
        span = self.source.span(node)
        if span is None:
            return
        address = self.text[span[0] + 1 : span[1] - 1]
        written = address if _URI_AUTOLINK.match(address) else f"mailto:{address}"
        line, column = self.place(span[0] + 1)
        self.links.append(RawLink(written, line, column, "markdown-autolink", address or None))

    def _html(self, node: Node, *, inline: bool) -> None:
        span = self.source.span(node)
        content = node.meta.get("content")
        if span is None or not isinstance(content, str):
            return
        line, column = self.place(span[0])
        self.links.extend(
            extract_html(content, line_offset=line - 1, column_offset=column - 1 if inline else 0)
        )

    def _html_inline(self, node: Node) -> None:
        self._html(node, inline=True)

    def _html_block(self, node: Node) -> None:
        self._html(node, inline=False)

    def _definition(self, node: Node) -> None:
        span = self.source.span(node)
        label = normalizeReference(str(node.meta.get("label", "")))
        if span is None or label in self._labels:
            return  # the first definition of a label wins
        self._labels.add(label)
        found = self._destination(span, span[0], "]:")
        if found is None:
            return
        written, offset = found
        line, column = self.place(offset)
        self.links.append(RawLink(written, line, column, "markdown-reference"))


# Code blocks, fences and front matter have no handler (and no children): never read.
_HANDLERS: dict[str, Callable[[_Walker, Node], None]] = {
    "link": _Walker._link,
    "image": _Walker._image,
    "autolink": _Walker._autolink,
    "code_inline": _Walker._quiet,
    "html_inline": _Walker._html_inline,
    "html_block": _Walker._html_block,
    "definition": _Walker._definition,
}


def _label_text(nodes: Sequence[Node]) -> str:
    """A link's text: its text and code, not the alt text of images inside it."""
    return "".join(_text_parts(nodes)).strip()


def _text_parts(nodes: Sequence[Node]) -> Iterator[str]:
    for node in nodes:
        if node.name in _TEXT:
            yield str(node.meta.get("content", ""))
        elif node.name != "image":
            yield from _text_parts(node.children)
