"""Runs the stages over a set of documents and records everything as it arrives.

documents -> fetch (live / replay / cache) -> archive -> source text -> verdicts -> store

Each stage is a plain function of the ones before it; the store is written after
every item, so a run killed half-way keeps what it had and the next run reuses
fresh fetches. The store is only touched from this (the calling) thread.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec.structs

from citecheck.archive.drift import content_drift
from citecheck.archive.validate import validate_archive_link
from citecheck.fixes import suggest_fix
from citecheck.identifiers import (
    crossref_checks,
    identifier_checks,
    match_unlinked,
    no_url_hint,
    reference_check_url,
)
from citecheck.inputs import InputFailure, load_documents
from citecheck.models import (
    ArchiveStatus,
    Capture,
    Check,
    Document,
    Fetch,
    Level,
    LinkStatus,
    Reference,
    ReferenceResult,
    SourceText,
    VerdictLabel,
)
from citecheck.network import Network, RunOptions
from citecheck.schema import ReportJSON
from citecheck.store import Store
from citecheck.text import extract_source, source_from_text
from citecheck.verify import judge, judge_union, reference_checks, score_pair

# (stage, done, total): the CLI turns this into a progress bar.
ProgressCallback = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class RunOutcome:
    run_id: int
    report: ReportJSON
    input_failures: list[InputFailure]

    @property
    def problems(self) -> int:
        return int(self.report.get("summary", {}).get("problems", 0))


def is_http_url(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme.lower() in ("http", "https")


def source_of(fetch: Fetch) -> SourceText | None:
    """The main text of a fetched page, or None when nothing usable came back."""
    if fetch.body is None or not fetch.status.is_success():
        return None
    return extract_source(fetch.body, fetch.content_type, fetch.final_url or fetch.url)


def fetch_all(
    store: Store,
    run_id: int,
    urls: Iterable[str],
    network: Network,
    options: RunOptions,
    progress: ProgressCallback = _no_progress,
) -> tuple[dict[str, Fetch], dict[str, SourceText | None]]:
    """Fetch each distinct URL once (or reuse a fresh success from the store).

    Bodies are turned into source text as they arrive and then dropped, so memory
    does not grow with the size of the pages.
    """
    wanted = list(dict.fromkeys(urls))
    links: dict[str, Fetch] = {}
    sources: dict[str, SourceText | None] = {}
    to_fetch: list[str] = []
    for url in wanted:
        cached = (
            store.fresh_fetch(url, options.max_age, need_body=True)
            if options.max_age > timedelta(0)
            else None
        )
        if cached is not None:
            links[url] = msgspec.structs.replace(cached, body=None)
            sources[url] = source_of(cached)
        else:
            to_fetch.append(url)
    done = len(links)
    progress("fetch", done, len(wanted))
    for fetch in network.fetcher.fetch_many(to_fetch, workers=options.workers):
        store.record_fetch(run_id, fetch)
        links[fetch.url] = msgspec.structs.replace(fetch, body=None)
        sources[fetch.url] = source_of(fetch)
        done += 1
        progress("fetch", done, len(wanted))
    return links, sources


def link_checks(link: Fetch, capture: Capture | None) -> tuple[Check, ...]:
    """What the link and archive outcome mean for an editor."""
    status = link.status
    checks: list[Check] = []
    if status == LinkStatus.NO_URL:
        hint = link.error or "no URL: add one (or a DOI) so it can be checked"
        checks.append(Check("no_url", Level.INFO, hint))
    elif status.is_dead():
        detail = link.error or (f"HTTP {link.http_status}" if link.http_status else status.value)
        if capture is not None and capture.status == ArchiveStatus.FOUND:
            checks.append(
                Check("dead_link", Level.WARNING, f"dead ({detail}); archived copy {capture.url}")
            )
        elif capture is not None and capture.status == ArchiveStatus.UNKNOWN:
            checks.append(Check("dead_link", Level.ERROR, f"dead ({detail})"))
            checks.append(
                Check(
                    "archive_unknown",
                    Level.WARNING,
                    f"the archive could not be asked: {capture.error or 'unknown error'}",
                )
            )
        else:
            checks.append(Check("dead_link", Level.ERROR, f"dead ({detail}) and not archived"))
    elif status == LinkStatus.BLOCKED:
        checks.append(
            Check("blocked", Level.WARNING, f"HTTP {link.http_status}: inconclusive, not dead")
        )
    elif status in (LinkStatus.INVALID, LinkStatus.UNSUPPORTED):
        checks.append(Check(status.value, Level.WARNING, link.error or status.value))
    return tuple(checks)


def resolve_reference(
    store: Store,
    run_id: int,
    reference: Reference,
    links: dict[str, Fetch],
    sources: dict[str, SourceText | None],
    network: Network,
    document: Document | None = None,
    drift: bool = False,
    candidates: Sequence[tuple[str, SourceText]] = (),
) -> tuple[ReferenceResult, SourceText | None, SourceText | None]:
    """Link status, archive capture, source text and citation checks for one reference.

    Returns the result, the text to judge claims against (the live page, or the
    capture when the page is dead) and, with `drift`, the capture's text for a live page.
    """
    # Identifier problems (a malformed ISBN or DOI) and Crossref's word on a DOI.
    id_checks = identifier_checks(reference)
    if network.crossref is not None and dict(reference.identifiers).get("doi"):
        id_checks += crossref_checks(reference, network.crossref)
    url = reference_check_url(reference)  # its URL, else the DOI / arXiv / PubMed URL
    if not url:
        link = Fetch(url="", status=LinkStatus.NO_URL, error=no_url_hint(reference))
        checks = link_checks(link, None) + id_checks
        # No URL: a page given with --source (or found in the replay WARC) that fits the
        # citation's title, work and date can still be judged.
        matched = match_unlinked(reference, candidates) if candidates else None
        if matched is None:
            return ReferenceResult(reference, link, None, checks), None, None
        matched_url, score = matched
        checks += (
            Check(
                "matched_source",
                Level.INFO,
                f"no URL; matched by title, work and date to {matched_url} (score {score})",
            ),
        )
        return ReferenceResult(reference, link, None, checks), dict(candidates)[matched_url], None
    link = links[url]
    source = sources.get(url)
    capture: Capture | None = None
    archived_source: SourceText | None = None
    wants_archive = link.status.is_dead() or bool(reference.access_date)
    if wants_archive and is_http_url(url):
        capture = lookup_capture(store, url, reference, network)
        found = capture is not None and capture.status == ArchiveStatus.FOUND
        if found and capture is not None and (link.status.is_dead() or drift):
            archived = network.fetch_capture(capture)
            if archived is not None:
                store.record_fetch(run_id, archived)
                archived_source = source_of(archived)
                if link.status.is_dead():
                    source, archived_source = archived_source, None
    checks = link_checks(link, capture) + id_checks
    if reference.archive_url or reference.url_status:
        # The archive link the citation already carries: same page, loads, right date?
        checks += validate_archive_link(
            reference, wayback=network.wayback, fetch=network.fetcher.fetch, link=link
        )
    fix = suggest_fix(reference, link.status, capture, document.kind if document else "")
    if fix is not None:
        checks += (Check("fix", Level.INFO, fix.text),)
    if source is not None:
        # Metadata against the page's own (title, date, author, work), mirrors, copies.
        checks += reference_checks(
            reference,
            source,
            subject=document.subject if document else None,
            article_text=article_text(document) if document else None,
        )
    return ReferenceResult(reference, link, capture, checks), source, archived_source


def article_text(document: Document) -> str:
    """The article's own sentences: a source repeating them word for word is a mirror."""
    return " ".join(claim.text for claim in document.claims)


def lookup_capture(
    store: Store, url: str, reference: Reference, network: Network
) -> Capture | None:
    """The capture of `url` closest to the access-date (else the publication date, else now)."""
    wanted = reference.access_date or reference.date
    replaying = network.replay_archive is not None
    if not replaying:
        cached = store.cached_capture(url, wanted)
        if cached is not None:
            return cached
    capture = network.lookup(url, wanted)
    # A replay WARC is one small archive: "not in it" must not be cached as "not archived".
    if capture is not None and not replaying:
        store.save_capture(capture, wanted)
    return capture


def judge_claims(
    store: Store,
    run_id: int,
    document_id: int,
    document: Document,
    sources: dict[str, SourceText | None],
    archived: dict[str, SourceText | None] | None = None,
) -> None:
    """Judge each claim against each reference it cites (and, when it cites several,
    against their union), and store the verdicts. With `archived` (capture texts of
    live pages), a claim backed by one text and not the other gets `content_drift`."""
    by_marker = {reference.marker: reference for reference in document.references}
    for claim in document.claims:
        markers = dict.fromkeys(claim.markers)
        cited = [by_marker[marker] for marker in markers if marker in by_marker]
        for reference in cited:
            verdict = judge(
                claim,
                sources.get(reference.id),
                reference=reference,
                subject=document.subject,
                citation_checks=False,  # reference_checks ran once per reference
            )
            then = (archived or {}).get(reference.id)
            if then is not None:
                drift = content_drift(claim, reference, sources.get(reference.id), then, judge)
                if drift is not None:
                    verdict = msgspec.structs.replace(verdict, checks=(*verdict.checks, drift))
            store.save_verdict(run_id, document_id, verdict)
        if len(cited) > 1:
            union = judge_union(
                claim, [(ref, sources.get(ref.id)) for ref in cited], subject=document.subject
            )
            store.save_verdict(run_id, document_id, union)


def check_documents(
    store: Store,
    run_id: int,
    documents: list[Document],
    network: Network,
    options: RunOptions,
    progress: ProgressCallback = _no_progress,
) -> None:
    document_ids = [store.save_document(run_id, document) for document in documents]
    urls = [
        url
        for document in documents
        for reference in document.references
        if (url := reference_check_url(reference))
    ]
    links, live_sources = fetch_all(store, run_id, urls, network, options, progress)
    total = sum(len(document.references) for document in documents)
    candidates = candidate_sources(options, network) if _has_unlinked(documents) else []
    done = 0
    for number, (document, document_id) in enumerate(
        zip(documents, document_ids, strict=True), start=1
    ):
        by_reference: dict[str, SourceText | None] = {}
        archived: dict[str, SourceText | None] = {}
        for reference in document.references:
            result, source, then = resolve_reference(
                store,
                run_id,
                reference,
                links,
                live_sources,
                network,
                document,
                options.drift,
                candidates,
            )
            store.save_reference_result(run_id, document_id, result)
            by_reference[reference.id] = source
            archived[reference.id] = then
            done += 1
            progress("archive", done, total)
        judge_claims(store, run_id, document_id, document, by_reference, archived)
        progress("articles", number, len(documents))


def _has_unlinked(documents: list[Document]) -> bool:
    return any(
        reference_check_url(reference) is None
        for document in documents
        for reference in document.references
    )


def candidate_sources(options: RunOptions, network: Network) -> list[tuple[str, SourceText]]:
    """Pages a reference without a URL may be matched to: --source files and URLs, and
    the successful HTML or text pages of the replay WARC."""
    found: list[tuple[str, SourceText]] = []
    for spec in options.sources:
        reference, text, _ = load_source(spec, network)
        if text is not None and text.sentences:
            found.append((reference.url or spec, text))
    if network.replay_records is not None:  # the WARC the network has read already
        for record in network.replay_records.values():
            kind = dict((k.lower(), v) for k, v in record.headers).get("content-type", "")
            if record.status == 200 and ("html" in kind or "text" in kind):
                text = extract_source(record.body, kind, record.url)
                if text.sentences:
                    found.append((record.url, text))
    return found


def run_check(
    inputs: list[str], options: RunOptions, progress: ProgressCallback = _no_progress
) -> RunOutcome:
    """`citecheck check`: every document's references checked and its claims judged."""
    documents, failures = load_documents(
        inputs,
        wiki=options.wiki,
        titles=options.titles,
        mediawiki_api=options.mediawiki_api,
    )
    return _run("check", options, progress, failures, lambda store, run_id, network: (
        check_documents(store, run_id, documents, network, options, progress)
    ))


def _run(
    command: str,
    options: RunOptions,
    progress: ProgressCallback,
    failures: list[InputFailure],
    body: Callable[[Store, int, Network], None],
) -> RunOutcome:
    store = Store(options.db)
    try:
        run_id = store.start_run(command, options.describe())
        network = Network(options)
        status = "interrupted"
        try:
            body(store, run_id, network)
            status = "complete"
        finally:
            network.close()
            store.finish_run(run_id, status)
        return RunOutcome(run_id, store.load_report(run_id), failures)
    finally:
        store.close()


def new_problem_count(db: Path, outcome: RunOutcome, command: str) -> int:
    """Problems of this run that the previous run over the same documents did not have."""
    sources = [str(document.get("source")) for document in outcome.report.get("documents", [])]
    with Store(db) as store:
        return store.new_problem_count(outcome.run_id, command, sources, outcome.problems)


# --- verify: an article's claims against sources given by hand -----------------

_HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def load_source(spec: str, network: Network) -> tuple[Reference, SourceText | None, str | None]:
    """A --source argument (file or URL) as a pseudo-reference, its text, and any error."""
    # The id comes from the argument itself, so it is stable across runs.
    source_id = "source-" + hashlib.sha1(spec.encode()).hexdigest()[:8]
    if is_http_url(spec):
        fetch = network.fetcher.fetch(spec)
        source = source_of(fetch)
        error = None if source else f"{spec}: {fetch.status.value} {fetch.error or ''}".strip()
        title = source.title if source else None
        return Reference(id=source_id, marker=source_id, url=spec, title=title), source, error
    path = Path(spec)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return Reference(id=source_id, marker=source_id), None, f"{spec}: {reason}"
    if path.suffix.lower() in _HTML_SUFFIXES or data.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        source = extract_source(data, "text/html", None)
    else:
        source = extract_source(data, "text/plain", None)
    title = source.title or path.name
    return Reference(id=source_id, marker=source_id, title=title, raw=spec), source, None


def run_verify(
    article: str,
    source_specs: list[str],
    options: RunOptions,
    progress: ProgressCallback = _no_progress,
) -> tuple[RunOutcome, list[str]]:
    """`citecheck verify`: every claim of ARTICLE judged against every --source."""
    documents, failures = load_documents([article])
    source_errors: list[str] = []

    def body(store: Store, run_id: int, network: Network) -> None:
        if not documents:
            return
        given = [load_source(spec, network) for spec in source_specs]
        source_errors.extend(error for _, _, error in given if error)
        references = tuple(ref for ref, _, _ in given)
        document = msgspec.structs.replace(documents[0], references=references)
        document_id = store.save_document(run_id, document)
        texts = {ref.id: text for ref, text, _ in given}
        for done, claim in enumerate(document.claims, start=1):
            for reference, _, _ in given:
                verdict = judge(
                    claim, texts[reference.id], reference=reference, subject=document.subject
                )
                store.save_verdict(run_id, document_id, verdict)
            progress("verify", done, len(document.claims))

    return _run("verify", options, progress, failures, body), source_errors


# --- score: the bulk interface ------------------------------------------------


def score_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Read `{"id", "claim", "source"}` lines, yield `{"id", "verdict", "score", "evidence"}`.

    A malformed line yields `{"id", "verdict": "unverifiable", "error"}` and the
    stream goes on.
    """

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
            claim, text = item.get("claim"), item.get("source")
            if not isinstance(claim, str) or not isinstance(text, str):
                raise ValueError('needs string fields "claim" and "source"')
        except ValueError as error:
            yield {
                "id": None,
                "line": number,
                "verdict": VerdictLabel.UNVERIFIABLE.value,
                "score": 0.0,
                "evidence": [],
                "error": f"line {number}: {error}",
            }
            continue
        label, score, evidence, missing = score_pair(claim, source_from_text(text))
        yield {
            "id": item.get("id"),
            "verdict": label.value,
            "score": round(score, 4),
            "evidence": [{"text": e.text, "score": round(e.score, 4)} for e in evidence],
            "missing": missing,
        }


