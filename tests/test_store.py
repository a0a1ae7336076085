"""The SQLite store, against real database files under tmp_path."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from citecheck.errors import StoreError
from citecheck.models import (
    ArchiveStatus,
    Capture,
    Check,
    Claim,
    Document,
    Evidence,
    Fetch,
    Level,
    LinkStatus,
    Redirect,
    Reference,
    ReferenceResult,
    Verdict,
    VerdictLabel,
)
from citecheck.schema import SCHEMA
from citecheck.store import Store, codec
from citecheck.store.migrations import apply_migrations, migration_names
from citecheck.store.tables import APPLICATION_ID, SCHEMA_VERSION

ALL_TABLES = {
    "runs",
    "documents",
    "refs",
    "claims",
    "fetches",
    "bodies",
    "captures",
    "reference_results",
    "verdicts",
    "schema_migrations",
}


def ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "citecheck.db"


@pytest.fixture
def store(db_path: Path):
    opened = Store(db_path)
    yield opened
    opened.close()


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("select name from sqlite_master where type='table'")}


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"select count(*) from {table}").fetchone()[0])
    finally:
        conn.close()


# fixtures: a fictional article on reserved domains

REF_LIVE = Reference(
    id="ref-harbor",
    marker="1",
    url="https://news.example/harbor-opens",
    title="Harbor bridge opens to traffic",
    authors=("Ada Quill", "Bo Rentz"),
    date="2019-08",
    work="Example News",
    publisher="Example Media",
    access_date="2020-01-05",
    archive_url="https://archive.example/20190901000000/https://news.example/harbor-opens",
    archive_date="2019-09-01",
    url_status="live",
    quote="The bridge opened on Monday.",
    kind="news",
    identifiers=(("issn", "0000-0000"), ("doi", "10.0000/example.1")),
    raw="{{cite news |url=https://news.example/harbor-opens}}",
    line=12,
    extra=(("location", "Exampleton"),),
)
REF_DEAD_ARCHIVED = Reference(id="ref-mayor", marker="2", url="https://city.example/mayor")
REF_DEAD_LOST = Reference(id="ref-budget", marker="3", url="https://budget.test/2018")
REF_BLOCKED = Reference(id="ref-paywall", marker="4", url="https://paper.example/story")
REF_BOOK = Reference(id="ref-book", marker="5", title="A History of Exampleton", date="2001")

CLAIM_BRIDGE = Claim(
    id="c1",
    text="The harbor bridge opened in August 2019.",
    markers=("1", "2"),
    context="Construction began in 2016. The harbor bridge opened in August 2019.",
    line=3,
)
CLAIM_BUDGET = Claim(id="c2", text="The budget doubled.", markers=("3",), line=5)

DOCUMENT = Document(
    source="articles/exampleton.wiki",
    kind="wikitext",
    title="Exampleton",
    subject="Exampleton",
    references=(REF_LIVE, REF_DEAD_ARCHIVED, REF_DEAD_LOST, REF_BLOCKED, REF_BOOK),
    claims=(CLAIM_BRIDGE, CLAIM_BUDGET),
    problems=("line 40: unclosed template",),
)

ANACHRONISM = Check("anachronism", Level.WARNING, "accessed before it was published")

RESULTS = {
    "ref-harbor": ReferenceResult(
        reference=REF_LIVE,
        link=Fetch(
            url=REF_LIVE.url or "",
            status=LinkStatus.REDIRECTED,
            http_status=200,
            final_url="https://news.example/2019/harbor-opens",
            redirects=(Redirect("https://news.example/harbor-opens", 301),),
            content_type="text/html",
            body=b"<html>never stored with a result</html>",
            elapsed_ms=12.5,
            fetched_at="2026-01-01T00:00:00+00:00",
            from_cache=True,
        ),
        archive=None,
        checks=(ANACHRONISM,),
    ),
    "ref-mayor": ReferenceResult(
        reference=REF_DEAD_ARCHIVED,
        link=Fetch(url=REF_DEAD_ARCHIVED.url or "", status=LinkStatus.BROKEN, http_status=404),
        archive=Capture(
            original_url=REF_DEAD_ARCHIVED.url or "",
            status=ArchiveStatus.FOUND,
            url="https://web.archive.example/web/20190101000000/https://city.example/mayor",
            timestamp="20190101000000",
            http_status=200,
        ),
    ),
    "ref-budget": ReferenceResult(
        reference=REF_DEAD_LOST,
        link=Fetch(
            url=REF_DEAD_LOST.url or "",
            status=LinkStatus.UNREACHABLE,
            error="connection refused",
        ),
        archive=Capture(original_url=REF_DEAD_LOST.url or "", status=ArchiveStatus.NOT_FOUND),
    ),
    "ref-paywall": ReferenceResult(
        reference=REF_BLOCKED,
        link=Fetch(url=REF_BLOCKED.url or "", status=LinkStatus.BLOCKED, http_status=403),
    ),
    "ref-book": ReferenceResult(reference=REF_BOOK, link=None),
}

VERDICTS = (
    Verdict(
        claim_id="c1",
        reference_id="ref-harbor",
        verdict=VerdictLabel.SUPPORTED,
        score=0.8125,
        evidence=(Evidence("The bridge opened on Monday, 19 August 2019.", 0.8125),),
        checks=(Check("date_match", Level.INFO, "dates agree"),),
        source_url="https://news.example/2019/harbor-opens",
    ),
    Verdict(
        claim_id="c1",
        reference_id="ref-mayor",
        verdict=VerdictLabel.PARTIALLY_SUPPORTED,
        score=0.5,
        evidence=(Evidence("The mayor spoke at the bridge.", 0.4), Evidence("In August.", 0.3)),
        missing=("opened",),
    ),
    Verdict(
        claim_id="c2",
        reference_id="ref-budget",
        verdict=VerdictLabel.NOT_SUPPORTED,
        score=0.05,
        checks=(Check("no_overlap", Level.ERROR, "no sentence shares the claim's terms"),),
    ),
)


def plain_report(store: Store, run_id: int | None = None) -> dict[str, Any]:
    """The report as a renderer would see it after JSON: plain dicts and lists."""
    return json.loads(json.dumps(store.load_report(run_id)))


def save_full_run(store: Store) -> tuple[int, int]:
    run_id = store.start_run("check", {"max_age_days": 7, "offline": False})
    document_id = store.save_document(run_id, DOCUMENT)
    for result in RESULTS.values():
        store.save_reference_result(run_id, document_id, result)
    for verdict in VERDICTS:
        store.save_verdict(run_id, document_id, verdict)
    store.finish_run(run_id)
    return run_id, document_id


# migrations


def test_new_file_gets_every_table_and_records_every_migration(db_path: Path) -> None:
    Store(db_path).close()
    assert table_names(db_path) >= ALL_TABLES
    assert count(db_path, "schema_migrations") == len(migration_names())


def test_reopening_applies_nothing_twice_and_keeps_data(db_path: Path) -> None:
    first = Store(db_path)
    run_id = first.start_run("check", {})
    first.close()
    second = Store(db_path)
    assert second.latest_run_id() == run_id
    second.close()
    assert count(db_path, "schema_migrations") == len(migration_names())


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_the_schema_version_counts_the_migrations(db_path: Path) -> None:
    assert len(migration_names()) == SCHEMA_VERSION
    Store(db_path).close()
    assert _user_version(db_path) == SCHEMA_VERSION


def test_a_current_file_written_before_the_schema_version_gets_it(db_path: Path) -> None:
    old = Database(db_path)
    apply_migrations(old)
    old.execute("PRAGMA user_version = 0")  # as files made before the version was kept
    old.close()

    Store(db_path).close()

    assert _user_version(db_path) == SCHEMA_VERSION
    assert count(db_path, "schema_migrations") == len(migration_names())


def test_a_file_from_a_newer_citecheck_keeps_its_higher_version(db_path: Path) -> None:
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.close()

    with Store(db_path) as store:
        store.start_run("links", {})

    assert _user_version(db_path) == SCHEMA_VERSION + 3


def test_another_programs_file_with_the_same_user_version_is_still_migrated(
    db_path: Path,
) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("create table notes (body text)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # by chance the same number
    conn.commit()
    conn.close()

    with Store(db_path) as store:
        run_id = store.start_run("links", {})

    assert run_id == 1
    assert table_names(db_path) >= ALL_TABLES | {"notes"}
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_store_uses_wal_and_a_long_busy_timeout(store: Store) -> None:
    assert store.db.journal_mode == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000


def test_an_older_schema_is_upgraded_on_open(db_path: Path) -> None:
    names = migration_names()
    old = Database(db_path)
    apply_migrations(old, stop_before=names[1])
    old.table("runs").insert(
        {"command": "check", "options": "{}", "started_at": ago(days=3), "status": "complete"}
    )
    old.close()
    assert "fetches" not in table_names(db_path)

    store = Store(db_path)
    try:
        assert table_names(db_path) >= ALL_TABLES
        assert [run["command"] for run in store.runs()] == ["check"]
        store.record_fetch(None, Fetch(url="https://up.example/", status=LinkStatus.OK))
    finally:
        store.close()
    assert count(db_path, "schema_migrations") == len(names)
    assert _user_version(db_path) == SCHEMA_VERSION



def test_a_file_from_before_m005_gets_each_urls_newest_fetch_and_one_url_index(
    db_path: Path,
) -> None:
    old = Database(db_path)
    apply_migrations(old, stop_before="m005_newest_fetch_per_url")
    history = [  # (url, status, hours ago)
        ("https://up.example/", LinkStatus.OK, 5),
        ("https://up.example/", LinkStatus.BROKEN, 1),  # the newest: it decides
        ("https://down.example/", LinkStatus.TIMEOUT, 3),
        ("https://down.example/", LinkStatus.OK, 2),
    ]
    for url, status, hours in history:
        old.table("fetches").insert(
            codec.fetch_row(None, Fetch(url=url, status=status, fetched_at=ago(hours=hours)), None)
        )
    old.close()

    def fetch_indexes() -> set[str]:
        with sqlite3.connect(db_path) as conn:
            rows = conn.execute("select name from pragma_index_list('fetches')").fetchall()
        return {name for (name,) in rows if not name.startswith("sqlite_")}

    assert "idx_fetches_url_fetched_at" in fetch_indexes()
    with Store(db_path) as store:
        day = timedelta(days=1)
        found = store.recent_statuses(["https://up.example/", "https://down.example/"], day)
        assert {url: row.status for url, row in found.items()} == {
            "https://up.example/": "broken", "https://down.example/": "ok"
        }
        # a fetch recorded late but made earlier (another run's) does not win
        store.record_fetch(
            None, Fetch(url="https://up.example/", status=LinkStatus.OK, fetched_at=ago(hours=2))
        )
        assert store.recent_statuses(["https://up.example/"], day)["https://up.example/"].status \
            == "broken"
        # one made later wins, whichever way it is recorded
        store.record_fetch(None, Fetch(url="https://up.example/", status=LinkStatus.OK))
        store.record_fetches(
            None, [Fetch(url="https://down.example/", status=LinkStatus.BROKEN)]
        )
        found = store.recent_statuses(["https://up.example/", "https://down.example/"], day)
        assert {url: row.status for url, row in found.items()} == {
            "https://up.example/": "ok", "https://down.example/": "broken"
        }
        assert store.recent_statuses(["https://up.example/"], timedelta(0)) == {}
    assert fetch_indexes() == {
        "idx_fetches_url_fetched_epoch", "idx_fetches_domain", "idx_fetches_run_id"
    }

def test_a_file_that_is_not_a_database_is_a_one_line_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are plain notes, not SQLite\n" * 200)
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert "\n" not in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_path_that_cannot_be_opened_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open"):
        Store(tmp_path / "missing-folder" / "citecheck.db")


def test_a_foreign_database_that_cannot_be_upgraded_is_a_store_error(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("create table runs (something_else text)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="upgrade"):
        Store(db_path)


# runs


def test_runs_are_listed_with_status_and_options(store: Store) -> None:
    first = store.start_run("check", {"exclude": ["*.test"], "db": Path("a.db")})
    second = store.start_run("verify", {})
    store.finish_run(first, "interrupted")
    runs = store.runs()
    assert [run["id"] for run in runs] == [first, second]
    assert runs[0]["status"] == "interrupted"
    assert runs[0]["finished_at"] is not None
    assert runs[0]["options"] == {"exclude": ["*.test"], "db": "a.db"}
    assert runs[1]["status"] == "running"
    assert runs[1]["finished_at"] is None
    assert store.latest_run_id() == second


def test_an_unknown_run_status_is_refused(store: Store) -> None:
    run_id = store.start_run("check", {})
    with pytest.raises(StoreError, match="unknown run status"):
        store.finish_run(run_id, "exploded")
    with pytest.raises(StoreError, match="no run 42"):
        store.finish_run(42)


# fetch history and cache


def test_fetch_history_is_append_only(store: Store, db_path: Path) -> None:
    url = "https://history.example/page"
    first = store.record_fetch(None, Fetch(url=url, status=LinkStatus.OK, fetched_at=ago(days=2)))
    second = store.record_fetch(
        None, Fetch(url=url, status=LinkStatus.BROKEN, http_status=404, fetched_at=ago(hours=1))
    )
    assert first != second
    assert count(db_path, "fetches") == 2
    history = store.fetch_history(url)
    assert [fetch.status for fetch in history] == [LinkStatus.OK, LinkStatus.BROKEN]
    assert history[1].http_status == 404


def test_fresh_fetch_returns_a_recent_success_with_its_body(store: Store) -> None:
    url = "https://fresh.example/a"
    run_id = store.start_run("check", {})
    store.record_fetch(
        run_id,
        Fetch(
            url=url,
            status=LinkStatus.REDIRECTED,
            http_status=200,
            final_url="https://fresh.example/b",
            redirects=(Redirect(url, 302),),
            content_type="text/html; charset=utf-8",
            body="<p>Café</p>".encode(),
            truncated=True,
            elapsed_ms=41.0,
            fetched_at=ago(hours=2),
            via="replay",
        ),
    )
    cached = store.fresh_fetch(url, timedelta(days=1))
    assert cached is not None
    assert cached.from_cache is True
    assert cached.body == "<p>Café</p>".encode()
    assert cached.status is LinkStatus.REDIRECTED
    assert cached.final_url == "https://fresh.example/b"
    assert cached.redirects == (Redirect(url, 302),)
    assert cached.content_type == "text/html; charset=utf-8"
    assert cached.truncated is True
    assert cached.via == "replay"


def test_fresh_fetch_ignores_fetches_older_than_max_age(store: Store) -> None:
    url = "https://stale.example/"
    store.record_fetch(None, Fetch(url=url, status=LinkStatus.OK, fetched_at=ago(days=10)))
    assert store.fresh_fetch(url, timedelta(days=7)) is None
    assert store.fresh_fetch(url, timedelta(days=11)) is not None


def test_fresh_fetch_never_reuses_a_failure(store: Store) -> None:
    url = "https://flaky.example/"
    store.record_fetch(None, Fetch(url=url, status=LinkStatus.TIMEOUT, fetched_at=ago(minutes=1)))
    assert store.fresh_fetch(url, timedelta(days=1)) is None

    # a success after the failure is reused
    store.record_fetch(
        None, Fetch(url=url, status=LinkStatus.OK, body=b"up", fetched_at=ago(seconds=30))
    )
    cached = store.fresh_fetch(url, timedelta(days=1))
    assert cached is not None
    assert cached.status is LinkStatus.OK
    assert cached.body == b"up"


def test_a_later_failure_outweighs_an_earlier_success(store: Store) -> None:
    url = "https://went-down.example/"
    store.record_fetch(
        None, Fetch(url=url, status=LinkStatus.OK, body=b"up", fetched_at=ago(hours=3))
    )
    store.record_fetch(
        None, Fetch(url=url, status=LinkStatus.BROKEN, http_status=500, fetched_at=ago(minutes=2))
    )
    assert store.fresh_fetch(url, timedelta(days=1)) is None
    assert store.fresh_fetch(url, timedelta(days=1), need_body=True) is None


def test_fresh_fetch_picks_the_newest_success_whatever_the_timestamp_spelling(
    store: Store,
) -> None:
    url = "https://spelling.example/"
    newer = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    store.record_fetch(None, Fetch(url=url, status=LinkStatus.OK, body=b"new", fetched_at=newer))
    store.record_fetch(
        None, Fetch(url=url, status=LinkStatus.OK, body=b"old", fetched_at=ago(hours=5))
    )
    cached = store.fresh_fetch(url, timedelta(days=1))
    assert cached is not None
    assert cached.body == b"new"
    assert cached.fetched_at == newer


def test_a_fetch_without_a_time_is_stamped_now(store: Store) -> None:
    url = "https://now.example/"
    store.record_fetch(None, Fetch(url=url, status=LinkStatus.OK))
    cached = store.fresh_fetch(url, timedelta(minutes=5))
    assert cached is not None
    assert cached.fetched_at is not None


def test_identical_bodies_are_stored_once(store: Store, db_path: Path) -> None:
    page = b"<html>" + b"the same page " * 500 + b"</html>"
    for url in ("https://one.example/", "https://two.example/", "https://one.example/"):
        store.record_fetch(None, Fetch(url=url, status=LinkStatus.OK, body=page))
    store.record_fetch(None, Fetch(url="https://three.example/", status=LinkStatus.OK, body=b"x"))
    assert count(db_path, "fetches") == 4
    assert count(db_path, "bodies") == 2
    conn = sqlite3.connect(db_path)
    stored_size = conn.execute("select length(zlib) from bodies where size = ?", [len(page)])
    assert stored_size.fetchone()[0] < len(page)  # compressed
    conn.close()


# archive captures


def test_found_and_not_found_captures_are_cached_per_wanted_date(store: Store) -> None:
    url = "https://gone.example/story"
    found = Capture(
        original_url=url,
        status=ArchiveStatus.FOUND,
        url="https://web.archive.example/web/20190817000000/" + url,
        timestamp="20190817000000",
        http_status=200,
    )
    store.save_capture(found, "2019-08-17")
    store.save_capture(Capture(original_url=url, status=ArchiveStatus.NOT_FOUND), None)
    assert store.cached_capture(url, "2019-08-17") == found
    missing = store.cached_capture(url, None)
    assert missing is not None
    assert missing.status is ArchiveStatus.NOT_FOUND
    assert store.cached_capture(url, "2020") is None


def test_unknown_captures_are_never_cached(store: Store, db_path: Path) -> None:
    url = "https://outage.example/"
    store.save_capture(Capture(original_url=url, status=ArchiveStatus.UNKNOWN, error="503"), None)
    assert store.cached_capture(url, None) is None
    found = Capture(original_url=url, status=ArchiveStatus.FOUND, url="https://a.example/x")
    store.save_capture(found, None)
    store.save_capture(Capture(original_url=url, status=ArchiveStatus.UNKNOWN), None)
    assert store.cached_capture(url, None) == found
    assert count(db_path, "captures") == 1


# reports


def expected_reference(ref: Reference) -> dict[str, object]:
    return {
        "id": ref.id,
        "marker": ref.marker,
        "url": ref.url,
        "title": ref.title,
        "authors": list(ref.authors),
        "date": ref.date,
        "work": ref.work,
        "publisher": ref.publisher,
        "access_date": ref.access_date,
        "archive_url": ref.archive_url,
        "archive_date": ref.archive_date,
        "url_status": ref.url_status,
        "quote": ref.quote,
        "kind": ref.kind,
        "line": ref.line,
        "raw": ref.raw,
    }


def test_load_report_round_trips_what_was_saved(db_path: Path) -> None:
    writer = Store(db_path)
    run_id, _ = save_full_run(writer)
    writer.close()

    reader = Store(db_path)  # a fresh connection: the report comes from the file alone
    report = plain_report(reader)
    reader.close()

    assert report["schema"] == SCHEMA
    assert report["run"]["id"] == run_id
    assert report["run"]["status"] == "complete"
    assert report["run"]["options"] == {"max_age_days": 7, "offline": False}
    [doc] = report["documents"]
    assert doc["source"] == DOCUMENT.source
    assert doc["title"] == DOCUMENT.title
    assert doc["kind"] == DOCUMENT.kind
    assert doc["subject"] == DOCUMENT.subject
    assert doc["problems"] == list(DOCUMENT.problems)

    refs = doc["references"]
    assert [ref["id"] for ref in refs] == [ref.id for ref in DOCUMENT.references]
    for saved, loaded in zip(DOCUMENT.references, refs, strict=True):
        assert {key: loaded[key] for key in expected_reference(saved)} == expected_reference(saved)
        assert {"link", "archive", "checks"} <= loaded.keys()
        assert "pending" not in loaded
    harbor = refs[0]
    assert harbor["date"] == "2019-08"  # dates keep their precision
    assert harbor["identifiers"] == [["issn", "0000-0000"], ["doi", "10.0000/example.1"]]
    assert harbor["link"] == {
        "status": "redirected",
        "http_status": 200,
        "final_url": "https://news.example/2019/harbor-opens",
        "from_cache": True,
        "error": None,
        "redirects": [{"url": "https://news.example/harbor-opens", "http_status": 301}],
        "elapsed_ms": 12.5,
        "fetched_at": "2026-01-01T00:00:00+00:00",
        "url": "https://news.example/harbor-opens",
        "content_type": "text/html",
        "via": "live",
        "truncated": False,
    }
    assert harbor["archive"] is None
    assert harbor["checks"] == [
        {"name": "anachronism", "level": "warning", "message": "accessed before it was published"}
    ]
    mayor = refs[1]
    assert mayor["link"]["status"] == "broken"
    assert mayor["archive"] is not None
    assert {key: mayor["archive"][key] for key in ("url", "timestamp", "status")} == {
        "url": "https://web.archive.example/web/20190101000000/https://city.example/mayor",
        "timestamp": "20190101000000",
        "status": "found",
    }
    assert refs[2]["link"]["error"] == "connection refused"
    assert refs[4]["link"] == {"status": "no_url"}  # a result without a Fetch, and no URL

    claims = doc["claims"]
    assert [claim["id"] for claim in claims] == ["c1", "c2"]
    assert claims[0]["text"] == CLAIM_BRIDGE.text
    assert claims[0]["markers"] == ["1", "2"]
    assert claims[0]["context"] == CLAIM_BRIDGE.context
    assert claims[0]["line"] == 3
    assert claims[0]["verdicts"] == [
        {
            "reference": "ref-harbor",
            "verdict": "supported",
            "score": 0.8125,
            "evidence": [{"text": "The bridge opened on Monday, 19 August 2019.", "score": 0.8125}],
            "checks": [{"name": "date_match", "level": "info", "message": "dates agree"}],
            "source_url": "https://news.example/2019/harbor-opens",
            "missing": [],
        },
        {
            "reference": "ref-mayor",
            "verdict": "partially_supported",
            "score": 0.5,
            "evidence": [
                {"text": "The mayor spoke at the bridge.", "score": 0.4},
                {"text": "In August.", "score": 0.3},
            ],
            "checks": [],
            "source_url": None,
            "missing": ["opened"],
        },
    ]
    assert [v["verdict"] for v in claims[1]["verdicts"]] == ["not_supported"]


def test_summary_counts_links_verdicts_and_problems(store: Store) -> None:
    save_full_run(store)
    summary = store.load_report()["summary"]
    assert summary["references"] == 5
    assert summary["links"] == {
        "blocked": 1,
        "broken": 1,
        "no_url": 1,
        "redirected": 1,
        "unreachable": 1,
    }
    assert summary["claims"] == 2
    assert summary["verdicts"] == {"not_supported": 1, "partially_supported": 1, "supported": 1}
    # broken + archive FOUND is covered; unreachable + NOT_FOUND is not; blocked is not dead
    assert summary["dead_without_archive"] == 1
    assert summary["not_supported"] == 1
    assert summary["problems"] == 2


def test_a_run_killed_half_way_still_loads(db_path: Path) -> None:
    killed = Store(db_path)
    run_id = killed.start_run("check", {})
    document_id = killed.save_document(run_id, DOCUMENT)
    killed.save_reference_result(run_id, document_id, RESULTS["ref-harbor"])
    killed.save_verdict(run_id, document_id, VERDICTS[0])
    killed.record_fetch(
        run_id, Fetch(url="https://news.example/harbor-opens", status=LinkStatus.OK, body=b"hi")
    )
    # no finish_run, no close: the process died here

    next_run = Store(db_path)
    report = plain_report(next_run, run_id)
    assert report["run"]["status"] == "running"
    refs = {ref["id"]: ref for ref in report["documents"][0]["references"]}
    assert refs["ref-harbor"]["link"]["status"] == "redirected"
    assert "pending" not in refs["ref-harbor"]
    assert refs["ref-mayor"]["pending"] is True
    assert refs["ref-mayor"]["link"]["status"] is None
    assert refs["ref-mayor"]["archive"] is None
    assert refs["ref-book"]["link"] == {"status": "no_url"}
    assert report["summary"]["pending"] == 3
    assert report["summary"]["links"] == {"no_url": 1, "redirected": 1}
    assert report["summary"]["problems"] == 0
    assert next_run.fresh_fetch("https://news.example/harbor-opens", timedelta(days=1))
    next_run.close()
    killed.close()


def test_saving_a_reference_result_again_replaces_it(store: Store) -> None:
    run_id = store.start_run("check", {})
    document_id = store.save_document(run_id, DOCUMENT)
    store.save_reference_result(run_id, document_id, RESULTS["ref-budget"])
    retried = ReferenceResult(
        reference=REF_DEAD_LOST,
        link=Fetch(url=REF_DEAD_LOST.url or "", status=LinkStatus.OK, http_status=200),
    )
    store.save_reference_result(run_id, document_id, retried)
    refs = store.load_report(run_id)["documents"][0]["references"]
    budget = next(ref for ref in refs if ref["id"] == "ref-budget")
    assert budget["link"]["status"] == "ok"
    assert budget["archive"] is None


def test_reports_of_different_runs_stay_apart(store: Store) -> None:
    first, _ = save_full_run(store)
    second = store.start_run("check", {})
    store.save_document(second, Document(source="other.md", kind="markdown"))
    assert store.load_report()["run"]["id"] == second
    assert [d["source"] for d in store.load_report()["documents"]] == ["other.md"]
    assert store.load_report(first)["summary"]["problems"] == 2


def test_load_report_without_such_a_run_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no run"):
        store.load_report()
    store.start_run("check", {})
    with pytest.raises(StoreError, match="no run 99"):
        store.load_report(99)


# sharing one file


def test_two_stores_on_one_file_write_alternately(db_path: Path) -> None:
    one, two = Store(db_path), Store(db_path)
    try:
        run_id = one.start_run("check", {})
        two.record_fetch(
            None, Fetch(url="https://shared.example/", status=LinkStatus.OK, body=b"a")
        )
        document_id = one.save_document(run_id, DOCUMENT)
        two.save_reference_result(run_id, document_id, RESULTS["ref-paywall"])
        one.save_verdict(run_id, document_id, VERDICTS[2])
        two.save_capture(
            Capture(original_url="https://x.example/", status=ArchiveStatus.FOUND), None
        )
        one.finish_run(run_id)

        assert one.fresh_fetch("https://shared.example/", timedelta(hours=1)) is not None
        assert one.cached_capture("https://x.example/", None) is not None
        report = two.load_report()
        assert report["run"]["status"] == "complete"
        refs = {ref["id"]: ref for ref in report["documents"][0]["references"]}
        assert refs["ref-paywall"]["link"]["status"] == "blocked"
        assert report["summary"]["not_supported"] == 1
    finally:
        one.close()
        two.close()


WRITER_SCRIPT = """
import sys
from citecheck.models import Fetch, LinkStatus
from citecheck.store import Store

store = Store(sys.argv[1])
for n in range(40):
    fetch = Fetch(url=f"https://child.example/{n}", status=LinkStatus.OK, body=b"c")
    store.record_fetch(None, fetch)
store.close()
"""


def test_two_processes_writing_at_once_lose_nothing(db_path: Path) -> None:
    parent = Store(db_path)
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER_SCRIPT, str(db_path)],
            cwd=Path(__file__).resolve().parent.parent,
            stderr=subprocess.PIPE,
        )
        run_id = parent.start_run("check", {})
        for n in range(40):
            parent.record_fetch(
                run_id, Fetch(url=f"https://parent.example/{n}", status=LinkStatus.OK, body=b"p")
            )
        _, stderr = child.communicate(timeout=60)
        assert child.returncode == 0, stderr.decode()
    finally:
        parent.close()
    assert count(db_path, "fetches") == 80
    assert count(db_path, "bodies") == 2


def test_of_two_fetches_in_one_second_the_one_recorded_last_is_the_newest(
    store: Store,
) -> None:
    """Fetch times have whole seconds: every reader orders by (time, id), as the table of
    newest fetches does."""
    second = ago(minutes=1)
    day = timedelta(days=1)
    went = "https://went.example/"
    store.record_fetch(None, Fetch(url=went, status=LinkStatus.OK, body=b"up", fetched_at=second))
    store.record_fetch(None, Fetch(url=went, status=LinkStatus.BROKEN, fetched_at=second))
    came = "https://came.example/"
    store.record_fetch(None, Fetch(url=came, status=LinkStatus.BROKEN, fetched_at=second))
    store.record_fetch(None, Fetch(url=came, status=LinkStatus.OK, body=b"up", fetched_at=second))

    assert store.fresh_fetch(went, day, need_body=True) is None
    assert store.recent_statuses([went], day)[went].status == "broken"
    cached = store.fresh_fetch(came, day, need_body=True)
    assert cached is not None and cached.body == b"up"
    assert store.recent_statuses([came], day)[came].status == "ok"


def test_failed_last_time_orders_fetches_of_one_second_by_when_they_were_recorded(
    store: Store,
) -> None:
    second = ago(minutes=1)
    fixed, still = "https://fixed.example/", "https://still.example/"
    first = store.start_run("links", {"sources": ["docs"]})
    store.record_fetches(first, [Fetch(url=fixed, status=LinkStatus.BROKEN, fetched_at=second),
                                 Fetch(url=still, status=LinkStatus.BROKEN, fetched_at=second)])
    store.finish_run(first)
    store.record_fetches(None, [Fetch(url=fixed, status=LinkStatus.OK, fetched_at=second)])
    latest = store.start_run("links", {"sources": ["docs"]})

    assert store.failed_last_time(latest, "links", ["docs"], timedelta(days=1), 10) == [still]


def test_m005_fills_the_newest_fetches_in_the_order_the_trigger_keeps(db_path: Path) -> None:
    old = Database(db_path)
    apply_migrations(old, stop_before="m005_newest_fetch_per_url")
    second = ago(minutes=1)
    for status in (LinkStatus.OK, LinkStatus.BROKEN, LinkStatus.TIMEOUT):  # one second
        old.table("fetches").insert(codec.fetch_row(
            None, Fetch(url="https://tie.example/", status=status, fetched_at=second), None
        ))
    old.close()

    with Store(db_path) as store:
        found = store.recent_statuses(["https://tie.example/"], timedelta(days=1))
    assert found["https://tie.example/"].status == "timeout"
