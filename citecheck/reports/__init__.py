"""Report renderers: one function per format, ReportJSON in, text out, and a registry.

    render(report, "md")                      -> str
    write_reports(report, ["json", "html"], out_dir) -> [out_dir/report.json, ...]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from citecheck.errors import UsageError
from citecheck.reports.html import render_html
from citecheck.reports.json_report import render_json
from citecheck.reports.markdown import render_markdown
from citecheck.schema import ReportJSON

Renderer = Callable[[ReportJSON], str]

FORMATS: dict[str, Renderer] = {
    "json": render_json,
    "md": render_markdown,
    "html": render_html,
}

# The file extension each format is written with (the format name unless said here).
EXTENSIONS: dict[str, str] = {}


def _renderer(fmt: str) -> Renderer:
    try:
        return FORMATS[fmt]
    except (KeyError, TypeError):
        known = ", ".join(sorted(FORMATS))
        raise UsageError(f"unknown report format {fmt!r} (known: {known})") from None


def render(report: ReportJSON, fmt: str) -> str:
    """The report in one format; an unknown format raises UsageError naming the known ones."""
    return _renderer(fmt)(report)


def write_reports(
    report: ReportJSON, formats: Sequence[str], out_dir: Path, stem: str = "report"
) -> list[Path]:
    """Write `stem.<ext>` for each format into `out_dir` (created), return the paths written.

    Every format is checked before anything is written, so a typo in the last one
    does not leave half a set of reports behind.
    """
    renderers = {fmt: _renderer(fmt) for fmt in dict.fromkeys(formats)}
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create report directory {out_dir}: {error.strerror}") from None
    paths = []
    for fmt, renderer in renderers.items():
        path = out_dir / f"{stem}.{EXTENSIONS.get(fmt, fmt)}"
        try:
            path.write_text(renderer(report), encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write report {path}: {error.strerror}") from None
        paths.append(path)
    return paths


__all__ = ["FORMATS", "render", "render_html", "render_json", "render_markdown", "write_reports"]
