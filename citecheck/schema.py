"""The shape of the JSON report ("citecheck/1"), the contract between the store,
which builds it from the database, and the report renderers, which only read it.

Key names here are fixed by the public JSON contract; extra keys are allowed.
Dates are ISO 8601 strings at the precision given ("2019", "2019-08", "2019-08-17").
"""

from __future__ import annotations

from typing import Any, TypedDict

from citecheck import SCHEMA as SCHEMA  # the id, defined where it costs nothing to import


class LinkJSON(TypedDict, total=False):
    status: str | None  # a LinkStatus value; None while pending (run killed half-way)
    url: str
    content_type: str | None
    via: str
    truncated: bool
    http_status: int | None
    final_url: str | None
    from_cache: bool
    error: str | None
    redirects: list[dict[str, Any]]  # [{"url", "http_status"}]
    elapsed_ms: float | None
    fetched_at: str | None


class ArchiveJSON(TypedDict, total=False):
    url: str | None
    timestamp: str | None
    status: str  # an ArchiveStatus value
    error: str | None
    http_status: int | None
    archive: str


class CheckJSON(TypedDict):
    name: str
    level: str  # info, warning, error
    message: str


class ReferenceJSON(TypedDict, total=False):
    id: str
    marker: str
    url: str | None
    title: str | None
    authors: list[str]
    date: str | None
    work: str | None
    publisher: str | None
    access_date: str | None
    archive_url: str | None
    link: LinkJSON
    archive: ArchiveJSON | None
    checks: list[CheckJSON]
    # extras
    archive_date: str | None
    url_status: str | None
    quote: str | None
    kind: str | None
    line: int | None
    raw: str
    pending: bool  # no result yet in this run
    identifiers: list[list[str]]
    extra: list[list[str]]


class EvidenceJSON(TypedDict):
    text: str
    score: float


class VerdictJSON(TypedDict, total=False):
    reference: str | None  # a ReferenceJSON id
    verdict: str  # a VerdictLabel value
    score: float
    evidence: list[EvidenceJSON]
    checks: list[CheckJSON]
    # extras
    source_url: str | None
    missing: list[str]


class ClaimJSON(TypedDict, total=False):
    id: str
    text: str
    markers: list[str]
    verdicts: list[VerdictJSON]
    context: str
    line: int | None


class DocumentJSON(TypedDict, total=False):
    source: str
    title: str | None
    references: list[ReferenceJSON]
    claims: list[ClaimJSON]
    kind: str
    subject: str | None
    problems: list[str]


class RunJSON(TypedDict, total=False):
    id: int
    command: str
    started_at: str
    finished_at: str | None
    status: str  # running, complete, interrupted
    options: dict[str, Any]


class SummaryJSON(TypedDict, total=False):
    references: int
    links: dict[str, int]  # LinkStatus value -> count
    claims: int
    verdicts: dict[str, int]  # VerdictLabel value -> count
    dead_without_archive: int
    not_supported: int
    problems: int  # what makes `check` exit 1
    pending: int


class ReportJSON(TypedDict, total=False):
    schema: str
    documents: list[DocumentJSON]
    run: RunJSON
    summary: SummaryJSON
