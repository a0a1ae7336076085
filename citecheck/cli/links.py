"""`citecheck links`: check every link of files, folders, URLs or stdin, for CI.

Option names follow lychee's where lychee has one, so its users can switch. Every
option also has a config key (see citecheck.cli.config). Exit 0 when every link
is good (warnings allowed), 1 when one failed, 2 for usage errors and unreadable
inputs.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

import click
import msgspec

from citecheck.cli.options import Seconds, parse_duration
from citecheck.cli.output import progress_bar
from citecheck.errors import UsageError
from citecheck.fetch import FetchOptions, parse_header_token
from citecheck.links.collect import CollectOptions
from citecheck.links.formats import FORMATS, LinksReport, RenderOptions, write
from citecheck.links.formats.report import DEFAULT_FAILING
from citecheck.links.policy import LinkPolicy, find_ignore_file
from citecheck.links.run import LinksOptions, dump_links, new_failures, run_links
from citecheck.models import LinkStatus

# Statuses --fail-on may turn into failures (the others fail already); "new" instead
# fails only on links the previous run over the same inputs did not fail (CI on PRs).
FAIL_ON_CHOICES = (LinkStatus.BLOCKED, LinkStatus.EXCLUDED, LinkStatus.UNSUPPORTED)
FAIL_ON_NEW = "new"

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$")
_INTERVAL_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}


def parse_interval(text: str) -> float:
    """'0ms', '50ms', '1s', '0.5' (seconds) -> seconds; raises click.BadParameter."""
    match = _INTERVAL.match(str(text))
    if not match:
        raise click.BadParameter(f"{text!r} is not an interval like 0ms, 50ms or 1s")
    return float(match[1]) * _INTERVAL_UNIT[match[2]]


def parse_headers(values: tuple[str, ...]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """--header values: "Name: value" for every host, "host[:port]=Name: value" for one."""
    everywhere: dict[str, str] = {}
    per_host: dict[str, dict[str, str]] = {}
    for value in values:
        try:
            host, name, content = parse_header_token(value)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--header") from None
        target = everywhere if host is None else per_host.setdefault(host, {})
        target[name] = content
    return everywhere, per_host


def parse_reports(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    """--report FORMAT=PATH values, each format checked."""
    reports = []
    for value in values:
        fmt, sep, path = value.partition("=")
        fmt = fmt.strip().lower()
        if not sep or not path.strip():
            raise click.BadParameter(f"{value!r} is not FORMAT=PATH", param_hint="--report")
        if fmt not in FORMATS:
            known = ", ".join(FORMATS)
            raise click.BadParameter(f"unknown format {fmt!r}; known: {known}",
                                     param_hint="--report")
        reports.append((fmt, Path(path.strip())))
    return reports


def build_links_options(params: dict[str, Any]) -> LinksOptions:
    """The command's parameters as the run's options; bad values raise click.BadParameter."""
    if params["replay"] is not None and not Path(params["replay"]).is_file():
        raise click.BadParameter(f"no such file: {params['replay']}", param_hint="--replay")
    headers, host_headers = parse_headers(tuple(params["header"]))
    fetch = FetchOptions(
        timeout=params["timeout"],
        deadline=max(params["timeout"] * 2, 30.0),
        max_redirects=params["max_redirects"],
        user_agent=params["user_agent"],
        allow_private=params["allow_private"],
        insecure=params["insecure"],
        offline=params["offline"],
        max_concurrency=params["max_concurrency"],
        host_concurrency=params["host_concurrency"],
        host_request_interval=parse_interval(params["host_request_interval"]),
        method=params["method"],
        max_retries=params["max_retries"],
        retry_after_max=params["retry_after_max"],
        headers=headers,
        host_headers=host_headers,
        github_token=params["github_token"] or None,
    )
    ignore_file = params["ignore_file"]
    if ignore_file is None:
        ignore_file = find_ignore_file(Path.cwd())
    policy = LinkPolicy.from_options(
        include=tuple(params["include"]),
        exclude=tuple(params["exclude"]),
        accept=params["accept"],
        ignore_file=ignore_file,
        remap=tuple(params["remap"]),
    )
    collect = CollectOptions(
        exclude_paths=tuple(params["exclude_path"]),
        respect_gitignore=not params["no_gitignore"],
        include_fragments=params["include_fragments"],
        root_dir=params["root_dir"],
        recursive=params["recursive"],
        max_depth=params["max_depth"],
        max_pages=params["max_pages"],
        crawl_concurrency=params["host_concurrency"],
    )
    fail_on = frozenset(LinkStatus(v) for v in params["fail_on"] if v != FAIL_ON_NEW)
    return LinksOptions(
        collect=collect,
        policy=policy,
        fetch=fetch,
        db=None if params["no_cache"] else params["db"],
        max_age=parse_duration(params["max_age"]),
        replay=params["replay"],
        record=params["record"],
        failing=DEFAULT_FAILING | fail_on,
        sources=tuple(params.get("inputs", ())),
        suggest=params["suggest"],
        suggest_limit=params["suggest_limit"],
        wayback_url=params["wayback_url"],
    )


class _EchoStream(io.StringIO):
    """Text for stdout, passed to click.echo in blocks of about 64 KiB (click picks
    the stream, so CliRunner and Windows consoles work as with one echo)."""

    BLOCK = 64 * 1024

    def write(self, text: str) -> int:
        written = super().write(text)
        if self.tell() >= self.BLOCK:
            self.flush()
        return written

    def flush(self) -> None:
        block = self.getvalue()
        if block:
            click.echo(block, nl=False)
            self.seek(0)
            self.truncate()


def write_output(
    report: LinksReport, fmt: str, path: Path | None, options: RenderOptions | None = None
) -> None:
    """One format of the report to stdout (path None) or a file, written as it renders."""
    if path is None:
        stream = _EchoStream()
        write(report, fmt, stream, options)
        stream.flush()
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            write(report, fmt, out, options)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def emit(report: LinksReport, params: dict[str, Any]) -> None:
    """The main output (stdout or --output), then every --report FORMAT=PATH."""
    output: Path | None = params["output"]
    color = output is None and params["format"] == "human" and sys.stdout.isatty()
    options = RenderOptions(color=color, quiet=params["quiet"])
    write_output(report, params["format"], output, options)
    for fmt, path in parse_reports(tuple(params["report"])):
        write_output(report, fmt, path)


def dump(inputs: tuple[str, ...], options: LinksOptions, params: dict[str, Any]) -> int:
    """--dump: every link with where it was written, one a line (or as JSON, written as
    it goes); exit 2 when an input could not be read, else 0."""
    fmt = params["format"]
    if fmt not in ("human", "json"):
        raise UsageError(f"--dump writes human or json, not {fmt}")
    from citecheck import SCHEMA
    from citecheck.links.formats.json_format import dumps_indented
    from citecheck.links.formats.report import display_path
    from citecheck.models import InputFailure

    root = Path.cwd()
    stream = _EchoStream()
    if fmt == "json":
        stream.write('{\n  "schema": ' + dumps_indented(SCHEMA) + ',\n  "links": [')
    first, failed = True, False
    for item in dump_links(list(inputs), options):
        if isinstance(item, InputFailure):
            failed = True
            click.echo(f"citecheck: error: {item.source}: {item.message}", err=True)
            continue
        link, reason = item
        origin = link.origin
        path = display_path(origin.path, root)
        if fmt == "json":
            entry = {"url": link.url, "origin": {"path": path, "line": origin.line,
                                                 "column": origin.column}, "excluded": reason}
            stream.write(("\n    " if first else ",\n    ") + dumps_indented(entry, 2))
        else:
            where = ":".join(str(part) for part in (path, origin.line, origin.column)
                             if part is not None)
            stream.write(f"{link.url}  {where}{f'  (excluded: {reason})' if reason else ''}\n")
        first = False
    if fmt == "json":
        stream.write("]\n}\n" if first else "\n  ]\n}\n")
    stream.flush()
    return 2 if failed else 0


def _options(func: Any) -> Any:
    """The command's options, lychee's names first (kept together for the docs test)."""
    duration_help = "e.g. 0ms, 50ms, 1s"
    decorators = [
        click.option("--files-from", metavar="FILE",
                     help="Also check the inputs FILE names, one a line (- for stdin; # "
                     "comments), e.g. the files a pull request changed."),
        click.option("--format", "format", type=click.Choice(list(FORMATS)), default="human",
                     show_default=True, help="Output format."),
        click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write the output to FILE instead of stdout."),
        click.option("--report", multiple=True, metavar="FORMAT=PATH",
                     help="Also write the results in another format to PATH; repeatable."),
        click.option("--max-concurrency", type=click.IntRange(min=1, max=1024), default=128,
                     show_default=True, help="Requests in flight at once, overall."),
        click.option("--host-concurrency", type=click.IntRange(min=1, max=1024), default=10,
                     show_default=True, help="Requests in flight at once to one host."),
        click.option("--host-request-interval", default="0ms", show_default=True,
                     help=f"Least time between two requests to one host ({duration_help})."),
        click.option("--timeout", type=Seconds(min=0.1), default=20.0,
                     show_default=True, help="Timeout per request, in seconds (an overall "
                     "per-URL deadline of twice that, at least 30 s, also applies)."),
        click.option("--max-retries", type=click.IntRange(min=0, max=20), default=3,
                     show_default=True, help="Retries after 429, 5xx or a timeout "
                     "(exponential backoff with jitter)."),
        click.option("--retry-after-max", type=Seconds(min=0), default=30.0,
                     show_default=True, help="Longest wait honoured (Retry-After or backoff), "
                     "in seconds; a longer one ends the retries."),
        click.option("--max-redirects", type=click.IntRange(min=0), default=10,
                     show_default=True, help="Redirects followed per link."),
        click.option("--method", type=click.Choice(["get", "head-then-get", "head"]),
                     default="get", show_default=True,
                     help="How to ask: GET; HEAD with GET as fallback; or HEAD only."),
        click.option("--user-agent", default=FetchOptions().user_agent, show_default=True,
                     help="User-Agent header sent with every request."),
        click.option("--header", multiple=True, metavar="[HOST[:PORT]=]NAME: VALUE",
                     help="Extra request header, for every host or for one; repeatable."),
        click.option("--github-token", envvar="GITHUB_TOKEN", show_envvar=True,
                     help="Token sent to GitHub hosts only (fewer 429s)."),
        click.option("--accept", help="Accepted HTTP statuses, e.g. '200..=299,403'."),
        click.option("--include", multiple=True, metavar="REGEX",
                     help="Check only URLs matching REGEX (wins over --exclude); repeatable."),
        click.option("--exclude", multiple=True, metavar="REGEX",
                     help="Skip URLs matching REGEX; repeatable."),
        click.option("--remap", multiple=True, metavar="'PATTERN REPLACEMENT'",
                     help="Rewrite URLs matching the regex PATTERN before checking them "
                     "($1 for a group), e.g. a site's own URLs to its local build; "
                     "repeatable, the first match wins."),
        click.option("--exclude-path", multiple=True, metavar="PATTERN",
                     help="Skip input files and folders matching PATTERN; repeatable."),
        click.option("--ignore-file", type=click.Path(dir_okay=False, path_type=Path),
                     help="URL patterns to skip, one a line (default: .citecheckignore "
                     "found from the current folder)."),
        click.option("--include-fragments/--no-include-fragments",
                     help="Check #fragments of remote pages too (local files: always)."),
        click.option("--recursive/--no-recursive",
                     help="For a URL input, crawl its site (same origin, under the input "
                     "page's folder) and check the links of every page."),
        click.option("--max-depth", type=click.IntRange(min=0),
                     help="With --recursive: links followed from the input page at most "
                     "(default: no limit)."),
        click.option("--max-pages", type=click.IntRange(min=1), default=10_000,
                     show_default=True, help="With --recursive: pages read at most per "
                     "URL input."),
        click.option("--root-dir", type=click.Path(exists=True, file_okay=False),
                     help="What a local link starting with / is relative to (default: the "
                     "folder given, a file's folder, a glob's folder before its wildcard)."),
        click.option("--no-gitignore/--gitignore",
                     help="Also read files that .gitignore ignores."),
        click.option("-k", "--insecure/--no-insecure",
                     help="Accept any TLS certificate (self-signed, expired, for another "
                     "name), as lychee's -k: for sites one runs oneself."),
        click.option("--allow-private/--no-allow-private",
                     help="Allow private, loopback and link-local addresses (refused by "
                     "default, also after DNS and redirects)."),
        click.option("--fail-on", multiple=True,
                     type=click.Choice([s.value for s in FAIL_ON_CHOICES] + [FAIL_ON_NEW]),
                     help="Also fail the run on these statuses (blocked is a warning by "
                     "default); `new`: fail only on links the previous run over the same "
                     "inputs did not fail; repeatable."),
        click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
                     default=Path("citecheck.db"), show_default=True,
                     help="SQLite database that keeps the link cache and the runs."),
        click.option("--max-age", default="1d", show_default=True,
                     help="Do not check again a link that passed within this (0 = always)."),
        click.option("--no-cache/--cache",
                     help="Check every link again and use no database at all."),
        click.option("--offline/--no-offline", help="Fetch nothing: check local links only."),
        click.option("--suggest/--no-suggest",
                     help="Look up an archived copy (Wayback Machine) of each failing web "
                     "link and show it; kept in the database."),
        click.option("--suggest-limit", type=click.IntRange(min=1), default=100,
                     show_default=True, help="With --suggest: archive lookups a run at most "
                     "(the archive allows ~24 a minute; answers are kept, so a later run "
                     "asks the rest)."),
        click.option("--wayback-url", envvar="CITECHECK_WAYBACK_URL", show_envvar=True,
                     help="Base URL of the Wayback Machine, for --suggest "
                     "(default https://web.archive.org)."),
        click.option("--replay", type=click.Path(dir_okay=False, path_type=Path),
                     help="Answer fetches from this WARC file instead of the network."),
        click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write every fetch to this WARC file (.warc.gz)."),
        click.option("--dump/--no-dump",
                     help="List the links the inputs hold, as they would be checked (after "
                     "--remap, --exclude's verdicts beside them), and check none."),
        click.option("-q", "--quiet/--no-quiet",
                     help="No progress bar; only the failing links, no summary."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def read_files_from(source: str | None, inputs: tuple[str, ...]) -> tuple[str, ...]:
    """INPUTS and the inputs --files-from names, one a line ("-": stdin; blank lines and
    lines starting with # skipped); a usage error when there are none at all."""
    listed: list[str] = []
    if source is not None:
        if source == "-" and "-" in inputs:
            raise UsageError("--files-from - and the input - both want stdin")
        try:
            # utf-8-sig: a list written by Windows PowerShell starts with a BOM
            text = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or error
            raise UsageError(f"cannot read --files-from {source}: {reason}") from None
        listed = [line.strip() for line in text.removeprefix("\ufeff").splitlines()]
        listed = [line for line in listed if line and not line.startswith("#")]
    if not inputs and not listed and source is None:
        raise UsageError("no inputs: name files, folders, globs or URLs, or --files-from")
    return (*inputs, *listed)


@click.command()
@click.argument("inputs", nargs=-1)
@_options
def links(inputs: tuple[str, ...], **params: Any) -> None:
    """Check every link in INPUTS: files, folders, globs, http(s) URLs, - for stdin."""
    inputs = read_files_from(params["files_from"], inputs)
    options = build_links_options({**params, "inputs": inputs})
    parse_reports(tuple(params["report"]))  # a bad --report is a usage error before any fetch
    if params["dump"]:
        sys.exit(dump(inputs, options, params))
    with progress_bar(params["quiet"]) as bar:

        def progress(stage: str, done: int, total: int) -> None:
            # archive lookups are paced by the archive (~24 a minute): a CI log, which
            # has no bar, hears why the run waits
            if stage == "archives" and done == 0 and total > 4 and not params["quiet"]:
                click.echo(f"citecheck: looking up archived copies of {total} links "
                           "(the Wayback Machine allows ~24 a minute)", err=True)
            bar(stage, done, total)

        report = run_links(list(inputs), options, progress=progress)
    with report:  # its results may have spilled to a temporary file: removed after
        for failure in report.input_failures:
            click.echo(f"citecheck: error: {failure.source}: {failure.message}", err=True)
        if report.exit_code == 1 and FAIL_ON_NEW in params["fail_on"] and options.db is not None:
            # before the output, whose summary carries the exit code
            new = new_failures(options.db, report, options.sources)
            report = msgspec.structs.replace(report, new_failures=new)
            if not params["quiet"]:
                click.echo(f"{new} new failing link(s) since the previous run", err=True)
        emit(report, params)
        code = report.exit_code
    sys.exit(code)
