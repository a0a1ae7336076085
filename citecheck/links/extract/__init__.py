"""One link extractor per input kind: text in, `RawLink`s (as written, with position) out.

Extractors know nothing of files or URLs: `citecheck.links.collect` resolves what
they find against the document's location. Every extractor skips code (fenced and
indented blocks, code spans, literal blocks, comments) and yields links in the
order they are written (line, then column: each extractor promises it, sorting
what its parser finds out of order a line or a chunk at a time), with a 1-based
line and the 1-based column of the link's first character.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from citecheck.links.extract.html import extract_html
from citecheck.links.extract.markdown import extract_markdown
from citecheck.links.extract.plaintext import extract_plaintext
from citecheck.links.extract.raw import RawLink
from citecheck.links.extract.rst import extract_rst
from citecheck.links.extract.wikitext import extract_wikitext

Extractor = Callable[[str], Iterator[RawLink]]

EXTRACTORS: dict[str, Extractor] = {
    "markdown": extract_markdown,
    "html": extract_html,
    "rst": extract_rst,
    "plaintext": extract_plaintext,
    "wikitext": extract_wikitext,
}


def extract_links(kind: str, text: str) -> Iterator[RawLink]:
    """The links of `text` read as `kind`, by position: line, then column (unknown
    kinds: plain text). Lazy: a long Markdown text yields its first links before the
    rest is parsed, so the links of a file never need to be held all at once."""
    return EXTRACTORS.get(kind, extract_plaintext)(text)


__all__ = ["EXTRACTORS", "Extractor", "RawLink", "extract_links"]
