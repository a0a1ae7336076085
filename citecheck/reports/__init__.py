"""Report renderers: one function per format, ReportJSON in, text out, and a registry.

    render(report, "md")                              -> str
    render_files(report, "csv")                       -> {"references": ..., "links": ..., ...}
    write_reports(report, ["json", "csv"], out_dir)   -> [out_dir/report.json,
                                                          out_dir/report-references.csv, ...]

Most formats are one file (`FORMATS`); a format in `FILE_SETS` writes several,
`<stem>-<part>.<ext>`. Each entry takes a `PreparedReport`, so that writing several
formats builds the report's view once, and the `RenderOptions` (used by the HTML
report: links to Datasette, the history chart; the other formats ignore them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from citecheck.errors import UsageError
from citecheck.reports.csv_report import render_csv_files
from citecheck.reports.html import render_html
from citecheck.reports.json_report import render_json
from citecheck.reports.markdown import render_markdown
from citecheck.reports.options import NO_OPTIONS, RenderOptions
from citecheck.reports.view import PreparedReport
from citecheck.schema import ReportJSON

Renderer = Callable[[PreparedReport, RenderOptions], str]
FileSetRenderer = Callable[[PreparedReport, RenderOptions], dict[str, str]]

FILE_SETS: dict[str, FileSetRenderer] = {
    "csv": lambda prepared, options: render_csv_files(prepared.view),
}


def _several_files(fmt: str) -> Renderer:
    def refuse(prepared: PreparedReport, options: RenderOptions) -> str:
        raise UsageError(f"the {fmt} report is several files: use write_reports or render_files")

    return refuse


FORMATS: dict[str, Renderer] = {
    "json": lambda prepared, options: render_json(prepared),
    "md": lambda prepared, options: render_markdown(prepared.view),
    "html": lambda prepared, options: render_html(prepared.view, options),
    # Listed so that option parsing knows the name; written through FILE_SETS.
    **{fmt: _several_files(fmt) for fmt in FILE_SETS},
}

# The file extension each format is written with (the format name unless said here).
EXTENSIONS: dict[str, str] = {}


def _check_format(fmt: str) -> str:
    if not isinstance(fmt, str) or fmt not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise UsageError(f"unknown report format {fmt!r} (known: {known})")
    return fmt


def render(report: ReportJSON, fmt: str, options: RenderOptions = NO_OPTIONS) -> str:
    """The report in one single-file format; an unknown format raises UsageError."""
    return FORMATS[_check_format(fmt)](PreparedReport(report), options)


def render_files(
    report: ReportJSON, fmt: str, options: RenderOptions = NO_OPTIONS
) -> dict[str, str]:
    """The report's files in `fmt`: part name -> text ("" for a single-file format)."""
    return _files(PreparedReport(report), _check_format(fmt), options)


def _files(prepared: PreparedReport, fmt: str, options: RenderOptions) -> dict[str, str]:
    if fmt in FILE_SETS:
        return FILE_SETS[fmt](prepared, options)
    return {"": FORMATS[fmt](prepared, options)}


def write_reports(
    report: ReportJSON,
    formats: Sequence[str],
    out_dir: Path,
    stem: str = "report",
    options: RenderOptions = NO_OPTIONS,
) -> list[Path]:
    """Write `stem.<ext>` (or `stem-<part>.<ext>`) for each format into `out_dir` (created),
    return every path written.

    Every format is checked before anything is written, so a typo in the last one
    does not leave half a set of reports behind.
    """
    chosen = [_check_format(fmt) for fmt in dict.fromkeys(formats)]
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create report directory {out_dir}: {error.strerror}") from None
    prepared = PreparedReport(report)  # one view for every format written
    paths = []
    for fmt in chosen:
        extension = EXTENSIONS.get(fmt, fmt)
        for part, text in _files(prepared, fmt, options).items():
            name = f"{stem}-{part}" if part else stem
            path = out_dir / f"{name}.{extension}"
            try:
                path.write_text(text, encoding="utf-8", newline="")
            except OSError as error:
                raise UsageError(f"cannot write report {path}: {error.strerror}") from None
            paths.append(path)
    return paths


__all__ = [
    "FILE_SETS",
    "FORMATS",
    "RenderOptions",
    "render",
    "render_files",
    "render_html",
    "render_json",
    "render_markdown",
    "write_reports",
]
