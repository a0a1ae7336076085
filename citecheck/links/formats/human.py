"""`--format human` (the default): the failing and warning links, then a summary.

Compact like lychee's default: one line per problem with where it was written, so
a terminal or a CI log shows what to fix. Colour only when asked (a terminal).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable, Iterator

from citecheck.links.formats.report import (
    LinksReport,
    archived_note,
    detail,
    location,
    shown_url,
)
from citecheck.links.model import LinkResult

WIDTH = 120  # a file or a CI log: long lines are kept, never folded
BATCH_LINES = 500  # lines per rich print: fewer calls, yet 50,000 lines never in one string


def _line(
    report: LinksReport, result: LinkResult, mark: str, style: str, escape: Callable[[str], str]
) -> str:
    status = result.status.value
    note = archived_note(report, result)
    return (
        f"[{style}]{mark} {status:<11}[/] {escape(location(report, result))}  "
        f"{escape(shown_url(result))}  [dim]{escape(detail(result))}[/]"
        + (f"  [cyan]{escape(note)}[/]" if note else "")
    )


def summary_line(report: LinksReport) -> str:
    """'12 links (9 unique URLs) in 0.4 s: 8 ok, 2 broken, 1 blocked; 3 from cache'."""
    summary = report.summary()
    counts = ", ".join(f"{count} {status}" for status, count in summary["statuses"].items())
    text = f"{summary['total']} links ({summary['unique_urls']} unique URLs)"
    if report.elapsed_ms is not None:
        text += f" in {report.elapsed_ms / 1000:.1f} s"
    if counts:
        text += f": {counts}"
    if summary["from_cache"]:
        text += f"; {summary['from_cache']} from cache"
    return text


def verdict_line(report: LinksReport) -> str:
    failures, warnings = len(report.failures), len(report.warnings)
    parts = []
    if failures:
        parts.append(f"{failures} failed")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    if report.input_failures:
        count = len(report.input_failures)
        parts.append(f"{count} input{'s' if count != 1 else ''} could not be read")
    return ", ".join(parts) if parts else "all links are good"


def render_human(report: LinksReport, *, color: bool = False, quiet: bool = False) -> str:
    if not color:
        return _plain(report, quiet)
    # rich draws the colours; it is imported here, not at the top: most runs write
    # to a file, a pipe or a CI log, in plain text (~20 ms to load, ~30 us per line)
    from rich.console import Console
    from rich.markup import escape

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=WIDTH,
        highlight=False,
        emoji=False,  # ":smile:" in a URL is part of the URL
        soft_wrap=True,
    )
    # The problem lines go to rich in batches: a print call costs more than its line
    for lines in _batches(
        itertools.chain(
            (_line(report, result, "✗", "bold red", escape) for result in report.failures),
            (_line(report, result, "!", "yellow", escape) for result in report.warnings),
        )
    ):
        console.print("\n".join(lines))
    if not quiet:
        for failure in report.input_failures:
            console.print(f"[bold red]✗ unreadable[/]  {escape(failure.source)}: "
                          f"{escape(failure.message)}")
        if report.failures or report.warnings or report.input_failures:
            console.print()
        console.print(escape(summary_line(report)))
        style = "bold red" if report.exit_code else "green"
        console.print(f"[{style}]{escape(verdict_line(report))}[/]")
    return buffer.getvalue()


def _plain(report: LinksReport, quiet: bool) -> str:
    """The same text without colour, written directly: a CI log of 1,000 problem links
    took rich ~150 ms to lay out, and plain text needs no markup or escaping."""
    lines = [
        f"{mark} {result.status.value:<11} {location(report, result)}  "
        f"{shown_url(result)}  {_detail_and_note(report, result)}".rstrip()
        for mark, results in (("✗", report.failures), ("!", report.warnings))
        for result in results
    ]
    if not quiet:
        lines += [f"✗ unreadable  {failure.source}: {failure.message}".rstrip()
                  for failure in report.input_failures]
        if report.failures or report.warnings or report.input_failures:
            lines.append("")
        lines += [summary_line(report), verdict_line(report)]
    return "".join(f"{line}\n" for line in lines)


def _detail_and_note(report: LinksReport, result: LinkResult) -> str:
    note = archived_note(report, result)
    return f"{detail(result)}  {note}" if note else detail(result)


def _batches(lines: Iterable[str]) -> Iterator[list[str]]:
    iterator = iter(lines)
    while batch := list(itertools.islice(iterator, BATCH_LINES)):
        yield batch
