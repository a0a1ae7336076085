"""Markdown: inline links, images, reference definitions, autolinks, bare URLs, raw HTML.

Most texts are read by `markdown_fast` (pulldown-cmark through pyromark, ~10x faster);
this module is the reference implementation it falls back to, for the texts it cannot read.

markdown-it-py parses (so code blocks, code spans and front matter never yield links);
positions come from the tokens' line maps, then a search in the source from a cursor
that only moves forward, so a URL written twice on a line gets the right column.
A reference-style link `[text][label]` (or image) is reported once, at its definition
`[label]: url`, which is where it would be fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from citecheck.links.extract.bare import find_bare_urls
from citecheck.links.extract.markdown_fast import FastPathFailed, stream_markdown_fast
from citecheck.links.extract.raw import LineIndex, RawLink, in_order, links_after

# markdown-it-py (~20 ms to load) is imported when a parser is made: most texts are
# read by the fast path and never need it.
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_DESTINATION_OPEN = re.compile(r"\]\(\s*<?")  # what precedes an inline destination
_AUTOLINK_OPEN = re.compile(r"<")
_DEFINITION_OPEN = r"\]:[ \t]*(?:\r?\n[ \t>]*)?<?"  # what precedes a definition's destination


def markdown_parser() -> MarkdownIt:
    """CommonMark + tables + front matter, keeping every destination as written."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("commonmark", {"store_labels": True}).use(front_matter_plugin)
    parser.enable("table")
    # Keep javascript:/data: links (the checker classifies them) and do not
    # percent-encode destinations, so they can be found again in the source.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    parser.normalizeLink = lambda url: url  # type: ignore[method-assign]
    parser.normalizeLinkText = lambda link: link  # type: ignore[method-assign]
    return parser


class _Locator:
    """Finds strings in the source in order, turning offsets into line/column."""

    def __init__(self, text: str) -> None:
        self.index = LineIndex(text)
        self.text = text
        self.cursor = 0

    def start_block(self, line_map: list[int] | None) -> tuple[int, int]:
        """Move to a block's first line; returns the block's [start, end) offsets."""
        if not line_map:
            return self.cursor, len(self.text)
        start = self.index.offset(line_map[0] + 1)
        self.cursor = max(self.cursor, start)
        return start, self.index.offset(line_map[1] + 1)

    def find(self, needle: str, end: int, prefix: re.Pattern[str] | None = None) -> int | None:
        """Offset of `needle` (preferably right after `prefix`) at or after the cursor."""
        if not needle:
            return None
        after_prefix: int | None = None
        if prefix is not None:
            for match in prefix.finditer(self.text, self.cursor, end):
                if after_prefix is None:
                    after_prefix = match.end()
                if self.text.startswith(needle, match.end()):
                    return match.end()
        found = self.text.find(needle, self.cursor, end)
        if found >= 0:
            return found
        # Written with escapes or entities: the destination starts after the prefix.
        return after_prefix

    def take(self, offset: int | None, length: int) -> tuple[int, int]:
        """The position of a found string (not found: the cursor's), moving past it."""
        if offset is None:  # written with escapes or entities: place it at the cursor
            return self.index.position(min(self.cursor, len(self.text)))
        self.cursor = offset + length
        return self.index.position(offset)


def _link_text(children: list[Token]) -> str:
    """The text of a link: its children up to the matching link_close."""
    parts: list[str] = []
    depth = 0
    for child in children:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            if depth == 0:
                break
            depth -= 1
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
    return "".join(parts).strip()


def extract_markdown(text: str) -> Iterator[RawLink]:
    """The links of a Markdown text in document order, streamed by the fast path."""
    fast = stream_markdown_fast(text)
    if fast is None:
        yield from in_order(extract_markdown_slow(text))
        return
    last: RawLink | None = None
    try:
        for last in fast:
            yield last
    except FastPathFailed:  # the parser failed further on: the rest from markdown-it-py
        yield from links_after(in_order(extract_markdown_slow(text)), last)


def extract_markdown_slow(text: str) -> Iterator[RawLink]:
    """The links of a Markdown text through markdown-it-py (slower, but keeps every link)."""
    from citecheck.links.extract.html import extract_html  # with markdown-it: the slow path

    env: dict[str, object] = {}
    tokens = markdown_parser().parse(text, env)
    locator = _Locator(text)
    links: list[RawLink] = []
    for token in tokens:
        if token.type == "html_block":
            start, _ = locator.start_block(token.map)
            line, _column = locator.index.position(start)
            links.extend(extract_html(token.content, line_offset=line - 1))
        elif token.type == "inline":
            _, end = locator.start_block(token.map)
            links.extend(_inline_links(token.children or [], locator, end))
    links.extend(_definitions(env, locator.index))
    yield from links


def _inline_links(children: list[Token], locator: _Locator, end: int) -> Iterator[RawLink]:
    from citecheck.links.extract.html import extract_html  # with markdown-it: the slow path

    depth = 0  # inside a link's text, bare URLs are not links
    # The links opened and not yet closed, each located at its close: a destination
    # comes after the link's text, and any image in it (a badge) is located first.
    opened: list[tuple[str, str, str] | None] = []
    for position, child in enumerate(children):
        if child.type == "link_open":
            depth += 1
            href = str(child.attrs.get("href", ""))
            if "label" in child.meta:
                opened.append(None)  # reported at its definition
                continue
            opened.append((href, child.markup, _link_text(children[position + 1 :])))
        elif child.type == "link_close":
            depth = max(0, depth - 1)
            link = opened.pop() if opened else None
            if link is None or not link[0]:
                continue
            href, markup, label = link
            if markup == "autolink":
                # <user@host> becomes mailto:user@host; the address is what is written.
                offset = locator.find(label, end, prefix=_AUTOLINK_OPEN)
                written, element = label, "markdown-autolink"
            else:
                offset = locator.find(href, end, prefix=_DESTINATION_OPEN)
                written, element = href, "markdown-link"
            line, column = locator.take(offset, len(written))
            yield RawLink(href, line, column, element, label or None)
        elif child.type == "image":
            if "label" in child.meta:
                continue  # reported at its definition, as reference-style links are
            src = str(child.attrs.get("src", ""))
            offset = locator.find(src, end, prefix=_DESTINATION_OPEN)
            if src:
                line, column = locator.take(offset, len(src))
                yield RawLink(src, line, column, "markdown-image", child.content or None)
        elif child.type == "html_inline":
            offset = locator.find(child.content, end)
            if offset is not None:
                line, column = locator.index.position(offset)
                locator.take(offset, len(child.content))
                yield from extract_html(
                    child.content, line_offset=line - 1, column_offset=column - 1
                )
        elif child.type == "code_inline":
            offset = locator.find(child.content, end)
            if offset is not None:
                locator.take(offset, len(child.content))
        elif child.type == "text" and depth == 0:
            yield from _bare_links(child.content, locator, end)


def _bare_links(content: str, locator: _Locator, end: int) -> Iterator[RawLink]:
    for _, url in find_bare_urls(content):
        line, column = locator.take(locator.find(url, end), len(url))
        yield RawLink(url, line, column, "bare-url")


def _definitions(env: dict[str, object], index: LineIndex) -> Iterator[RawLink]:
    """`[label]: url` definitions, found on the lines markdown-it recorded for them."""
    references = env.get("references")
    if not isinstance(references, dict):
        return
    text = index.text
    for definition in references.values():
        href = str(definition.get("href", ""))
        if not href:
            continue
        line_map = definition.get("map") or [0, len(index.starts)]
        start, end = index.offset(line_map[0] + 1), index.offset(line_map[1] + 1)
        # The destination may be on the label's line or the next (after a quote's "> ").
        match = re.compile(_DEFINITION_OPEN + re.escape(href)).search(text, start, end)
        if match is not None:
            offset = match.end() - len(href)
        else:  # written with escapes: where the destination starts, else the first line
            opener = re.compile(_DEFINITION_OPEN).search(text, start, end)
            offset = start if opener is None else opener.end()
        line, column = index.position(offset)
        yield RawLink(href, line, column, "markdown-reference")
