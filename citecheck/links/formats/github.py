"""`--format github`: workflow commands, so GitHub annotates the line of each link.

    ::error file=docs/a.md,line=3,col=5,title=broken link::https://… HTTP 404

Escaping follows @actions/core: in the message %, CR and LF; in properties also
':' and ','.
"""

from __future__ import annotations

from citecheck.links.formats.human import summary_line, verdict_line
from citecheck.links.formats.report import (
    LinksReport,
    archived_note,
    detail,
    is_file_origin,
    shown_url,
)
from citecheck.links.model import LinkResult


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, properties: dict[str, str]) -> str:
    props = ",".join(f"{name}={escape_property(value)}" for name, value in properties.items())
    return f"::{command}{' ' + props if props else ''}::{escape_data(message)}"


def _annotation(report: LinksReport, result: LinkResult, command: str) -> str:
    origin = result.link.origin
    properties: dict[str, str] = {}
    if is_file_origin(origin.path):
        properties["file"] = report.display_path(origin.path)
        if origin.line is not None:
            properties["line"] = str(origin.line)
            if origin.column is not None:
                properties["col"] = str(origin.column)
    properties["title"] = f"{result.status.value.replace('_', ' ')} link"
    message = f"{shown_url(result)} {detail(result)}"
    if not is_file_origin(origin.path):
        message += f" (in {origin.path})"
    note = archived_note(report, result)
    if note:
        message += f"; {note}"
    return workflow_command(command, message, properties)


def render_github(report: LinksReport) -> str:
    lines = [_annotation(report, result, "error") for result in report.failures]
    lines += [_annotation(report, result, "warning") for result in report.warnings]
    lines += [
        workflow_command(
            "error", f"{failure.source}: {failure.message}", {"title": "unreadable input"}
        )
        for failure in report.input_failures
    ]
    lines.append(f"{summary_line(report)}; {verdict_line(report)}")
    return "\n".join(lines) + "\n"
