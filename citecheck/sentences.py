"""Sentence splitting for claims and for source text.

sentencex (Wikimedia's segmenter) handles abbreviations, initials, decimals and
quotes in ~300 languages and splits 100,000 sentences in well under a second,
so one splitter serves both the documents and the cited sources. It still
breaks after some English abbreviations ("Dr. Who came." -> "Dr." | "Who came."),
so English output goes through a merge step that re-joins such pieces.
"""

from __future__ import annotations

import re

from sentencex import segment

_SPACE = re.compile(r"\s+")

# Abbreviations that never end a sentence in running text: the next piece always continues.
_ALWAYS_CONTINUES = frozenset(
    {
        "dr", "mr", "mrs", "ms", "mx", "prof", "st", "sr", "jr", "gen", "col", "lt", "maj",
        "capt", "cpt", "sgt", "cmdr", "adm", "rev", "hon", "gov", "sen", "rep", "pres", "fr",
        "mt", "cf", "vs", "approx", "e.g", "i.e",
    }
)  # fmt: skip
# Month and numbering abbreviations continue when a number follows ("Sept. 30", "No. 5").
_BEFORE_NUMBER = frozenset(
    {
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "no", "nos", "vol", "vols", "p", "pp", "ch", "fig", "figs", "art", "sec", "ca", "c",
    }
)  # fmt: skip
# Ambiguous: they may end a sentence ("moved to the U.S. He ..."), so they continue only
# when the next piece cannot start a sentence (lowercase, digit, punctuation).
_MAYBE_CONTINUES = frozenset({"et al", "u.s", "u.k", "u.n", "d.c", "inc", "ltd", "co", "corp"})

_LAST_WORD = re.compile(r"(?:^|[\s(\[\"'“‘])((?:et\s+al)|[A-Za-z][A-Za-z.]*)\.[\"'”’)\]]*\s*$")
_STREET = re.compile(r"\b[A-Z][a-z]+\s+St\.\s*$")  # "Main St." (not "in St. Ives")
_INITIAL = re.compile(r"(?:^|[\s(])[A-Z]\.\s*$")


def _continues(piece: str, following: str) -> bool:
    """Whether `piece` ends in an abbreviation, so `following` belongs to the same sentence."""
    match = _LAST_WORD.search(piece)
    if not match:
        return False
    word = _SPACE.sub(" ", match.group(1)).lower()
    nxt = following.lstrip()
    if not nxt:
        return False
    first = nxt[0]
    if word == "st" and _STREET.search(piece):
        return first.islower() or first.isdigit()  # "Main St. Then ...": a street ends it
    if word in _ALWAYS_CONTINUES:
        return True
    if word in _BEFORE_NUMBER:
        return first.isdigit()
    if word in _MAYBE_CONTINUES:
        return first.islower() or first.isdigit() or first in ",;:)"
    # A lone capital initial ("John F. Kennedy", "J. R. R. Tolkien") before a capitalised name.
    return bool(_INITIAL.search(piece)) and first.isupper()


def _merge_abbreviations(pieces: list[str]) -> list[str]:
    merged: list[str] = []
    for piece in pieces:
        if merged and _continues(merged[-1], piece):
            merged[-1] = merged[-1] + piece
        else:
            merged.append(piece)
    return merged


def _segment(language: str, paragraph: str) -> list[str]:
    try:
        return list(segment(language or "en", paragraph))
    except Exception:  # sentencex raises on language codes it has no rules for
        return list(segment("en", paragraph))


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Split `text` into sentences, whitespace-normalised, empty ones dropped."""
    out: list[str] = []
    english = (language or "en").lower().startswith("en")
    for paragraph in re.split(r"\n\s*\n", text):
        if not paragraph.strip():
            continue
        pieces = _segment(language, paragraph)
        if english:
            pieces = _merge_abbreviations(pieces)
        for piece in pieces:
            sentence = _SPACE.sub(" ", piece).strip()
            if sentence:
                out.append(sentence)
    return out
