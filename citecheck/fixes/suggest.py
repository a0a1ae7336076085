"""A dead link and its capture -> the exact fix for the document's kind."""

from __future__ import annotations

from citecheck.fixes.model import (
    DEAD_URL_STATUSES,
    MARK_DEAD_ONLY,
    REPLACE_URL,
    WIKITEXT_PARAMS,
    Fix,
)
from citecheck.models import ArchiveStatus, Capture, LinkStatus, Reference

# Kinds whose fix replaces the URL in place; wikitext gets parameters instead.
URL_REPLACING_KINDS = frozenset({"markdown", "html", "plaintext"})


def iso_date(timestamp: str) -> str:
    """20210412093000 -> 2021-04-12."""
    return f"{timestamp[0:4]}-{timestamp[4:6]}-{timestamp[6:8]}"


def suggest_fix(
    reference: Reference,
    link_status: LinkStatus,
    capture: Capture | None,
    document_kind: str,
) -> Fix | None:
    """The fix for a dead link with a usable capture; None when there is nothing to fix.

    A wikitext citation that already carries an archive-url only gets `url-status=dead`
    (its archive link is validated separately, never silently replaced).
    """
    if not link_status.is_dead() or not reference.url:
        return None
    if reference.archive_url:
        # Only a {{cite …}} (reference.kind set) has a url-status to set.
        status = (reference.url_status or "").lower()
        if document_kind != "wikitext" or not reference.kind or status in DEAD_URL_STATUSES:
            return None
        return Fix(
            reference_id=reference.id,
            kind=WIKITEXT_PARAMS,
            original_url=reference.url,
            archive_url=reference.archive_url,
            archive_date=reference.archive_date or "",
            text=MARK_DEAD_ONLY,
        )
    if capture is None or capture.status is not ArchiveStatus.FOUND:
        return None
    if not capture.url or not capture.timestamp:
        return None
    archive_date = iso_date(capture.timestamp)
    if document_kind == "wikitext":
        text = f"|archive-url={capture.url} |archive-date={archive_date} |url-status=dead"
        kind = WIKITEXT_PARAMS
    elif document_kind in URL_REPLACING_KINDS:
        text, kind = capture.url, REPLACE_URL
    else:
        return None
    return Fix(
        reference_id=reference.id,
        kind=kind,
        original_url=reference.url,
        archive_url=capture.url,
        archive_date=archive_date,
        text=text,
    )
