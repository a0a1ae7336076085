"""Interpretable features of (claim, source): what the evidence has and lacks.

Every feature is something an editor can read off the verdict: the share of the claim's
terms the best passage covers, the names, numbers and plain words the chosen evidence
lacks, a number or date the evidence gives differently, a negation on one side only.
The learned weights (model.py) combine them; the same function feeds training
(benchmarks/train_verdicts.py), so what is trained is what runs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from citecheck.dates import MONTH_NAMES
from citecheck.models import SourceText
from citecheck.verify.retrieval import SourceIndex, index_source, retrieve
from citecheck.verify.terms import (
    Term,
    TermKind,
    claim_terms,
    is_negated,
    numbers_with_kind,
    sentence_keys,
)

MAX_WINDOW = 3
WINDOW_DISCOUNT = 0.04  # per extra sentence: a single sentence wins a tie
MAX_EVIDENCE = 3

FEATURE_NAMES = (
    "window_coverage",  # weighted share of claim terms in the best 1-3 sentence window
    "evidence_coverage",  # ... in the (up to 3) evidence sentences chosen to cover most
    "document_coverage",  # ... anywhere in the source
    "missing_names",  # names the evidence lacks (count)
    "missing_numbers",  # numbers and years the evidence lacks (count)
    "missing_words",  # plain content words the evidence lacks (count)
    "claim_terms",  # log of the claim's distinct content terms
    "bm25_top",  # best BM25 score per query term
    "contradiction",  # 1 when a number or year is given differently by the evidence
    "negation_mismatch",  # 1 when one side is negated and the other is not
)


@dataclass(frozen=True)
class NumberMismatch:
    claimed: str
    found: tuple[str, ...]


@dataclass(frozen=True)
class Explained:
    """Feature values and what they were computed from."""

    terms: tuple[Term, ...]
    values: tuple[float, ...]  # in FEATURE_NAMES order
    evidence: tuple[int, ...]  # indexes into the scored sentences, best first
    evidence_scores: tuple[float, ...]  # each sentence's own weighted coverage
    covered: frozenset[str]  # claim keys the evidence has
    mismatches: tuple[NumberMismatch, ...]
    negation_mismatch: bool
    index: SourceIndex

    def value(self, name: str) -> float:
        return self.values[FEATURE_NAMES.index(name)]


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


def _greedy_cover(
    candidates: list[int], overlaps: list[frozenset[str]], weights: dict[str, float]
) -> list[int]:
    """Up to MAX_EVIDENCE sentences, each adding the most claim weight not yet covered."""
    chosen: list[int] = []
    covered: set[str] = set()
    for _ in range(MAX_EVIDENCE):
        gain, pick = 0.0, -1
        for i in candidates:
            if i in chosen:
                continue
            added = sum(weights[k] for k in overlaps[i] - covered)
            if added > gain + 1e-9:
                gain, pick = added, i
        if pick < 0:
            break
        chosen.append(pick)
        covered |= overlaps[pick]
    return chosen


def _mismatches(terms: tuple[Term, ...], evidence_text: str) -> tuple[NumberMismatch, ...]:
    """Numbers and years the claim gives that the evidence gives differently."""
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


def _date_keys(date: str | None) -> frozenset[str]:
    """The year and month name of the page's own date, as term keys."""
    match = re.match(r"(\d{4})(?:-(\d{2}))?", date or "")
    if not match:
        return frozenset()
    year, month = match.groups()
    words = [year] + ([MONTH_NAMES[int(month) - 1]] if month and 1 <= int(month) <= 12 else [])
    return sentence_keys(" ".join(words))


def explain(claim_text: str, source: SourceText) -> Explained | None:
    """Features of the claim against the source; None when the claim has no content term
    or the source no sentence."""
    terms = tuple(claim_terms(claim_text))
    if not terms or not source.sentences:
        return None
    weights = {term.key: term.weight for term in terms}
    total = sum(weights.values())
    claim_keys = frozenset(weights)
    index = index_source(source.sentences)
    overlaps = [keys & claim_keys for keys in index.keys]

    window_score, first, last = _best_window(overlaps, weights, total)
    passages = retrieve(index, list(weights))
    candidates: list[int] = list(range(first, last + 1)) if first >= 0 else []
    for passage in passages:
        candidates.extend(range(passage.first, passage.last + 1))
    evidence = _greedy_cover(list(dict.fromkeys(candidates)), overlaps, weights)
    covered = frozenset().union(*(overlaps[i] for i in evidence)) if evidence else frozenset()
    # "on Tuesday" in a page dated 2019-03-14 gives the claim's "March 2019".
    covered |= claim_keys & _date_keys(source.date) if evidence else frozenset()

    def share(keys: frozenset[str]) -> float:
        return sum(weights[k] for k in keys) / total

    def missing(*kinds: TermKind) -> float:
        return float(sum(1 for t in terms if t.kind in kinds and t.key not in covered))

    evidence_text = " ".join(index.sentences[i] for i in evidence)
    mismatches = _mismatches(terms, evidence_text) if evidence else ()
    negation_mismatch = bool(evidence) and is_negated(claim_text) != is_negated(evidence_text)
    values = (
        max(0.0, window_score),
        share(covered),
        share(claim_keys & index.all_keys),
        missing(TermKind.NAME),
        missing(TermKind.NUMBER, TermKind.YEAR),
        missing(TermKind.WORD),
        math.log(len(terms)),
        (passages[0].bm25 / len(weights)) if passages else 0.0,
        1.0 if mismatches else 0.0,
        1.0 if negation_mismatch else 0.0,
    )
    return Explained(
        terms=terms,
        values=values,
        evidence=tuple(evidence),
        evidence_scores=tuple(share(overlaps[i]) for i in evidence),
        covered=covered,
        mismatches=mismatches,
        negation_mismatch=negation_mismatch,
        index=index,
    )
