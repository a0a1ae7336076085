"""What every output format renders: the results of one `citecheck links` run.

A LinksReport is a plain value (no I/O): the run builds it, the formats read it.
Which statuses fail the run and which only warn is decided here, once, so the
exit code, the summary and every format agree.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from citecheck.links.model import LinkResult
from citecheck.models import InputFailure, LinkStatus

# A broken link fails the run; excluded and unsupported links are reported, never failures.
DEFAULT_FAILING: frozenset[LinkStatus] = frozenset(
    {
        LinkStatus.BROKEN,
        LinkStatus.SOFT_404,
        LinkStatus.TIMEOUT,
        LinkStatus.UNREACHABLE,
        LinkStatus.INVALID,
    }
)
# Inconclusive answers (401/403/429/451): shown, but not failures unless --fail-on says so.
WARNING_STATUSES: frozenset[LinkStatus] = frozenset({LinkStatus.BLOCKED})

EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class LinksReport:
    results: tuple[LinkResult, ...]
    input_failures: tuple[InputFailure, ...] = ()
    failing: frozenset[LinkStatus] = DEFAULT_FAILING
    elapsed_ms: float | None = None
    root: Path = field(default_factory=Path.cwd)  # file paths are shown relative to it
    run_id: int | None = None  # the run in the store (None with --no-cache)

    def is_failure(self, result: LinkResult) -> bool:
        return result.status in self.failing

    def is_warning(self, result: LinkResult) -> bool:
        return not self.is_failure(result) and (
            result.warning or result.status in WARNING_STATUSES
        )

    @property
    def failures(self) -> list[LinkResult]:
        return [result for result in self.results if self.is_failure(result)]

    @property
    def warnings(self) -> list[LinkResult]:
        return [result for result in self.results if self.is_warning(result)]

    @property
    def exit_code(self) -> int:
        """2 when an input could not be read, 1 when a link failed, else 0."""
        if self.input_failures:
            return EXIT_USAGE
        return EXIT_BROKEN if self.failures else EXIT_OK

    def status_counts(self) -> dict[str, int]:
        """Status -> count, in LinkStatus order, zero counts left out."""
        counts = Counter(result.status for result in self.results)
        return {status.value: counts[status] for status in LinkStatus if counts[status]}

    def summary(self) -> dict[str, Any]:
        return {
            "total": len(self.results),
            "unique_urls": len({result.link.url for result in self.results}),
            "statuses": self.status_counts(),
            "failures": len(self.failures),
            "warnings": len(self.warnings),
            "from_cache": sum(1 for result in self.results if result.from_cache),
            "input_errors": [
                {"source": failure.source, "message": failure.message}
                for failure in self.input_failures
            ],
            "elapsed_ms": self.elapsed_ms,
            "exit_code": self.exit_code,
        }

    def display_path(self, path: str) -> str:
        return display_path(path, self.root)


@functools.lru_cache(maxsize=4096)  # thousands of links share a handful of files
def display_path(path: str, root: Path) -> str:
    """A file origin relative to `root` with forward slashes; URLs and "-" as they are."""
    if path == "-" or "://" in path:
        return path
    candidate = Path(path)
    absolute = candidate if candidate.is_absolute() else root / candidate
    try:
        relative = absolute.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return PurePosixPath(absolute).as_posix()
    return relative.as_posix()


def is_file_origin(path: str) -> bool:
    return path != "-" and "://" not in path


def location(report: LinksReport, result: LinkResult) -> str:
    """`path:line:column` (as much as is known) for people to read."""
    origin = result.link.origin
    text = report.display_path(origin.path)
    if origin.line is not None:
        text += f":{origin.line}"
        if origin.column is not None:
            text += f":{origin.column}"
    return text


def shown_url(result: LinkResult) -> str:
    """The URL for people: a local link as written (relative), a remote one in full."""
    link = result.link
    return link.written if link.is_local and link.written else link.url


def detail(result: LinkResult) -> str:
    """One line on what was found: the error, else the HTTP status, else the status."""
    if result.error:
        return " ".join(result.error.split())
    if result.status is LinkStatus.REDIRECTED and result.final_url:
        return f"redirected to {result.final_url}"
    if result.http_status is not None:
        return f"HTTP {result.http_status}"
    return result.status.value
