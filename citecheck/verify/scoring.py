"""Claim support: features (features.py) weighed by the learned model (model.py).

The score is the model's probability that the source supports the whole claim. The
label follows from two thresholds trained with the weights; a number or year the
evidence gives differently keeps a claim from "supported" whatever the score, because
a contradiction must be shown as one. Claims that cannot be judged (no content words,
one word, another language than the source's) and sources too long to read are
`unverifiable`, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from citecheck.models import Check, Evidence, Level, SourceText, VerdictLabel
from citecheck.verify.features import NumberMismatch, explain
from citecheck.verify.language import guess_language, other_language
from citecheck.verify.model import load_model
from citecheck.verify.retrieval import MAX_SCORED_SENTENCES
from citecheck.verify.terms import claim_terms

__all__ = ["MAX_SCORED_SENTENCES", "Match", "NumberMismatch", "match_claim"]

MIN_CLAIM_TERMS = 2  # one content word ("Founded.") asserts nothing checkable
PARTIAL_COVERAGE = 0.3  # a passage with this share of the claim's terms supports part of it


@dataclass(frozen=True)
class Match:
    label: VerdictLabel
    score: float
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()
    mismatches: tuple[NumberMismatch, ...] = ()
    negation_mismatch: bool = False
    reason: Check | None = None  # why the label is `unverifiable`


def _unverifiable(name: str, message: str) -> Match:
    return Match(VerdictLabel.UNVERIFIABLE, 0.0, reason=Check(name, Level.WARNING, message))


def _source_language(source: SourceText) -> str | None:
    return source.language or guess_language(" ".join(source.sentences[:40]))


def claim_problem(claim_text: str, source: SourceText) -> tuple[str, str] | None:
    """(check name, message) saying why this claim cannot be judged here, or None."""
    terms = claim_terms(claim_text)
    if not terms:
        return "claim_too_short", "the claim has no content words"
    if len(terms) < MIN_CLAIM_TERMS:
        return "claim_too_short", f"the claim is one word ({terms[0].surface!r}): too little"
    language = other_language(claim_text, _source_language(source))
    if language:
        return "other_language", f"the claim is in another language ({language}) than the source"
    return None


def match_claim(claim_text: str, source: SourceText) -> Match:
    """Score a claim against a source and pick its evidence."""
    if not source.sentences:
        problem = getattr(source, "problem", None) or "the source has no readable text"
        return _unverifiable("empty_source", problem)
    problem = claim_problem(claim_text, source)
    if problem:
        return _unverifiable(*problem)
    explained = explain(claim_text, source)
    if explained is None:  # claim_problem caught both causes; kept for the type checker
        return _unverifiable("claim_too_short", "the claim has no content words")
    model = load_model()
    score = model.probability(explained.values)
    if score >= model.supported_at:
        label = VerdictLabel.SUPPORTED
    elif score >= model.partial_at or explained.value("window_coverage") >= PARTIAL_COVERAGE:
        label = VerdictLabel.PARTIALLY_SUPPORTED
    else:
        label = VerdictLabel.NOT_SUPPORTED
    if label is VerdictLabel.SUPPORTED and explained.mismatches:
        label = VerdictLabel.PARTIALLY_SUPPORTED  # a different number is not support
    if explained.index.truncated and label is not VerdictLabel.SUPPORTED:
        return _unverifiable(
            "source_too_long",
            f"the source is too long ({len(source.sentences):,} sentences); its first "
            f"{MAX_SCORED_SENTENCES:,} do not support the claim"
        )
    evidence = tuple(
        Evidence(explained.index.sentences[i], round(share, 3))
        for i, share in zip(explained.evidence, explained.evidence_scores, strict=True)
    )
    return Match(
        label=label,
        score=round(score, 3),
        evidence=evidence,
        missing=tuple(t.surface for t in explained.terms if t.key not in explained.covered),
        mismatches=explained.mismatches,
        negation_mismatch=explained.negation_mismatch,
    )
