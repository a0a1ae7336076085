"""Lexical claim matching: how much of a claim's content one passage of the source covers.

A passage is one sentence or a window of 2-3 adjacent sentences (claims often merge
facts a source states in neighbouring sentences). Its score is the weighted share of
the claim's terms it contains; names and numbers weigh double. Simple and honest: a
later issue replaces it with BM25 and learned weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from citecheck.models import Evidence, SourceText, VerdictLabel
from citecheck.verify.terms import Term, TermKind, claim_terms, numbers_with_kind, sentence_keys

MAX_SCORED_SENTENCES = 5_000  # bounds the time per claim on huge sources
MAX_WINDOW = 3
WINDOW_DISCOUNT = 0.04  # per extra sentence: a single sentence wins a tie
SUPPORTED_AT = 0.55  # WiCE dev: balanced accuracy plateaus (71-73) from 0.46 to 0.58
PARTIAL_AT = 0.3
MAX_EVIDENCE = 3


@dataclass(frozen=True)
class NumberMismatch:
    claimed: str
    found: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    label: VerdictLabel
    score: float
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()
    mismatches: tuple[NumberMismatch, ...] = field(default=())


@lru_cache(maxsize=32)
def _sentence_index(sentences: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """Keys of each scored sentence; cached because one source serves many claims."""
    return tuple(sentence_keys(sentence) for sentence in sentences[:MAX_SCORED_SENTENCES])


def _label(score: float) -> VerdictLabel:
    if score >= SUPPORTED_AT:
        return VerdictLabel.SUPPORTED
    if score >= PARTIAL_AT:
        return VerdictLabel.PARTIALLY_SUPPORTED
    return VerdictLabel.NOT_SUPPORTED


def _best_window(
    overlaps: list[frozenset[str]], weights: dict[str, float], total: float
) -> tuple[float, int, int]:
    """(score, first, last) of the best passage; (0, -1, -1) when nothing overlaps."""
    best = (0.0, -1, -1)
    count = len(overlaps)
    for first in range(count):
        if not overlaps[first]:
            continue  # a window starting on an empty sentence is beaten by its neighbour
        covered: set[str] = set()
        for last in range(first, min(first + MAX_WINDOW, count)):
            covered |= overlaps[last]
            score = sum(weights[key] for key in covered) / total
            score -= WINDOW_DISCOUNT * (last - first)
            if score > best[0] + 1e-9:
                best = (score, first, last)
    return best


def _mismatches(terms: list[Term], evidence_text: str) -> tuple[NumberMismatch, ...]:
    """Numbers the claim gives that the evidence gives differently."""
    found = numbers_with_kind(evidence_text)
    numeric = (TermKind.NUMBER, TermKind.YEAR)
    claimed = {term.key: term.kind for term in terms if term.kind in numeric}
    out = []
    for key, kind in claimed.items():
        if key in found:
            continue
        others = tuple(k for k, other in found.items() if other is kind and k not in claimed)
        if others:
            out.append(NumberMismatch(claimed=key, found=others))
    return tuple(out)


def match_claim(claim_text: str, source: SourceText) -> Match:
    """Score a claim against a source and pick its evidence."""
    terms = claim_terms(claim_text)
    if not terms or not source.sentences:
        return Match(VerdictLabel.NOT_SUPPORTED, 0.0, missing=tuple(t.surface for t in terms))
    weights = {term.key: term.weight for term in terms}
    total = sum(weights.values())
    claim_keys = frozenset(weights)
    index = _sentence_index(source.sentences)
    overlaps = [keys & claim_keys for keys in index]
    score, first, last = _best_window(overlaps, weights, total)
    if first < 0:
        return Match(VerdictLabel.NOT_SUPPORTED, 0.0, missing=tuple(t.surface for t in terms))

    chosen = list(range(first, last + 1))
    if len(chosen) == 1:
        # Offer runner-up sentences when the best passage is one sentence.
        singles = sorted(
            (i for i in range(len(overlaps)) if overlaps[i] and i != first),
            key=lambda i: -sum(weights[k] for k in overlaps[i]),
        )
        chosen += [
            i for i in singles[: MAX_EVIDENCE - 1]
            if sum(weights[k] for k in overlaps[i]) / total >= score / 2
        ]
    covered = frozenset().union(*(overlaps[i] for i in chosen))
    evidence = tuple(
        Evidence(source.sentences[i], round(sum(weights[k] for k in overlaps[i]) / total, 3))
        for i in chosen
    )
    passage = " ".join(source.sentences[i] for i in range(first, last + 1))
    mismatches = _mismatches(terms, passage) if score >= PARTIAL_AT else ()
    label = _label(score)
    if mismatches and label is VerdictLabel.SUPPORTED:
        label = VerdictLabel.PARTIALLY_SUPPORTED  # a different number is not support
    return Match(
        label=label,
        score=round(max(0.0, min(1.0, score)), 3),
        evidence=evidence,
        missing=tuple(term.surface for term in terms if term.key not in covered),
        mismatches=mismatches,
    )
