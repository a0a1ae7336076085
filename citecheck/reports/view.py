"""A read-only view of a ReportJSON that the Markdown and HTML renderers share.

The report dict comes from the store and may be partial (a run killed half-way
leaves references without a link; an old report may lack a summary). Every
missing or ill-typed key is defaulted here, once, so the renderers never have
to ask whether a key exists.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from citecheck.models import ArchiveStatus, LinkStatus, VerdictLabel
from citecheck.schema import ReportJSON, SummaryJSON
from citecheck.store.urls import url_domain
from citecheck.summary import claim_verdict, is_dead_without_archive

PENDING = "pending"  # a reference whose link has not been checked yet
FIX_CHECK = "fix"  # a check whose message is the exact replacement text for the reference

LINK_ORDER: tuple[str, ...] = (*(s.value for s in LinkStatus), PENDING)
VERDICT_ORDER: tuple[str, ...] = tuple(v.value for v in VerdictLabel)
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")
_NOT_TOKEN = re.compile(r"[^a-z0-9_-]+")


@dataclass(frozen=True)
class CheckView:
    name: str
    level: str
    message: str


@dataclass(frozen=True)
class LinkView:
    status: str
    http_status: int | None = None
    final_url: str | None = None
    final_href: str | None = None
    from_cache: bool = False
    error: str | None = None
    redirects: int = 0


@dataclass(frozen=True)
class ReferenceView:
    id: str
    anchor: str  # unique in the whole report, usable as an HTML id
    marker: str
    document: str
    url: str | None
    href: str | None  # `url` when it is safe to link (http/https), else None
    domain: str | None
    title: str | None
    authors: tuple[str, ...]
    date: str | None
    work: str | None
    publisher: str | None
    access_date: str | None
    line: int | None
    link: LinkView
    archive_status: str | None  # an ArchiveStatus value, None when nobody asked
    archive_href: str | None  # the best archive copy: the capture, else the document's own
    archive_date: str | None
    checks: tuple[CheckView, ...]

    @property
    def label(self) -> str:
        """How a reader refers to this source: its marker and its title."""
        title = self.title or self.url or "untitled"
        return f"[{self.marker}] {title}"

    @property
    def is_dead_without_archive(self) -> bool:
        # The summary's rule, so list and count agree.
        return is_dead_without_archive(self.link.status, self.archive_status)


@dataclass(frozen=True)
class EvidenceView:
    text: str
    score: float | None


@dataclass(frozen=True)
class VerdictView:
    reference_id: str | None
    reference: ReferenceView | None
    verdict: str
    score: float | None
    evidence: tuple[EvidenceView, ...]
    checks: tuple[CheckView, ...]
    missing: tuple[str, ...]
    source_url: str | None
    source_href: str | None

    @property
    def source_label(self) -> str:
        if self.reference is not None:
            return self.reference.label
        if self.reference_id:
            return f"[{self.reference_id}]"
        return self.source_url or "source given by hand"

    @property
    def best_evidence(self) -> EvidenceView | None:
        if not self.evidence:
            return None
        return max(self.evidence, key=lambda e: e.score if e.score is not None else -1.0)

    @property
    def domain(self) -> str | None:
        if self.reference is not None and self.reference.domain:
            return self.reference.domain
        return url_domain(self.source_url)

    @property
    def link_status(self) -> str | None:
        return self.reference.link.status if self.reference is not None else None


@dataclass(frozen=True)
class ClaimView:
    id: str
    anchor: str
    document: str
    text: str
    context: str | None  # only when it says more than `text`
    markers: tuple[str, ...]
    line: int | None
    verdicts: tuple[VerdictView, ...]


@dataclass(frozen=True)
class DocumentView:
    source: str
    title: str | None
    kind: str | None
    subject: str | None
    problems: tuple[str, ...]
    references: tuple[ReferenceView, ...]
    claims: tuple[ClaimView, ...]

    @property
    def heading(self) -> str:
        return self.title or self.subject or self.source


@dataclass(frozen=True)
class Problem:
    """One line of the problems list, most serious category first."""

    category: str  # dead_link, not_supported, warning, document
    document: str
    message: str
    reference: ReferenceView | None = None
    claim: ClaimView | None = None
    verdict: VerdictView | None = None
    check: CheckView | None = None


@dataclass(frozen=True)
class RunView:
    id: str | None
    command: str | None
    status: str | None
    started_at: str | None
    finished_at: str | None


@dataclass(frozen=True)
class ReportView:
    documents: tuple[DocumentView, ...]
    summary: SummaryJSON
    run: RunView | None
    problems: tuple[Problem, ...] = field(default=())

    @property
    def claims(self) -> tuple[ClaimView, ...]:
        return tuple(c for d in self.documents for c in d.claims)

    @property
    def references(self) -> tuple[ReferenceView, ...]:
        return tuple(r for d in self.documents for r in d.references)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.category == "warning")

    @property
    def headline(self) -> str:
        return headline(self.summary, self.warnings, self.run)

    @property
    def is_complete(self) -> bool:
        return self.run is None or self.run.status in (None, "complete")

    @property
    def mood(self) -> str:
        """bad: problems; warn: warnings or an unfinished run; ok otherwise."""
        summary = self.summary
        if int(summary.get("dead_without_archive", 0)) + int(summary.get("not_supported", 0)):
            return "bad"
        return "warn" if self.warnings or not self.is_complete else "ok"

    @property
    def link_counts(self) -> list[tuple[str, int]]:
        """Links by status, references not checked yet counted as "pending"."""
        counts = dict(self.summary.get("links", {}))
        counts.setdefault(PENDING, int(self.summary.get("pending", 0)))
        return ordered_counts(counts, LINK_ORDER)

    @property
    def verdict_counts(self) -> list[tuple[str, int]]:
        return ordered_counts(self.summary.get("verdicts", {}), VERDICT_ORDER)


# -- small coercions: the report is data from outside, so trust no type --------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text if text.strip() else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(t for t in (_text(v) for v in _list(value)) if t is not None)


# -- URLs ----------------------------------------------------------------------


def safe_href(url: Any) -> str | None:
    """`url` if a browser may follow it: http(s) with a host; never `javascript:` or `data:`."""
    text = _text(url)
    if text is None:
        return None
    text = text.strip()
    if _CONTROL_OR_SPACE.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def archive_day(timestamp: Any) -> str | None:
    """"20190817123000" -> "2019-08-17"; anything else is passed on as given."""
    text = _text(timestamp)
    if text is None:
        return None
    if re.fullmatch(r"\d{8,14}", text):
        return f"{text[0:4]}-{text[4:6]}-{text[6:8]}"
    return text


# -- building ------------------------------------------------------------------


def _checks(value: Any) -> tuple[CheckView, ...]:
    checks = []
    for raw in _list(value):
        item = _dict(raw)
        name = _text(item.get("name")) or "check"
        level = _text(item.get("level")) or "info"
        checks.append(CheckView(name=name, level=level, message=_text(item.get("message")) or ""))
    return tuple(checks)


def _link(raw_ref: Mapping[str, Any]) -> LinkView:
    raw = raw_ref.get("link")
    if not isinstance(raw, Mapping) or not raw:
        return LinkView(status=PENDING)
    final_url = _text(raw.get("final_url"))
    return LinkView(
        status=_text(raw.get("status")) or PENDING,
        http_status=_int(raw.get("http_status")),
        final_url=final_url,
        final_href=safe_href(final_url),
        from_cache=raw.get("from_cache") is True,
        error=_text(raw.get("error")),
        redirects=len(_list(raw.get("redirects"))),
    )


def token(value: str | None) -> str:
    """A value made safe for a space-separated data- attribute, a CSS class or an id."""
    return _NOT_TOKEN.sub("_", (value or "none").lower())


def _unique(anchor: str, taken: set[str]) -> str:
    """Ids repeat across documents ("1" in each) and in damaged reports; anchors may not."""
    candidate, n = anchor, 1
    while candidate in taken:
        n += 1
        candidate = f"{anchor}-{n}"
    taken.add(candidate)
    return candidate


def _reference(
    raw: Mapping[str, Any], index: int, document: str, taken: set[str]
) -> ReferenceView:
    archive = _dict(raw.get("archive"))
    archive_status = _text(archive.get("status"))
    capture_href = safe_href(archive.get("url")) if archive_status == ArchiveStatus.FOUND else None
    own_href = safe_href(raw.get("archive_url"))
    if capture_href is not None:
        archive_href, archive_date = capture_href, archive_day(archive.get("timestamp"))
    elif own_href is not None:
        archive_href, archive_date = own_href, _text(raw.get("archive_date"))
    else:
        archive_href, archive_date = None, None
    url = _text(raw.get("url"))
    ref_id = _text(raw.get("id")) or f"ref-{index}"
    return ReferenceView(
        id=ref_id,
        anchor=_unique(f"ref-{token(ref_id)}", taken),
        marker=_text(raw.get("marker")) or ref_id,
        document=document,
        url=url,
        href=safe_href(url),
        domain=url_domain(url),
        title=_text(raw.get("title")),
        authors=_strings(raw.get("authors")),
        date=_text(raw.get("date")),
        work=_text(raw.get("work")),
        publisher=_text(raw.get("publisher")),
        access_date=_text(raw.get("access_date")),
        line=_int(raw.get("line")),
        link=_link(raw),
        archive_status=archive_status,
        archive_href=archive_href,
        archive_date=archive_date,
        checks=_checks(raw.get("checks")),
    )


def _verdict(raw: Mapping[str, Any], references: Mapping[str, ReferenceView]) -> VerdictView:
    ref_id = _text(raw.get("reference"))
    evidence = []
    for item in _list(raw.get("evidence")):
        entry = _dict(item)
        text = _text(entry.get("text"))
        if text is not None:
            evidence.append(EvidenceView(text=text, score=_float(entry.get("score"))))
    source_url = _text(raw.get("source_url"))
    return VerdictView(
        reference_id=ref_id,
        reference=references.get(ref_id) if ref_id else None,
        verdict=_text(raw.get("verdict")) or VerdictLabel.UNVERIFIABLE.value,
        score=_float(raw.get("score")),
        evidence=tuple(evidence),
        checks=_checks(raw.get("checks")),
        missing=_strings(raw.get("missing")),
        source_url=source_url,
        source_href=safe_href(source_url),
    )


def _claim(
    raw: Mapping[str, Any],
    index: int,
    document: str,
    references: Mapping[str, ReferenceView],
    taken: set[str],
) -> ClaimView:
    text = _text(raw.get("text")) or ""
    context = _text(raw.get("context"))
    if context is not None and context.strip() == text.strip():
        context = None
    claim_id = _text(raw.get("id")) or f"claim-{index}"
    return ClaimView(
        id=claim_id,
        anchor=_unique(f"claim-{token(claim_id)}", taken),
        document=document,
        text=text,
        context=context,
        markers=_strings(raw.get("markers")),
        line=_int(raw.get("line")),
        verdicts=tuple(_verdict(_dict(v), references) for v in _list(raw.get("verdicts"))),
    )


def _document(raw: Mapping[str, Any], index: int, taken: set[str]) -> DocumentView:
    source = _text(raw.get("source")) or f"document {index + 1}"
    references = tuple(
        _reference(_dict(r), i, source, taken) for i, r in enumerate(_list(raw.get("references")))
    )
    by_id = {r.id: r for r in references}
    claims = tuple(
        _claim(_dict(c), i, source, by_id, taken) for i, c in enumerate(_list(raw.get("claims")))
    )
    return DocumentView(
        source=source,
        title=_text(raw.get("title")),
        kind=_text(raw.get("kind")),
        subject=_text(raw.get("subject")),
        problems=_strings(raw.get("problems")),
        references=references,
        claims=claims,
    )


def _run(value: Any) -> RunView | None:
    raw = _dict(value)
    if not raw:
        return None
    return RunView(
        id=_text(raw.get("id")),
        command=_text(raw.get("command")),
        status=_text(raw.get("status")),
        started_at=_text(raw.get("started_at")),
        finished_at=_text(raw.get("finished_at")),
    )


def compute_summary(documents: tuple[DocumentView, ...]) -> SummaryJSON:
    """The summary the store would have written, from the documents alone."""
    references = [r for d in documents for r in d.references]
    claims = [c for d in documents for c in d.claims]
    links = Counter(r.link.status for r in references if r.link.status != PENDING)
    pending = sum(1 for r in references if r.link.status == PENDING)
    verdicts = Counter(v.verdict for c in claims for v in c.verdicts)
    dead = sum(1 for r in references if r.is_dead_without_archive)
    not_supported = sum(
        1
        for c in claims
        if claim_verdict((v.reference_id, v.verdict) for v in c.verdicts)
        == VerdictLabel.NOT_SUPPORTED.value
    )
    return {
        "references": len(references),
        "links": dict(sorted(links.items())),
        "pending": pending,
        "claims": len(claims),
        "verdicts": dict(sorted(verdicts.items())),
        "dead_without_archive": dead,
        "not_supported": not_supported,
        "problems": dead + not_supported,
    }


def _summary(value: Any, documents: tuple[DocumentView, ...]) -> SummaryJSON:
    """The report's own summary where it has one, each missing key computed."""
    computed = compute_summary(documents)
    given = _dict(value)
    merged: dict[str, Any] = dict(computed)
    for key in computed:
        if key in ("links", "verdicts"):
            counts = _dict(given.get(key))
            if counts and all(_int(n) is not None for n in counts.values()):
                merged[key] = dict(counts)
        elif _int(given.get(key)) is not None:
            merged[key] = given[key]
    return merged  # type: ignore[return-value]  # same keys as SummaryJSON, built as a dict


def _problems(documents: tuple[DocumentView, ...]) -> tuple[Problem, ...]:
    dead: list[Problem] = []
    unsupported: list[Problem] = []
    warnings: list[Problem] = []
    notes: list[Problem] = []
    for doc in documents:
        for ref in doc.references:
            if ref.is_dead_without_archive:
                dead.append(
                    Problem("dead_link", doc.source, f"{ref.label}: {ref.link.status}", ref)
                )
            for check in ref.checks:
                if check.level != "info":
                    warnings.append(
                        Problem("warning", doc.source, check.message, ref, check=check)
                    )
        for claim in doc.claims:
            # Listed only when the claim as a whole is not supported (the summary's rule):
            # one source that backs it, or the union of its sources, is enough.
            whole = claim_verdict((v.reference_id, v.verdict) for v in claim.verdicts)
            for verdict in claim.verdicts:
                if whole == VerdictLabel.NOT_SUPPORTED and verdict.verdict == whole:
                    unsupported.append(
                        Problem(
                            "not_supported",
                            doc.source,
                            f"{claim.text} ({verdict.source_label})",
                            verdict.reference,
                            claim,
                            verdict,
                        )
                    )
                for check in verdict.checks:
                    if check.level != "info":
                        warnings.append(
                            Problem(
                                "warning",
                                doc.source,
                                check.message,
                                verdict.reference,
                                claim,
                                verdict,
                                check,
                            )
                        )
        notes.extend(Problem("document", doc.source, note) for note in doc.problems)
    # Anachronisms first among warnings: a source dated after the claim it backs is
    # the warning a reviewer most needs to see; then errors before warnings.
    warnings.sort(
        key=lambda p: (
            p.check is None or p.check.name != "anachronism",
            p.check is None or p.check.level != "error",
        )
    )
    return (*dead, *unsupported, *warnings, *notes)


def build_view(report: ReportJSON | Mapping[str, Any]) -> ReportView:
    raw = _dict(report)
    taken: set[str] = set()
    documents = tuple(
        _document(_dict(d), i, taken) for i, d in enumerate(_list(raw.get("documents")))
    )
    return ReportView(
        documents=documents,
        summary=_summary(raw.get("summary"), documents),
        run=_run(raw.get("run")),
        problems=_problems(documents),
    )


def as_view(report: ReportJSON | Mapping[str, Any] | ReportView) -> ReportView:
    """The view of `report`, or `report` itself when a caller has built it already."""
    return report if isinstance(report, ReportView) else build_view(report)


class PreparedReport:
    """A report on its way to several formats: its view is built once, when first
    asked for (JSON needs it only when the report has no summary)."""

    def __init__(self, report: ReportJSON) -> None:
        self.report = report

    @cached_property
    def view(self) -> ReportView:
        return build_view(self.report)


# -- wording shared by the renderers -------------------------------------------


def fixes(checks: tuple[CheckView, ...]) -> list[CheckView]:
    return [c for c in checks if c.name == FIX_CHECK]


def other_checks(checks: tuple[CheckView, ...]) -> list[CheckView]:
    return [c for c in checks if c.name != FIX_CHECK]


def ordered_counts(counts: Mapping[str, Any], order: tuple[str, ...]) -> list[tuple[str, int]]:
    """Known statuses in their documented order, unknown ones after, alphabetically."""
    known = [(k, int(counts[k])) for k in order if _int(counts.get(k))]
    extra = sorted((str(k), int(n)) for k, n in counts.items() if k not in order and _int(n))
    return known + extra


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def headline(summary: SummaryJSON, warnings: int, run: RunView | None) -> str:
    dead = int(summary.get("dead_without_archive", 0))
    unsupported = int(summary.get("not_supported", 0))
    problems = dead + unsupported
    parts = []
    if dead:
        parts.append(plural(dead, "dead link") + " without an archive copy")
    if unsupported:
        parts.append(plural(unsupported, "claim not supported", "claims not supported"))
    if problems:
        text = f"{plural(problems, 'problem')}: " + ", ".join(parts)
    else:
        text = (
            f"No problems: {plural(int(summary.get('references', 0)), 'reference')}, "
            f"{plural(int(summary.get('claims', 0)), 'claim')} checked"
        )
    if warnings:
        text += f"; {plural(warnings, 'warning')}"
    if run is not None and run.status not in (None, "complete"):
        text += f" (incomplete run: {run.status})"  # same test as ReportView.is_complete
    return text


def humanize(status: str) -> str:
    """"soft_404" -> "soft 404", "partially_supported" -> "partially supported"."""
    return status.replace("_", " ")


def format_score(score: float | None) -> str:
    return "—" if score is None else f"{score:.2f}"
