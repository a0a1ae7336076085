"""`citecheck serve`: browse the database in Datasette (an optional extra)."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import click

from citecheck.serve import build_metadata, datasette_command, require_datasette
from citecheck.store import Store


@click.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("citecheck.db"), show_default=True, help="The database to serve.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 unless others should see it).")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on.")
def serve(db: Path, host: str, port: int) -> None:
    """Browse the database in Datasette, with facets and canned queries."""
    require_datasette()
    if not db.is_file():
        raise click.BadParameter(f"no such database: {db}", param_hint="--db")
    Store(db).close()  # bring the schema (the browsing views) up to date first
    with tempfile.TemporaryDirectory(prefix="citecheck-serve-") as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(json.dumps(build_metadata(db.stem), indent=2), encoding="utf-8")
        click.echo(f"serving {db} at http://{host}:{port}/{db.stem} (Ctrl+C to stop)", err=True)
        child = subprocess.Popen(datasette_command(db, metadata, host, port))
        try:
            code = child.wait()
        except KeyboardInterrupt:
            child.terminate()
            child.wait()
            raise
    if code != 0:
        raise click.ClickException(f"datasette stopped with exit status {code}")
