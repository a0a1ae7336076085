"""The links cache answers a URL when its newest fresh fetch passed, from a real db;
when that fetch failed, the URL is named for a fetch with GET at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from citecheck.links.cache import LinkCache
from citecheck.models import Fetch, LinkStatus, Redirect
from citecheck.store import Store


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def test_the_newest_fresh_fetch_decides_and_stale_rows_are_ignored(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    names = ("page", "moved", "gone", "old", "back")
    page, moved, gone, old, back = (f"http://site.test/{name}" for name in names)
    fetches = [
        Fetch(page, LinkStatus.OK, 200, page, fetched_at=_iso(now - timedelta(hours=3))),
        # newer: the page now redirects; this row must be the answer
        Fetch(page, LinkStatus.OK, 200, f"{page}/v2", redirects=(Redirect(page, 301),),
              fetched_at=_iso(now - timedelta(hours=1))),
        Fetch(moved, LinkStatus.REDIRECTED, 200, f"{moved}/new",
              redirects=(Redirect(moved, 308),), fetched_at=_iso(now - timedelta(minutes=5))),
        # a newer failure outweighs the older success: the link is fetched again
        Fetch(gone, LinkStatus.OK, 200, gone, fetched_at=_iso(now - timedelta(hours=2))),
        Fetch(gone, LinkStatus.BROKEN, 404, gone, error="HTTP 404",
              fetched_at=_iso(now - timedelta(minutes=1))),
        Fetch(old, LinkStatus.OK, 200, old, fetched_at=_iso(now - timedelta(days=3))),
        # a failure too old to count says nothing: fetched again, HEAD first as usual
        Fetch(old, LinkStatus.BROKEN, 404, old, fetched_at=_iso(now - timedelta(days=2))),
        # an older failure is outweighed by the newer success
        Fetch(back, LinkStatus.TIMEOUT, None, back, fetched_at=_iso(now - timedelta(hours=5))),
        Fetch(back, LinkStatus.OK, 200, back, fetched_at=_iso(now - timedelta(hours=4))),
    ]
    with Store(tmp_path / "cache.db") as store:
        run_id = store.start_run("links", {})
        cache = LinkCache(store, run_id, timedelta(days=1))
        for fetch in fetches:
            cache.record(fetch)
        cache.flush()
        answers, failed = cache.lookup(
            [page, moved, gone, old, back, "http://site.test/never"], {}
        )

    assert set(answers) == {page, moved, back}
    assert failed == {gone}
    assert answers[page].final_url == f"{page}/v2"
    assert answers[page].redirects == (Redirect(page, 301),)
    assert answers[moved].status is LinkStatus.REDIRECTED
    assert answers[back].status is LinkStatus.OK and answers[back].error is None
    assert all(answer.from_cache for answer in answers.values())


def test_failed_last_time_names_the_previous_runs_failures_that_have_not_passed_since(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    down, back, old = "http://site.test/down", "http://site.test/back", "http://site.test/old"
    with Store(tmp_path / "cache.db") as store:
        first = store.start_run("links", {"sources": ["docs"]})
        cache = LinkCache(store, first, timedelta(days=1))
        for url in (down, back):
            cache.record(Fetch(url, LinkStatus.BROKEN, 404, url, fetched_at=_iso(now)))
        cache.record(Fetch(old, LinkStatus.BROKEN, 404, old,
                           fetched_at=_iso(now - timedelta(days=2))))
        cache.flush()
        store.finish_run(first)
        other = store.start_run("links", {"sources": ["elsewhere"]})
        store.record_fetches(other, [Fetch(back, LinkStatus.OK, 200, back,
                                           fetched_at=_iso(now + timedelta(seconds=1)))])
        store.finish_run(other)

        latest = store.start_run("links", {"sources": ["docs"]})
        cache = LinkCache(store, latest, timedelta(days=1))
        assert cache.failed_last_time(["docs"], limit=100) == [down]  # back passed since
        assert cache.failed_last_time(["elsewhere"], limit=100) == []
        assert cache.failed_last_time(["nowhere"], limit=100) == []
        assert LinkCache(store, latest, timedelta(0)).failed_last_time(["docs"], 100) == []


def test_a_run_that_refuses_private_addresses_takes_no_cached_answer_that_reached_one(
    tmp_path: Path,
) -> None:
    """A success fetched under --allow-private, of a private address or through a
    redirect to one, is not an answer for a run without it: fetched (and refused)."""
    now = _iso(datetime.now(UTC))
    loopback, local = "http://127.0.0.1:8000/a", "http://localhost/b"
    via = "https://public.example/go"  # redirected into the local network
    public = "https://public.example/page"
    with Store(tmp_path / "cache.db") as store:
        run_id = store.start_run("links", {})
        allowing = LinkCache(store, run_id, timedelta(days=1), allow_private=True)
        for url in (loopback, local, public):
            allowing.record(Fetch(url, LinkStatus.OK, 200, url, fetched_at=now))
        allowing.record(Fetch(via, LinkStatus.OK, 200, "http://10.0.0.7/in",
                              redirects=(Redirect(via, 302),), fetched_at=now))
        allowing.flush()
        urls = [loopback, local, via, public]
        assert set(allowing.lookup(urls, {}).answers) == set(urls)
        refusing = LinkCache(store, run_id, timedelta(days=1))
        assert set(refusing.lookup(urls, {}).answers) == {public}


def test_a_cached_page_kept_for_its_fragments_obeys_the_same_rule(tmp_path: Path) -> None:
    """The page read for a #fragment (`fresh`, with its body) is not taken from a fetch
    that reached a private address either."""
    now = _iso(datetime.now(UTC))
    private, public = "http://127.0.0.1:8000/page", "https://public.example/page"
    with Store(tmp_path / "cache.db") as store:
        run_id = store.start_run("check", {})
        for url in (private, public):
            store.record_fetch(run_id, Fetch(url, LinkStatus.OK, 200, url, body=b"<h1 id=a>",
                                             content_type="text/html", fetched_at=now))
        allowing = LinkCache(store, run_id, timedelta(days=1), allow_private=True)
        refusing = LinkCache(store, run_id, timedelta(days=1))
        assert allowing.fresh(private) is not None and refusing.fresh(private) is None
        assert refusing.fresh(public) is not None
