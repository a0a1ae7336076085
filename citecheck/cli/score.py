"""`citecheck score`: the bulk interface for pipelines."""

from __future__ import annotations

import json
from typing import Any

import click

from citecheck.pipeline import score_lines


@click.command()
@click.argument("pairs", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
def score(pairs: Any) -> None:
    """Score JSON lines {"id", "claim", "source"} from PAIRS (or -): one result line each."""
    for result in score_lines(pairs):
        click.echo(json.dumps(result, ensure_ascii=False))
        if result.get("error"):
            click.echo(f"citecheck: warning: {result['error']}", err=True)
