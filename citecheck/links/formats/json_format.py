"""`--format json`: {"schema": "citecheck/1", "links": [...], "summary": {...}}."""

from __future__ import annotations

import json
from typing import Any

from citecheck.links.formats.report import LinksReport
from citecheck.links.model import LinkResult
from citecheck.schema import SCHEMA


def link_json(report: LinksReport, result: LinkResult) -> dict[str, Any]:
    origin = result.link.origin
    return {
        "url": result.link.url,
        "status": result.status.value,
        "http_status": result.http_status,
        "final_url": result.final_url,
        "redirects": [
            {"url": redirect.url, "http_status": redirect.http_status}
            for redirect in result.redirects
        ],
        "origin": {
            "path": report.display_path(origin.path),
            "line": origin.line,
            "column": origin.column,
        },
        "from_cache": result.from_cache,
        "error": result.error,
        "elapsed_ms": result.elapsed_ms,
    }


def render_json(report: LinksReport) -> str:
    document = {
        "schema": SCHEMA,
        "links": [link_json(report, result) for result in report.results],
        "summary": report.summary(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
