"""The plain values that flow between citecheck's stages. No I/O here.

documents -> Reference, Claim, Document
fetch     -> Fetch (with its Redirect chain)
archive   -> Capture
text      -> SourceText
verify    -> Verdict (with Evidence and Check)

The values are frozen msgspec Structs, not frozen dataclasses: defining the twelve as
dataclasses took ~12 ms of every command's start-up (each one's methods generated and
exec()d), as Structs ~1 ms, and a Struct is ~10x cheaper to make. They hold only text,
numbers, enums, bytes and each other, never a cycle: untracked by the cyclic collector
(gc=False). `msgspec.structs.replace` stands in for `dataclasses.replace`.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

from citecheck.structs import compared_without


class LinkStatus(StrEnum):
    """What checking one URL found. Coming from the cache is a field of Fetch, not a status."""

    OK = "ok"
    REDIRECTED = "redirected"
    BROKEN = "broken"  # 4xx/5xx other than the inconclusive ones below
    SOFT_404 = "soft_404"  # a 200 that says "not found", or a redirect to the site root
    BLOCKED = "blocked"  # 401/403/429/451: inconclusive, not dead
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"  # DNS, connection refused, TLS, reset
    INVALID = "invalid"  # not a URL we can parse
    EXCLUDED = "excluded"  # refused by policy (private address, --exclude, --offline)
    UNSUPPORTED = "unsupported"  # a scheme other than http(s)
    NO_URL = "no_url"  # the reference carries no URL

    def is_success(self) -> bool:
        return self in (LinkStatus.OK, LinkStatus.REDIRECTED)

    def is_dead(self) -> bool:
        """Dead enough that the archive copy should stand in for the live page."""
        return self in (
            LinkStatus.BROKEN,
            LinkStatus.SOFT_404,
            LinkStatus.UNREACHABLE,
            LinkStatus.TIMEOUT,
        )


class ArchiveStatus(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"  # the archive answered and has no usable capture
    UNKNOWN = "unknown"  # the archive could not be asked (outage, 5xx, 429, timeout)


class VerdictLabel(StrEnum):
    SUPPORTED = "supported"
    PARTIALLY_SUPPORTED = "partially_supported"
    NOT_SUPPORTED = "not_supported"
    UNVERIFIABLE = "unverifiable"  # no source text could be had


class Level(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Check(msgspec.Struct, frozen=True, gc=False):
    """One named finding about a citation or a verdict (e.g. `anachronism`)."""

    name: str
    level: Level
    message: str


class Reference(msgspec.Struct, frozen=True, gc=False):
    """One cited source as the document gives it.

    `id` is stable across runs of the same document (derived from the marker or
    the ref name, never from a counter that shifts when text is added above).
    Dates are ISO 8601 strings at the precision given: "2019", "2019-08", "2019-08-17".
    """

    id: str
    marker: str  # what claims point with: "1", a ref name, a footnote label
    url: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    work: str | None = None  # work / website / newspaper / journal
    publisher: str | None = None
    access_date: str | None = None
    archive_url: str | None = None
    archive_date: str | None = None
    url_status: str | None = None
    quote: str | None = None
    kind: str | None = None  # web, news, book, journal, ... (template or inferred)
    identifiers: tuple[tuple[str, str], ...] = ()  # ("isbn", "…"), ("doi", "…"), ("issn", "…")
    raw: str = ""  # the reference as written in the document
    line: int | None = None  # 1-based line in the document where it is defined
    extra: tuple[tuple[str, str], ...] = ()  # any other parameters, in document order


class Claim(msgspec.Struct, frozen=True, gc=False):
    """A sentence carrying one or more citation markers.

    `text` is the narrow reading: the sentence, markers removed. `context` is the
    wide reading: the text back to the previous marker (may equal `text`).
    """

    id: str
    text: str
    markers: tuple[str, ...]
    context: str = ""
    line: int | None = None


class Document(msgspec.Struct, frozen=True, gc=False):
    source: str  # path, URL or "-" for stdin
    kind: str  # plaintext, wikitext, markdown, html, ...
    title: str | None = None
    subject: str | None = None  # what the article is about (its title or first bold name)
    references: tuple[Reference, ...] = ()
    claims: tuple[Claim, ...] = ()
    problems: tuple[str, ...] = ()  # one-line notes about what could not be parsed


class InputFailure(msgspec.Struct, frozen=True, gc=False):
    """An input that could not be read: the run goes on without it."""

    source: str
    message: str


class Redirect(msgspec.Struct, frozen=True, gc=False):
    url: str
    http_status: int


@compared_without("body")  # a Fetch equals the same Fetch without its page
class Fetch(msgspec.Struct, frozen=True, gc=False):
    """The result of fetching one URL (live, from a WARC, or from the store's cache)."""

    url: str
    status: LinkStatus
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Redirect, ...] = ()
    content_type: str | None = None
    body: bytes | None = None  # not in ==, hash() or repr()
    truncated: bool = False  # the body hit the size cap
    error: str | None = None
    elapsed_ms: float | None = None
    fetched_at: str | None = None  # ISO 8601 UTC
    from_cache: bool = False
    via: str = "live"  # live, replay, archive, cache


class Capture(msgspec.Struct, frozen=True, gc=False):
    """An archive lookup result. status UNKNOWN means "could not ask", never "none"."""

    original_url: str
    status: ArchiveStatus
    url: str | None = None  # the capture's playback URL
    timestamp: str | None = None  # 14 digits, YYYYMMDDhhmmss
    http_status: int | None = None  # the status the capture recorded
    error: str | None = None
    archive: str = "wayback"


class SourceText(msgspec.Struct, frozen=True, gc=False):
    """Main text of a cited source, with what the page says about itself."""

    url: str | None
    text: str
    sentences: tuple[str, ...]
    title: str | None = None
    author: str | None = None
    date: str | None = None
    site_name: str | None = None
    language: str | None = None


class Evidence(msgspec.Struct, frozen=True, gc=False):
    text: str
    score: float


class Verdict(msgspec.Struct, frozen=True, gc=False):
    claim_id: str
    reference_id: str | None  # None when judged against a --source given by hand
    verdict: VerdictLabel
    score: float
    evidence: tuple[Evidence, ...] = ()
    checks: tuple[Check, ...] = ()
    source_url: str | None = None
    missing: tuple[str, ...] = ()  # content terms of the claim the evidence lacks


class ReferenceResult(msgspec.Struct, frozen=True, gc=False):
    """What checking one reference produced: its link, its archive capture, its checks."""

    reference: Reference
    link: Fetch | None
    archive: Capture | None = None
    checks: tuple[Check, ...] = ()
