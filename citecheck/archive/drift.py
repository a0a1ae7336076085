"""Content drift: the cited page changed after it was cited.

Where both the live page and a capture from near the access-date exist, the claim is
judged against each. Supported by the capture and not by the live page: the page lost
what the article relies on (a warning). The reverse: the page says it only now, so the
citation may predate its evidence (information).
"""

from __future__ import annotations

from collections.abc import Callable

from citecheck.models import (
    Check,
    Claim,
    Level,
    Reference,
    SourceText,
    Verdict,
    VerdictLabel,
)

# Drift is a change of label, not a score moving within one: a claim the capture fully
# supports and the live page only partly (a number changed, a sentence went) has drifted.
_RANK = {
    VerdictLabel.SUPPORTED: 0,
    VerdictLabel.PARTIALLY_SUPPORTED: 1,
    VerdictLabel.NOT_SUPPORTED: 2,
    VerdictLabel.UNVERIFIABLE: 3,
}
_BACKED = frozenset({VerdictLabel.SUPPORTED, VerdictLabel.PARTIALLY_SUPPORTED})


def content_drift(
    claim: Claim,
    reference: Reference,
    live: SourceText | None,
    archived: SourceText | None,
    judge: Callable[..., Verdict],
) -> Check | None:
    """A `content_drift` check when the claim is backed by one text and not the other.

    `judge` is `citecheck.verify.judge` (or anything with its signature).
    """
    if live is None or archived is None or not live.text.strip() or not archived.text.strip():
        return None
    # only the verdicts are compared: the per-reference checks would be thrown away
    on_live = judge(claim, live, reference=reference, citation_checks=False).verdict
    on_archived = judge(claim, archived, reference=reference, citation_checks=False).verdict
    when = f" (accessed {reference.access_date})" if reference.access_date else ""
    if on_archived in _BACKED and _RANK[on_archived] < _RANK[on_live]:
        return Check(
            "content_drift",
            Level.WARNING,
            f"the page changed after it was cited{when}: the archived copy supports the "
            f"claim ({on_archived.value}), the live page does not ({on_live.value}); "
            "cite the archived copy",
        )
    if on_live in _BACKED and _RANK[on_live] < _RANK[on_archived]:
        return Check(
            "content_drift",
            Level.INFO,
            f"the page changed after it was cited{when}: the live page supports the claim "
            f"({on_live.value}), the archived copy does not ({on_archived.value})",
        )
    return None
