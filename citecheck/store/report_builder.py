"""Build the "citecheck/1" report of one run purely from the database.

A reference without a stored result (the run was killed before it was checked)
still appears: with link {"status": "no_url"} when it has no URL, otherwise with
a null link status and "pending": true.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from citecheck.models import LinkStatus
from citecheck.schema import (
    SCHEMA,
    ArchiveJSON,
    ClaimJSON,
    DocumentJSON,
    LinkJSON,
    ReferenceJSON,
    ReportJSON,
    RunJSON,
    VerdictJSON,
)
from citecheck.store.codec import load_json
from citecheck.store.tables import CLAIMS, DOCUMENTS, REFERENCE_RESULTS, REFS, VERDICTS
from citecheck.summary import summarize

if TYPE_CHECKING:
    from sqlite_utils import Database  # imported only where a Store has made one


def run_json(row: dict[str, Any]) -> RunJSON:
    return {
        "id": row["id"],
        "command": row["command"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        "status": row["status"],
        "options": load_json(row["options"], {}),
    }


def build_report(db: Database, run_row: dict[str, Any]) -> ReportJSON:
    run_id = run_row["id"]
    documents = [
        _document_json(db, run_id, doc)
        for doc in db.table(DOCUMENTS).rows_where("run_id = ?", [run_id], order_by="id")
    ]
    return {
        "schema": SCHEMA,
        "run": run_json(run_row),
        "summary": summarize(documents),
        "documents": documents,
    }


def _document_json(db: Database, run_id: int, doc: dict[str, Any]) -> DocumentJSON:
    document_id = doc["id"]
    results = {
        row["reference_id"]: row
        for row in db.table(REFERENCE_RESULTS).rows_where(
            "run_id = ? and document_id = ?", [run_id, document_id]
        )
    }
    verdicts_by_claim: dict[str, list[VerdictJSON]] = {}
    for row in db.table(VERDICTS).rows_where(
        "run_id = ? and document_id = ?", [run_id, document_id], order_by="id"
    ):
        verdicts_by_claim.setdefault(row["claim_id"], []).append(_verdict_json(row))
    references = [
        _reference_json(ref, results.get(ref["ref_id"]))
        for ref in db.table(REFS).rows_where("document_id = ?", [document_id], order_by="position")
    ]
    claims = [
        _claim_json(claim, verdicts_by_claim.get(claim["claim_id"], []))
        for claim in db.table(CLAIMS).rows_where(
            "document_id = ?", [document_id], order_by="position"
        )
    ]
    return {
        "source": doc["source"],
        "title": doc["title"],
        "kind": doc["kind"],
        "subject": doc["subject"],
        "problems": load_json(doc["problems"], []),
        "references": references,
        "claims": claims,
    }


def _reference_json(ref: dict[str, Any], result: dict[str, Any] | None) -> ReferenceJSON:
    out: dict[str, Any] = {
        "id": ref["ref_id"],
        "marker": ref["marker"],
        "url": ref["url"],
        "title": ref["title"],
        "authors": load_json(ref["authors"], []),
        "date": ref["date"],
        "work": ref["work"],
        "publisher": ref["publisher"],
        "access_date": ref["access_date"],
        "archive_url": ref["archive_url"],
        "archive_date": ref["archive_date"],
        "url_status": ref["url_status"],
        "quote": ref["quote"],
        "kind": ref["kind"],
        "identifiers": load_json(ref["identifiers"], []),
        "extra": load_json(ref["extra"], []),
        "line": ref["line"],
        "raw": ref["raw"],
    }
    if result is None:
        if ref["url"]:
            out["link"] = {"status": None}
            out["pending"] = True
        else:
            out["link"] = {"status": str(LinkStatus.NO_URL)}
        out["archive"] = None
        out["checks"] = []
    else:
        out["link"] = _link_json(result, has_url=bool(ref["url"]))
        out["archive"] = _archive_json(result)
        out["checks"] = load_json(result["checks"], [])
    return cast(ReferenceJSON, out)


def _link_json(result: dict[str, Any], has_url: bool) -> LinkJSON:
    if result["link_status"] is None:
        # Checked, but no fetch was made: say no_url when there is none, else leave it null.
        return cast(LinkJSON, {"status": None if has_url else str(LinkStatus.NO_URL)})
    return cast(
        LinkJSON,
        {
            "status": result["link_status"],
            "http_status": result["link_http_status"],
            "final_url": result["link_final_url"],
            "from_cache": bool(result["link_from_cache"]),
            "error": result["link_error"],
            "redirects": load_json(result["link_redirects"], []),
            "elapsed_ms": result["link_elapsed_ms"],
            "fetched_at": result["link_fetched_at"],
            "url": result["link_url"],
            "content_type": result["link_content_type"],
            "via": result["link_via"],
            "truncated": bool(result["link_truncated"]),
        },
    )


def _archive_json(result: dict[str, Any]) -> ArchiveJSON | None:
    if result["archive_status"] is None:
        return None
    return cast(
        ArchiveJSON,
        {
            "url": result["archive_url"],
            "timestamp": result["archive_timestamp"],
            "status": result["archive_status"],
            "error": result["archive_error"],
            "http_status": result["archive_http_status"],
            "archive": result["archive_name"],
        },
    )


def _claim_json(claim: dict[str, Any], verdicts: list[VerdictJSON]) -> ClaimJSON:
    return {
        "id": claim["claim_id"],
        "text": claim["text"],
        "markers": load_json(claim["markers"], []),
        "context": claim["context"],
        "line": claim["line"],
        "verdicts": verdicts,
    }


def _verdict_json(row: dict[str, Any]) -> VerdictJSON:
    return {
        "reference": row["reference_id"],
        "verdict": row["verdict"],
        "score": row["score"],
        "evidence": load_json(row["evidence"], []),
        "checks": load_json(row["checks"], []),
        "source_url": row["source_url"],
        "missing": load_json(row["missing"], []),
    }


