"""citecheck's SQLite store: runs, documents, fetch history, archive lookups, results.

`Store` is the only public entry point; `load_report` renders the "citecheck/1"
report of a run from the database alone.
"""

import sys

from citecheck.store.database import Store


def load_sqlite_utils() -> None:
    """Import sqlite_utils without letting it load numpy (~35 ms); called by Store when
    it first needs sqlite-utils (never on a `links` run over a current file).

    sqlite_utils imports numpy, when it is installed, only to map numpy scalar types to
    column types. citecheck never passes numpy values to sqlite-utils, so the mapping is
    never needed: numpy is hidden (a None entry in sys.modules makes its import raise
    ImportError, which sqlite_utils expects) for that one import, then put back, so
    code that really wants numpy later still gets it. When numpy is loaded already,
    nothing is hidden and sqlite_utils sees it as usual.
    """
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # blocks the import
    try:
        import sqlite_utils  # noqa: F401  # cached in sys.modules for the store's modules
    finally:
        if sys.modules.get("numpy", "absent") is None:
            del sys.modules["numpy"]


__all__ = ["Store"]
