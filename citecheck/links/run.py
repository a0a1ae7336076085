"""One `citecheck links` run: collect -> policy -> cache -> fetch -> results -> report.

Each distinct URL is fetched once (its #fragment aside), however often it is
written; every occurrence gets its own LinkResult, in the order the links were
found. A link that passed within `max_age` comes from the store and is not fetched
again; failures are always checked again. The store is only touched from the
calling thread.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import msgspec

from citecheck.fetch import FetchOptions
from citecheck.links.cache import Answer, LinkCache
from citecheck.links.collect import CollectOptions, Page, collect_links, is_url_input
from citecheck.links.formats.report import DEFAULT_FAILING, LinksReport, Tally
from citecheck.links.local import (
    FragmentCache,
    check_local,
    remote_fragment_ok,
)
from citecheck.links.model import Link, LinkResult, fetch_key, fragment_of
from citecheck.links.policy import LinkPolicy
from citecheck.links.reads import PageReads, crawlable, page_of
from citecheck.links.spill import DEFAULT_BOUND, SpillList, SpillMap
from citecheck.models import Capture, Fetch, InputFailure, LinkStatus
from citecheck.network import Network, RunOptions

if TYPE_CHECKING:
    from citecheck.store import Store

ANSWER_BATCH = 1000  # links given their answers at a time

# (stage, done, total): the CLI turns this into a progress bar.
ProgressCallback = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def default_policy() -> LinkPolicy:
    return LinkPolicy.from_options(include=(), exclude=(), accept=None, ignore_file=None)


# A Struct, not a dataclass: start-up cost, see citecheck/models.py (gc=False: no cycles).
class LinksOptions(msgspec.Struct, frozen=True, gc=False):
    collect: CollectOptions = msgspec.field(default_factory=CollectOptions)
    policy: LinkPolicy = msgspec.field(default_factory=default_policy)
    fetch: FetchOptions = msgspec.field(default_factory=FetchOptions)
    db: Path | None = Path("citecheck.db")  # None: no cache, nothing stored
    max_age: timedelta = timedelta(days=1)
    replay: Path | None = None
    record: Path | None = None
    failing: frozenset[LinkStatus] = DEFAULT_FAILING
    sources: tuple[str, ...] = ()  # the inputs, so a later run can find this one to compare
    suggest: bool = False  # look up an archived copy of each failing web link
    suggest_limit: int = 100  # archive lookups a run at most (the others: a later run)
    wayback_url: str | None = None  # the Wayback Machine to ask (tests: a local one)

    def describe(self) -> dict[str, Any]:
        """The options as plain values, kept with the run in the store."""
        fetch = self.fetch
        return {
            "max_age_seconds": self.max_age.total_seconds(),
            "allow_private": fetch.allow_private,
            "offline": fetch.offline,
            "timeout": fetch.timeout,
            "max_concurrency": fetch.max_concurrency,
            "host_concurrency": fetch.host_concurrency,
            "host_request_interval": fetch.host_request_interval,
            "max_retries": fetch.max_retries,
            "include_fragments": self.collect.include_fragments,
            "replay": str(self.replay) if self.replay else None,
            "record": str(self.record) if self.record else None,
            "failing": sorted(status.value for status in self.failing),
            "sources": list(self.sources),
            "suggest": self.suggest,
            "insecure": fetch.insecure,
            "problems_kept": True,  # Store.PROBLEMS_KEPT: its failing links are kept
        }

    def network_options(self) -> RunOptions:
        return RunOptions(
            db=self.db or Path("citecheck.db"),
            max_age=self.max_age,
            fetch=self.fetch,
            replay=self.replay,
            record=self.record,
            archive=self.suggest,
            wayback_url=self.wayback_url,
            workers=self.fetch.max_concurrency,
        )


def _open_store(db: Path) -> Store:
    # loaded only for a run with a cache (sqlite3 and the store's modules)
    from citecheck.store import Store

    return Store(db)


def run_links(
    inputs: list[str],
    options: LinksOptions,
    *,
    stdin: IO[str] | None = None,
    progress: ProgressCallback = _no_progress,
    memory_bound: int = DEFAULT_BOUND,
) -> LinksReport:
    """Check every link of `inputs`; never raises for a problem with one link or input.

    At most `memory_bound` links, URLs and results per stage are held in memory; the
    rest spill to temporary files. Close the report (or use it in `with`) to remove
    its results' file at once.
    """
    started = time.monotonic()
    store = _open_store(options.db) if options.db is not None else None
    run_id: int | None = None
    try:
        run_id = store.start_run("links", options.describe()) if store is not None else None
        network = Network(options.network_options())
        distrust_https = (
            store is not None and not options.fetch.insecure
            and store.insecure_run_within(options.max_age)
        )
        cache = LinkCache(
            store, run_id, options.max_age, allow_private=options.fetch.allow_private,
            distrust_https=distrust_https,
        )
        status = "interrupted"
        archives: dict[str, Capture] | None = None
        try:
            results, failures, tally = _check(
                inputs, options, network, cache, stdin, progress, memory_bound
            )
            if options.suggest:
                from citecheck.links.suggest import suggest_archives, wanted_urls

                archives = suggest_archives(
                    wanted_urls(results), network, store, limit=options.suggest_limit,
                    progress=progress,
                )
            status = "complete"
        finally:
            network.close()
            cache.flush()  # what was fetched is kept, even when the run is interrupted
            if store is not None and run_id is not None:
                store.finish_run(run_id, status)
    finally:
        if store is not None:
            store.close()
    return LinksReport(
        results=results,
        input_failures=tuple(failures),
        failing=options.failing,
        elapsed_ms=round((time.monotonic() - started) * 1000, 1),
        root=Path.cwd(),
        run_id=run_id,
        tally=tally,
        archives=archives,
    )


def dump_links(
    inputs: list[str], options: LinksOptions, *, stdin: IO[str] | None = None
) -> Iterator[tuple[Link, str | None] | InputFailure]:
    """Every link of `inputs` as it would be checked (--remap applied), with why it would
    not be (--exclude, the ignore file) or None; nothing is checked, and nothing but a
    URL input's page is fetched."""
    network: Network | None = None

    def fetch_page(url: str) -> Page:
        nonlocal network
        if network is None:
            network = Network(msgspec.structs.replace(options, suggest=False).network_options())
        return page_of(network.fetcher.fetch(url))

    policy = options.policy
    try:
        for item in collect_links(
            inputs, options.collect, fetch_page=fetch_page, stdin=stdin,
            crawl=lambda url: crawlable(url, policy),
        ):
            if not isinstance(item, Link):
                yield InputFailure(item.source, item.message)
                continue
            yield _decided(item, policy)
    finally:
        if network is not None:
            network.close()


def new_failures(db: Path, report: LinksReport, sources: Sequence[str]) -> int:
    """Links failing in this run (by its failing statuses, --fail-on's included) that
    the previous run over the same inputs did not fail by them: a fetch, a local file,
    a #fragment or an invalid URL alike. With no earlier run, every failure is new."""
    failing_now = {result.link.url: result.status.value for result in report.failures}
    if report.run_id is None:
        return len(failing_now)
    from citecheck.store import Store

    failing = {status.value for status in report.failing}
    with Store(db) as store:
        return store.new_link_failures(report.run_id, sources, failing_now, failing)


def _compact(link: Link) -> Link:
    """The link as kept until the report: no text (in no output), and `written` the
    same string object as `url` when equal, so it is held (and pickled) once."""
    if link.text is None and (link.written is link.url or link.written != link.url):
        return link
    written = link.url if link.written == link.url else link.written
    return Link(link.url, link.origin, written, None, link.element)  # replace() costs 3x


def _check(
    inputs: list[str],
    options: LinksOptions,
    network: Network,
    cache: LinkCache,
    stdin: IO[str] | None,
    progress: ProgressCallback,
    bound: int,
) -> tuple[SpillList[LinkResult], list[InputFailure], Tally]:
    """Collect, look up and fetch at once: the links are collected (and looked up in
    the cache a chunk at a time) while the first uncached ones are being fetched."""

    reads = PageReads(network, options.policy, options.collect.include_fragments)
    failures: list[InputFailure] = []
    anchors = FragmentCache()  # each local target parsed once, however often it is linked
    shared: dict[str, str] = {}  # error texts and content types, kept once
    with contextlib.ExitStack() as scratch:
        # in link order: a result decided without fetching, or the link awaiting its fetch
        found: SpillList[Link | LinkResult] = scratch.enter_context(SpillList(bound=bound))
        distinct: SpillMap[None] = scratch.enter_context(SpillMap(bound=bound))
        # fetch key -> whether its body is wanted (a #fragment to look for)
        routed: SpillMap[bool] = scratch.enter_context(SpillMap(bound=bound))
        with_body: SpillList[str] = scratch.enter_context(SpillList(bound=bound))
        answers: SpillMap[Answer] = scratch.enter_context(SpillMap(bound=bound))
        count = _Progress(progress)
        early = _failed_last_time(cache, options, bound)
        for _ in early:
            count.more()
        # URLs whose last fetch failed, on their way to the engine (asked with GET at
        # once); each leaves when its answer comes back, so the set stays small
        failed_before: set[str] = set(early)

        def counted(key: str) -> None:
            if key not in early:
                count.more()

        def not_cached(chunk: list[str]) -> Iterator[str]:
            """The URLs of `chunk` with no fresh success in the cache and not on their
            way already; the others answered."""
            if early:
                chunk = [url for url in chunk if url not in early]
            lookup = cache.lookup(chunk, shared)
            for url in chunk:
                answer = lookup.answers.get(url)
                if answer is None:
                    if url in lookup.failed:
                        failed_before.add(url)
                    yield url
                else:
                    answers[url] = answer
                    count.done_one()

        def to_fetch() -> Iterator[str]:
            """Collects every link (into `found`) and yields the URLs to fetch live
            without their page, a cache lookup per chunk, as they are found.

            With --include-fragments a URL linked without a #fragment may be linked with
            one further on (and then needs its page): those wait until every link is
            collected, so no page is fetched twice.
            """
            fragments = options.collect.include_fragments
            chunk: list[str] = []
            for item in collect_links(
                inputs, options.collect, fetch_page=reads.fetch_page, stdin=stdin,
                crawl=reads.crawl,
            ):
                if not isinstance(item, Link):
                    failures.append(InputFailure(item.source, item.message))
                    continue
                link, reason = _decided(_compact(item), options.policy)
                distinct[link.url] = None
                if reason is not None:
                    found.append(LinkResult(link, LinkStatus.EXCLUDED, error=reason))
                    continue
                if link.is_local:
                    found.append(check_local(link, check_fragments=True, cache=anchors))
                    continue
                found.append(link)
                key = fetch_key(link.url)
                before = routed.get(key)
                if fragments and fragment_of(link.url):
                    if before is None:
                        counted(key)
                    if not before:
                        routed[key] = True
                elif before is None:
                    routed[key] = False
                    counted(key)
                    if key in reads.awaiting:
                        continue  # answered by the crawl's fetch of the page
                    if not fragments:
                        chunk.append(key)
                        if len(chunk) >= cache.LOOKUP_CHUNK:
                            yield from not_cached(chunk)
                            chunk = []
            if fragments:  # every link known: each URL goes one way, with its page or not
                for key, wants_body in routed.items():
                    if key in reads.awaiting:
                        continue  # answered by the crawl's read of the page
                    if wants_body:
                        with_body.append(key)
                        continue
                    chunk.append(key)
                    if len(chunk) >= cache.LOOKUP_CHUNK:
                        yield from not_cached(chunk)
                        chunk = []
            yield from not_cached(chunk)

        urls = to_fetch()
        # no engine is started for a run with nothing to fetch
        opening = list(early) if early else list(itertools.islice(urls, 1))
        if opening:
            workers = options.fetch.max_concurrency
            fetched = network.fetcher.fetch_many(
                urls, workers=workers, need_body=False, failed_before=failed_before,
                first=opening,
            )
            # an early answer for a URL not linked (yet) waits for the end of the
            # collection; if it is not linked at all it is dropped, not recorded: a
            # failure kept would make its URL a failure of this run too, asked for
            # again on every later run
            unclaimed: dict[str, Fetch] = {}
            for fetch in fetched:
                failed_before.discard(fetch.url)
                if fetch.url in early and fetch.url not in routed:
                    unclaimed[fetch.url] = fetch
                    continue
                cache.record(fetch)
                answers[fetch.url] = Answer.of(fetch, False, shared)
                count.done_one()
            for url, fetch in unclaimed.items():
                count.done_one()
                if url in routed:
                    cache.record(fetch)
                    answers[url] = Answer.of(fetch, False, shared)
        for url, kept, answered_from, wants_body in reads.answers(routed):
            cache.record(kept)  # recorded without its body, as every fetch is
            answers[url] = Answer.of(answered_from, wants_body, shared)
            count.done_one()
        unique_urls = len(distinct)
        distinct.close()
        routed.close()
        _fetch_bodies(with_body, network, cache, answers, shared, count, bound)

        results: SpillList[LinkResult] = SpillList(bound=bound)
        tally = Tally(options.failing, unique_urls=unique_urls)
        try:
            kept_problems = options.failing | {LinkStatus.BLOCKED}
            entries = iter(found)
            # the answers a batch of links needs, looked up together (one statement for
            # those spilled to disk, not one a link)
            while batch := list(itertools.islice(entries, ANSWER_BATCH)):
                known = answers.get_many(
                    fetch_key(entry.url) for entry in batch if isinstance(entry, Link)
                )
                for entry in batch:
                    result = (
                        entry if isinstance(entry, LinkResult)
                        else _result(entry, known[fetch_key(entry.url)], options)
                    )
                    results.append(result)
                    tally.add(result)
                    if result.status in kept_problems:  # for the next run's --fail-on new
                        cache.note_problem(result.link.url, result.status.value)
        except BaseException:
            results.close()
            raise
    return results, failures, tally


def _decided(link: Link, policy: LinkPolicy) -> tuple[Link, str | None]:
    """The link as it is to be checked (a URL --remap rewrites: the new one, as written
    kept in `written`), and why it is not to be, or None (LinkPolicy.decide)."""
    url, reason = policy.decide(link.url)
    if url == link.url:
        return link, reason
    return Link(url, link.origin, link.written, link.text, link.element), reason


def _failed_last_time(cache: LinkCache, options: LinksOptions, bound: int) -> set[str]:
    """What failed in the previous run over these inputs, fetched again first, while
    the documents are read: on a warm CI run these are most of the fetches, and their
    waits overlap the reading. None for stdin or unnamed inputs (any earlier run over
    "-" would match, whatever it read), and none excluded now. A pattern that matches
    only some link's #fragment does not hold its page back (the key has none): it was
    fetched last run, and its answer is dropped unless the page is linked again."""
    sources = options.sources
    if not sources or "-" in sources:
        return set()
    if options.collect.recursive and any(is_url_input(source) for source in sources):
        return set()  # a crawl reads its failing pages anyway: not asked twice
    return {
        url for url in cache.failed_last_time(sources, bound)
        if options.policy.excluded(url) is None
    }


class _Progress:
    """(done, total) of the URLs to answer; the total grows while links are collected."""

    def __init__(self, report: ProgressCallback) -> None:
        self.report = report
        self.done = 0
        self.total = 0

    def more(self) -> None:
        self.total += 1

    def done_one(self) -> None:
        self.done += 1
        self.report("links", self.done, self.total)


def _fetch_bodies(
    keys: SpillList[str],
    network: Network,
    cache: LinkCache,
    answers: SpillMap[Answer],
    shared: dict[str, str],
    count: _Progress,
    bound: int,
) -> None:
    """The pages whose #fragments are looked for: from the cache when it kept the body
    (read one by one), else fetched with their bodies."""
    if not keys:
        return
    with SpillList[str](bound=bound) as missing:
        for url in keys:
            fetched = answers.get(url)  # fetched first, without its page (run's early)
            if fetched is not None:
                if not fetched.status.is_success():
                    continue  # a failed page has no #fragment to look for
                count.more()  # fetched again, with its page
            cached = cache.fresh(url)
            if cached is not None:
                answers[url] = Answer.of(cached, True, shared)
                count.done_one()
            else:
                missing.append(url)
        if missing:
            workers = network.fetcher.options.max_concurrency
            for fetch in network.fetcher.fetch_many(missing, workers=workers, need_body=True):
                cache.record(fetch)
                answers[fetch.url] = Answer.of(fetch, True, shared)
                count.done_one()


def _result(link: Link, fetch: Answer, options: LinksOptions) -> LinkResult:
    status, error = fetch.status, fetch.error
    code = fetch.http_status
    if code is not None:
        status, error = _apply_accept(options.policy, status, error, code)
        if status is LinkStatus.OK and fetch.redirects:
            status = LinkStatus.REDIRECTED
    fragment = fragment_of(link.url) if options.collect.include_fragments else ""
    if (
        fragment
        and status.is_success()
        and fetch.body is not None
        and not remote_fragment_ok(fetch.body, fetch.content_type, fragment)
    ):
        status, error = LinkStatus.BROKEN, f"fragment #{fragment} not found"
    final_url = fetch.final_url
    if final_url is not None and final_url == link.url:
        final_url = link.url  # one string for both: held and pickled once
    return LinkResult(
        link=link,
        status=status,
        http_status=code,
        final_url=final_url,
        redirects=fetch.redirects,
        error=error,
        elapsed_ms=fetch.elapsed_ms,
        from_cache=fetch.from_cache,
        warning=status is LinkStatus.BLOCKED,
    )


def _apply_accept(
    policy: LinkPolicy, status: LinkStatus, error: str | None, code: int
) -> tuple[LinkStatus, str | None]:
    """--accept: an accepted code passes even when it is an error; a success the user
    did not accept fails. Soft 404s and timeouts are not about the code: left alone."""
    accepted = policy.accepts(code)
    if accepted and status in (LinkStatus.BROKEN, LinkStatus.BLOCKED) and error == f"HTTP {code}":
        return LinkStatus.OK, None
    if not accepted and status.is_success():
        return LinkStatus.BROKEN, f"HTTP {code} not accepted"
    return status, error
