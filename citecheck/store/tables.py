"""The store's table and view names, and the schema version a current file records.

Apart from citecheck.store.migrations (which needs sqlite-utils) so that a run that
only reads and appends (`citecheck links` with its cache) never loads sqlite-utils.
"""

RUNS = "runs"
DOCUMENTS = "documents"
REFS = "refs"  # `references` is an SQL keyword
CLAIMS = "claims"
FETCHES = "fetches"
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
SCHEMA_VERSION = 4
APPLICATION_ID = 0x43434B31  # "CCK1"
