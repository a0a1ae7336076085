"""`citecheck report`: render again from the database, or say what changed between runs."""

from __future__ import annotations

from pathlib import Path

import click

from citecheck.cli.options import parse_formats
from citecheck.errors import CitecheckError
from citecheck.reports import RenderOptions, write_reports
from citecheck.reports.diff import DIFF_FORMATS, render_diff
from citecheck.store import Store

DEFAULT_FORMATS = "json,md,html"


def _parse_since(text: str) -> int | None:
    """"last" -> None (the latest run against the one before it); "N" -> run N."""
    if text == "last":
        return None
    if text.isdigit():
        return int(text)
    raise click.BadParameter(f"{text!r} is neither 'last' nor a run number", param_hint="--since")


def _diff_runs(store: Store, diff: tuple[int, int] | None, since: str | None) -> tuple[int, int]:
    """The (old, new) pair that --diff or --since names."""
    if diff is not None:
        return diff
    assert since is not None
    since_run = _parse_since(since)
    latest = store.latest_run_id()
    if latest is None:
        raise click.UsageError(f"no run in {store.path}")
    if since_run is not None:
        return since_run, latest
    previous = store.previous_run_id(latest)
    if previous is None:
        raise click.UsageError(
            f"no earlier complete run of the same command over the same documents as run {latest}"
        )
    return previous, latest


def _datasette_options(datasette_url: str | None, db: Path) -> tuple[str | None, str]:
    if datasette_url is None:
        return None, db.stem
    if not datasette_url.startswith(("http://", "https://")):
        raise click.BadParameter("must be an http(s) URL", param_hint="--datasette-url")
    return datasette_url.rstrip("/"), db.stem


@click.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("citecheck.db"), show_default=True, help="The database to read.")
@click.option("--run", "run_id", type=int, help="Run id (default: the latest run).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports"), show_default=True, help="Folder the reports go to.")
@click.option("--format", "formats", default=None,
              help="Report formats, comma-separated: json, md, html, csv "
                   f"(default {DEFAULT_FORMATS}); with --diff/--since one of text, json, md "
                   "(default text).")
@click.option("--list", "list_runs", is_flag=True, help="List the runs in the database.")
@click.option("--diff", "diff", type=(int, int), metavar="OLD NEW", default=None,
              help="Print what got worse and what got better from run OLD to run NEW.")
@click.option("--since", metavar="last|N",
              help="Like --diff: 'last' compares the latest run with the run before it "
                   "(same command, same documents); N compares run N with the latest.")
@click.option("--history", "with_history", is_flag=True,
              help="Add a 'link health over runs' chart, from the database, to the HTML report.")
@click.option("--datasette-url", metavar="URL",
              help="Where `citecheck serve` runs (e.g. http://127.0.0.1:8001): the HTML report "
                   "links each claim and reference to its rows there.")
def report(
    db: Path,
    run_id: int | None,
    out: Path,
    formats: str | None,
    list_runs: bool,
    diff: tuple[int, int] | None,
    since: str | None,
    with_history: bool,
    datasette_url: str | None,
) -> None:
    """Render reports again from the database, without fetching anything."""
    if not db.is_file():
        raise click.BadParameter(f"no such database: {db}", param_hint="--db")
    comparing = diff is not None or since is not None
    if comparing and (formats or "text") not in DIFF_FORMATS:
        raise click.BadParameter(
            f"with --diff/--since use one of {', '.join(DIFF_FORMATS)}", param_hint="--format"
        )
    chosen = () if comparing else parse_formats(formats or DEFAULT_FORMATS)
    base_url, database = _datasette_options(datasette_url, db)
    store = Store(db)
    try:
        if list_runs:
            for run in store.runs():
                click.echo(
                    f"{run.get('id')}\t{run.get('command')}\t{run.get('status')}\t"
                    f"{run.get('started_at')}"
                )
            return
        if comparing:
            old, new = _diff_runs(store, diff, since)
            try:
                changes = store.compare_runs(old, new)
            except CitecheckError as error:
                raise click.UsageError(error.message) from None
            click.echo(render_diff(changes, formats or "text"), nl=False)
            return
        loaded = store.load_report(run_id)
        number = loaded.get("run", {}).get("id", run_id or "latest")
        up_to = number if isinstance(number, int) else None
        history = store.run_history(up_to=up_to) if with_history else None
    finally:
        store.close()
    options = RenderOptions(datasette_url=base_url, datasette_database=database, history=history)
    for path in write_reports(loaded, chosen, out, stem=f"run-{number}", options=options):
        click.echo(f"report: {path}")
