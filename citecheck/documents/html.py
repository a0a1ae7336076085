"""Rendered Wikipedia article HTML (classic parser or Parsoid) -> Document.

Markers are `sup.reference` links to `#cite_note-…` (Parsoid: `./Title#cite_note-…`);
each points at `ol.references > li#cite_note-…`, read by `html_refs`. Claims come
from the body's paragraphs and list items, with every marker removed from the text.

So that the same article gives the same references as its wikitext, notes are named
as the wikitext reader names refs:
- a short citation (the note links to `#CITEREF…`) is the full citation it points
  at, marker = the link text without "&" ("Holt 2009"), id "ref-holt-2009": every
  page of it is one reference, as `{{sfn}}` is in wikitext;
- a named ref (`cite_note-NAME-N`; Parsoid's `data-mw` gives NAME exactly) has
  marker NAME and id "ref-<slug of NAME>";
- an unnamed ref (`cite_note-N`) has marker N and id "ref-N": N is its number in the
  list, which is the wikitext reader's count of refs in order of first use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from msgspec.structs import replace

from citecheck.documents.assemble import assemble
from citecheck.documents.claims import MarkedText, build_claims, normalise_space, slugify
from citecheck.documents.html_refs import (
    citeref_target,
    clone,
    reference_from_element,
    short_marker,
    short_pages,
)
from citecheck.documents.wikitext import SKIPPED_SECTIONS
from citecheck.models import Document, Reference

KIND = "html"

_NOTE_ID = re.compile(r"^cite_note-(?:(?P<name>.+)-)?(?P<number>\d+)$")
_BLOCKS = ("p", "li", "dd", "dt")
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# Containers whose text is never a claim: infoboxes and tables, navigation, reference lists.
_NOT_BODY = (
    "table, .navbox, .reflist, ol.references, .mw-references-wrap, .hatnote, .shortdescription,"
    " .thumb, figure, .gallery, .metadata, .ambox, .toc, #toc, .mw-empty-elt, .sistersitebox"
)
_SKIPPED_INLINE = (
    "style", "script", "link", "meta", "math", "ul", "ol", "dl", "table", "figure", "div",
)  # fmt: skip
_SKIPPED_CLASSES = frozenset({"mw-editsection", "noprint", "mwe-math-element", "Z3988"})
_GROUP_LABEL = re.compile(r"^(?:[a-z]{1,2}|[ivx]+|(?:note|nb|n|lower-alpha)\s+\w+)$", re.I)


def _is_marker(tag: Tag) -> bool:
    classes: list[str] = list(tag.get("class") or [])
    return tag.name == "sup" and ("reference" in classes or "mw-ref" in classes)


def _note_id(marker: Tag) -> str | None:
    link = marker.find("a", href=True)
    if not isinstance(link, Tag):
        return None
    href = str(link["href"])
    return unquote(href.split("#", 1)[1]) if "#" in href else None


def _label(marker: Tag) -> str:
    return normalise_space(marker.get_text()).strip("[] ")


@dataclass
class _Notes:
    """Footnotes by id, each read once, in order of first use."""

    soup: BeautifulSoup
    items: dict[str, Tag] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # note id -> ref name (Parsoid)
    markers: dict[str, str] = field(default_factory=dict)  # note id -> marker
    by_marker: dict[str, Reference] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # marker -> id of its stand-in
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for item in self.soup.select("ol.references > li[id]"):
            if not item.find_parent(class_="notelist"):
                self.items.setdefault(str(item["id"]), item)
        for sup in self.soup.select("sup[data-mw]"):
            note = _note_id(sup)
            try:
                data = json.loads(str(sup["data-mw"]))
            except ValueError:
                continue
            name = data.get("attrs", {}).get("name") if isinstance(data, dict) else None
            if note and isinstance(name, str) and name.strip():
                self.names[note] = normalise_space(name)

    def marker_for(self, note: str) -> str | None:
        if note in self.markers:
            return self.markers[note]
        marker = self._read(note)
        if marker is not None:
            self.markers[note] = marker
        return marker

    def _read(self, note: str) -> str | None:
        match = _NOTE_ID.match(note)
        if match is None:
            return None
        item = self.items.get(note)
        name = self.names.get(note) or (
            match["name"].replace("_", " ") if match["name"] else None
        )
        if item is None:
            marker = name or match["number"]
            if marker not in self.missing:
                self.missing[marker] = f"ref-{slugify(marker)}"
                self.problems.append(f"footnote {note!r} is cited but not in the list")
            return marker
        text = item.select_one(".reference-text") or item
        short = citeref_target(text)
        if short is not None:
            return self._short(short[0], short[1], text)
        marker = name if name and not name.startswith("FOOTNOTE") else match["number"]
        if marker not in self.by_marker:
            self.by_marker[marker] = reference_from_element(f"ref-{slugify(marker)}", marker, text)
        return marker

    def _short(self, anchor: str, link_text: str, note_text: Tag) -> str:
        marker = short_marker(link_text)
        if marker in self.by_marker or marker in self.missing:
            return marker
        target = self.soup.find(id=anchor)
        if not isinstance(target, Tag):
            self.missing[marker] = f"ref-{slugify(marker)}"
            self.problems.append(f"short citation {marker!r} has no matching full citation")
            return marker
        reference = reference_from_element(f"ref-{slugify(marker)}", marker, target)
        if pages := short_pages(note_text):
            reference = replace(reference, extra=(*reference.extra, ("pages", pages)))
        self.by_marker[marker] = reference
        return marker

    def finish(self) -> list[Reference]:
        """Every note, used in the body or not (infobox refs), in order of first use."""
        for note in self.items:
            self.marker_for(note)
        return list(self.by_marker.values())


@dataclass
class _Body:
    notes: _Notes
    marked: MarkedText = field(default_factory=MarkedText)
    subject: str | None = None

    def block(self, element: Tag) -> None:
        self.marked.add_text("")
        self._walk(element)
        self.marked.paragraph_break()

    def _walk(self, element: Tag) -> None:
        for child in element.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.marked.add_text(str(child))
            elif isinstance(child, Tag):
                self._tag(child)

    def _tag(self, tag: Tag) -> None:
        if _is_marker(tag):
            self._marker(tag)
            return
        classes = set(tag.get("class") or [])
        if tag.name in _SKIPPED_INLINE or classes & _SKIPPED_CLASSES:
            return
        if tag.name in _BLOCKS:  # a paragraph inside a list item: walked on its own
            return
        if tag.name == "br":
            self.marked.add_text(" ")
            return
        if tag.name == "b" and self.subject is None:
            self.subject = normalise_space(tag.get_text()) or None
        self._walk(tag)

    def _marker(self, sup: Tag) -> None:
        note = _note_id(sup)
        label = _label(sup)
        if note is None or (_GROUP_LABEL.match(label) and not label.isdigit()):
            return  # an explanatory note ({{efn}}: "[a]", "[note 1]"), not a citation
        marker = self.notes.marker_for(note)
        if marker is not None:
            self.marked.add_marker(marker)


def _heading_text(heading: Tag) -> str:
    copy = clone(heading)  # the edit link is dropped from a copy, not from the page
    for edit in copy.select(".mw-editsection"):
        edit.decompose()
    return normalise_space(copy.get_text()).lower()


def _title(soup: BeautifulSoup) -> str | None:
    for selector in ("h1#firstHeading", "h1.firstHeading", "title"):
        found = soup.select_one(selector)
        if found is not None and (text := normalise_space(found.get_text())):
            return re.sub(r"\s+[-–—]\s+Wikipedia$", "", text)
    return None


def _body_blocks(root: Tag) -> list[Tag]:
    """Paragraphs and list items of the article body, outside skipped sections."""
    blocks: list[Tag] = []
    skipping_level: int | None = None
    for element in root.find_all([*_HEADINGS, *_BLOCKS]):
        if element.name in _HEADINGS:
            level = int(element.name[1])
            if skipping_level is not None and level <= skipping_level:
                skipping_level = None
            if skipping_level is None and _heading_text(element) in SKIPPED_SECTIONS:
                skipping_level = level
            continue
        if skipping_level is not None or element.find_parent(_not_body) is not None:
            continue
        blocks.append(element)
    return blocks


def _not_body(tag: Tag) -> bool:
    return bool(tag.css.match(_NOT_BODY)) if tag.name not in ("[document]",) else False


def parse(text: str, source: str) -> Document:
    soup = BeautifulSoup(text, "lxml")
    root = soup.select_one(".mw-parser-output") or soup.body or soup
    notes = _Notes(soup)
    body = _Body(notes=notes)
    for block in _body_blocks(root):
        body.block(block)
    claims = build_claims(body.marked)
    references = notes.finish()
    problems = list(notes.problems)
    if not references:
        problems.append("no footnotes found (ol.references > li#cite_note-…)")
    title = _title(soup)
    return assemble(
        source=source,
        kind=KIND,
        references=references,
        claims=claims,
        problems=problems,
        title=title,
        subject=body.subject or title,
        id_for_missing=notes.missing,
    )
