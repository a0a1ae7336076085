"""Output formats of `citecheck links`: a LinksReport in, text out, and a registry.

    render(report, "sarif")              -> str
    render(report, "human", color=True) -> str (rich markup rendered as ANSI)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from citecheck.errors import UsageError
from citecheck.links.formats.github import render_github
from citecheck.links.formats.human import render_human
from citecheck.links.formats.json_format import render_json
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


def render(report: LinksReport, fmt: str, options: RenderOptions | None = None) -> str:
    """The report in one format; an unknown format raises UsageError naming the known ones."""
    try:
        formatter = FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})") from None
    return formatter(report, options or RenderOptions())


__all__ = ["DEFAULT_FAILING", "FORMATS", "LinksReport", "RenderOptions", "render"]
