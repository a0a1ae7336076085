"""CSV of references, links and claims: three files, one row per item, for spreadsheets.

A cell that a spreadsheet would read as a formula (starting with =, +, -, @, a tab
or a carriage return) gets a leading apostrophe: document text must not run as a
formula in the reader's spreadsheet (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from citecheck.reports.view import (
    CheckView,
    ReportView,
    as_view,
    fixes,
    format_score,
    other_checks,
)
from citecheck.schema import ReportJSON

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

REFERENCE_COLUMNS = (
    "document", "id", "marker", "title", "url", "domain", "authors", "date", "work",
    "publisher", "access_date", "link_status", "archive_url", "checks", "fix",
)
LINK_COLUMNS = (
    "document", "reference_id", "url", "domain", "status", "http_status", "final_url",
    "from_cache", "error", "archive_status", "archive_url", "archive_date", "dead_without_archive",
)
CLAIM_COLUMNS = (
    "document", "claim_id", "text", "markers", "line", "reference_id", "verdict", "score",
    "evidence", "missing", "checks",
)


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow(columns)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def _checks(checks: Iterable[CheckView]) -> str:
    return "; ".join(f"{c.name}: {c.message}" for c in checks)


def references_csv(view: ReportView) -> str:
    return _table(
        REFERENCE_COLUMNS,
        (
            (r.document, r.id, r.marker, r.title, r.url, r.domain, "; ".join(r.authors), r.date,
             r.work, r.publisher, r.access_date, r.link.status, r.archive_href,
             _checks(other_checks(r.checks)), "\n".join(c.message for c in fixes(r.checks)))
            for r in view.references
        ),
    )


def links_csv(view: ReportView) -> str:
    return _table(
        LINK_COLUMNS,
        (
            (r.document, r.id, r.url, r.domain, r.link.status, r.link.http_status,
             r.link.final_url, r.link.from_cache, r.link.error, r.archive_status, r.archive_href,
             r.archive_date, r.is_dead_without_archive)
            for r in view.references
            if r.url
        ),
    )


def claims_csv(view: ReportView) -> str:
    rows: list[Sequence[object]] = []
    for claim in view.claims:
        base = (claim.document, claim.id, claim.text, " ".join(claim.markers), claim.line)
        if not claim.verdicts:
            rows.append((*base, None, "pending", None, None, None, None))
        for v in claim.verdicts:
            best = v.best_evidence
            rows.append(
                (*base, v.reference_id or v.source_url, v.verdict, format_score(v.score),
                 best.text if best else None, "; ".join(v.missing), _checks(v.checks))
            )
    return _table(CLAIM_COLUMNS, rows)


def render_csv_files(report: ReportJSON | ReportView) -> dict[str, str]:
    """{"references": csv, "links": csv, "claims": csv}."""
    view = as_view(report)
    return {
        "references": references_csv(view),
        "links": links_csv(view),
        "claims": claims_csv(view),
    }
