"""`--format json`: {"schema": "citecheck/1", "links": [...], "summary": {...}}."""

from __future__ import annotations

import io
import json
from typing import Any, TextIO

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
    out = io.StringIO()
    write_json(report, out)
    return out.getvalue()


def write_json(report: LinksReport, out: TextIO) -> None:
    """The same text as `dumps_indented` of the whole document, written link by link,
    so no list of 50,000 link objects (or one string of them) is ever held."""
    out.write('{\n  "schema": ' + _encode_string(SCHEMA) + ',\n  "links": ')
    separator = "[\n    "
    for result in report.results:
        out.write(separator + dumps_indented(link_json(report, result), 2))
        separator = ",\n    "
    out.write("[]" if separator.startswith("[") else "\n  ]")
    out.write(',\n  "summary": ' + dumps_indented(report.summary(), 1) + "\n}\n")


_encode_string = json.encoder.encode_basestring  # the C encoder, as json.dumps uses it


def dumps_indented(value: Any, level: int = 0) -> str:
    """Exactly `json.dumps(value, indent=2, ensure_ascii=False)`, several times faster:
    with an indent json falls back to its pure-Python encoder, whose generators cost
    more than the rest of a 5,000-link report together."""
    if isinstance(value, str):
        return _encode_string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + "  " * (level + 1)
        items = [
            f"{_encode_string(_key(key))}: {dumps_indented(item, level + 1)}"
            for key, item in value.items()
        ]
        return "{" + inner + ("," + inner).join(items) + "\n" + "  " * level + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = "\n" + "  " * (level + 1)
        items = [dumps_indented(item, level + 1) for item in value]
        return "[" + inner + ("," + inner).join(items) + "\n" + "  " * level + "]"
    return json.dumps(value)  # numbers, booleans, None: as json writes them


def _key(key: object) -> str:
    if isinstance(key, str):
        return key
    return json.dumps(key).strip('"')  # json turns int, float, bool and None keys into text
