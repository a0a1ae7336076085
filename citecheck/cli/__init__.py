"""The command line: parse options, show progress, map errors to exit codes.

Exit codes: 0 nothing failed, 1 a problem was found (a dead link with no archive,
a claim not supported), 2 bad usage, a bad config file or unreadable input.
Each command lives in its own module; this one only assembles the group.
"""

from __future__ import annotations

import gc
import importlib
import sys

import click

from citecheck import __version__
from citecheck.cli.config import load_config_defaults
from citecheck.errors import CitecheckError

# name -> "module:attribute". Commands are imported only when run, so `citecheck links`
# does not pay for loading the text-extraction and verdict libraries.
COMMANDS = {
    "archive": "citecheck.cli.archive:archive",
    "check": "citecheck.cli.check:check",
    "links": "citecheck.cli.links:links",
    "report": "citecheck.cli.report:report",
    "score": "citecheck.cli.score:score",
    "serve": "citecheck.cli.serve:serve",
    "verify": "citecheck.cli.check:verify",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    ctx.default_map = load_config_defaults(ctx, config_path)


def all_commands() -> dict[str, click.Command]:
    """Every command, imported (for documentation checks and config validation)."""
    ctx = click.Context(cli)
    found = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


# A run keeps many small objects to its end (links, answers, results), and Python's
# cyclic collector rescans the young ones every 700 allocations: ~176 collections in a
# 5,000-link check, ~8 % of its wall time (benchmarks/links_vs_lychee.py). Nearly all of
# them are freed by reference counting anyway, so the command line collects less often.
GC_THRESHOLDS = (10_000, 20, 20)


def main() -> None:
    """Entry point: user mistakes end as one line on stderr and exit 2, never a traceback."""
    gc.freeze()  # what the imports made lives as long as the process: never rescanned
    gc.set_threshold(*GC_THRESHOLDS)
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
