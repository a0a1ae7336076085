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
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from citecheck.links.extract.bare import find_bare_urls
from citecheck.links.extract.html import extract_html
from citecheck.links.extract.raw import LineIndex, RawLink, in_order, links_after

# The parsers are imported where they are used, not with the module: markdown-it.rs
# (~25 ms to load) only when a Markdown text is read, and markdown-it-py (~20 ms)
# only for the rare destination or reference label the fast path cannot read alone.
if TYPE_CHECKING:
    from markdown_it_pyrs import MarkdownIt, Node

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
    from markdown_it_pyrs import MarkdownIt

    return MarkdownIt("commonmark").enable_many(["table", "front_matter"])


# Texts longer than this are parsed a chunk at a time: the Rust tree of a whole
# 3 MB file (50,000 links) costs ~160 MiB, a chunk's a few MiB, freed before the next.
CHUNK_CHARS = 64 * 1024
# A chunk is read with the reference definitions it may use from elsewhere appended
# (so `[text][label]` reads as a link there too): first the lines that look like
# definitions, then, where the parse shows those were not the real ones, the real
# ones. Past this much appended text the whole text is parsed at once instead.
MAX_APPENDIX_CHARS = 256 * 1024
# What may use a reference label: any bracketed text (a superset is harmless).
_LABEL_USE = re.compile(r"\[((?:[^\[\]\\]|\\.){1,999})\]")
_DEFINITION_LIKE = re.compile(r"^ {0,3}\[((?:[^\[\]\\]|\\.){1,999})\]:", re.M)


class FastPathFailed(Exception):
    """The Rust parser failed on a chunk: the rest is for the markdown-it-py path to read."""


@dataclass
class _Chunk:
    first_line: int
    text: str
    links: list[RawLink]
    used: set[str]  # labels it may use that some line may define (found only when one may)
    defines: set[str]  # labels it defines
    sees: set[str]  # labels it defines or its appendix defined


def extract_markdown_fast(text: str, *, chunk_chars: int = CHUNK_CHARS) -> list[RawLink] | None:
    """All the links of a Markdown text, or None when only the markdown-it-py path can tell."""
    stream = stream_markdown_fast(text, chunk_chars=chunk_chars)
    if stream is None:
        return None
    try:
        return list(stream)
    except FastPathFailed:
        return None


def stream_markdown_fast(text: str, *, chunk_chars: int = CHUNK_CHARS) -> Iterator[RawLink] | None:
    """The links of a Markdown text in document order, yielded a chunk at a time as each
    chunk is read; None when only the markdown-it-py path can tell.

    The iterator raises FastPathFailed if the parser fails on a chunk (odd input):
    what it yielded before is right, the rest is the markdown-it-py path's to read.
    """
    if _might_hold_rejected_scheme(text):
        return None
    return _stream(text, chunk_chars)


def _stream(text: str, chunk_chars: int) -> Iterator[RawLink]:
    if len(text) <= chunk_chars:
        yield from in_order(_read_or_fail(text, 0, "", set()))
        return
    likely = _definition_like(text)
    # Where the labels some line may define are last (possibly) defined: a chunk that
    # uses one is final only once the text up to there has been read.
    possible = _possible_definitions(text)
    labels: set[str] = set()  # shared by the chunks: the first definition of a label wins
    real: dict[str, str] = {}  # label -> its first definition, in the chunks read so far
    before: set[str] = set()  # the labels defined by the chunks already yielded
    pending: deque[_Chunk] = deque()  # read, waiting for labels defined further on
    last: RawLink | None = None  # the last link yielded
    read_up_to = 0  # offset in `text` where the chunks read so far end
    for first_line, chunk_text in _chunks(text, chunk_chars):
        read_up_to += len(chunk_text)
        used = _labels_used(chunk_text) & possible.keys() if possible else set()
        # Labels the chunk itself seems to define need no copy (if its line is no real
        # definition, the check in `_final_links` reads the chunk again).
        borrowed = used & likely.keys()
        if borrowed:
            borrowed -= _labels_defined_like(chunk_text)
        appendix = "".join("\n\n" + likely[label] for label in sorted(borrowed))
        if len(appendix) > MAX_APPENDIX_CHARS:
            yield from links_after(in_order(_read_or_fail(text, 0, "", set())), last)
            return
        found: list[tuple[str, str]] = []
        seen_in_appendix: set[str] = set()
        links = _read_or_fail(chunk_text, first_line, appendix, labels, found, seen_in_appendix)
        defines = {label for label, _ in found}
        for label, written in found:
            real.setdefault(label, written)
        sees = defines | seen_in_appendix
        pending.append(_Chunk(first_line, chunk_text, links, used, defines, sees))
        while pending and all(
            label in real or possible[label] < read_up_to for label in pending[0].used
        ):
            chunk = pending.popleft()
            final = _final_links(chunk, real, before)
            if final is None:  # too much to append: the whole text at once
                yield from links_after(in_order(_read_or_fail(text, 0, "", set())), last)
                return
            before |= chunk.defines
            if final:
                yield from final
                last = final[-1]


def _final_links(chunk: _Chunk, real: dict[str, str], before: set[str]) -> list[RawLink] | None:
    """A chunk's links in order, read again if its appendix defined other labels than the
    text really does (a definition-like line in a paragraph, a definition in a quote);
    None when the definitions it needs are too long to append."""
    wanted = chunk.used & (chunk.defines | real.keys())
    if chunk.used & chunk.sees != wanted:
        needed = sorted(wanted - chunk.defines)
        appendix = "".join("\n\n" + real[label] for label in needed)
        if len(appendix) > MAX_APPENDIX_CHARS:
            return None
        chunk.links = _read_or_fail(chunk.text, chunk.first_line, appendix, set(before))
    return in_order(chunk.links)


def _read_or_fail(
    chunk: str,
    first_line: int,
    appendix: str,
    labels: set[str],
    definitions: list[tuple[str, str]] | None = None,
    appendix_labels: set[str] | None = None,
) -> list[RawLink]:
    links = _read_chunk(chunk, first_line, appendix, labels, definitions, appendix_labels)
    if links is None:
        raise FastPathFailed
    return links


@lru_cache(maxsize=4096)
def _normalize_reference(label: str) -> str:
    """A reference label as markdown-it-py compares it (case and spaces folded); cached,
    as a document uses the same few labels over and over."""
    from markdown_it.common.utils import normalizeReference

    return normalizeReference(label)


def _labels_defined_like(text: str) -> set[str]:
    return {_normalize_reference(label) for label in _DEFINITION_LIKE.findall(text)}


def _labels_used(text: str) -> set[str]:
    return {_normalize_reference(label) for label in _LABEL_USE.findall(text)}


# Any bracketed text followed by ":" may be a definition, also inside quotes and lists.
_DEFINITION_ANYWHERE = re.compile(r"\[((?:[^\[\]\\]|\\.){1,999})\]:")
# A label over several lines of a quote: the parser drops the "> " on its next lines.
_CONTAINER_PREFIX = re.compile(r"\n[ \t>]*")


def _possible_definitions(text: str) -> dict[str, int]:
    """label -> offset of the last place that may define it (a superset of the real ones)."""
    if "]:" not in text:
        return {}
    found: dict[str, int] = {}
    for match in _DEFINITION_ANYWHERE.finditer(text):
        label = match.group(1)
        found[_normalize_reference(label)] = match.start()
        if "\n" in label:
            found[_normalize_reference(_CONTAINER_PREFIX.sub("\n", label))] = match.start()
    return found


def _definition_like(text: str) -> dict[str, str]:
    """label -> the first line that looks like its definition, and the next (a title)."""
    found: dict[str, str] = {}
    for match in _DEFINITION_LIKE.finditer(text):
        label = _normalize_reference(match.group(1))
        if label not in found:
            first = text.find("\n", match.end())
            second = -1 if first < 0 else text.find("\n", first + 1)
            found[label] = text[match.start() : len(text) if second < 0 else second]
    return found


def _read_chunk(
    chunk: str,
    first_line: int,
    appendix: str,
    labels: set[str],
    definitions: list[tuple[str, str]] | None = None,
    appendix_labels: set[str] | None = None,
) -> list[RawLink] | None:
    """The links of one chunk (its tree freed on return), `appendix` parsed after it
    but not reported. Collects the (label, definition as written) of the chunk's
    definitions into `definitions` and the labels the appendix defined."""
    source = chunk + appendix
    try:
        tree = _parser().tree(source)
    except Exception:  # a parser failure on odd input: the pure-Python path decides
        return None
    links: list[RawLink] = []
    limit = len(chunk.encode()) if appendix else None
    walker = _Walker(source, links, labels, first_line, limit, definitions, appendix_labels)
    walker.walk(tree.walk(include_self=False))
    return links


_BULLET = re.compile(r"([-*+])[ \t]+\S")
_ATX_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})")
_FRONT_MATTER_END = re.compile(r"^---[ \t]*$", re.M)
# HTML blocks that a blank line does not end (CommonMark kinds 1-5): opener -> end marker.
_RAW_HTML_OPEN = re.compile(
    r" {0,3}(?:<(script|pre|style|textarea)(?=[\s>]|$)|(<!--)|(<\?)|(<!\[CDATA\[)|(<![A-Za-z]))",
    re.I,
)
_RAW_HTML_ENDS = (None, None, "-->", "?>", "]]>", ">")
# The lines `_opened_block` may find a block opened on (a superset: each is then read).
_MAY_OPEN_BLOCK = re.compile(r"^ {0,3}(?:```|~~~|<)", re.M)


def _chunks(text: str, chunk_chars: int) -> Iterator[tuple[int, str]]:
    """(0-based first line, chunk) covering `text`, each chunk about `chunk_chars` long.

    A chunk ends only where every block has ended, outside fenced code, raw HTML
    and front matter: before a line in column 1 that follows a blank line, an ATX
    heading in column 1, or a bullet in column 1 right after a line with the same
    bullet in column 1 (a list split in two changes no link). So each chunk reads
    as it does in the whole text, but for references to definitions elsewhere.
    """
    if len(text) <= chunk_chars:
        yield 0, text
        return
    position = 0
    if text.startswith("---"):  # front matter: never split inside it
        end = _FRONT_MATTER_END.search(text, 3)
        position = len(text) if end is None else end.end()
    start, start_line, line_number = 0, 0, text.count("\n", 0, position)
    fence: str | None = None  # the opening fence while inside fenced code
    html_end: str | None = None  # the end marker while inside a raw HTML block
    after_blank = False
    previous_marker: str | None = None  # the bullet of the line before, in column 1
    while position < len(text):
        if fence is None and html_end is None and position - start < chunk_chars:
            # Too early to end the chunk: jump to the first line where it may end, or
            # to a line that may open a block, whichever comes first.
            newline = text.find("\n", start + chunk_chars - 1)
            target = len(text) if newline < 0 else newline + 1
            opener = _MAY_OPEN_BLOCK.search(text, position, target)
            target = target if opener is None else opener.start()
            if target > position:
                line_number += text.count("\n", position, target)
                line_start = max(position, text.rfind("\n", position, target - 1) + 1)
                before = text[line_start : target - 1]  # the line before the target
                bullet = _BULLET.match(before)
                after_blank = not before.strip()
                previous_marker = bullet.group(1) if bullet is not None else None
                position = target
                continue
        newline = text.find("\n", position)
        stop = len(text) if newline < 0 else newline
        line = text[position:stop]
        if fence is not None:
            closing = _FENCE_OPEN.match(line)
            if (
                closing is not None
                and closing.group(1).startswith(fence)
                and not line[closing.end() :].strip()
            ):
                fence = None
            after_blank, previous_marker = False, None
        elif html_end is not None:
            if _raw_html_closed(line, html_end, 0):
                html_end = None
            after_blank, previous_marker = False, None
        else:
            bullet = _BULLET.match(line)
            marker = bullet.group(1) if bullet is not None else None
            if position - start >= chunk_chars and (
                (after_blank and line[:1] not in " \t")
                or (marker is not None and marker == previous_marker)
                or _ATX_HEADING.match(line)
            ):
                yield start_line, text[start:position]
                start, start_line = position, line_number
            fence, html_end = _opened_block(line)
            after_blank = not line.strip()
            previous_marker = marker
        position, line_number = stop + 1, line_number + 1
    yield start_line, text[start:]


def _opened_block(line: str) -> tuple[str | None, str | None]:
    """(fence, raw HTML end marker) that `line` opens and does not close."""
    fence = _FENCE_OPEN.match(line)
    if fence is not None:
        return fence.group(1), None
    html = _RAW_HTML_OPEN.match(line)
    if html is None:
        return None, None
    kind = next(index for index, group in enumerate(html.groups()) if group)
    end = _RAW_HTML_ENDS[kind] or "</"
    return None, (None if _raw_html_closed(line, end, html.end()) else end)


def _raw_html_closed(line: str, end: str, start: int) -> bool:
    if end == "</":  # <script>, <pre>, <style> and <textarea> end at any of their closers
        lowered = line.lower()
        return any(
            closer in lowered[start:]
            for closer in ("</script>", "</pre>", "</style>", "</textarea>")
        )
    return end in line[start:]


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
        srcmap = node.srcmap
        return None if srcmap is None else self.char_span(srcmap)

    def char_span(self, srcmap: tuple[int, int]) -> tuple[int, int]:
        if self._ascii:
            return srcmap
        start, end = srcmap
        return self.char(start), self.char(end)


class _Walker:
    """Reads the tree's nodes in document order (a flat walk: each Node attribute read
    crosses into Rust, so nodes are looked at once and only as much as needed)."""

    def __init__(
        self,
        text: str,
        links: list[RawLink],
        labels: set[str],
        first_line: int = 0,
        limit: int | None = None,
        definitions: list[tuple[str, str]] | None = None,
        appendix_labels: set[str] | None = None,
    ) -> None:
        self.source = _Source(text)
        self._line_starts = self.source.index.starts
        self.text = text
        self.links = links
        self._labels = labels
        self._first_line = first_line  # the chunk's place in the whole text
        self._limit = limit  # byte offset where the appended definitions start
        self._definitions = definitions  # collects (label, definition as written)
        self._appendix_labels = appendix_labels  # collects the labels the appendix defined
        # Text before this byte offset is a link's text, an image's alt or code: no bare URLs.
        self._quiet_until = 0
        self._run: list[Node] = []  # adjacent text nodes: one text, as markdown-it-py joins them
        self._run_start = self._run_end = -1  # the run's byte range

    def walk(self, nodes: Iterable[Node]) -> None:
        """Reads every node in document order (what it looks up is held in locals: the
        loop runs for every node of the text)."""
        handlers, text_names, limit = _HANDLERS, _TEXT, self._limit
        for node in nodes:
            if limit is not None:
                srcmap = node.srcmap
                if srcmap is not None and srcmap[0] >= limit:
                    self._appended(node)
                    continue
            name = node.name
            if name in text_names:
                self._text(node)
                continue
            if self._run:
                self.end_run()
            handler = handlers.get(name)
            if handler is not None:
                handler(self, node)
        self.end_run()

    def _appended(self, node: Node) -> None:
        """An appended definition: reported where it is written, only noted here."""
        if self._appendix_labels is not None and node.name == "definition":
            self._appendix_labels.add(_normalize_reference(str(node.meta.get("label", ""))))

    def place(self, offset: int) -> tuple[int, int]:
        """(line, column) in the whole text (LineIndex.position, inlined: once per link)."""
        starts = self._line_starts
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1 + self._first_line, offset - starts[line] + 1

    def _quiet(self, node: Node) -> None:
        if node.srcmap is not None:
            self._quiet_until = max(self._quiet_until, node.srcmap[1])

    def _text(self, node: Node) -> None:
        srcmap = node.srcmap
        if srcmap is None or srcmap[0] < self._quiet_until:
            if self._run:
                self.end_run()
            return
        if srcmap[0] != self._run_end:
            if self._run:
                self.end_run()
            self._run_start = srcmap[0]
        self._run.append(node)
        self._run_end = srcmap[1]

    def end_run(self) -> None:
        """Bare URLs in a run of text, found in the decoded text, placed in the source."""
        run, self._run = self._run, []
        if not run:
            return
        cursor, end = self.source.char_span((self._run_start, self._run_end))
        self._run_end = -1
        written = self.text[cursor:end]
        # "://" can only be in the decoded text if written so, or with an escape or entity.
        if "://" not in written and "&" not in written and "\\" not in written:
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
        from markdown_it.helpers import parseLinkDestination

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
        srcmap = node.srcmap
        if srcmap is None:
            return
        self._quiet_until = max(self._quiet_until, srcmap[1])
        span = self.source.char_span(srcmap)
        start, end = span
        text = self.text
        if text[end - 1] != ")":
            return  # a reference-style link: reported at its definition
        label = self._plain_label(span)
        if label is not None:  # most labels: read from the source, no child nodes needed
            found = self._destination(span, start + 1 + len(label), "](")
            label = label.strip()
        else:
            children = node.children
            found = self._destination(span, self._label_end(children, span, 1), "](")
            label = _label_text(children)
        if found is None:
            return
        written, offset = found
        line, column = self.place(offset)
        self.links.append(RawLink(written, line, column, "markdown-link", label or None))

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
        label = _normalize_reference(str(node.meta.get("label", "")))
        if span is not None and self._definitions is not None:
            # what makes the label defined elsewhere (its target is reported here):
            # the label as written, outside any quote or list it sits in
            as_written = _LABEL_USE.match(self.text, span[0])
            if as_written is not None and "\n" not in as_written.group(0):
                self._definitions.append((label, as_written.group(0) + ": #"))
            else:
                self._definitions.append((label, self.text[span[0] : span[1]]))
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
