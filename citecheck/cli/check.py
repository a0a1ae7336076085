"""`citecheck check` and `citecheck verify`."""

from __future__ import annotations

import sys
from typing import Any

import click

from citecheck.cli.options import (
    build_run_options,
    parse_formats,
    run_options,
    source_options,
)
from citecheck.cli.output import finish, progress_bar
from citecheck.pipeline import new_problem_count, run_check, run_verify


@click.command()
@click.argument("inputs", nargs=-1)
@run_options
@source_options
@click.option("--fail-on", type=click.Choice(["any", "new"]), default="any", show_default=True,
              help="Exit 1 on any problem, or only on problems the previous run over the "
                   "same documents did not have (for CI on pull requests).")
def check(inputs: tuple[str, ...], **params: Any) -> None:
    """Check every reference of INPUTS (files, folders, - for stdin) and judge every claim."""
    formats = parse_formats(params["formats"])
    options = build_run_options(params)
    if not inputs and not options.titles:
        raise click.UsageError("give at least one INPUT (a file, folder, URL or -) or --title")
    with progress_bar(params["quiet"]) as progress:
        outcome = run_check(list(inputs), options, progress)
    if not outcome.report.get("documents") and outcome.input_failures:
        for failure in outcome.input_failures:
            click.echo(f"citecheck: error: {failure.source}: {failure.message}", err=True)
        sys.exit(2)
    code = finish(outcome, formats, params["out"], params["quiet"])
    if code == 1 and params["fail_on"] == "new":
        new = new_problem_count(options.db, outcome, "check")
        if not params["quiet"]:
            click.echo(f"{new} new problem(s) since the previous run")
        code = 1 if new else 0
    sys.exit(code)


@click.command()
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
