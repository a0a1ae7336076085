"""Starting Datasette on a citecheck database, in a child process."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from citecheck.errors import UsageError


class DatasetteMissing(UsageError):
    """Datasette is an optional extra; without it `serve` says how to get it."""


INSTALL_HINT = (
    "datasette is not installed: pip install 'citecheck[serve]' (or pip install datasette)"
)


def require_datasette() -> None:
    try:
        found = importlib.util.find_spec("datasette") is not None
    except (ImportError, ValueError):  # a broken or blocked installation
        found = False
    if not found:
        raise DatasetteMissing(INSTALL_HINT)


def datasette_command(db: Path, metadata: Path, host: str, port: int) -> list[str]:
    """The command line that serves `db` with `metadata` (the current interpreter's datasette)."""
    return [
        sys.executable, "-m", "datasette", "serve", str(db),
        "--metadata", str(metadata),
        "--host", host,
        "--port", str(port),
        "--setting", "sql_time_limit_ms", "5000",
    ]
