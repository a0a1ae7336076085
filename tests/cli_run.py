"""Run the installed `citecheck` command in a subprocess, the way a user or CI does.

Import it as `from cli_run import citecheck` (tests/ is on the path, like httpservers).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Settings in the developer's shell that would point the command at a real archive or
# account: a test's command never inherits them, so it only reaches what the test serves.
OUTSIDE_SETTINGS = (
    "CITECHECK_WAYBACK_URL",
    "CITECHECK_IA_ACCESS_KEY",
    "CITECHECK_IA_SECRET_KEY",
    "CITECHECK_HTTP_CLIENT",
)


def command(*args: str | Path) -> list[str]:
    """The command line that runs citecheck with these arguments under this Python."""
    return [sys.executable, "-m", "citecheck", *map(str, args)]


def environment() -> dict[str, str]:
    """This process's environment without OUTSIDE_SETTINGS."""
    return {name: value for name, value in os.environ.items() if name not in OUTSIDE_SETTINGS}


def citecheck(
    *args: str | Path, cwd: Path, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run citecheck to the end in `cwd`, feeding it `stdin`, and capture its output."""
    return subprocess.run(
        command(*args),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment(),
    )
