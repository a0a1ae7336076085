"""Output formats of `citecheck links`: a LinksReport in, text out, and a registry.

    render(report, "sarif")              -> str
    render(report, "human", color=True) -> str (rich markup rendered as ANSI)
    write(report, "json", out)           -> None (streamed: the text, piece by piece)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from citecheck.errors import UsageError
from citecheck.links.formats.github import render_github
from citecheck.links.formats.human import render_human
from citecheck.links.formats.json_format import render_json, write_json
from citecheck.links.formats.junit import render_junit
from citecheck.links.formats.markdown import render_markdown
from citecheck.links.formats.report import DEFAULT_FAILING, LinksReport
from citecheck.links.formats.sarif import render_sarif


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False  # ANSI colours (human format only; never in a file or a pipe)
    quiet: bool = False  # human format: the failing and warning links only, no summary


Formatter = Callable[[LinksReport, RenderOptions], str]

FORMATS: dict[str, Formatter] = {
    "human": lambda report, options: render_human(report, color=options.color, quiet=options.quiet),
    "json": lambda report, options: render_json(report),
    "junit": lambda report, options: render_junit(report),
    "sarif": lambda report, options: render_sarif(report),
    "github": lambda report, options: render_github(report),
    "markdown": lambda report, options: render_markdown(report),
}


# Formats whose text grows with every link are written piece by piece (same bytes).
Writer = Callable[[LinksReport, RenderOptions, TextIO], None]
STREAMED: dict[str, Writer] = {
    "json": lambda report, options, out: write_json(report, out),
}


def _formatter(fmt: str) -> Formatter:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})") from None


def render(report: LinksReport, fmt: str, options: RenderOptions | None = None) -> str:
    """The report in one format; an unknown format raises UsageError naming the known ones."""
    return _formatter(fmt)(report, options or RenderOptions())


def write(
    report: LinksReport, fmt: str, out: TextIO, options: RenderOptions | None = None
) -> None:
    """The report in one format written to `out`: the same text `render` returns,
    streamed where the format allows, so its size never sits in memory at once."""
    formatter = _formatter(fmt)
    options = options or RenderOptions()
    streamed = STREAMED.get(fmt)
    if streamed is not None:
        streamed(report, options, out)
    else:
        out.write(formatter(report, options))


__all__ = [
    "DEFAULT_FAILING", "FORMATS", "STREAMED", "LinksReport", "RenderOptions", "render", "write",
]
