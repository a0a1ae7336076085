"""Many rows in or out of SQLite in few steps.

Python's sqlite3 lets go of the GIL for every statement it runs and every row it
steps through, and must take it back after each. While another thread runs Python
(the fetch engine's loop during a `links` run), every one of those hand-overs can
wait for the interpreter's switch interval (5 ms). Beside a busy thread, 500 rows
written with executemany took 140-290 ms and 5,000 cached statuses read row by row
0.2-11 s, against 6 and 30 ms alone. So rows go in as one multi-row INSERT (one
step) and come out packed into one JSON text by SQLite's JSON functions (one step).

Where this SQLite lacks the JSON functions (built without them, before 3.38), rows
are read one at a time as before.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

# The bound-parameter limit of SQLite before 3.32; newer ones allow 32,766, and the
# connection says which (`getlimit`).
_OLD_VARIABLE_LIMIT = 999


@functools.cache
def has_json() -> bool:
    """Whether the SQLite that sqlite3 is linked with has the JSON functions (one
    library per process: asked once)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("select json_array(1), json_group_array(1)")
    except sqlite3.OperationalError:  # "no such function": built without them
        return False
    finally:
        conn.close()
    return True


def _variable_limit(conn: sqlite3.Connection) -> int:
    try:
        return conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):  # no getlimit: assume the old default
        return _OLD_VARIABLE_LIMIT


def insert_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (values in `columns` order) into `table` inside the caller's
    transaction, as few multi-row INSERTs as the bound-parameter limit allows."""
    if not rows:
        return
    width = len(columns)
    per_statement = max(1, _variable_limit(conn) // width)
    one_row = "(" + ", ".join("?" * width) + ")"
    head = f"insert into {table} ({', '.join(columns)}) values "
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        conn.execute(head + ", ".join([one_row] * len(part)), [v for row in part for v in row])


def select_rows(
    conn: sqlite3.Connection, columns: Sequence[str], source: str, parameters: Sequence[Any]
) -> list[list[Any]]:
    """`select <columns> from <source>`, read in one step: each row a list of values.

    Text, integer and NULL columns come back as sqlite3 gives them; a real comes back
    to 15 significant digits (SQLite's JSON text of it) and a blob as text, so select
    neither where that matters.
    """
    names = ", ".join(columns)
    if has_json():
        packing = f"select json_group_array(json_array({names})) from {source}"
        (packed,) = conn.execute(packing, parameters).fetchone()
        try:
            return json.loads(packed) if packed else []
        except ValueError:  # an infinite real: some SQLite versions (3.40 here) write Inf
            pass
    return [list(row) for row in conn.execute(f"select {names} from {source}", parameters)]
