"""citecheck's exceptions, one tree. Each carries the exit code the CLI uses.

    CitecheckError (exit 2)
    ├── UsageError            bad options or option values
    ├── InputError            a document that cannot be read or parsed at all
    │   └── UnsupportedInput  a kind of input no parser handles (binary, unknown)
    ├── StoreError            the SQLite database cannot be opened or upgraded
    └── ReplayError           a WARC file that cannot be read or written

Per-item problems (a dead link, an archive outage, one bad reference) are not
exceptions: they are statuses on the item, and the run goes on.
"""

from __future__ import annotations


class CitecheckError(Exception):
    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(CitecheckError):
    pass


class InputError(CitecheckError):
    pass


class UnsupportedInput(InputError):
    pass


class StoreError(CitecheckError):
    pass


class ReplayError(CitecheckError):
    pass
