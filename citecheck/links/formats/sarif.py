"""`--format sarif`: SARIF 2.1.0, so code forges annotate the line of each bad link.

One rule per kind of failing status (and one for blocked, a warning). Locations are
relative to the repository root (the working directory), with forward slashes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from citecheck import __version__
from citecheck.links.formats.json_format import dumps_indented
from citecheck.links.formats.report import LinksReport, archived_note, detail, is_file_origin
from citecheck.links.model import LinkResult
from citecheck.models import LinkStatus

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://example.org/citecheck"

# status -> (rule id, rule name, short description, default level)
RULES: dict[LinkStatus, tuple[str, str, str, str]] = {
    LinkStatus.BROKEN: ("link/broken", "BrokenLink", "The link's target answers with an error "
                        "(4xx/5xx) or a redirect loop.", "error"),
    LinkStatus.SOFT_404: ("link/soft-404", "SoftNotFound", "The page answers 200 but says it is "
                          "not found, or redirects to the site root.", "error"),
    LinkStatus.TIMEOUT: ("link/timeout", "LinkTimeout", "The link's server did not answer in "
                         "time.", "error"),
    LinkStatus.UNREACHABLE: ("link/unreachable", "UnreachableLink", "The link's host could not "
                             "be reached (DNS, connection, TLS).", "error"),
    LinkStatus.INVALID: ("link/invalid", "InvalidLink", "The link is not a valid URL.", "error"),
    LinkStatus.BLOCKED: ("link/blocked", "BlockedLink", "The server refused the checker "
                         "(401/403/429/451): inconclusive, not dead.", "warning"),
}
_RULE_ORDER = list(RULES)


def _rule(status: LinkStatus) -> dict[str, Any]:
    rule_id, name, description, level = RULES[status]
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": description},
        "defaultConfiguration": {"level": level},
        "properties": {"status": status.value},
    }


def _location(report: LinksReport, result: LinkResult) -> list[dict[str, Any]]:
    origin = result.link.origin
    if origin.path == "-":
        return []
    artifact: dict[str, Any]
    if is_file_origin(origin.path):
        artifact = {"uri": quote(report.display_path(origin.path)), "uriBaseId": "%SRCROOT%"}
    else:
        artifact = {"uri": origin.path}
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if origin.line is not None:
        region: dict[str, Any] = {"startLine": origin.line}
        if origin.column is not None:
            region["startColumn"] = origin.column
        physical["region"] = region
    return [{"physicalLocation": physical}]


def _result(report: LinksReport, result: LinkResult) -> dict[str, Any]:
    status = result.status
    # a status made failing by --fail-on that has no rule of its own reports as broken
    rule_status = status if status in RULES else LinkStatus.BROKEN
    text = f"{status.value}: {result.link.url} ({detail(result)})"
    properties: dict[str, Any] = {
        "url": result.link.url,
        "status": status.value,
        "httpStatus": result.http_status,
        "finalUrl": result.final_url,
        "fromCache": result.from_cache,
    }
    capture = report.archive_of(result)
    if capture is not None:
        text += f"; {archived_note(report, result)}"
        properties["archiveUrl"] = capture.url
    return {
        "ruleId": RULES[rule_status][0],
        "ruleIndex": _RULE_ORDER.index(rule_status),
        "level": "error" if report.is_failure(result) else "warning",
        "message": {"text": text},
        "locations": _location(report, result),
        "properties": properties,
    }


def _invocation(report: LinksReport) -> dict[str, Any]:
    """Unreadable inputs are the tool's own trouble, not results about a link."""
    return {
        "executionSuccessful": not report.input_failures,
        "toolExecutionNotifications": [
            {"level": "error", "message": {"text": f"{failure.source}: {failure.message}"}}
            for failure in report.input_failures
        ],
    }


def render_sarif(report: LinksReport) -> str:
    shown = [r for r in report.results if report.is_failure(r) or report.is_warning(r)]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "citecheck",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(status) for status in _RULE_ORDER],
                    }
                },
                "invocations": [_invocation(report)],
                "columnKind": "unicodeCodePoints",
                "results": [_result(report, result) for result in shown],
            }
        ],
    }
    # json.dumps with an indent uses json's pure-Python encoder: 4x slower, same text
    return dumps_indented(log) + "\n"
