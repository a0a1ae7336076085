"""Wikitext: `[http://x label]`, bare URLs and template parameters (`|url=...`).

mwparserfromhell parses (so comments and `<nowiki>` never yield links); each URL
is then found in the source from a cursor that moves forward, for its position.
"""

from __future__ import annotations

from collections.abc import Iterator

from citecheck.links.extract.raw import LineIndex, RawLink, in_order


def extract_wikitext(text: str) -> Iterator[RawLink]:
    """The links of a wikitext, in order (the parser's order may differ: templates)."""
    return iter(in_order(_wikitext_links(text)))


def _wikitext_links(text: str) -> Iterator[RawLink]:
    import mwparserfromhell  # loaded only when wikitext is read, not with every extractor

    index = LineIndex(text)
    cursor = 0
    code = mwparserfromhell.parse(text)
    for node in code.filter_external_links(recursive=True):
        url = str(node.url).strip()
        if not url:
            continue
        found = text.find(url, cursor)
        if found < 0:
            found = text.find(url)  # out of order (templates): fall back to the first
        if found < 0:
            continue
        cursor = found + len(url)
        line, column = index.position(found)
        element = "wiki-external-link" if node.brackets else "bare-url"
        label = str(node.title).strip() if node.title is not None else None
        yield RawLink(url, line, column, element, label or None)
