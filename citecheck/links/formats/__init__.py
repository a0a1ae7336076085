"""Output formats of `citecheck links`: a LinksReport in, text out, and a registry.

    render(report, "sarif")              -> str
    render(report, "human", color=True) -> str (rich markup rendered as ANSI)
    write(report, "json", out)           -> None (streamed: the text, piece by piece)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TextIO

import msgspec

from citecheck.errors import UsageError
from citecheck.links.formats.report import DEFAULT_FAILING, LinksReport


# A Struct, not a dataclass: start-up cost, see citecheck/models.py (gc=False: no cycles).
class RenderOptions(msgspec.Struct, frozen=True, gc=False):
    color: bool = False  # ANSI colours (human format only; never in a file or a pipe)
    quiet: bool = False  # human format: the failing and warning links only, no summary


Formatter = Callable[[LinksReport, RenderOptions], str]


def _loaded(module: str, name: str) -> Callable[..., Any]:
    """A renderer, its module loaded when first asked for: a run writes one or two
    formats, and junit alone brings in xml.etree."""
    function: Callable[..., Any] = getattr(
        importlib.import_module(f"citecheck.links.formats.{module}"), name
    )
    return function


def _human(report: LinksReport, options: RenderOptions) -> str:
    text: str = _loaded("human", "render_human")(report, color=options.color, quiet=options.quiet)
    return text


def _only_report(module: str, name: str) -> Formatter:
    """The format's renderer, which takes the report alone."""
    return lambda report, options: str(_loaded(module, name)(report))


FORMATS: dict[str, Formatter] = {
    "human": _human,
    "json": _only_report("json_format", "render_json"),
    "junit": _only_report("junit", "render_junit"),
    "sarif": _only_report("sarif", "render_sarif"),
    "github": _only_report("github", "render_github"),
    "markdown": _only_report("markdown", "render_markdown"),
}


# Formats whose text grows with every link are written piece by piece (same bytes).
Writer = Callable[[LinksReport, RenderOptions, TextIO], None]
STREAMED: dict[str, Writer] = {
    "json": lambda report, options, out: _loaded("json_format", "write_json")(report, out),
    "junit": lambda report, options, out: _loaded("junit", "write_junit")(report, out),
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
