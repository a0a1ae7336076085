"""A plain-text copy of a Wikipedia article -> Document.

Shape (as copied from a browser): body paragraphs one per line with `[n]` markers,
infobox label/value lines and "edit" lines in between, then a "References" heading
and numbered entries `  1. ^ Last, First (DATE). "Title". Work. Retrieved DATE.`
(`^ a b c` or `Jump up to: a b` when an entry is cited more than once).
"""

from __future__ import annotations

import re

from citecheck.documents.assemble import assemble
from citecheck.documents.citation_text import parse_citation_text, reference_from_fields
from citecheck.documents.claims import MarkedText, build_claims, normalise_space
from citecheck.models import Document, Reference

KIND = "plaintext"

_REFERENCE_HEADINGS = {
    "references", "notes", "citations", "footnotes", "sources", "notes and references",
    "references and notes", "notes and citations", "reference list", "works cited",
}  # fmt: skip
_END_HEADINGS = {"external links", "further reading", "see also", "bibliography"}
_EDIT = re.compile(r"^\[?edit\]?$", re.I)
_MARKER = re.compile(r"\[(\d{1,4})\]")
# Inline maintenance tags and lettered notes that are not citations: "[citation needed]", "[a]".
_INLINE_TAG = re.compile(r"\[(?:[a-z]|[a-z][a-z ?’']*(?:needed|\?)|note \d+|nb \d+)\]", re.I)
_ENTRY = re.compile(r"^\s*(?:(?P<num>\d{1,4})[.)]\s*)?(?P<rest>(?:Jump up|\^|↑).*)$")
_NUMBERED = re.compile(r"^\s*(?P<num>\d{1,4})[.)]\s+(?P<rest>\S.*)$")
_BACKLINKS = re.compile(r"^(?:\s*(?:\^|↑|Jump up(?: to)?:?))+\s*(?:(?:[a-z]{1,2}\s+){2,})?")
_PROSE_END = re.compile(r"[.!?;:\"”'’)]\s*$")


def _is_prose(line: str) -> bool:
    """Body text, as opposed to a heading or an infobox label/value line."""
    words = line.split()
    return (bool(_PROSE_END.search(line)) and len(words) >= 4) or len(words) >= 12


def _split_sections(lines: list[str]) -> tuple[int, int | None]:
    """(index where references start or len(lines), index of the heading or None)."""
    for index, line in enumerate(lines):
        if line.strip().lower() not in _REFERENCE_HEADINGS:
            continue
        for following in lines[index + 1 : index + 6]:
            stripped = following.strip()
            if not stripped or _EDIT.match(stripped):
                continue
            if _ENTRY.match(following) or _NUMBERED.match(following):
                return index, index
            break
    # No heading: the list starts at the first "^" entry line.
    for index, line in enumerate(lines):
        if _ENTRY.match(line) and "^" in line[:12]:
            return index, None
    return len(lines), None


def _subject(first_sentence: str) -> str | None:
    cuts = [i for i in (first_sentence.find(" ("), first_sentence.find(" is ")) if i > 0]
    if not cuts:
        return None
    subject = first_sentence[: min(cuts)].strip()
    return subject if 0 < len(subject.split()) <= 12 else None


def _title(lines: list[str]) -> str | None:
    """A short heading line before any prose is the article's title."""
    for line in lines:
        stripped = _MARKER.sub("", line).strip()
        if not stripped or _EDIT.match(stripped):
            continue
        if _is_prose(stripped) or len(stripped.split()) > 10 or stripped.endswith("."):
            return None
        return stripped
    return None


def _parse_body(lines: list[str], end: int) -> tuple[MarkedText, str | None]:
    marked = MarkedText()
    subject: str | None = None
    seen_prose = False
    for number, line in enumerate(lines[:end], start=1):
        stripped = line.strip()
        if not stripped or _EDIT.match(stripped):
            continue
        without = _INLINE_TAG.sub("", stripped)
        if not _is_prose(_MARKER.sub("", without)):
            continue  # headings, infobox rows: never claims
        if not seen_prose:
            seen_prose = True
            subject = _subject(_MARKER.sub("", without))
        position = 0
        for match in _MARKER.finditer(without):
            marked.add_text(without[position : match.start()], number if position == 0 else None)
            marked.add_marker(match.group(1))
            position = match.end()
        marked.add_text(without[position:], number if position == 0 else None)
        marked.paragraph_break()
    return marked, subject


def _reference(number: str, entry: str, line: int) -> Reference:
    return reference_from_fields(
        parse_citation_text(entry), ref_id=f"ref-{number}", marker=number, raw=entry, line=line
    )


def _parse_references(lines: list[str], start: int) -> tuple[list[Reference], list[str]]:
    references: list[Reference] = []
    problems: list[str] = []
    entries: list[tuple[str | None, str, int]] = []  # (number, text, line)
    for line_number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        if not stripped or _EDIT.match(stripped) or stripped.lower() in _REFERENCE_HEADINGS:
            continue
        if stripped.lower() in _END_HEADINGS:
            break
        match = _ENTRY.match(line) or _NUMBERED.match(line)
        if match:
            entries.append((match["num"], _BACKLINKS.sub("", match["rest"]).strip(), line_number))
        elif entries and len(stripped.split()) > 3:
            num, text, at = entries[-1]  # an entry wrapped onto the next line
            entries[-1] = (num, f"{text} {stripped}", at)
        elif entries:
            break  # a short line after the list: the next section's heading
    seen: set[str] = set()
    previous = 0
    for num, text, at in entries:
        number = num or str(previous + 1)
        previous = int(number)
        if number in seen:
            problems.append(f"reference {number} is listed twice (line {at}); kept the first")
            continue
        seen.add(number)
        reference = _reference(number, normalise_space(text), at)
        if reference.title is None:
            problems.append(f"reference {number} (line {at}): no title could be read")
        references.append(reference)
    return references, problems


def parse(text: str, source: str) -> Document:
    lines = text.splitlines()
    ref_start, _heading = _split_sections(lines)
    marked, subject = _parse_body(lines, ref_start)
    title = _title(lines[:ref_start])
    references, problems = _parse_references(lines, ref_start)
    claims = build_claims(marked)
    if marked.markers and not references:
        problems.insert(0, "reference list has no entries")
    return assemble(
        source=source,
        kind=KIND,
        references=references,
        claims=claims,
        problems=problems,
        title=title,
        subject=subject or title,
    )
