"""The JSON report: the contract dict, pretty-printed with keys in a stable order.

Known keys come in the order the contract lists them, so a diff between two runs
reads top-down like the report; keys this version does not know follow, sorted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from citecheck.reports.view import PreparedReport
from citecheck.schema import SCHEMA, ReportJSON

# For each kind of object: its keys in contract order, and the kind of its children.
_KEY_ORDER: dict[str, tuple[str, ...]] = {
    "report": ("schema", "run", "summary", "documents"),
    "run": ("id", "command", "status", "started_at", "finished_at", "options"),
    "summary": (
        "references",
        "links",
        "pending",
        "claims",
        "verdicts",
        "dead_without_archive",
        "not_supported",
        "problems",
    ),
    "document": ("source", "kind", "title", "subject", "problems", "references", "claims"),
    "reference": (
        "id",
        "marker",
        "url",
        "title",
        "authors",
        "date",
        "work",
        "publisher",
        "access_date",
        "archive_url",
        "archive_date",
        "url_status",
        "quote",
        "kind",
        "identifiers",
        "extra",
        "line",
        "raw",
        "pending",
        "link",
        "archive",
        "checks",
    ),
    "link": (
        "status",
        "http_status",
        "final_url",
        "from_cache",
        "error",
        "redirects",
        "elapsed_ms",
        "fetched_at",
        "url",
        "content_type",
        "via",
        "truncated",
    ),
    "redirect": ("url", "http_status"),
    "archive": ("url", "timestamp", "status", "error", "http_status", "archive"),
    "claim": ("id", "text", "markers", "context", "line", "verdicts"),
    "verdict": ("reference", "verdict", "score", "source_url", "missing", "evidence", "checks"),
    "evidence": ("text", "score"),
    "check": ("name", "level", "message"),
}

_CHILD_KIND: dict[tuple[str, str], str] = {
    ("report", "run"): "run",
    ("report", "summary"): "summary",
    ("report", "documents"): "document",
    ("document", "references"): "reference",
    ("document", "claims"): "claim",
    ("reference", "link"): "link",
    ("reference", "archive"): "archive",
    ("reference", "checks"): "check",
    ("link", "redirects"): "redirect",
    ("claim", "verdicts"): "verdict",
    ("verdict", "evidence"): "evidence",
    ("verdict", "checks"): "check",
}


def _ordered(value: Any, kind: str | None) -> Any:
    if isinstance(value, Mapping):
        order = _KEY_ORDER.get(kind or "", ())
        known = [k for k in order if k in value]
        rest = sorted((k for k in value if k not in order), key=str)
        return {
            k: _ordered(value[k], _CHILD_KIND.get((kind or "", str(k)))) for k in known + rest
        }
    if isinstance(value, list | tuple):
        return [_ordered(item, kind) for item in value]
    return value


def render_json(report: ReportJSON | PreparedReport) -> str:
    """The report as JSON text; `schema` and `summary` are filled in when missing
    (the summary from the prepared report's view, when the caller shares one)."""
    prepared = report if isinstance(report, PreparedReport) else PreparedReport(report)
    full: dict[str, Any] = dict(prepared.report) if isinstance(prepared.report, Mapping) else {}
    full["schema"] = full.get("schema") or SCHEMA
    if not isinstance(full.get("summary"), Mapping):
        full["summary"] = prepared.view.summary
    # default=str: a stray non-JSON value (a Path, a datetime) must not sink the report.
    return json.dumps(_ordered(full, "report"), indent=2, ensure_ascii=False, default=str) + "\n"
