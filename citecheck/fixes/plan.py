"""A run's report and a document -> the fixes for its dead links.

The report (from the store) says what each reference's link and archive lookup found;
the document (parsed again from its text) gives the References the fixes are made for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citecheck.fixes.model import Fix
from citecheck.fixes.suggest import suggest_fix
from citecheck.models import ArchiveStatus, Capture, Document, LinkStatus, Reference


@dataclass(frozen=True)
class ReferenceOutcome:
    """What the run found for one reference, read back from its report."""

    link: LinkStatus
    capture: Capture | None
    link_error: str | None = None


def capture_from_json(original_url: str, archive: Mapping[str, Any] | None) -> Capture | None:
    if not archive or not archive.get("status"):
        return None
    try:
        status = ArchiveStatus(archive["status"])
    except ValueError:
        return None
    return Capture(
        original_url=original_url,
        status=status,
        url=archive.get("url"),
        timestamp=archive.get("timestamp"),
        http_status=archive.get("http_status"),
        error=archive.get("error"),
        archive=str(archive.get("archive") or "wayback"),
    )


def outcomes_from_report(document: Mapping[str, Any]) -> dict[str, ReferenceOutcome]:
    """Reference id -> its link status and capture, from one document of a JSON report."""
    outcomes: dict[str, ReferenceOutcome] = {}
    for reference in document.get("references", []):
        link = reference.get("link") or {}
        try:
            status = LinkStatus(str(link.get("status")))
        except ValueError:
            continue  # pending: the run stopped before this reference
        outcomes[str(reference.get("id"))] = ReferenceOutcome(
            link=status,
            capture=capture_from_json(str(reference.get("url") or ""), reference.get("archive")),
            link_error=link.get("error")
            or (f"HTTP {link['http_status']}" if link.get("http_status") else None),
        )
    return outcomes


def plan_fixes(
    document: Document, outcomes: Mapping[str, ReferenceOutcome]
) -> list[tuple[Reference, Fix]]:
    """Every reference of `document` that has a fix, in document order."""
    planned: list[tuple[Reference, Fix]] = []
    for reference in document.references:
        outcome = outcomes.get(reference.id)
        if outcome is None:
            continue
        fix = suggest_fix(reference, outcome.link, outcome.capture, document.kind)
        if fix is not None:
            planned.append((reference, fix))
    return planned
