"""(claim, source text) -> Verdict: retrieved evidence, learned support, named checks.

    terms.py      content terms of claims and sentences (names, numbers, years, words)
    retrieval.py  BM25 (bm25s) over source sentences and windows of two
    features.py   interpretable features: coverage, what is missing, contradictions
    model.py      the learned weights (weights.json, from benchmarks/train_verdicts.py)
    scoring.py    label, score, evidence, missing; unverifiable with a reason
    language.py   is the claim in its source's language?
    checks.py     anachronism, subject_absent, quote_not_found
    citation.py   reference_checks: title/date/author/work mismatch, wikipedia_mirror,
                  republished_copy
"""

from __future__ import annotations

from collections.abc import Sequence

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
from citecheck.verify.citation import reference_checks
from citecheck.verify.scoring import Match, match_claim

__all__ = ["judge", "judge_union", "reference_checks", "score_pair"]

MAX_UNION_SENTENCES_PER_SOURCE = 5_000  # the union stays within the scorer's bounds


def score_pair(
    claim_text: str, source: SourceText
) -> tuple[VerdictLabel, float, list[Evidence], list[str]]:
    """Label, score in [0, 1], best evidence sentences and missing claim terms."""
    match = match_claim(claim_text, source)
    return match.label, match.score, list(match.evidence), list(match.missing)


def _match_checks(match: Match) -> list[Check]:
    checks: list[Check] = []
    if match.reason is not None:
        checks.append(match.reason)
    for mismatch in match.mismatches:
        what = "dates it to" if len(mismatch.claimed) == 4 else "gives"
        checks.append(Check(
            "number_mismatch", Level.WARNING,
            f"the claim {what} {mismatch.claimed}; the evidence gives "
            f"{', '.join(mismatch.found)} (a contradiction)",
        ))
    if match.negation_mismatch and match.label is not VerdictLabel.NOT_SUPPORTED:
        checks.append(Check("negation_mismatch", Level.INFO,
                            "one of the claim and its evidence is negated and the other is not"))
    return checks


def _verdict(
    claim: Claim,
    source: SourceText | None,
    reference_date: str | None,
    extra: list[Check],
    reference_id: str | None,
    source_url: str | None,
) -> Verdict:
    claim_text = claim.text or claim.context
    dated = anachronism(claim_text, reference_date, source)
    checks = [dated] if dated else []
    if source is None:
        return Verdict(
            claim_id=claim.id, reference_id=reference_id, verdict=VerdictLabel.UNVERIFIABLE,
            score=0.0, checks=(Check("no_source", Level.INFO, "no source text could be had"),
                               *checks, *extra),
            source_url=source_url,
        )
    match = match_claim(claim_text, source)
    label = match.label
    if label is VerdictLabel.SUPPORTED and dated is not None and dated.level is Level.WARNING:
        label = VerdictLabel.PARTIALLY_SUPPORTED  # a source cannot support a later event
    own = _match_checks(match)
    # The reason a verdict is unverifiable comes first: reports show the first check.
    ordered = (*own[:1], *checks, *own[1:]) if match.reason else (*checks, *own)
    return Verdict(
        claim_id=claim.id,
        reference_id=reference_id,
        source_url=source_url,
        verdict=label,
        score=match.score,
        evidence=match.evidence,
        checks=(*ordered, *(extra if source.sentences else ())),
        missing=match.missing,
    )


def judge(
    claim: Claim,
    source: SourceText | None,
    *,
    reference: Reference | None = None,
    subject: str | None = None,
    citation_checks: bool = True,
) -> Verdict:
    """A verdict on whether `source` supports `claim`, with its checks.

    With `citation_checks=False` the per-reference checks (quote_not_found,
    subject_absent) are left to `reference_checks`, which runs once per reference.
    """
    extra: list[Check] = []
    if citation_checks and source is not None and source.sentences:
        for check in (
            subject_absent(subject, source),
            quote_not_found(reference.quote if reference else None, source),
        ):
            if check:
                extra.append(check)
    source_url = (source.url if source else None) or (reference.url if reference else None)
    return _verdict(claim, source, reference.date if reference else None, extra,
                    reference.id if reference else None, source_url)


def _union(sources: Sequence[SourceText]) -> SourceText:
    sentences: list[str] = []
    for source in sources:
        sentences.extend(source.sentences[:MAX_UNION_SENTENCES_PER_SOURCE])
    languages = {source.language for source in sources if source.language}
    return SourceText(
        url=None, text=" ".join(sentences), sentences=tuple(sentences),
        language=languages.pop() if len(languages) == 1 else None,
    )


def _latest_date(references: Sequence[Reference]) -> str | None:
    """The date an event must follow to be after every source (None if one is undated)."""
    dates = [reference.date for reference in references]
    if not dates or any(date is None for date in dates):
        return None
    return max(date for date in dates if date is not None)


def judge_union(
    claim: Claim,
    sources: Sequence[tuple[Reference, SourceText | None]],
    *,
    subject: str | None = None,
) -> Verdict:
    """A claim with several sources, judged against all their sentences together (facts
    spread over two sources can support it jointly). reference_id and source_url are None;
    a `union_of_sources` check names the references."""
    references = [reference for reference, _ in sources]
    readable = [source for _, source in sources if source is not None and source.sentences]
    names = ", ".join(reference.id for reference in references)
    union_note = Check("union_of_sources", Level.INFO,
                       f"judged against {len(readable)} of {len(references)} sources "
                       f"together: {names}")
    source: SourceText | None = _union(readable) if readable else None
    if source is None and any(s is not None for _, s in sources):
        source = SourceText(url=None, text="", sentences=())  # sources, all without text
    verdict = _verdict(claim, source, _latest_date(references), [], None, None)
    absent = subject_absent(subject, source) if subject and source and source.sentences else None
    extra = (absent,) if absent else ()
    return Verdict(
        claim_id=verdict.claim_id, reference_id=None, verdict=verdict.verdict,
        score=verdict.score, evidence=verdict.evidence,
        checks=(*verdict.checks, *extra, union_note), source_url=None, missing=verdict.missing,
    )
