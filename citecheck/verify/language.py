"""Which language a short text is in, from its script and its function words.

Enough to tell that a claim is not in its source's language (the matcher compares
English stems, so such a pair cannot be judged); not a general language identifier.
"""

from __future__ import annotations

import re
import unicodedata

_FUNCTION_WORDS = {
    "en": "the of and to in is was for on that with by as at from his her which are were",
    "fr": "le la les des du de et est une un dans pour sur par qui avec au aux il elle été",
    "de": "der die das und ist ein eine im von zu mit den dem nicht auf für wurde sich des",
    "es": "el la los las del y es un una en por con para que se fue su al como",
    "it": "il lo la gli le del della di e è un una in per con che si fu nel alla",
    "pt": "o a os as do da dos das e é um uma em por com para que se foi no na",
    "nl": "de het een en van is in op te met voor dat zijn werd die niet aan",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_TOKEN = re.compile(r"[^\W\d_]+")


def _script(ch: str) -> str:
    if ch < "\u0250":  # Basic Latin to Latin Extended-B: skip the slow name lookup
        return "LATIN"
    name = unicodedata.name(ch, "")
    return name.split(" ")[0] if name else "?"


def guess_language(text: str) -> str | None:
    """An ISO 639-1 code for Latin-script languages with enough function words, the script
    name ("cyrillic", "cjk", …) for others, or None when the text gives too little."""
    letters = [ch for ch in text[:2000] if ch.isalpha()]
    if len(letters) < 8:
        return None
    scripts: dict[str, int] = {}
    for ch in letters:
        script = _script(ch)
        scripts[script] = scripts.get(script, 0) + 1
    main_script = max(scripts, key=lambda s: scripts[s])
    if main_script != "LATIN":
        return main_script.lower()
    words = [w.lower() for w in _TOKEN.findall(text[:2000])]
    votes = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _WORDS.items()}
    best = max(votes, key=lambda lang: votes[lang])
    if votes[best] < 2 or list(votes.values()).count(votes[best]) > 1:
        return None  # too few function words, or a tie: say nothing
    return best


def other_language(claim_text: str, source_language: str | None) -> str | None:
    """The claim's language when it is certainly not the source's, else None."""
    claim_language = guess_language(claim_text)
    if claim_language is None:
        return None
    if (source_language or "en") == claim_language:
        return None
    return claim_language
