"""The command line: parse options, show progress, map errors to exit codes.

Exit codes: 0 nothing failed, 1 a problem was found (a dead link with no archive,
a claim not supported), 2 bad usage or unreadable input.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from citecheck import __version__
from citecheck.errors import CitecheckError
from citecheck.fetch import FetchOptions
from citecheck.pipeline import ProgressCallback, RunOptions, RunOutcome, run_check, run_verify
from citecheck.reports import FORMATS, write_reports
from citecheck.schema import ReportJSON

F = TypeVar("F", bound=Callable[..., Any])

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """'1d', '12h', '30m', '45s', '0' -> timedelta; raises click.BadParameter."""
    match = _DURATION.match(text)
    if not match:
        raise click.BadParameter(f"{text!r} is not a duration like 1d, 12h, 30m, 45s or 0")
    return timedelta(seconds=float(match[1]) * _UNIT_SECONDS[match[2]])


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown or not formats:
        known = ", ".join(sorted(FORMATS))
        raise click.BadParameter(f"unknown format {', '.join(unknown) or text!r}; known: {known}")
    return formats


def run_options(func: F) -> F:
    """Options shared by the commands that fetch: check and verify."""
    decorators = [
        click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
                     default=Path("citecheck.db"), show_default=True,
                     help="SQLite database that keeps runs, fetches and verdicts."),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                     default=Path("reports"), show_default=True,
                     help="Folder the reports are written to."),
        click.option("--format", "formats", default="json,md,html", show_default=True,
                     help="Report formats, comma-separated: json, md, html."),
        click.option("--max-age", default="1d", show_default=True,
                     help="Reuse a successful fetch younger than this (0 = always fetch)."),
        click.option("--allow-private", is_flag=True,
                     help="Allow private, loopback and link-local addresses (refused by default)."),
        click.option("--offline", is_flag=True, help="Fetch nothing at all."),
        click.option("--replay", type=click.Path(dir_okay=False, path_type=Path),
                     help="Answer fetches from this WARC file instead of the network."),
        click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write every fetch to this WARC file (.warc.gz)."),
        click.option("--wayback-url", envvar="CITECHECK_WAYBACK_URL",
                     help="Base URL of the Wayback Machine [env CITECHECK_WAYBACK_URL]."),
        click.option("--no-archive", is_flag=True, help="Do not look up archived copies."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=15.0,
                     show_default=True, help="Read timeout per request, in seconds."),
        click.option("--max-bytes", type=click.IntRange(min=1024), default=10 * 2**20,
                     show_default=True, help="Body size cap per page, in bytes."),
        click.option("--max-concurrency", type=click.IntRange(min=1, max=512), default=16,
                     show_default=True, help="Requests in flight at once."),
        click.option("--user-agent", default=FetchOptions().user_agent, show_default=True,
                     help="User-Agent header sent with every request."),
        click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary table."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def build_run_options(params: dict[str, Any]) -> RunOptions:
    if params["replay"] is not None and not Path(params["replay"]).is_file():
        raise click.BadParameter(f"no such file: {params['replay']}", param_hint="--replay")
    fetch = FetchOptions(
        timeout=params["timeout"],
        deadline=max(params["timeout"] * 2, 30.0),
        max_bytes=params["max_bytes"],
        user_agent=params["user_agent"],
        allow_private=params["allow_private"],
        offline=params["offline"],
    )
    return RunOptions(
        db=params["db"],
        max_age=parse_duration(params["max_age"]),
        fetch=fetch,
        replay=params["replay"],
        record=params["record"],
        wayback_url=params["wayback_url"],
        archive=not params["no_archive"],
        workers=params["max_concurrency"],
    )


@contextmanager
def progress_bar(quiet: bool) -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr, only for a terminal and without --quiet."""
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield lambda stage, done, total: None
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
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=140)


def print_document(document: dict[str, Any], console: Console) -> None:
    """The references of one document with their metadata and link status, then its claims."""
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
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for failure in outcome.input_failures:
        err.print(f"citecheck: error: {failure.source}: {failure.message}", markup=False)
    paths = write_reports(outcome.report, formats, out, stem=f"run-{outcome.run_id}")
    if not quiet:
        print_summary(outcome.report, paths, output_console())
    if outcome.input_failures:
        return 2
    return 1 if outcome.problems else 0


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citecheck")
def cli() -> None:
    """Check that what a document cites still exists and still says what it claims."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@run_options
def check(inputs: tuple[str, ...], **params: Any) -> None:
    """Check every reference of INPUTS (files, folders, - for stdin) and judge every claim."""
    formats = parse_formats(params["formats"])
    options = build_run_options(params)
    with progress_bar(params["quiet"]) as progress:
        outcome = run_check(list(inputs), options, progress)
    if not outcome.report.get("documents") and outcome.input_failures:
        for failure in outcome.input_failures:
            click.echo(f"citecheck: error: {failure.source}: {failure.message}", err=True)
        sys.exit(2)
    sys.exit(finish(outcome, formats, params["out"], params["quiet"]))


@cli.command()
@click.argument("article")
@click.option("--source", "sources", multiple=True, required=True,
              help="A source file (text or HTML) or URL to judge the claims against; repeatable.")
@run_options
def verify(article: str, sources: tuple[str, ...], **params: Any) -> None:
    """Judge every claim of ARTICLE against the given sources, cited or not."""
    formats = parse_formats(params["formats"])
    options = build_run_options(params)
    with progress_bar(params["quiet"]) as progress:
        outcome, source_errors = run_verify(article, list(sources), options, progress)
    for error in source_errors:
        click.echo(f"citecheck: error: source {error}", err=True)
    if not outcome.report.get("documents"):
        for failure in outcome.input_failures:
            click.echo(f"citecheck: error: {failure.source}: {failure.message}", err=True)
        sys.exit(2)
    code = finish(outcome, formats, params["out"], params["quiet"])
    sys.exit(2 if source_errors and len(source_errors) == len(sources) else code)


@cli.command()
@click.argument("pairs", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
def score(pairs: Any) -> None:
    """Score JSON lines {"id", "claim", "source"} from PAIRS (or -): one result line each."""
    from citecheck.pipeline import score_lines

    for result in score_lines(pairs):
        click.echo(json.dumps(result, ensure_ascii=False))
        if result.get("error"):
            click.echo(f"citecheck: warning: {result['error']}", err=True)


@cli.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("citecheck.db"), show_default=True, help="The database to read.")
@click.option("--run", "run_id", type=int, help="Run id (default: the latest run).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports"), show_default=True, help="Folder the reports go to.")
@click.option("--format", "formats", default="json,md,html", show_default=True,
              help="Report formats, comma-separated: json, md, html.")
@click.option("--list", "list_runs", is_flag=True, help="List the runs in the database.")
def report(db: Path, run_id: int | None, out: Path, formats: str, list_runs: bool) -> None:
    """Render reports again from the database, without fetching anything."""
    from citecheck.store import Store

    if not db.is_file():
        raise click.BadParameter(f"no such database: {db}", param_hint="--db")
    chosen = parse_formats(formats)
    store = Store(db)
    try:
        if list_runs:
            for run in store.runs():
                click.echo(
                    f"{run.get('id')}\t{run.get('command')}\t{run.get('status')}\t"
                    f"{run.get('started_at')}"
                )
            return
        loaded = store.load_report(run_id)
    finally:
        store.close()
    number = loaded.get("run", {}).get("id", run_id or "latest")
    for path in write_reports(loaded, chosen, out, stem=f"run-{number}"):
        click.echo(f"report: {path}")


def main() -> None:
    """Entry point: user mistakes end as one line on stderr and exit 2, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("citecheck: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except CitecheckError as error:
        click.echo(f"citecheck: error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("citecheck: interrupted; what was checked is kept in the database", err=True)
        sys.exit(130)
