"""One link extractor per input kind: text in, `RawLink`s (as written, with position) out.

Extractors know nothing of files or URLs: `citecheck.links.collect` resolves what
they find against the document's location. Every extractor skips code (fenced and
indented blocks, code spans, literal blocks, comments) and yields links in the
order they are written (line, then column: each extractor promises it, sorting
what its parser finds out of order a line or a chunk at a time), with a 1-based
line and the 1-based column of the link's first character.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator

from citecheck.links.extract.raw import RawLink

Extractor = Callable[[str], Iterator[RawLink]]

# kind -> (module, function), imported on first use: a run over Markdown files loads
# no HTML parser (html.parser) or reStructuredText patterns
_EXTRACTORS: dict[str, tuple[str, str]] = {
    "markdown": ("citecheck.links.extract.markdown", "extract_markdown"),
    "html": ("citecheck.links.extract.html", "extract_html"),
    "rst": ("citecheck.links.extract.rst", "extract_rst"),
    "plaintext": ("citecheck.links.extract.plaintext", "extract_plaintext"),
    "wikitext": ("citecheck.links.extract.wikitext", "extract_wikitext"),
    "sitemap": ("citecheck.links.extract.sitemap", "extract_sitemap"),
}


def extractor(kind: str) -> Extractor:
    """The extractor of `kind` (unknown kinds: plain text)."""
    module, name = _EXTRACTORS.get(kind, _EXTRACTORS["plaintext"])
    found: Extractor = getattr(importlib.import_module(module), name)
    return found


def extract_links(kind: str, text: str) -> Iterator[RawLink]:
    """The links of `text` read as `kind`, by position: line, then column (unknown
    kinds: plain text). Lazy: a long Markdown text yields its first links before the
    rest is parsed, so the links of a file never need to be held all at once."""
    return extractor(kind)(text)


__all__ = ["Extractor", "RawLink", "extract_links", "extractor"]
