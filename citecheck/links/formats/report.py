"""What every output format renders: the results of one `citecheck links` run.

A LinksReport is a plain value (no I/O): the run builds it, the formats read it.
Which statuses fail the run and which only warn is decided here, once, so the
exit code, the summary and every format agree.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import msgspec

from citecheck.links.model import LinkResult
from citecheck.models import ArchiveStatus, Capture, InputFailure, LinkStatus
from citecheck.structs import compared_without

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


def is_failure(result: LinkResult, failing: frozenset[LinkStatus]) -> bool:
    return result.status in failing


def is_warning(result: LinkResult, failing: frozenset[LinkStatus]) -> bool:
    return result.status not in failing and (
        result.warning or result.status in WARNING_STATUSES
    )


# Tally and LinksReport are Structs, not dataclasses: start-up cost, see citecheck/models.py.
# Tally is mutable (and unhashable) as the dataclass was; gc=False: statuses -> counts.
class Tally(msgspec.Struct, gc=False):
    """The counts a report shows, kept as results are added: no pass over them later."""

    failing: frozenset[LinkStatus] = DEFAULT_FAILING
    total: int = 0
    statuses: Counter[LinkStatus] = msgspec.field(default_factory=Counter)
    failures: int = 0
    warnings: int = 0
    from_cache: int = 0
    unique_urls: int = 0  # distinct link URLs: the run counts them as links are found

    def add(self, result: LinkResult) -> None:
        self.total += 1
        self.statuses[result.status] += 1
        if is_failure(result, self.failing):
            self.failures += 1
        elif is_warning(result, self.failing):
            self.warnings += 1
        if result.from_cache:
            self.from_cache += 1

    @classmethod
    def of(cls, results: Iterable[LinkResult], failing: frozenset[LinkStatus]) -> Tally:
        tally = cls(failing)
        urls: set[str] = set()
        for result in results:
            tally.add(result)
            urls.add(result.link.url)
        tally.unique_urls = len(urls)
        return tally


class Selection:
    """The results that fail (or warn): iterated from the report's results each time,
    never copied into a list; counted from the tally."""

    def __init__(self, report: LinksReport, test: Callable[[LinkResult], bool], count: int):
        self._report, self._test, self._count = report, test, count

    def __iter__(self) -> Iterator[LinkResult]:
        return (result for result in self._report.results if self._test(result))

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0


# dict=True: a __dict__ for the cached `counts`; tracked by the cyclic collector (results
# may be any collection).
@compared_without("tally")
class LinksReport(msgspec.Struct, frozen=True, dict=True):
    """`results` is any collection that can be iterated several times: a tuple, or the
    run's SpillList (most results on disk). Counts come from `tally`, given by the run
    or counted once on first use."""

    results: Collection[LinkResult]
    input_failures: tuple[InputFailure, ...] = ()
    failing: frozenset[LinkStatus] = DEFAULT_FAILING
    elapsed_ms: float | None = None
    root: Path = msgspec.field(default_factory=Path.cwd)  # file paths are shown relative to it
    run_id: int | None = None  # the run in the store (None with --no-cache)
    tally: Tally | None = None  # not in ==, hash() or repr()
    # with --fail-on new: the failing links the previous run over these inputs did not
    # fail; the run fails only on them
    new_failures: int | None = None
    # with --suggest: URL (no #fragment) -> its archive lookup, for each failing web link
    archives: dict[str, Capture] | None = None

    @functools.cached_property
    def counts(self) -> Tally:
        if self.tally is not None and self.tally.failing == self.failing:
            return self.tally
        return Tally.of(self.results, self.failing)

    def is_failure(self, result: LinkResult) -> bool:
        return is_failure(result, self.failing)

    def archive_of(self, result: LinkResult) -> Capture | None:
        """The archived copy found for the link's URL (--suggest), if one was."""
        if not self.archives:
            return None
        capture = self.archives.get(result.link.url.partition("#")[0])
        return capture if capture is not None and capture.status is ArchiveStatus.FOUND else None

    def is_warning(self, result: LinkResult) -> bool:
        return is_warning(result, self.failing)

    @property
    def failures(self) -> Selection:
        return Selection(self, self.is_failure, self.counts.failures)

    @property
    def warnings(self) -> Selection:
        return Selection(self, self.is_warning, self.counts.warnings)

    @property
    def exit_code(self) -> int:
        """2 when an input could not be read, 1 when a link failed, else 0."""
        if self.input_failures:
            return EXIT_USAGE
        failing = self.counts.failures if self.new_failures is None else self.new_failures
        return EXIT_BROKEN if failing else EXIT_OK

    def status_counts(self) -> dict[str, int]:
        """Status -> count, in LinkStatus order, zero counts left out."""
        counts = self.counts.statuses
        return {status.value: counts[status] for status in LinkStatus if counts[status]}

    def summary(self) -> dict[str, Any]:
        counts = self.counts
        return {
            "total": counts.total,
            "unique_urls": counts.unique_urls,
            "statuses": self.status_counts(),
            "failures": counts.failures,
            "warnings": counts.warnings,
            "from_cache": counts.from_cache,
            "input_errors": [
                {"source": failure.source, "message": failure.message}
                for failure in self.input_failures
            ],
            "elapsed_ms": self.elapsed_ms,
            "exit_code": self.exit_code,
            **({} if self.new_failures is None else {"new_failures": self.new_failures}),
            **({} if self.archives is None else {"archives": self.archive_list()}),
        }

    def archive_list(self) -> list[dict[str, Any]]:
        """The --suggest lookups, one per URL: found (with the copy), not_found or unknown."""
        return [
            {"url": url, "status": capture.status.value, "archive_url": capture.url,
             "timestamp": capture.timestamp, "error": capture.error}
            for url, capture in (self.archives or {}).items()
        ]

    def display_path(self, path: str) -> str:
        return display_path(path, self.root)

    def close(self) -> None:
        """Remove the temporary file the results spilled to, if any."""
        close = getattr(self.results, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> LinksReport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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


def archived_copy(report: LinksReport, result: LinkResult) -> tuple[str, str | None] | None:
    """The archived copy --suggest found for the link: (playback URL, capture day as
    2019-08-01, if the capture says), or None."""
    capture = report.archive_of(result)
    if capture is None or not capture.url:
        return None
    when = capture.timestamp or ""
    return capture.url, f"{when[:4]}-{when[4:6]}-{when[6:8]}" if len(when) >= 8 else None


def archived_note(report: LinksReport, result: LinkResult) -> str:
    """'archived copy: <playback URL> (2019-08-01)', or "" when --suggest found none."""
    copy = archived_copy(report, result)
    if copy is None:
        return ""
    url, day = copy
    return f"archived copy: {url}" + (f" ({day})" if day else "")


def detail(result: LinkResult) -> str:
    """One line on what was found: the error, else the HTTP status, else the status."""
    if result.error:
        return " ".join(result.error.split())
    if result.status is LinkStatus.REDIRECTED and result.final_url:
        return f"redirected to {result.final_url}"
    if result.http_status is not None:
        return f"HTTP {result.http_status}"
    return result.status.value
