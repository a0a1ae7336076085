"""`--format markdown`: a job summary ($GITHUB_STEP_SUMMARY): the verdict, a count
per status, the failures in a table, and the rest folded away in <details>."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from citecheck.links.formats.human import summary_line, verdict_line
from citecheck.links.formats.report import (
    LinksReport,
    archived_copy,
    detail,
    location,
    shown_url,
)
from citecheck.links.model import LinkResult

MAX_FOLDED_ROWS = 1000  # GitHub keeps 1 MiB of job summary per step


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _table(
    report: LinksReport, results: Iterable[LinkResult], count: int, limit: int | None = None
) -> list[str]:
    archives = report.archives is not None  # --suggest: a column for the copies
    lines = [
        "| status | link | where | detail |" + (" archived copy |" if archives else ""),
        "|---|---|---|---|" + ("---|" if archives else ""),
    ]
    shown = results if limit is None else itertools.islice(results, limit)
    for result in shown:
        row = (
            f"| {result.status.value} | {cell(shown_url(result))} "
            f"| `{cell(location(report, result))}` | {cell(detail(result))} |"
        )
        if archives:
            row += f" {_copy_cell(report, result)} |"
        lines.append(row)
    if limit is not None and count > limit:
        lines.append(f"| … | {count - limit} more | | |" + (" |" if archives else ""))
    return lines


def _copy_cell(report: LinksReport, result: LinkResult) -> str:
    """A link to the archived copy, named by its capture date."""
    copy = archived_copy(report, result)
    if copy is None:
        return ""
    url, day = copy
    return f"[{day or 'archived'}](<{cell(url)}>)"


def _folded(title: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{title}</summary>", "", *body, "", "</details>", ""]


def render_markdown(report: LinksReport) -> str:
    mark = "❌" if report.exit_code else "✅"
    lines = [
        "## citecheck links",
        "",
        f"{mark} **{cell(verdict_line(report))}**: {cell(summary_line(report))}",
        "",
        "| status | count |",
        "|---|---:|",
        *(f"| {status} | {count} |" for status, count in report.status_counts().items()),
        "",
    ]
    if report.input_failures:
        lines += ["### Inputs that could not be read", ""]
        lines += [f"- `{cell(f.source)}`: {cell(f.message)}" for f in report.input_failures]
        lines.append("")
    if report.failures:
        title = f"### Failures ({len(report.failures)})"
        lines += [title, "", *_table(report, report.failures, len(report.failures)), ""]
    if report.warnings:
        lines += _folded(
            f"Warnings ({len(report.warnings)})",
            _table(report, report.warnings, len(report.warnings)),
        )
    if report.results:
        lines += _folded(
            f"All links ({len(report.results)})",
            _table(report, report.results, len(report.results), MAX_FOLDED_ROWS),
        )
    return "\n".join(lines)
