"""reStructuredText, by a line scanner (no docutils needed).

Links: `` `text <url>`_ `` (and `__`), targets `.. _name: url` / `__ url`, the
`image`/`figure` directives and their `:target:` option, and bare URLs (rST's
standalone hyperlinks). Literal blocks (after `::`, `code-block` and friends),
comments and inline literals are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from citecheck.links.extract.bare import find_bare_urls
from citecheck.links.extract.raw import RawLink, in_order

_EMBEDDED = re.compile(r"`(?P<text>[^`]*?)<(?P<url>[^<>`\s][^<>`]*)>`__?")
_TARGET = re.compile(r"^\s*(?:\.\.\s+_(?:[^:\\]|\\.)*:|\.\.\s+__:|__)\s+(?P<url>\S+)\s*$")
_URL_DIRECTIVE = re.compile(r"^\s*\.\.\s+(?:image|figure)::\s+(?P<url>\S+)\s*$")
_TARGET_OPTION = re.compile(r"^\s*:target:\s+(?P<url>\S+)\s*$")
_LITERAL_DIRECTIVE = re.compile(
    r"^\s*\.\.\s+(?:code-block|code|sourcecode|highlight|literalinclude|raw|math)::"
)
_EXPLICIT_MARKUP = re.compile(r"^\s*\.\.(?:\s|$)")
_KNOWN_MARKUP = re.compile(r"^\s*\.\.\s+(?:_|\[|\||[\w:+-]+::)")
_INLINE_LITERAL = re.compile(r"``.+?``")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _skipped_lines(lines: list[str]) -> set[int]:
    """Indexes of lines inside literal blocks and comments."""
    skipped: set[int] = set()
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.rstrip()
        is_comment = bool(_EXPLICIT_MARKUP.match(line)) and not _KNOWN_MARKUP.match(line)
        opens_literal = (
            (stripped.endswith("::") and not _KNOWN_MARKUP.match(line))
            or bool(_LITERAL_DIRECTIVE.match(line))
            or is_comment
        )
        index += 1
        if not opens_literal:
            continue
        if is_comment:
            skipped.add(index - 1)
        base = _indent(line)
        while index < len(lines):
            body = lines[index]
            if body.strip() and _indent(body) <= base:
                break
            skipped.add(index)
            index += 1
    return skipped


def extract_rst(text: str) -> Iterator[RawLink]:
    """The links of a reStructuredText text, in order (line, then column)."""
    lines = text.split("\n")
    skipped = _skipped_lines(lines)
    for index, line in enumerate(lines):
        if index not in skipped:
            # the line's links are found pattern by pattern: put them in order
            yield from in_order(_line_links(line, index + 1))


def _line_links(line: str, number: int) -> Iterator[RawLink]:
    # Blank out inline literals, keeping columns.
    masked = _INLINE_LITERAL.sub(lambda m: " " * len(m.group(0)), line)
    taken: list[tuple[int, int]] = []
    for pattern, element in (
        (_TARGET, "rst-target"),
        (_URL_DIRECTIVE, "rst-image"),
        (_TARGET_OPTION, "rst-image-target"),
    ):
        match = pattern.match(masked)
        if match is not None:
            url = match.group("url")
            if not url.endswith("_"):  # `.. _a: b_` points at another target
                yield RawLink(url, number, match.start("url") + 1, element)
            taken.append(match.span("url"))
    for match in _EMBEDDED.finditer(masked):
        url = match.group("url").strip()
        taken.append(match.span())
        if url.endswith("_"):
            continue  # `text <other_>`_ names a target, not a URL
        yield RawLink(
            url, number, match.start("url") + 1, "rst-link", match.group("text").strip() or None
        )
    for offset, url in find_bare_urls(masked):
        if not any(start <= offset < end for start, end in taken):
            yield RawLink(url, number, offset + 1, "bare-url")
