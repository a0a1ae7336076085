"""The values `citecheck links` passes between its stages.

collect (inputs -> Link) -> policy (Link -> keep / excluded) -> check (remote: the
fetcher; local: the file system) -> LinkResult -> formats (human, json, junit,
sarif, github, markdown).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypeVar

from citecheck.models import LinkStatus, Redirect

_Class = TypeVar("_Class", bound=type)


def pickled_by_fields(cls: _Class) -> _Class:
    """Pickle as (class, field values): three times faster than the state functions of
    a slots dataclass, which counts when 50,000 results spill to disk and are read
    back (citecheck.links.spill)."""
    values = attrgetter(*(field.name for field in dataclasses.fields(cls)))

    def reduce(self: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return type(self), values(self)

    cls.__reduce__ = reduce  # type: ignore[assignment]  # replaces object's, on purpose
    return cls


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Origin:
    """Where a link was written: file (or URL, or "-" for stdin), 1-based line and column."""

    path: str
    line: int | None = None
    column: int | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Link:
    """One link as found in an input.

    `url` is what will be checked: an absolute http(s) URL, or for local targets an
    absolute `file://` URL (relative links are resolved against the file they are
    in). `written` is the link exactly as it appears in the input.
    """

    url: str
    origin: Origin
    written: str = ""
    text: str | None = None  # the link text / anchor text, if any
    element: str | None = None  # e.g. "a[href]", "img[src]", "markdown-link", "bare-url"

    @property
    def is_local(self) -> bool:
        return self.url.startswith("file://")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class LinkResult:
    """The outcome for one link (one per occurrence: the same URL in two places gives two)."""

    link: Link
    status: LinkStatus
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Redirect, ...] = ()
    error: str | None = None
    elapsed_ms: float | None = None
    from_cache: bool = False
    warning: bool = False  # e.g. blocked: reported, but not a failure by default
