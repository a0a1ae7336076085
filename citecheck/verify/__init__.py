"""(claim, source text) -> Verdict: lexical matching plus cheap citation checks.

    terms.py    content terms of claims and sentences
    scoring.py  passage coverage, labels, evidence, number mismatches
    checks.py   anachronism, subject_absent, quote_not_found
"""

from __future__ import annotations

from citecheck.models import (
    Check,
    Claim,
    Evidence,
    Level,
    Reference,
    SourceText,
    Verdict,
    VerdictLabel,
)
from citecheck.verify.checks import anachronism, quote_not_found, subject_absent
from citecheck.verify.scoring import match_claim

__all__ = ["judge", "score_pair"]


def score_pair(
    claim_text: str, source: SourceText
) -> tuple[VerdictLabel, float, list[Evidence], list[str]]:
    """Label, score in [0, 1], best evidence sentences and missing claim terms."""
    match = match_claim(claim_text, source)
    return match.label, match.score, list(match.evidence), list(match.missing)


def judge(
    claim: Claim,
    source: SourceText | None,
    *,
    reference: Reference | None = None,
    subject: str | None = None,
) -> Verdict:
    """A verdict on whether `source` supports `claim`, with the citation checks."""
    claim_text = claim.text or claim.context
    checks: list[Check] = []
    found = anachronism(claim_text, reference.date if reference else None, source)
    if found:
        checks.append(found)
    reference_id = reference.id if reference else None
    source_url = (source.url if source else None) or (reference.url if reference else None)
    if source is None or not source.sentences:
        why = (
            Check("no_source", Level.INFO, "no source text could be had")
            if source is None
            else Check("empty_source", Level.WARNING, "the source has no readable text")
        )
        return Verdict(
            claim_id=claim.id,
            reference_id=reference_id,
            verdict=VerdictLabel.UNVERIFIABLE,
            score=0.0,
            checks=(why, *checks),
            source_url=source_url,
        )

    match = match_claim(claim_text, source)
    for mismatch in match.mismatches:
        checks.append(Check(
            "number_mismatch", Level.WARNING,
            f"the claim gives {mismatch.claimed}; the evidence gives "
            f"{', '.join(mismatch.found)}",
        ))
    for check in (
        subject_absent(subject, source),
        quote_not_found(reference.quote if reference else None, source),
    ):
        if check:
            checks.append(check)
    label = match.label
    if label is VerdictLabel.SUPPORTED and found is not None and found.level is Level.WARNING:
        label = VerdictLabel.PARTIALLY_SUPPORTED  # a source cannot support a later event
    return Verdict(
        claim_id=claim.id,
        reference_id=reference_id,
        source_url=source_url,
        verdict=label,
        score=match.score,
        evidence=match.evidence,
        checks=tuple(checks),
        missing=match.missing,
    )
