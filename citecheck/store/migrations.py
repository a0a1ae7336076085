"""The store's schema, as a numbered list of migrations applied in order.

Uses sqlite-utils' own `Migrations`; the applied names are recorded in the
`schema_migrations` table. Never edit a migration that has shipped: append a new one.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from citecheck.store.tables import (
    APPLICATION_ID,
    BODIES,
    CAPTURES,
    CLAIMS,
    DOCUMENTS,
    FETCHES,
    LINK_PROBLEMS,
    LINK_RESULTS,
    NEWEST_FETCHES,
    REFERENCE_RESULTS,
    REFS,
    RUNS,
    SCHEMA_VERSION,
    VERDICT_RESULTS,
    VERDICTS,
    schema_marks,
)
from citecheck.store.urls import url_domain


class _CitecheckMigrations(Migrations):
    migrations_table = "schema_migrations"


MIGRATIONS = _CitecheckMigrations("citecheck")


@MIGRATIONS(name="m001_documents")
def m001_documents(db: Database) -> None:
    """Runs and what they read: documents, their references and claims."""
    db.table(RUNS).create(
        {
            "id": int,
            "command": str,
            "options": str,  # JSON object
            "started_at": str,
            "finished_at": str,
            "status": str,
        },
        pk="id",
        not_null=["command", "started_at", "status"],
    )
    db.table(DOCUMENTS).create(
        {
            "id": int,
            "run_id": int,
            "source": str,
            "kind": str,
            "title": str,
            "subject": str,
            "problems": str,  # JSON list of strings
        },
        pk="id",
        foreign_keys=[("run_id", RUNS, "id")],
        not_null=["run_id", "source", "kind"],
    )
    db.table(DOCUMENTS).create_index(["run_id"])
    db.table(REFS).create(
        {
            "id": int,
            "document_id": int,
            "position": int,  # order in the document
            "ref_id": str,  # Reference.id, stable across runs
            "marker": str,
            "url": str,
            "title": str,
            "authors": str,  # JSON list
            "date": str,
            "work": str,
            "publisher": str,
            "access_date": str,
            "archive_url": str,
            "archive_date": str,
            "url_status": str,
            "quote": str,
            "kind": str,
            "identifiers": str,  # JSON list of [name, value]
            "raw": str,
            "line": int,
            "extra": str,  # JSON list of [name, value]
        },
        pk="id",
        foreign_keys=[("document_id", DOCUMENTS, "id")],
        not_null=["document_id", "position", "ref_id", "marker"],
    )
    db.table(REFS).create_index(["document_id", "position"])
    db.table(CLAIMS).create(
        {
            "id": int,
            "document_id": int,
            "position": int,
            "claim_id": str,  # Claim.id
            "text": str,
            "markers": str,  # JSON list
            "context": str,
            "line": int,
        },
        pk="id",
        foreign_keys=[("document_id", DOCUMENTS, "id")],
        not_null=["document_id", "position", "claim_id", "text"],
    )
    db.table(CLAIMS).create_index(["document_id", "position"])


@MIGRATIONS(name="m002_fetch_cache")
def m002_fetch_cache(db: Database) -> None:
    """Fetch history per URL, content-addressed bodies, archive lookups."""
    db.table(BODIES).create(
        {"sha256": str, "size": int, "zlib": bytes},
        pk="sha256",
        not_null=["size", "zlib"],
    )
    db.table(FETCHES).create(
        {
            "id": int,
            "run_id": int,  # NULL for fetches made outside a run
            "url": str,
            "fetched_at": str,  # as the fetcher gave it (ISO 8601 UTC)
            "fetched_epoch": float,  # the same instant, comparable, for freshness
            "status": str,
            "http_status": int,
            "final_url": str,
            "redirects": str,  # JSON list of {"url", "http_status"}
            "content_type": str,
            "error": str,
            "elapsed_ms": float,
            "via": str,
            "from_cache": int,
            "truncated": int,
            "body_sha256": str,
        },
        pk="id",
        foreign_keys=[("run_id", RUNS, "id"), ("body_sha256", BODIES, "sha256")],
        not_null=["url", "fetched_at", "fetched_epoch", "status"],
    )
    db.table(FETCHES).create_index(["url", "fetched_at"])
    db.table(FETCHES).create_index(["url", "fetched_epoch"])
    db.table(CAPTURES).create(
        {
            "original_url": str,
            "wanted": str,  # the wanted date, "" for "any" (NULL cannot be part of a key)
            "status": str,
            "url": str,
            "timestamp": str,
            "http_status": int,
            "error": str,
            "archive": str,
            "saved_at": str,
        },
        pk=("original_url", "wanted"),
        not_null=["status"],
    )


@MIGRATIONS(name="m003_results")
def m003_results(db: Database) -> None:
    """What one run found: per-reference link/archive/checks, and verdicts."""
    db.table(REFERENCE_RESULTS).create(
        {
            "run_id": int,
            "document_id": int,
            "reference_id": str,  # Reference.id
            "link_url": str,
            "link_status": str,  # NULL when there was no Fetch at all
            "link_http_status": int,
            "link_final_url": str,
            "link_redirects": str,  # JSON list
            "link_content_type": str,
            "link_error": str,
            "link_elapsed_ms": float,
            "link_fetched_at": str,
            "link_from_cache": int,
            "link_via": str,
            "link_truncated": int,
            "archive_status": str,  # NULL when no archive lookup was made
            "archive_original_url": str,
            "archive_url": str,
            "archive_timestamp": str,
            "archive_http_status": int,
            "archive_error": str,
            "archive_name": str,
            "checks": str,  # JSON list of {"name", "level", "message"}
            "saved_at": str,
        },
        pk=("run_id", "document_id", "reference_id"),
        foreign_keys=[("run_id", RUNS, "id"), ("document_id", DOCUMENTS, "id")],
    )
    db.table(VERDICTS).create(
        {
            "id": int,
            "run_id": int,
            "document_id": int,
            "claim_id": str,
            "reference_id": str,
            "verdict": str,
            "score": float,
            "evidence": str,  # JSON list of {"text", "score"}
            "checks": str,  # JSON list of {"name", "level", "message"}
            "source_url": str,
            "missing": str,  # JSON list
            "saved_at": str,
        },
        pk="id",
        foreign_keys=[("run_id", RUNS, "id"), ("document_id", DOCUMENTS, "id")],
        not_null=["run_id", "document_id", "claim_id", "verdict", "score"],
    )
    db.table(VERDICTS).create_index(["run_id"])
    db.table(VERDICTS).create_index(["run_id", "document_id", "claim_id"])


@MIGRATIONS(name="m004_domains_and_views")
def m004_domains_and_views(db: Database) -> None:
    """A `domain` column on refs and fetches (facets, failures per domain), and two
    read-only views that join what a person browsing the database wants side by side."""
    for table in (REFS, FETCHES):
        db.table(table).add_column("domain", str)
    # Backfill in Python: SQLite has no URL parser, and the rule must match codec's.
    for table, column in ((REFS, "url"), (FETCHES, "url")):
        rows = db.execute(f"select rowid, {column} from {table} where {column} is not null")
        for rowid, url in rows.fetchall():
            db.execute(f"update {table} set domain = ? where rowid = ?", [url_domain(url), rowid])
    db.table(REFS).create_index(["domain"])
    db.table(FETCHES).create_index(["domain"])
    # The joins of the views and of run comparison look refs and claims up by their ids.
    db.table(REFS).create_index(["document_id", "ref_id"])
    db.table(CLAIMS).create_index(["document_id", "claim_id"])
    db.table(FETCHES).create_index(["run_id"])
    db.create_view(
        LINK_RESULTS,
        f"""
        select r.run_id, d.source as document, r.reference_id, f.marker, f.title, f.url,
               f.domain, r.link_status, r.link_http_status as http_status, r.link_error as error,
               r.link_final_url as final_url, r.archive_status, r.archive_url, r.checks
        from {REFERENCE_RESULTS} r
        join {DOCUMENTS} d on d.id = r.document_id
        left join {REFS} f on f.document_id = r.document_id and f.ref_id = r.reference_id
        """,
    )
    db.create_view(
        VERDICT_RESULTS,
        f"""
        select v.run_id, d.source as document, v.claim_id, c.text as claim, v.reference_id,
               f.title as source_title, coalesce(f.url, v.source_url) as url, f.domain,
               v.verdict, v.score, v.missing, v.checks, v.evidence
        from {VERDICTS} v
        join {DOCUMENTS} d on d.id = v.document_id
        left join {CLAIMS} c on c.document_id = v.document_id and c.claim_id = v.claim_id
        left join {REFS} f on f.document_id = v.document_id and f.ref_id = v.reference_id
        """,
    )


# the status columns newest_fetches keeps of a fetch (beside url, fetch_id, fetched_epoch)
_COLUMN_NAMES = ("status", "http_status", "final_url", "redirects", "error", "elapsed_ms")
_NEWEST_COLUMNS = ", ".join(_COLUMN_NAMES)


@MIGRATIONS(name="m005_newest_fetch_per_url")
def m005_newest_fetch_per_url(db: Database) -> None:
    """Each URL's newest fetch in a table of its own, kept by a trigger on every insert
    into fetches (whoever writes it), so the links cache looks a URL up by its key:
    5,000 lookups took ~52 ms grouping the fetch history, ~21 ms here. And the
    (url, fetched_at) index goes: every lookup goes by (url, fetched_epoch) since m002,
    and each index costs every recorded fetch a random page write."""
    db.execute("drop index if exists idx_fetches_url_fetched_at")
    columns = _NEWEST_COLUMNS
    db.execute(
        f"""
        create table {NEWEST_FETCHES} (
            url text primary key,
            fetch_id integer not null,
            status text not null,
            http_status integer,
            final_url text,
            redirects text,
            error text,
            elapsed_ms real,
            fetched_epoch real not null
        ) without rowid
        """
    )
    # newest by (fetched_epoch, id): of two fetches in one second, the one recorded last,
    # as the trigger below keeps it
    db.execute(
        f"insert into {NEWEST_FETCHES} (url, fetch_id, {columns}, fetched_epoch)"
        f" select url, id, {columns}, fetched_epoch from {FETCHES} as kept"
        f" where not exists (select 1 from {FETCHES} as later where later.url = kept.url"
        " and (later.fetched_epoch, later.id) > (kept.fetched_epoch, kept.id))"
    )
    updates = ", ".join(f"{name} = excluded.{name}" for name in ("fetch_id", *_COLUMN_NAMES))
    db.execute(
        f"""
        create trigger {FETCHES}_keep_newest after insert on {FETCHES}
        begin
            insert into {NEWEST_FETCHES} (url, fetch_id, {columns}, fetched_epoch)
            values (new.url, new.id, {", ".join(f"new.{name}" for name in _COLUMN_NAMES)},
                    new.fetched_epoch)
            on conflict (url) do update set {updates}, fetched_epoch = excluded.fetched_epoch
            where excluded.fetched_epoch >= {NEWEST_FETCHES}.fetched_epoch;
        end
        """
    )


@MIGRATIONS(name="m006_link_problems")
def m006_link_problems(db: Database) -> None:
    """The links a `links` run found failing (or only warned about), by URL as checked
    (a local file's path, a #fragment kept): `--fail-on new` compares them with the
    previous run's, whatever was fetched (a missing local file or #fragment, an invalid
    URL or an unaccepted status are no fetches)."""
    db.execute(
        f"""
        create table {LINK_PROBLEMS} (
            run_id integer not null references {RUNS}(id),
            url text not null,
            status text not null,
            primary key (run_id, url)
        ) without rowid
        """
    )


def apply_migrations(db: Database, stop_before: str | None = None) -> None:
    """Bring the schema up to date (or up to `stop_before`, for tests of upgrades).

    Runs inside one BEGIN IMMEDIATE so that two processes opening a new file at
    once serialize: the second sees the first's migrations as applied. A file with
    every migration applied records SCHEMA_VERSION as its user_version, so the next
    open knows it is current without asking sqlite-utils (Store._prepare).
    """
    if MIGRATIONS.pending(db):
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS.apply(db, stop_before=stop_before)
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
    if stop_before is None:
        _record_schema_version(db)


def _record_schema_version(db: Database) -> None:
    # never lowered: a file a newer citecheck has upgraded keeps its number
    version, application = schema_marks(db.conn)
    if version >= SCHEMA_VERSION and application == APPLICATION_ID:
        return
    try:
        db.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        if version < SCHEMA_VERSION:
            db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.OperationalError as error:
        if "readonly" not in str(error):  # a read-only file is read the slow way
            raise


def migration_names() -> list[str]:
    """All known migrations, in the order they apply."""
    return [migration.name for migration in MIGRATIONS.pending(Database(memory=True))]
