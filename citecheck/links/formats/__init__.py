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
from citecheck.links.formats.report import DEFAULT_FAILING, LinksReport


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False  # ANSI colours (human format only; never in a file or a pipe)
    quiet: bool = False  # human format: the failing and warning links only, no summary


Formatter = Callable[[LinksReport, RenderOptions], str]

# Each format's module is loaded when it is asked for (a run writes one or two of
# them; junit alone brings in xml.etree).


def _human(report: LinksReport, options: RenderOptions) -> str:
    from citecheck.links.formats.human import render_human

    return render_human(report, color=options.color, quiet=options.quiet)


def _json(report: LinksReport, options: RenderOptions) -> str:
    from citecheck.links.formats.json_format import render_json

    return render_json(report)


def _junit(report: LinksReport, options: RenderOptions) -> str:
    from citecheck.links.formats.junit import render_junit

    return render_junit(report)


def _sarif(report: LinksReport, options: RenderOptions) -> str:
    from citecheck.links.formats.sarif import render_sarif

    return render_sarif(report)


def _github(report: LinksReport, options: RenderOptions) -> str:
    from citecheck.links.formats.github import render_github

    return render_github(report)


def _markdown(report: LinksReport, options: RenderOptions) -> str:
    from citecheck.links.formats.markdown import render_markdown

    return render_markdown(report)


def _write_json(report: LinksReport, options: RenderOptions, out: TextIO) -> None:
    from citecheck.links.formats.json_format import write_json

    write_json(report, out)


FORMATS: dict[str, Formatter] = {
    "human": _human,
    "json": _json,
    "junit": _junit,
    "sarif": _sarif,
    "github": _github,
    "markdown": _markdown,
}


# Formats whose text grows with every link are written piece by piece (same bytes).
Writer = Callable[[LinksReport, RenderOptions, TextIO], None]
STREAMED: dict[str, Writer] = {"json": _write_json}


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
