"""The command line: parse options, show progress, map errors to exit codes.

Exit codes: 0 nothing failed, 1 a problem was found (a dead link with no archive,
a claim not supported), 2 bad usage, a bad config file or unreadable input.
Each command lives in its own module; this one only assembles the group.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from citecheck import __version__
from citecheck.cli.check import check, verify
from citecheck.cli.config import load_config_defaults
from citecheck.cli.report import report
from citecheck.cli.score import score
from citecheck.errors import CitecheckError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citecheck")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file (default: citecheck.toml, else [tool.citecheck] in pyproject.toml).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Check that what a document cites still exists and still says what it claims."""
    assert isinstance(ctx.command, click.Group)
    ctx.default_map = load_config_defaults(ctx.command, config_path)


for command in (check, verify, score, report):
    cli.add_command(command)

# Commands under construction register themselves once their module exists: the
# module `citecheck.cli.NAME` must define a click command called NAME.
for name in ("links", "archive", "serve"):
    if importlib.util.find_spec(f"citecheck.cli.{name}") is not None:
        cli.add_command(getattr(importlib.import_module(f"citecheck.cli.{name}"), name))


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
