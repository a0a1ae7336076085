"""The run's summary: counts over a report, and what counts as a problem.

One rule for the store (which writes the summary into every report) and the
renderers (which compute it when a report comes without one), so that a list of
problems and its count can never disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, cast

from citecheck.models import ArchiveStatus, LinkStatus, VerdictLabel
from citecheck.schema import DocumentJSON, SummaryJSON


def summarize(documents: list[DocumentJSON]) -> SummaryJSON:
    """Counts over the report; `problems` is what makes `citecheck check` exit 1."""
    links: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    references = claims = pending = dead_without_archive = not_supported = 0
    for doc in documents:
        for ref in doc.get("references", []):
            references += 1
            status = ref.get("link", {}).get("status")
            if status is None:
                pending += bool(ref.get("pending"))
                continue
            links[status] += 1
            archive = ref.get("archive")
            if is_dead_without_archive(status, archive.get("status") if archive else None):
                dead_without_archive += 1
        for claim in doc.get("claims", []):
            claims += 1
            for verdict in claim.get("verdicts", []):
                verdicts[verdict["verdict"]] += 1
            pairs = [
                (v.get("reference"), str(v.get("verdict")))
                for v in claim.get("verdicts", [])
                if isinstance(v, dict)
            ]
            if claim_verdict(pairs) == VerdictLabel.NOT_SUPPORTED.value:
                not_supported += 1
    summary: dict[str, Any] = {
        "references": references,
        "links": dict(sorted(links.items())),
        "pending": pending,
        "claims": claims,
        "verdicts": dict(sorted(verdicts.items())),
        "dead_without_archive": dead_without_archive,
        "not_supported": not_supported,
        "problems": dead_without_archive + not_supported,
    }
    return cast(SummaryJSON, summary)


_RANK = {
    VerdictLabel.SUPPORTED.value: 0,
    VerdictLabel.PARTIALLY_SUPPORTED.value: 1,
    VerdictLabel.NOT_SUPPORTED.value: 2,
    VerdictLabel.UNVERIFIABLE.value: 3,
}


def claim_verdict(verdicts: Iterable[tuple[str | None, str]]) -> str | None:
    """The verdict of a claim as a whole, from its (reference id, verdict) pairs.

    A claim citing several sources is judged against their union too (a verdict with
    no reference); that one decides. Otherwise the best verdict of its sources does:
    one source backing the claim is enough.
    """
    pairs = list(verdicts)
    if not pairs:
        return None
    union = [verdict for reference, verdict in pairs if reference is None]
    if union and len(pairs) > 1:
        return union[0]
    return min((verdict for _, verdict in pairs), key=lambda v: _RANK.get(v, 9))


_DEAD = frozenset(s.value for s in LinkStatus if s.is_dead())


def is_dead_without_archive(link_status: str | None, archive_status: str | None) -> bool:
    """A problem: the link is dead and no archive capture was found to stand in for it.

    A status this version does not know (written by a newer citecheck) is not dead.
    """
    return link_status in _DEAD and archive_status != ArchiveStatus.FOUND
