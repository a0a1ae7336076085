"""`--format json`: {"schema": "citecheck/1", "links": [...], "summary": {...}}.

The text is exactly `json.dumps(document, indent=2, ensure_ascii=False) + "\n"`, but
not made by json: with an indent json falls back to its pure-Python encoder, and
building then walking a dict per link cost more than the rest of a 5,000-link report
together. The links go out a batch at a time through msgspec (encoded as Structs,
then indented by `msgspec.json.format`: ~1.5 us a link against ~4 us for the
template below); a batch holding a number msgspec spells otherwise than json (1e-05,
1e+16, NaN) or a text it refuses is written link by link from a fixed template.
"""

from __future__ import annotations

import io
import itertools
import json
from typing import Any, TextIO

import msgspec

from citecheck import SCHEMA
from citecheck.links.formats.report import LinksReport
from citecheck.links.model import LinkResult
from citecheck.models import Redirect

_encode_string = json.encoder.encode_basestring  # the C encoder, as json.dumps uses it

# One link object at the indent it has in the document (level 2: inside "links": [...]).
_LINK_TEMPLATE = (
    "{\n"
    '      "url": %s,\n'
    '      "status": %s,\n'
    '      "http_status": %s,\n'
    '      "final_url": %s,\n'
    '      "redirects": %s,\n'
    '      "origin": {\n'
    '        "path": %s,\n'
    '        "line": %s,\n'
    '        "column": %s\n'
    "      },\n"
    '      "from_cache": %s,\n'
    '      "error": %s,\n'
    '      "elapsed_ms": %s\n'
    "    }"
)
_REDIRECT_TEMPLATE = '{\n          "url": %s,\n          "http_status": %s\n        }'
_REDIRECTS_OPEN, _REDIRECTS_SEPARATOR, _REDIRECTS_CLOSE = "[\n        ", ",\n        ", "\n      ]"


def link_json(report: LinksReport, result: LinkResult) -> dict[str, Any]:
    """One link's object as a dict: the contract `write_json` spells from its template."""
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


class _Origin(msgspec.Struct, gc=False):
    path: str
    line: int | None
    column: int | None


class _Link(msgspec.Struct, gc=False):
    """One link object, its keys in the contract's order (see link_json)."""

    url: str
    status: str
    http_status: int | None
    final_url: str | None
    redirects: tuple[Redirect, ...]
    origin: _Origin
    from_cache: bool
    error: str | None
    elapsed_ms: float | None


_BATCH = 1_000  # links encoded at once: bounded memory, few calls
_encoder = msgspec.json.Encoder()


def write_json(report: LinksReport, out: TextIO) -> None:
    """The whole document, written a batch of links at a time in one pass over the
    results, so no list of 50,000 link objects (or one string of them) is ever held."""
    out.write('{\n  "schema": ' + _encode_string(SCHEMA) + ',\n  "links": ')
    results = iter(report.results)
    first = True
    while batch := list(itertools.islice(results, _BATCH)):
        out.write(("[\n    " if first else ",\n    ") + _batch_text(report, batch))
        first = False
    out.write("[]" if first else "\n  ]")
    out.write(',\n  "summary": ' + dumps_indented(report.summary(), 1) + "\n}\n")


def _batch_text(report: LinksReport, batch: list[LinkResult]) -> str:
    """The batch's link objects at their indent in the document, comma-separated."""
    items = []
    for result in batch:
        elapsed = result.elapsed_ms
        if elapsed is not None and not _same_spelling(elapsed):
            return _template_text(report, batch)
        link = result.link
        origin = link.origin
        path = report.display_path(origin.path)  # kept per path (display_path's cache)
        items.append(_Link(
            link.url, result.status.value, result.http_status, result.final_url,
            result.redirects, _Origin(path, origin.line, origin.column), result.from_cache,
            result.error, elapsed,
        ))
    try:
        encoded = msgspec.json.format(_encoder.encode(items), indent=2)
    except (msgspec.EncodeError, UnicodeEncodeError, ValueError, TypeError, OverflowError):
        return _template_text(report, batch)  # e.g. a lone surrogate in a text
    # "[\n  {...},\n  {...}\n]" at level 0 -> the objects at level 2 (the document
    # holds no raw newline inside a string: json escapes them)
    return encoded[4:-2].decode().replace("\n", "\n  ")


def _same_spelling(value: float) -> bool:
    """Whether msgspec writes the number as json does (float repr): ints, and floats
    from 1e-4 up to 1e16 (outside, repr goes to exponents msgspec spells otherwise)."""
    kind = type(value)
    if kind is int:
        return True
    return kind is float and (value == 0.0 or 1e-4 <= abs(value) < 1e16)


def _template_text(report: LinksReport, batch: list[LinkResult]) -> str:
    """The batch's link objects from the fixed template, for what msgspec cannot spell
    as json does."""
    parts = []
    for result in batch:
        link = result.link
        origin = link.origin
        final_url, error = result.final_url, result.error
        parts.append(_LINK_TEMPLATE % (
            _encode_string(link.url),
            _encode_string(result.status.value),
            _number(result.http_status),
            "null" if final_url is None else _encode_string(final_url),
            _redirects(result.redirects) if result.redirects else "[]",
            _encode_string(report.display_path(origin.path)),
            _number(origin.line),
            _number(origin.column),
            _boolean(result.from_cache),
            "null" if error is None else _encode_string(error),
            _number(result.elapsed_ms),
        ))
    return ",\n    ".join(parts)


def _redirects(redirects: tuple[Redirect, ...]) -> str:
    items = [
        _REDIRECT_TEMPLATE % (_encode_string(redirect.url), _number(redirect.http_status))
        for redirect in redirects
    ]
    return _REDIRECTS_OPEN + _REDIRECTS_SEPARATOR.join(items) + _REDIRECTS_CLOSE


def _boolean(value: bool) -> str:
    if value is True:
        return "true"
    return "false" if value is False else json.dumps(value)


def _number(value: float | None) -> str:
    """A number, or None, as json spells it (`float.__repr__`; NaN and Infinity)."""
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is float and value - value == 0.0:  # finite: repr is json's spelling
        return float.__repr__(value)
    return json.dumps(value)  # NaN, Infinity, bools, int or float subclasses


def dumps_indented(value: Any, level: int = 0) -> str:
    """Exactly `json.dumps(value, indent=2, ensure_ascii=False)` of any value, at
    `level` (the summary, SARIF; the links have their template)."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if value is None or kind is int or kind is float or kind is bool:
        return _boolean(value) if kind is bool else _number(value)
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
    if isinstance(value, str):
        return _encode_string(value)  # a str subclass (an enum): its text, as json does
    return json.dumps(value)  # int and float subclasses: as json writes them


def _key(key: object) -> str:
    if isinstance(key, str):
        return key
    return json.dumps(key).strip('"')  # json turns int, float, bool and None keys into text
