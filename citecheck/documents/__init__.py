"""Document parsers: one module per input kind, and a {kind: parse} registry.

Each parser takes (text, source) and returns a Document whose claims point, by
marker, at its references. Callers use `read_document(path)` or `parse_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from citecheck.documents import bibtex, csljson, html, markdown, plaintext, wikitext
from citecheck.documents.reading import read_text
from citecheck.errors import UnsupportedInput
from citecheck.models import Document

__all__ = ["EXTENSIONS", "PARSERS", "detect_kind", "parse_text", "read_document"]

PARSERS: dict[str, Callable[[str, str], Document]] = {
    plaintext.KIND: plaintext.parse,
    wikitext.KIND: wikitext.parse,
    markdown.KIND: markdown.parse,
    html.KIND: html.parse,
    bibtex.KIND: bibtex.parse,
    csljson.KIND: csljson.parse,
}

# File extension -> kind of PARSERS.
EXTENSIONS = {
    ".wiki": "wikitext", ".wikitext": "wikitext", ".mediawiki": "wikitext",
    ".md": "markdown", ".markdown": "markdown", ".txt": "plaintext",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".bib": "bibtex", ".bibtex": "bibtex",
    ".json": "csljson", ".csljson": "csljson",
}  # fmt: skip
_WIKITEXT_SIGNS = re.compile(r"<ref[\s>/]|\{\{\s*cite\s|\{\{\s*citation\s*\|", re.I)
_HTML_SIGNS = re.compile(
    r"\A\s*(?:<!doctype\s+html|<html[\s>])|class=\"[^\"]*\bmw-parser-output\b"
    r"|<sup\b[^>]*\bclass=\"[^\"]*\b(?:reference|mw-ref)\b",
    re.I,
)
_MARKDOWN_SIGNS = re.compile(r"^\[\^[^\]]+\]:|\]\(https?://|^\[[^\]]+\]:\s*https?://", re.M)


def detect_kind(name: str, text: str) -> str:
    """A kind of PARSERS: by file extension, else by what the text holds."""
    suffix = PurePath(name).suffix.lower() if name and name != "-" else ""
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if _HTML_SIGNS.search(text[:200_000]):
        return "html"
    if csljson.looks_like_csljson(text):
        return "csljson"
    if bibtex.SIGNS.search(text) and not _WIKITEXT_SIGNS.search(text):
        return "bibtex"
    if _WIKITEXT_SIGNS.search(text):
        return "wikitext"
    if _MARKDOWN_SIGNS.search(text):
        return "markdown"
    return "plaintext"


def parse_text(text: str, source: str, kind: str | None = None) -> Document:
    """Parse `text` as `kind` (detected from `source` and the text when not given)."""
    chosen = kind or detect_kind(source, text)
    parser = PARSERS.get(chosen)
    if parser is None:
        known = ", ".join(sorted(PARSERS))
        raise UnsupportedInput(f"unknown document kind {chosen!r} (known: {known})")
    return parser(text, source)


def read_document(path: str) -> Document:
    """Read and parse the document at `path` ("-" = stdin); InputError says why it cannot."""
    return parse_text(read_text(path), path)
