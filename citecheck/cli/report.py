"""`citecheck report`: render again from the database, without fetching."""

from __future__ import annotations

from pathlib import Path

import click

from citecheck.cli.options import parse_formats
from citecheck.reports import write_reports
from citecheck.store import Store


@click.command()
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
