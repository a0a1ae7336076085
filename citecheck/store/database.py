"""The SQLite store: everything a run produced, written as it arrives.

Each public write commits before it returns, so a run killed half-way loses
nothing already stored and the next run can reuse its fresh fetches. WAL and a
30 s busy timeout let two processes share one file.

Not thread-safe: one Store (one sqlite3 connection) belongs to the thread that
made it. The pipeline calls the store from one thread only; other threads or
processes open their own Store on the same file.
"""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from citecheck.errors import StoreError
from citecheck.models import ArchiveStatus, Capture, Document, Fetch, ReferenceResult, Verdict
from citecheck.store import bulk, codec, runs
from citecheck.store.tables import (
    BODIES,
    CAPTURES,
    CLAIMS,
    DOCUMENTS,
    FETCHES,
    LINK_PROBLEMS,
    NEWEST_FETCHES,
    REFERENCE_RESULTS,
    REFS,
    RUNS,
    VERDICTS,
    is_current,
)

# In a links run's options: its failing links are in link_problems (see new_link_failures).
PROBLEMS_KEPT = "problems_kept"

# Run history and reports are read on first use, not with the store: a `links` run
# only appends fetches and reads fresh ones.
if TYPE_CHECKING:
    from sqlite_utils import Database

    from citecheck.schema import ReportJSON, RunJSON
    from citecheck.store.history import RunDiff, RunPoint

BUSY_TIMEOUT_SECONDS = 30.0
RUN_STATUSES = ("complete", "interrupted", "failed")


_LOOKUP_CHUNK = 500  # URLs per query: SQLite caps the number of bound parameters


class RecentStatus(NamedTuple):
    """The status columns of the newest fetch of a URL within the cache's age
    (`Store.recent_statuses`), as stored: `status` a LinkStatus value, `redirects` the
    JSON text (codec.redirects_from_json)."""

    url: str
    status: str
    http_status: int | None
    final_url: str | None
    redirects: str | None
    error: str | None
    elapsed_ms: float | None

    @property
    def reusable(self) -> bool:
        """Whether it answers the link: a success (a failure is fetched again)."""
        return self.status in codec.SUCCESS_STATUSES


def _oldest_epoch(max_age: timedelta) -> float:
    return (datetime.now(UTC) - max_age).timestamp()


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    if conn.in_transaction:  # already inside a write (nested call): join it
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    else:
        conn.commit()


class Store:
    """citecheck's database. See the module docstring for the concurrency rules."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_SECONDS)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open store {self.path}: {error}") from None
        self._db: Database | None = None
        try:
            self._prepare()
        except sqlite3.Error as error:
            self.conn.close()
            raise StoreError(f"cannot open or upgrade store {self.path}: {error}") from None

    @property
    def db(self) -> Database:
        """The connection as sqlite-utils sees it, made on first use: sqlite-utils costs
        50-90 ms of start-up that a run that only reads and appends fetches (`links`
        with its cache) never pays."""
        if self._db is None:
            from citecheck.store import load_sqlite_utils

            load_sqlite_utils()
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    def _prepare(self) -> None:
        """WAL, pragmas and migrations, retried while another process holds the lock.

        Switching a new file to WAL does not wait on the busy timeout: when two runs
        open the same new database at once, one of them is told "database is locked"
        at once, so it tries again until the busy timeout has passed.
        """
        conn = self.conn
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode = wal")
                # In WAL mode NORMAL loses no committed transaction when the process is
                # killed (only on power loss), and spares an fsync on every one of the
                # small commits a run makes as results arrive.
                conn.execute("PRAGMA synchronous = NORMAL")
                if not is_current(conn):
                    db = self.db  # first: sqlite-utils loaded the store's way (no numpy)
                    from citecheck.store.migrations import apply_migrations

                    apply_migrations(db)  # a new or older file: sqlite-utils decides
                return
            except sqlite3.OperationalError as error:
                if conn.in_transaction:
                    conn.rollback()
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02 + random.random() * 0.08)

    # runs

    def start_run(self, command: str, options: dict[str, Any]) -> int:
        with self._guard("start a run"), self._writing():
            cursor = self.conn.execute(
                f"insert into {RUNS} (command, options, started_at, finished_at, status)"
                " values (?, ?, ?, null, 'running')",
                # a Path or timedelta as text
                [command, json.dumps(options, default=str), codec.now_iso()],
            )
            return _rowid(cursor.lastrowid)

    def finish_run(self, run_id: int, status: str = "complete") -> None:
        if status not in RUN_STATUSES:
            raise StoreError(f"unknown run status {status!r}: use one of {', '.join(RUN_STATUSES)}")
        with self._guard("finish a run"), self._writing():
            cursor = self.conn.execute(
                f"update {RUNS} set status = ?, finished_at = ? where id = ?",
                [status, codec.now_iso(), run_id],
            )
        if cursor.rowcount == 0:
            raise StoreError(f"no run {run_id} in store {self.path}")

    def latest_run_id(self) -> int | None:
        with self._guard("read runs"):
            row = self.conn.execute(f"select max(id) from {RUNS}").fetchone()
            return None if row[0] is None else int(row[0])

    def runs(self) -> list[RunJSON]:
        with self._guard("read runs"):
            from citecheck.store.report_builder import run_json

            return [run_json(row) for row in self.db.table(RUNS).rows_where(order_by="id")]

    # documents

    def save_document(self, run_id: int, doc: Document) -> int:
        """Store a document with its references and claims, in one transaction."""
        with self._guard(f"save document {doc.source}"), self._writing():
            table = self.db.table(DOCUMENTS).insert(
                {
                    "run_id": run_id,
                    "source": doc.source,
                    "kind": doc.kind,
                    "title": doc.title,
                    "subject": doc.subject,
                    "problems": codec.dump_json(list(doc.problems)),
                }
            )
            document_id = _rowid(table.last_rowid)
            self.db.table(REFS).insert_all(
                codec.reference_row(document_id, position, ref)
                for position, ref in enumerate(doc.references)
            )
            self.db.table(CLAIMS).insert_all(
                codec.claim_row(document_id, position, claim)
                for position, claim in enumerate(doc.claims)
            )
            return document_id

    # fetches

    def record_fetch(self, run_id: int | None, fetch: Fetch) -> int:
        """Append one fetch to the URL's history; its body is stored once per content."""
        with self._guard(f"record a fetch of {fetch.url}"), self._writing():
            digest = None
            if fetch.body is not None:
                digest = codec.body_digest(fetch.body)
                self.db.table(BODIES).insert(
                    {
                        "sha256": digest,
                        "size": len(fetch.body),
                        "zlib": codec.compress_body(fetch.body),
                    },
                    ignore=True,  # identical content is already there
                )
            table = self.db.table(FETCHES).insert(codec.fetch_row(run_id, fetch, digest))
            return _rowid(table.last_rowid)

    def record_fetches(self, run_id: int | None, fetches: Sequence[Fetch]) -> None:
        """Append many fetches without their bodies (a link check keeps statuses, not
        pages), in one transaction: one commit for the batch instead of one per fetch."""
        if not fetches:
            return
        rows = [codec.fetch_row(run_id, fetch, None) for fetch in fetches]
        columns = list(rows[0])
        values = [[row[name] for name in columns] for row in rows]
        with self._guard("record fetches"), self._writing():
            bulk.insert_rows(self.conn, FETCHES, columns, values)

    def fresh_fetch(
        self, url: str, max_age: timedelta, *, need_body: bool = False
    ) -> Fetch | None:
        """The newest successful fetch of `url` younger than `max_age`, from_cache=True.

        Failures are never reused, and a success is not reused once a later fetch of
        the URL failed: the newest knowledge of a link decides (a dead link is looked at
        again every run). With `need_body`, only a fetch that kept its body counts
        (`links` records statuses only; `check` needs the page text).
        """
        statuses = ", ".join("?" for _ in codec.SUCCESS_STATUSES)
        with_body = " and body_sha256 is not null" if need_body else ""
        with self._guard(f"read the fetch history of {url}"):
            # on the bare connection: a `links` run looking for a #fragment in a cached
            # page must not load sqlite-utils for it
            cursor = self.conn.execute(
                f"select * from {FETCHES} as kept where url = ? and fetched_epoch >= ?"
                f" and status in ({statuses}){with_body}"
                f" and not exists (select 1 from {FETCHES} as later where later.url = ?"
                # after it: later, or as late and recorded after it (the fetch times
                # have whole seconds), the order newest_fetches keeps
                " and (later.fetched_epoch, later.id) > (kept.fetched_epoch, kept.id)"
                f" and later.status not in ({statuses}))"
                " order by fetched_epoch desc, id desc limit 1",
                [url, _oldest_epoch(max_age), *codec.SUCCESS_STATUSES, url,
                 *codec.SUCCESS_STATUSES],
            )
            found = cursor.fetchone()
            if found is None:
                return None
            row = dict(zip([column[0] for column in cursor.description], found, strict=True))
            body = self._body(row["body_sha256"]) if row["body_sha256"] else None
            return codec.fetch_from_row(row, body)

    def recent_statuses(
        self, urls: Sequence[str], max_age: timedelta
    ) -> dict[str, RecentStatus]:
        """The newest fetch of each URL younger than `max_age`, success or failure, as
        its status columns only (no Fetch is built: a warm `links` run asks about
        thousands, and a link needs no more), one query per 500 URLs; URLs with no
        fetch that young are left out. A success answers the link (`reusable`)."""
        oldest = _oldest_epoch(max_age)
        found: dict[str, RecentStatus] = {}
        with self._guard("read the fetch history"):
            for start in range(0, len(urls), _LOOKUP_CHUNK):
                chunk = urls[start : start + _LOOKUP_CHUNK]
                # by key in the table of each URL's newest fetch (migration m005)
                newest = (
                    f"{NEWEST_FETCHES} where url in ({', '.join('?' for _ in chunk)})"
                    " and fetched_epoch >= ?"
                )
                for row in bulk.select_rows(
                    self.conn, RecentStatus._fields, newest, [*chunk, oldest]
                ):
                    found[row[0]] = RecentStatus._make(row)
        return found

    def fetch_history(self, url: str) -> list[Fetch]:
        """Every recorded fetch of `url`, oldest first, without bodies."""
        with self._guard(f"read the fetch history of {url}"):
            return [
                codec.fetch_from_row(row, None)
                for row in self.db.table(FETCHES).rows_where(
                    "url = ?", [url], order_by="fetched_epoch, id"
                )
            ]

    def _body(self, digest: str) -> bytes | None:
        found = self.conn.execute(f"select zlib from {BODIES} where sha256 = ?", [digest])
        row = found.fetchone()
        return codec.decompress_body(row[0]) if row else None

    # archive captures

    def save_capture(self, capture: Capture, wanted: str | None) -> None:
        """Cache a FOUND or NOT_FOUND lookup without expiry; UNKNOWN is never cached."""
        if capture.status is ArchiveStatus.UNKNOWN:
            return
        with self._guard(f"save an archive capture of {capture.original_url}"), self._writing():
            self.db.table(CAPTURES).upsert(
                codec.capture_row(capture, wanted), pk=("original_url", "wanted")
            )

    def cached_capture(self, url: str, wanted: str | None) -> Capture | None:
        with self._guard(f"read archive captures of {url}"):
            rows = list(
                self.db.table(CAPTURES).rows_where(
                    "original_url = ? and wanted = ?", [url, wanted or ""]
                )
            )
            return codec.capture_from_row(rows[0]) if rows else None

    # results

    def save_reference_result(self, run_id: int, document_id: int, result: ReferenceResult) -> None:
        """The link outcome (no body), archive capture and checks of one reference.

        One result per reference per run: saving again replaces it.
        """
        with self._guard(f"save the result of reference {result.reference.id}"), self._writing():
            self.db.table(REFERENCE_RESULTS).upsert(
                codec.reference_result_row(run_id, document_id, result),
                pk=("run_id", "document_id", "reference_id"),
            )

    def save_verdict(self, run_id: int, document_id: int, verdict: Verdict) -> None:
        with self._guard(f"save the verdict on claim {verdict.claim_id}"), self._writing():
            self.db.table(VERDICTS).insert(codec.verdict_row(run_id, document_id, verdict))

    # history

    def compare_runs(self, old_run_id: int, new_run_id: int) -> RunDiff:
        """What got worse and what got better from one run to another (see store.history)."""
        with self._guard("compare runs"):
            for run_id in (old_run_id, new_run_id):
                found = self.db.execute(f"select 1 from {RUNS} where id = ?", [run_id])
                if found.fetchone() is None:
                    raise StoreError(f"no run {run_id} in store {self.path}")
            from citecheck.store import history

            return history.compare_runs(self.db, old_run_id, new_run_id)

    def previous_run_id(
        self, run_id: int, command: str | None = None, sources: Sequence[str] | None = None
    ) -> int | None:
        """The latest earlier complete run of the same command over the same documents."""
        with self._guard("read runs"):
            return runs.previous_run_id(self.conn, run_id, command, sources)

    def failed_last_time(
        self, run_id: int, command: str, sources: Sequence[str], max_age: timedelta, limit: int
    ) -> list[str]:
        """Up to `limit` URLs that failed in the previous run of `command` over `sources`
        and whose newest fetch (newest_fetches), younger than `max_age`, is a failure
        still (a success since answers the link from the cache instead)."""
        with self._guard("read runs"):
            previous = runs.previous_run_id(self.conn, run_id, command, sources)
            if previous is None:
                return []
            statuses = ", ".join("?" for _ in codec.SUCCESS_STATUSES)
            rows = self.conn.execute(
                f"select distinct failed.url from {FETCHES} as failed"
                f" join {NEWEST_FETCHES} as newest on newest.url = failed.url"
                f" where failed.run_id = ? and failed.status not in ({statuses})"
                f" and newest.status not in ({statuses}) and newest.fetched_epoch >= ?"
                " limit ?",
                [previous, *codec.SUCCESS_STATUSES, *codec.SUCCESS_STATUSES,
                 _oldest_epoch(max_age), limit],
            ).fetchall()
        return [row[0] for row in rows]

    def record_link_problems(self, run_id: int, problems: Iterable[tuple[str, str]]) -> None:
        """A links run's failing and warning links as (URL, status), in batches; a URL
        met twice keeps its last status. The run's options say PROBLEMS_KEPT: a run
        without it predates the table, and has no rows in it whatever it found."""
        batch: list[tuple[int, str, str]] = []
        with self._guard("record the run's failing links"), self._writing():
            for url, status in problems:
                batch.append((run_id, url, status))
                if len(batch) >= 1000:
                    self._insert_problems(batch)
                    batch = []
            self._insert_problems(batch)

    def _insert_problems(self, batch: list[tuple[int, str, str]]) -> None:
        if batch:
            self.conn.executemany(
                f"insert or replace into {LINK_PROBLEMS} (run_id, url, status)"
                " values (?, ?, ?)",
                batch,
            )

    def insecure_run_within(self, max_age: timedelta) -> bool:
        """Whether a links run with --insecure started within `max_age`: its https
        successes (any certificate accepted) are then no answer for a run without it."""
        since = (datetime.now(UTC) - max_age).isoformat(timespec="seconds")
        with self._guard("read runs"):
            row = self.conn.execute(
                f"select 1 from {RUNS} where command = 'links' and started_at >= ?"
                " and json_extract(options, '$.insecure') = 1 limit 1",
                [since],
            ).fetchone()
        return row is not None

    def new_link_failures(
        self, run_id: int, sources: Sequence[str], failing_now: dict[str, str],
        failing: AbstractSet[str],
    ) -> int:
        """Of `failing_now` (URL -> status), those the previous links run over `sources`
        did not fail by `failing` (the statuses that fail now); with no such run, all."""
        previous = self.previous_run_id(run_id, "links", sources)
        if previous is None:
            return len(failing_now)
        with self._guard("read the previous run's failing links"):
            (options,) = self.conn.execute(
                f"select options from {RUNS} where id = ?", [previous]
            ).fetchone()
            if not json.loads(options or "{}").get(PROBLEMS_KEPT):
                # a run from before link_problems (m006): compared by its fetches, as then
                return len(self.compare_runs(previous, run_id).new_problems)
            before = dict(self.conn.execute(
                f"select url, status from {LINK_PROBLEMS} where run_id = ?", [previous]
            ).fetchall())
        return sum(1 for url in failing_now if before.get(url) not in failing)

    def new_problem_count(
        self, run_id: int, command: str, sources: Sequence[str], all_problems: int
    ) -> int:
        """Problems of `run_id` that the previous run of `command` over the same sources
        did not have (what `--fail-on new` fails on); with no such run, `all_problems`."""
        previous = self.previous_run_id(run_id, command, sources)
        if previous is None:
            return all_problems
        return len(self.compare_runs(previous, run_id).new_problems)

    def run_history(self, up_to: int | None = None, limit: int = 30) -> list[RunPoint]:
        """Link and verdict totals per run, oldest first, for the history chart."""
        with self._guard("read the run history"):
            from citecheck.store import history

            return history.run_history(self.db, up_to, limit)

    # reports

    def load_report(self, run_id: int | None = None) -> ReportJSON:
        """The report of `run_id` (the latest run when None), built from the db alone."""
        with self._guard("build the report"):
            if run_id is None:
                run_id = self.latest_run_id()
                if run_id is None:
                    raise StoreError(f"no run in store {self.path}")
            rows = list(self.db.table(RUNS).rows_where("id = ?", [run_id]))
            if not rows:
                raise StoreError(f"no run {run_id} in store {self.path}")
            from citecheck.store.report_builder import build_report

            return build_report(self.db, rows[0])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _writing(self) -> contextlib.AbstractContextManager[None]:
        """A write transaction that takes the write lock at once (BEGIN IMMEDIATE).

        A deferred transaction reads the schema first and then asks for the lock; when
        another process wrote meanwhile, SQLite answers "database is locked" at once
        instead of waiting out the busy timeout. Taking the lock first makes it wait.
        """
        return _immediate(self.conn)

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn SQLite failures (locked past the timeout, disk full…) into one-line errors."""
        try:
            yield
        except sqlite3.Error as error:
            raise StoreError(f"store {self.path}: cannot {action}: {error}") from None


def _rowid(value: int | None) -> int:
    if value is None:  # sqlite-utils always sets it after a plain insert
        raise StoreError("store: an insert returned no row id")
    return value
