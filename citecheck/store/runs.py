"""Which earlier run a run is compared with: the latest complete run of the same command
over the same documents. Plain SQL on a sqlite3 connection (or sqlite-utils' Database,
which has the same `execute`), so a `links` run can ask without loading sqlite-utils."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from citecheck.store.tables import DOCUMENTS, RUNS


class Queryable(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...


def run_sources(db: Queryable, run_id: int) -> list[str]:
    """The documents a run read; for a run without documents, its options' `sources`."""
    rows = db.execute(
        f"select distinct source from {DOCUMENTS} where run_id = ? order by source", [run_id]
    ).fetchall()
    if rows:
        return [row[0] for row in rows]
    option_row = db.execute(f"select options from {RUNS} where id = ?", [run_id]).fetchone()
    try:
        options = json.loads(option_row[0]) if option_row and option_row[0] else {}
    except ValueError:
        return []
    listed = options.get("sources") if isinstance(options, dict) else None
    return sorted(str(s) for s in listed) if isinstance(listed, list) else []


def previous_run_id(
    db: Queryable,
    run_id: int,
    command: str | None = None,
    sources: Sequence[str] | None = None,
) -> int | None:
    """The latest complete run before `run_id` of the same command over the same documents.

    `command` and `sources` default to those of `run_id` itself; the order of the
    sources does not matter. Interrupted or failed runs are skipped: their missing
    results would read as references removed and problems fixed.
    """
    row = db.execute(f"select command from {RUNS} where id = ?", [run_id]).fetchone()
    if row is None and command is None:
        return None
    wanted_command = command if command is not None else row[0]
    wanted_sources = sorted(sources) if sources is not None else run_sources(db, run_id)
    candidates = db.execute(
        f"select id from {RUNS} where id < ? and command = ? and status = 'complete'"
        " order by id desc",
        [run_id, wanted_command],
    ).fetchall()
    for (candidate,) in candidates:
        if run_sources(db, candidate) == wanted_sources:
            return int(candidate)
    return None
