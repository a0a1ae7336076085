"""Markdown links through pyromark (pulldown-cmark): what markdown-it-py finds, faster.

pulldown-cmark, the CommonMark parser lychee uses, reads the text with tables and hands
over a stream of events, each with its byte range in the source: code blocks and code
spans never yield links. Front matter is found here, by the rule of mdit-py-plugins'
plugin, and handed to the parser as blank lines: pulldown-cmark's own YAML blocks may
start anywhere, so two `---` rules would hide what lies between them. The parser reads
the blocks of a text first (its tree takes about 5 bytes a byte of text), then makes its
events as they are asked for, so links come out before the rest of the text is read.
A text longer than CHUNK_CHARS is read a window at a time, each ending where the parser
starts a block past WINDOW_CHARS, so memory stays flat however long the file (a 34 MB
file read whole took ~320 MiB). Reference definitions come from the same parser and are
reported, once per label (the first wins), where they are written; a window that uses
a label some line elsewhere may define is read with a definition of it put before it.

Destinations are the parser's own: escapes and entities decoded, nothing percent-encoded,
`javascript:`, `file:` and `data:` kept, as the markdown-it-py extractor has them. Their
line and column are those of the destination in the source, after the link's `](` or
the definition's `]:`.

Two kinds of text are left to the markdown-it-py path (None): a table right after a
paragraph line whose cells a "|" or a row's end cuts inside a link, code span, tag or
URL (GFM lets a table interrupt a paragraph, pulldown-cmark reads its lines as the
paragraph's text), and a text holding NUL, which CommonMark reads as U+FFFD first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from itertools import islice, repeat
from typing import TYPE_CHECKING, Any

from citecheck.links.extract.bare import find_bare_urls
from citecheck.links.extract.raw import RawLink

# pyromark (~3 ms to load) is imported when a Markdown text is first read.
if TYPE_CHECKING:
    from pyromark import Markdown

# Texts longer than this (in characters) are read in windows of at most WINDOW_CHARS:
# whole, the parser's tree takes ~5 bytes a byte (a 3 MB file ~15 MiB more than in
# windows); in windows, it is read a second time to find where they end (~1.5x).
CHUNK_CHARS = 1 << 20
WINDOW_CHARS = 1 << 18
# Events taken from the parser at a time: a parser failure is caught around this call
# alone, never around the code that reads the events or around a `yield`.
_BATCH = 128
# A definition's label, up to its closing bracket (escaped brackets do not close it).
_LABEL = re.compile(r"\[(?:[^\]\\]|\\.)*\]", re.S)
# The "> " of a quote or the indent of a list item, where a line goes on inside one.
_CONTAINER_PREFIX = re.compile(r"\n[ \t>]*")
# A table's delimiter row ("|---|:-:|"), in a quote or not.
_DELIMITER_ROW = re.compile(r"[ \t>]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*\r?")
# In a table row: a link, code span, autolink or tag that a "|" or the row's end cuts,
# or a URL right before a "|".
_CUT_IN_ROW = re.compile(r"[\[(`<][^\])`>\n]*(?:\||\n)|://[^\s|]*\|")
_BLANK_LINE = re.compile(r"\n[ \t>]*\r?(?:\n|$)")
_BEFORE_DESTINATION = frozenset(" \t\r\n<")
_NO_DEFINITION = 1 << 62  # byte offset of "the next definition" once none is left
_NOT_NEWLINE = re.compile(rb"[^\n]")


class FastPathFailed(Exception):
    """The parser failed partway through (odd input): the links yielded before are
    right, the rest is for the markdown-it-py path to read."""


@cache
def _parser() -> Markdown:
    """CommonMark + tables, as the markdown-it-py extractor reads it."""
    import pyromark

    # Not pulldown-cmark's YAML metadata blocks: it takes one anywhere in a text, so two
    # `---` rules hide what is between them. Front matter is found by `_front_matter_end`.
    return pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES)


def _is_parser_failure(error: BaseException) -> bool:
    """An exception of the parser's: any Exception, or the PanicException that pyo3
    turns a Rust panic into (a BaseException)."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


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
    """The links of a Markdown text in document order, yielded as the parser's events
    are read; None for a text the parser refuses or reads otherwise than markdown-it-py
    (the markdown-it-py path reads it).

    The iterator raises FastPathFailed if the parser fails partway (odd input): what it
    yielded before is right, the rest is the markdown-it-py path's to read.
    """
    front_matter = _front_matter_end(text)
    # The parser reads the front matter as blank lines, of the same length in bytes.
    parsed = _blank(text[:front_matter]) + text[front_matter:] if front_matter else text
    # CommonMark reads NUL as U+FFFD, which pulldown-cmark does not do before it parses.
    if "\x00" in text or _table_reads_differently(parsed):
        return None
    if len(parsed) > chunk_chars:
        return _chunked(parsed, min(chunk_chars, WINDOW_CHARS))
    try:
        parser = _parser()
        events = parser.events_with_range(parsed)
        # A definition is written `[label]:`: most texts have none, and skip the pass.
        found = parser.reference_definitions(parsed).values() if "]:" in parsed else ()
        # (start, end, destination), smaller than the parser's dicts, where a text has many
        definitions = [(d["span"]["start"], d["span"]["end"], d["dest"]) for d in found]
    except BaseException as error:
        if not _is_parser_failure(error):
            raise
        return None
    return _Reader(text, definitions).links(events)


def _chunked(text: str, chunk_chars: int) -> Iterator[RawLink]:
    """The links of a long text (front matter blanked), a window at a time.

    Windows are read as `_windows` finds them, each once more for its links; where the
    text may define labels, every window and its definitions are found first (the
    first definition of a label wins, over the whole text, and a label may be defined
    further on). A window that uses a label defined in another is read with a
    definition of it put before it: what that points to does not matter (a
    reference-style link is reported at its definition, and needs only to read as a
    link, not as text with a bare URL).
    """
    parser = _parser()
    bounds: Iterable[tuple[int, int]] = _windows(parser, text, chunk_chars)
    written: dict[str, str] = {}  # folded label -> as its first definition writes it
    found: Iterable[tuple[list[tuple[int, int, str]], set[str]]] = repeat(([], set()))
    if "]:" in text:  # every window's definitions first: a label may be defined further on
        bounds = list(bounds)
        # each window's definitions that count (the first of a label), and all it defines
        found = [_window_definitions(parser, text[start:end], written) for start, end in bounds]
    first_line = 0
    for (start, end), (counted, own) in zip(bounds, found, strict=False):  # found: endless
        window = text[start:end]
        prefix = ""
        if written:
            borrowed = sorted((_labels_used(window) & written.keys()) - own)
            prefix = "".join(f"[{written[label]}]: #\n\n" for label in borrowed)
        shift = len(prefix.encode())
        definitions = [(begin + shift, finish + shift, to) for begin, finish, to in counted]
        reader = _Reader(prefix + window, definitions, first_line=first_line - prefix.count("\n"))
        yield from reader.links(_guarded(parser.events_with_range, prefix + window))
        first_line += window.count("\n")


def _windows(parser: Markdown, text: str, chunk_chars: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the windows of a long text, in order: each ends at the line of
    the first block the parser starts, at the top level or as an item of a top-level
    list, past `chunk_chars` into it (else the last it starts; with none past its
    first line, the window is read again twice as long). A block starts there in the
    whole text too: the parser decides where a block ends line by line, from the
    lines before."""
    start = 0
    size = chunk_chars + chunk_chars // 16  # a window reads a little past its share
    while True:
        end = text.find("\n", start + size)
        if end < 0:
            yield start, len(text)
            return
        window = text[start : end + 1]
        split = _split_point(parser, window, len(window[:chunk_chars].encode()))
        if split <= 0:
            size *= 2
            continue
        yield start, start + split
        start += split
        size = chunk_chars + chunk_chars // 16


def _split_point(parser: Markdown, window: str, threshold: int) -> int:
    """The character offset of the line where the window's share ends (0: none)."""
    depth = 0  # tags open, blocks and inline
    top_list = False  # the open top-level block is a list
    split = -1  # byte offset of the chosen block start
    for batch in _batches(_guarded(parser.events_with_range, window)):
        for event, span in batch:
            if event.__class__ is str:
                continue
            tag = event.get("Start")
            if tag is not None:
                if depth == 0 or (depth == 1 and top_list and tag == "Item"):
                    split = span["start"]
                    if split >= threshold:
                        break
                if depth == 0:
                    top_list = tag.__class__ is dict and "List" in tag
                depth += 1
            elif "End" in event:
                depth -= 1
        else:
            continue
        break
    if split <= 0:
        return 0
    at = split if window.isascii() else len(window.encode()[:split].decode())
    # a block's span may start past its line's indent (what is before it is blank)
    return window.rfind("\n", 0, at) + 1


def _window_definitions(
    parser: Markdown, window: str, written: dict[str, str]
) -> tuple[list[tuple[int, int, str]], set[str]]:
    """The (start, end, destination) of a window's definitions whose label no earlier
    window defined, in order (the first definition of a label wins), and the folded
    labels of all it defines; records each new label in `written`, folded, as its
    definition writes it."""
    if "]:" not in window:
        return [], set()
    counted = []
    own = set()
    for label, definition in _guarded(parser.reference_definitions, window).items():
        folded = _fold(label)
        own.add(folded)
        if folded not in written:
            written[folded] = label
            span = definition["span"]
            counted.append((span["start"], span["end"], definition["dest"]))
    counted.sort()
    return counted, own


@contextmanager
def _parser_failing() -> Iterator[None]:
    """The parser's failure (a Rust panic included) as FastPathFailed."""
    try:
        yield
    except BaseException as error:
        if not _is_parser_failure(error):
            raise
        raise FastPathFailed from error


def _guarded(call: Any, text: str) -> Any:
    with _parser_failing():
        return call(text)


def _batches(events: Iterator[Any]) -> Iterator[list[Any]]:
    """The parser's events, _BATCH at a time."""
    while True:
        with _parser_failing():
            batch = list(islice(events, _BATCH))
        if not batch:
            return
        yield batch


_LABEL_SPACE = re.compile(r"[ \t\r\n]+")
# Any bracketed text may use a label (a superset: one that does not is harmless); a
# label over lines of a quote or list loses the "> " or the indent of its next lines.
_LABEL_USE = re.compile(r"\[((?:[^\[\]\\]|\\.){1,999})\]")


def _fold(label: str) -> str:
    """A reference label as labels are matched: spaces, tabs and line breaks folded
    to one space (not other Unicode spaces, as pulldown-cmark), case folded."""
    return _LABEL_SPACE.sub(" ", label).strip(" ").casefold()


def _label_forms(label: str) -> list[str]:
    if "\n" not in label:
        return [label]
    return [label, _CONTAINER_PREFIX.sub("\n", label)]


def _labels_used(text: str) -> set[str]:
    return {_fold(form) for label in _LABEL_USE.findall(text) for form in _label_forms(label)}


def _table_reads_differently(text: str) -> bool:
    """Whether a table right after a line of a paragraph has a link, code span or tag
    that a "|" or a row's end cuts, or a URL right before a "|". GFM (and markdown-it-py)
    let a table interrupt a paragraph; pulldown-cmark reads its lines as the paragraph's
    text, where neither cuts anything: the same links but for those, which only the
    markdown-it-py path reads right."""
    pipe = text.find("|")
    while pipe >= 0:  # each line with a "|" that may be a delimiter row
        row_start = text.rfind("\n", 0, pipe) + 1
        row_end = text.find("\n", pipe)
        row_end = len(text) if row_end < 0 else row_end
        pipe = text.find("|", row_end)
        if row_start < 2 or _DELIMITER_ROW.fullmatch(text, row_start, row_end) is None:
            continue
        header_start = text.rfind("\n", 0, row_start - 1) + 1
        if header_start == 0 or "|" not in text[header_start : row_start - 1]:
            continue
        blank = _BLANK_LINE.search(text, row_end)
        table_end = len(text) if blank is None else blank.start()
        pipe = text.find("|", table_end)  # the table's rows are no delimiter rows
        before = text[text.rfind("\n", 0, header_start - 1) + 1 : header_start - 1]
        if before.strip(" \t>\r") and _CUT_IN_ROW.search(text, header_start, table_end):
            return True  # not after a blank line, where it is a table for every parser
    return False


def _front_matter_end(text: str) -> int:
    """Where a text's front matter ends (0: it has none), as mdit-py-plugins' front matter
    plugin reads it: a first line of 3 or more "-", up to a line of as many "-" or more
    (indented 3 spaces at most) or of "...", with only spaces after them."""
    if not text.startswith("---"):
        return 0
    opening = text.find("\n")
    if opening < 0:
        return 0
    markers = opening - len(text[:opening].lstrip("-"))
    position = opening + 1
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end].removesuffix("\r")
        if line.startswith("...") and not line[3:].strip(" \t"):
            return end
        content = line.lstrip(" \t")
        if content.startswith("-") and _indent(line[: len(line) - len(content)]) < 4:
            dashes = len(content) - len(content.lstrip("-"))
            if dashes >= markers and not content[dashes:].strip(" \t"):
                return end
        position = end + 1
    return 0  # never closed: no front matter


def _indent(whitespace: str) -> int:
    """The columns that leading spaces and tabs take (a tab stops at a multiple of 4)."""
    column = 0
    for character in whitespace:
        column = column + 4 - column % 4 if character == "\t" else column + 1
    return column


def _blank(text: str) -> str:
    """`text` as spaces and its line breaks, as long in UTF-8 bytes as it is."""
    return _NOT_NEWLINE.sub(b" ", text.encode()).decode()


class _Reader:
    """Turns the parser's events into links, in document order."""

    def __init__(
        self,
        text: str,
        definitions: list[tuple[int, int, str]],
        *,
        first_line: int = 0,
    ) -> None:
        self.text = text
        # The last place asked for: places are found from there (they mostly grow),
        # with no index of the lines of a text that may be long.
        self._offset = self._line_start = 0
        self._line = 1 + first_line  # a chunk's first line in the whole text
        self._ascii = text.isascii()
        self._data = b"" if self._ascii else text.encode()
        self._byte = self._char = 0  # the last byte offset turned into characters
        # Definitions produce no event: each is reported before the first event after it.
        self._definitions = definitions
        self._next_definition = 0
        self.containers = 0  # block quotes and list items open
        self.in_table = False

    def place(self, offset: int) -> tuple[int, int]:
        """(line, column) of a character offset."""
        text, last = self.text, self._offset
        if offset >= last:
            newlines = text.count("\n", last, offset)
            if newlines:
                self._line += newlines
                self._line_start = text.rfind("\n", last, offset) + 1
        else:
            newlines = text.count("\n", offset, last)
            if newlines:
                self._line -= newlines
                self._line_start = text.rfind("\n", 0, offset) + 1
        self._offset = offset
        return self._line, offset - self._line_start + 1

    def char(self, offset: int) -> int:
        """The character offset of a byte offset (pulldown-cmark counts UTF-8 bytes).
        Offsets mostly grow, so only the bytes since the last one are decoded."""
        if self._ascii:
            return offset
        if offset >= self._byte:
            self._char += len(self._data[self._byte : offset].decode())
        else:
            self._char -= len(self._data[offset : self._byte].decode())
        self._byte = offset
        return self._char


    def links(self, events: Iterator[Any]) -> Iterator[RawLink]:
        """Every link, yielded a batch of events at a time. One loop over all the
        events, so what it looks up is held in locals; rarer events go to methods."""
        definitions = self._definitions
        next_definition = definitions[0][0] if definitions else _NO_DEFINITION
        run: list[str] = []  # adjacent text: one text, as markdown-it-py joins it
        run_starts: list[int] = []  # where each piece of it starts
        run_end = 0
        frames: list[list[Any]] = []  # open links and images: [tag, start, label parts]
        # Inside an image, or a table row GFM reads as code, nothing is a link (an
        # image's description is plain text): how many of these are open.
        hidden = 0
        in_code = False  # in a code block: its text is never read
        code_row = False  # in a table row GFM reads as code
        html: list[str] | None = None  # the text of the HTML block being read
        html_start = 0
        label_end = -1  # end of the last event in the open link's label (-1: none yet)
        for batch in _batches(events):
            out: list[RawLink] = []
            for event, span in batch:
                start = span["start"]
                if start > next_definition:
                    next_definition = self._definitions_before(start, out)
                if event.__class__ is str:  # SoftBreak, HardBreak, Rule
                    if run:
                        self._bare(run, run_starts, run_end, out)
                        run, run_starts = [], []
                    label_end = span["end"]
                    continue
                content = event.get("Text")
                if content is not None:
                    label_end = span["end"]
                    if frames:
                        if not hidden:  # a link's text, not an image's alt inside it
                            frames[-1][2].append(content)
                    elif html is not None:
                        html.append(content)  # the indent before the block's first tag
                    elif not in_code:
                        run.append(content)
                        run_starts.append(start)
                        run_end = span["end"]
                    continue
                if run:
                    self._bare(run, run_starts, run_end, out)
                    run, run_starts = [], []
                tag = event.get("Start")
                if tag is not None:
                    if tag.__class__ is dict:
                        if "Link" in tag or "Image" in tag:
                            frames.append([tag, start, []])
                            if "Image" in tag:
                                hidden += 1
                            label_end = -1
                            continue
                        if "CodeBlock" in tag:
                            in_code = True
                        else:
                            self._enter(tag)
                    elif tag == "HtmlBlock":
                        html, html_start = [], start
                    elif tag == "TableRow" and self._row_is_code(start):
                        code_row, in_code = True, True
                        hidden += 1
                    else:
                        self._enter(tag)
                    label_end = span["end"]
                    continue
                tag = event.get("End")
                if tag is not None:
                    if tag == "Link" or tag == "Image":
                        opened, link_start, label = frames.pop()
                        if tag == "Image":
                            hidden -= 1
                        if not hidden:
                            self._link(opened, link_start, span["end"], label_end, label, out)
                    elif tag == "CodeBlock":
                        in_code = False
                    elif tag == "HtmlBlock" and html is not None:
                        self._html("".join(html), html_start, inline=False, out=out)
                        html = None
                    elif tag == "TableRow" and code_row:
                        code_row, in_code = False, False
                        hidden -= 1
                    else:
                        self._leave(tag)
                    label_end = span["end"]
                    continue
                label_end = span["end"]
                if frames and not hidden:
                    code = event.get("Code")
                    if code is not None:
                        frames[-1][2].append(code)  # code in a link's text is its text
                        continue
                html_inline = event.get("InlineHtml")
                if html_inline is not None and not hidden:
                    self._html(html_inline, start, inline=True, out=out)
                elif html is not None:
                    block_html = event.get("Html")
                    if block_html is not None:
                        html.append(block_html)
            if out:
                yield from out
        out = []
        if run:
            self._bare(run, run_starts, run_end, out)
        self._definitions_before(_NO_DEFINITION, out)
        yield from out

    def _enter(self, tag: Any) -> None:
        """A block opens: counts the quotes and list items, and tables, it is inside."""
        if tag == "Item" or (tag.__class__ is dict and "BlockQuote" in tag):
            self.containers += 1
        elif tag.__class__ is dict and "Table" in tag:
            self.in_table = True

    def _leave(self, tag: Any) -> None:
        if tag == "Item" or (tag.__class__ is dict and "BlockQuote" in tag):
            self.containers -= 1
        elif tag == "Table":
            self.in_table = False

    def _row_is_code(self, start_byte: int) -> bool:
        """Whether a table row starts 4 columns in: in GFM (and markdown-it-py) that ends
        the table and opens indented code, where pulldown-cmark reads a row. Only outside
        quotes and lists, where the indent is the line's own."""
        if self.containers:
            return False
        start = self.char(start_byte)
        indent = self.text[self.text.rfind("\n", 0, start) + 1 : start]
        return not indent.strip(" \t") and _indent(indent) >= 4

    def _bare(self, run: list[str], starts: list[int], end: int, out: list[RawLink]) -> None:
        """Bare URLs in a run of text, found in the decoded text, placed in the source."""
        content = run[0] if len(run) == 1 else "".join(run)
        if "://" not in content:
            return
        cursor, stop = self.char(starts[0]), self.char(end)
        text = self.text
        for found, url in find_bare_urls(content):
            offset = text.find(url, cursor, stop)
            if offset >= 0:
                cursor = offset + len(url)
            else:  # written with escapes or entities: where its first character is written
                offset = self._written_at(run, starts, found)
            line, column = self.place(offset)
            out.append(RawLink(url, line, column, "bare-url"))

    def _written_at(self, run: list[str], starts: list[int], offset: int) -> int:
        """The source offset of a character of a run's decoded text: inside the piece of
        text that holds it, if that piece is written as decoded, else at the piece."""
        for content, start in zip(run, starts, strict=True):
            if offset < len(content):
                at = self.char(start)
                return at + offset if self.text.startswith(content, at) else at
            offset -= len(content)
        return self.char(starts[-1])

    def _link(
        self,
        opened: dict[str, Any],
        start_byte: int,
        end_byte: int,
        label_end_byte: int,
        label: list[str],
        out: list[RawLink],
    ) -> None:
        """A link or image that just closed; reference-style ones are reported at
        their definition."""
        image = "Image" in opened
        data = opened["Image"] if image else opened["Link"]
        kind = data["link_type"]
        start = self.char(start_byte)
        if kind == "Inline":
            destination = data["dest_url"]
            if not destination:
                return
            opening = 2 if image else 1  # "![" or "["
            after_label = start + opening if label_end_byte < 0 else self.char(label_end_byte)
            end = self.char(end_byte)
            close = self.text.find("](", after_label, end)
            if close < 0:
                return
            line, column = self.place(self._destination_start(close + 2, end))
            if image:
                alt = self.text[start + 2 : close]
                if "\n" in alt:  # its lines as the quote or list holds them, "\r\n" as "\n"
                    alt = alt.replace("\r\n", "\n")
                    if self.containers:
                        alt = _CONTAINER_PREFIX.sub("\n", alt)
                out.append(RawLink(destination, line, column, "markdown-image", alt or None))
            else:
                text = "".join(label).strip()
                out.append(RawLink(destination, line, column, "markdown-link", text or None))
        elif kind == "Autolink" or kind == "Email":
            # As written: the parser may decode entities an autolink keeps
            address = self.text[start + 1 : self.char(end_byte) - 1]
            if self.in_table:  # in a table cell, "\|" is "|" before anything else is read
                address = address.replace("\\|", "|")
            written = address if kind == "Autolink" else f"mailto:{address}"
            line, column = self.place(start + 1)
            out.append(RawLink(written, line, column, "markdown-autolink", address or None))

    def _destination_start(self, position: int, end: int) -> int:
        """Where a destination starts, from just after the `](` or `]:` before it:
        past spaces, one line break with the next line's container prefix ("> " in a
        quote), and the `<` of a destination written `<...>`."""
        text = self.text
        if text[position : position + 1] not in _BEFORE_DESTINATION:
            return position  # most destinations: right after the `](`
        while position < end and text[position] in " \t":
            position += 1
        if text.startswith("\r\n", position, end):
            position += 1
        if position < end and text[position] == "\n":
            position += 1
            while position < end and text[position] in " \t>":
                position += 1
        if position < end and text[position] == "<":
            position += 1
        return position

    def _html(self, content: str, start_byte: int, *, inline: bool, out: list[RawLink]) -> None:
        line, column = self.place(self.char(start_byte))
        # A block's columns count from its lines' start, as the markdown-it-py path has them.
        column_offset = column - 1 if inline else 0
        # loaded with the first HTML met: most Markdown holds none (html.parser costs)
        from citecheck.links.extract.html import extract_html

        out.extend(extract_html(content, line_offset=line - 1, column_offset=column_offset))

    def _definitions_before(self, offset: int, out: list[RawLink]) -> int:
        """Reports the definitions that start before a byte offset; returns where the
        next one starts."""
        definitions = self._definitions
        index = self._next_definition
        while index < len(definitions) and definitions[index][0] < offset:
            self._definition(*definitions[index], out)
            index += 1
        self._next_definition = index
        return definitions[index][0] if index < len(definitions) else _NO_DEFINITION

    def _definition(
        self, start_byte: int, end_byte: int, destination: str, out: list[RawLink]
    ) -> None:
        if not destination:
            return
        start, end = self.char(start_byte), self.char(end_byte)
        label = _LABEL.match(self.text, start, end)
        if label is None or not self.text.startswith(":", label.end()):
            return
        line, column = self.place(self._destination_start(label.end() + 1, end))
        out.append(RawLink(destination, line, column, "markdown-reference"))
