"""Claims from body text with citation markers, shared by every document parser.

A parser feeds `MarkedText` the body as it walks it: plain text pieces (with the
source line they start on), markers where citations stand, and paragraph breaks.
`build_claims` then splits the marker-free text into sentences and ties each
marker to the sentence it sits in. A marker right after a sentence's final
period (`...Xinjiang.[8][9][10] Next`) sits at that sentence's end offset, so it
belongs to it, never to the next one.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field

from citecheck.models import Claim
from citecheck.sentences import split_sentences

_SPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass
class MarkedText:
    """Body text with markers removed, remembering where each marker and line stood."""

    parts: list[str] = field(default_factory=list)
    markers: list[tuple[int, str]] = field(default_factory=list)  # (offset, marker)
    checkpoints: list[tuple[int, int]] = field(default_factory=list)  # (offset, source line)
    length: int = 0

    def add_text(self, text: str, line: int | None = None) -> None:
        if line is not None:
            self.checkpoints.append((self.length, line))
        self.parts.append(text)
        self.length += len(text)

    def add_marker(self, marker: str) -> None:
        self.markers.append((self.length, marker))

    def paragraph_break(self) -> None:
        self.add_text("\n\n")

    @property
    def text(self) -> str:
        if len(self.parts) > 1:  # join once; later calls reuse the single part
            self.parts[:] = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def line_at(self, offset: int) -> int | None:
        """Source line of `offset`: the last checkpoint before it plus the newlines since."""
        if not self.checkpoints:
            return None
        index = bisect.bisect_right(self.checkpoints, (offset, float("inf"))) - 1
        if index < 0:
            return None
        start, line = self.checkpoints[index]
        return line + self.text.count("\n", start, offset)


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def claim_id(text: str) -> str:
    digest = hashlib.sha1(normalise_space(text).encode("utf-8")).hexdigest()
    return "c-" + digest[:10]


def slugify(name: str) -> str:
    """A stable id part from a ref name: lowercase ASCII letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if slug:
        return slug
    # A name with no ASCII letters (e.g. all Cyrillic) still needs a stable id.
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, sentence) for each sentence of text[start:end], located in `text`."""
    spans: list[tuple[int, int, str]] = []
    cursor = start
    for sentence in split_sentences(text[start:end]):
        words = sentence.split(" ")
        pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
        match = pattern.search(text, cursor, end)
        if match is None:  # the splitter changed the text: fall back to the cursor
            spans.append((cursor, cursor, sentence))
            continue
        spans.append((match.start(), match.end(), sentence))
        cursor = match.end()
    return spans


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]


def _owner(spans: list[tuple[int, int, str]], offset: int) -> int | None:
    """Index of the sentence a marker at `offset` belongs to."""
    if not spans:
        return None
    for index, (start, end, _) in enumerate(spans):
        if start <= offset <= end:
            return index
        if offset < start:  # between sentences: the marker follows the previous one
            return max(index - 1, 0)
    return len(spans) - 1


def build_claims(marked: MarkedText) -> list[Claim]:
    """One Claim per sentence that carries at least one marker, in document order."""
    text = marked.text
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    marker_offsets = [offset for offset, _ in marked.markers]
    for para_start, para_end in _paragraphs(text):
        first = bisect.bisect_left(marker_offsets, para_start)
        last = bisect.bisect_right(marker_offsets, para_end)
        in_paragraph = marked.markers[first:last]
        if not in_paragraph:
            continue
        spans = _sentence_spans(text, para_start, para_end)
        owned: dict[int, list[str]] = {}
        for offset, marker in in_paragraph:
            index = _owner(spans, offset)
            if index is None:
                continue
            markers = owned.setdefault(index, [])
            if marker not in markers:
                markers.append(marker)
        for index in sorted(owned):
            start, end, sentence = spans[index]
            # The wide reading: back to the last marker before this sentence in the paragraph.
            before = bisect.bisect_left(marker_offsets, start)
            previous = marker_offsets[before - 1] if before else -1
            context_start = previous if previous >= para_start else para_start
            context = normalise_space(text[context_start:end]) or sentence
            base = claim_id(sentence)
            seen[base] = seen.get(base, 0) + 1
            identifier = base if seen[base] == 1 else f"{base}-{seen[base]}"
            claims.append(
                Claim(
                    id=identifier,
                    text=sentence,
                    markers=tuple(owned[index]),
                    context=context,
                    line=marked.line_at(start),
                )
            )
    return claims
