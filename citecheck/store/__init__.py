"""citecheck's SQLite store: runs, documents, fetch history, archive lookups, results.

`Store` is the only public entry point; `load_report` renders the "citecheck/1"
report of a run from the database alone.
"""

from citecheck.store.database import Store

__all__ = ["Store"]
