"""Content terms of a claim or a sentence: lowercased, stop words dropped, stemmed.

Names (capitalised words), numbers and years are kept apart from plain words because
they carry most of what a claim asserts, so they weigh more when matching.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import snowballstemmer


class TermKind(StrEnum):
    WORD = "word"
    NAME = "name"
    NUMBER = "number"
    YEAR = "year"


# Numbers at 3 raised WiCE dev AUROC from 0.80 to 0.81; names at 1.5-3 made no difference.
WEIGHTS = {TermKind.WORD: 1.0, TermKind.NAME: 2.0, TermKind.NUMBER: 3.0, TermKind.YEAR: 3.0}


@dataclass(frozen=True)
class Term:
    key: str  # what is compared: a stem, or a number with separators removed
    surface: str  # the claim's own spelling, for `missing`
    kind: TermKind

    @property
    def weight(self) -> float:
        return WEIGHTS[self.kind]


_STOP_WORDS_TEXT = """
    a about above after again against all also although am among an and another any are
    as at be because been before being below between both but by can could did do does doing
    down during each either else even ever few for from further had has have having he her
    here hers herself him himself his how however i if in into is it its itself just least
    less many may me might more most much must my myself neither no nor not now of off often
    on once one only or other others our ours ourselves out over own per same shall she
    should since so some such than that the their theirs them themselves then there these
    they this those though through thus to too under until up upon us very was we were what
    when where whether which while who whom whose why will with within without would yet you
    your yours yourself yourselves said says say according mr mrs ms dr st also including
    included well became become becomes later first currently"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_SMALL_NUMBERS_TEXT = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
)
# Small numbers spelled out; "one" is left out: it is far more often a pronoun.
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(_SMALL_NUMBERS_TEXT.split())
    if value != 1
}

_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)*")
_STEMMER = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lowercase without accents: "Zoë" and "zoe" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_NON_WORD = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """Folded, every run of other characters one space: "Zoë's ship!" -> "zoe s ship"."""
    return _NON_WORD.sub(" ", fold(text)).strip()


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def _number_key(token: str) -> str:
    value = token.replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value


@lru_cache(maxsize=500_000)  # tokens repeat across sentences and sources
def _classify(token: str) -> tuple[str, TermKind] | None:
    """The comparison key and kind of one token, or None for a stop word."""
    if token[0].isdigit():
        key = _number_key(token)
        is_year = len(key) == 4 and key.isdigit() and 1000 <= int(key) <= 2100
        return key, TermKind.YEAR if is_year else TermKind.NUMBER
    lowered = fold(token)
    lowered = re.sub(r"['’]s$", "", lowered).replace("’", "'")
    if lowered in _NUMBER_WORDS:
        return _NUMBER_WORDS[lowered], TermKind.NUMBER
    if lowered in STOP_WORDS or len(lowered) < 2:
        return None
    kind = TermKind.NAME if token[0].isupper() else TermKind.WORD
    return _stem(lowered), kind


def claim_terms(text: str) -> list[Term]:
    """The distinct content terms of a claim, in order of first appearance."""
    seen: dict[str, Term] = {}
    for index, match in enumerate(_TOKEN.finditer(text)):
        token = match.group()
        classified = _classify(token)
        if classified is None:
            continue
        key, kind = classified
        # A capital at the very start says nothing about being a name.
        if index == 0 and kind is TermKind.NAME and token[1:].islower():
            kind = TermKind.WORD
        if key not in seen or WEIGHTS[kind] > seen[key].weight:
            seen[key] = Term(key, token, kind)
    return list(seen.values())


def sentence_tokens(text: str) -> list[str]:
    """The content keys of a source sentence in order, repeats kept (BM25 counts them)."""
    tokens = []
    for match in _TOKEN.finditer(text):
        classified = _classify(match.group())
        if classified is not None:
            tokens.append(classified[0])
    return tokens


def sentence_keys(text: str) -> frozenset[str]:
    """Every content key of a source sentence (for set intersection with a claim)."""
    return frozenset(sentence_tokens(text))


_NEGATION = re.compile(
    r"\b(not|no|never|nor|neither|none|nobody|nothing|without|cannot|denied|denies|deny"
    r"|refused|refuses|failed|fails|\w+n[’']t)\b",
    re.IGNORECASE,
)


def is_negated(text: str) -> bool:
    """Does the text say "not", "never", "no", "without", "didn't"…?"""
    return _NEGATION.search(text) is not None


def numbers_with_kind(text: str) -> dict[str, TermKind]:
    """Numbers and years a text gives, keyed as terms are."""
    found: dict[str, TermKind] = {}
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token[0].isdigit() or fold(token) in _NUMBER_WORDS:
            classified = _classify(token)
            if classified is not None:
                found[classified[0]] = classified[1]
    return found
