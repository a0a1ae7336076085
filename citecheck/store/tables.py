"""The store's table and view names, and the marks a current file carries.

Apart from citecheck.store.migrations (which needs sqlite-utils) so that a run that
only reads and appends (`citecheck links` with its cache) never loads sqlite-utils.
"""

from __future__ import annotations

import sqlite3

RUNS = "runs"
DOCUMENTS = "documents"
REFS = "refs"  # `references` is an SQL keyword
CLAIMS = "claims"
FETCHES = "fetches"
NEWEST_FETCHES = "newest_fetches"  # each URL's newest fetch (kept by a trigger on fetches)
LINK_PROBLEMS = "link_problems"  # a links run's failing and warning links, for --fail-on new
BODIES = "bodies"
CAPTURES = "captures"
REFERENCE_RESULTS = "reference_results"
VERDICTS = "verdicts"
# Views for browsing (Datasette) and for the canned queries; a view is not a table.
LINK_RESULTS = "link_results"
VERDICT_RESULTS = "verdict_results"

# The number of migrations (citecheck.store.migrations). A file whose PRAGMA
# user_version says so, and whose application_id is citecheck's (not some other
# program's file that happens to use the same user_version), has every one applied and
# is opened without asking sqlite-utils; tests/test_store.py keeps the two in step.
SCHEMA_VERSION = 6
APPLICATION_ID = 0x43434B31  # "CCK1"


def schema_marks(conn: sqlite3.Connection) -> tuple[int, int]:
    """The file's (user_version, application_id)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    application = conn.execute("PRAGMA application_id").fetchone()[0]
    return int(version), int(application)


def is_current(conn: sqlite3.Connection) -> bool:
    """Whether the file is citecheck's with every migration applied."""
    return schema_marks(conn) == (SCHEMA_VERSION, APPLICATION_ID)
