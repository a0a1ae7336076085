"""What a page says about where its text comes from: Wikipedia notices, "originally
published in …" lines. Read from the whole page (footers included), not the main text."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SCANNED_CHARS = 300_000

_WIKIPEDIA_NOTICES = (
    ("from_wikipedia", re.compile(r"from wikipedia, the free encyclopedia", re.IGNORECASE)),
    ("wikipedia_licence", re.compile(
        r"(creative commons attribution[- ]share ?alike|cc[- ]by[- ]sa)[^.]{0,200}wikipedia"
        r"|wikipedia[^.]{0,200}(creative commons attribution[- ]share ?alike|cc[- ]by[- ]sa)",
        re.IGNORECASE)),
    ("wikipedia_source", re.compile(
        r"(source|adapted|content|text|material|this article)[^.]{0,40}\b(from|of|uses?)"
        r"[^.]{0,30}\bwikipedia\b(?! ?commons)", re.IGNORECASE)),
)
_ORIGINAL = re.compile(
    r"\b(?i:(?:was |were )?(?:originally|first) (?:published|appeared|ran|posted)"
    r"|republished(?: here)?(?: with permission)?|reprinted(?: with permission)?)"
    r"\s+(?i:in|on|at|by|from)\s+(?i:the\s+website\s+of\s+)?"
    r"(?:the\s+)?(?P<name>(?:The\s+)?[A-Z0-9][\w&'’-]*(?:\s+(?:[A-Z0-9&][\w&'’-]*|of|for|and|the|de))*)",
)


@dataclass(frozen=True)
class Signals:
    wikipedia_notices: tuple[str, ...] = ()
    originally_published: str | None = None


def page_signals(text: str) -> Signals:
    """Wikipedia notices and the name of an original publisher, if the page gives them."""
    text = re.sub(r"\s+", " ", text[:MAX_SCANNED_CHARS])
    notices = tuple(name for name, pattern in _WIKIPEDIA_NOTICES if pattern.search(text))
    original = _ORIGINAL.search(text)
    name = original.group("name").strip(" .'’") if original else None
    return Signals(notices, name or None)
