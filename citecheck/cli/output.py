"""What the commands print: a progress bar on stderr, tables and problems on stdout."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

# rich (~30 ms to load) is imported where a bar or a table is really drawn: a CI run
# (no terminal) or --quiet never needs it.
if TYPE_CHECKING:  # the pipeline loads the text and verdict stack: not for `links`
    from rich.console import Console

    from citecheck.pipeline import RunOutcome
    from citecheck.schema import ReportJSON  # TypedDicts: ~2 ms to define, types only

ProgressCallback = Callable[[str, int, int], None]


@contextmanager
def progress_bar(quiet: bool) -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr, only for a terminal and without --quiet."""
    if quiet or not _may_be_terminal():
        yield _no_progress
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        yield _no_progress
        return
    with Progress(
        TextColumn("{task.description:>8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


# What makes rich treat a stream that is not a tty as a terminal anyway.
_TERMINAL_ENVIRONMENT = ("TTY_COMPATIBLE", "FORCE_COLOR")


def _may_be_terminal() -> bool:
    """False only when rich's Console(stderr=True).is_terminal would surely be False:
    stderr is no tty and no variable forces it (then rich need not be loaded)."""
    if any(name in os.environ for name in _TERMINAL_ENVIRONMENT):
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # no stream, or a closed one: rich says False
        return False


MAX_ROWS = 60  # per document and table; the reports hold everything


def _short(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _archive_cell(archive: dict[str, Any]) -> str:
    status = archive.get("status")
    if status == "found":
        return str(archive.get("timestamp") or "found")
    return {"not_found": "none", "unknown": "unknown"}.get(str(status), "")


def output_console() -> Console:
    """stdout; wide enough for the tables when it is a file or a pipe (CI logs)."""
    from rich.console import Console

    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=140)


def print_document(document: dict[str, Any], console: Console) -> None:
    """The references of one document with their metadata and link status, then its claims."""
    from rich.table import Table

    references = document.get("references", [])
    title = f"{document.get('source')}: {len(references)} references"
    table = Table(title=title, title_justify="left")
    for column in ("#", "authors", "date", "title", "work", "accessed", "link", "archive"):
        table.add_column(column, overflow="fold")
    for reference in references[:MAX_ROWS]:
        archive = reference.get("archive") or {}
        table.add_row(
            str(reference.get("marker", "")),
            _short("; ".join(reference.get("authors") or []), 30),
            reference.get("date") or "",
            _short(reference.get("title"), 60),
            _short(reference.get("work") or reference.get("publisher"), 24),
            reference.get("access_date") or "",
            str((reference.get("link") or {}).get("status") or "pending"),
            _archive_cell(archive),
        )
    console.print(table)
    marker_of = {ref.get("id"): str(ref.get("marker", "")) for ref in references}
    claims = document.get("claims", [])
    claim_table = Table(title=f"{len(claims)} claims", title_justify="left")
    for column in ("claim", "source", "verdict", "score"):
        claim_table.add_column(column, overflow="fold")
    shown = 0
    for claim in claims:
        for index, verdict in enumerate(claim.get("verdicts", []) or [{}]):
            if shown >= MAX_ROWS:
                break
            shown += 1
            claim_table.add_row(
                _short(claim.get("text"), 80) if index == 0 else "",
                marker_of.get(verdict.get("reference"), str(verdict.get("reference") or "")),
                str(verdict.get("verdict", "-")),
                f"{verdict.get('score', 0):.2f}" if "score" in verdict else "",
            )
    console.print(claim_table)
    if len(references) > MAX_ROWS or shown >= MAX_ROWS:
        console.print(f"(first {MAX_ROWS} rows shown; the reports have all of them)")


def print_summary(report: ReportJSON, paths: list[Path], console: Console) -> None:
    from rich.table import Table

    for document in report.get("documents", []):
        print_document(dict(document), console)
    summary = report.get("summary", {})
    run_title = f"citecheck run {report.get('run', {}).get('id', '?')}"
    table = Table(title=run_title, title_justify="left")
    table.add_column("what")
    table.add_column("status")
    table.add_column("count", justify="right")
    for status, count in sorted(summary.get("links", {}).items()):
        table.add_row("links", status, str(count))
    for verdict, count in sorted(summary.get("verdicts", {}).items()):
        table.add_row("verdicts", verdict, str(count))
    table.add_row("problems", "dead, no archive", str(summary.get("dead_without_archive", 0)))
    table.add_row("problems", "not supported", str(summary.get("not_supported", 0)))
    console.print(table)
    for document in report.get("documents", []):
        for reference in document.get("references", []):
            for check in reference.get("checks", []):
                if check.get("level") == "error":
                    marker = reference.get("marker", "?")
                    console.print(
                        f"✗ {document.get('source')} [{marker}] "
                        f"{reference.get('url') or ''}: {check.get('message')}",
                        markup=False,
                        highlight=False,
                        soft_wrap=True,
                    )
    for path in paths:
        console.print(f"report: {path}", highlight=False, soft_wrap=True)


def finish(outcome: RunOutcome, formats: tuple[str, ...], out: Path, quiet: bool) -> int:
    from rich.console import Console

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for failure in outcome.input_failures:
        err.print(f"citecheck: error: {failure.source}: {failure.message}", markup=False)
    from citecheck.reports import write_reports  # jinja2 and the renderers: only here
    from citecheck.reports.batch import write_batch_reports

    stem = f"run-{outcome.run_id}"
    paths = write_reports(outcome.report, formats, out, stem=stem)
    batch = write_batch_reports(outcome.report, formats, out, stem)
    if batch:
        paths.append(batch[-1])  # the index; the per-article reports are linked from it
    if not quiet:
        print_summary(outcome.report, paths, output_console())
    if outcome.input_failures:
        return 2
    return 1 if outcome.problems else 0
