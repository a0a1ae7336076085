"""Turning citecheck's models into table rows and back. No I/O here."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from citecheck.models import (
    ArchiveStatus,
    Capture,
    Check,
    Claim,
    Fetch,
    LinkStatus,
    Redirect,
    Reference,
    ReferenceResult,
    Verdict,
)
from citecheck.store.urls import url_domain

SUCCESS_STATUSES: tuple[str, ...] = tuple(s.value for s in LinkStatus if s.is_success())


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_epoch(timestamp: str | None) -> float:
    """Seconds since the epoch for an ISO 8601 string; now when absent or unreadable.

    Fetchers may write "Z" or "+00:00", with or without fractions: comparing the
    strings themselves would be wrong, so freshness is decided on this number.
    """
    if timestamp:
        try:
            parsed = datetime.fromisoformat(timestamp)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None:  # a naive time is taken as UTC, as Fetch documents
                parsed = parsed.replace(tzinfo=UTC)
            return parsed.timestamp()
    return datetime.now(UTC).timestamp()


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # json.dumps with options makes one a call


def dump_json(value: Any) -> str:
    return _ENCODER.encode(value)


def load_json(text: str | None, default: Any) -> Any:
    if text is None or text == "":
        return default
    return json.loads(text)


def pairs(items: Iterable[tuple[str, str]]) -> list[list[str]]:
    return [[name, value] for name, value in items]


# bodies


def body_digest(body: bytes) -> str:
    import hashlib  # here: ~3 ms of start-up (OpenSSL's) that a `links` run never needs

    return hashlib.sha256(body).hexdigest()


def compress_body(body: bytes) -> bytes:
    return zlib.compress(body, 6)


def decompress_body(blob: bytes) -> bytes:
    return zlib.decompress(blob)


# checks, redirects


def check_to_json(check: Check) -> dict[str, str]:
    return {"name": check.name, "level": str(check.level), "message": check.message}


def checks_column(checks: Iterable[Check]) -> str:
    return dump_json([check_to_json(check) for check in checks])


def redirects_to_json(redirects: Iterable[Redirect]) -> list[dict[str, Any]]:
    return [{"url": r.url, "http_status": r.http_status} for r in redirects]


def redirects_from_json(text: str | None) -> tuple[Redirect, ...]:
    if not text or text == "[]":
        return ()  # most fetches: no JSON to parse (a warm links run reads thousands)
    return tuple(
        Redirect(url=item["url"], http_status=item["http_status"]) for item in load_json(text, [])
    )


# rows


def reference_row(document_id: int, position: int, ref: Reference) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "position": position,
        "ref_id": ref.id,
        "marker": ref.marker,
        "url": ref.url,
        "domain": url_domain(ref.url),
        "title": ref.title,
        "authors": dump_json(list(ref.authors)),
        "date": ref.date,
        "work": ref.work,
        "publisher": ref.publisher,
        "access_date": ref.access_date,
        "archive_url": ref.archive_url,
        "archive_date": ref.archive_date,
        "url_status": ref.url_status,
        "quote": ref.quote,
        "kind": ref.kind,
        "identifiers": dump_json(pairs(ref.identifiers)),
        "raw": ref.raw,
        "line": ref.line,
        "extra": dump_json(pairs(ref.extra)),
    }


def claim_row(document_id: int, position: int, claim: Claim) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "position": position,
        "claim_id": claim.id,
        "text": claim.text,
        "markers": dump_json(list(claim.markers)),
        "context": claim.context,
        "line": claim.line,
    }


def fetch_row(run_id: int | None, fetch: Fetch, body_sha256: str | None) -> dict[str, Any]:
    fetched_at = fetch.fetched_at or now_iso()
    return {
        "run_id": run_id,
        "url": fetch.url,
        "domain": url_domain(fetch.url),
        "fetched_at": fetched_at,
        "fetched_epoch": to_epoch(fetched_at),
        "status": fetch.status.value,
        "http_status": fetch.http_status,
        "final_url": fetch.final_url,
        "redirects": dump_json(redirects_to_json(fetch.redirects)) if fetch.redirects else "[]",
        "content_type": fetch.content_type,
        "error": fetch.error,
        "elapsed_ms": fetch.elapsed_ms,
        "via": fetch.via,
        "from_cache": int(fetch.from_cache),
        "truncated": int(fetch.truncated),
        "body_sha256": body_sha256,
    }


def fetch_from_row(row: dict[str, Any], body: bytes | None) -> Fetch:
    """A stored fetch, handed back as coming from the cache."""
    return Fetch(
        url=row["url"],
        status=LinkStatus(row["status"]),
        http_status=row["http_status"],
        final_url=row["final_url"],
        redirects=redirects_from_json(row["redirects"]),
        content_type=row["content_type"],
        body=body,
        truncated=bool(row["truncated"]),
        error=row["error"],
        elapsed_ms=row["elapsed_ms"],
        fetched_at=row["fetched_at"],
        from_cache=True,
        via=row["via"] or "live",
    )


def capture_row(capture: Capture, wanted: str | None) -> dict[str, Any]:
    return {
        "original_url": capture.original_url,
        "wanted": wanted or "",
        "status": str(capture.status),
        "url": capture.url,
        "timestamp": capture.timestamp,
        "http_status": capture.http_status,
        "error": capture.error,
        "archive": capture.archive,
        "saved_at": now_iso(),
    }


def capture_from_row(row: dict[str, Any]) -> Capture:
    return Capture(
        original_url=row["original_url"],
        status=ArchiveStatus(row["status"]),
        url=row["url"],
        timestamp=row["timestamp"],
        http_status=row["http_status"],
        error=row["error"],
        archive=row["archive"] or "wayback",
    )


def reference_result_row(run_id: int, document_id: int, result: ReferenceResult) -> dict[str, Any]:
    link, archive = result.link, result.archive
    return {
        "run_id": run_id,
        "document_id": document_id,
        "reference_id": result.reference.id,
        "link_url": link.url if link else None,
        "link_status": str(link.status) if link else None,
        "link_http_status": link.http_status if link else None,
        "link_final_url": link.final_url if link else None,
        "link_redirects": dump_json(redirects_to_json(link.redirects)) if link else None,
        "link_content_type": link.content_type if link else None,
        "link_error": link.error if link else None,
        "link_elapsed_ms": link.elapsed_ms if link else None,
        "link_fetched_at": link.fetched_at if link else None,
        "link_from_cache": int(link.from_cache) if link else None,
        "link_via": link.via if link else None,
        "link_truncated": int(link.truncated) if link else None,
        "archive_status": str(archive.status) if archive else None,
        "archive_original_url": archive.original_url if archive else None,
        "archive_url": archive.url if archive else None,
        "archive_timestamp": archive.timestamp if archive else None,
        "archive_http_status": archive.http_status if archive else None,
        "archive_error": archive.error if archive else None,
        "archive_name": archive.archive if archive else None,
        "checks": checks_column(result.checks),
        "saved_at": now_iso(),
    }


def verdict_row(run_id: int, document_id: int, verdict: Verdict) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "document_id": document_id,
        "claim_id": verdict.claim_id,
        "reference_id": verdict.reference_id,
        "verdict": str(verdict.verdict),
        "score": float(verdict.score),
        "evidence": dump_json([{"text": e.text, "score": e.score} for e in verdict.evidence]),
        "checks": checks_column(verdict.checks),
        "source_url": verdict.source_url,
        "missing": dump_json(list(verdict.missing)),
        "saved_at": now_iso(),
    }
