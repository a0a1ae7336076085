"""The links cache answers each URL with its newest fresh success, from a real db."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from citecheck.links.cache import LinkCache
from citecheck.models import Fetch, LinkStatus, Redirect
from citecheck.store import Store


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def test_newest_fresh_success_wins_and_failures_and_stale_rows_are_ignored(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    names = ("page", "moved", "gone", "old")
    page, moved, gone, old = (f"http://site.test/{name}" for name in names)
    fetches = [
        Fetch(page, LinkStatus.OK, 200, page, fetched_at=_iso(now - timedelta(hours=3))),
        # newer: the page now redirects; this row must be the answer
        Fetch(page, LinkStatus.OK, 200, f"{page}/v2", redirects=(Redirect(page, 301),),
              fetched_at=_iso(now - timedelta(hours=1))),
        Fetch(moved, LinkStatus.REDIRECTED, 200, f"{moved}/new",
              redirects=(Redirect(moved, 308),), fetched_at=_iso(now - timedelta(minutes=5))),
        # a newer failure is no answer (failures are always fetched again): the older
        # success still is
        Fetch(gone, LinkStatus.OK, 200, gone, fetched_at=_iso(now - timedelta(hours=2))),
        Fetch(gone, LinkStatus.BROKEN, 404, gone, error="HTTP 404",
              fetched_at=_iso(now - timedelta(minutes=1))),
        Fetch(old, LinkStatus.OK, 200, old, fetched_at=_iso(now - timedelta(days=3))),
    ]
    with Store(tmp_path / "cache.db") as store:
        run_id = store.start_run("links", {})
        cache = LinkCache(store, run_id, timedelta(days=1))
        for fetch in fetches:
            cache.record(fetch)
        cache.flush()
        answers = cache.fresh_answers([page, moved, gone, old, "http://site.test/never"], {})

    assert set(answers) == {page, moved, gone}
    assert answers[page].final_url == f"{page}/v2"
    assert answers[page].redirects == (Redirect(page, 301),)
    assert answers[moved].status is LinkStatus.REDIRECTED
    assert answers[gone].status is LinkStatus.OK and answers[gone].error is None
    assert all(answer.from_cache for answer in answers.values())
