"""Options shared by the commands that fetch, and the parsing of their values."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from citecheck.fetch import FetchOptions
from citecheck.network import RunOptions

F = TypeVar("F", bound=Callable[..., Any])

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class Seconds(click.FloatRange):
    """A number of seconds in a range, and finite: click's FloatRange lets "inf" and
    "nan" through (nan fails no comparison), and a timeout of either breaks every fetch."""

    name = "number of seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number of seconds", param, ctx)
        return number


def parse_duration(text: str) -> timedelta:
    """'1d', '12h', '30m', '45s', '0' -> timedelta; raises click.BadParameter."""
    match = _DURATION.match(text)
    if not match:
        raise click.BadParameter(f"{text!r} is not a duration like 1d, 12h, 30m, 45s or 0")
    return timedelta(seconds=float(match[1]) * _UNIT_SECONDS[match[2]])


def parse_formats(text: str) -> tuple[str, ...]:
    from citecheck.reports import FORMATS  # the renderers load jinja2: only for check/report

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
        click.option("--allow-private/--no-allow-private",
                     help="Allow private, loopback and link-local addresses (refused by default)."),
        click.option("--offline/--no-offline", help="Fetch nothing at all."),
        click.option("--replay", type=click.Path(dir_okay=False, path_type=Path),
                     help="Answer fetches from this WARC file instead of the network."),
        click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write every fetch to this WARC file (.warc.gz)."),
        click.option("--wayback-url", envvar="CITECHECK_WAYBACK_URL",
                     help="Base URL of the Wayback Machine [env CITECHECK_WAYBACK_URL]."),
        click.option("--no-archive/--archive", help="Do not look up archived copies."),
        click.option("--drift/--no-drift",
                     help="Also judge live pages against their capture near the access-date, "
                          "to see whether they changed after they were cited."),
        click.option("--timeout", type=Seconds(min=0.1), default=15.0,
                     show_default=True, help="Read timeout per request, in seconds."),
        click.option("--max-bytes", type=click.IntRange(min=1024), default=10 * 2**20,
                     show_default=True, help="Body size cap per page, in bytes."),
        click.option("--max-concurrency", type=click.IntRange(min=1, max=512), default=16,
                     show_default=True, help="Requests in flight at once."),
        click.option("--user-agent", default=FetchOptions().user_agent, show_default=True,
                     help="User-Agent header sent with every request."),
        click.option("-q", "--quiet/--no-quiet", help="No progress bar, no summary table."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def source_options(func: F) -> F:
    """Where `check` may also find articles and how it checks identifiers."""
    decorators = [
        click.option("--wiki", metavar="LANG",
                     help="Language edition for --title (en, de, fr, ...); default en."),
        click.option("--title", "titles", multiple=True, metavar="TITLE",
                     help="A Wikipedia article to check by title (or URL); repeatable."),
        click.option("--titles", "titles_file", type=click.Path(dir_okay=False),
                     help="A file listing Wikipedia titles or URLs, one a line."),
        click.option("--mediawiki-api", metavar="URL",
                     help="MediaWiki Action API to use instead of the article host's /w/api.php."),
        click.option("--crossref-url", metavar="URL",
                     help="Crossref REST API base URL (default https://api.crossref.org)."),
        click.option("--mailto", metavar="EMAIL",
                     help="Contact address sent to Crossref in the User-Agent, as it asks."),
        click.option("--no-crossref/--crossref",
                     help="Do not compare DOIs with Crossref's metadata."),
        click.option("--source", "sources", multiple=True, metavar="FILE_OR_URL",
                     help="A page to match references that have no URL against, by title, "
                          "work and date; repeatable."),
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
        wiki=params.get("wiki"),
        titles=_titles(params),
        mediawiki_api=params.get("mediawiki_api"),
        crossref=not params.get("no_crossref", False),
        crossref_url=params.get("crossref_url"),
        mailto=params.get("mailto"),
        drift=params.get("drift", False),
        sources=tuple(params.get("sources") or ()),
    )


def _titles(params: dict[str, Any]) -> tuple[str, ...]:
    titles = list(params.get("titles") or ())
    if params.get("titles_file"):
        from citecheck.inputs import read_titles_file  # loads the parsers: only when asked

        titles += read_titles_file(params["titles_file"])  # InputError: one line, exit 2
    return tuple(titles)


